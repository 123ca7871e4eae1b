"""The plain baseline the batch is measured against: pandas.read_excel, a fresh DocxTemplate render and one
matplotlib chart per return, producing the same evaluation report as ``svexcel batch``.

    python benchmarks/baseline.py RETURNS_DIR OUT_DIR
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

from svexcel.core.paths import DEFAULT_FRAMEWORK, EVALUATION_TEMPLATE  # noqa: E402
from svexcel.framework.model import load_framework  # noqa: E402
from svexcel.tender.reports.context import FrameworkFacts, evaluation_context  # noqa: E402
from svexcel.tender.results import Competition, ReturnResult  # noqa: E402
from svexcel.tender.return_reader import Return  # noqa: E402
from svexcel.tender.scoring import assess, compete  # noqa: E402


def number(value: object) -> float | None:
    """A quantity as pandas gives it: NaN blank, Yes/No, numbers possibly typed as text."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("yes", "no"):
            return 1.0 if text == "yes" else 0.0
        return float(text.replace(",", "").replace("£", ""))
    return float(value)


def read(path: Path) -> Return:
    """Read one return with pandas."""
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    cover = {str(k): v for k, v in zip(sheets["Cover"][0], sheets["Cover"][1], strict=False)}
    commitments = sheets["Commitments"].iloc[4:]
    rows = [r for r in commitments.itertuples(index=False) if isinstance(r[0], str) and " " not in r[0]]
    narrative = sheets["Narrative"].iloc[3:]
    return Return(
        path.name, organisation=str(cover.get("Organisation", "")), contract_value=number(cover.get("Contract value (GBP)")),
        quantities={r[0]: number(r[5]) for r in rows}, evidence={r[0]: "" if pd.isna(r[6]) else str(r[6]) for r in rows},
        narrative={r[0]: "" if pd.isna(r[2]) else str(r[2]) for r in narrative.itertuples(index=False)},
    )


def main(returns: Path, out: Path) -> None:
    """Score the folder, then render one report per return the plain way."""
    framework = load_framework(DEFAULT_FRAMEWORK)
    reads = [read(p) for p in sorted(returns.glob("*.xlsx"))]
    results = [ReturnResult(r) for r in reads]
    scores = compete(framework, [assess(framework, r.quantities, r.contract_value) for r in reads])
    for result, score in zip(results, scores, strict=False):
        result.score = score
    competition = Competition.of(framework, results, "2026-11-28")
    facts = FrameworkFacts(framework)
    out.mkdir(parents=True, exist_ok=True)
    for result in results:
        figure, axes = plt.subplots(figsize=(6, 3))
        names = [t.name for t in framework.themes]
        axes.barh(names, [result.score.themes[t.id].score for t in framework.themes], label="This return")
        axes.barh(names, [competition.best_theme_scores[t.id] for t in framework.themes], fill=False, hatch="//", label="Best offer")
        axes.legend()
        chart = io.BytesIO()
        figure.savefig(chart, format="png", dpi=100)
        plt.close(figure)
        chart.seek(0)
        template = DocxTemplate(EVALUATION_TEMPLATE)
        template.render(evaluation_context(facts, result, competition), autoescape=True)
        template.replace_pic("Theme scores chart", chart)
        template.save(out / f"{Path(result.file).stem}.docx")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
