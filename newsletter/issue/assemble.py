"""Choosing an issue's date and number, and what goes into it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from newsletter.approvals.register import Register
from newsletter.approvals.verdict import not_approved_for, readers_grades
from newsletter.approvals.wording import district_line
from newsletter.archive.record import ArchivedIssue
from newsletter.calendar import all_occurrences, occurrences
from newsletter.feeds.collect import FeedOutcome
from newsletter.issue.editions import goes_to
from newsletter.model import AfterTalk, FeedItem, Issue, Masthead, cleaned_issue, intro_key
from newsletter.notes.read import Notes
from newsletter.notes.requests import answered_already, answered_here
from newsletter.text.plain import shorten
from newsletter.workspace.settings import Edition, Settings, subject_for


def next_issue_date(today: dt.date, weekday: int) -> dt.date:
    """The next issue day (a weekday, Monday = 0) on or after today."""
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def issue_number(archive: list[ArchivedIssue], date: dt.date) -> int:
    """The number the issue for `date` has, or the next one after the archive's last."""
    for entry in archive:
        if entry.date == date:
            return entry.number
    return max((entry.number for entry in archive), default=0) + 1


def previous_sent(archive: list[ArchivedIssue], date: dt.date) -> ArchivedIssue | None:
    sent = [entry for entry in archive if entry.published and entry.date < date]
    return sent[-1] if sent else None


def feed_window_start(
    settings: Settings, archive: list[ArchivedIssue], date: dt.date
) -> dt.datetime:
    """Posts count from the previous sent issue, or from N days back when there is none."""
    last = previous_sent(archive, date)
    if last is not None:
        return last.sent_at or dt.datetime.combine(last.date, dt.time(), settings.zone)
    start = date - dt.timedelta(days=settings.feeds.window_days)
    return dt.datetime.combine(start, dt.time(), settings.zone)


def date_label(date: dt.date, language: str = "en") -> str:
    """'Nov 27, 2026': no leading zero, the same on every platform (in another
    language, its own way: '27 nov 2026')."""
    from newsletter.text.dates import date_label as in_language

    return in_language(date, language)


def assemble_issue(
    settings: Settings,
    notes: Notes,
    feed_items: list[FeedItem],
    archive: list[ArchivedIssue],
    date: dt.date,
    featured: Mapping[str, int],
) -> Issue:
    """Everything for the issue of `date`: notes not yet featured in a sent issue
    (`featured`: each key with the last issue that featured it), or to be featured
    again after it, events still ahead (within events_days_ahead), and the chosen
    feed posts."""
    number = issue_number(archive, date)

    def fresh(note: Any) -> bool:
        again = getattr(note, "again_after", None) or 0
        return all(featured.get(key, 0) <= again for key in note.keys)

    day_start = dt.datetime.combine(date, dt.time(), settings.zone)
    horizon = day_start + dt.timedelta(days=settings.events_days_ahead)
    events = [
        e for e in all_occurrences(notes.events, settings.zone) if day_start <= e.start < horizon
    ]
    intro = notes.intro if notes.intro and intro_key(notes.intro) not in featured else ""
    # The talks since the issue before this one: what they left, and their exit slip.
    earlier = [e.date for e in archive if e.date < date]
    first = date - dt.timedelta(days=28)  # no issue before it: the talks of four weeks
    since = dt.datetime.combine(max(earlier) if earlier else first, dt.time(23, 59, 59),
                                settings.zone)  # fmt: skip
    after_talks = [
        after_talk(e, settings.zone)
        for e in all_occurrences(notes.events, settings.zone)
        if since < e.start < day_start and (e.slides or e.recordings or e.exit_slip)
    ]
    issue = Issue(
        number=number,
        date=date,
        subject=subject_for(settings, number, date_label(date, settings.language)),
        masthead=masthead(settings),
        sections=list(settings.sections),
        intro=intro,
        tools=[t for t in notes.tools if fresh(t)],
        events=events,
        tips=[t for t in notes.tips if fresh(t)],
        citizenship=[c for c in notes.citizenship if fresh(c)],
        links=[link for link in notes.links if fresh(link)],
        after_talks=after_talks,
        feed_items=feed_items,
    )
    issue.requests = answered_here(notes.requests, issue.tools)  # "You asked, we found"
    issue.requests += answered_already(notes.requests, fresh)  # "We already have X"
    shown = {(e.title, e.start) for e in events}
    issue.series = [  # for the calendar file: a repeating talk as one event with its rule
        s for s in notes.events
        if s.every and any((o.title, o.start) in shown for o in occurrences(s, settings.zone))
    ]  # fmt: skip
    issue.preheader = preheader(issue)
    issue.next_issue = next_issue_line(settings, date)
    return cleaned_issue(issue)  # the masthead's footer, from newsletter.yaml, too


