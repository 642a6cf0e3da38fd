"""Events in calendars: an .ics file of events (attached to each issue's email, and
written by `newsletter calendar`), and the links that add one event to Google
Calendar or Outlook in a click.

The .ics is made with the icalendar library: each event keeps its UID from one
issue to the next (so a calendar that imported it once updates the event rather
than adding it twice), and the workspace's time zone goes with it as a VTIMEZONE,
so 12:00 in Chicago stays 12:00 in Chicago whatever zone the reader is in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from newsletter.errors import InputError, shown
from newsletter.model import Event
from newsletter.text.markdown import markdown_to_text

# An event with no end: an hour long, in the file and in the links alike.
DEFAULT_LENGTH = dt.timedelta(hours=1)
PRODUCT_ID = "-//newsletter//weekly edtech newsletter//EN"


_UNITS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}


def repeat_rule(event: Event) -> tuple[str, int]:
    """('WEEKLY', 2) for an event that comes back every '2 weeks'."""
    count, _, unit = event.every.rpartition(" ")
    return _UNITS[unit.rstrip("s")], int(count or 1)


def occurrences(event: Event, zone: dt.tzinfo) -> list[Event]:
    """Each time the event happens: itself, or for a repeating one each date of its
    rule (RFC 5545, by python-dateutil) but the skipped ones, at the same wall-clock
    time in the workspace's zone (noon stays noon across a change of clocks), with
    that date's topic in its title ('Tech Talk: Google Forms quizzes')."""
    if not event.every or event.until is None:
        return [event]
    from dateutil import rrule

    freq, interval = repeat_rule(event)
    first = event.start.astimezone(zone)
    length = event.end - event.start if event.end else None
    last = dt.datetime.combine(event.until, dt.time(23, 59, 59))
    found = []
    for when in rrule.rrule(
        getattr(rrule, freq), interval=interval, dtstart=first.replace(tzinfo=None), until=last
    ):
        if when.date() in event.skip or when.date().isoformat() in event.breaks:
            continue
        start = when.replace(tzinfo=zone)
        topic = event.topics.get(when.date().isoformat(), "")
        found.append(
            dataclasses.replace(
                event,
                title=titled(event.title, topic),
                start=start,
                end=start + length if length else None,
                every="",
                until=None,
                skip=[],
                topics={},
                slides={k: v for k, v in event.slides.items() if k == when.date().isoformat()},
                recordings={
                    k: v for k, v in event.recordings.items() if k == when.date().isoformat()
                },
                breaks={},
            )
        )
    return found


def titled(title: str, topic: str) -> str:
    """'Tech Talk: Google Forms'; a topic that has a colon of its own gets a dash
    ('Tech Talk – Kami: annotating PDFs'), never two colons in a row of words."""
    if not topic:
        return title
    return f"{title} – {topic}" if ": " in topic else f"{title}: {topic}"


@dataclasses.dataclass
class SeriesBlock:
    """A repeating event as an issue shows it: once, with the dates ahead in it."""

    series: Event
    dates: list[tuple[Event, str]]  # each date shown, and its topic ('' for none yet)

    @property
    def start(self) -> dt.datetime:
        return self.dates[0][0].start


def event_blocks(events: Sequence[Event], series: Sequence[Event], zone_name: str) -> list[Any]:
    """The issue's events in order, each date of a repeating one (a Tech Talk every
    two weeks) gathered into one SeriesBlock of its series; the others as they are."""
    zone = ZoneInfo(zone_name)
    blocks: list[Any] = []
    gathered: dict[int, SeriesBlock] = {}
    of_series = {}
    for number, repeating in enumerate(series):
        for date in occurrences(repeating, zone):
            of_series[(date.title, date.start)] = number
    for event in events:
        found = of_series.get((event.title, event.start))
        if found is None:
            blocks.append(event)
            continue
        repeating = series[found]
        day = event.start.astimezone(zone).date().isoformat()
        if found not in gathered:
            gathered[found] = SeriesBlock(repeating, [])
            blocks.append(gathered[found])
        gathered[found].dates.append((event, repeating.topics.get(day, "")))
    return blocks


