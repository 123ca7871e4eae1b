"""The moderation workbook (SPEC §7): every evaluator's marks side by side, the agreed consensus, findings and an audit log.

``read_moderation`` is what scoring uses: the Consensus column is the quality mark (blank is unscored) and
the Consensus rationale explains it. The workbook's locked cells, audit log and last-seen consensus are
fingerprinted, so an edited record is detected.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..core.cells import Cell, Value
from ..core.findings import FINDING_COLUMNS, Finding, Findings
from ..core.numbers import is_number
from ..excel.protected import append, protect, put, save, validation, write_meta
from ..excel.styles import WRAP, header_row, heading, mark_input, set_widths, style_header
from ..framework.model import Framework
from ..framework.sheets import scale_range, write_scale_sheet
from ..tender.pins import RESPONSES, read_pins, write_pins_sheet
from ..tender.quality import Marks, quality_mark, scale
from ..xlsx.reader import Sheet, UnreadableWorkbook, cell_ref, column_letter
from ..xlsx.reader import Workbook as XlsxWorkbook
from ..xlsx.tables import Table, find_table
from .declaration import (
    DECISION_COLUMNS,
    DECLARATIONS,
    Decision,
    declarations_locked,
    read_declarations,
    write_declarations_sheet,
)
from .evaluator import read_meta
from .layout import (
    AUDIT,
    AUDIT_COLUMNS,
    CONSENSUS_COLUMNS,
    CONSENSUS_SNAPSHOT,
    FIGURE_COLUMNS,
    FINDINGS,
    META,
    MODERATION,
    MODERATION_HEADER_ROW,
    MODERATION_KIND,
    ROW_COLUMNS,
    SCALE,
    WIDE,
    AuditEntry,
    Key,
    locked_text,
    meta_locked,
    panel_fingerprint,
    pins_locked,
    rationale_header,
    score_header,
    table_locked,
)
from .rationale import thin_reason

Rationales = dict[str, dict[str, str]]
WIDE_FILL = PatternFill("solid", fgColor="F8CBAD")


@dataclass
class ModerationRow:
    """One return × theme: every evaluator's score and rationale, and the consensus as typed."""

    file: str
    theme_id: str
    organisation: str = ""
    theme: str = ""
    scores: dict[str, float | None] = field(default_factory=dict)
    rationales: dict[str, str] = field(default_factory=dict)
    consensus: Value = None
    consensus_rationale: str = ""
    consensus_percent: bool = False  # the consensus cell was formatted as a percentage (kept, so it is refused as such)
    pin: str = ""  # the SHA-256 of the response the evaluators scored

    @property
    def key(self) -> Key:
        """(file, theme id)."""
        return (self.file, self.theme_id)

    @property
    def mean(self) -> float | None:
        """Mean of the scores given."""
        given = [s for s in self.scores.values() if s is not None]
        return sum(given) / len(given) if given else None

    @property
    def spread(self) -> float | None:
        """Highest minus lowest score given."""
        given = [s for s in self.scores.values() if s is not None]
        return max(given) - min(given) if given else None

    def flag(self, threshold: float) -> str:
        """``Wide spread`` when the scores differ by more than ``threshold``."""
        spread = self.spread
        return WIDE if spread is not None and spread > threshold else ""

    def locked(self, evaluators: Sequence[str], threshold: float) -> dict[str, Value]:
        """The row's locked cells by column header."""
        values: dict[str, Value] = {"File": self.file, "Organisation": self.organisation, "Theme ID": self.theme_id, "Theme": self.theme}
        for name in evaluators:
            values[score_header(name)] = self.scores.get(name)
            values[rationale_header(name)] = self.rationales.get(name, "")
        return values | {"Mean": self.mean, "Spread": self.spread, "Flag": self.flag(threshold)}


