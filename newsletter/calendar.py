"""Events in calendars: an .ics file of events (attached to each issue's email, and
written by `newsletter calendar`), and the links that add one event to Google
Calendar or Outlook in a click.

The .ics is made with the icalendar library: each event keeps its UID from one
issue to the next (so a calendar that imported it once updates the event rather
than adding it twice), and the workspace's time zone goes with it as a VTIMEZONE,
so 12:00 in Chicago stays 12:00 in Chicago whatever zone the reader is in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from urllib.parse import urlencode

from newsletter.model import Event

# An event with no end: an hour long, in the file and in the links alike.
DEFAULT_LENGTH = dt.timedelta(hours=1)
PRODUCT_ID = "-//newsletter//weekly edtech newsletter//EN"


def end_of(event: Event) -> dt.datetime:
    return event.end or event.start + DEFAULT_LENGTH


def event_uid(event: Event, domain: str) -> str:
    """The same event (its title, on its day) has the same UID in every issue."""
    identity = f"{' '.join(event.title.split()).casefold()}|{event.start.date().isoformat()}"
    return f"{hashlib.sha256(identity.encode()).hexdigest()[:24]}@{domain}"


def calendar_file(events: Sequence[Event], zone_name: str, domain: str, now: dt.datetime) -> bytes:
    """The events as one iCalendar file (METHOD:PUBLISH: to add, not an invitation)."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", event_uid(event, domain))
        entry.add("dtstamp", now.astimezone(dt.UTC))
        entry.add("dtstart", _local(event.start, zone_name))
        entry.add("dtend", _local(end_of(event), zone_name))
        entry.add("summary", event.title)
        if event.place:
            entry.add("location", event.place)
        description = _plain(event.description)
        if event.signup:
            description = "\n\n".join(filter(None, [description, f"Sign up: {event.signup}"]))
            entry.add("url", event.signup)
        if description:
            entry.add("description", description)
        calendar.add_component(entry)
    if events:  # the zone's rules for the years the events span, not since 1970
        first = min(e.start for e in events).date().replace(month=1, day=1)
        last = max(end_of(e) for e in events).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last + dt.timedelta(days=1))
    return bytes(calendar.to_ical())


def _local(moment: dt.datetime, zone_name: str) -> dt.datetime:
    from zoneinfo import ZoneInfo

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
    return "https://calendar.google.com/calendar/render?" + urlencode(_given(query))


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
    return "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(_given(query))


def _details(event: Event) -> str:
    parts = [_plain(event.description), f"Sign up: {event.signup}" if event.signup else ""]
    return "\n\n".join(part for part in parts if part)[:1000]  # a link has room for so much


def _given(query: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in query.items() if value}


def _plain(markdown: str) -> str:
    from newsletter.render import markdown_to_text  # render uses this module's links

    return markdown_to_text(markdown).strip()
