/* gettext() and ngettext() for kuzet's page scripts, over the page's JSON catalogue (web/i18n.py):
 * <script type="application/json" id="kuzet-i18n">{"locale": "ru", "messages": {msgid: translation,
 * singular: [form0, form1, ...]}}</script>, loaded before every other script. A msgid without a
 * translation is shown as written (English, the source language). Parameters are Python-style named
 * fields, %(name)s or %(name)d; ngettext supplies %(num)d. Plural forms follow CLDR / gettext's
 * Plural-Forms: ru has three (one, few, many), kk and en two. No eval: the rules are functions here. */
(function (root) {
  "use strict";
  var RULES = {
    // nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)
    ru: function (n) {
      var d = n % 10, h = n % 100;
      if (d === 1 && h !== 11) return 0;
      if (d >= 2 && d <= 4 && (h < 10 || h >= 20)) return 1;
      return 2;
    },
    // nplurals=2; plural=(n != 1)
    kk: function (n) { return n !== 1 ? 1 : 0; },
    en: function (n) { return n !== 1 ? 1 : 0; }
  };

  function read() {
    var node = root.document && root.document.getElementById("kuzet-i18n");
    if (!node) return {locale: "en", messages: {}};
    try { return JSON.parse(node.textContent); } catch (e) { return {locale: "en", messages: {}}; }
  }
  var catalogue = read();
  var messages = catalogue.messages || {};

  function pluralIndex(locale, n) {
    return (RULES[locale] || RULES.en)(Math.abs(Math.floor(Number(n))));
  }
  function format(text, values) {
    if (!values) return text;
    return text.replace(/%\((\w+)\)[sd]/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    }).replace(/%%/g, "%");
  }
  function gettext(msgid, values) {
    var t = messages[msgid];
    return format(typeof t === "string" && t ? t : msgid, values);
  }
  function ngettext(singular, plural, n, values) {
    var forms = messages[singular];
    var index = pluralIndex(catalogue.locale, n);
    // untranslated: the English forms, chosen by English's rule
    var text = Array.isArray(forms) && forms[index] ? forms[index] : (n === 1 ? singular : plural);
    var all = {num: n};
    Object.keys(values || {}).forEach(function (key) { all[key] = values[key]; });
    return format(text, all);
  }

  root.gettext = gettext;
  root.ngettext = ngettext;
  root.kuzetI18n = {locale: catalogue.locale, pluralIndex: pluralIndex, format: format};
}(typeof window !== "undefined" ? window : globalThis));
