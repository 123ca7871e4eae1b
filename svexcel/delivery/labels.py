"""What each delivery figure is called, in the same words in the report, the portfolio, the summary workbook and the
monitoring workbook's Dashboard, so that the net figure is never mistaken for the benefit the rating uses."""

from __future__ import annotations

NET = "Net social value delivered (benefits less harms)"
BENEFIT = "Benefit delivered against benefit expected (what the value rating uses)"
BENEFIT_DELIVERED = "Benefit delivered"
BENEFIT_EXPECTED = "Benefit expected to date"
HARMS = "Harms delivered"
VALIDATED = "Benefit validated (claimed less claims rejected on verification)"
VERIFIED_SHARE = "Share of claimed benefit verified"
