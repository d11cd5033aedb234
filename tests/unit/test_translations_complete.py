"""The catalogues are complete: messages.pot is what a fresh extraction gives (`make messages` was
run after the last string changed), and every msgid has a Russian and a Kazakh translation, none of
them fuzzy, with every plural form of the language."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = ROOT / "web" / "translations"
POT = CATALOGUES / "messages.pot"
# The Makefile's `messages` target, word for word (babel.cfg says what is read).
EXTRACT = ["extract", "-F", "babel.cfg", "-k", "N_", "-k", "NP_:1,2", "-k", "lazy_gettext", "-k", "_l",
           "--sort-output", "--add-location=file"]


def _without_dates(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith('"POT-Creation-Date:'))


def test_messages_pot_is_what_a_fresh_extraction_gives(tmp_path, monkeypatch):
    fresh = tmp_path / "messages.pot"
    monkeypatch.chdir(ROOT)
    CommandLineInterface().run([sys.argv[0], "-q", *EXTRACT, "-o", str(fresh), "."])
    assert _without_dates(POT.read_text(encoding="utf-8")) == _without_dates(fresh.read_text(encoding="utf-8")), \
        "web/translations/messages.pot is stale: run `make messages` and commit it"


@pytest.mark.parametrize("locale", ["ru", "kk"])
def test_every_msgid_has_a_translation_that_is_not_fuzzy(locale):
    po_path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    assert po_path.exists(), f"no {locale} catalogue at {po_path.relative_to(ROOT)}"
    with open(POT, "rb") as f:
        template = read_po(f)
    with open(po_path, "rb") as f:
        catalogue = read_po(f, locale=locale)
    nplurals = get_plural(locale).num_plurals
    assert catalogue.num_plurals == nplurals, f"{locale}: Plural-Forms must have nplurals={nplurals}"
    problems = []
    for message in template:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        found = catalogue.get(message.id, context=message.context)
        if found is None:
            problems.append(f"missing: {key!r}")
        elif found.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        elif isinstance(message.id, (list, tuple)):
            forms = found.string if isinstance(found.string, (list, tuple)) else (found.string,)
            if len(forms) != nplurals or not all(forms):
                problems.append(f"plural forms missing ({len([s for s in forms if s])} of {nplurals}): {key!r}")
        elif not found.string:
            problems.append(f"untranslated: {key!r}")
    assert not problems, (f"{locale}: {len(problems)} of {len([m for m in template if m.id])} msgids are not "
                          "translated:\n" + "\n".join(problems[:40]))
