"""newsletter feeds: the blogs' list by command (feeds.yaml): list, add, remove,
pause, resume, and OPML in and out."""

from __future__ import annotations

from typing import Any

import click

from newsletter.cli.group import BadInput, context, paint, table_format
from newsletter.cli.terminal import confirm
from newsletter.errors import shown

WHICH = "NAME|URL"


@click.group("feeds", invoke_without_command=True)
@table_format("csv: for a spreadsheet; json: for scripts.")
@click.pass_context
def feeds(ctx: click.Context, form: str) -> None:
    """List the blogs in feeds.yaml, each with how its last fetch went; add, remove,
    pause or resume one; import or export them as OPML.

    Without a subcommand: every feed, its address, and its last outcome (from the
    last 'build' or 'fetch')."""
    if ctx.invoked_subcommand:
        return
    from newsletter.feeds.listing import feed_rows

    here = context(ctx)
    rows = feed_rows(here.workspace)
    zone = here.settings.zone
    if form == "json":
        import json

        click.echo(json.dumps([r.as_dict(zone) for r in rows], indent=2, ensure_ascii=False))
        return
    if form == "csv":
        import csv
        import io

        from newsletter.text.plain import spreadsheet_cell

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        data = [r.as_dict(zone) for r in rows]
        writer.writerow(data[0].keys() if data else ["name", "url"])
        writer.writerows([spreadsheet_cell(str(v if v is not None else "")) for v in d.values()]
                         for d in data)  # fmt: skip
        click.echo(out.getvalue(), nl=False)
        return
    if not rows:
        click.echo("No feeds in feeds.yaml. Add one: 'newsletter feeds add URL'.", err=True)
        return
    from newsletter.text.plain import printable

    width = min(32, max(len(r.source.name) for r in rows))
    for row in rows:
        section = " [citizenship]" if row.source.section == "citizenship" else ""
        click.echo(printable(f"{row.source.name[:width]:<{width}}  {row.outcome(zone)}{section}"))
        click.echo(printable(f"{'':<{width}}  {row.source.url}"))


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="The name shown under 'From the blogs' (default: the feed's title).")
@click.option(
    "--section",
    type=click.Choice(["feeds", "citizenship"]),
    help="citizenship: its posts go with the digital citizenship lesson.",
)
@click.option("--limit", type=click.IntRange(0, 50), help="Posts per issue at most (default 3).")
@click.option("--include", multiple=True, help="Only posts with this word (repeat for more).")
@click.option("--exclude", multiple=True, help="Never posts with this word (repeat for more).")
@click.option(
    "--no-check", is_flag=True, help="Add the address as given, without reading it (needs --name)."
)
@click.pass_context
def add(ctx: click.Context, url: str, name: str | None, section: str | None, limit: int | None,
        include: tuple[str, ...], exclude: tuple[str, ...], no_check: bool) -> None:  # fmt: skip
    """Add a blog by its address (its feed is found, as feed readers find it) or by
    its feed's own address."""
    from newsletter.feeds.edit import add_feeds
    from newsletter.workspace import validate

    here = context(ctx)
    try:
        url = validate.url(url.strip())
    except ValueError as err:
        raise BadInput(f"URL: {err}.") from None
    _not_listed(here.workspace, url)  # before any fetch
    if no_check:
        if not name:
            raise BadInput(
                "--no-check needs --name: the feed is not read, so its title is unknown."
            )
        found_url, title = url, name
    else:
        from newsletter.feeds.collect import fetch_limits, user_agent
        from newsletter.feeds.discover import find_feed

        settings = here.settings
        found = find_feed(url, fetch_limits(settings.feeds), user_agent(settings))
        found_url, title = found.url, found.title
        if found_url != url:
            click.echo(f"Found its feed: {found_url}")
    entry: dict[str, Any] = {
        "name": (name or title).strip(),
        "url": found_url,
        "section": section if section and section != "feeds" else None,
        "limit": limit,
        "include": list(include),
        "exclude": list(exclude),
    }
    result = add_feeds(here.workspace, [entry])
    if result.already:
        _, listed = result.already[0]
        raise _listed_already(here.workspace, found_url, listed.name)
    click.echo(paint(f"Added feed '{entry['name']}' ({found_url}) to feeds.yaml.", "green"))
    click.echo("Its posts come in with the next 'newsletter build' (or try 'newsletter fetch').")


