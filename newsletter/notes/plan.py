"""The digital citizenship plan, notes/citizenship-plan.yaml: the specialist's year of
topics (a month, or a span of days, each), a lesson per grade band, a tip for
families, and the observances (Digital Citizenship Week, Safer Internet Day) with
their rule, expanded by python-dateutil as the Tech Talks are. The plan is data the
specialist edits: the tool ships no curriculum of its own."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, shown
from newsletter.model import CitizenshipTopic, Lesson, lesson_key
from newsletter.workspace import validate
from newsletter.workspace.entries import regular_file
from newsletter.workspace.folder import Workspace
from newsletter.workspace.schoolyear import SchoolYear
from newsletter.workspace.yamlfile import Fields, load_yaml
from newsletter.workspace.yamlfile import Sequence as Entries

PLAN_FILE = "citizenship-plan.yaml"  # in notes/
NEAR_DAYS = 14  # an observance this many days ahead is in the issue


@dataclass
class PlanEntry:
    topic: str
    first: dt.date
    last: dt.date
    lessons: list[Lesson] = field(default_factory=list)
    family_tip: str = ""
    where: str = ""


@dataclass
class Observance:
    name: str
    rule: str  # RFC 5545 RRULE: FREQ=YEARLY;BYMONTH=10;BYDAY=MO;BYSETPOS=3
    days: int = 1
    note: str = ""
    where: str = ""

    def dates(self, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
        """Each time it falls between `first` and `last`: (its first day, its last)."""
        from dateutil import rrule

        rule = rrule.rrulestr(self.rule, dtstart=dt.datetime.combine(first, dt.time()))
        until = dt.datetime.combine(last, dt.time())
        found = []
        for when in rule.xafter(dt.datetime.combine(first, dt.time()), inc=True):
            if when > until:
                break
            found.append((when.date(), when.date() + dt.timedelta(days=self.days - 1)))
        return found


@dataclass
class Plan:
    entries: list[PlanEntry] = field(default_factory=list)
    observances: list[Observance] = field(default_factory=list)
    path: Path | None = None

    def on(self, day: dt.date) -> PlanEntry | None:
        """The topic of `day`."""
        return next((e for e in self.entries if e.first <= day <= e.last), None)

    @property
    def bands(self) -> list[str]:
        """Every grade band the plan has a lesson for, in the order of the grades."""
        seen = {lesson.grades for e in self.entries for lesson in e.lessons}
        return sorted(seen, key=lambda g: validate.GRADE_ORDER.index(g.split("-")[0]))

    @property
    def topics(self) -> list[str]:
        return list(dict.fromkeys(e.topic for e in self.entries))


def load_plan(workspace: Workspace, year: SchoolYear | None) -> Plan:
    """The plan, every entry checked (file, line and field); none there: no plan."""
    path = workspace.notes_dir / PLAN_FILE
    if not regular_file(path):
        return Plan(path=path)
    data = load_yaml(path)
    if data is None:
        return Plan(path=path)
    top = Fields(data, path, "the plan", 1)
    top.only(("topics", "observances"))
    plan = Plan(path=path)
    for raw, line in _listed(top, "topics"):
        plan.entries.append(_entry(raw, path, line, year))
    for raw, line in _listed(top, "observances"):
        plan.observances.append(_observance(raw, path, line))
    plan.entries.sort(key=lambda e: e.first)
    for one, other in zip(plan.entries, plan.entries[1:], strict=False):
        if other.first <= one.last:
            raise InputError(
                f"{other.where}: '{other.topic}' ({other.first} to {other.last}) overlaps "
                f"'{one.topic}' ({one.where}).",
                hint="Give each span of the year one topic.",
            )
    return plan


def _listed(top: Fields, key: str) -> list[tuple[Any, int]]:
    items = top.data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise top.fail(key, "expected a list of '- ...' entries.")
    lines = items.line_of_item if isinstance(items, Entries) else lambda index: top.line_of(key)
    return [(raw, lines(index)) for index, raw in enumerate(items)]


def _entry(raw: Any, path: Path, line: int, year: SchoolYear | None) -> PlanEntry:
    f = Fields(raw, path, "plan entry", line)
    f.only(("month", "from", "to", "topic", "lessons", "family_tip"))
    topic = f.checked("topic", validate.one_line, required=True) or ""
    if f.data.get("month") is not None:
        first, last = _month(f)
    else:
        given = f.checked("from", validate.day, required=True)
        ends = f.checked("to", validate.day, required=True)
        assert given is not None and ends is not None
        first, last = given, ends
        if last < first:
            raise f.fail("to", f"{last} is before 'from' ({first}).", hint="Swap the two.")
    if year and (last < year.first_day or first > year.last_day):
        raise f.fail(
            "month" if "month" in f.data else "from",
            f"'{topic}' ({first} to {last}) lies outside the school year ({year.first_day} "
            f"to {year.last_day}).",
            hint="Move it into the year (newsletter.yaml's school_year), or remove it.",
        )
    lessons = _lessons(f)
    return PlanEntry(topic, first, last, lessons, f.text("family_tip"), f.where())


def _month(f: Fields) -> tuple[dt.date, dt.date]:
    text = str(f.data["month"]).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise f.fail(
            "month", f"'{text}' is not a month.", hint="Write it as YYYY-MM, like 2026-10."
        )
    from dateutil.relativedelta import relativedelta

    first = dt.date(int(match[1]), int(match[2]), 1)
    return first, first + relativedelta(months=1, days=-1)


def _lessons(f: Fields) -> list[Lesson]:
    raw = f.data.get("lessons")
    if raw is None:
        return []
    if not isinstance(raw, dict):
        raise f.fail("lessons", "expected one line per grade band: 'K-2: {title, url, minutes}'.")
    lessons = []
    for band, about in raw.items():
        try:
            (grades,) = validate.grades(str(band)) or [""]
        except ValueError as err:
            raise f.fail("lessons", f"'{band}': {err}.") from None
        line = raw.line_of(band) if hasattr(raw, "line_of") else f.line
        if isinstance(about, str):  # a title alone
            lessons.append(Lesson(grades, validate.one_line(about)))
            continue
        entry = Fields(about, f.path, f"lesson for {band}", line)
        entry.only(("title", "url", "minutes"))
        minutes = entry.number("minutes", 0, minimum=0, maximum=600) or None
        lessons.append(Lesson(grades, entry.text("title"),
                              entry.checked("url", validate.url) or "", minutes))  # fmt: skip
    return lessons


def _observance(raw: Any, path: Path, line: int) -> Observance:
    f = Fields(raw, path, "observance", line)
    f.only(("name", "rule", "days", "note"))
    name = f.checked("name", validate.one_line, required=True) or ""
    rule = f.text("rule", required=True)
    from dateutil import rrule

    try:
        rrule.rrulestr(rule, dtstart=dt.datetime(2026, 1, 1))
    except (ValueError, TypeError) as err:
        raise f.fail(
            "rule",
            f"'{rule}' is not a repeat rule ({err}).",
            hint="Write an RFC 5545 RRULE, like FREQ=YEARLY;BYMONTH=10;BYDAY=MO;BYSETPOS=3 "
            "(the third Monday of October).",
        ) from None
    return Observance(name, rule, f.number("days", 1, minimum=1, maximum=31), f.text("note"),
                      f.where())  # fmt: skip


def topic_for(
    plan: Plan,
    day: dt.date,
    grades: Sequence[str],
    year: SchoolYear | None,
    featured: Any,
) -> CitizenshipTopic | None:
    """The topic for an issue of `day` read by teachers of `grades` (every band, when
    none): the lessons of their bands, the observances of the next two weeks; it
    introduces the topic when no issue someone got has carried it this year."""
    entry = plan.on(day)
    near = _near(plan, day)
    if entry is None and not near:
        return None
    mask = validate.grade_mask(grades) if grades else 0
    lessons = [
        lesson
        for lesson in (entry.lessons if entry else [])
        if not mask or validate.grade_mask([lesson.grades]) & mask
    ]
    since = _since(year, entry) if entry else (year.first_day if year else day).isoformat()
    found = CitizenshipTopic(
        entry.topic if entry else "",
        since,
        lessons=lessons,
        family_tip=entry.family_tip if entry else "",
        observances=near,
    )
    if entry is not None and topic_key(year, entry) not in featured:
        found.introduces = "yes"
    return found


def _near(plan: Plan, day: dt.date) -> list[str]:
    until = day + dt.timedelta(days=NEAR_DAYS)
    found = []
    for observance in plan.observances:
        for first, last in observance.dates(day - dt.timedelta(days=observance.days - 1), until):
            if last < day:
                continue
            span = span_of(first, last)
            note = f": {observance.note}" if observance.note else ""
            found.append(f"{observance.name}, {span}{note}")
    return found


def span_of(first: dt.date, last: dt.date) -> str:
    if first == last:
        return f"{first:%b} {first.day}"
    return f"{first:%b} {first.day} - {last:%b} {last.day}"


def where_is(plan: Plan) -> str:
    return shown(plan.path) if plan.path else PLAN_FILE


@dataclass
class Coverage:
    """What one grade band has been sent of the plan this school year, and what is left."""

    band: str
    sent: list[str]  # topics its readers have had, in the plan's order
    planned: list[str]  # topics still ahead in the plan with a lesson for it
    missing: list[str]  # topics of the plan it has neither had nor has ahead


def topic_key(year: SchoolYear | None, entry: PlanEntry, band: str = "") -> str:
    """The key an issue that carried the entry's topic (to `band`) has in the catalog."""
    return lesson_key(_since(year, entry), entry.topic, band)


