"""Is a rationale thin? Too short, or mostly the words of the scale's descriptor (Woods v Milton Keynes, 2015)."""

from __future__ import annotations

import re

MIN_WORDS = 12
DESCRIPTOR_SHARE = 0.5  # more than this share of a rationale's meaningful words taken from the descriptor is "mostly"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Words that carry no judgement of the response; left out when comparing a rationale with a descriptor.
STOP_WORDS = frozenset("""
a about all also an and any are as at be been but by can could does for from has have how i in into is it its
more most much no not of on or our so some such than that the their them then there these they this those to
very was we were what when which while who will with would
""".split())


def words(text: str) -> list[str]:
    """The words of ``text``, lower case."""
    return [w.casefold() for w in _WORD.findall(text)]


def _stem(word: str) -> str:
    """A crude stem so that 'plans' matches 'plan' and 'evidenced' matches 'evidence'."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def thin_reason(rationale: str, descriptor: str) -> str | None:
    """Why ``rationale`` is thin (fewer than 12 words, or mostly the descriptor's words), or None when it is not."""
    said = words(rationale)
    if len(said) < MIN_WORDS:
        return f"it has {len(said)} word{'s' if len(said) != 1 else ''}, fewer than {MIN_WORDS}"
    meaningful = [_stem(w) for w in said if w not in STOP_WORDS]
    borrowed = {_stem(w) for w in words(descriptor)} - {_stem(w) for w in STOP_WORDS}
    if meaningful and borrowed:
        share = sum(w in borrowed for w in meaningful) / len(meaningful)
        if share > DESCRIPTOR_SHARE:
            return f"{share:.0%} of its words are the scale descriptor's"
    return None
