"""``svexcel moderate``: gather the evaluators' workbooks into one moderation workbook, keeping what was typed and logging changes."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..core.cells import Cell, Value
from ..core.findings import Finding, Findings, finding
from ..framework.model import Framework
from ..run.inputs import Input, Kind, input_folder, renamed
from ..run.record import sha256
from ..xlsx.reader import cell_ref
from .declaration import DECLARATION, DECLARATIONS, EXCLUDED, Decision, declaration_row
from .evaluator import EvaluatorFile, read_evaluator_workbook
from .layout import MODERATION, MODERATION_HEADER_ROW, SCORES, AuditEntry, Key, locked_text, rationale_header, score_header
from .moderation import Moderation, ModerationFile, ModerationRow, consensus_mark, open_moderation, write_moderation_workbook
from .rationale import thin_reason

OTHER_WORDS = "Not used: scored from another text of the response"
EVALUATORS = Kind("evaluator workbook", "evaluator workbooks", "not-an-evaluator-workbook",
                  "evaluator workbooks are Excel workbooks (.xlsx or .xlsm) made by svexcel panel")


def read_input(item: Input, framework: Framework) -> EvaluatorFile:
    """One input of the evaluators' folder as an EvaluatorFile named by its path there; one that cannot be read is rejected."""
    if item.problem is not None:
        return EvaluatorFile(item.name, findings=[item.problem])
    return renamed(read_evaluator_workbook(item.path, framework), item.name)


class ModerationError(Exception):
    """Moderation cannot go ahead without losing what was typed; ``findings`` say why."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = list(findings)


def moderate(folder: Path, framework: Framework, out: Path, now: dt.datetime | None = None, note: str = "") -> Moderation:
    """Read every evaluator workbook in ``folder``, merge with ``out`` if it exists, write ``out`` and return what it holds.

    ``note`` is the moderator's note: why the consensus changed since the last run, recorded with each change in the Audit log."""
    when = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y-%m-%d %H:%M UTC")
    inputs = input_folder(folder, EVALUATORS, exclude=out)
    reads = [read_input(item, framework) for item in inputs.inputs]
    previous = open_moderation(out, framework) if out.exists() else None
    if previous is not None and previous.table is None:
        raise ModerationError(f"The existing {out.name} cannot be read, so the consensus typed in it cannot be kept. "
                              "Fix it, move it aside or choose another -o.", previous.findings)
    moderation = gather(reads, framework, previous.decisions if previous is not None else {}, out.name)
    if not moderation.evaluators:
        raise ModerationError(f"No usable evaluator workbook in {folder}; {out.name} was not written.", moderation.findings)
    carry_over(moderation, previous, when, len(reads), note.strip())
    check_consensus(moderation, framework, out.name)
    moderation.folder = _relative(folder, out.parent)
    moderation.sources = {item.name: sha256(item.path) for item in inputs.inputs if item.problem is None}
    moderation.notes = inputs.notes()
    write_moderation_workbook(moderation, framework, out)
    return moderation


