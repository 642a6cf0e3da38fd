"""A district's calendar (.ics, as districts publish it) read into newsletter.yaml's
school year: the first and last day of school, the breaks and the days without
school. The calendar is read with icalendar; the rest of newsletter.yaml stays
exactly as the editor wrote it (the school_year block is added, or replaced)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, shown
from newsletter.workspace.files import read_text, write_atomically
from newsletter.workspace.schoolyear import Break
from newsletter.workspace.yamlfile import dump_block, parse_yaml

# What a calendar names its first and last day of school, and the days without it.
FIRST = re.compile(r"(?i)\b(first day (of (school|classes)|for students)|school (begins|starts))")
LAST = re.compile(r"(?i)\b(last day (of (school|classes)|for students)|school ends)")
CLOSED = re.compile(
    r"(?i)\b(break|vacation|recess|holiday|no school|no classes|no students|closed|day off|"
    r"not in session|teacher (work|in-?service)|in-?service|professional (development|learning)"
    r"( day)?|pd day|staff development|records day|conference|thanksgiving|christmas|new year|"
    r"memorial day|labor day|independence day|juneteenth|veterans day|presidents'? day|mlk|"
    r"martin luther king|good friday|snow day|inclement|election day|indigenous|columbus)\b"
)


@dataclass
class Read:
    """What a district calendar holds for the school year."""

    first_day: dt.date | None = None
    last_day: dt.date | None = None
    closed: list[Break] = field(default_factory=list)  # breaks and days without school
    unsure: list[Break] = field(default_factory=list)  # the other events: to ask about


def read_district_calendar(path: Path) -> Read:
    """Every all-day event of the calendar, sorted into first day, last day, days
    without school (a break when it spans days), and the rest."""
    import icalendar

    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{shown(path)}: cannot be read ({err.strerror}).") from None
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as err:
        raise InputError(
            f"{shown(path)}: not a calendar file ({str(err)[:80]}).",
            hint="Give the district calendar's .ics file (iCalendar), as exported or "
            "downloaded from its calendar page.",
        ) from None
    if calendar.name != "VCALENDAR":
        raise InputError(f"{shown(path)}: not a calendar file (it holds a {calendar.name}).")
    found = Read()
    for event in calendar.walk("VEVENT"):
        item = _event(event)
        if item is None:
            continue
        name, first, last = item
        if FIRST.search(name) and found.first_day is None:
            found.first_day = first
        elif LAST.search(name):
            found.last_day = max(found.last_day or last, last)
        elif CLOSED.search(name):
            found.closed.append(Break(name, first, last))
        else:
            found.unsure.append(Break(name, first, last))
    found.closed.sort(key=lambda b: (b.first, b.last))
    found.unsure.sort(key=lambda b: (b.first, b.last))
    return found


def _event(event: Any) -> tuple[str, dt.date, dt.date] | None:
    """An event's summary and days (its last day: DTEND is the day after, RFC 5545)."""
    start = event.get("dtstart")
    if start is None:
        return None
    first, end = start.dt, event.get("dtend")
    if isinstance(first, dt.datetime):  # at a time of day (a meeting, a game): its days
        last = end.dt.date() if end is not None and isinstance(end.dt, dt.datetime) else None
        first = first.date()
        last = last or first
    elif end is not None and isinstance(end.dt, dt.date):
        last = end.dt - dt.timedelta(days=1)
    else:
        last = first
    last = max(first, last)
    name = " ".join(str(event.get("summary", "")).split()) or "an event"
    return name[:120], first, last


def school_year_block(first_day: dt.date, last_day: dt.date, closed: list[Break]) -> str:
    """The school_year block of newsletter.yaml, in the style of its other fields."""
    breaks = [{"name": b.name, "from": b.first, "to": b.last} for b in closed if b.first != b.last]
    days = [{"name": b.name, "date": b.first} for b in closed if b.first == b.last]
    year: dict[str, Any] = {"first_day": first_day, "last_day": last_day}
    if breaks:
        year["breaks"] = breaks
    if days:
        year["days_off"] = days
    return dump_block({"school_year": year})


_TOP_KEY = re.compile(r"[^\s#-][^:]*:")


def write_school_year(settings_file: Path, block: str) -> None:
    """Put `block` (a school_year: mapping) into newsletter.yaml in place of the one
    there, or at the end; every other line stays. Read back before it is written."""
    from newsletter.workspace.settings import load_settings

    text = read_text(settings_file)
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("school_year:")), None)
    if start is None:
        new = text + ("" if text.endswith("\n") or not text else "\n") + "\n" + block
    else:
        end = start + 1
        while end < len(lines) and not _TOP_KEY.match(lines[end]):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1  # the blank lines before the next field stay
        new = "".join(lines[:start]) + block + "".join(lines[end:])
    before = parse_yaml(text, settings_file) or {}
    after = parse_yaml(new, settings_file) or {}
    others = {k: v for k, v in before.items() if k != "school_year"}
    if {k: v for k, v in after.items() if k != "school_year"} != others:
        raise InputError(
            f"{shown(settings_file)}: its school_year cannot be replaced safely (the file is "
            "laid out in a way this cannot cut).",
            hint="Write the school_year block by hand; 'newsletter school-year import "
            "--print' prints it.",
        )
    scratch = settings_file.with_name(f".{settings_file.name}.check")
    try:  # the settings as a whole must still read, or nothing is written
        write_atomically(scratch, new)
        load_settings(scratch)
    except InputError as err:  # named as the file it would be
        raise InputError(
            err.message.replace(shown(scratch), shown(settings_file)), hint=err.hint
        ) from None
    finally:
        scratch.unlink(missing_ok=True)
    write_atomically(settings_file, new)
