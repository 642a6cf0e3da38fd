"""newsletter check: read the whole workspace (settings, feeds, notes, templates,
staff list, archive) and report every problem at once, each with file:line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from newsletter.archive import ArchivedIssue, check_numbers
from newsletter.catalog import open_catalog
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.feeds import FEED_SECTIONS, load_feed_sources
from newsletter.issue import assemble_issue
from newsletter.model import FeedItem
from newsletter.notes import Notes, load_notes
from newsletter.recipients import read_staff_list
from newsletter.render import render_archive_body, render_email, template_syntax_problems
from newsletter.settings import Settings, require_settings
from newsletter.workspace import Workspace
from newsletter.yamlfile import collecting


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
    notes = load_notes(workspace, zone, problems)
    with open_catalog(workspace, thorough=True) as catalog:
        found = catalog.archive()  # the issues that cannot be read are read again, to name them
        answered = catalog.featured_keys()
    problems += found.problems()
    archive = found.entries
    collecting(problems, check_numbers, archive)
    findings = Findings([str(p) for p in problems])
    if settings:
        findings.problems += _check_templates(workspace, settings, notes, archive, today)
        _check_staff(workspace, settings, findings)
        findings.warnings += _waiting_requests(notes, answered, today, settings)
    return findings


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
    ]


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


def _check_staff(workspace: Workspace, settings: Settings, findings: Findings) -> None:
    if settings.send.list_address:
        return
    path = workspace.root / settings.send.staff_list
    try:
        staff = read_staff_list(path)
    except InputError as err:
        findings.problems.append(str(err))
        return
    findings.problems += staff.problems
    if not staff.recipients:
        findings.problems.append(f"{shown(path)}: nobody to send to.")
    findings.warnings += staff.outside_ascii()