def _relative(folder: Path, start: Path) -> str:
    """``folder`` relative to ``start`` (so the pair can move together), or absolute when that is impossible."""
    try:
        return Path(os.path.relpath(folder.resolve(), start.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return str(folder.resolve())


def gather(reads: Sequence[EvaluatorFile], framework: Framework, decisions: Mapping[str, Decision] | None = None,
           moderation_file: str = "") -> Moderation:
    """One row per panel return × theme with the marks of every evaluator whose workbook is sound and declared, less those
    the panel chair excluded (``decisions``, typed in ``moderation_file``), and the findings."""
    decisions = decisions or {}
    findings = [f for r in reads for f in r.findings]
    accepted: list[EvaluatorFile] = []
    declarations: list[dict[str, str]] = []
    for r in reads:
        if r.rejected:
            continue
        twin = next((a for a in accepted if a.evaluator.casefold() == r.evaluator.casefold()), None)
        if twin is not None:
            findings.append(Finding("duplicate-evaluator", "error", f"A second workbook for {r.evaluator} (first: {twin.file}); it is left out. Keep one file per evaluator.", r.file))
            continue
        if r.declaration is not None:
            declarations.append(declaration_row(r.declaration, r.declared))
        if r.declared:
            accepted.append(r)
    panel = _panel_returns(accepted)
    rows = [ModerationRow(file, t.id, theme=t.name) for file in panel for t in framework.themes]
    _pin(rows, accepted)
    applied = {r.evaluator: decisions[r.evaluator] for r in accepted if r.evaluator in decisions and decisions[r.evaluator].made}
    for r in accepted:
        decision = applied.get(r.evaluator, Decision())
        findings.extend(_panel_findings(r, panel, decision, moderation_file))
        for row in rows:
            row.organisation = row.organisation or r.organisations.get(row.file, "")
            findings.extend(_score_row(r, row, framework, row.file in decision.files))
    return Moderation(framework.name, framework.version, framework.settings.moderation_spread, [r.evaluator for r in accepted], rows,
                      findings, declarations=declarations, decisions=applied)


def _panel_findings(r: EvaluatorFile, panel: Sequence[str], decision: Decision, moderation_file: str) -> list[Finding]:
    """An accepted evaluator's marks for returns outside the panel, the chair's exclusions naming such returns, and a
    declared conflict the chair has not decided on."""
    found = [Finding("unknown-return", "error", f"{file} is not one of the panel's returns ({len(panel)} in the other evaluators' workbooks); "
                     f"{r.evaluator}'s marks for it are left out. Check the evaluator scored the workbook made for this panel.", r.file, SCORES)
             for file in r.returns if file not in panel]
    found += [Finding("unknown-return", "error", f"The panel chair's decision excludes {r.evaluator}'s marks for '{file}', which is not one "
                      "of the panel's returns. Type the return's file name exactly as in the File column of Moderation.",
                      moderation_file, DECLARATIONS, decision.cell)
              for file in decision.files if file not in panel]
    if r.declaration is not None and r.declaration.conflict and not decision.made:
        found.append(Finding("conflict-declared", "warning", f"{r.evaluator} declared a conflict of interest: {r.declaration.details} "
                             f"Panel chair: on the Declarations sheet of {moderation_file or 'the moderation workbook'}, name the returns whose "
                             f"marks from {r.evaluator} are not to be used, or say why they stand; then rerun svexcel moderate.",
                             r.file, DECLARATION, r.declaration.cells[1] if r.declaration.cells else ""))
    return found


def _pin(rows: Sequence[ModerationRow], accepted: Sequence[EvaluatorFile]) -> None:
    """Each row's response digest: the one most evaluators scored (the first evaluator's on a tie)."""
    for row in rows:
        seen = Counter(r.pins.get(row.key, "") for r in accepted if row.file in r.returns)
        row.pin = seen.most_common(1)[0][0] if seen else ""


def _panel_returns(accepted: Sequence[EvaluatorFile]) -> list[str]:
    """The returns most evaluator workbooks were made for (the first file's list on a tie)."""
    lists: Counter[tuple[str, ...]] = Counter(tuple(r.returns) for r in accepted)
    return list(lists.most_common(1)[0][0]) if lists else []  # most_common keeps first-seen order on a tie


def _score_row(r: EvaluatorFile, row: ModerationRow, framework: Framework, excluded: bool = False) -> list[Finding]:
    """Put one evaluator's mark for one row in place (none when the chair excluded it, or it was given to other words);
    findings for a missing score, missing or thin rationale."""
    key: Key = row.key
    score, rationale = r.scores.get(key), r.rationales.get(key, "")
    where = f"{row.file}, theme {row.theme_id}"
    score_ref, rationale_ref = r.cells.get(key, ("", ""))
    if excluded:
        row.scores[r.evaluator], row.rationales[r.evaluator] = None, EXCLUDED
        return []
    if key in r.pins and r.pins[key] != row.pin:
        row.scores[r.evaluator], row.rationales[r.evaluator] = None, OTHER_WORDS
        return [finding("narrative-changed", f"{r.evaluator} scored {where} from another text of the response than the other evaluators "
                        "did (the return was replaced between their workbooks), so that mark is not used. Have them score it in a "
                        "workbook made with the others.", r.file, SCORES, score_ref)]
    row.scores[r.evaluator], row.rationales[r.evaluator] = score, rationale
    if key in r.bad_scores:
        return []
    if score is None:
        return [Finding("missing-score", "warning", f"{r.evaluator} has not scored {where}. Ask for the score, or moderate without it.", r.file, SCORES, score_ref)]
    if not rationale:
        return [Finding("missing-rationale", "warning", f"{r.evaluator} scored {where} {score:g} without a rationale. A rationale is required: ask why.", r.file, SCORES, rationale_ref)]
    level = next((q for q in framework.quality_scale if q.score == score), None)
    reason = thin_reason(rationale, level.descriptor if level else "")
    if reason:
        return [Finding("thin-rationale", "warning", f"{r.evaluator}'s rationale for {where} is thin: {reason}. "
                        "Ask what in the response earned the score, in the evaluator's own words.", r.file, SCORES, rationale_ref)]
    return []


def carry_over(moderation: Moderation, previous: ModerationFile | None, when: str, files: int, note: str = "") -> None:
    """Keep the consensus already typed in the previous workbook and log every change since it was written, with ``note``."""
    audit = moderation.audit
    names = "; ".join(moderation.evaluators) or "none"
    if previous is None:
        audit.append((when, f"Moderation workbook created from {files} evaluator file(s); evaluators: {names}", "", "", note))
        return
    moderation.findings.extend(previous.findings)
    audit.extend(previous.audit)
    audit.append((when, f"Rerun with {files} evaluator file(s); evaluators: {names}", "; ".join(previous.evaluators), names, note))
    if any(f.type == "moderation-file-edited" for f in previous.findings):
        audit.append((when, f"The previous {MODERATION} workbook's locked cells had been edited; its consensus cells were kept", "", "", ""))
    for evaluator in sorted(moderation.decisions.keys() | previous.decided.keys()):
        old = previous.decided.get(evaluator, ("", ""))
        new = moderation.decisions.get(evaluator, Decision())
        if old != (new.excluded, new.note):
            audit.append((when, f"The panel chair's decision on {evaluator}'s declaration of interests: marks excluded for "
                          f"{'; '.join(new.files) or 'none'}", old[0], new.excluded, new.note))
    rows = {r.key: r for r in moderation.rows}
    for key in previous.rows:
        consensus, percent, rationale = _typed(previous, key)
        old_consensus, old_rationale = previous.snapshot.get(key, ("", ""))
        where = f"{key[0]}, theme {key[1]}"
        for what, old_text, new_text in (("Consensus", old_consensus, locked_text(consensus)), ("Consensus rationale", old_rationale, rationale)):
            if old_text != new_text:
                audit.append((when, f"{where}: {what} typed since the last run", old_text, new_text, note))
        row = rows.get(key)
        if row is None:
            if consensus is not None or rationale:
                audit.append((when, f"{where}: the return is no longer in the panel; its consensus was dropped",
                              f"{locked_text(consensus)} {rationale}".strip(), "", ""))
            continue
        row.consensus, row.consensus_percent, row.consensus_rationale = consensus, percent, rationale
        _log_evaluators(audit, when, where, previous, key, row, moderation.evaluators)
    for key in rows.keys() - previous.rows.keys():
        audit.append((when, f"{key[0]}, theme {key[1]}: new row", "", "", ""))


def check_consensus(moderation: Moderation, framework: Framework, file: str) -> None:
    """The findings scoring will give each consensus (off the scale, outside the evaluators' marks without a reason …), at the
    cells of the workbook about to be written, and how many consensus marks scoring will use."""
    findings = Findings(file, MODERATION, moderation.findings)
    column = len(moderation.locked_columns()) + 1
    for i, row in enumerate(moderation.rows, start=MODERATION_HEADER_ROW + 1):
        given = [s for s in row.scores.values() if s is not None]
        cell = None if row.consensus is None else Cell(row.consensus, shown_as="percent" if row.consensus_percent else None)
        mark = consensus_mark(cell, row.consensus_rationale, given, framework, f"{row.file}, theme {row.theme_id}",
                              (cell_ref(i, column), cell_ref(i, column + 1)), findings)
        moderation.usable += mark is not None


def _typed(previous: ModerationFile, key: Key) -> tuple[Value, bool, str]:
    """The consensus cell's value as typed (a number, or text to be reported when read), whether it is formatted as a
    percentage, and its rationale."""
    cell = previous.cell(key, "Consensus")
    return (None if cell is None else cell.value), cell is not None and cell.shown_as == "percent", previous.text(key, "Consensus rationale")


def _log_evaluators(audit: list[AuditEntry], when: str, where: str, previous: ModerationFile, key: Key,
                    row: ModerationRow, evaluators: Sequence[str]) -> None:
    """Log each evaluator score or rationale that differs from the previous workbook."""
    for name in dict.fromkeys([*previous.evaluators, *evaluators]):
        for header, new in ((score_header(name), locked_text(row.scores.get(name))), (rationale_header(name), row.rationales.get(name, ""))):
            old = locked_text(previous.cell(key, header).value) if previous.cell(key, header) is not None else ""  # type: ignore[union-attr]
            if old != new:
                audit.append((when, f"{where}: {header}", old, new, ""))
