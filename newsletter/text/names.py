"""Names compared loosely: 'Kahoot!' is 'kahoot', and 'Canva' may be 'Canva for
Education'."""

from __future__ import annotations

import difflib
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")  # letters and digits


def squash(name: str) -> str:
    """'Kahoot!' and 'kahoot' alike: letters and digits only, lower-case, no accents."""
    return "".join(_words(name))


def _words(name: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKD", name).casefold())


def alike_names(one: str, other: str) -> bool:
    """Names that may be of the same tool: the same letters ('Book Creator',
    'BookCreator'), one the start of the other ('Canva', 'Canva for Education'), or
    a letter or two apart ('Kahot', 'Kahoot')."""
    a, b = squash(one), squash(other)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((_words(one), _words(other)), key=len)
    if short and long[: len(short)] == short:
        return True
    return min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= 0.85
