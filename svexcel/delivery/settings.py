"""Delivery monitoring's settings, read from a framework workbook: Settings keys and the optional Measures column ``accrues``."""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from ..core.findings import Finding, Findings, finding
from ..core.numbers import cell_number
from ..xlsx.reader import Sheet, UnreadableWorkbook, Workbook
from ..xlsx.tables import find_table
from .engine import ACCRUALS, METHODS, Accrual, DeliverySettings

SHARE_KEYS = ("rag_green", "rag_amber", "rating_good", "rating_approaching", "rating_requires_improvement")
SETTING_NOTES = {
    "rag_green": "Delivery: a measure is Green at or above this progress (0–1)",
    "rag_amber": "Delivery: a measure is Amber at or above this progress (0–1), else Red",
    "rating_good": "Delivery rating: Good at or above this share (0–1)",
    "rating_approaching": "Delivery rating: Approaching target at or above this share (0–1)",
    "rating_requires_improvement": "Delivery rating: Requires improvement at or above this share (0–1), else Inadequate",
    "rating_method": "Delivery rating from 'value' (£ delivered ÷ £ expected) or 'count' (share of measures Green)",
}
# Pairs that must not be out of order: (higher, lower).
ORDER = (("rag_green", "rag_amber"), ("rating_good", "rating_approaching"), ("rating_approaching", "rating_requires_improvement"))


def load_delivery_settings(path: str | Path) -> tuple[DeliverySettings, list[Finding]]:
    """Delivery settings from a framework (or live) workbook; defaults for keys it lacks; findings for bad values."""
    path = Path(path)
    try:
        with Workbook(path) as book:
            return delivery_settings_from_sheets({name: book.sheet(name) for name in ("Settings", "Measures")}, path.name)
    except UnreadableWorkbook as exc:
        return DeliverySettings(), [finding(exc.type, exc.message, path.name)]


def delivery_settings_from_sheets(sheets: Mapping[str, Sheet | None], file: str = "") -> tuple[DeliverySettings, list[Finding]]:
    """Delivery settings from the Settings and Measures sheets of a framework."""
    findings = Findings(file)
    values: dict[str, object] = {}
    settings_sheet = sheets.get("Settings")
    if settings_sheet is not None:
        values = _read_settings(settings_sheet, findings.on("Settings"))
    measures_sheet = sheets.get("Measures")
    accrues = _read_accrues(measures_sheet, findings.on("Measures")) if measures_sheet is not None else {}
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
    if "rating_method" in rows:
        method = table.text(rows["rating_method"], "value").casefold()
        if method not in METHODS:
            ref = table.ref(rows["rating_method"], "value")
            findings.add("bad-setting", f"rating_method in {ref} is '{method}'; use one of: {', '.join(METHODS)}.", ref)
        else:
            values["rating_method"] = method
    return values


def _read_accrues(sheet: Sheet, findings: Findings) -> dict[str, Accrual]:
    table, _, _ = find_table(sheet, ("measure_id", "accrues"), first_row_only=True)
    if table is None:
        return {}
    accrues: dict[str, Accrual] = {}
    for row in table.rows():
        ident, value = table.text(row, "measure_id"), table.text(row, "accrues").casefold()
        if not ident or not value:
            continue
        if value not in ACCRUALS:
            ref = table.ref(row, "accrues")
            findings.add("bad-accrues", f"Measure {ident} accrues '{value}' in {ref}; use flow (adds up period by period) or level (the latest figure stands).", ref)
            continue
        accrues[ident] = value
    return accrues
