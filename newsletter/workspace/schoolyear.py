"""The school year of newsletter.yaml: its first and last day, its breaks, and the
single days without an issue. Issues go out on the issue day of school weeks only;
repeating Tech Talks skip the breaks. Weeks and weekdays are counted by
python-dateutil's rules, as the Tech Talks' dates are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.errors import InputError, shown
from newsletter.workspace import validate
from newsletter.workspace.yamlfile import Fields, Sequence


@dataclass(frozen=True)
class Break:
    """A break of the school year (the first and the last day both in it), or a single
    day without an issue (`first` == `last`)."""

    name: str
    first: dt.date
    last: dt.date
    where: str = ""  # newsletter.yaml:LINE, for messages

    def holds(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    @property
    def span(self) -> str:
        """'Dec 21 - Jan 1', or 'Jan 18' for one day."""
        if self.first == self.last:
            return _short(self.first)
        return f"{_short(self.first)} - {_short(self.last)}"


@dataclass
class SchoolYear:
    first_day: dt.date
    last_day: dt.date
    breaks: list[Break] = field(default_factory=list)  # breaks and days off, by first day
    where: str = ""
    warnings: list[str] = field(default_factory=list)  # for `check`: overlaps, outside the year

    def closed(self, day: dt.date) -> Break | None:
        """The break (or day off) `day` is in, if any."""
        return next((b for b in self.breaks if b.holds(day)), None)

    def no_issue(self, day: dt.date) -> str:
        """Why there is no issue on `day` ('' when there is one): 'Winter break, Dec 21
        - Jan 1', 'before the school year, which starts Aug 24', ..."""
        if day < self.first_day:
            return f"before the school year, which starts {_short(self.first_day, True)}"
        if day > self.last_day:
            return f"after the school year, which ended {_short(self.last_day, True)}"
        found = self.closed(day)
        return f"{found.name}, {found.span}" if found else ""

    def no_issue_line(self, day: dt.date, weekday: int) -> str:
        """'No issue this week (Winter break, Dec 21 - Jan 1); the next is Friday Jan 8',
        or '' when `day` has an issue."""
        why = self.no_issue(day)
        if not why:
            return ""
        following = self.next_issue_day(day, weekday)
        if following is None:
            nxt = "no issue is due until newsletter.yaml has the next school year"
        else:
            nxt = f"the next is {following:%A %b} {following.day}"
        return f"No issue this week ({why}); {nxt}."

    def next_issue_day(self, after: dt.date, weekday: int) -> dt.date | None:
        """The first issue day after `after` with an issue, in this school year."""
        start = max(after + dt.timedelta(days=1), self.first_day)
        if start > self.last_day:
            return None
        from dateutil import rrule  # imported when used: settings are read by every command

        days = rrule.rrule(rrule.WEEKLY, byweekday=weekday, dtstart=start, until=self.last_day)
        return next((d.date() for d in days if not self.no_issue(d.date())), None)


def _short(day: dt.date, year: bool = False) -> str:
    """'Dec 21' ('Dec 21, 2026' with the year): no leading zero on any platform."""
    return f"{day:%b} {day.day}" + (f", {day.year}" if year else "")


def read_school_year(f: Fields) -> SchoolYear:
    """newsletter.yaml's `school_year:` {first_day, last_day, breaks, days_off}."""
    f.only(("first_day", "last_day", "breaks", "days_off"))
    first = f.checked("first_day", validate.day, required=True)
    last = f.checked("last_day", validate.day, required=True)
    assert first is not None and last is not None
    if last < first:
        raise f.fail(
            "last_day",
            f"{last} is before the first day, {first}.",
            hint="Write the first and the last day of the school year.",
        )
    year = SchoolYear(first, last, where=f.where())
    closed: list[Break] = []
    for key in ("breaks", "days_off"):
        items = f.data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise f.fail(key, "expected a list of '- name: ...' entries.")
        for index, raw in enumerate(items):
            line = items.line_of_item(index) if isinstance(items, Sequence) else f.line_of(key)
            closed.append(_break(f, key, raw, line))
    closed.sort(key=_order)
    for index, other in enumerate(closed):
        for one in closed[:index]:  # each earlier one that has not ended by its start
            if other.first <= one.last:
                year.warnings.append(
                    f"{other.where}: '{other.name}' ({other.span}) overlaps '{one.name}' "
                    f"({one.span}, {one.where}). Hint: join the two, or change the dates "
                    "of one."
                )
    for item in closed:
        if item.first < year.first_day or item.last > year.last_day:
            outside = item.last < year.first_day or item.first > year.last_day
            year.warnings.append(
                f"{item.where}: '{item.name}' ({item.span}) "
                f"{'lies outside' if outside else 'runs past'} the school year "
                f"({year.first_day} to {year.last_day}). Hint: move it into the year, or "
                "remove it."
            )
    year.breaks = closed
    return year


def _order(item: Break) -> tuple[dt.date, dt.date]:
    return (item.first, item.last)


def _break(f: Fields, key: str, raw: object, line: int) -> Break:
    """A break {name, from, to}, or a day off: {name, date}, or a date alone."""
    where = f"{shown(f.path)}:{line}"
    if key == "days_off" and not isinstance(raw, dict):
        try:
            day = validate.day(raw)
        except ValueError as err:
            raise InputError(f"{where}: days_off: {err}.") from None
        here = Break("a day without an issue", day, day, where)
    else:
        entry = Fields(raw, f.path, "break" if key == "breaks" else "day off", line)
        if key == "breaks":
            entry.only(("name", "from", "to"))
            first = entry.checked("from", validate.day, required=True)
            last = entry.checked("to", validate.day, required=True)
        else:
            entry.only(("name", "date"))
            first = last = entry.checked("date", validate.day, required=True)
        assert first is not None and last is not None
        name = entry.checked("name", validate.one_line) or (
            "a break" if key == "breaks" else "a day without an issue"
        )
        if last < first:
            raise entry.fail("to", f"{last} is before 'from' ({first}).", hint="Swap the two.")
        here = Break(name, first, last, where)
    return here


def year_warnings(year: SchoolYear | None, today: dt.date, weekday: int) -> list[str]:
    """What `check` says of the school year: none set, one that has ended, and breaks
    that overlap or lie outside it."""
    if year is None:
        day = validate.WEEKDAYS[weekday].capitalize()
        return [
            f"newsletter.yaml has no school_year, so an issue goes out every {day}, over "
            "the breaks too. Hint: add school_year: {first_day, last_day, breaks, days_off} "
            "(README: The school year), or 'newsletter school-year import FILE.ics'."
        ]
    found = list(year.warnings)
    if today > year.last_day:
        found.append(
            f"{year.where}: the school year ended on {year.last_day}, so the Friday job sends "
            "nothing. Hint: put in the next school year (first_day, last_day, breaks)."
        )
    return found
