"""PD hours from the attendance record: per person, and per talk, between two days
(the school year's, unless told), for the district's PD office."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.pd.attendance import Attended, record_key


@dataclass
class PersonHours:
    email: str
    name: str
    talks: list[Attended] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(t.minutes for t in self.talks)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


def hours_by_person(
    attendance: list[Attended],
    start: dt.date | None = None,
    end: dt.date | None = None,
    person: str = "",
) -> list[PersonHours]:
    """Each person's talks between `start` and `end` (both included), by name."""
    people: dict[str, PersonHours] = {}
    counted: set[tuple[dt.date, str, str]] = set()
    for entry in sorted(attendance, key=lambda a: (a.talk, a.title)):
        if record_key(entry) in counted:  # written twice by hand: one talk, counted once
            continue
        counted.add(record_key(entry))
        if (start and entry.talk < start) or (end and entry.talk > end):
            continue
        if person and entry.email.lower() != person.strip().lower():
            continue
        key = entry.email.lower()
        if key not in people:
            people[key] = PersonHours(entry.email, entry.name)
        people[key].talks.append(entry)
        people[key].name = people[key].name or entry.name
    return sorted(people.values(), key=lambda p: (p.name or p.email).casefold())
