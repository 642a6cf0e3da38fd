"""The program's one clock. Every "now" in the newsletter comes from here: the
moment a command runs is NEWSLETTER_NOW when that is set (to try the Friday job
on another day, and so the tests run at one known moment whatever day it is),
the machine's clock otherwise. Nothing else in the package reads the wall clock
(a test keeps it so); durations and deadlines use time.monotonic(), which is no
date and is left alone."""

from __future__ import annotations

import datetime as dt
import os
import time

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
    from newsletter.workspace.validate import moment_utc

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
