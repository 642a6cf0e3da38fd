"""Checks for the values an editor types, shared by the command-line options and
the YAML notes. Each raises ValueError with a message that says how to fix it;
the caller adds where the value came from (an option, or file:line and field).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

COSTS = ("free", "freemium", "paid")
GRADE_ORDER = ["K"] + [str(n) for n in range(1, 13)]
GRADE_BANDS = ("K-2", "3-5", "6-8", "9-12")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def url(value: Any) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in text:
        raise ValueError(
            f"'{text}' is not a web address; write it in full, like https://padlet.com"
        )
    return text


def _grade(token: str) -> str:
    token = token.strip().upper()
    if token in ("KG", "KINDER", "KINDERGARTEN"):
        token = "K"
    if token not in GRADE_ORDER:
        raise ValueError(
            f"'{token}' is not a grade; use K, 1 to 12, or a band like 3-5 (e.g. K-2, 6-8, 9-12)"
        )
    return token


def grades(value: Any) -> list[str]:
    """Grades as K, 1-12 or bands like 3-5, from a list or comma/space separated text."""
    raw = [
        part
        for item in (value if isinstance(value, list) else [value])
        for part in re.split(r"[,\s]+", str(item))
    ]
    result: list[str] = []
    for item in raw:
        text = str(item).strip()
        if not text:
            continue
        if "-" in text:
            low, _, high = text.partition("-")
            low, high = _grade(low), _grade(high)
            if GRADE_ORDER.index(low) > GRADE_ORDER.index(high):
                raise ValueError(f"the band '{text}' runs backwards; write the lower grade first")
            normalized = f"{low}-{high}"
        else:
            normalized = _grade(text)
        if normalized not in result:
            result.append(normalized)
    if not result:
        raise ValueError("no grades given; use K, 1 to 12, or a band like 3-5")
    return sorted(result, key=lambda g: GRADE_ORDER.index(g.split("-")[0]))


def cost(value: Any) -> str:
    text = str(value).strip().lower()
    if text not in COSTS:
        raise ValueError(f"'{value}' is not a cost; use one of: {', '.join(COSTS)}")
    return text


def day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(
            f"'{value}' is not a date; write it as YYYY-MM-DD, like 2026-11-27"
        ) from None


def moment(value: Any, zone: dt.tzinfo) -> dt.datetime:
    """A date and time in the workspace time zone: 'YYYY-MM-DD HH:MM'."""
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = str(value).strip().replace("T", " ")
        try:
            parsed = dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
        except ValueError:
            try:
                parsed = dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(
                    f"'{value}' is not a date and time; write it as YYYY-MM-DD HH:MM, "
                    "like 2026-12-03 12:00"
                ) from None
            if parsed.hour == parsed.minute == 0 and len(text) <= 10:
                raise ValueError(
                    f"'{value}' has no time of day; write it as YYYY-MM-DD HH:MM, "
                    "like 2026-12-03 12:00"
                ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(zone)


def weekday(value: Any) -> int:
    text = str(value).strip().lower()
    for index, name in enumerate(WEEKDAYS):
        if text in (name, name[:3]):
            return index
    raise ValueError(f"'{value}' is not a weekday; use one of: {', '.join(WEEKDAYS)}")


def words(value: Any) -> list[str]:
    """A comma-separated list, or a YAML list, of short words (subjects, platforms, tags)."""
    raw = [
        part
        for item in (value if isinstance(value, list) else [value])
        for part in str(item).split(",")
    ]
    return [part.strip() for part in raw if part.strip()]


def moment_utc(value: Any) -> dt.datetime:
    """An ISO 8601 moment; one without an offset is taken as UTC."""
    try:
        when = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a moment like 2026-12-04T12:00:00+00:00") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
