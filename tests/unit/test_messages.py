"""Messages for users are ids with parameters (geo.messages), never English built in place.

A scan of the source of geo/ and web/ fails on a message a user sees that ``pybabel extract`` cannot
find: an f-string, a ``%``/``.format`` string or a bare literal where an error, a row error, a flash,
a CLI error or an API error body takes its message; and on a ``Message`` whose msgid is not marked
with ``N_``/``NP_``. Each message code means one msgid, and each msgid's placeholders are its
parameters.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from geo.access import Principal, require
from geo.domain import Role
from geo.errors import Forbidden, InvalidInput, NotFound, RowError
from geo.messages import N_, NP_, Message, Text, placeholders, render

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(p for folder in ("geo", "web") for p in (ROOT / folder).rglob("*.py")
                 if "migrations" not in p.parts)

# What takes a message for a user, and which argument it is: the errors of geo.errors (and their
# subclasses elsewhere), a row error's reason, an import value refused, Flask's flash, click's error.
ERRORS = {"KuzetError", "NotFound", "Forbidden", "InvalidInput", "RuleViolation", "Conflict", "TokenRefused"}
MESSAGE_ARGUMENT = {**{name: 0 for name in ERRORS}, "_Bad": 0, "RowError": 2, "flash": 0, "ClickException": 0,
                    "Text": 1}
# Translating calls: their msgid must be a literal for pybabel to find it.
GETTEXT = {"_", "gettext", "ngettext", "lazy_gettext", "_l", "N_", "NP_"}
# Keys of a JSON error body that hold a message.
BODY_KEYS = {"error", "message", "description", "reason"}


def name_of(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def is_built_text(node: ast.expr) -> bool:
    """English put together in place: an f-string, ``"..." % x``, ``"...".format()``, ``"a" + b``, or
    a literal sentence (a word or a code is left alone)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value.strip()
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return is_built_text(node.left) or is_built_text(node.right)
    if isinstance(node, ast.Call) and name_of(node.func) == "format" and isinstance(node.func, ast.Attribute):
        return isinstance(node.func.value, ast.Constant | ast.JoinedStr)
    if isinstance(node, ast.IfExp):
        return is_built_text(node.body) or is_built_text(node.orelse)
    return False


