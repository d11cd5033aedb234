"""The command line speaks the language of its environment: KUZET_LOCALE, else LC_ALL, LC_MESSAGES,
LANG (``ru_RU.UTF-8`` is Russian), else English; geo's messages are looked up by their msgid."""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from geo.errors import InvalidInput, RowError
from geo.messages import N_, NP_, Message
from web.cli_language import CliText, cli_locale

NOT_FOUND = "file not found: %(path)s"
ROWS = NP_("%(num)d row refused", "%(num)d rows refused")


@pytest.mark.parametrize("environ, locale", [
    ({}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "ru_RU.UTF-8"}, "ru"),
    ({"LANG": "kk_KZ.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, "ru"),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "kk_KZ.UTF-8"}, "kk"),
    ({"LANG": "ru_RU.UTF-8", "KUZET_LOCALE": "kk"}, "kk"),
    ({"LANG": "ru_RU.UTF-8", "KUZET_LOCALE": ""}, "ru"),
    ({"LC_ALL": "POSIX", "LANG": "ru_RU"}, "ru"),
])
def test_the_locale_comes_from_kuzet_locale_then_the_posix_variables(environ, locale):
    assert cli_locale(environ) == locale


def compile_catalogue(folder, locale: str, texts: dict) -> None:
    catalog = Catalog(locale=locale)
    for msgid, text in texts.items():
        catalog.add(msgid, text)
    (folder / locale / "LC_MESSAGES").mkdir(parents=True)
    with (folder / locale / "LC_MESSAGES" / "messages.mo").open("wb") as f:
        write_mo(f, catalog)


@pytest.fixture
def catalogues(tmp_path):
    compile_catalogue(tmp_path, "ru", {NOT_FOUND: "файл не найден: %(path)s",
                                       ROWS: ("%(num)d строка отклонена", "%(num)d строки отклонены",
                                              "%(num)d строк отклонено"),
                                       "row %(row)d: %(field)s: %(reason)s": "строка %(row)d: %(field)s: %(reason)s",
                                       "required value is missing": "нет обязательного значения"})
    compile_catalogue(tmp_path, "kk", {NOT_FOUND: "файл табылмады: %(path)s"})
    return tmp_path


@pytest.mark.parametrize("environ, text", [
    ({"LANG": "ru_RU.UTF-8"}, "файл не найден: x.csv"),
    ({"LANG": "ru_RU.UTF-8", "KUZET_LOCALE": "kk"}, "файл табылмады: x.csv"),
    ({"KUZET_LOCALE": "en", "LANG": "ru_RU.UTF-8"}, "file not found: x.csv"),
    ({"LANG": "de_DE.UTF-8"}, "file not found: x.csv"),  # no catalogue: the source language
])
def test_a_message_of_geo_is_rendered_in_the_clis_locale(catalogues, environ, text):
    cli = CliText(environ, catalogues)
    assert cli.render(Message("readers.file-not-found", N_(NOT_FOUND), path="x.csv")) == text


def test_plurals_and_an_import_report_follow_the_locale(catalogues):
    cli = CliText({"LANG": "ru_RU.UTF-8"}, catalogues)
    assert [cli.render(Message("rows.refused", ROWS, num=n)) for n in (1, 2, 5)] == [
        "1 строка отклонена", "2 строки отклонены", "5 строк отклонено"]
    error = InvalidInput(Message("readers.file-not-found", N_(NOT_FOUND), path="x.csv"), rows=[
        RowError(2, "name", Message("validate.required-value-missing", N_("required value is missing")))])
    assert error.report(translations=cli.translations) == (
        "файл не найден: x.csv\n  строка 2: name: нет обязательного значения")
    assert error.report() == "file not found: x.csv\n  row 2: name: required value is missing"


def test_the_cli_finds_the_projects_catalogues_by_default():
    from web.cli_language import TRANSLATIONS_DIR

    assert TRANSLATIONS_DIR.parts[-2:] == ("web", "translations")
    assert CliText({"LANG": "C"}).render(Message("readers.file-not-found", N_(NOT_FOUND), path="x")) == (
        "file not found: x")