def series_when(block: SeriesBlock, zone_name: str, language: str = "en") -> str:
    """'Every 2 weeks on Thursdays, 12:00 PM - 12:40 PM' (in another language, the
    weekday and times in it: 'Every 2 weeks · jueves, 12:00 - 12:40')."""
    from newsletter.text import dates

    zone = ZoneInfo(zone_name)
    first = block.dates[0][0]
    start = first.start.astimezone(zone)
    count, _, unit = block.series.every.rpartition(" ")
    every = f"Every {block.series.every}" if count and count != "1" else f"Every {unit.rstrip('s')}"
    hours = dates.clock(start, language)
    if first.end:
        hours += f" - {dates.clock(first.end.astimezone(zone), language)}"
    if not unit.startswith("week"):
        return f"{every}, {hours}"
    if dates.is_english(language):
        return f"{every} on {dates.weekday(start, language)}s, {hours}"
    return f"{every} · {dates.weekday(start, language)}, {hours}"


def google_series_link(series: Event) -> str:
    """Google Calendar's event template for every date of a series: its first date,
    and the rule (RRULE and the dates it skips) in `recur`."""
    assert series.until is not None
    zone = series.start.tzinfo or dt.UTC
    form = "%Y%m%dT%H%M%SZ"
    freq, interval = repeat_rule(series)
    until = dt.datetime.combine(series.until, dt.time(23, 59, 59), zone)
    rule = f"RRULE:FREQ={freq};INTERVAL={interval};UNTIL={_utc(until, form)}"
    closed = sorted({*series.skip, *(dt.date.fromisoformat(d) for d in series.breaks)})
    start = series.start.astimezone(zone)
    skipped = [_utc(dt.datetime.combine(day, start.time(), zone), form) for day in closed]
    if skipped:
        rule += "\nEXDATE:" + ",".join(skipped)
    query = {
        "action": "TEMPLATE",
        "text": series.title,
        "dates": f"{_utc(series.start, form)}/{_utc(end_of(series), form)}",
        "details": _details(series),
        "location": series.place,
        "recur": rule,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(
        _given(query), quote_via=quote
    )


def all_occurrences(events: Sequence[Event], zone: dt.tzinfo) -> list[Event]:
    """Every event's occurrences, in order of time."""
    return sorted((o for e in events for o in occurrences(e, zone)), key=lambda e: e.start)


def issue_calendar(events: Sequence[Event], series: Sequence[Event], zone_name: str) -> list[Event]:
    """An issue's events for its calendar file: each repeating one once, with its rule,
    in place of the dates the issue shows of it."""
    zone = ZoneInfo(zone_name)

    def wall(event: Event) -> tuple[str, dt.datetime]:  # as the clock on the wall says
        return event.title, event.start.astimezone(zone).replace(tzinfo=None)

    dates = {wall(o) for s in series for o in occurrences(s, zone)}
    return [e for e in events if wall(e) not in dates] + list(series)


def end_of(event: Event) -> dt.datetime:
    """Its end; an hour after its start (in real time, also across a clock change)."""
    return event.end or (event.start.astimezone(dt.UTC) + DEFAULT_LENGTH).astimezone(
        event.start.tzinfo
    )


def event_uid(event: Event, domain: str) -> str:
    """The same event (its title, at its start; a series by its first) has the same
    UID in every issue, and two events at other times never share one."""
    start = event.start.astimezone(dt.UTC).strftime("%Y%m%dT%H%M")
    series = f"every {event.every}" if event.every else "once"
    identity = f"{' '.join(event.title.split()).casefold()}|{start}|{series}"
    return f"{hashlib.sha256(identity.encode()).hexdigest()[:24]}@{domain}"


def calendar_file(
    events: Sequence[Event],
    zone_name: str,
    domain: str,
    now: dt.datetime,
    organizer: tuple[str, str] | None = None,
) -> bytes:
    """The events as one iCalendar file (METHOD:PUBLISH: to add, not an invitation).
    `organizer` (name, address): who publishes them, as RFC 5546 asks of PUBLISH."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for event in events:
        entry = _vevent(event, zone_name, event_uid(event, domain), now)
        parts = [entry]
        if event.every:  # a repeating one: one VEVENT with its rule, and a topic's date
            _repeat(entry, event, zone_name)
            parts += _with_topics(event, zone_name, domain, now)
        for part in parts:
            if organizer:
                part.add("organizer", f"mailto:{organizer[1]}", parameters={"cn": organizer[0]}
                         if organizer[0] else {})  # fmt: skip
            calendar.add_component(part)
    if events:  # the zone's rules for the years the events span, not since 1970
        first = min(e.start for e in events).date().replace(month=1, day=1)
        last = max(_last_end(e, zone_name) for e in events).date().replace(month=12, day=31)
        calendar.subcomponents.insert(0, vtimezone(zone_name, first, last))
    return bytes(calendar.to_ical())


def vtimezone(zone_name: str, first: dt.date, last: dt.date) -> Any:
    """The zone's VTIMEZONE from `first` to `last`, made from zoneinfo's own changes
    of offset. Each change is a part whose DTSTART is the wall time just before it, in
    TZOFFSETFROM (RFC 5545 3.6.5: New York springs forward at 02:00, not 03:00); the
    part with the larger offset is DAYLIGHT, so a zone whose summer time is its
    standard time in the tz database (Europe/Dublin) reads as clients expect.
    icalendar's own Timezone.from_tzinfo (7.3) writes the time after a forward change,
    which puts the change an hour late for a client that reads the file."""
    import icalendar

    zone = ZoneInfo(zone_name)
    start = dt.datetime.combine(first, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    changes = _offset_changes(zone, start, end)
    timezone = icalendar.Timezone()
    timezone.add("tzid", zone_name)
    parts = [(start, _offset(zone, start), _offset(zone, start))]
    parts += [(at, _offset(zone, at - _SECOND), _offset(zone, at)) for at in changes]
    for number, (onset, before, after) in enumerate(parts):
        if before != after:
            daylight = after > before
        else:  # the offset at the start: daylight when the next change goes back
            following = parts[number + 1] if number + 1 < len(parts) else None
            daylight = following is not None and following[2] < following[1]
        part = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
        part.add("dtstart", (onset + before).replace(tzinfo=None))
        part.add("tzoffsetfrom", before)
        part.add("tzoffsetto", after)
        part.add("tzname", onset.astimezone(zone).tzname())
        timezone.add_component(part)
    return timezone


_SECOND = dt.timedelta(seconds=1)


def _offset(zone: ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always has one
    return offset


def _offset_changes(zone: ZoneInfo, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Each moment (UTC, to the second) in start..end at which the zone's offset
    changes: a day at a time, then halved down to the second where it differs."""
    changes = []
    day = dt.timedelta(days=1)
    moment = start
    while moment < end:
        later = min(moment + day, end)
        if _offset(zone, moment) != _offset(zone, later):
            low, high = moment, later  # the offset at low differs from the one at high
            while high - low > _SECOND:
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _offset(zone, middle) == _offset(zone, low):
                    low = middle
                else:
                    high = middle
            changes.append(high)
        moment = later
    return changes


def _vevent(event: Event, zone_name: str, uid: str, now: dt.datetime) -> Any:
    import icalendar

    entry = icalendar.Event()
    entry.add("uid", uid)
    entry.add("dtstamp", now.astimezone(dt.UTC))
    entry.add("dtstart", _local(event.start, zone_name))
    entry.add("dtend", _local(end_of(event), zone_name))
    entry.add("summary", event.title)
    if event.place:
        entry.add("location", event.place)
    description = _text_of(event.description)
    if event.signup:
        description = "\n\n".join(filter(None, [description, f"Sign up: {event.signup}"]))
        entry.add("url", event.signup)
    if description:
        entry.add("description", description)
    return entry


def _repeat(entry: Any, event: Event, zone_name: str) -> None:
    """RRULE (its UNTIL in UTC, as RFC 5545 wants with a zoned start) and EXDATEs."""
    assert event.until is not None
    zone = ZoneInfo(zone_name)
    freq, interval = repeat_rule(event)
    until = dt.datetime.combine(event.until, dt.time(23, 59, 59), zone).astimezone(dt.UTC)
    entry.add("rrule", {"freq": freq, "interval": interval, "until": until})
    start = event.start.astimezone(zone)
    closed = [dt.date.fromisoformat(day) for day in event.breaks]  # the school year's breaks
    for day in sorted({*event.skip, *closed}):
        entry.add("exdate", dt.datetime.combine(day, start.time(), zone))


def _with_topics(event: Event, zone_name: str, domain: str, now: dt.datetime) -> list[Any]:
    """A date with a topic: that occurrence again, by RECURRENCE-ID, with its title."""
    zone = ZoneInfo(zone_name)
    overrides = []
    for occurrence in occurrences(event, zone):
        if occurrence.title == event.title:
            continue
        entry = _vevent(occurrence, zone_name, event_uid(event, domain), now)
        entry.add("recurrence-id", _local(occurrence.start, zone_name))
        overrides.append(entry)
    return overrides


def _last_end(event: Event, zone_name: str) -> dt.datetime:
    dates = occurrences(event, ZoneInfo(zone_name))
    return end_of(dates[-1]) if dates else end_of(event)


def _local(moment: dt.datetime, zone_name: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone_name))