@dataclass
class Moderation:
    """What a moderation workbook holds."""

    framework_name: str
    framework_version: str
    threshold: float
    evaluators: list[str]
    rows: list[ModerationRow]
    findings: list[Finding] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    folder: str = ""  # the evaluators' folder, relative to the moderation workbook where possible
    sources: dict[str, str] = field(default_factory=dict)  # each evaluator file read → its SHA-256
    notes: list[str] = field(default_factory=list)  # for people: the lock and hidden files in the folder left out
    declarations: list[dict[str, str]] = field(default_factory=list)  # every evaluator's declaration, as the chair's list shows it
    decisions: dict[str, Decision] = field(default_factory=dict)  # the panel chair's decision on each, as applied
    usable: int = 0  # the consensus marks scoring will use (typed, on the scale, within the marks or explained)

    @property
    def pins(self) -> dict[Key, str]:
        """The SHA-256 of each response as the evaluators scored it."""
        return {r.key: r.pin for r in self.rows}

    def locked_columns(self) -> list[str]:
        """Headers of the locked columns, in sheet order."""
        return [*ROW_COLUMNS, *(h for name in self.evaluators for h in (score_header(name), rationale_header(name))), *FIGURE_COLUMNS]

    def meta(self) -> dict[str, str]:
        """The hidden sheet's keys, fingerprint last."""
        meta = {"kind": MODERATION_KIND, "framework_name": self.framework_name, "framework_version": self.framework_version,
                "evaluators": json.dumps(self.evaluators, ensure_ascii=False), "moderation_spread": f"{self.threshold:g}",
                "evaluators_folder": self.folder, "evaluator_files": json.dumps(self.sources, ensure_ascii=False),
                "decisions": json.dumps({e: [d.excluded, d.note] for e, d in self.decisions.items()}, ensure_ascii=False)}
        return meta | {"fingerprint": self.fingerprint(meta)}

    def fingerprint(self, meta: dict[str, str]) -> str:
        """Fingerprint of every locked cell: the rows, the audit log, the consensus last seen and the hidden keys."""
        rows = {r.key: r.locked(self.evaluators, self.threshold) for r in self.rows}
        snapshot = {r.key: {"Consensus": r.consensus, "Consensus rationale": r.consensus_rationale} for r in self.rows}
        audit = {(str(i), ""): dict(zip(AUDIT_COLUMNS, entry, strict=True)) for i, entry in enumerate(self.audit)}
        return panel_fingerprint(
            table_locked(MODERATION, rows, self.locked_columns()), table_locked(CONSENSUS_SNAPSHOT, snapshot, CONSENSUS_COLUMNS),
            table_locked(AUDIT, audit, AUDIT_COLUMNS), pins_locked(self.pins), declarations_locked(self.declarations), meta_locked(meta),
        )


def write_moderation_workbook(moderation: Moderation, framework: Framework, path: str | Path) -> Path:
    """Write the moderation workbook: Moderation (consensus cells unlocked), Findings, Audit log, QualityScale, hidden keys."""
    wb = Workbook()
    ws = wb.active
    ws.title = MODERATION
    _moderation_sheet(ws, moderation, framework)
    write_declarations_sheet(wb.create_sheet(DECLARATIONS), moderation.declarations, moderation.decisions)
    _table_sheet(wb.create_sheet(FINDINGS), FINDING_COLUMNS, [f.row() for f in moderation.findings],
                 {"A": 26, "B": 9, "C": 22, "D": 10, "E": 8, "F": 110})
    _table_sheet(wb.create_sheet(AUDIT), AUDIT_COLUMNS, moderation.audit, {"A": 21, "B": 60, "C": 30, "D": 30, "E": 40})
    write_scale_sheet(wb.create_sheet(SCALE), framework)
    snapshot = wb.create_sheet(CONSENSUS_SNAPSHOT)
    _table_sheet(snapshot, ("File", "Theme ID", *CONSENSUS_COLUMNS), [(r.file, r.theme_id, r.consensus, r.consensus_rationale) for r in moderation.rows], {})
    snapshot.sheet_state = "hidden"
    write_pins_sheet(wb, moderation.pins)
    write_meta(wb, moderation.meta())
    return save(wb, path)


def _table_sheet(ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Value]], widths: dict[str, float]) -> None:
    """A protected sheet of plain rows under a header; text is written as text."""
    append(ws, header)
    style_header(ws, 1, 1, len(header))
    for row, values in enumerate(rows, start=2):
        append(ws, values)
        for col in range(1, len(values) + 1):
            ws.cell(row, col).alignment = WRAP
    set_widths(ws, widths)
    protect(ws)


