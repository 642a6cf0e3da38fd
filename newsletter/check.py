"""newsletter check: read the whole workspace (settings, feeds, notes, templates,
staff list, archive) and report every problem at once, each with file:line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

from newsletter.archive import load_archive, read_archived
from newsletter.errors import InputError, NewsletterError, shown
from newsletter.feeds import FEED_SECTIONS, load_feed_sources
from newsletter.issue import assemble_issue
from newsletter.model import FeedItem
from newsletter.notes import load_notes
from newsletter.recipients import read_staff_list
from newsletter.render import (
    TEMPLATE_NAMES,
    render_archive_body,
    render_email,
    template_environment,
)
from newsletter.settings import Settings, require_settings
from newsletter.workspace import Workspace
from newsletter.yamlfile import collecting


def check_workspace(workspace: Workspace, today: dt.date) -> list[str]:
    """Every problem found, one line each; an empty list means all is well."""
    problems: list[InputError] = []
    settings = collecting(problems, require_settings, workspace.settings_file)
    zone = settings.zone if settings else dt.UTC
    collecting(problems, load_feed_sources, workspace.feeds_file, problems)
    notes = load_notes(workspace, zone, problems)
    for path in sorted(workspace.issues_dir.glob("????-??-??.md")):
        collecting(problems, read_archived, path)
    lines = [str(p) for p in problems]
    if settings:
        lines += _check_templates(workspace, settings, notes, today)
        lines += _check_staff(workspace, settings)
    return lines


def _check_templates(
    workspace: Workspace, settings: Settings, notes: object, today: dt.date
) -> list[str]:
    """Compile each template, then render a specimen issue: this week's notes and a
    made-up post in every feed section, so each section's branch runs once."""
    lines = []
    env = template_environment(workspace.templates_dir)
    for name in TEMPLATE_NAMES:
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as err:
            where = shown(Path(err.filename)) if err.filename else name
            lines.append(f"{where}:{err.lineno}: template error: {err.message}.")
    if lines:
        return lines
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
    try:
        archive = [] if not workspace.issues_dir.is_dir() else load_archive(workspace)
    except InputError:
        archive = []  # reported above, file by file
    issue = assemble_issue(settings, notes, specimen, archive, today, set())  # type: ignore[arg-type]
    for render in (render_email, render_archive_body):
        try:
            render(issue, workspace.templates_dir)
        except NewsletterError as err:
            lines.append(str(err))
    return lines


def _check_staff(workspace: Workspace, settings: Settings) -> list[str]:
    if settings.send.list_address:
        return []
    path = workspace.root / settings.send.staff_list
    try:
        staff = read_staff_list(path)
    except InputError as err:
        return [str(err)]
    lines = list(staff.problems)
    if not staff.recipients:
        lines.append(
            f"{shown(path)}: nobody to send to.",
        )
    return lines
