"""Evaluator workbooks (SPEC §7): one per evaluator, written from the valid returns and read back with rigour."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Finding, Findings, has_errors
from ..core.formatting import clean_text
from ..excel.protected import append, protect, put, save, validation, write_meta
from ..excel.styles import BOLD_FONT, WRAP, header_row, heading, mark_input, set_widths, style_header
from ..framework.model import Framework
from ..framework.sheets import scale_range, write_scale_sheet
from ..tender.pins import RESPONSES, Pins, read_pins, return_pins, write_pins_sheet
from ..tender.quality import quality_mark, scale
from ..tender.return_reader import Return
from ..xlsx.meta import key_values
from ..xlsx.reader import Sheet, UnreadableWorkbook, cell_ref
from ..xlsx.reader import Workbook as XlsxWorkbook
from ..xlsx.tables import Table, cell_text, find_table
from .declaration import DECLARATION, Declaration, read_declaration, write_declaration_sheet
from .layout import (
    EVALUATION,
    META,
    SCALE,
    SCORES,
    SCORES_COLUMNS,
    SCORES_HEADER_ROW,
    SCORES_LOCKED,
    Key,
    meta_locked,
    panel_fingerprint,
    pins_locked,
    table_locked,
)

NOT_EVALUATED = "Not evaluated"
RESPONSE_CHARS_PER_LINE = 80
LINE_HEIGHT = 15
MAX_ROW_HEIGHT = 409  # Excel's limit


def evaluator_rows(framework: Framework, returns: Sequence[Return]) -> dict[Key, dict[str, str]]:
    """The locked cells of every return × theme row, in the order the workbook shows them."""
    return {
        (r.file, t.id): {
            "File": r.file, "Organisation": clean_text(r.organisation), "Theme ID": t.id, "Theme": t.name,
            "Response": clean_text(r.narrative.get(t.id, "")),
        }
        for r in returns for t in framework.themes
    }


def evaluator_meta(framework: Framework, evaluator: str, files: Sequence[str]) -> dict[str, str]:
    """The hidden sheet's keys (without the fingerprint)."""
    return {"kind": EVALUATION, "evaluator": evaluator, "framework_name": framework.name,
            "framework_version": framework.version, "returns": json.dumps(list(files), ensure_ascii=False)}


def write_evaluator_workbook(
    framework: Framework, evaluator: str, returns: Sequence[Return], path: str | Path, left_out: Mapping[str, str] | None = None,
) -> Path:
    """Write one evaluator's protected workbook: every return × theme with the bidder's words, Score and Rationale to fill."""
    rows = evaluator_rows(framework, returns)
    pins: Pins = {}
    for r in returns:
        pins |= return_pins(r, [t.id for t in framework.themes])
    meta = evaluator_meta(framework, evaluator, [r.file for r in returns])
    meta["fingerprint"] = panel_fingerprint(table_locked(SCORES, rows, SCORES_LOCKED), pins_locked(pins), meta_locked(meta))
    wb = Workbook()
    declaration = wb.active
    declaration.title = DECLARATION
    write_declaration_sheet(declaration, evaluator, {r.file: clean_text(r.organisation) for r in returns})
    _scores_sheet(wb.create_sheet(SCORES), framework, evaluator, rows)
    write_scale_sheet(wb.create_sheet(SCALE), framework)
    if left_out:
        _left_out_sheet(wb.create_sheet(NOT_EVALUATED), left_out)
    write_pins_sheet(wb, pins)
    write_meta(wb, meta)
    return save(wb, path)