def _not_listed(workspace: Any, url: str) -> None:
    from newsletter.feeds.edit import same_address
    from newsletter.feeds.sources import load_feed_sources

    for source in load_feed_sources(workspace.feeds_file):
        if same_address(source.url, url):
            raise _listed_already(workspace, url, source.name)


def _listed_already(workspace: Any, url: str, name: str) -> BadInput:
    return BadInput(
        f"{shown(workspace.feeds_file)}: {url} is listed already, as '{name}'. "
        "Hint: 'newsletter feeds' lists every feed."
    )


@feeds.command("remove")
@click.argument("which", metavar=WHICH)
@click.option("--yes", is_flag=True, help="Remove without asking.")
@click.pass_context
def remove(ctx: click.Context, which: str, yes: bool) -> None:
    """Remove a feed (by its name or address) from feeds.yaml.

    Its lines go; the rest of the file stays as written."""
    from newsletter.feeds.edit import change_feed, find_feed
    from newsletter.feeds.sources import load_feed_sources

    here = context(ctx)
    path = here.workspace.feeds_file
    if not yes:
        sources = load_feed_sources(path)
        source = sources[find_feed(sources, which, path)]
        confirm(
            f"Remove the feed '{source.name}' ({source.url})?",
            f"Removing the feed '{source.name}' needs confirmation",
        )
    gone = change_feed(here.workspace, which, "remove")
    click.echo(f"Removed the feed '{gone.name}' ({gone.url}) from {shown(path)}.")


@feeds.command("pause")
@click.argument("which", metavar=WHICH)
@click.pass_context
def pause(ctx: click.Context, which: str) -> None:
    """Stop fetching a feed; it stays in the list ('paused: true' in feeds.yaml)."""
    from newsletter.feeds.edit import change_feed

    source = change_feed(context(ctx).workspace, which, "pause")
    click.echo(f"Paused the feed '{source.name}': it is not fetched until 'feeds resume'.")


@feeds.command("resume")
@click.argument("which", metavar=WHICH)
@click.pass_context
def resume(ctx: click.Context, which: str) -> None:
    """Fetch a paused feed again."""
    from newsletter.feeds.edit import change_feed

    source = change_feed(context(ctx).workspace, which, "resume")
    click.echo(f"Resumed the feed '{source.name}': the next build fetches it.")


@feeds.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Say what would be added, and write nothing.")
@click.pass_context
def import_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Add the feeds of an OPML file (a feed reader's export).

    Feeds listed already are left as they are."""
    from pathlib import Path

    from newsletter.feeds.edit import add_feeds
    from newsletter.feeds.opml import read_opml
    from newsletter.text.plain import counted, printable

    here = context(ctx)
    found = read_opml(Path(file))
    entries = [
        {"name": f.name, "url": f.url, "section": f.section if f.section != "feeds" else None}
        for f in found
    ]
    result = add_feeds(here.workspace, entries, write=not dry_run)
    for feed, listed in result.already:
        click.echo(printable(f"already listed: {feed['name']} ({feed['url']}) as '{listed.name}'"))
    for feed in result.added:
        click.echo(printable(f"{'would add' if dry_run else 'added'}: {feed['name']} "
                             f"({feed['url']})"))  # fmt: skip
    done = "would be added" if dry_run else "added to feeds.yaml"
    click.echo(paint(f"{counted(len(result.added), 'feed')} {done}; "
                     f"{len(result.already)} listed already.", "green"))  # fmt: skip


@feeds.command("export")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (default: print).")
@click.pass_context
def export(ctx: click.Context, out: str | None) -> None:
    """Print the feeds as OPML (or write them to --out), for a feed reader or to share."""
    from newsletter.feeds.opml import opml_text
    from newsletter.feeds.sources import load_feed_sources

    here = context(ctx)
    sources = load_feed_sources(here.workspace.feeds_file)
    text = opml_text(sources, f"{here.settings.title}: the blogs we read", here.now)
    if not out:
        click.echo(text, nl=False)
        return
    from pathlib import Path

    from newsletter.workspace.files import write_atomically

    write_atomically(Path(out), text)
    click.echo(f"Wrote {len(sources)} feeds to {shown(Path(out))}.", err=True)
