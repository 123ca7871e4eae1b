"""Reference pages generated from the code, so they cannot drift from it.

Directives:
  ``{svexcel-settings}``          the framework's Settings keys (framework/model.py) and delivery's (delivery/settings.py)
  ``{svexcel-bands}``             the bands and their packages, from pyproject.toml's import-linter contract and docstrings
  ``{svexcel-sheets} KIND``       each sheet of a workbook svexcel writes, with what its first row says (files written now)
  ``{svexcel-record} FILE``       a real record of results.json or delivery.json, as this version writes it
"""

from __future__ import annotations

import ast
import json
import tempfile
import tomllib
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CHARACTERS = 70


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table."""
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"
    return [line(headers), "|" + "---|" * len(headers), *(line(row) for row in rows), ""]


def _literal(value: object) -> str:
    return f"`{value}`" if str(value) != "" else "(blank)"


class _MarkdownDirective(SphinxDirective):
    """A directive that writes MyST Markdown and parses it in place."""

    def markdown(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        return self.parse_text_to_nodes("\n".join(self.markdown()))


class SettingsTable(_MarkdownDirective):
    """The framework's Settings keys with their defaults and notes, then delivery monitoring's."""

    def markdown(self) -> list[str]:
        from svexcel.delivery.engine import DeliverySettings
        from svexcel.delivery.settings import SETTING_NOTES as DELIVERY_NOTES
        from svexcel.framework.model import REQUIRED_SETTINGS, SETTING_NOTES, Settings

        defaults = {f.name: f.default for f in fields(Settings)}
        framework = [[_literal(key), "required" if key in REQUIRED_SETTINGS else _literal(defaults.get(key, "")), note]
                     for key, note in SETTING_NOTES.items()]
        delivery_defaults = {f.name: f.default for f in fields(DeliverySettings)}
        delivery = [[_literal(key), _literal(delivery_defaults[key]), note] for key, note in DELIVERY_NOTES.items()]
        return [*_table(["Key", "Default", "What it does"], framework),
                "Delivery monitoring adds these optional keys (below the framework's own):", "",
                *_table(["Key", "Default", "What it does"], delivery)]


class Bands(_MarkdownDirective):
    """The import-linter layers, top first, each with its packages' docstrings and modules."""

    def markdown(self) -> list[str]:
        config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
        layers = next(c for c in config if c["type"] == "layers")["layers"]
        lines: list[str] = []
        for number, layer in enumerate(layers, 1):
            packages = [p.strip() for p in layer.split("|")]
            names = " or ".join(f"`{p}`" for p in packages)
            lines += [f"**Band {number}**: {names}", ""]
            for package in packages:
                folder = ROOT / package.replace(".", "/")
                lines.append(f"* `{package}` — {_docstring(folder / '__init__.py')}")
                for module in sorted(folder.rglob("*.py")):
                    if module.name != "__init__.py" and "__pycache__" not in module.parts:
                        name = module.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
                        lines.append(f"  * `{name}`: {_docstring(module)}")
                lines.append("")
        contracts = [c["name"] for c in config]
        return [*lines, "The contracts `lint-imports` checks (`pyproject.toml`, `[tool.importlinter]`):", "",
                *(f"* {name}" for name in contracts)]


def _docstring(path: Path) -> str:
    """The first paragraph of a module's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return " ".join(doc.split("\n\n", 1)[0].split()).replace("*", r"\*")


@cache
def _written() -> Path:
    """Every output svexcel writes, written once per build into a temporary folder: the demo and the templates."""
    from click.testing import CliRunner

    from svexcel.cli.main import main
    from svexcel.core.paths import SAMPLES

    out = Path(tempfile.mkdtemp(prefix="svexcel-docs-"))
    for args in (["demo", "--out", str(out / "demo")], ["template", "-o", str(out / "return.xlsx")],
                 ["delivery", "template", str(SAMPLES / "riverside-care-coop.xlsx"), "--start", "2026-04-01", "-o", str(out / "delivery.xlsx")]):
        result = CliRunner().invoke(main, args)
        if result.exit_code != 0:
            raise RuntimeError(f"svexcel {args[0]} failed while building the docs: {result.output}")
    return out


SHEETS = {
    "return": "return.xlsx", "delivery": "delivery.xlsx", "summary": "demo/summary.xlsx", "live": "demo/live.xlsm",
    "evaluator": "demo/panel/A. Jones.xlsx", "moderation": "demo/moderation.xlsx", "monitor": "demo/monitor.xlsm",
    "delivery-summary": "demo/delivery/delivery-summary.xlsx", "framework": None,
}


class Sheets(_MarkdownDirective):
    """Each sheet of one kind of workbook, in order, hidden ones marked, with its first row's text."""

    required_arguments = 1

    def markdown(self) -> list[str]:
        from openpyxl import load_workbook

        from svexcel.core.paths import DEFAULT_FRAMEWORK

        relative = SHEETS[self.arguments[0]]
        path = DEFAULT_FRAMEWORK if relative is None else _written() / relative
        book = load_workbook(path, read_only=True, keep_vba=False)
        rows = []
        for sheet in book.worksheets:
            first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
            text = " | ".join(str(v) for v in first if v not in (None, ""))
            shown = text if len(text) <= EXAMPLE_CHARACTERS else text[:EXAMPLE_CHARACTERS] + " …"
            rows.append([f"`{sheet.title}`", "no" if sheet.sheet_state != "visible" else "", _escaped(shown) or "(blank)"])
        book.close()
        return _table(["Sheet", "Shown", "Row 1 (as written by this version)"], [[r[0], r[1] or "yes", r[2]] for r in rows])


class Record(_MarkdownDirective):
    """One record of results.json (a scored return) or delivery.json (a monitored contract), shortened."""

    required_arguments = 1

    def markdown(self) -> list[str]:
        kind = self.arguments[0]
        if kind == "results.json":
            records = json.loads((_written() / "demo" / "results.json").read_text())["returns"]
        else:
            records = json.loads((_written() / "demo" / "delivery" / "delivery.json").read_text())["contracts"]
        record = _shortened(next(r for r in records if r["status"] == "scored"))
        text = json.dumps(record, indent=2, ensure_ascii=False)
        return ["```json", text, "```"]


def _escaped(text: str) -> str:
    """Text from a workbook, shown literally in Markdown."""
    return "".join(f"\\{c}" if c in "\\`*_[]<>#" else c for c in text)


def _shortened(value: Any) -> Any:
    """A record with each mapping of measures or themes cut to its first two entries, and each list to two items."""
    if isinstance(value, dict):
        items = list(value.items())
        keep = items if len(items) <= 6 or not all(isinstance(v, dict) for _, v in items) else items[:2] + [("…", "…")]
        return {k: _shortened(v) for k, v in keep}
    if isinstance(value, list):
        return [_shortened(v) for v in value[:2]] + (["…"] if len(value) > 2 else [])
    return value


def _literal_stars(app: Sphinx, ctx: object, lines: list[str]) -> None:
    """A command's help as sphinx-click writes it in reStructuredText: a shell pattern such as returns/*.xlsx stays literal."""
    lines[:] = [line.replace("*", r"\*") for line in lines]


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("sphinx-click-process-description", _literal_stars)
    for name, directive in (("svexcel-settings", SettingsTable), ("svexcel-bands", Bands),
                            ("svexcel-sheets", Sheets), ("svexcel-record", Record)):
        app.add_directive(name, directive)
    return {"parallel_read_safe": False, "version": "1"}
