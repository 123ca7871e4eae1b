"""The return workbook's layout (SPEC §2), shared by the template writer and the reader."""

from __future__ import annotations

from ..framework.model import Framework
from ..xlsx.meta import META

COVER = "Cover"
COMMITMENTS = "Commitments"
NARRATIVE = "Narrative"
REQUIRED_SHEETS = (COVER, COMMITMENTS, NARRATIVE, META)

COVER_LABELS = ("Organisation", "Contract reference", "Contract value (GBP)", "Contract years", "Contact")
# v2 labels, on the rows after COVER_LABELS: needed for assessment summaries. They are not in the fingerprint,
# so returns made from the v1 template still read (a missing one is a warning).
SUPPLIER_LABELS = ("Postal address", "Email", "Unique identifier")
COVER_FIRST_ROW = 4

COMMITMENT_COLUMNS = (
    "Measure ID", "Theme", "Outcome", "Measure", "Unit", "Quantity", "Evidence", "Counting rule", "Evidence asked for",
)
COMMITMENT_REQUIRED = ("Measure ID", "Theme", "Measure", "Unit", "Quantity", "Evidence")
COMMITMENT_HEADER_ROW = 4
# Locked columns that the reader checks against the framework, with the field that fills each.
LOCKED_MEASURE_COLUMNS = {
    "Theme": "theme",
    "Outcome": "outcome",
    "Measure": "name",
    "Unit": "unit",
    "Counting rule": "counting_rule",
    "Evidence asked for": "evidence",
}

NARRATIVE_COLUMNS = ("Theme ID", "Theme", "Response")
NARRATIVE_HEADER_ROW = 3

META_KEYS = ("framework_name", "framework_version", "fingerprint")


def expected_locked(framework: Framework) -> dict[tuple[str, str, str], str]:
    """What each locked cell should hold, keyed by (sheet, row key, column) so reordered rows still match."""
    expected: dict[tuple[str, str, str], str] = {}
    for label in COVER_LABELS:
        expected[(COVER, label, "label")] = label
    for m in framework.measures:
        fields = {
            "theme": framework.theme_by_id[m.theme_id].name,
            "outcome": framework.outcome_by_id[m.outcome_id].name,
            "name": m.name,
            "unit": m.unit,
            "counting_rule": m.counting_rule,
            "evidence": m.evidence,
        }
        for column, field in LOCKED_MEASURE_COLUMNS.items():
            expected[(COMMITMENTS, m.id, column)] = fields[field]
    for t in framework.themes:
        expected[(NARRATIVE, t.id, "Theme")] = t.name
    return expected
