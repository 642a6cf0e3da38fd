"""Building an issue: gather (settings, notes, feeds, archive) -> assemble the
issue -> render it -> write the rendered email and the archive file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsletter.approvals.register import Register, load_register
from newsletter.archive.record import (
    ArchivedIssue,
    already_sent_line,
    archive_path,
    archive_text,
    email_fingerprint,
)
from newsletter.archive.sendlog import someone_has
from newsletter.calendar import all_occurrences
from newsletter.catalog.db import Catalog, load_archive, open_catalog
from newsletter.email.render import render_archive_body, render_email
from newsletter.email.rendered import rendered_paths, size_warning
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.feeds.collect import FeedOutcome, collector_for, describe_failures
from newsletter.feeds.sources import active, load_feed_sources
from newsletter.issue.assemble import (
    assemble_issue,
    choose_items,
    feed_window_start,
    next_issue_date,
    with_decisions,
)
from newsletter.issue.editions import (
    Edition,
    check_editions,
    issue_keys,
    notes_for,
    own_items,
    with_title,
)
from newsletter.model import Event, Issue, IssueKey, intro_key
from newsletter.notes.events import with_breaks
from newsletter.notes.plan import Plan, load_plan, topic_for
from newsletter.notes.read import Notes, load_notes
from newsletter.workspace.files import write_together
from newsletter.workspace.folder import Workspace
from newsletter.workspace.lock import workspace_lock
from newsletter.workspace.settings import Settings, require_settings


class FeedsFailed(NewsletterError):
    """--strict: some feeds failed, so nothing was built."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        super().__init__(
            f"{count} feed{'s' if count != 1 else ''} failed and --strict is on; "
            "nothing was built.",
            hint="Fix or remove the feeds named above in feeds.yaml, or build without --strict.",
        )
        self.problems = problems