def unmarked(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for each user-facing message in ``tree`` that extraction cannot find."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = name_of(node.func)
            position = MESSAGE_ARGUMENT.get(name)
            if position is not None and len(node.args) > position and is_built_text(node.args[position]):
                found.append((node.lineno, f"{name}() given text, not a Message or a gettext call"))
            if name in GETTEXT and any(is_built_text(a) and not isinstance(a, ast.Constant)
                                       for a in node.args[:2 if name in ("ngettext", "NP_") else 1]):
                found.append((node.lineno, f"{name}() of a msgid built in place"))
            if name == "Message":
                found += [(node.lineno, problem) for problem in message_problems(node)]
        if isinstance(node, ast.Dict) and {"error", "code"} & {k for k, _ in body_items(node)}:
            found += [(node.lineno, f"error dict with text in {key!r}")
                      for key, value in body_items(node) if key in BODY_KEYS and is_built_text(value)]
    return found


def body_items(node: ast.Dict) -> list[tuple[str, ast.expr]]:
    return [(k.value, v) for k, v in zip(node.keys, node.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def message_problems(node: ast.Call) -> list[str]:
    """A Message names its code and marks its msgid: ``Message("code", N_("..."), ...)``."""
    if len(node.args) < 2:
        return ["Message() needs a code and a msgid"]
    msgid = node.args[1]
    if isinstance(msgid, ast.Call) and name_of(msgid.func) in ("N_", "NP_"):
        return []
    if isinstance(msgid, ast.Constant | ast.JoinedStr) or is_built_text(msgid):
        return ["Message() msgid not marked with N_()/NP_()"]
    return []  # a msgid chosen from a table of N_() (the scan of that table covers it)


def literal_messages() -> list[tuple[str, int, str, tuple[str, ...], set[str] | None]]:
    """(file, line, code, msgids, parameter names or None when they are spread in) of each Message
    written with a literal code and msgid."""
    out = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and name_of(node.func) == "Message" and len(node.args) >= 2):
                continue
            code, marked = node.args[0], node.args[1]
            if not (isinstance(code, ast.Constant) and isinstance(marked, ast.Call)
                    and name_of(marked.func) in ("N_", "NP_")):
                continue
            msgids = tuple(a.value for a in marked.args if isinstance(a, ast.Constant))
            params = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
            out.append((str(path.relative_to(ROOT)), node.lineno, code.value, msgids, params))
    return out


def test_the_scan_finds_the_patterns_it_guards_against():
    bad = ast.parse('''
raise InvalidInput(f"no layer {name!r}")
raise NotFound("no such assignment")
errors.append(RowError(i + 1, "geometry", "geometry is missing"))
flash("Saved %s" % name)
raise click.ClickException("cannot reach {}".format(url))
return jsonify({"error": f"bad {x}"}), 400
Message("layer.unknown", "no layer %(name)s", name=name)
_(f"Hello {name}")
''')
    assert len(unmarked(bad)) == 8
    good = ast.parse('''
raise InvalidInput(Message("layer.unknown", N_("no layer %(name)r"), name=name))
raise InvalidInput(gettext("The report was not stored: %(reasons)s", reasons=r), rows=rows)
errors.append(RowError(i + 1, label, reason))
flash(_("Saved %(name)s.", name=name))
raise click.ClickException(_.render(exc.msg))
return jsonify({"code": code, "message": message, "error": message}), 400
raise Forbidden("dispatcher")
''')
    assert unmarked(good) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_user_facing_message_is_marked_for_extraction(path):
    found = unmarked(ast.parse(path.read_text(encoding="utf-8")))
    assert not found, "\n".join(f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found)


def test_each_code_names_one_message_and_each_msgid_has_its_parameters():
    messages = literal_messages()
    assert len(messages) > 250  # the scan sees the messages of geo/ and web/
    by_code: dict[str, set[tuple[str, ...]]] = {}
    for _, _, code, msgids, _ in messages:
        by_code.setdefault(code, set()).add(msgids)
    assert not {c: m for c, m in by_code.items() if len(m) > 1}, "a code names two messages"
    # ... and a message has one code: "no assignment 7" reads the same whether it does not exist or
    # the reader may not see it (geo.access), in the code as in the words.
    by_msgid: dict[tuple[str, ...], set[str]] = {}
    for _, _, code, msgids, _ in messages:
        by_msgid.setdefault(msgids, set()).add(code)
    assert not {m: c for m, c in by_msgid.items() if len(c) > 1}, "a message has two codes"
    wrong = []
    for where, line, code, msgids, params in messages:
        wanted = set().union(*(placeholders(m) for m in msgids))
        if len(msgids) == 2:
            wanted.add("num")
        if params is not None and wanted != params:
            wrong.append(f"{where}:{line} {code}: placeholders {sorted(wanted)}, parameters {sorted(params)}")
        if params is None and not wanted:
            wrong.append(f"{where}:{line} {code}: parameters given to a msgid without placeholders")
    assert not wrong, "\n".join(wrong)


def test_a_message_renders_in_english_and_in_a_catalogue(tmp_path):
    m = Message("layer.unknown", N_("no layer %(name)r"), name="zones")
    assert (m.code, str(m), m.render()) == ("layer.unknown", "no layer 'zones'", "no layer 'zones'")
    rows = NP_("%(num)d row refused", "%(num)d rows refused")
    assert [str(Message("rows.refused", rows, num=n)) for n in (1, 2)] == ["1 row refused", "2 rows refused"]
    translations = compiled(tmp_path, "ru", {
        "no layer %(name)r": "нет слоя %(name)r",
        rows: ("%(num)d строка отклонена", "%(num)d строки отклонены", "%(num)d строк отклонено"),
        "dispatcher": "диспетчер",
        "this needs the role %(wanted)s": "для этого нужна роль %(wanted)s",
    })
    assert m.render(translations) == "нет слоя 'zones'"
    assert [Message("rows.refused", rows, num=n).render(translations) for n in (1, 3, 5, 21)] == [
        "1 строка отклонена", "3 строки отклонены", "5 строк отклонено", "21 строка отклонена"]
    # A parameter that is a message itself (a role's name) is rendered in the same language.
    with pytest.raises(Forbidden) as refused:
        require(Principal(user_id=1, login="x"), Role.DISPATCHER, Role.ANALYST)
    assert refused.value.msg.code == "access.needs-role"
    assert (refused.value.message, refused.value.render(translations)) == (
        "this needs the role dispatcher, analyst", "для этого нужна роль диспетчер, analyst")
    # A translation with a wrong placeholder shows the source text rather than failing.
    broken = compiled(tmp_path / "broken", "ru", {"no layer %(name)r": "нет слоя %(layer)r"})
    assert m.render(broken) == "no layer 'zones'"
    # Text a caller translated already is shown as it is, whatever the catalogue.
    assert render(Text("invalid-input", "уже переведено"), translations) == "уже переведено"


def test_errors_and_row_errors_carry_their_message():
    row = RowError(3, "geometry", Message("validate.geometry-missing", N_("geometry is missing or empty")))
    error = InvalidInput(Message("import.refused", N_("the file was refused")), rows=[row])
    assert (error.msg.code, error.message, str(error)) == ("import.refused", "the file was refused",
                                                           "the file was refused")
    assert row.reason == "geometry is missing or empty"
    assert row.as_dict() == {"row": 3, "field": "geometry", "reason": "geometry is missing or empty",
                             "code": "validate.geometry-missing"}
    assert error.report() == "the file was refused\n  row 3: geometry: geometry is missing or empty"
    # A caller's own (translated) text keeps the class's code.
    assert NotFound("нет такого").msg.code == "not-found"


def compiled(folder: Path, locale: str, texts: dict) -> "Translations":  # noqa: F821
    """A catalogue of ``texts`` compiled to ``folder/<locale>/LC_MESSAGES/messages.mo``, loaded."""
    from babel.support import Translations

    catalog = Catalog(locale=locale)
    for msgid, text in texts.items():
        catalog.add(msgid, text)
    target = folder / locale / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    return Translations.load(str(folder), [locale], domain="messages")