def _moderation_sheet(ws: Worksheet, moderation: Moderation, framework: Framework) -> None:
    heading(ws, f"Moderation — {framework.name}, version {framework.version}",
            f"Evaluators: {'; '.join(moderation.evaluators) or '(none)'}. Scores differing by more than {moderation.threshold:g} are flagged '{WIDE}'.",
            "Agree each Consensus (a score from the scale, sheet QualityScale) and record why in Consensus rationale, by reference to "
            "the bidder's response. Blank is not yet scored. Rerun 'svexcel moderate' when late evaluator files arrive: what you typed is kept.")
    header = [*moderation.locked_columns(), *CONSENSUS_COLUMNS]
    header_row(ws, MODERATION_HEADER_ROW, header)
    consensus_col = len(header) - 1
    rule = validation(ws, "list", scale_range(framework), error_title="Consensus",
                      error="Choose the agreed score from the quality scale (sheet QualityScale).")
    for row, r in enumerate(moderation.rows, start=MODERATION_HEADER_ROW + 1):
        values = [*r.locked(moderation.evaluators, moderation.threshold).values(), r.consensus, r.consensus_rationale]
        for col, value in enumerate(values, start=1):
            put(ws.cell(row, col), value).alignment = WRAP
        ws.cell(row, consensus_col - 3).number_format = "0.0"
        if r.consensus_percent:
            ws.cell(row, consensus_col).number_format = "0%"
        mark_input(ws.cell(row, consensus_col))
        mark_input(ws.cell(row, consensus_col + 1))
        rule.add(ws.cell(row, consensus_col))
    last = MODERATION_HEADER_ROW + max(len(moderation.rows), 1)
    flag = column_letter(consensus_col - 1)
    ws.conditional_formatting.add(f"A{MODERATION_HEADER_ROW + 1}:{column_letter(len(header))}{last}",
                                  FormulaRule(formula=[f'${flag}{MODERATION_HEADER_ROW + 1}="{WIDE}"'], fill=WIDE_FILL))
    widths = {"A": 24, "B": 22, "C": 8, "D": 16}
    for i in range(len(moderation.evaluators)):
        widths |= {column_letter(5 + 2 * i): 8, column_letter(6 + 2 * i): 40}
    widths |= {column_letter(consensus_col - 3): 7, column_letter(consensus_col - 2): 7, column_letter(consensus_col - 1): 11,
               column_letter(consensus_col): 10, column_letter(consensus_col + 1): 50}
    set_widths(ws, widths)
    ws.freeze_panes = ws.cell(MODERATION_HEADER_ROW + 1, 5)
    protect(ws)


@dataclass
class ModerationFile:
    """A moderation workbook as read: the rows with their cells, the audit log, findings about the file itself."""

    file: str
    evaluators: list[str] = field(default_factory=list)
    threshold: float = 25.0
    table: Table | None = None
    rows: dict[Key, int] = field(default_factory=dict)  # sheet row of each (file, theme)
    snapshot: dict[Key, tuple[str, str]] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    folder: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    pins: dict[Key, str] = field(default_factory=dict)
    declarations: dict[str, dict[str, str]] = field(default_factory=dict)  # evaluator -> their row on Declarations
    decisions: dict[str, Decision] = field(default_factory=dict)  # the chair's decisions as typed
    decided: dict[str, tuple[str, str]] = field(default_factory=dict)  # ... and as the last moderate run applied them

    def cell(self, key: Key, column: str) -> Cell | None:
        """The cell of ``column`` in the row of ``key``."""
        return None if self.table is None else self.table.cell(self.rows[key], column)

    def text(self, key: Key, column: str) -> str:
        """The text of ``column`` in the row of ``key``."""
        return "" if self.table is None or column not in self.table.columns else self.table.text(self.rows[key], column)


