"""Quality marks from any file officers keep them in: a workbook with a ``Quality`` sheet, a moderation workbook's
consensus, or a live scoring workbook's Quality sheet as its formulas read it."""

from __future__ import annotations

from pathlib import Path

from ..core.findings import Finding
from ..framework.model import LIVE_MARKER_SHEET, Framework, FrameworkError
from ..tender.live.inputs import read_live_workbook
from ..tender.pins import RESPONSES, marked, read_pins
from ..tender.quality import SHEET, Marks, Quality
from ..tender.quality import read_quality as read_quality_sheet
from ..xlsx.reader import UnreadableWorkbook, Workbook
from .layout import MODERATION
from .moderation import moderation_marks, open_moderation


def read_marks(path: str | Path, framework: Framework) -> Quality:
    """Marks by return file name and theme id (None = unscored), the findings of the file they came from, and the
    SHA-256 of the response each mark was given for, where the file keeps them (moderation and live workbooks)."""
    path = Path(path)
    try:
        with Workbook(path) as book:
            live = LIVE_MARKER_SHEET in book.sheetnames
            moderation = book.sheet(SHEET) is None and book.sheet(MODERATION) is not None
            pins = read_pins(book.sheet(RESPONSES)) or {}
    except (UnreadableWorkbook, OSError):
        return Quality(*read_quality_sheet(path, framework), file=path.name)  # it says what is wrong with the file
    found = _live_quality(path) if live else None
    evaluator_files: list[str] = []
    if found is None and moderation:
        opened = open_moderation(path, framework)
        consensus, _, findings = moderation_marks(opened, framework)
        found, evaluator_files = (consensus, findings), list(opened.sources)
    marks, findings = found or read_quality_sheet(path, framework)
    return Quality(marks, findings, marked(pins, marks), path.name, evaluator_files)


def read_quality(path: str | Path, framework: Framework) -> tuple[Marks, list[Finding]]:
    """The marks and findings of ``read_marks``, for whoever needs no more."""
    quality = read_marks(path, framework)
    return quality.marks, quality.findings


def is_moderation_workbook(path: Path) -> bool:
    """True for a moderation workbook (it has a Moderation sheet), whose consensus rationales explain the marks."""
    with Workbook(path) as book:
        return book.sheet(MODERATION) is not None


def _live_quality(path: Path) -> tuple[Marks, list[Finding]] | None:
    """A live scoring workbook's marks as its formulas read them, with the findings of its Quality checks (a row
    deleted, repeated or typed below, a bad mark), so batch refuses what the workbook shows as CHECK. None when
    its framework sheets are invalid: its Quality sheet is then read as a plain one."""
    try:
        inputs = read_live_workbook(path)
    except FrameworkError:
        return None
    return inputs.quality, [f for f in inputs.findings if f.sheet == SHEET]
