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
from newsletter.text.plain import printable
from newsletter.workspace.files import read_text, write_atomically
from newsletter.workspace.schoolyear import Break
from newsletter.workspace.yamlfile import dump_block, parse_yaml

# What a calendar names its first and last day of school, and the days without it.
FIRST = re.compile(r"(?i)\b(first day (of (school|classes)|for students)|school (begins|starts))")
LAST = re.compile(r"(?i)\b(last day (of (school|classes)|for students)|school ends)")
# Said outright: no school that day, whatever else the name says.
NO_SCHOOL = re.compile(
    r"(?i)\b(no school|no classes|no students|schools? (are )?closed|district closed|"
    r"not in session|school holiday)\b"
)
CLOSED = re.compile(
    r"(?i)\b(break|vacation|recess|holiday|closed|day off|teacher (work|in-?service)|"
    r"in-?service|professional (development|learning)( day)?|pd day|staff development|"
    r"records day|thanksgiving|christmas|new year'?s|memorial day|labor day|independence day|"
    r"juneteenth|veterans day|presidents'? day|mlk|martin luther king|good friday|snow day|"
    r"inclement|election day|indigenous peoples'? day|columbus day)\b"
)
# A school day with something on it, whatever else the name says: asked about.
SCHOOL_DAY = re.compile(
    r"(?i)\b(begins?|starts?|ends?|early (dismissal|release)|half day|minimum day|late start|"
    r"concert|celebration|assembly|feast|festival|party|parade|game|meeting|night|dance|fair|"
    r"performance|show|program|luncheon|breakfast|potluck|drive|picture|spirit|conference "
    r"(week|night))\b"
)
MOST_BYTES = 20 * 1024 * 1024  # a district's calendar is far smaller
MOST_ASKED = 40  # more events than this to ask about: named, not asked one by one


@dataclass
class Read:
    """What a district calendar holds for the school year."""

    first_day: dt.date | None = None
    last_day: dt.date | None = None
    closed: list[Break] = field(default_factory=list)  # breaks and days without school
    unsure: list[Break] = field(default_factory=list)  # day-long events of another name


def read_district_calendar(path: Path, today: dt.date) -> Read:
    """The calendar's school year (the one `today` is in, or the next), with its
    all-day events sorted into days without school (a break when it spans days) and
    the rest. Events at a time of day (a meeting, a game) are no day off; cancelled
    ones are left out; repeating ones are expanded (python-dateutil)."""
    events = _events(path)
    firsts = sorted(first for name, first, _, _ in events if FIRST.search(name))
    lasts = sorted(last for name, _, last, _ in events if LAST.search(name))
    found = Read()
    # The year today is in: its first day is the last one on or before today whose
    # year has not ended; else the next one to come.
    for first in firsts:
        last = next((day for day in lasts if day >= first), None)
        if first <= today and (last is None or last >= today) or first > today:
            found.first_day, found.last_day = first, last
            break
    if found.first_day is None and firsts:
        found.first_day = firsts[-1]
        found.last_day = next((day for day in lasts if day >= firsts[-1]), None)
    if found.first_day is None and lasts:
        found.last_day = next((day for day in lasts if day >= today), lasts[-1])
    for name, first, last, rule in events:
        if FIRST.search(name) or LAST.search(name):
            continue
        for start, end in _dates(first, last, rule, found):
            item = Break(name, start, end)
            if NO_SCHOOL.search(name) or (CLOSED.search(name) and not SCHOOL_DAY.search(name)):
                found.closed.append(item)
            else:
                found.unsure.append(item)
    found.closed = sorted(set(found.closed), key=lambda b: (b.first, b.last, b.name))
    found.unsure = sorted(set(found.unsure), key=lambda b: (b.first, b.last, b.name))
    return found