def open_moderation(path: str | Path, framework: Framework) -> ModerationFile:
    """Open a moderation workbook, check its framework and fingerprint; problems are findings, never exceptions."""
    path = Path(path)
    result = ModerationFile(path.name)
    findings = Findings(result.file, items=result.findings)
    try:
        with XlsxWorkbook(path) as book:
            sheets = {name: book.sheet(name) for name in (MODERATION, META, AUDIT, CONSENSUS_SNAPSHOT, RESPONSES, DECLARATIONS)}
    except UnreadableWorkbook as exc:
        findings.add(exc.type, exc.message)
        return result
    except OSError as exc:
        findings.add("file-unreadable", f"Cannot open the moderation workbook: {exc.strerror or exc}.")
        return result
    _ModerationReader(result, findings, framework, sheets).read()
    return result


class _ModerationReader:
    """Fills a ModerationFile from the workbook's sheets."""

    def __init__(self, result: ModerationFile, findings: Findings, framework: Framework, sheets: dict[str, Sheet | None]) -> None:
        self.result = result
        self.findings = findings
        self.framework = framework
        self.sheets = sheets

    def edited(self, message: str, sheet: str = "", cell: str = "") -> None:
        self.findings.add("moderation-file-edited", message + " Rerun 'svexcel moderate' on the evaluators' files to rebuild it.", cell, sheet=sheet)

    def read(self) -> None:
        result, sheets, findings = self.result, self.sheets, self.findings.on(MODERATION)
        sheet = sheets[MODERATION]
        if sheet is None:
            findings.add("missing-sheet", f"The workbook has no '{MODERATION}' sheet. Use the workbook 'svexcel moderate' wrote.")
            return
        meta_sheet = sheets[META]
        meta = read_meta(meta_sheet) if meta_sheet is not None else {}
        if not self.check_meta(meta):
            return
        columns = [*ROW_COLUMNS, *(h for n in result.evaluators for h in (score_header(n), rationale_header(n))), *FIGURE_COLUMNS]
        table, missing, row = find_table(sheet, ("File", "Theme ID", *CONSENSUS_COLUMNS), columns)
        if table is None:
            findings.add("missing-header", f"The Moderation header row lacks {', '.join(repr(m) for m in missing)}. Restore the header names.", cell_ref(row, 1))
            return
        result.table = table
        for row in table.rows():
            key = (table.name(row), table.text(row, "Theme ID"))
            if not any(key):
                continue
            if key in result.rows:
                findings.add("duplicate-file", f"{key[0]}, theme {key[1]} has a second row (first in A{result.rows[key]}). Keep one row per return and theme.", table.ref(row, "File"))
                continue
            result.rows[key] = row
        result.snapshot = {key: (cells.get("Consensus", ""), cells.get("Consensus rationale", "")) for key, cells in _keyed_rows(sheets[CONSENSUS_SNAPSHOT]).items()}
        result.audit = [tuple(_texts(values, len(AUDIT_COLUMNS))) for values in _plain_rows(sheets[AUDIT])]  # type: ignore[misc]
        result.pins = read_pins(sheets[RESPONSES]) or {}
        result.declarations, result.decisions = read_declarations(sheets[DECLARATIONS])
        self.check_fingerprint(meta, columns)

    def check_meta(self, meta: dict[str, tuple[str, str]]) -> bool:
        """Check the workbook is a moderation workbook for this framework; False stops reading."""
        kind, ref = meta.get("kind", ("", ""))
        if kind != MODERATION_KIND:
            self.edited(f"This is not a moderation workbook made by svexcel (its kind is '{kind or '(none)'}').", META, ref)
            return False
        for key, expected in (("framework_name", self.framework.name), ("framework_version", self.framework.version)):
            found, ref = meta.get(key, ("", ""))
            if found != expected:
                self.findings.add("wrong-framework" if key == "framework_name" else "wrong-framework-version", f"This moderation workbook was made for {key.replace('_', ' ')} '{found or '(none)'}', but we are scoring '{expected}'.", ref, sheet=META)
                return False
        try:
            evaluators = json.loads(meta.get("evaluators", ("", ""))[0])
            sources = json.loads(meta.get("evaluator_files", ("{}", ""))[0] or "{}")
            decided = json.loads(meta.get("decisions", ("{}", ""))[0] or "{}")
            self.result.threshold = float(meta.get("moderation_spread", ("", ""))[0])
        except ValueError:
            evaluators = sources = decided = None
        if isinstance(decided, dict) and all(isinstance(v, list) and len(v) == 2 for v in decided.values()):
            self.result.decided = {e: (str(v[0]), str(v[1])) for e, v in decided.items()}
        if isinstance(sources, dict) and all(isinstance(v, str) for v in sources.values()):
            self.result.sources, self.result.folder = sources, meta.get("evaluators_folder", ("", ""))[0]
        if not isinstance(evaluators, list) or not all(isinstance(e, str) for e in evaluators):
            self.edited("The hidden sheet lacks the list of evaluators or the moderation spread.", META)
            return False
        self.result.evaluators = evaluators
        return True

    def check_fingerprint(self, meta: dict[str, tuple[str, str]], columns: list[str]) -> None:
        result = self.result
        assert result.table is not None
        table = result.table
        rows = {key: {c: table.value(row, c) if c in table.columns else None for c in columns} for key, row in result.rows.items()}
        snapshot = {key: dict(zip(CONSENSUS_COLUMNS, values, strict=True)) for key, values in result.snapshot.items()}
        audit = {(str(i), ""): dict(zip(AUDIT_COLUMNS, entry, strict=True)) for i, entry in enumerate(result.audit)}
        found = panel_fingerprint(
            table_locked(MODERATION, rows, columns), table_locked(CONSENSUS_SNAPSHOT, snapshot, CONSENSUS_COLUMNS),
            table_locked(AUDIT, audit, AUDIT_COLUMNS), pins_locked(result.pins), declarations_locked(list(result.declarations.values())),
            meta_locked({k: v for k, (v, _) in meta.items()}),
        )
        stored, ref = meta.get("fingerprint", ("", ""))
        if found != stored:
            self.edited("Locked cells (evaluators' scores or rationales, files, themes, the audit log or the hidden sheets) were changed, "
                        "or rows were added or deleted, since svexcel wrote the workbook.", META, ref)


