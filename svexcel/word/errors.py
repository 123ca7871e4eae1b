"""The exception raised when a Word template cannot be used."""

from __future__ import annotations

from pathlib import Path


class ReportTemplateError(Exception):
    """A Word template uses variables svexcel does not provide."""

    def __init__(self, template: Path, missing: list[str], problem: str | None = None) -> None:
        self.template = Path(template)
        self.missing = list(missing)
        if problem is None:
            names = ", ".join(self.missing)
            problem = (f"uses variables svexcel does not provide: {names}. Correct their spelling or remove them; "
                       "docs/template-variables.md lists the variables available.")
        super().__init__(f"The Word template {self.template.name} {problem}")
