"""Where the shipped framework, samples and Word templates live."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _shipped(folder: str) -> Path:
    """A shipped data folder: inside the installed wheel, or the repository's own folder."""
    try:
        return Path(str(resources.files(f"svexcel.{folder}")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / folder


WORKBOOKS = _shipped("workbooks")
TEMPLATES = _shipped("templates")
DEFAULT_FRAMEWORK = WORKBOOKS / "ccin-framework.xlsx"
SAMPLES = WORKBOOKS / "samples"
SAMPLE_QUALITY = WORKBOOKS / "sample-quality.xlsx"
EVALUATION_TEMPLATE = TEMPLATES / "evaluation-report_tpl.docx"
COMPARISON_TEMPLATE = TEMPLATES / "comparison-report_tpl.docx"
