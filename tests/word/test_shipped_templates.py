"""The shipped Word templates are what their build scripts make, so a fix to a script (an accessibility rule, a
schema) is never left out of the templates svexcel fills in."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from project import ROOT

sys.path.insert(0, str(ROOT / "templates"))
import build_delivery_templates  # noqa: E402
import build_templates  # noqa: E402

BUILDERS = {
    "evaluation-report_tpl.docx": build_templates.evaluation,
    "comparison-report_tpl.docx": build_templates.comparison,
    "assessment-summary_tpl.docx": build_templates.assessment_summary,
    "delivery-report_tpl.docx": build_delivery_templates.delivery,
    "portfolio-report_tpl.docx": build_delivery_templates.portfolio,
}


@pytest.mark.parametrize("name", BUILDERS)
def test_shipped_template_is_what_its_script_builds(name: str, tmp_path: Path) -> None:
    build_templates.save_reproducibly(BUILDERS[name](), tmp_path / name)
    with zipfile.ZipFile(ROOT / "templates" / name) as shipped, zipfile.ZipFile(tmp_path / name) as built:
        assert shipped.namelist() == built.namelist()
        for part in shipped.namelist():
            if not part.startswith("word/media/"):  # the example chart's pixels follow the installed Pillow and fonts
                assert shipped.read(part) == built.read(part), f"{name}:{part} differs: run python templates/{BUILDERS[name].__module__}.py"
