"""``svexcel panel``: one evaluator workbook per evaluator, holding every valid return's narrative to score."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..framework.model import Framework
from ..run.names import name_key, safe_stem
from ..run.outputs import adding
from ..tender.return_reader import Return
from ..tender.returns_folder import read_file, returns_in
from .evaluator import write_evaluator_workbook


class PanelError(Exception):
    """The panel cannot be made as asked (no valid returns, clashing evaluator names, files that would be overwritten)."""


@dataclass
class Panel:
    """What ``make_panel`` wrote: the workbooks, the returns in them, the returns left out with why, and notes."""

    workbooks: list[Path]
    returns: list[Return]
    left_out: dict[str, str]
    notes: list[str] = field(default_factory=list)


def evaluator_names(text: str) -> list[str]:
    """Names from ``"A;B;C"``: trimmed, blanks dropped; clashing names (or file names) are a PanelError."""
    names = [n.strip() for n in text.split(";") if n.strip()]
    if not names:
        raise PanelError("Name at least one evaluator, e.g. --evaluators \"A. Jones;B. Smith;C. Patel\".")
    files: dict[str, str] = {}
    for name in names:
        if not safe_stem(name):
            raise PanelError(f"The evaluator name {name!r} has no letters or digits to name a file with.")
        file = name_key(evaluator_file_name(name))
        if file in files:
            raise PanelError(f"The evaluators {files[file]!r} and {name!r} would share the file {evaluator_file_name(name)}; give them distinct names.")
        files[file] = name
    return names


def evaluator_file_name(evaluator: str) -> str:
    """``<evaluator>.xlsx``, a name every system accepts (svexcel.run.names); the full name is inside the workbook."""
    return safe_stem(evaluator) + ".xlsx"


def make_panel(returns_dir: Path, framework: Framework, evaluators: Sequence[str], out: Path) -> Panel:
    """Read and validate every return, then add ``out/<evaluator>.xlsx`` for each evaluator, made from the valid ones:
    all of them or, if the run fails or is interrupted, none (svexcel.run.outputs)."""
    if out.resolve().is_relative_to(returns_dir.resolve()):
        raise PanelError(f"Choose an --out folder outside the returns folder {returns_dir}: evaluator workbooks in it would be "
                         "read as returns by the next batch, panel or record.")
    names = [evaluator_file_name(name) for name in evaluators]
    existing = [name for name in names if (out / name).exists()]
    if existing:
        raise PanelError(f"{', '.join(existing)} already exist in {out}; an evaluator may have started scoring. "
                         "Choose another --out folder, or move them aside first.")
    inputs = returns_in(returns_dir)
    reads = [read_file(item, framework)[0] for item in inputs.inputs]
    valid = [r for r in reads if not r.rejected]
    left_out = {r.file: next(f.message for f in r.findings if f.severity == "error") for r in reads if r.rejected}
    if not valid:
        raise PanelError(f"No valid return in {returns_dir} to evaluate ({len(reads)} found, all rejected). Run 'svexcel validate' on them.")
    with adding(out) as stage:
        for evaluator, name in zip(evaluators, names, strict=True):
            write_evaluator_workbook(framework, evaluator, valid, stage / name, left_out)
    return Panel([out / name for name in names], valid, left_out, inputs.notes())
