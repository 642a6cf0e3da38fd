"""newsletter check: read the whole workspace (settings, feeds, notes, templates,
staff list, archive, the register of vetted tools) and report every problem at
once, each with file:line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.archive.record import ArchivedIssue, check_numbers
from newsletter.catalog.db import open_catalog
from newsletter.catalog.search import Filters, featured_tools
from newsletter.check.approvals import register_findings
from newsletter.email.render import render_archive_body, render_email, template_syntax_problems
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.feeds.sources import FEED_SECTIONS, load_feed_sources
from newsletter.issue.assemble import assemble_issue
from newsletter.issue.editions import edition_problems, without_edition
from newsletter.model import FeedItem
from newsletter.notes.events import with_breaks
from newsletter.notes.plan import coverage_warnings, load_plan
from newsletter.notes.read import Notes, load_notes
from newsletter.pd.attendance import duplicates, load_attendance
from newsletter.workspace.folder import Workspace
from newsletter.workspace.schoolyear import year_warnings
from newsletter.workspace.settings import Settings, require_settings
from newsletter.workspace.staff import Recipient, read_staff_list
from newsletter.workspace.starter import placeholders_left
from newsletter.workspace.yamlfile import collecting


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)  # each one makes `check` fail
    warnings: list[str] = field(default_factory=list)  # worth knowing before Friday


def check_workspace(workspace: Workspace, now: dt.datetime) -> Findings:
    """Every problem found, one line each; no problems means all is well."""
    problems: list[InputError] = []
    settings = collecting(problems, require_settings, workspace.settings_file)
    zone = settings.zone if settings else dt.UTC
    today = now.astimezone(zone).date()  # the workspace's today, as every command's
    collecting(problems, load_feed_sources, workspace.feeds_file, problems)
    attended = collecting(problems, load_attendance, workspace, problems) or []  # PD record
    problems += [
        InputError(
            f"attendance.yaml: {a.email} is recorded twice for {a.talk} '{a.title}'; it "
            "counts once.",
            hint="Remove one of the two entries.",
        )
        for a in duplicates(attended)
    ]
    notes = load_notes(workspace, zone, problems)
    if settings:
        notes.events = with_breaks(notes.events, settings)
    with open_catalog(workspace, thorough=True) as catalog:
        found = catalog.archive()  # the issues that cannot be read are read again, to name them
        answered = catalog.featured_keys()
        known_ids = catalog.request_ids()
        featured = catalog.guarded(featured_tools, catalog, Filters())
    problems += found.problems()
    archive = found.entries
    collecting(problems, check_numbers, archive)
    findings = Findings([str(p) for p in problems])
    problems_of_plan: list[InputError] = []
    if settings:
        findings.problems += _check_templates(workspace, settings, notes, archive, today)
        staff = _check_staff(workspace, settings, findings)
        findings.problems += edition_problems(settings, notes, staff)
        findings.problems += _drafts_of_other_editions(settings, archive)
        findings.warnings += _waiting_requests(notes, answered, today, settings)
        findings.warnings += placeholders_left(workspace.settings_file)
        findings.warnings += year_warnings(settings.school_year, today, settings.issue_weekday)
        plan = collecting(problems_of_plan, load_plan, workspace, settings.school_year)
        findings.problems += [str(p) for p in problems_of_plan]
        if plan is not None:
            findings.warnings += coverage_warnings(plan, settings.school_year, answered, today)
        findings.warnings += _empty_next_issue(settings, notes, archive, today, answered)
        wrong, worth_knowing = register_findings(
            workspace, today, settings.approvals.remind_days, featured, notes.tools
        )
        findings.problems += wrong
        findings.warnings += worth_knowing
    findings.warnings += _notes_twice(notes)
    findings.problems += _request_mistakes(notes, known_ids, today)
    return findings


def _drafts_of_other_editions(settings: Settings, archive: list[ArchivedIssue]) -> list[str]:
    """A draft of an edition newsletter.yaml no longer has: `send` would stop on it."""
    names = {edition.name for edition in settings.editions}
    return [
        f"{shown(entry.path)}: a draft of the edition '{entry.edition}', which "
        "newsletter.yaml does not have. Hint: 'newsletter build' replaces it with the "
        "issues newsletter.yaml makes, or add the edition back."
        for entry in archive
        if entry.an_edition and entry.edition not in names and not entry.published
    ]


def _empty_next_issue(
    settings: Settings,
    notes: Notes,
    archive: list[ArchivedIssue],
    today: dt.date,
    featured: dict[str, int],
) -> list[str]:
    """A warning when the next issue, built now, would have nothing of the editor's."""
    from newsletter.issue.assemble import is_empty, next_issue_date

    date = next_issue_date(today, settings.issue_weekday)
    if any(entry.date == date and entry.published for entry in archive):
        return []
    if not is_empty(assemble_issue(settings, notes, [], archive, date, featured)):
        return []
    return [
        f"the next issue ({date}) would have no tools, events, tips or intro: add some "
        "('newsletter add-tool', 'add-event', 'add-tip', or notes/intro.md); 'send' refuses "
        "such an issue without --force."
    ]