def _utc(moment: dt.datetime, form: str) -> str:
    return moment.astimezone(dt.UTC).strftime(form)


def google_link(event: Event) -> str:
    """Google Calendar's event template: times in UTC, as 20261203T180000Z/..."""
    form = "%Y%m%dT%H%M%SZ"
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{_utc(event.start, form)}/{_utc(end_of(event), form)}",
        "details": _details(event),
        "location": event.place,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(
        _given(query), quote_via=quote
    )


def outlook_link(event: Event) -> str:
    """Outlook on the web's compose link: times in UTC, as 2026-12-03T18:00:00Z."""
    form = "%Y-%m-%dT%H:%M:%SZ"
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": event.title,
        "startdt": _utc(event.start, form),
        "enddt": _utc(end_of(event), form),
        "body": _details(event),
        "location": event.place,
    }
    # Spaces as %20: Outlook shows a '+' as it is.
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(
        _given(query), quote_via=quote
    )


def _details(event: Event) -> str:
    parts = [
        _text_of(event.description),
        f"Sign up: {event.signup}" if event.signup else "",
    ]
    return "\n\n".join(part for part in parts if part)[:1000]  # a link has room for so much


def _given(query: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in query.items() if value}


def _text_of(markdown: str) -> str:
    """An event's markdown description as the plain text a calendar shows."""
    return markdown_to_text(markdown).strip()


def calendar_domain(settings: Any) -> str:
    """The domain of the calendar's UIDs: the sender's."""
    from email.utils import parseaddr

    return parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"


def replaceable_calendar(path: Path) -> None:
    """`calendar --out` replaces a calendar it wrote before, never another file (an
    archived issue, the notes, newsletter.yaml typed by mistake): that is refused."""
    if not os.path.isfile(path):  # nothing there yet, or a device or a pipe: written into
        return
    try:
        with open(path, "rb") as existing:  # through a link, as the write goes
            start = existing.read(18).removeprefix(b"\xef\xbb\xbf")[:15]
    except OSError:
        return  # what cannot be read is named by the write itself
    if start == b"BEGIN:VCALENDAR"[: len(start)]:
        return
    raise InputError(
        f"--out: {shown(path)} is a file that is not a calendar; nothing was written.",
        hint="Give the name of a new file, or of an .ics file 'newsletter calendar' wrote.",
    )