def _plain_rows(sheet: Sheet | None) -> list[list[Value]]:
    """Rows below the header of a plain table sheet, as values."""
    if sheet is None:
        return []
    width = max((c for (_, c) in sheet.cells), default=0)
    return [[cells.get(c).value if cells.get(c) else None for c in range(1, width + 1)] for r, cells in sheet.rows().items() if r > 1]  # type: ignore[union-attr]


def _texts(values: Sequence[Value], width: int) -> list[str]:
    """``width`` cells of a row as fingerprint text."""
    return [locked_text(v) for v in [*values, *[None] * width][:width]]


def _keyed_rows(sheet: Sheet | None) -> dict[Key, dict[str, str]]:
    """The consensus snapshot: (file, theme) → its last-seen consensus and rationale, as text."""
    return {(f, t): dict(zip(CONSENSUS_COLUMNS, rest, strict=True)) for f, t, *rest in (_texts(v, 2 + len(CONSENSUS_COLUMNS)) for v in _plain_rows(sheet))}


@dataclass(frozen=True)
class PanelRecord:
    """What an evaluation record keeps of the panel behind a moderation workbook: the evaluator workbooks it was made from
    (where they are now, in their folder), notes on any missing or changed since, and every declaration of interests with
    the panel chair's decision on it."""

    folder: Path
    files: list[Path]
    notes: list[str]
    declarations: list[dict[str, str]]


def panel_record(path: Path, framework: Framework) -> PanelRecord:
    """The panel behind a moderation workbook, for the record (nothing for another kind of quality file)."""
    from ..run.record import sha256

    moderation = open_moderation(path, framework)
    folder = path.parent / moderation.folder
    found, notes = [], []
    for name, digest in moderation.sources.items():
        source = folder / name
        if not source.is_file():
            notes.append(f"evaluator workbook {name} (read by moderation) is not in {folder}")
            continue
        found.append(source)
        if sha256(source) != digest:
            notes.append(f"evaluator workbook {name} has changed since moderation read it; the record keeps it as it is now")
    declarations = [row | dict(zip(DECISION_COLUMNS, (d.excluded, d.note), strict=True))
                    for evaluator, row in moderation.declarations.items() for d in (moderation.decisions.get(evaluator, Decision()),)]
    return PanelRecord(folder, found, notes, declarations)


