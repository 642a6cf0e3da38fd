"""Plain text made fit to show: without control characters (text from outside),
cut short on a word, and counted ('3 tools')."""

from __future__ import annotations

import re


def shorten(text: str, length: int) -> str:
    """Cut to at most `length` characters on a word boundary, with an ellipsis."""
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


# C0 and C1 control characters (ESC, BEL, NUL, DEL...) and lone surrogates: they
# retitle or clear a terminal that shows them, and cannot be written as UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")


def printable(text: str) -> str:
    """Text from outside without control characters (newline and tab stay)."""
    return _UNPRINTABLE.sub("", text)


def counted(count: int, thing: str) -> str:
    """'1 tool', '3 tools': a number and its noun, as people write them."""
    return f"{count} {thing}" + ("" if count == 1 else "s")


def spreadsheet_cell(text: str) -> str:
    """A CSV cell a spreadsheet will show as text, not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
