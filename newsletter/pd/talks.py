"""The talks a date can have attendance for: each event of the notes held that day
(a series' date, or a single event), with its length from its times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from newsletter.calendar import DEFAULT_LENGTH, occurrences
from newsletter.errors import InputError
from newsletter.model import Event
from newsletter.notes.events import with_breaks
from newsletter.notes.kinds import EVENTS
from newsletter.notes.read import read_kind
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import Settings


@dataclass(frozen=True)
class Talk:
    date: dt.date
    title: str
    minutes: int  # from its start to its end (an hour when it has no end)


def minutes_of(event: Event) -> int:
    """A talk's length in minutes: its end less its start, in real time (a talk
    across the night the clocks change is as long as it was)."""
    if event.end:  # in UTC: the wall clock's hours are not the hours that passed
        length = event.end.astimezone(dt.UTC) - event.start.astimezone(dt.UTC)
    else:
        length = DEFAULT_LENGTH
    return max(int(length.total_seconds() // 60), 0)


def talk_on(
    workspace: Workspace,
    settings: Settings,
    date: dt.date,
    title: str | None,
    today: dt.date | None = None,
) -> Talk:
    """The one event held on `date` (named by `title` when several are); a date with
    none names the event dates near it. One after `today` has had nobody yet."""
    if today and date > today:
        raise InputError(
            f"{date} has not come yet (today is {today}): nobody has attended it.",
            hint="Record a talk's attendance on its day or after.",
        )
    zone = settings.zone
    events = with_breaks(read_kind(workspace, EVENTS, zone, None), settings)
    held = [o for e in events for o in occurrences(e, zone)]
    on_day = [o for o in held if o.start.astimezone(zone).date() == date]
    if title:
        that_day = on_day
        on_day = [o for o in on_day if o.title.casefold().startswith(title.strip().casefold())]
        if that_day and not on_day:
            names = ", ".join(f"'{o.title}'" for o in that_day)
            raise InputError(f"no event titled '{title}' on {date}; that day: {names}.")
    if len(on_day) == 1:
        event = on_day[0]
        return Talk(date, event.title, minutes_of(event))
    if on_day:
        names = ", ".join(f"'{o.title}'" for o in on_day)
        raise InputError(f"{names} are all on {date}; which one?", hint="Name it with --title.")
    near = sorted({o.start.astimezone(zone).date() for o in held
                   if abs((o.start.astimezone(zone).date() - date).days) <= 21})  # fmt: skip
    dates = f" (near it: {', '.join(map(str, near))})" if near else ""
    raise InputError(
        f"no talk or other event in notes/events.yaml is on {date}{dates}.",
        hint="'newsletter talks' lists the talks' dates.",
    )
