"""Where the shipped framework, samples and Word templates live."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # the svexcel package


def _shipped(folder: str) -> Path:
    """A shipped data folder: inside the installed package (a wheel), or the repository's own (a checkout)."""
    inside = HERE / folder
    return inside if inside.is_dir() else HERE.parent / folder


WORKBOOKS = _shipped("workbooks")
TEMPLATES = _shipped("templates")
DEFAULT_FRAMEWORK = WORKBOOKS / "ccin-framework.xlsx"
SAMPLES = WORKBOOKS / "samples"
SAMPLE_QUALITY = WORKBOOKS / "sample-quality.xlsx"
SAMPLE_PANEL = WORKBOOKS / "panel"
SAMPLE_MODERATION = WORKBOOKS / "sample-moderation.xlsx"
SAMPLE_OTHER_CRITERIA = WORKBOOKS / "sample-other-criteria.xlsx"
DELIVERY_SAMPLES = WORKBOOKS / "delivery-samples"
DELIVERY_VERIFICATION = WORKBOOKS / "delivery-verification.xlsx"  # a verification round on the delivery samples
DELIVERY_TEMPLATE = TEMPLATES / "delivery-report_tpl.docx"
PORTFOLIO_TEMPLATE = TEMPLATES / "portfolio-report_tpl.docx"
EVALUATION_TEMPLATE = TEMPLATES / "evaluation-report_tpl.docx"
COMPARISON_TEMPLATE = TEMPLATES / "comparison-report_tpl.docx"
ASSESSMENT_TEMPLATE = TEMPLATES / "assessment-summary_tpl.docx"
