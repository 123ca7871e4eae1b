"""The folder every docs example runs in: the shipped workbooks, a returns folder, quality marks, and acme.xlsx."""

from __future__ import annotations

import shutil
from pathlib import Path

from builders import make_return, quantity_row
from openpyxl.workbook.workbook import Workbook
from project import ROOT

from svexcel.framework.model import Framework
from svexcel.tender.return_layout import COMMITMENTS, COVER, COVER_FIRST_ROW

UNANSWERED = ("EQ1.2", "EQ1.3", "EQ2.2", "PA1.2", "CC1.3", "WB1.1")


def _acme_slips(wb: Workbook) -> None:
    """What a tired bidder does: a contract value typed as text, a locked measure name overtyped."""
    wb[COVER].cell(COVER_FIRST_ROW + 2, 2, "£1,200,000")
    wb[COMMITMENTS].cell(quantity_row(wb, "SH1.1"), 4, "Apprenticeships")


def make_sandbox(folder: Path, blank_return: Path, framework: Framework) -> Path:
    """``folder`` laid out as the docs' examples expect: ``workbooks/`` as shipped, ``returns/`` (the six samples),
    ``quality.xlsx`` (the sample marks) and ``acme.xlsx`` (a return with mistakes, for the validate example)."""
    shutil.copytree(ROOT / "workbooks", folder / "workbooks", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    shutil.copytree(folder / "workbooks" / "samples", folder / "returns")
    shutil.copy(folder / "workbooks" / "sample-quality.xlsx", folder / "quality.xlsx")
    quantities: dict[str, object] = {"EQ1.1": "5k", "EQ2.1": "1,200", "CC1.1": -40, **{m: None for m in UNANSWERED}}
    make_return(blank_return, folder / "acme.xlsx", framework, quantities, organisation="Acme Facilities Ltd", edit=_acme_slips)
    return folder
