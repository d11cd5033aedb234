"""`kuzet import` row errors and `kuzet user ...` follow LANG / KUZET_LOCALE (a catalogue compiled here)."""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from click.testing import CliRunner
from sqlalchemy import text

RUSSIAN = {
    "%(file)s: %(bad_rows)s of %(rows)s rows are not valid for layer %(layer)s; nothing was stored":
        "%(file)s: %(bad_rows)s из %(rows)s строк не годятся для слоя %(layer)s; ничего не сохранено",
    "row %(row)d: %(field)s: %(reason)s": "строка %(row)d: %(field)s: %(reason)s",
    "required value is missing": "нет обязательного значения",
    "the login %(login)r is taken": "логин %(login)r занят",
    "user %(login)s created": "пользователь %(login)s создан",
}


@pytest.fixture
def russian_catalogue(tmp_path, monkeypatch):
    catalog = Catalog(locale="ru")
    for msgid, text_ in RUSSIAN.items():
        catalog.add(msgid, text_)
    folder = tmp_path / "translations" / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    monkeypatch.setattr("web.cli_language.TRANSLATIONS_DIR", tmp_path / "translations")
    return tmp_path


@pytest.mark.parametrize("env", [{"LANG": "ru_RU.UTF-8", "KUZET_LOCALE": ""},
                                 {"LANG": "en_US.UTF-8", "LC_ALL": "", "KUZET_LOCALE": "ru"}])
def test_import_row_errors_are_in_the_locale_of_the_environment(engine, russian_catalogue, env):
    from web.cli import main

    url = engine.url.render_as_string(hide_password=False)
    bad = russian_catalogue / "bad.csv"
    bad.write_text("lon,lat,occurred_at,category\n76.9,43.2,,theft\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["--database-url", url, "import", "incident", str(bad)], env=env)
    assert out.exit_code == 1, out.output
    assert "bad.csv: 1 из 1 строк не годятся для слоя incident; ничего не сохранено" in out.output
    assert "строка 1: occurred_at: нет обязательного значения" in out.output
    english = CliRunner().invoke(main, ["--database-url", url, "import", "incident", str(bad)],
                                 env={"LANG": "C.UTF-8", "LC_ALL": "", "KUZET_LOCALE": ""})
    assert "row 1: occurred_at: required value is missing" in english.output


def test_kuzet_user_speaks_the_locale_of_the_environment(engine, russian_catalogue):
    from web.cli import main

    url = engine.url.render_as_string(hide_password=False)
    env = {"LANG": "ru_RU.UTF-8", "KUZET_LOCALE": "", "LC_ALL": ""}
    create = ["--database-url", url, "user", "create", "cli.ru", "--full-name", "CLI", "--role", "analyst"]
    try:
        out = CliRunner().invoke(main, create, input="long enough pw\nlong enough pw\n", env=env)
        assert out.exit_code == 0 and "пользователь cli.ru создан" in out.output, out.output
        out = CliRunner().invoke(main, create, input="long enough pw\nlong enough pw\n", env=env)
        assert out.exit_code == 1 and "логин 'cli.ru' занят" in out.output, out.output
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM user_account WHERE login = 'cli.ru'"))
