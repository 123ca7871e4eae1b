"""The evaluation panel's workbooks (SPEC §7): sheet names, headers, hidden keys and what their fingerprints cover."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from ..core.cells import Value
from ..core.numbers import is_number
from ..tender.pins import RESPONSE_COLUMNS, RESPONSES
from ..xlsx.meta import META, fingerprint
from ..xlsx.tables import cell_text

SCALE = "QualityScale"

# The evaluator workbook: one per evaluator, one row per return × theme.
SCORES = "Scores"
SCORES_COLUMNS = ("File", "Organisation", "Theme ID", "Theme", "Response", "Score", "Rationale")
SCORES_LOCKED = ("File", "Organisation", "Theme ID", "Theme", "Response")
SCORES_HEADER_ROW = 4
EVALUATION = "evaluation"

# The moderation workbook: every evaluator's marks side by side, and the consensus.
MODERATION = "Moderation"
FINDINGS = "Findings"
AUDIT = "Audit log"
CONSENSUS_SNAPSHOT = "_consensus"  # the consensus as the last run saw it, to log what was typed since
MODERATION_HEADER_ROW = 4
ROW_COLUMNS = ("File", "Organisation", "Theme ID", "Theme")
FIGURE_COLUMNS = ("Mean", "Spread", "Flag")
CONSENSUS_COLUMNS = ("Consensus", "Consensus rationale")
AUDIT_COLUMNS = ("When", "What", "Old", "New", "Note")
MODERATION_KIND = "moderation"
WIDE = "Wide spread"

Key = tuple[str, str]  # (return file, theme id)
AuditEntry = tuple[str, str, str, str, str]  # (when, what, old, new, note)


def score_header(evaluator: str) -> str:
    """The moderation column of one evaluator's scores."""
    return f"{evaluator} score"


def rationale_header(evaluator: str) -> str:
    """The moderation column of one evaluator's rationales."""
    return f"{evaluator} rationale"


def row_key(key: Key) -> str:
    """A row's (file, theme) as one fingerprint key that no file name can collide with."""
    return json.dumps(list(key), ensure_ascii=False)


def locked_text(value: Value | float | int) -> str:
    """A locked cell's value as the fingerprint sees it: text trimmed, numbers to 10 significant digits."""
    if isinstance(value, (int, float)) and is_number(value):
        return f"{float(value):.10g}"
    return cell_text(value)


def table_locked(sheet: str, rows: Mapping[Key, Mapping[str, Value]], columns: Iterable[str]) -> dict[tuple[str, str, str], str]:
    """Locked cells of a table keyed by (sheet, row, column), so reordered rows still match."""
    columns = tuple(columns)
    return {(sheet, row_key(key), column): locked_text(values.get(column)) for key, values in rows.items() for column in columns}


def meta_locked(meta: Mapping[str, str]) -> dict[tuple[str, str, str], str]:
    """The hidden sheet's keys (all but the fingerprint itself), for the fingerprint."""
    return {(META, key, "value"): value for key, value in meta.items() if key != "fingerprint"}


def pins_locked(pins: Mapping[Key, str]) -> dict[tuple[str, str, str], str]:
    """The hidden digests of the responses as scored, for the fingerprint."""
    return table_locked(RESPONSES, {key: {RESPONSE_COLUMNS[2]: digest} for key, digest in pins.items()}, RESPONSE_COLUMNS[2:])


def panel_fingerprint(*parts: Mapping[tuple[str, str, str], str]) -> str:
    """One fingerprint over every locked part of a panel workbook."""
    locked: dict[tuple[str, str, str], str] = {}
    for part in parts:
        locked |= part
    return fingerprint(locked)