def _events(path: Path) -> list[tuple[str, dt.date, dt.date, str]]:
    """Each all-day event: its name, first and last day, and its repeat rule ('')."""
    import icalendar

    try:
        if path.stat().st_size > MOST_BYTES:
            raise InputError(
                f"{shown(path)}: {path.stat().st_size // 2**20} MB is no district calendar "
                f"(at most {MOST_BYTES // 2**20} MB).",
                hint="Export the school year's calendar alone.",
            )
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{shown(path)}: cannot be read ({err.strerror}).") from None
    not_one = InputError(
        f"{shown(path)}: not a calendar file.",
        hint="Give the district calendar's .ics file (iCalendar), as exported or downloaded "
        "from its calendar page.",
    )
    if not data.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"BEGIN:VCALENDAR"):
        raise not_one
    try:
        calendar = icalendar.Calendar.from_ical(data)
    except Exception:  # noqa: BLE001 - whatever the parser makes of a broken file
        raise not_one from None
    found = []
    for event in calendar.walk("VEVENT"):
        try:
            item = _event(event)
        except Exception as err:  # noqa: BLE001 - a property the parser cannot read
            name = printable(str(event.get("summary", "an event")))[:60]
            raise InputError(
                f"{shown(path)}: the event '{name}' has a date that cannot be read "
                f"({printable(str(err))[:80]}).",
                hint="Fix that event in the calendar, or export the calendar again.",
            ) from None
        if item is not None:
            found.append(item)
    return found


def _event(event: Any) -> tuple[str, dt.date, dt.date, str] | None:
    """An all-day event's name, days and rule; None for a cancelled event or one at a
    time of day. DTEND is the day after its last (RFC 5545); Outlook writes all-day
    events as midnight to midnight, which is read the same way; DURATION counts too."""
    if str(event.get("status", "")).upper() == "CANCELLED":
        return None
    start = event.get("dtstart")
    if start is None:
        return None
    first = start.dt
    end = event.get("dtend")
    ends = end.dt if end is not None else None
    if ends is None and event.get("duration") is not None:
        ends = first + event.get("duration").dt
    if isinstance(first, dt.datetime):
        midnight = first.time() == dt.time() and (
            ends is None or (isinstance(ends, dt.datetime) and ends.time() == dt.time())
        )
        if not midnight:
            return None  # at a time of day: a meeting, a game, a concert
        first = first.date()
        ends = ends.date() if isinstance(ends, dt.datetime) else ends
    if ends is not None and not isinstance(ends, dt.date):
        return None
    last = ends - dt.timedelta(days=1) if ends is not None and ends > first else first
    name = printable(" ".join(str(event.get("summary", "")).split()))[:120] or "an event"
    rule = event.get("rrule")
    return name, first, last, rule.to_ical().decode() if rule is not None else ""


def _dates(first: dt.date, last: dt.date, rule: str, year: Read) -> list[tuple[dt.date, dt.date]]:
    """The days of an event: once, or each time its rule falls in the school year."""
    if not rule:
        return [(first, last)]
    from dateutil import rrule as rrules

    length = last - first
    start = dt.datetime.combine(first, dt.time())
    until = dt.datetime.combine(year.last_day or first + dt.timedelta(days=366), dt.time())
    since = dt.datetime.combine(year.first_day or first, dt.time())
    try:
        dates = rrules.rrulestr(rule, dtstart=start)
    except (ValueError, TypeError):
        return [(first, last)]
    found = []
    for when in dates.xafter(since, inc=True):
        if when > until:
            break
        found.append((when.date(), when.date() + length))
    return found


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


def write_school_year(settings_file: Path, block: str) -> None:
    """Put `block` (a school_year: mapping) into newsletter.yaml in place of the one
    there, or at the end; every other line (comments included) stays, and so do the
    file's line endings. Read back before it is written."""
    from newsletter.workspace.settings import load_settings

    raw = settings_file.read_bytes().decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in raw else "\n"
    text = read_text(settings_file)
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith("school_year:")), None)
    if start is None:
        new = text + ("" if text.endswith("\n") or not text else "\n") + "\n" + block
    else:
        end = start + 1  # the block: its indented lines (and blank ones between them)
        while end < len(lines) and (lines[end][:1] in (" ", "\t") or not lines[end].strip()):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1  # the blank lines after it stay
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
    write_atomically(settings_file, new.replace("\n", newline))
