"""The commands of the issue itself: build it (and fetch its feeds), look at it (preview,
list, show), and the templates it is rendered with; and how their results are told."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from newsletter.cli.group import BadInput, Failed, checked, context
from newsletter.cli.terminal import FeedProgress, done, warn
from newsletter.errors import shown
from newsletter.text.plain import counted

if TYPE_CHECKING:
    import datetime as dt
    from typing import Any


@click.command()
@click.option(
    "--date",
    "date",
    callback=checked("day", "--date"),
    metavar="YYYY-MM-DD",
    help="The issue's date (default: the next issue day, today included).",
)
@click.option("--offline", is_flag=True, help="Do not fetch feeds; use the cached copies.")
@click.option("--force", is_flag=True, help="Replace a draft even if it was edited by hand.")
@click.option("--strict", is_flag=True, help="Fail, building nothing, if any feed fails.")
@click.pass_context
def build(
    ctx: click.Context, date: dt.date | None, offline: bool, force: bool, strict: bool
) -> None:
    """Build the issue: archive it in issues/ and render its HTML and text email.

    Takes every note not yet featured in a sent issue, events still ahead, and
    new posts from the feeds. A sent issue is never rebuilt. With editions in
    newsletter.yaml, builds one issue per edition."""

    from newsletter.issue.build import FeedsFailed, build_issues

    progress = FeedProgress()
    try:
        results = build_issues(
            context(ctx).workspace,
            now=context(ctx).now,
            date=date,
            offline=offline,
            force=force,
            strict=strict,
            progress=progress,
        )
    except FeedsFailed as err:
        progress.clear()
        warn(err.problems)
        raise
    progress.clear()
    report_build(results, context(ctx).settings.time_zone)


@click.command()
@click.option("--strict", is_flag=True, help="Exit with status 1 if any feed fails.")
@click.pass_context
def fetch(ctx: click.Context, strict: bool) -> None:
    """Fetch every feed now, refresh the cache, and show how each one went.

    A feed that fails keeps its last good copy for the next build."""
    from newsletter.feeds.collect import FAILED, STALE, refresh_feeds

    progress = FeedProgress()
    outcomes = refresh_feeds(context(ctx).workspace, context(ctx).now, progress=progress)
    progress.clear()
    if not outcomes:
        click.echo("No feeds in feeds.yaml.", err=True)
        return
    width = min(max(len(o.source.name) for o in outcomes), 40)
    click.echo(f"{'feed':<{width}}  {'items':>5}  {'time':>7}  outcome")
    for o in outcomes:
        outcome = o.status if o.status not in (FAILED, STALE) else f"{o.status}: {o.reason}"
        name = o.source.name[:width]
        click.echo(f"{name:<{width}}  {len(o.items):>5}  {o.seconds:>5.1f} s  {outcome}")
    failed = [o for o in outcomes if o.status in (FAILED, STALE)]
    if failed and strict:
        raise Failed(f"{len(failed)} of {len(outcomes)} feeds failed (--strict).")


@click.command()
@click.argument("issue", required=False)
@click.option("--print", "print_path", is_flag=True, help="Print the file's path; open no browser.")
@click.option("--text", is_flag=True, help="The plain-text part instead of the HTML.")
@click.pass_context
def preview(ctx: click.Context, issue: str | None, print_path: bool, text: bool) -> None:
    """Open an issue's email in the browser (default: the newest issue, each edition).

    ISSUE is a number (12) or a date (2026-11-27); an edition after a colon
    (12:elementary)."""
    import webbrowser

    from newsletter.archive.record import find_issue, newest_issues
    from newsletter.catalog.db import load_archive
    from newsletter.email.rendered import ensure_rendered

    workspace = context(ctx).workspace
    archive = load_archive(workspace)
    entries = [find_issue(archive, issue)] if issue else newest_issues(archive)
    for entry in entries:  # the newest issue: each of its editions
        html_file, text_file = ensure_rendered(workspace, entry)
        target = text_file if text else html_file
        if print_path:
            click.echo(shown(target))
        elif not webbrowser.open(target.resolve().as_uri()):
            raise Failed(
                f"could not open a browser. The email is at {shown(target)}. "
                "Hint: open that file yourself, or use --print."
            )
        else:
            click.echo(f"Opened {shown(target)}", err=True)


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON, for scripts.")
@click.pass_context
def list_issues(ctx: click.Context, as_json: bool) -> None:
    """List the archive: number, date, sent or draft, subject, and what is inside."""
    from newsletter.catalog.db import open_catalog

    with open_catalog(context(ctx).workspace) as catalog:
        report_archive(catalog.archive(), as_json)


@click.command()
@click.argument("issue")
@click.option(
    "--format",
    "form",
    type=click.Choice(["markdown", "text", "html", "file"]),
    default="markdown",
    show_default=True,
    help="What to print: the issue as markdown, the email's text or HTML, or the whole "
    "archive file (its front matter too).",
)
@click.pass_context
def show(ctx: click.Context, issue: str, form: str) -> None:
    """Print one issue: ISSUE is a number (12) or a date (2026-11-27).

    With editions, name one after a colon: 12:elementary."""
    from newsletter.archive.record import archive_body, find_issue
    from newsletter.catalog.db import load_archive
    from newsletter.email.rendered import rendered_email
    from newsletter.text.plain import printable
    from newsletter.workspace.files import read_text

    workspace = context(ctx).workspace
    entry = find_issue(load_archive(workspace), issue)
    if form == "file":
        text = read_text(entry.path)
    elif form == "markdown":
        # What the email and the site give: made from the front matter, as they are.
        from newsletter.email.render import render_archive_body

        text = render_archive_body(entry.issue, workspace.templates_dir)
        if text.strip() != archive_body(entry.path).strip() and _email_as_built(workspace, entry):
            # edited by hand, yet the email is as built: the body alone was changed
            warn([f"the markdown below the front matter of {shown(entry.path)} was edited by "
                  "hand; the email and the site are made from the front matter, so this is "
                  "what they show. Edit the front matter (or the notes, and build again "
                  "with --force) to change them."])  # fmt: skip
    else:
        email = rendered_email(workspace, entry)
        text = email.text if form == "text" else email.html
    # A control character in a file edited by hand must not retitle or clear the terminal.
    click.echo(printable(text), nl=False)


@click.command()
@click.option(
    "--copy",
    "name",
    metavar="NAME",
    callback=checked(str.strip, "--copy"),
    help="Copy the built-in template NAME into templates/ to customise it.",
)
@click.pass_context
def templates(ctx: click.Context, name: str | None) -> None:
    """List the email and archive templates, and which ones the workspace overrides."""
    from newsletter.email.render import copy_builtin_template, template_sources

    workspace = context(ctx).workspace
    if name:
        target = copy_builtin_template(name, workspace.templates_dir)
        click.echo(f"Copied the built-in {name} to {shown(target)}; edit it there.")
        return
    for template, source in template_sources(workspace.templates_dir):
        click.echo(f"{template:<26} {source}")


def report_archive(archive: Any, as_json: bool = False) -> None:
    """What `list` says: every issue that can be read; then, with file and line,
    why one cannot (exit 2), or that two share a number."""
    if as_json:
        import json

        click.echo(json.dumps([_issue_data(entry) for entry in archive.entries], indent=2))
    elif not archive.entries and not archive.unreadable:
        click.echo("No issues yet. Build one with 'newsletter build'.", err=True)
    else:
        _archive_lines(archive.entries)
    if len(archive.unreadable) > 1:
        warn([archive.unreadable_line()])
    archive.all_or_raise()  # raises the first problem


def _archive_lines(entries: list[Any]) -> None:
    width = max((len(entry.state) for entry in entries), default=0)
    # An edition is listed as 'show' and 'send' take it: 2026-12-04:elementary.
    names = [f"{e.date}:{e.key.edition}" if e.key.edition else str(e.date) for e in entries]
    wide = max(map(len, names), default=0)
    for entry, name in zip(entries, names, strict=True):
        click.echo(  # "sent to 3 of 11" is wider than "sent"
            f"#{entry.number:<4} {name:<{wide}}  {entry.state:<{width}}  "
            f"{counted(entry.tools, 'tool'):>8} {counted(entry.posts, 'post'):>9}  {entry.subject}"
        )


def _issue_data(entry: Any) -> dict[str, Any]:
    """An issue as `list --json` gives it."""
    return {
        "number": entry.number,
        "date": entry.date.isoformat(),
        "edition": entry.key.edition or None,
        "ref": f"{entry.number}:{entry.key.edition}" if entry.key.edition else str(entry.number),
        "status": entry.status,
        "reached": entry.reached,
        "recipients": entry.recipients,
        "subject": entry.subject,
        "tools": entry.tools,
        "posts": entry.posts,
        "sent_at": entry.sent_at.isoformat() if entry.sent_at else None,
        "file": shown(entry.path),
    }


def report_build(results: list[Any], zone_name: str) -> None:
    """What build says: warnings and the summary on stderr, the files on stdout;
    for each edition, when there are editions."""
    from newsletter.feeds.collect import describe_failures

    for result in results:
        _report_one(result, zone_name)
    warn(describe_failures(results[0].feed_outcomes) if results else [])  # once, at the end


def _report_one(result: Any, zone_name: str) -> None:
    import datetime as dt

    from newsletter.archive.record import already_sent_line

    edition = result.edition
    if result.kept:
        click.echo(
            f"Kept issue #{result.kept.label} as it was edited by hand "
            f"({shown(result.kept.path)}); 'newsletter build --force' builds it again.",
            err=True,
        )
        return
    if result.already_sent:
        line = already_sent_line(result.already_sent, zone_name)
        later = result.next_date or result.issue.date + dt.timedelta(days=7)
        click.echo(
            f"{line}; a sent issue is never rebuilt. To build the next one: "
            f"newsletter build --date {later.isoformat()}",
            err=True,
        )
        return
    warn(result.warnings)
    issue = result.issue
    which = f" ({issue.edition})" if issue.edition else ""
    done(f"Built issue #{issue.number}{which} for {issue.date}: {issue.subject}", err=True)
    tools, events = counted(len(issue.tools), "tool"), counted(len(issue.events), "event")
    posts = counted(len(issue.feed_items), "blog post")
    click.echo(f"  {tools}, {events}, {posts}", err=True)
    if edition is not None and not result.own_items:
        click.echo(
            f"  The edition '{edition.name}' has nothing of its own this week: no tool, "
            f"link or post for {', '.join(edition.grades)}; only what goes to every edition.",
            err=True,
        )
    for path in (result.archive_file, result.html_file, result.text_file):
        click.echo(shown(path))


def _email_as_built(workspace: Any, entry: Any) -> bool:
    from newsletter.archive.record import email_fingerprint
    from newsletter.email.rendered import rendered_email

    email = rendered_email(workspace, entry)
    return bool(entry.rendered) and email_fingerprint(email.html, email.text) == entry.rendered


@click.command()
@click.argument("issue")
@click.option("--yes", is_flag=True, help="Do not ask first.")
@click.pass_context
def discard(ctx: click.Context, issue: str, yes: bool) -> None:
    """Throw away a draft: its archive file and rendered email (ISSUE: a number or a
    date; every edition of it, or name one: 12:elementary).

    Never an issue anyone has; only the newest, so the numbers keep no gap."""
    from newsletter.cli.terminal import interactive
    from newsletter.issue.discard import discard_drafts, discarded_line

    here = context(ctx)
    if not yes:  # an issue that may not go is said before any question
        discard_drafts(here.workspace, issue, here.settings.time_zone, remove=False)
    if not yes and not interactive():
        raise BadInput(f"discard {issue}: say --yes to discard without a terminal.")
    if not yes:
        click.confirm(f"Discard the draft {issue}? Its file and email go.", abort=True)
    drafts = discard_drafts(here.workspace, issue, here.settings.time_zone)
    done(discarded_line(drafts), err=True)
