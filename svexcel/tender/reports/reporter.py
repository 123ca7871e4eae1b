"""The Reporter: Word reports from results, with both templates prepared and checked once."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ...core import paths
from ...core.findings import Finding
from ...framework.model import Framework
from ...word.accessibility import template_findings
from ...word.docx_template import PreparedTemplate, template_environment
from ..results import Competition, ReturnResult
from .assessment import AwardView, assessment_context
from .charts import comparison_chart, theme_scores_chart
from .context import FrameworkFacts, comparison_chart_rows, comparison_context, evaluation_context, theme_bars
from .examples import example_award, example_results

EVALUATION_CHART = "chart_alt"
COMPARISON_CHART = "comparison_chart_alt"


class Reporter:
    """Renders evaluation and comparison reports (.docx bytes) for one framework."""

    def __init__(self, framework: Framework, evaluation_template: Path | None = None,
                 comparison_template: Path | None = None, assessment_template: Path | None = None,
                 assessment: bool = False) -> None:
        self.framework = framework
        self._facts = FrameworkFacts(framework)
        env = template_environment()
        self._evaluation = PreparedTemplate(Path(evaluation_template or paths.EVALUATION_TEMPLATE), env, [EVALUATION_CHART])
        self._comparison = PreparedTemplate(Path(comparison_template or paths.COMPARISON_TEMPLATE), env, [COMPARISON_CHART])
        results, competition = example_results(framework)
        self._evaluation.check(evaluation_context(self._facts, results[0], competition))
        self._comparison.check(comparison_context(self._facts, results, competition))
        self._assessment: PreparedTemplate | None = None
        if assessment or assessment_template is not None:
            self._assessment = PreparedTemplate(Path(assessment_template or paths.ASSESSMENT_TEMPLATE), env)
            self._assessment.check(assessment_context(self._facts, *example_award(framework), competition.date)[0])
        self.accessibility: list[Finding] = []  # an officer's own templates, filled in with the examples, checked (SPEC §10)
        if evaluation_template is not None:
            self.accessibility += template_findings(evaluation_template, self.evaluation(results[0], competition))
        if comparison_template is not None:
            self.accessibility += template_findings(comparison_template, self.comparison(results, competition))
        if assessment_template is not None:
            summary = self.assessment_summary(*example_award(framework), competition.date)[0]
            self.accessibility += template_findings(assessment_template, summary) if summary is not None else []

    def evaluation(self, result: ReturnResult, competition: Competition) -> bytes:
        """The evaluation report of one scored return, as .docx bytes."""
        context = evaluation_context(self._facts, result, competition)
        images = {}
        slot = self._evaluation.charts.get(EVALUATION_CHART)
        if slot is not None:
            images[EVALUATION_CHART] = theme_scores_chart(theme_bars(self.framework, result, competition), slot.canvas)
        return self._evaluation.render(context, images)

    def comparison(self, results: Sequence[ReturnResult], competition: Competition) -> bytes:
        """The comparison report of all returns (scored and rejected), as .docx bytes."""
        context = comparison_context(self._facts, results, competition)
        images = {}
        slot = self._comparison.charts.get(COMPARISON_CHART)
        if slot is not None:
            rows = comparison_chart_rows(self.framework, results)
            images[COMPARISON_CHART] = comparison_chart([t.name for t in self.framework.themes], rows, slot.canvas)
        return self._comparison.render(context, images)

    def assessment_summary(self, result: ReturnResult, view: AwardView, date: str) -> tuple[bytes | None, list[str]]:
        """A scored return's assessment summary as .docx bytes, or None and the reg. 31 elements it lacks."""
        if self._assessment is None:
            raise ValueError("This Reporter was made without the assessment summary template (assessment=True).")
        context, missing = assessment_context(self._facts, result, view, date)
        return (None, missing) if missing else (self._assessment.render(context, {}), [])