def _notes_twice(notes: Notes) -> list[str]:
    """A note written twice, to the letter (a block pasted again): the issue would
    show it twice."""
    from newsletter.notes.edit import twice
    from newsletter.notes.kinds import KINDS

    found = []
    for kind in KINDS.values():
        entries = getattr(notes, kind.name)
        for note in twice(entries):
            name = getattr(note, "name", "") or getattr(note, "title", "") or kind.what
            found.append(
                f"notes/{kind.file}: '{' '.join(str(name).split())[:60]}' is there "
                f"{entries.count(note)} times, the same each time; the issue would show it "
                f"that often. Hint: 'newsletter notes {kind.name}' numbers them, and "
                f"'newsletter remove {kind.name} N' takes one out."
            )
    return found


def _request_mistakes(notes: Notes, archived_ids: set[str], today: dt.date) -> list[str]:
    """Ids that would tie a tool to the wrong request, or to none."""
    from newsletter.notes.requests import answered_ids

    where = "notes/requests.yaml"
    ids = [r.id for r in notes.requests]
    problems = [
        f"{where}: the request '{' '.join(r.text.split())[:60]}' has no id. Hint: give it "
        "the next one, like R" + str(len(ids) + 1) + "."
        for r in notes.requests
        if not r.id
    ]
    problems += [
        f"{where}: two requests have the id {i}. Hint: give one of them another id."
        for i in sorted({i for i in ids if i and ids.count(i) > 1})
    ]
    problems += [
        f"{where}: request {r.id} was asked on {r.asked}, a day still to come. Hint: give "
        "the day it was asked."
        for r in notes.requests
        if r.asked and r.asked > today
    ]
    for tool in notes.tools:
        for wanted in answered_ids(tool) - set(ids) - archived_ids:
            problems.append(
                f"notes/tools.yaml: '{tool.name}' answers {wanted}, which is no request in "
                f"{where}. Hint: correct the id, or add the request with 'newsletter request'."
            )
    return problems


def _waiting_requests(
    notes: Notes, answered: dict[str, int], today: dt.date, settings: Settings
) -> list[str]:
    """Teachers' requests open longer than requests.remind_after_days."""
    days = settings.requests.remind_after_days
    return [
        f"request {r.id} has waited {(today - r.asked).days} days: "
        f"'{' '.join(r.text.split())}'. Answer it with add-tool --answers {r.id}, or "
        "remove it from notes/requests.yaml."
        for r in notes.requests
        if r.asked and (today - r.asked).days > days and r.keys[0] not in answered
        and not (r.declined or r.already)
    ]  # fmt: skip


def _check_templates(
    workspace: Workspace,
    settings: Settings,
    notes: Notes,
    archive: list[ArchivedIssue],
    today: dt.date,
) -> list[str]:
    """Compile each template, then render a specimen issue: this week's notes and a
    made-up post in every feed section, so each section's branch runs once."""
    syntax = template_syntax_problems(workspace.templates_dir)
    if syntax:
        return [str(err) for err in syntax]
    specimen = [
        FeedItem(
            title="A specimen post",
            link="https://blog.example.org/post",
            source="Specimen Blog",
            summary="Checks that the template renders a post.",
            published=dt.datetime.combine(today, dt.time(), dt.UTC),
            section=section,
        )
        for section in FEED_SECTIONS
    ]
    issue = assemble_issue(settings, notes, specimen, archive, today, {})
    lines = []
    for render in (render_email, render_archive_body):
        try:
            render(issue, workspace.templates_dir)
        except NewsletterError as err:
            lines.append(str(err))
    return lines


def _check_staff(
    workspace: Workspace, settings: Settings, findings: Findings
) -> list[Recipient] | None:
    """The staff list's problems; its people, when it can be read."""
    if settings.send.list_address:
        return None
    path = workspace.root / settings.send.staff_list
    try:
        staff = read_staff_list(path)
    except InputError as err:
        findings.problems.append(str(err))
        return None
    findings.problems += staff.problems
    if not staff.recipients:
        findings.problems.append(f"{shown(path)}: nobody to send to.")
    findings.warnings += staff.outside_ascii()
    findings.warnings += [
        f"{r.where}: {r.email} is the starter's example address; put in your staff (or "
        "their distribution list) before the first send."
        for r in staff.recipients
        if r.email.lower().endswith("@your-district.example.org")
    ]
    left_out = without_edition(settings.editions, staff.recipients)
    findings.warnings += [left_out] if left_out else []
    return staff.recipients
