"""The finding catalogue: every type the code can emit is in it (with a severity and one line of advice), nothing in it
is dead, and docs/findings.md is its table as generated.

The code is scanned, not run: a type is what a finding is made with (``Finding(type, …)``, ``finding(type, …)``,
``<…findings…>.add(type, …)``). A type that is not written there as a literal is followed to where it comes from: a
parameter to the literals its callers pass, a loop variable to the literal it loops over, and the few sources below
that hold types as data (the reader's exceptions, the number reader's problems, the live workbooks' checks).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from functools import cache

import pytest
from project import ROOT

from svexcel.core.catalogue import CATALOGUE, catalogue_markdown
from svexcel.core.findings import SEVERITIES, Findings, finding
from svexcel.tender.return_layout import SUPPLIER_LABELS

DOC = ROOT / "docs" / "findings.md"
TYPE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
Site = tuple[str, int, str]  # file, line, the type expression


@cache
def modules() -> dict[str, ast.Module]:
    """Every module of the package and the UDF modules, parsed, by path relative to the repository."""
    paths = [*sorted((ROOT / "svexcel").rglob("*.py")), *sorted((ROOT / "udfs").glob("*.py"))]
    return {path.relative_to(ROOT).as_posix(): ast.parse(path.read_text(encoding="utf-8")) for path in paths}


def types_in(node: ast.AST) -> set[str]:
    """The string literals in ``node`` that could be finding types (severities are not, nor what a condition compares)."""
    if isinstance(node, ast.Compare):
        return set()
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) and TYPE.match(node.value) and node.value not in SEVERITIES else set()
    return set().union(*(types_in(child) for child in ast.iter_child_nodes(node)))


def calls() -> Iterator[tuple[str, ast.FunctionDef | None, ast.Call]]:
    """Every call in the scanned code, with its file and the function it is in."""
    def walk(path: str, node: ast.AST, function: ast.FunctionDef | None) -> Iterator[tuple[str, ast.FunctionDef | None, ast.Call]]:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call):
                yield path, function, child
            yield from walk(path, child, inner)  # type: ignore[arg-type]
    for path, tree in modules().items():
        yield from walk(path, tree, None)


def name_of(call: ast.Call) -> str:
    """The called function's own name (``f`` of ``x.f(…)``)."""
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def argument(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    """A call's argument by position or keyword."""
    if index < len(call.args):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def emitted_at(call: ast.Call) -> ast.expr | None:
    """The type expression of a call that makes a finding, or None for any other call."""
    if name_of(call) in ("Finding", "finding"):
        return argument(call, 0, "type")
    if name_of(call) == "add" and isinstance(call.func, ast.Attribute) and "findings" in ast.unparse(call.func.value).casefold():
        return argument(call, 0, "type")
    return None


def literals_passed(function: str, index: int, keyword: str) -> set[str]:
    """The literal types passed to ``function`` (by position or keyword) anywhere."""
    found: set[str] = set()
    for _, _, call in calls():
        if name_of(call) == function and (arg := argument(call, index, keyword)) is not None:
            found |= types_in(arg)
    return found


def function_def(path: str, name: str) -> ast.FunctionDef:
    """A function of a module, by name."""
    return next(n for n in ast.walk(modules()[path]) if isinstance(n, ast.FunctionDef) and n.name == name)


def returned_by(path: str, name: str) -> set[str]:
    """The literal types a module's function returns (first items of returned tuples included)."""
    body = function_def(path, name)
    return set().union(*(types_in(n.value) for n in ast.walk(body) if isinstance(n, ast.Return) and n.value is not None))


def dict_keys(path: str, name: str) -> set[str]:
    """The keys of a module-level dict literal."""
    tree = modules()[path]
    node = next(n.value for n in tree.body if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in n.targets))
    assert isinstance(node, ast.Dict)
    return {k.value for k in node.keys if isinstance(k, ast.Constant)}


def constant(path: str, name: str) -> set[str]:
    """The literal types of a module-level constant."""
    tree = modules()[path]
    return set().union(*(types_in(n.value) for n in tree.body if isinstance(n, ast.Assign)
                         and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)))


def cell_number_types() -> set[str]:
    """The problem and note types ``cell_number`` gives (what the number reader says about a cell)."""
    return types_in(function_def("svexcel/core/numbers.py", "cell_number"))


# Type expressions that are data from elsewhere: (file or "*", expression) -> where their types come from.
DYNAMIC: dict[tuple[str, str], Callable[[], set[str]]] = {
    ("*", "exc.type"): lambda: literals_passed("UnreadableWorkbook", 0, "type"),
    ("*", "read.problem"): cell_number_types,
    ("*", "read.note"): cell_number_types,
    ("svexcel/tender/return_reader.py", "type"): lambda: (literals_passed("number", 5, "negative")
                                                                 | constant("svexcel/tender/return_reader.py", "HARMS")),
    ("svexcel/tender/return_reader.py", "kind"): lambda: {"no-" + label.lower().replace(" ", "-") for label in SUPPLIER_LABELS},
    ("svexcel/delivery/live/inputs.py", "problem"): lambda: returned_by("svexcel/delivery/live/inputs.py", "_problem"),
    ("svexcel/word/accessibility.py", "self.rule"): lambda: constant("svexcel/word/accessibility.py", "RULES"),
    ("svexcel/tender/quality.py", "problem[0]"): lambda: returned_by("svexcel/tender/quality.py", "mark_problem"),
    ("svexcel/tender/live/inputs.py", "problem[0]"): lambda: returned_by("svexcel/tender/quality.py", "mark_problem"),
    ("*", "row_problem"): lambda: (constant("svexcel/excel/rows.py", "INSERTED") | constant("svexcel/tender/live/checks.py", "ROW_TYPES")
                                   | constant("svexcel/delivery/live/checks.py", "ROW_TYPES")),
    ("svexcel/run/inputs.py", "problem[0]"): lambda: (returned_by("svexcel/run/inputs.py", "_problem")
                                                      | constant("svexcel/run/inputs.py", "_BAD_NAME")
                                                      | literals_passed("Kind", 2, "not_one")),
}
# The live workbooks' Checks sheets list problems by finding type, the same types their engines report.
CHECKS = (("svexcel/tender/live/checks.py", "CHECK_ADVICE"), ("svexcel/delivery/live/checks.py", "ADVICE"))