def _scores_sheet(ws: Worksheet, framework: Framework, evaluator: str, rows: Mapping[Key, Mapping[str, str]]) -> None:
    heading(ws, f"Evaluation of social value responses — {evaluator}", f"Framework: {framework.name}, version {framework.version}.",
            "Score each response on your own, from the quality scale (sheet QualityScale), and say why in Rationale: what in "
            "this response earns the score, in your own words, not the descriptor's. Save the file and email it back.")
    header_row(ws, SCORES_HEADER_ROW, SCORES_COLUMNS)
    scale = ", ".join(f"{q.score:g} {q.label}" for q in framework.quality_scale)
    score_rule = validation(ws, "list", scale_range(framework), error_title="Score", error=f"Choose a score from the quality scale: {scale}.",
                            prompt_title="Score", prompt=f"From the quality scale: {scale}.")
    rationale_rule = validation(ws, "textLength", "0", operator="greaterThanOrEqual", prompt_title="Rationale (required)",
                                prompt="Why this score: what the response offers or lacks, in your own words.")
    for row, values in enumerate(rows.values(), start=SCORES_HEADER_ROW + 1):
        for col, name in enumerate(SCORES_COLUMNS, start=1):
            cell = ws.cell(row, col)
            if name in values:
                put(cell, values[name])  # the bidder's words stay text, even when they start with = + - @
            cell.alignment = WRAP
        mark_input(ws.cell(row, 6))
        mark_input(ws.cell(row, 7))
        score_rule.add(ws.cell(row, 6))
        rationale_rule.add(ws.cell(row, 7))
        lines = max(3, math.ceil(len(values["Response"]) / RESPONSE_CHARS_PER_LINE) + values["Response"].count("\n"))
        ws.row_dimensions[row].height = min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)
    set_widths(ws, {"A": 24, "B": 24, "C": 9, "D": 18, "E": 70, "F": 9, "G": 60})
    ws.freeze_panes = ws.cell(SCORES_HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{SCORES_HEADER_ROW}:{SCORES_HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    protect(ws)


def _left_out_sheet(ws: Worksheet, left_out: Mapping[str, str]) -> None:
    ws["A1"] = "Returns not evaluated: they were rejected when validated, so they take no part in the competition."
    ws["A1"].font = BOLD_FONT
    ws.append(["File", "Why"])
    style_header(ws, 2, 1, 2)
    for row, (file, why) in enumerate(left_out.items(), start=3):
        append(ws, [file, why])
        ws.cell(row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    set_widths(ws, {"A": 30, "B": 100})
    protect(ws)


@dataclass
class EvaluatorFile:
    """One evaluator workbook as read: whose it is, the panel's returns, scores and rationales by (file, theme), findings."""

    file: str
    evaluator: str = ""
    returns: list[str] = field(default_factory=list)
    scores: dict[Key, float | None] = field(default_factory=dict)
    rationales: dict[Key, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    cells: dict[Key, tuple[str, str]] = field(default_factory=dict)  # where each row's Score and Rationale are
    bad_scores: set[Key] = field(default_factory=set)
    pins: Pins = field(default_factory=dict)  # the SHA-256 of each response as this evaluator read it
    declaration: Declaration | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def declared(self) -> bool:
        """True when the evaluator's declaration of interests is complete: only then are the marks used."""
        return self.declaration is not None and not self.declaration.missing

    @property
    def rejected(self) -> bool:
        """True when the file cannot be trusted (unreadable, foreign or edited): none of its marks count. A refused mark or
        a row for another return costs only that mark."""
        refused = {self.cells[key][0] for key in self.bad_scores}
        return has_errors(f for f in self.findings if f.type not in ("unknown-return", "no-declaration")
                          and not (f.sheet == SCORES and f.cell in refused))


def read_evaluator_workbook(path: str | Path, framework: Framework) -> EvaluatorFile:
    """Read one evaluator workbook; never raises for bad content, reports it as findings."""
    path = Path(path)
    reader = _EvaluatorReader(EvaluatorFile(path.name), framework)
    try:
        with XlsxWorkbook(path) as book:
            reader.read(book.sheet(META), book.sheet(SCORES), book.sheet(RESPONSES))
            if reader.result.evaluator:
                reader.result.declaration = read_declaration(book.sheet(DECLARATION), reader.result.evaluator, reader.result.file,
                                                             book.date1904, reader.findings)
    except UnreadableWorkbook as exc:
        reader.findings.add(exc.type, exc.message)
    except OSError as exc:
        reader.findings.add("file-unreadable", f"The file could not be opened ({exc.strerror or exc}). Check it is not open elsewhere and try again.")
    return reader.result


def read_meta(sheet: Sheet) -> dict[str, tuple[str, str]]:
    """The hidden sheet's keys with their values as text and their cells."""
    return {key: (cell_text(value), cell_ref(row, 2)) for key, (value, row) in key_values(sheet).items()}


class _EvaluatorReader:
    """Walks an evaluator workbook, filling an EvaluatorFile and its findings."""

    def __init__(self, result: EvaluatorFile, framework: Framework) -> None:
        self.result = result
        self.findings = Findings(result.file, items=result.findings)
        self.framework = framework

    def edited(self, message: str, sheet: str = "", cell: str = "") -> None:
        self.findings.add("evaluator-file-edited", f"{message} Ask the evaluator to copy their scores into a fresh evaluator workbook.", cell, sheet=sheet)

    def read(self, meta_sheet: Sheet | None, scores: Sheet | None, responses: Sheet | None) -> None:
        if meta_sheet is None:
            self.edited("This is not an svexcel evaluator workbook (it has no hidden _svexcel sheet).")
            return
        meta = read_meta(meta_sheet)
        if not self.check_meta(meta):
            return
        if scores is None:
            self.edited(f"The workbook has no '{SCORES}' sheet.", SCORES)
            return
        table, missing, row = find_table(scores, SCORES_COLUMNS)
        if table is None:
            self.edited(f"The {SCORES} header row lacks {', '.join(repr(m) for m in missing)}.", SCORES, cell_ref(row, 1))
            return
        locked = self.read_rows(table)
        expected = {(f, t.id) for f in self.result.returns for t in self.framework.themes}
        rows = {key: locked.get(key, {}) for key in sorted(expected)}
        pins = read_pins(responses) or {}
        self.result.pins = {key: pins.get(key, "") for key in sorted(expected)}
        stored, ref = meta.get("fingerprint", ("", "B1"))
        plain = {key: value for key, (value, _) in meta.items()}
        if panel_fingerprint(table_locked(SCORES, rows, SCORES_LOCKED), pins_locked(self.result.pins), meta_locked(plain)) != stored:
            self.edited("Locked cells (files, organisations, themes, the bidders' responses or the hidden sheets) were changed, "
                        "or rows were added or deleted, since the workbook was made.", META, ref)

    def check_meta(self, meta: dict[str, tuple[str, str]]) -> bool:
        """Check this is an evaluator workbook for this framework; False stops further reading."""
        kind, ref = meta.get("kind", ("", "B1"))
        if kind != EVALUATION:
            self.edited(f"This is not an evaluator workbook (its kind is '{kind or '(none)'}').", META, ref)
            return False
        for key, expected in (("framework_name", self.framework.name), ("framework_version", self.framework.version)):
            found, ref = meta.get(key, ("", "B1"))
            if found != expected:
                self.edited(f"This evaluator workbook was made for {key.replace('_', ' ')} '{found or '(none)'}', but we are moderating '{expected}'.", META, ref)
                return False
        self.result.evaluator, ref = meta.get("evaluator", ("", "B1"))
        try:
            returns = json.loads(meta.get("returns", ("", ""))[0])
        except json.JSONDecodeError:
            returns = None
        if not self.result.evaluator or not isinstance(returns, list) or not all(isinstance(f, str) for f in returns):
            self.edited("The hidden sheet lacks the evaluator's name or the panel's list of returns.", META, ref)
            return False
        self.result.returns = returns
        return True

    def read_rows(self, table: Table) -> dict[Key, dict[str, str]]:
        """Scores and rationales of every row; returns each row's locked cells for the fingerprint."""
        locked: dict[Key, dict[str, str]] = {}
        first: dict[Key, str] = {}
        for row in table.rows():
            file, theme = table.name(row), table.text(row, "Theme ID")
            if not file and not theme:
                continue
            key = (file, theme)
            if file not in self.result.returns:
                self.findings.add("unknown-return", f"Row {row} scores '{file}', which is not one of the panel's returns; its marks are left out. "
                         "Score returns only in the workbook made for this panel.", table.ref(row, "File"), sheet=SCORES)
                continue
            if theme not in self.framework.theme_by_id or key in first:
                self.edited(f"Row {row} ({file}, theme '{theme}') was added: it is not a row this workbook was made with"
                            + (f" (first in {first[key]})." if key in first else "."), SCORES, table.ref(row, "Theme ID"))
                continue
            first[key] = table.ref(row, "File")
            locked[key] = {column: table.text(row, column) for column in SCORES_LOCKED}
            self.result.organisations.setdefault(file, locked[key]["Organisation"])
            self.result.cells[key] = (table.ref(row, "Score"), table.ref(row, "Rationale"))
            self.result.scores[key] = self.score(table, row, key)
            self.result.rationales[key] = table.text(row, "Rationale")
        return locked

    def score(self, table: Table, row: int, key: Key) -> float | None:
        """One score, or None: blank, or refused with the finding any reader of marks gives (off-scale, stored-as-percent …)."""
        ref = table.ref(row, "Score")
        before = len(self.findings)
        mark = quality_mark(table.cell(row, "Score"), f"The score for {key[0]}, theme {key[1]}, in {ref}", ref,
                            self.findings.on(SCORES), scale(self.framework))
        if len(self.findings) > before:
            self.result.bad_scores.add(key)
        return mark
