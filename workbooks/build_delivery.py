"""Rebuild the shipped delivery samples: three contracts' delivery workbooks, made from sample winning returns.

Run from the repository root after workbooks/build.py:  python workbooks/build_delivery.py
* Hillside Community Trust (HC-2026-014) is on track at P4;
* Riverside Care Co-operative (HC-2026-021) is under-delivering at P4, with recovery actions on its Actions log;
* OpenFields Social Enterprise CIC (HC-2026-033) emits more than it committed to (a harm), and was resent:
  openfields-q2.xlsx reports P2, openfields-q3.xlsx reports P3 with P1 restated.
Figures follow a fixed pattern (no randomness), so the files can be regenerated at will.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook

from svexcel.delivery.engine import DeliverySettings
from svexcel.delivery.layout import (
    ACTIONS,
    ACTIONS_HEADER_ROW,
    COVER,
    COVER_FIRST_ROW,
    COVER_LABELS,
    DELIVERY,
    DELIVERY_HEADER_ROW,
    LEAD_COLUMNS,
)
from svexcel.delivery.template import terms_from_return, write_delivery_template
from svexcel.framework.model import Framework, load_framework
from svexcel.tender.return_reader import read_return

HERE = Path(__file__).resolve().parent
OUT = HERE / "delivery-samples"
START = dt.date(2026, 4, 1)
FIRST_PERIOD = len(LEAD_COLUMNS) + 1

# Per contract: the winning return, the contract reference, measures due only from a later period, and how much of
# each period's share of a flow is delivered (1.0 = on profile); levels are reported at their commitment × factor.
CONTRACTS = {
    "hillside": dict(winner="hillside-community-trust", reference="HC-2026-014", starts={"SH2.2": 5}, default=1.04,
                     factors={"CC1.2": 0.97, "WB2.1": 0.75}),
    "riverside": dict(winner="riverside-care-coop", reference="HC-2026-021", starts={"SH1.1": 5}, default=0.93,
                      factors={"EQ2.1": 0.55, "CC2.2": 0.4, "PA1.3": 0.7, "WB1.2": 0.5, "EQ1.2": 0.8, "WB2.1": 0.9}),
    "openfields": dict(winner="openfields-cic", reference="HC-2026-033", starts={}, default=1.0,
                       factors={"WB2.1": 1.6, "CC2.1": 0.92}),
}
RIVERSIDE_ACTIONS = (
    ("EQ2.1", "Four care workers left in the autumn; their replacements started on agency rates.", "Move agency staff onto the "
     "co-operative's Real Living Wage contracts from January.", "Operations manager", dt.date(2027, 3, 31), "In progress"),
    ("CC2.2", "The new food supplier is a national wholesaler.", "Re-tender catering supplies with a local lot for small businesses.",
     "Finance lead", dt.date(2027, 6, 30), "Open"),
    ("WB1.2", "Programme venue closed for repairs.", "Run the wellbeing programme at the library until the venue reopens.",
     "Wellbeing coordinator", dt.date(2027, 1, 31), "Done"),
)


def figure(framework: Framework, ident: str, committed: float, periods: int, factor: float, period: int, starts: int) -> object:
    """One period's figure: a flow's share of the commitment × factor (varying a little by period); a level's commitment × factor."""
    m = framework.measure_by_id[ident]
    if period < starts:
        return None
    if m.kind == "binary":
        return "Yes" if committed else "No"
    if DeliverySettings().accrual(m) == "level":
        return round(committed * factor, 1)
    wobble = (1.0, 1.08, 0.94, 1.02)[(period + len(ident)) % 4]
    value = committed / (periods - starts + 1) * factor * wobble
    return round(value) if value >= 20 else round(value, 1)


def fill(framework: Framework, blank: Path, target: Path, name: str, period: int, restate: dict[str, float] | None = None) -> None:
    """A copy of ``blank`` filled in by the supplier up to ``period``."""
    spec = CONTRACTS[name]
    wb = load_workbook(blank)
    wb[COVER].cell(COVER_FIRST_ROW + COVER_LABELS.index("Reporting period"), 2, period)
    wb[COVER].cell(COVER_FIRST_ROW + COVER_LABELS.index("Attestation"), 2, "Yes")
    ws = wb[DELIVERY]
    periods = sum(1 for c in ws[DELIVERY_HEADER_ROW] if isinstance(c.value, str) and c.value.startswith("P"))
    for row in ws.iter_rows(min_row=DELIVERY_HEADER_ROW + 1):
        ident, committed = row[0].value, row[4].value
        if ident not in framework.measure_by_id or committed in (None, ""):
            continue
        amount = 1.0 if committed == "Yes" else 0.0 if committed == "No" else float(committed)
        factor = spec["factors"].get(ident, spec["default"])  # type: ignore[attr-defined]
        starts = int(row[5].value or 1)
        for p in range(1, period + 1):
            ws.cell(row[0].row, FIRST_PERIOD + p - 1, figure(framework, ident, amount, periods, factor, p, starts))
        if restate and ident in restate:
            ws.cell(row[0].row, FIRST_PERIOD, restate[ident])
            ws.cell(row[0].row, FIRST_PERIOD + periods, "P1 corrected after the fleet fuel audit (was under-reported).")
    if name == "riverside":
        for offset, action in enumerate(RIVERSIDE_ACTIONS, start=1):
            for col, value in enumerate(action, start=1):
                wb[ACTIONS].cell(ACTIONS_HEADER_ROW + offset, col, value)
    wb.save(target)


def main() -> None:
    """Build the delivery samples from the sample winning returns."""
    framework = load_framework(HERE / "ccin-framework.xlsx")
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.xlsx"):
        old.unlink()
    blanks = {}
    for name, spec in CONTRACTS.items():
        ret = read_return(HERE / "samples" / f"{spec['winner']}.xlsx", framework)
        ret.contract_reference = str(spec["reference"])
        terms = terms_from_return(ret, framework, START, 4, starts=spec["starts"])  # type: ignore[arg-type]
        blanks[name] = write_delivery_template(framework, terms, OUT / f".{name}-blank.xlsx")
    fill(framework, blanks["hillside"], OUT / "hillside-delivery.xlsx", "hillside", 4)
    fill(framework, blanks["riverside"], OUT / "riverside-delivery.xlsx", "riverside", 4)
    fill(framework, blanks["openfields"], OUT / "openfields-q2.xlsx", "openfields", 2)
    fill(framework, blanks["openfields"], OUT / "openfields-q3.xlsx", "openfields", 3, restate={"WB2.1": 2.5})
    for blank in blanks.values():
        blank.unlink()
    print(f"Built {len(list(OUT.glob('*.xlsx')))} delivery samples in {OUT}")


if __name__ == "__main__":
    main()
