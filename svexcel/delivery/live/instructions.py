"""The monitoring workbook's ``Instructions`` sheet: its sections, written as the scoring workbook's are."""

from __future__ import annotations

from ...tender.live.instructions import PROTECTION_NOTE, Section, python_section

MONITOR_SECTIONS: tuple[Section, ...] = (
    ("What this workbook is", (
        "It monitors the social value that suppliers deliver on their contracts, against the commitments in their "
        "returns and the framework named above. The Dashboard rates each contract and counts its measures that are "
        "Green, Amber and Red; ContractFigures shows each contract's figures and KPIs; MeasureFigures shows how every "
        "figure is worked out, measure by measure; Actuals holds the figures reported period by period.",
        "Every figure is an ordinary Excel formula. It recalculates as soon as you change a yellow cell, with or "
        "without Python, in Excel 2016 or later and in LibreOffice.",
    )),
    ("The yellow cells", (
        "Yellow cells are the only ones you can type in: the delivery settings on Settings (rag_green, rag_amber, "
        "the rating bands and rating_method), proxy values, deadweights and accrues on Measures, each contract's "
        "Reporting period on Contracts (type an earlier period to see the contract as it stood then), the figures "
        "by period on Actuals and the folders on Tools.",
        "A reporting period or a figure typed here is a what-if: the Word reports are written from the suppliers' "
        "delivery workbooks, so make_delivery_reports refuses while this workbook differs from them. Undo the edit, "
        "or correct the delivery workbook and run import_deliveries.",
        f"Everything else is a formula or comes from the suppliers' delivery workbooks, and is locked. {PROTECTION_NOTE}",
    )),
    ("What CHECK means", (
        "The workbook checks every yellow cell. If a value cannot be used (a setting outside 0 to 1, rating bands out "
        "of order, text instead of a number, a reporting period beyond the contract's periods, a measure that is not "
        "on Measures), the figures, RAG and ratings show CHECK instead, so that no wrong rating is ever shown.",
        "The Checks sheet (also summed up at the top of the Dashboard) names the sheet and cell to fix. Correct that "
        "cell, or undo your change, and the figures come back.",
    )),
    ("New delivery workbooks", (
        "Contracts and Actuals hold what the suppliers' delivery workbooks say (the latest file for each contract). "
        "When new ones arrive, put them in the folder named on Tools and run the import_deliveries macro, or build "
        "the workbook again with svexcel delivery build.",
    )),
    python_section("Python adds what formulas cannot do: importing the delivery workbooks from a folder, explaining "
                   "a contract's rating, and writing the Word delivery reports."),
)
