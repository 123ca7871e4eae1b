"""Every finding type svexcel reports, with its usual severity and one line on what it means and how to fix it.

A new finding type is added here first; ``tests/core/test_catalogue.py`` fails for a type the code emits that is
not here, and for an entry no code emits. ``docs/findings.md`` is this catalogue's table:
``python -m svexcel.core.catalogue > docs/findings.md`` writes it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Severity = Literal["error", "warning", "info"]


class FindingKind(NamedTuple):
    """What a finding type means: its usual severity and one line of advice."""

    severity: Severity
    advice: str


def _error(advice: str) -> FindingKind:
    return FindingKind("error", advice)


def _warning(advice: str) -> FindingKind:
    return FindingKind("warning", advice)


def _info(advice: str) -> FindingKind:
    return FindingKind("info", advice)


CATALOGUE: dict[str, FindingKind] = {
    # Files that cannot be read, or are not what was asked for
    "file-empty": _error("The file is empty (0 bytes). Save it again from Excel and send it again."),
    "file-corrupt": _error("The file is damaged or cut short (the finding names the part, sheet and cell). Save it again from Excel and send it again."),
    "file-missing": _error("The framework workbook given cannot be opened. Check the path given with --framework."),
    "file-unreadable": _error("The file could not be opened (permissions, or open in another program). Close it, check you may read it and run again."),
    "not-xlsx": _error("The file is not an Excel workbook (.xlsx): an .xls, .ods, .csv or other format. Open it and save it as an Excel Workbook (.xlsx)."),
    "not-a-return": _error("A file in the returns folder is not a workbook at all. Move it out of the folder, or save it as .xlsx if it is a return."),
    "password-protected": _error("The workbook is encrypted with a password to open. Remove the password in Excel and send it again."),
    "unsafe-xml": _error("The workbook's XML declares a DTD or entities, which svexcel refuses as unsafe. Copy the answers into a fresh template."),
    "unsafe-file": _error("A part of the workbook unpacks to far more than any return needs (a zip bomb), so it was refused. Copy the answers into a fresh template."),
    "bad-file-name": _error("The file or folder name has characters Excel and Word cannot hold (shown as U+FFFD). Rename it and run again."),
    "broken-link": _error("The folder holds a link to a file that no longer exists. Put the file itself in the folder, or remove the link."),
    "folder-link": _error("The folder holds a link to another folder, which svexcel does not follow. Copy the files into the folder itself."),
    "unreadable-folder": _error("A subfolder cannot be opened, so the files in it were not read. Give yourself permission to open it, or move its files out."),
    "sheet-too-large": _error("A sheet has data far below its table (beyond the rows a workbook of its kind can hold). Delete the extra rows and send it again."),
    "absurd-dimensions": _info("A sheet claims a huge used range; only its filled cells were read. Nothing to do unless data is missing."),
    "internal-error": _error("svexcel failed on this file: a bug, not a problem with the file. Report it with svexcel.log from the output folder."),
    # Sheets and headers
    "missing-sheet": _error("A sheet the workbook needs is missing or renamed. Restore its name, or start again from a fresh workbook."),
    "missing-header": _error("A header or label the reader looks for is missing or renamed. Restore it exactly as the template has it."),
    "wrong-framework": _error("The workbook was made for another framework. Use a workbook made from the framework in use, or pass the right --framework."),
    "wrong-framework-version": _error("The workbook was made for another version of the framework. Copy its answers into a workbook made from the version in use."),
    "locked-cell-edited": _error("A locked (grey) cell was changed. Restore the value the finding names, or copy the answers into a fresh workbook."),
    "fingerprint-mismatch": _error("The workbook's hidden sheet was edited, or it came from another copy of the framework. Copy the answers into a fresh workbook."),
    "framework-changed": _error("The framework's themes or measures changed after the workbook was made. Undo the change, or rebuild and issue new workbooks."),
    # Numbers and answers in cells
    "not-a-number": _error("A cell that takes a number holds text such as '5k' or 'about 10'. Type a plain number."),
    "negative-quantity": _error("A quantity is below 0. Type 0 or more; declare harms as positive amounts on their own measures."),
    "negative-contract-value": _error("The contract value is below 0. Type the contract's total value in pounds, as in the tender."),
    "negative-contract-years": _warning("The contract length is below 0, so it is left blank. Type the contract's length in years, e.g. 3 or 2.5."),
    "number-too-large": _error("A number is above a trillion, beyond any real contract: a slip such as extra zeros or a pasted code. Type the real figure."),
    "not-yes-no": _error("A yes/no measure holds something other than Yes or No. Choose Yes or No from the list."),
    "number-as-yes-no": _info("A yes/no measure was answered 1 or 0 and read as Yes or No. Choose Yes or No from the list next time."),
    "cell-error": _error("A cell shows an Excel error such as #REF! or #VALUE!. Type a plain value instead of the formula."),
    "formula-without-value": _error("A cell holds a formula that was never calculated. Open the file in Excel, let it calculate and save it, or type the number."),
    "formula-value-used": _info("A cell holds a formula; its calculated value was used. Nothing to do if the value is right."),
    "number-as-text": _info("A number was typed as text (e.g. '1,200' or '£5,000') and read as that number. Nothing to do if it is right."),
    "stored-as-date": _error("Excel or LibreOffice turned what was typed (e.g. 2/3 or 2-3) into a date. Type the number in a cell formatted as Number."),
    "stored-as-time": _error("Excel or LibreOffice turned what was typed (e.g. 12:30) into a time of day. Type the number in a cell formatted as Number."),
    "stored-as-percent": _error("A cell formatted as a percentage holds 0.75 for 75%. A quality mark so stored is refused; a quantity is read as 0.75 "
                                "(a warning). Format the cell as Number and type the number meant."),
    # The return (SPEC §2)
    "unanswered": _warning("A measure is left blank: it counts as no commitment. Type 0 if that is the answer."),
    "no-organisation": _warning("The Cover gives no organisation name. Type it so reports name the bidder."),
    "no-contract-value": _warning("The Cover gives no contract value, so the ratio of social value to contract value is left blank. Type it in pounds."),
    "no-postal-address": _warning("The Cover gives no postal address, which the assessment summary needs. Type the supplier's postal address."),
    "no-email": _warning("The Cover gives no email address, which the assessment summary needs. Type the supplier's email address."),
    "no-unique-identifier": _warning("The Cover gives no unique identifier (the supplier's on the central digital platform), which the assessment summary needs."),
    "unknown-measure": _error("A measure id is not in the framework. Delete the row or correct the id."),
    "duplicate-measure": _error("A measure appears twice. Keep one row per measure."),
    "missing-measure": _error("A measure row was deleted. Do not delete rows; use a fresh workbook."),
    # Plausibility checks (warnings, never penalties)
    "sv-ratio-high": _warning("The social value offered is a larger share of the contract value than the framework finds plausible. Ask the suggested question."),
    "outlier": _warning("A quantity is far above what the other bidders offer for the measure. Ask the suggested clarification question; it is not a penalty."),
    "same-evidence": _warning("The same evidence text is given for several measures. Ask the suggested clarification question; it is not a penalty."),
    "double-count": _warning("Two measures the framework says count the same thing are both committed. Ask the suggested clarification question."),
    # Officers' quality marks and other award criteria
    "quality-unscored": _warning("A theme has no officers' quality mark, so its score uses the measures alone. Add the mark to the Quality sheet named."),
    "off-scale": _error("A quality mark is not one of the QualityScale's scores (60 on a 0/25/50/75/100 scale, say). Choose a score from the scale."),
    "bad-quality-score": _error("A quality mark is not a number from 0 to 100. Type a score from the quality scale, or leave it blank if not yet scored."),
    "score-as-text": _error("A quality mark was typed as text, which the live workbook's formulas would not count. Type it as a number."),
    "duplicate-file": _error("A return's file name is on two rows; only the first counts. Keep one row per return: correct the name or clear the wrong row."),
    "missing-quality-row": _error("A return has no row on the live workbook's Quality sheet. Add a row with its file name exactly as on Returns."),
    "missing-max": _error("The Criteria sheet has no row giving the points available for each criterion. Add it, with 'max' as its File."),
    "bad-points": _error("Points on the Criteria sheet are not a number, are below 0, or exceed the points available. Type a plain number within them."),
    "assessment-summary-incomplete": _warning("An assessment summary that was asked for was not written: a detail it needs is missing. Supply it and run again."),
    # The framework (SPEC §1)
    "missing-setting": _error("A Settings key is missing, blank or changed. Restore the key in column A with its value in column B."),
    "bad-setting": _error("A setting's value is out of range (the finding says what it may be). Type a value within it."),
    "bad-weight": _error("A weight is below 0. Type 0 or more."),
    "weights-not-positive": _error("The weights add up to 0. Give at least one a weight above 0."),
    "missing-id": _error("A framework row has no id. Give it a unique id or delete the row."),
    "duplicate-id": _error("An id is used on two rows. Give each row its own id."),
    "empty-framework": _error("The framework lists no themes or no measures. Add one row per theme and per measure."),
    "orphan-outcome": _error("An outcome's theme_id is not on the Themes sheet. Use one of the themes' ids."),
    "orphan-measure": _error("A measure's outcome_id is not on the Outcomes sheet. Use one of the outcomes' ids."),
    "unknown-kind": _error("A measure's kind is not monetised, target or binary. Use one of them."),
    "unknown-direction": _error("A measure's direction does not suit its kind (benefit or harm; benefit or lower_is_better; benefit). Use one of them."),
    "missing-proxy": _error("A monetised measure has no proxy value. Type the £ value of one unit."),
    "bad-proxy": _error("A proxy value is below 0. Record harms with direction harm and a positive proxy."),
    "bad-deadweight": _error("A deadweight is not a share between 0 and 1. Type e.g. 0.25 for 25%."),
    "missing-target": _error("A target measure has no target above 0. Type the target."),
    "unknown-exclude": _error("A measure's excludes names itself or an id that is not a measure. List other measure ids, separated by commas."),
    "bad-quality-scale": _error("A quality scale score is outside 0 to 100. Type a score from 0 to 100."),
    "theme-without-measures": _warning("A theme has no measures, so it scores on quality alone. Add measures to it if that is not meant."),
    # The live scoring workbook (SPEC §5)
    "measure-not-in-returns": _error("A measure on Measures has no column on Returns, so the formulas leave it out. Rebuild the workbook."),
    "missing-file": _error("A Returns row has figures but no file name. Type the file name or clear the row."),
    "row-inserted": _error("A row was inserted in an input table of a live workbook (under its header or between rows), where the "
                           "formulas would leave it out. Delete the inserted row; add returns or contracts with the import macro, or rebuild."),
    "returns-changed": _error("A row of Returns or Quality was deleted. Undo it; import_returns (Tools) or svexcel build lays the returns out again."),
    "return-not-scored": _error("Something was typed below the rows of Returns the formulas score. Clear it; use import_returns (Tools) or svexcel build to add returns."),
    "deliveries-changed": _error("A row of the monitoring workbook's Contracts or Actuals was deleted. Undo it; import_deliveries (Tools) or svexcel delivery build lays them out again."),
    "delivery-not-monitored": _error("Something was typed below the rows of Contracts or Actuals the formulas read, so it counts for nothing. Clear it; add contracts with import_deliveries (Tools)."),
    "bad-periods": _error("A contract's number of periods on the monitoring workbook's Contracts is not a whole number from 1 to the period columns on Actuals. Restore the figure from its delivery workbook."),
    "quality-row-not-read": _error("Quality marks were typed below the rows the formulas read. Put them on the return's own row."),
    # The evaluation panel (SPEC §7)
    "not-an-evaluator-workbook": _error("A file in the evaluators' folder is not a workbook at all. Move it out of the folder, or save it as .xlsx if it is an evaluator's workbook."),
    "evaluator-file-edited": _error("An evaluator workbook's locked cells, rows or hidden sheet were changed. Ask the evaluator to copy their scores into a fresh one."),
    "unknown-return": _error("A workbook scores a file that is not one of the panel's returns; its marks are left out. Score only in the workbook made for the panel."),
    "duplicate-evaluator": _error("Two workbooks are from the same evaluator; the second is left out. Keep one file per evaluator."),
    "missing-score": _warning("An evaluator has not scored a response. Ask for the score, or moderate without it."),
    "missing-rationale": _warning("A score has no rationale. Ask why, and record it: a rationale is required."),
    "thin-rationale": _warning("A rationale is too thin to explain its score (too short, or the scale's descriptor repeated). Say what in the response earned it."),
    "narrative-changed": _error("A return's response differs from the one the panel scored (replaced or edited since), so its mark is not used. "
                                "Have the panel score it as it is now, or restore the return."),
    "consensus-not-moderated": _error("A consensus (or the panel chair's decision) changed after the last moderate run, so the Audit log lacks it. "
                                      "Run svexcel moderate, with --note saying why."),
    "consensus-outside-range": _error("A consensus is below the lowest or above the highest evaluator's mark and has no Consensus rationale. "
                                      "Record why, or agree a mark within theirs."),
    "no-declaration": _error("An evaluator's declaration of interests is blank or incomplete, so none of their marks are used. Ask them to "
                             "complete the Declaration sheet."),
    "conflict-declared": _warning("An evaluator declared a conflict of interest. Panel chair: on the Declarations sheet, exclude their marks "
                                  "for the returns concerned, or say why they stand."),
    "moderation-file-edited": _error("The moderation workbook's locked cells, audit log or hidden sheets were changed. Rerun svexcel moderate to rebuild it."),
    "unknown-theme": _error("A moderation row names a theme that is not in the framework. Use the moderation workbook svexcel moderate wrote."),
    # Delivery monitoring (SPEC §6)
    "not-a-delivery-workbook": _error("The file is not a delivery workbook (perhaps a tender return, or not a workbook at all). Send the delivery workbook made for the contract."),
    "no-reporting-period": _error("The reporting period on Cover is blank or not a number. Type the number of the latest period reported."),
    "bad-reporting-period": _error("The reporting period is not a whole number within the contract's periods. Type the number of the latest period reported."),
    "no-attestation": _warning("The attestation on Cover is not Yes. Choose Yes to confirm the figures relate only to this contract and these periods."),
    "future-period": _error("A figure is typed in a period after the reporting period. Move it to its period, or correct the reporting period."),
    "period-not-reported": _warning("A committed measure's period up to the reporting period is blank. Type what was delivered, 0 if nothing."),
    "not-committed": _info("Figures were reported for a measure with no commitment; they are not monitored. Nothing to do."),
    "restated": _warning("A later file reports an earlier period's figure differently. Check the correction is explained in Evidence; the later file is used."),
    "conflicting-files": _error("Several files report the same latest period of a contract with different figures. Keep the one the supplier confirms."),
    "bad-accrues": _error("A measure's accrues is not flow or level. Type flow (adds up period by period) or level (the latest figure stands)."),
    "accrues-defaulted": _warning("The framework does not say how a monitored measure accrues, so the default is used (flow for monetised and "
                                  "target-benefit measures, else level). Type flow or level in its Measures accrues cell."),
    "shared-reference": _warning("Two contracts made from different winning returns carry one contract reference; they are monitored apart. "
                                 "Give each its own with svexcel delivery template --reference."),
    "claim-restated": _warning("A claim sampled for verification now has another figure in the delivery workbook; its status no longer "
                               "applies. Check the new figure's evidence in the next verification round."),
    # Verification rounds (SPEC §6 v3)
    "not-a-verification-workbook": _error("The file given with --verification is not a verification workbook. Give the workbook "
                                          "svexcel delivery verify wrote."),
    "verification-edited": _error("A locked cell, a row or the hidden sheet of the verification workbook was changed. Undo the change, or "
                                  "draw a fresh sample with svexcel delivery verify."),
    "bad-status": _error("A claim's Status is not one on the list. Choose Verified, Not verified or Rejected, or leave it blank while not checked."),
    "verification-other-files": _error("The verification workbook has claims for contracts not in the folder: it was drawn from other "
                                       "files. Give the folder it was drawn from, or draw a fresh sample."),
    "measure-not-found": _error("A monitoring workbook row names a measure that is not on Measures. Restore its row there, or rebuild the workbook."),
    # Published documents (SPEC §10): an officer's own Word template, filled in with sample data, fails a rule
    "accessibility-title": _warning("Give the document a title (File > Info > Properties > Title; in a template, its Title property)."),
    "accessibility-language": _warning("Set the language to English (United Kingdom), en-GB, for the document and its text (Review > Language)."),
    "accessibility-headings": _warning("Use one Heading 1, for the document's title, and Heading 2, 3 … in order below it, never skipping a level."),
    "accessibility-alt-text": _warning("Give every picture alternative text that says what it shows; for a chart, its figures (right-click > View Alt Text)."),
    "accessibility-table-header": _warning("Give every data table a first row of named column headers, marked to repeat (Table Properties > Row > "
                                           "Repeat as header row at the top of each page)."),
    "accessibility-merged-cells": _warning("Split merged cells in data rows (Layout > Split Cells): put a group's name in a heading above its own "
                                           "table, or in a column."),
    "accessibility-colour-only": _warning("Say in words what a colour means: a coloured cell or mark needs its word (Green, Amber, Red …)."),
    "accessibility-text-size": _warning("Make text at least 10 pt; only page headers and footers may be smaller."),
    "accessibility-contrast": _warning("Darken the text or lighten what is behind it: text needs a contrast of at least 4.5:1 (3:1 from 18 pt, "
                                       "or 14 pt bold)."),
}


def catalogue_markdown() -> str:
    """The catalogue as a Markdown page: a table of every type, its severity, and what it means and how to fix it."""
    rows = [f"| `{name}` | {kind.severity} | {kind.advice.replace('|', '&#124;')} |" for name, kind in sorted(CATALOGUE.items())]
    return "\n".join([
        "# Findings",
        "",
        "Every problem svexcel finds in a file is a *finding*: a `type` (below), a severity, the file, sheet and cell",
        "(`acme.xlsx!Commitments!F14`) and a message saying what is wrong there and what to do. `error` blocks",
        "(a return is rejected, a workbook refused); `warning` and `info` are reported and the work goes on. The",
        "severity is the type's usual one: a few places report a type one step milder (the contract length, say, is",
        "optional, so a problem with it is a warning).",
        "",
        "This page is generated from `svexcel/core/catalogue.py` by `python -m svexcel.core.catalogue`; do not edit it.",
        "",
        "| Type | Severity | Meaning and fix |",
        "|---|---|---|",
        *rows,
        "",
    ])


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