def resolve(expr: ast.expr, function: ast.FunctionDef | None, depth: int = 0) -> set[str] | None:
    """The types an expression can hold, when the code says so plainly; None when it does not."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        sides = [resolve(expr.body, function, depth), resolve(expr.orelse, function, depth)]
        return None if None in sides else sides[0] | sides[1]  # type: ignore[operator]
    if not isinstance(expr, ast.Name) or function is None or depth > 3:
        return None
    params = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if expr.id in params:
        index = params.index(expr.id) - (1 if params and params[0] == "self" else 0)
        found: set[str] = set()
        for _, caller, call in calls():
            if name_of(call) == function.name and (arg := argument(call, index, expr.id)) is not None:
                types = resolve(arg, caller, depth + 1)
                if types is None:
                    return None
                found |= types
        return found or None
    for loop in (n for n in ast.walk(function) if isinstance(n, ast.For)):
        if any(isinstance(t, ast.Name) and t.id == expr.id for t in ast.walk(loop.target)):
            return types_in(loop.iter) or None
    return None


def scan() -> tuple[set[str], list[Site]]:
    """Every type the code can emit, and the sites whose type the scan cannot follow."""
    emitted: set[str] = set()
    unknown: list[Site] = []
    for path, function, call in calls():
        expr = emitted_at(call)
        if expr is None or path == "svexcel/core/findings.py":  # where findings are made, from their callers' types
            continue
        types = resolve(expr, function)
        source = DYNAMIC.get((path, ast.unparse(expr))) or DYNAMIC.get(("*", ast.unparse(expr)))
        if types is None and source is not None:
            types = source()
        if types is None:
            unknown.append((path, call.lineno, ast.unparse(expr)))
        else:
            emitted |= types
    for path, name in CHECKS:
        emitted |= dict_keys(path, name)
    return emitted, unknown


def test_the_scan_can_follow_every_finding_type() -> None:
    _, unknown = scan()
    assert unknown == [], ("These findings' types come from data the scan cannot follow: write the type as a literal, "
                           "or say where such types come from in DYNAMIC (tests/core/test_catalogue.py).")


def test_every_type_the_code_emits_is_in_the_catalogue() -> None:
    emitted, _ = scan()
    assert sorted(emitted - CATALOGUE.keys()) == [], "Add these finding types to svexcel/core/catalogue.py, with a severity and advice."


def test_nothing_in_the_catalogue_is_dead() -> None:
    emitted, _ = scan()
    assert sorted(CATALOGUE.keys() - emitted) == [], "No code emits these catalogue entries: remove them."


def test_the_scan_finds_what_it_should() -> None:
    # the scan's rules, each seen on a type it must reach: a literal, a parameter, a loop, each dynamic source
    emitted, _ = scan()
    assert {"unanswered", "sv-ratio-high", "return-not-scored", "file-corrupt", "stored-as-date", "number-as-text",
            "negative-contract-years", "no-unique-identifier", "not-yes-no", "broken-link", "not-xlsx", "returns-changed"} <= emitted


@pytest.mark.parametrize("type", sorted(CATALOGUE))
def test_each_entry_has_a_severity_and_one_line_of_advice(type: str) -> None:
    entry = CATALOGUE[type]
    assert TYPE.match(type) and entry.severity in SEVERITIES
    assert entry.advice.strip() == entry.advice and entry.advice.endswith(".") and "\n" not in entry.advice
    assert 20 <= len(entry.advice) <= 240


def test_a_finding_takes_its_severity_from_the_catalogue_unless_given() -> None:
    findings = Findings("acme.xlsx", "Commitments")
    findings.add("unanswered", "Measure EQ1 is not answered.", "F14")
    findings.on("Cover").add("unanswered", "Contract years is blank.", "B7", severity="info")
    assert [(f.where, f.type, f.severity) for f in findings] == [
        ("acme.xlsx!Commitments!F14", "unanswered", CATALOGUE["unanswered"].severity), ("acme.xlsx!Cover!B7", "unanswered", "info")]
    with pytest.raises(KeyError, match="catalogue"):
        finding("no-such-finding", "Never made.")


def test_docs_findings_md_is_the_catalogue_as_generated() -> None:
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/findings.md is stale: regenerate it with `python -m svexcel.core.catalogue > docs/findings.md`.")


def test_the_table_has_a_row_per_type_and_escapes_pipes() -> None:
    table = catalogue_markdown()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == sorted(CATALOGUE)
    assert all(row.count(" | ") == 2 for row in rows)


if __name__ == "__main__":  # list what the scan finds, for writing catalogue entries
    types, sites = scan()
    print("\n".join(sorted(types)), *sites, sep="\n")