def read_moderation(path: str | Path, framework: Framework) -> tuple[Marks, Rationales, list[Finding]]:
    """Consensus marks and consensus rationales by return file and theme id (None/'' = not agreed yet), with findings."""
    return moderation_marks(open_moderation(path, framework), framework)


def moderation_marks(moderation: ModerationFile, framework: Framework) -> tuple[Marks, Rationales, list[Finding]]:
    """The consensus of an opened moderation workbook as scoring takes it: each mark on the scale, moderated (as the last
    moderate run recorded it) and inside the evaluators' marks or explained; a refused mark is None, with a finding."""
    findings = Findings(moderation.file, MODERATION, moderation.findings)
    marks: Marks = {}
    rationales: Rationales = {}
    if moderation.table is None:
        return marks, rationales, findings.items
    table = moderation.table
    theme_ids = [t.id for t in framework.themes]
    for key, row in moderation.rows.items():
        file, theme = key
        if theme not in framework.theme_by_id:
            findings.add("unknown-theme", f"Theme '{theme}' for {file} is not in {framework.name} {framework.version}.", table.ref(row, "Theme ID"))
            continue
        given = [float(v) for e in moderation.evaluators if is_number(v := table.value(row, score_header(e)))]  # type: ignore[arg-type]
        rationale = moderation.text(key, "Consensus rationale")
        marks.setdefault(file, dict.fromkeys(theme_ids))[theme] = consensus_mark(
            moderation.cell(key, "Consensus"), rationale, given, framework, f"{file}, theme {theme}",
            (table.ref(row, "Consensus"), table.ref(row, "Consensus rationale")), findings, moderation.snapshot.get(key, ("", "")))
        rationales.setdefault(file, dict.fromkeys(theme_ids, ""))[theme] = rationale
    for evaluator, decision in moderation.decisions.items():
        if (decision.excluded, decision.note) != moderation.decided.get(evaluator, ("", "")):
            findings.add("consensus-not-moderated", f"The panel chair's decision on {evaluator}'s declaration ({decision.cell} and the note "
                         "beside it) changed since the last moderate run, so it is not applied or in the Audit log. Run svexcel moderate "
                         "to apply and record it.", decision.cell, sheet=DECLARATIONS)
    return marks, rationales, findings.items


def consensus_mark(cell: Cell | None, rationale: str, given: Sequence[float], framework: Framework, what: str, refs: tuple[str, str],
                   findings: Findings, recorded: tuple[str, str] | None = None) -> float | None:
    """A row's consensus as scoring takes it, or None: blank, or refused with a finding. ``given`` are the evaluators' marks
    used for the row; ``recorded`` the consensus and rationale the last moderate run recorded (None while moderate records them)."""
    ref, rationale_ref = refs
    typed = (locked_text(None if cell is None else cell.value), rationale)
    if recorded is not None and typed != recorded:
        changed = [f"Consensus {recorded[0] or 'blank'} → {typed[0] or 'blank'}" if typed[0] != recorded[0] else "",
                   "the Consensus rationale" if typed[1] != recorded[1] else ""]
        findings.add("consensus-not-moderated", f"The consensus for {what} changed since the last moderate run ({' and '.join(c for c in changed if c)}), "
                     "so the change is not in the Audit log and is not used. Run svexcel moderate (with --note saying why) to record it.", ref)
        return None
    mark = quality_mark(cell, f"The consensus for {what} in {ref}", ref, findings, scale(framework))
    if mark is None:
        return None
    if given and not min(given) <= mark <= max(given) and not rationale:
        findings.add("consensus-outside-range", f"The consensus for {what} in {ref} is {mark:g}, outside every evaluator's mark "
                     f"({min(given):g} to {max(given):g}), with no Consensus rationale. Record in {rationale_ref} why the panel agreed "
                     "a mark no evaluator gave, or agree one within their marks.", ref)
        return None
    level = next((q for q in framework.quality_scale if q.score == mark), None)
    if not rationale:
        findings.add("missing-rationale", f"The consensus for {what} has no Consensus rationale. Record why the panel agreed this score.", rationale_ref)
    elif reason := thin_reason(rationale, level.descriptor if level else ""):
        findings.add("thin-rationale", f"The Consensus rationale for {what} is thin: {reason}. Say what in the response earned the score.", rationale_ref)
    return mark
