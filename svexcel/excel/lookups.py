"""Formula pieces for exact lookups: case, spaces and ``~*?`` in a name all matter, as they do to the engine."""

from __future__ import annotations


def exact_match(value: str, name: str) -> str:
    """Position of the first cell of a named range holding exactly ``value`` (case and ``~*?`` matter); #N/A if none."""
    return f"MATCH(TRUE,INDEX(EXACT({name},{value}),0),0)"


def exact_count(name: str, value: str) -> str:
    """How many cells of a named range hold exactly ``value`` (case and wildcards matter)."""
    return f"SUMPRODUCT(--EXACT({name},{value}))"


def wildcard_safe(value: str) -> str:
    """``value`` with MATCH's wildcard characters escaped (``~`` first), for a fast lookup checked with EXACT after."""
    return f"SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({value},\"~\",\"~~\"),\"*\",\"~*\"),\"?\",\"~?\")"


def first_exact(value: str, name: str) -> str:
    """Position of the first cell of a named range holding exactly ``value``, 0 if none.

    A MATCH blind to case finds it fast; only when that finds another cell (a name differing in case) or fails
    (e.g. a name over 255 characters) does the formula scan the range with EXACT.
    """
    match = f"MATCH({wildcard_safe(value)},{name},0)"
    scan = f"IFERROR({exact_match(value, name)},0)"
    return f"IFERROR(IF(EXACT(INDEX({name},{match}),{value}),{match},{scan}),{scan})"


def repeated(value: str, name: str) -> str:
    """TRUE when more than one cell of a named range holds exactly ``value``.

    COUNTIF, blind to case but fast, counts first; only a name it finds twice (or one too long for its criteria) is
    counted again with EXACT.
    """
    exact = f"{exact_count(name, value)}>1"
    return f'IF(LEN({value})>100,{exact},IF(COUNTIF({name},"="&{wildcard_safe(value)})>1,{exact},FALSE))'
