"""An individual participant's item 6 task on paper: the sheet names the participant and their
certificate, cites item 6.1, prints no item 7 duties of a formation, and is theirs alone."""
from __future__ import annotations

from tests.support.dispatch_world import world  # noqa: F401  (fixture)
from tests.web.test_individual_api import participant  # noqa: F401  (fixture)
from tests.web.test_shift_sheets import pdf_info, pdf_text


def test_an_individual_participant_prints_their_own_task(participant):  # noqa: F811
    me = participant["client"]
    answer = me.get(f"/assignments/{participant['mine']}/sheet.pdf")
    assert answer.status_code == 200 and pdf_info(answer.data)["Pages"] == "1"
    text = " ".join(pdf_text(answer.data).split())
    assert "Individual participant: Ainur Kasymova" in text and "C-Ainur Kasymova" in text
    assert "6.1 · Reporting offences" in text and "Order 641, Rules item 6.1" in text
    assert "18:00–22:00" in text
    assert "Order 641, Rules item 7" not in text and "The formation acts" not in text
    assert me.get(f"/assignments/{participant['theirs']}/sheet.pdf").status_code == 404
    assert me.get("/dispatch/sheets.pdf?date=2026-12-05").status_code == 403
