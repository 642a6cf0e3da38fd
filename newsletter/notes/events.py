"""The events of the notes: those still ahead (for the subscribed calendar and the
site), and changing a repeating event in notes/events.yaml: one date's topic, a
date skipped or held again. The
entry is written again in place; the rest of the file stays exactly as the editor
left it. calendar.py makes the files and links of events; it reads no notes."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsletter.calendar import calendar_domain, calendar_file, end_of, occurrences
from newsletter.errors import InputError, shown
from newsletter.model import Event
from newsletter.notes.kinds import EVENTS
from newsletter.notes.read import read_kind, read_note
from newsletter.workspace.entries import as_written, entries_lock, replace_entry
from newsletter.workspace.folder import Workspace
from newsletter.workspace.yamlfile import Sequence, load_yaml


def set_topic(
    workspace: Workspace, zone: dt.tzinfo, date: dt.date, topic: str, title: str | None
) -> tuple[str, int, str]:
    """Give the repeating event that falls on `date` that date's topic ('' takes it
    away); returns the file, the entry's line and the event's title."""
    from newsletter.workspace import validate

    try:
        topic = validate.one_line(topic) if topic.strip() else ""
    except ValueError as err:
        raise InputError(f"TOPIC: {err}.") from None
    if len(topic) > 200:
        raise InputError(f"TOPIC: {len(topic)} characters; a topic is a title, at most 200.")

    def change(entry: dict[str, Any]) -> None:
        topics = dict(entry.get("topics") or {})
        topics.pop(date, None)
        if topic:
            topics[date] = topic
        entry["topics"] = dict(sorted(topics.items())) or None

    changed = _change_event(workspace, zone, date, title, change, "its topic cannot be added")
    return changed.path, changed.line, changed.title


@dataclasses.dataclass
class Skipped:
    path: str
    line: int
    title: str
    topic: str  # the date's topic, taken off with it ('' when it had none)


def skip_date(
    workspace: Workspace, zone: dt.tzinfo, date: dt.date, title: str | None, undo: bool = False
) -> Skipped:
    """Add `date` to the skipped days of the repeating event that falls on it (a
    holiday, a talk called off), or with `undo` hold it again."""
    taken = []

    def change(entry: dict[str, Any]) -> None:
        skips = {d for d in _days(entry.get("skip")) if d != date}
        if not undo:
            skips.add(date)
        entry["skip"] = sorted(skips) or None
        topics = dict(entry.get("topics") or {})
        taken.append(str(topics.pop(date, "") or topics.pop(date.isoformat(), "") or ""))
        entry["topics"] = topics or None

    changed = _change_event(workspace, zone, date, title, change, "the day cannot be skipped here",
                            skipped=undo)  # fmt: skip
    return Skipped(changed.path, changed.line, changed.title, taken[0])


def set_materials(
    workspace: Workspace,
    zone: dt.tzinfo,
    date: dt.date,
    title: str | None,
    slides: str | None,
    recording: str | None,
) -> tuple[str, int, str]:
    """Record what the event held on `date` left behind (its slides, its recording;
    '' takes one away); returns the file, the entry's line and the event's title."""

    def change(entry: dict[str, Any]) -> None:
        for name, address in (("slides", slides), ("recordings", recording)):
            if address is None:
                continue
            links = {str(k): v for k, v in dict(entry.get(name) or {}).items()}
            links.pop(date.isoformat(), None)
            if address:
                links[date.isoformat()] = address
            entry[name] = {dt.date.fromisoformat(k): v for k, v in sorted(links.items())} or None

    changed = _change_event(workspace, zone, date, title, change,
                            "its materials cannot be added", series_only=False)  # fmt: skip
    return changed.path, changed.line, changed.title


@dataclasses.dataclass
class _Changed:
    path: str
    line: int
    title: str


def _change_event(
    workspace: Workspace,
    zone: dt.tzinfo,
    date: dt.date,
    title: str | None,
    change: Callable[[dict[str, Any]], None],
    what: str,
    skipped: bool = False,
    series_only: bool = True,
) -> _Changed:
    """Change, under the file's lock, the entry of the event held on `date` (as
    _the_event finds it): `change` edits the entry as written, which is then written
    again in place; `what` says what cannot be done if it cannot be."""
    path = workspace.notes_dir / EVENTS.file
    with entries_lock(workspace.state_dir, path.name):
        entries = load_yaml(path) if path.is_file() else None
        if not isinstance(entries, Sequence):
            raise _no_such_talk(date, path)
        index, event = _the_event(entries, path, zone, date, title, skipped, series_only)
        entry = as_written(entries[index])
        change(entry)
        kept = {k: v for k, v in entry.items() if v is not None}
        line = entries.line_of_item(index)
        replace_entry(path, entries, index, kept, what)
    return _Changed(shown(path), line, event.title)


def _days(value: Any) -> list[dt.date]:
    items = value if isinstance(value, list) else [value] if value else []
    return [d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)) for d in items]


def _the_event(
    entries: Sequence,
    path: Path,
    zone: dt.tzinfo,
    date: dt.date,
    title: str | None,
    skipped: bool = False,
    series_only: bool = True,
) -> tuple[int, Any]:
    """The repeating event held on `date` (with `skipped`: one that skips it; without
    `series_only`, a single event of that day too)."""
    found, near, skips = [], set(), []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or (series_only and not entry.get("every")):
            continue
        event = read_note(EVENTS, entry, path, zone)
        held = {o.start.astimezone(zone).date() for o in occurrences(event, zone)}
        if not skipped and date in event.skip:
            skips.append(event.title)
        days = set(event.skip) - held if skipped else held
        if title is not None and event.title.casefold() != title.strip().casefold():
            continue
        if date in days:
            found.append((index, event))
        near |= {d for d in days if abs((d - date).days) <= 21}
    if not found and skips:
        raise InputError(
            f"'{skips[0]}' skips {date} already ({shown(path)}).",
            hint=f"'newsletter talk-skip {date} --undo' holds it again.",
        )
    if not found:
        raise _no_such_talk(date, path, sorted(near), skipped)
    if len(found) > 1:
        names = ", ".join(f"'{event.title}'" for _, event in found)
        raise InputError(
            f"{names} all fall on {date}; which one?",
            hint="Name it with --title.",
        )
    return found[0]


def _no_such_talk(
    date: dt.date, path: Path, near: list[dt.date] | None = None, skipped: bool = False
) -> InputError:
    what = "skips" if skipped else "falls on"
    dates = f" (near it: {', '.join(map(str, near))})" if near else ""
    return InputError(
        f"no repeating event in {shown(path)} {what} {date}{dates}.",
        hint="'newsletter talks' lists their dates.",
    )


def with_breaks(events: list[Event], settings: Any) -> list[Event]:
    """The events, each repeating one with the dates of its rule that fall in a break
    of the school year (or on a day without an issue) taken out: a Tech Talk does not
    meet over winter break. Without a school year, the events as they are."""
    year = settings.school_year
    if year is None:
        return events
    made = []
    for event in events:
        closed = {}
        if event.every:
            for date in occurrences(dataclasses.replace(event, breaks={}), settings.zone):
                day = date.start.astimezone(settings.zone).date()
                if found := year.closed(day):
                    closed[day.isoformat()] = found.name
        made.append(dataclasses.replace(event, breaks=closed) if closed else event)
    return made


def upcoming_calendar(
    workspace: Any, settings: Any, now: dt.datetime, problems: list[Any] | None = None
) -> tuple[bytes, int]:
    """Every event of the notes not yet over, as one calendar file for staff to
    subscribe to, and how many there are. With a `problems` list, a bad entry is
    left out and recorded there instead of stopping it."""
    upcoming = upcoming_events(workspace, settings, now, problems)
    return calendar_file(upcoming, settings.time_zone, calendar_domain(settings), now), len(
        upcoming
    )


def upcoming_events(
    workspace: Any, settings: Any, now: dt.datetime, problems: list[Any] | None = None
) -> list[Event]:
    """The events of the notes not yet over (a series while any of its dates is)."""
    events = with_breaks(read_kind(workspace, EVENTS, settings.zone, problems), settings)
    return sorted(
        (e for e in events if any(end_of(o) >= now for o in occurrences(e, settings.zone))),
        key=lambda e: e.start,
    )
