"""One finding, serialised one way: a JSON record (results.json, delivery.json, validate --json) and a table row
(summary workbooks, the live workbooks' and the moderation workbook's Findings sheets)."""

from __future__ import annotations

import json

from svexcel.core.findings import FINDING_COLUMNS, Finding, Findings, finding_rows

OUTLIER = Finding("outlier", "warning", "Far above the others.", "b.xlsx", "Commitments", "F9", "Can you explain?")
UNANSWERED = Finding("unanswered", "warning", "Not answered.", "a.xlsx", "Commitments", "F6")
BROKEN = Finding("file-corrupt", "error", "Damaged.", "b.xlsx")


def test_a_record_names_its_file_only_when_asked_and_its_question_only_when_there_is_one() -> None:
    assert json.dumps(UNANSWERED.to_dict(file=False)) == (
        '{"sheet": "Commitments", "cell": "F6", "type": "unanswered", "severity": "warning", "message": "Not answered."}')
    assert OUTLIER.to_dict() == {"file": "b.xlsx", "sheet": "Commitments", "cell": "F9", "type": "outlier", "severity": "warning",
                                 "message": "Far above the others.", "question": "Can you explain?"}


def test_a_row_follows_the_columns_and_a_table_goes_by_file_then_errors_first() -> None:
    assert dict(zip(FINDING_COLUMNS, BROKEN.row(), strict=True)) == {
        "File": "b.xlsx", "Severity": "error", "Type": "file-corrupt", "Sheet": "", "Cell": "", "Message": "Damaged."}
    assert finding_rows([OUTLIER, UNANSWERED, BROKEN]) == [list(FINDING_COLUMNS), UNANSWERED.row(), BROKEN.row(), OUTLIER.row()]


def test_a_collector_adds_to_the_list_it_is_given() -> None:
    kept: list[Finding] = [UNANSWERED]
    findings = Findings("a.xlsx", "Cover", kept)
    added = findings.add("no-organisation", "No organisation name is given.", "B4")
    assert kept == [UNANSWERED, added] and list(findings) == kept and len(findings) == 2
    assert str(added) == "a.xlsx!Cover!B4: warning: No organisation name is given. [no-organisation]"
