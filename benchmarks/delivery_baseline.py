"""The plain baseline the delivery batch is measured against: pandas.read_excel, a fresh DocxTemplate render and one
matplotlib chart per contract, producing the same delivery report as ``svexcel delivery batch``.

    python benchmarks/delivery_baseline.py DELIVERIES_DIR OUT_DIR
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402

from svexcel.core.paths import DEFAULT_FRAMEWORK, DELIVERY_TEMPLATE  # noqa: E402
from svexcel.delivery.engine import Commitment, monitor  # noqa: E402
from svexcel.delivery.reader import Action, DeliveryReturn  # noqa: E402
from svexcel.delivery.report import DeliveryFacts, DeliveryResult, delivery_context  # noqa: E402
from svexcel.delivery.settings import load_delivery_settings  # noqa: E402
from svexcel.framework.model import load_framework  # noqa: E402


def value(cell: object) -> float | None:
    """A figure as pandas gives it: NaN blank, Yes/No, numbers."""
    if cell is None or (isinstance(cell, float) and cell != cell):
        return None
    if isinstance(cell, str):
        return 1.0 if cell.strip().lower() == "yes" else 0.0 if cell.strip().lower() == "no" else float(cell.replace(",", ""))
    return float(cell)  # type: ignore[arg-type]


def read(path: Path, known: set[str]) -> DeliveryReturn:
    """Read one delivery workbook with pandas."""
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    cover = {str(k): v for k, v in zip(sheets["Cover"][0], sheets["Cover"][1], strict=False)}
    delivery = sheets["Delivery"]
    header = list(delivery.iloc[3])
    periods = [i for i, h in enumerate(header) if isinstance(h, str) and h.startswith("P") and h[1:2].isdigit()]
    commitments, actuals = {}, {}
    for row in delivery.iloc[4:].itertuples(index=False):
        if row[0] in known and value(row[4]) is not None:
            commitments[row[0]] = Commitment(value(row[4]), int(value(row[5]) or 1))
            actuals[row[0]] = [value(row[i]) for i in periods]
    actions = [Action(*(str(x) if x == x else "" for x in r[:6])) for r in sheets["Actions"].iloc[4:].itertuples(index=False) if r[0] == r[0]]
    return DeliveryReturn(path.name, str(cover["Supplier"]), str(cover["Contract reference"]), value(cover["Contract value (GBP)"]),
                          str(cover["Contract start"]), value(cover["Contract years"]), int(cover["Periods per year"]), len(periods),
                          int(cover["Reporting period"]), cover["Attestation"] == "Yes", "", commitments, actuals, actions=actions)


def main(folder: Path, out: Path) -> None:
    """Monitor the folder, then render one report per contract the plain way."""
    framework = load_framework(DEFAULT_FRAMEWORK)
    settings, _ = load_delivery_settings(DEFAULT_FRAMEWORK)
    facts = DeliveryFacts(framework, settings)
    out.mkdir(parents=True, exist_ok=True)
    known = set(framework.measure_by_id)
    for path in sorted(folder.glob("*.xlsx")):
        r = read(path, known)
        result = DeliveryResult(r, monitor(framework, settings, r.commitments, r.actuals, r.period, r.periods))
        figures = result.figures
        figure, axes = plt.subplots(figsize=(6.7, 3))
        axes.plot(range(1, figures.periods + 1), figures.benefit_expected_by_period, "o--", mfc="white", label="Expected")  # type: ignore[union-attr]
        axes.plot(range(1, figures.period + 1), figures.benefit_delivered_by_period, "s-", label="Delivered")  # type: ignore[union-attr]
        axes.legend()
        chart = io.BytesIO()
        figure.savefig(chart, format="png", dpi=100)
        plt.close(figure)
        chart.seek(0)
        template = DocxTemplate(DELIVERY_TEMPLATE)
        template.render(delivery_context(facts, result, "2026-11-28"), autoescape=True)
        template.replace_pic("Delivery against the profile chart", chart)
        template.save(out / f"{r.contract_reference}.docx")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