@dataclass
class BuildResult:
    issue: Issue
    archive_file: Path
    html_file: Path | None = None
    text_file: Path | None = None
    already_sent: ArchivedIssue | None = None
    feed_outcomes: list[FeedOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    edition: Edition | None = None
    own_items: int = 0  # the edition's tools, links and posts for its grades
    kept: ArchivedIssue | None = None  # a draft edited by hand, left as it is
    next_date: dt.date | None = None  # already sent: the issue day to build next


def issue_date(
    settings: Settings,
    date: dt.date | None,
    now: dt.datetime,
    force: bool = False,
    after_sent: dt.date | None = None,
) -> tuple[dt.date, str]:
    """The date to build, and what to say of it. Given (--date), a date in a break or
    outside the school year is refused without --force. Not given, it is the next
    issue day that has an issue; outside the school year, the next issue day, said so."""
    year = settings.school_year
    if date is not None:
        closed = year.no_issue(date) if year else ""
        if year and closed and not force:
            following = year.next_issue_day(date, settings.issue_weekday)
            if following and after_sent and following < after_sent:
                following = after_sent  # never an issue day that has gone out already
            nxt = f"Build the next issue with --date {following}, or add" if following else "Add"
            raise InputError(
                f"no issue on {date}: {closed} (newsletter.yaml's school_year).",
                hint=f"{nxt} --force to build this one anyway.",
            )
        return date, ""
    date = next_issue_date(now.astimezone(settings.zone).date(), settings.issue_weekday)
    closed = year.no_issue(date) if year else ""
    if not year or not closed:
        return date, ""
    following = year.next_issue_day(date, settings.issue_weekday)
    if following is None:
        return date, (f"{date} is {closed}: built anyway; the Friday job sends nothing "
                      "until newsletter.yaml has the next school year.")  # fmt: skip
    return following, f"no issue on {date} ({closed}): this is the issue of {following}."


def next_after_sent(settings: Settings, archive: list[ArchivedIssue]) -> dt.date | None:
    """The issue day (with an issue, by the school year) after the newest sent issue."""
    sent = [entry.date for entry in archive if entry.published]
    if not sent:
        return None
    newest = max(sent)
    if settings.school_year:
        return settings.school_year.next_issue_day(newest, settings.issue_weekday)
    return next_issue_date(newest + dt.timedelta(days=1), settings.issue_weekday)


def build_issues(
    workspace: Workspace,
    *,
    now: dt.datetime,
    date: dt.date | None = None,
    offline: bool = False,
    force: bool = False,
    strict: bool = False,
    progress: Callable[[FeedOutcome], None] | None = None,
) -> list[BuildResult]:
    """Build the issue of `date` (one per edition, when newsletter.yaml has editions)
    as one unit: the rendered emails and the archive files change together or not at
    all, under the workspace lock, so that a send never sees (or undoes) half a build."""
    settings = require_settings(workspace.settings_file)
    notes = load_notes(workspace, settings.zone)
    notes.events = with_breaks(notes.events, settings)  # no Tech Talk over a break
    register = load_register(workspace)
    plan = load_plan(workspace, settings.school_year)
    sources = active(load_feed_sources(workspace.feeds_file))
    editions = settings.editions
    if editions:
        check_editions(workspace, settings, notes)
    # A first look, so that no feed is fetched for issues that will not be built.
    first_look = load_archive(workspace)
    following = next_after_sent(settings, first_look)
    date, said = issue_date(settings, date, now, force, following)
    keys = issue_keys(editions, date)
    stops = _not_rebuilt(workspace, first_look, keys, force)
    for stop in stops:
        if stop is not None:
            stop.next_date = following
    if all(stops):
        return [stop for stop in stops if stop]
    later = [e for e in first_look if e.published and e.date > date]
    if later and not force:
        newest = max(later, key=lambda e: e.date)
        raise InputError(
            f"issue #{newest.number} ({newest.date}) has gone out already; an issue dated "
            f"{date} would come before it.",
            hint=f"Build the next one with --date {following}, or add --force to build this "
            "one anyway.",
        )
    if date.weekday() != settings.issue_weekday:
        from newsletter.workspace.validate import WEEKDAYS

        said = " ".join(part for part in (said, (
            f"{date} is a {WEEKDAYS[date.weekday()].capitalize()}, not the issue day "
            f"({WEEKDAYS[settings.issue_weekday].capitalize()})."
        )) if part)  # fmt: skip

    # The slow part, outside the lock: a send may run meanwhile.
    collector = collector_for(workspace, settings)
    outcomes = collector.collect(sources, now, offline=offline, progress=progress)
    failures = describe_failures(outcomes)
    if strict and failures:
        raise FeedsFailed(failures)

    with (
        workspace_lock(workspace.state_dir, "build"),
        open_catalog(workspace, thorough=True) as catalog,
    ):
        archive = catalog.archive().all_or_raise()  # again: a send may have finished meanwhile
        stops = _not_rebuilt(workspace, archive, keys, force)
        left_over = _other_drafts(workspace, archive, date, keys, force, settings.time_zone)
        told = catalog.published_events()  # events staff have seen in an issue already
        results: list[BuildResult] = []
        writes: list[tuple[Path, str]] = []
        made: list[Edition | None] = list(editions) or [None]
        for edition, key, stop in zip(made, keys, stops, strict=True):
            if stop:
                results.append(stop)
                continue
            result, files = _build_one(workspace, settings, notes, (register, plan), outcomes,
                                       catalog, archive, key, edition, now)  # fmt: skip
            results.append(result)
            writes += files
        if writes:  # everything rendered without error: all or none
            write_together(writes)
        for entry in left_over:  # with its rendered email
            for path in (entry.path, *rendered_paths(workspace, entry.key)):
                path.unlink(missing_ok=True)
    events = all_occurrences(notes.events, settings.zone)
    first = next((r for r in results if not (r.already_sent or r.kept)), None)
    if first is not None and said:
        first.warnings.insert(0, said)
    if first is not None:  # said once, not once per edition
        first.warnings += missed_events([e for e in events if e.key not in told], date, now,
                                        settings)  # fmt: skip
        now_made = ", ".join(str(key) for key in keys)
        why = "newsletter.yaml's editions make" if editions else "without editions, build makes"
        first.warnings += [
            f"removed the draft {shown(entry.path)}: {why} {now_made} instead."
            for entry in left_over
        ]
    return results


def _build_one(
    workspace: Workspace,
    settings: Settings,
    notes: Notes,
    register_and_plan: tuple[Register, Plan],
    outcomes: list[FeedOutcome],
    catalog: Catalog,
    archive: list[ArchivedIssue],
    key: IssueKey,
    edition: Edition | None,
    now: dt.datetime,
) -> tuple[BuildResult, list[tuple[Path, str]]]:
    """One issue (one edition's): its content, its email, and the files to write.
    What was featured, and where the feed window starts, are the edition's own."""
    name = edition.name if edition else None
    featured = catalog.featured_keys(name, edition.group if edition else "")
    own = [entry for entry in archive if name is None or entry.key.edition in ("", name)]
    since = feed_window_start(settings, own, key.date)
    items = choose_items(outcomes, since, featured, settings.feeds.max_items, edition)
    mine = notes_for(notes, edition)
    issue = assemble_issue(with_title(settings, edition), mine, items, archive, key.date, featured)
    issue.edition, issue.group = key.edition, edition.group if edition else ""
    register, plan = register_and_plan
    not_approved = with_decisions(issue, register, edition)
    grades = edition.grades if edition else ()
    issue.lesson = topic_for(plan, key.date, grades, settings.school_year, featured)
    if not_approved and settings.approvals.policy == "refuse":
        more = f" (and {len(not_approved) - 1} more)" if len(not_approved) > 1 else ""
        raise InputError(
            f"{not_approved[0]}{more}; nothing was built (newsletter.yaml's approvals.policy "
            "is refuse).",
            hint="Record the district's decision with 'newsletter vet', take the tool out "
            "of notes/tools.yaml, or set approvals.policy to warn.",
        )
    email = render_email(issue, workspace.templates_dir)
    body = render_archive_body(issue, workspace.templates_dir)
    html_file, text_file = rendered_paths(workspace, key)
    path = archive_path(workspace, key)
    record = archive_text(
        issue, body, built_at=now, rendered=email_fingerprint(email.html, email.text)
    )
    result = BuildResult(issue, path, html_file, text_file, feed_outcomes=outcomes)
    result.warnings = [w for w in [size_warning(email.html, settings)] if w]
    spent = featured.get(intro_key(mine.intro)) if mine.intro.strip() else None
    if spent and not issue.intro:
        result.warnings.append(
            f"the intro in notes/ went out in #{spent} already, so this issue has none: "
            "write this week's, or empty the file."
        )
    if len(register):  # an empty register: the workspace keeps none
        result.warnings += [f"{why}: the issue says so under it." for why in not_approved]
    if edition is not None:
        result.edition = edition
        result.own_items = own_items(issue, edition)
    return result, [(html_file, email.html), (text_file, email.text), (path, record)]


def missed_events(
    events: list[Event], date: dt.date, now: dt.datetime, settings: Settings
) -> list[str]:
    """Events still ahead that start before this issue's day: no issue will show
    them (an issue shows events from its own day on)."""
    day_start = dt.datetime.combine(date, dt.time(), settings.zone)
    return [
        f"the event '{e.title}' ({e.start:%a %b %d, %H:%M}) starts before this issue's day "
        f"({date:%a %b %d}), so no issue will show it. Tell staff another way, or build "
        "an issue dated before it (--date)."
        for e in events
        if now <= e.start < day_start
    ]


def _not_rebuilt(
    workspace: Workspace, archive: list[ArchivedIssue], keys: list[IssueKey], force: bool
) -> list[BuildResult | None]:
    """For each issue of `keys`, a result that says why it is not built again, or None."""
    stops: list[BuildResult | None] = []
    for key in keys:
        path = archive_path(workspace, key)
        existing = next((a for a in archive if a.key == key), None)
        if existing is None:
            stops.append(None)
        elif someone_has(workspace.state_dir, existing):
            stops.append(BuildResult(existing.issue, path, already_sent=existing))
        elif existing.hand_edited and not force and len(keys) > 1:  # one edition of several
            stops.append(BuildResult(existing.issue, path, kept=existing))
        elif existing.hand_edited and not force:
            raise InputError(
                f"{shown(path)} was edited by hand since it was built; building again would "
                "replace your changes.",
                hint="Keep a copy of your changes, then build again with --force.",
            )
        else:
            stops.append(None)
    return stops


def _other_drafts(
    workspace: Workspace, archive: list[ArchivedIssue], date: dt.date, keys: list[IssueKey],
    force: bool, zone_name: str = "UTC",
) -> list[ArchivedIssue]:  # fmt: skip
    """Drafts of `date` that newsletter.yaml's editions no longer make (built before
    editions were added, or as an edition since removed): they go, so that `send`
    never sends them. One someone has, or one edited by hand, stops the build. A file
    that is neither (a copy under another name) is left alone."""
    others = [
        entry
        for entry in archive
        if entry.date == date
        and entry.key not in keys
        and (entry.an_edition or not entry.key.edition)
    ]
    for entry in others:
        if someone_has(workspace.state_dir, entry):
            raise InputError(
                f"{already_sent_line(entry, zone_name)} as {shown(entry.path)}, which "
                "newsletter.yaml's "
                "editions do not make; its editions cannot be built for the same day.",
                hint=f"Build the next issue with --date {date + dt.timedelta(days=7)}.",
            )
        if entry.hand_edited and not force:
            raise InputError(
                f"{shown(entry.path)} was edited by hand, and newsletter.yaml's editions "
                "no longer make it; building would remove it.",
                hint="Keep a copy of your changes, then build again with --force.",
            )
    return others