def _since(year: SchoolYear | None, entry: PlanEntry) -> str:
    """The school year a topic is sent in, by its first day (the entry's own without one)."""
    return (year.first_day if year else entry.first).isoformat()


def coverage(plan: Plan, year: SchoolYear | None, featured: Any, today: dt.date) -> list[Coverage]:
    """For each band of the plan: the topics its readers were sent this school year
    (read from the issues someone got: `featured`), those ahead, and those left out."""
    found = []
    for band in plan.bands:
        sent = [e.topic for e in plan.entries if topic_key(year, e, band) in featured]
        ahead = [
            e.topic
            for e in plan.entries
            if e.last >= today and any(lesson.grades == band for lesson in e.lessons)
        ]
        sent, ahead = list(dict.fromkeys(sent)), list(dict.fromkeys(ahead))
        missing = [t for t in plan.topics if t not in sent and t not in ahead]
        found.append(Coverage(band, sent, [t for t in ahead if t not in sent], missing))
    return found


def coverage_warnings(
    plan: Plan, year: SchoolYear | None, featured: Any, today: dt.date
) -> list[str]:
    """From March on: a band with topics it has not had that the plan no longer has
    room for (none of its months ahead has a lesson of them for the band)."""
    if not plan.entries or today.month not in (3, 4, 5, 6, 7) or (year and today > year.last_day):
        return []
    return [
        f"{where_is(plan)}: grades {c.band} have not had {', '.join(repr(t) for t in c.missing)} "
        "this school year, and no month left in the plan has a lesson of it for them. "
        "Hint: give a month ahead a lesson for them."
        for c in coverage(plan, year, featured, today)
        if c.missing
    ]
