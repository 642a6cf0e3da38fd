"""The program's one clock. Every "now" in the newsletter comes from here: the
moment a command runs is NEWSLETTER_NOW when that is set (to try the Friday job
on another day, and so the tests run at one known moment whatever day it is),
the machine's clock otherwise. Nothing else in the package reads the wall clock
(a test keeps it so); durations and deadlines use time.monotonic(), which is no
date and is left alone. A moment typed (--now, NEWSLETTER_NOW) is read here too."""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from newsletter.errors import InputError

ENV_VAR = "NEWSLETTER_NOW"
EXAMPLE = "2026-12-04T07:00:00-06:00"


def now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    pinned = os.environ.get(ENV_VAR, "")
    if not pinned.strip():
        return dt.datetime.now(dt.UTC)
    return pinned_moment(pinned)


def pinned_moment(text: str) -> dt.datetime:
    """NEWSLETTER_NOW's value: an ISO 8601 instant that says its offset (a bare
    local time would mean another moment on every machine)."""
    try:
        return moment_utc(text)
    except ValueError as err:
        raise InputError(
            f"{ENV_VAR}: {err}.",
            hint=f"Set {ENV_VAR} to a moment with its offset, like {EXAMPLE}, or unset it.",
        ) from None


def machine_zone() -> dt.tzinfo:
    """The machine's own time zone at the current moment (cron runs in it)."""
    zone = now().astimezone().tzinfo
    assert zone is not None  # astimezone() with no argument always gives one
    return zone


def nanoseconds_since(mtime_ns: int) -> int:
    """How long ago the file system stamped a file. The file system stamps with the
    machine's real clock, so this one comparison is made with it, never the pinned
    moment."""
    return time.time_ns() - mtime_ns


def moment_utc(value: Any) -> dt.datetime:
    """An ISO 8601 moment with its offset (Z or +HH:MM), in UTC: one without would
    mean another moment on every machine. The years a school calendar can use."""
    text = str(value).strip()
    shown = text.encode("unicode_escape").decode()  # a line break stays on the line
    try:
        when = dt.datetime.fromisoformat(text.upper())  # 't' and 'z' are ISO 8601 too
    except ValueError:
        raise ValueError(f"'{shown}' is not a moment like 2026-12-04T12:00:00+00:00") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"'{shown}' has no offset (Z or +HH:MM)")
    if not 1971 <= when.year <= 9998:
        raise ValueError(f"'{shown}' is not in the years 1971 to 9998")
    return when.astimezone(dt.UTC)
