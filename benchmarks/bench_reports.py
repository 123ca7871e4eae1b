"""Time Word reports: the prepared Reporter against a naive docxtpl loop (a fresh template and a matplotlib chart per report).

Run from the repository root:  python benchmarks/bench_reports.py [--returns 500] [--naive 30]
Needs the ``bench`` extra (matplotlib) for the naive baseline; prints milliseconds per report.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import time
from typing import Callable

from svexcel.core import paths
from svexcel.framework.model import Framework, load_framework
from svexcel.panel.marks import read_quality
from svexcel.tender.reports.context import FrameworkFacts, evaluation_context, theme_bars
from svexcel.tender.reports.reporter import Reporter
from svexcel.tender.results import Competition, ReturnResult
from svexcel.tender.return_reader import Return, read_return
from svexcel.tender.scoring import assess, compete


def field_of(framework: Framework, count: int) -> tuple[list[ReturnResult], Competition]:
    """``count`` returns made from the samples with varied quantities, scored against each other."""
    marks, _ = read_quality(paths.SAMPLE_QUALITY, framework)
    samples = [read_return(p, framework) for p in sorted(paths.SAMPLES.glob("*.xlsx"))]
    returns: list[Return] = []
    for i in range(count):
        base = samples[i % len(samples)]
        factor = 0.5 + (i * 37 % 100) / 100
        quantities = {k: None if v is None else v * factor for k, v in base.quantities.items()}
        returns.append(dataclasses.replace(base, file=f"return-{i:04d}.xlsx", organisation=f"{base.organisation} {i}", quantities=quantities))
    assessments = [assess(framework, r.quantities, r.contract_value) for r in returns]
    quality = [marks.get(samples[i % len(samples)].file, {}) for i in range(count)]
    results = [ReturnResult(r, s) for r, s in zip(returns, compete(framework, assessments, quality), strict=False)]
    return results, Competition.of(framework, results, "2026-11-28", paths.SAMPLE_QUALITY.name)


def per_call(action: Callable[[], object], repeat: int) -> float:
    """Milliseconds per call, best of three runs of ``repeat`` calls."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(repeat):
            action()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best * 1000


def naive_evaluation(framework: Framework, result: ReturnResult, competition: Competition) -> bytes:
    """What a first version would do: load the template, draw with matplotlib, render, save."""
    import matplotlib
    matplotlib.use("Agg")
    from docxtpl import DocxTemplate
    from matplotlib import pyplot as plt

    template = DocxTemplate(paths.EVALUATION_TEMPLATE)
    bars = theme_bars(framework, result, competition)
    figure, axes = plt.subplots(figsize=(6.7, 3.15), dpi=150)
    positions = range(len(bars))
    axes.barh([p + 0.2 for p in positions], [b.score for b in bars], height=0.4, label="This return")
    axes.barh([p - 0.2 for p in positions], [b.best for b in bars], height=0.4, fill=False, hatch="///", label="Best offer")
    axes.set_yticks(list(positions), [b.label for b in bars])
    axes.legend()
    chart = io.BytesIO()
    figure.savefig(chart, format="png")
    plt.close(figure)
    chart.seek(0)
    template.render(evaluation_context(FrameworkFacts(framework), result, competition), autoescape=True)
    template.replace_pic("Theme scores chart", chart)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--returns", type=int, default=500, help="returns in the large comparison")
    parser.add_argument("--naive", type=int, default=20, help="naive reports to time (0 to skip)")
    args = parser.parse_args()
    framework = load_framework(paths.DEFAULT_FRAMEWORK)
    start = time.perf_counter()
    reporter = Reporter(framework)
    print(f"Reporter() prepares and checks both templates: {(time.perf_counter() - start) * 1000:.0f} ms")
    six, six_competition = field_of(framework, 6)
    many, many_competition = field_of(framework, args.returns)
    fast = per_call(lambda: [reporter.evaluation(r, six_competition) for r in six], 20) / len(six)
    print(f"evaluation report, prepared template with chart: {fast:.2f} ms")
    if args.naive:
        naive = per_call(lambda: naive_evaluation(framework, six[0], six_competition), max(1, args.naive // 3))
        print(f"evaluation report, naive docxtpl + matplotlib:  {naive:.2f} ms  ({naive / fast:.1f}x slower)")
    print(f"comparison report, 6 returns:   {per_call(lambda: reporter.comparison(six, six_competition), 20):.1f} ms")
    print(f"comparison report, {args.returns} returns: {per_call(lambda: reporter.comparison(many, many_competition), 3):.1f} ms")


if __name__ == "__main__":
    main()
