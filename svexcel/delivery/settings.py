"""Delivery monitoring's settings, read from a framework workbook: Settings keys and the Measures column ``accrues``
(a measure without it is monitored by the v2 default, with an ``accrues-defaulted`` warning naming it)."""

from __future__ import annotations

from pathlib import Path
from typing import Collection, Mapping

from ..core.findings import Finding, Findings, finding
from ..core.numbers import cell_number
from ..framework.model import SHEET_COLUMNS
from ..xlsx.reader import Sheet, UnreadableWorkbook, Workbook
from ..xlsx.tables import find_table
from .engine import ACCRUAL_WORDS, ACCRUALS, BASES, METHODS, Accrual, DeliverySettings, default_accrual

SHARE_KEYS = ("rag_green", "rag_amber", "rating_good", "rating_approaching", "rating_requires_improvement")
SETTING_NOTES = {
    "rag_green": "Delivery: a measure is Green at or above this progress (0–1)",
    "rag_amber": "Delivery: a measure is Amber at or above this progress (0–1), else Red",
    "rating_good": "Delivery rating: Good at or above this share (0–1)",
    "rating_approaching": "Delivery rating: Approaching target at or above this share (0–1)",
    "rating_requires_improvement": "Delivery rating: Requires improvement at or above this share (0–1), else Inadequate",
    "rating_method": "Delivery rating from 'value' (£ delivered ÷ £ expected) or 'count' (share of measures Green)",
    "rating_basis": "Delivery rating from the 'claimed' figures or the 'validated' ones (claimed less claims rejected on verification)",
    "verify_all_above": "Verification: every claim worth more than this (£) is always in the sample",
}
VERIFICATION_KEYS = ("rating_basis", "verify_all_above")
ACCRUES_HEADER = "accrues"
ACCRUES_COL = len(SHEET_COLUMNS["Measures"]) + 1  # on Measures, after the framework's own columns  # used by delivery batch and verify, not by the monitoring workbook's formulas
# Pairs that must not be out of order: (higher, lower).
ORDER = (("rag_green", "rag_amber"), ("rating_good", "rating_approaching"), ("rating_approaching", "rating_requires_improvement"))


def load_delivery_settings(path: str | Path, monitored: Collection[str] | None = None) -> tuple[DeliverySettings, list[Finding]]:
    """Delivery settings from a framework (or live) workbook; defaults for keys it lacks; findings for bad values and
    for measures (those ``monitored``, if given) whose accrual is not declared."""
    path = Path(path)
    try:
        with Workbook(path) as book:
            return delivery_settings_from_sheets({name: book.sheet(name) for name in ("Settings", "Measures")}, path.name, monitored)
    except UnreadableWorkbook as exc:
        return DeliverySettings(), [finding(exc.type, exc.message, path.name)]


def delivery_settings_from_sheets(sheets: Mapping[str, Sheet | None], file: str = "",
                                  monitored: Collection[str] | None = None) -> tuple[DeliverySettings, list[Finding]]:
    """Delivery settings from the Settings and Measures sheets of a framework (``accrues-defaulted`` only for the
    measures ``monitored``, when given)."""
    findings = Findings(file)
    values: dict[str, object] = {}
    settings_sheet = sheets.get("Settings")
    if settings_sheet is not None:
        values = _read_settings(settings_sheet, findings.on("Settings"))
    measures_sheet = sheets.get("Measures")
    accrues = _read_accrues(measures_sheet, findings.on("Measures"), monitored) if measures_sheet is not None else {}
    return DeliverySettings(**values, accrues=accrues), findings.items  # type: ignore[arg-type]


def _read_settings(sheet: Sheet, findings: Findings) -> dict[str, object]:
    table, _, _ = find_table(sheet, ("key", "value"), first_row_only=True)
    if table is None:
        return {}
    rows = {table.text(r, "key"): r for r in table.rows() if table.text(r, "key") in SETTING_NOTES}
    values: dict[str, object] = {}
    for key in SHARE_KEYS:
        if key not in rows:
            continue
        ref = table.ref(rows[key], "value")
        read = cell_number(table.cell(rows[key], "value"))
        if read.value is None or read.problem or not 0 <= read.value <= 1:
            shown = table.value(rows[key], "value")
            findings.add("bad-setting", f"{key} in {ref} is {shown!r}; type a share between 0 and 1, e.g. 0.95 for 95%.", ref)
            continue
        values[key] = read.value
    for high, low in ORDER:
        if high in values and low in values and values[high] < values[low]:  # type: ignore[operator]
            ref = table.ref(rows[low], "value")
            findings.add("bad-setting", f"{low} in {ref} ({values[low]:g}) is above {high} ({values[high]:g}); the bands must not overlap.", ref)
    for key, allowed in (("rating_method", METHODS), ("rating_basis", BASES)):
        if key not in rows:
            continue
        word = table.text(rows[key], "value").casefold()
        if word not in allowed:
            ref = table.ref(rows[key], "value")
            findings.add("bad-setting", f"{key} in {ref} is '{word}'; use one of: {', '.join(allowed)}.", ref)
        else:
            values[key] = word
    if "verify_all_above" in rows:
        ref = table.ref(rows["verify_all_above"], "value")
        read = cell_number(table.cell(rows["verify_all_above"], "value"))
        if read.value is None or read.problem or read.value < 0:
            shown = table.value(rows["verify_all_above"], "value")
            findings.add("bad-setting", f"verify_all_above in {ref} is {shown!r}; type an amount in pounds, 0 or more, e.g. 10000.", ref)
        else:
            values["verify_all_above"] = read.value
    return values


def _read_accrues(sheet: Sheet, findings: Findings, monitored: Collection[str] | None) -> dict[str, Accrual]:
    """Each measure's declared accrual; a (monitored) measure without one gets an ``accrues-defaulted`` warning naming it."""
    table, _, _ = find_table(sheet, ("measure_id", "kind", "direction"), (ACCRUES_HEADER,), first_row_only=True)
    if table is None:
        return {}
    accrues: dict[str, Accrual] = {}
    for row in table.rows():
        ident = table.text(row, "measure_id")
        value = table.text(row, "accrues").casefold() if "accrues" in table.columns else ""
        if not ident:
            continue
        ref = table.ref(row, "accrues") if "accrues" in table.columns else table.header_ref
        if not value:
            if monitored is not None and ident not in monitored:
                continue
            default = default_accrual(table.text(row, "kind").casefold(), table.text(row, "direction").casefold() or "benefit")
            where = f"in {ref}" if "accrues" in table.columns else "(the Measures sheet has no accrues column)"
            findings.add("accrues-defaulted", f"Measure {ident} does not say how it accrues {where}, so it is monitored as a {default} "
                         f"({ACCRUAL_WORDS[default]}). Type flow or level in its accrues cell to declare it.", ref)
            continue
        if value not in ACCRUALS:
            findings.add("bad-accrues", f"Measure {ident} accrues '{value}' in {ref}; use flow (adds up period by period) or level (the latest figure stands).", ref)
            continue
        accrues[ident] = value
    return accrues