def next_issue_line(settings: Settings, date: dt.date) -> str:
    """Before a break (the next issue day has no issue): when the next issue comes."""
    year = settings.school_year
    following = date + dt.timedelta(days=7)
    why = year.no_issue(following) if year else ""
    if not year or not why:
        return ""
    after = year.next_issue_day(following, settings.issue_weekday)
    if after is None:
        return "This is the last issue of the school year."
    return f"No issue next week ({why}): the next comes {after:%A, %B} {after.day}."


def with_decisions(issue: Issue, register: Register, edition: Edition | None) -> list[str]:
    """Give each tool of the issue the district's decision on it, said for the issue's
    readers (the edition's grades the tool is for, or the tool's own); returns, for
    each tool not approved for them, why. A workspace whose register is empty does
    not keep one: its issues say nothing of decisions."""
    problems = []
    for tool in issue.tools:
        approval = register.of(tool)
        grades = readers_grades(tool.grades, edition.grades if edition else ())
        tool.status = approval.status if approval else ""
        tool.district = district_line(approval, grades, issue.date) if len(register) else ""
        why = not_approved_for(approval, tool.name, grades, issue.date,
                               edition.name if edition else "")  # fmt: skip
        if why:
            problems.append(why)
    return problems


def after_talk(event: Any, zone: dt.tzinfo) -> AfterTalk:
    """One date of a talk as the next issue recalls it (occurrences carry only their
    own date's slides and recording)."""
    day = event.start.astimezone(zone).date()
    iso = day.isoformat()
    return AfterTalk(event.title, day, event.slides.get(iso, ""), event.recordings.get(iso, ""),
                     event.exit_slip)  # fmt: skip


def is_empty(issue: Issue) -> bool:
    """No tools, events, tips or intro: blog posts alone are no issue to send staff."""
    return not (issue.tools or issue.events or issue.tips or issue.intro.strip())


def preheader(issue: Issue) -> str:
    """The line inbox lists show after the subject: what is inside."""
    parts: list[str] = []
    if issue.tools:
        names = [t.name for t in issue.tools[:3]]
        parts.append(
            "New tools: " + ", ".join(names) + (" and more" if len(issue.tools) > 3 else "")
        )
    if issue.events:
        parts.append(f"Coming up: {issue.events[0].title}")
    if issue.tips:
        parts.append("a tip of the week")
    if issue.feed_items:
        parts.append(f"{len(issue.feed_items)} picks from edtech blogs")
    text = "; ".join(parts) or f"This week's {issue.masthead.title}"
    return shorten(text, 150)


def choose_items(
    outcomes: list[FeedOutcome],
    since: dt.datetime,
    featured: Collection[str],
    max_items: int,
    edition: Edition | None = None,
) -> list[FeedItem]:
    """The posts for an issue (of `edition`): in the window, never featured before (by
    link or GUID, across all feeds and the archive), filtered and limited per feed,
    newest first. A post carries its feed's grades, which decide its editions."""
    chosen: list[FeedItem] = []
    taken = set(featured)
    for outcome in outcomes:
        source = outcome.source
        if edition is not None and not goes_to(source, edition):
            continue
        count = 0
        for item in outcome.items:
            if count >= source.limit:
                break
            if item.published is None or item.published < since:
                continue
            if taken & set(item.keys) or not source.wants(item):
                continue
            taken.update(item.keys)
            chosen.append(replace(item, grades=list(source.grades)) if source.grades else item)
            count += 1
    chosen.sort(key=lambda i: i.published or since, reverse=True)
    return chosen[:max_items]


def masthead(settings: Settings) -> Masthead:
    """The masthead of an issue: who publishes it, and how it looks."""
    return Masthead(
        title=settings.title,
        tagline=settings.tagline,
        organization=settings.organization,
        editor_name=settings.editor_name,
        editor_email=settings.editor_email,
        time_zone=settings.time_zone,
        footer=settings.footer,
        logo_url=settings.logo_url,
        logo_alt=settings.logo_alt,
        logo_width=settings.logo_width,
        logo_height=settings.logo_height,
        colors=dict(settings.colors),
        logo_dark_url=settings.logo_dark_url,
        site_url=settings.site.base_url,
        unsubscribe=settings.send.unsubscribe,
        language=settings.language,
        section_titles=dict(settings.section_titles),
    )
