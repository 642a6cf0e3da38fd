"""newsletter feeds: the blogs' list by command (feeds.yaml): list, add, remove,
pause, resume, and OPML in and out."""

from __future__ import annotations

from typing import Any

import click

from newsletter.cli.group import BadInput, context, paint, table_format
from newsletter.errors import shown

WHICH = "NAME|URL"
FIELDS = ["name", "url", "section", "limit", "paused", "last_outcome", "last_reason",
          "last_items", "last_at"]  # fmt: skip


class FeedsGroup(click.Group):
    """`newsletter feeds` alone is `newsletter feeds list`; its help shows each
    subcommand's whole first sentence."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.commands[name].get_short_help_str(limit=200))
                for name in self.list_commands(ctx)]  # fmt: skip
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0].startswith("-") and args[0] not in ("-h", "--help"):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@click.group("feeds", cls=FeedsGroup)
def feeds() -> None:
    """List the blogs in feeds.yaml, each with how its last fetch went; add, remove,
    pause or resume one; import or export them as OPML.

    'newsletter feeds' alone lists them, as 'newsletter feeds list' does."""


@feeds.command("list")
@table_format("csv: for a spreadsheet; json: for scripts.")
@click.pass_context
def list_feeds(ctx: click.Context, form: str) -> None:
    """Every feed: its name, its address, and how its last fetch went."""
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

        def cell(value: Any) -> str:
            text = str(value).lower() if isinstance(value, bool) else str(value)
            return spreadsheet_cell("" if value is None else text)

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(FIELDS)
        writer.writerows([cell(r.as_dict(zone)[name]) for name in FIELDS] for r in rows)
        click.echo(out.getvalue(), nl=False)
        return
    if not rows:
        click.echo("No feeds in feeds.yaml. Add one: 'newsletter feeds add URL'.", err=True)
        return
    from newsletter.text.plain import printable

    width = min(32, max(len(r.source.name) for r in rows))
    for row in rows:
        name = row.source.name
        name = name if len(name) <= width else name[: width - 1] + "…"
        section = " [citizenship]" if row.source.section == "citizenship" else ""
        click.echo(printable(f"{name:<{width}}  {row.outcome(zone)}{section}"))
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
@click.option("--include", multiple=True, help="Only posts with this word (repeat, or commas).")
@click.option("--exclude", multiple=True, help="Never posts with this word (repeat, or commas).")
@click.option(
    "--no-check", is_flag=True, help="Add the address as given, without reading it (needs --name)."
)
@click.pass_context
def add(ctx: click.Context, url: str, name: str | None, section: str | None, limit: int | None,
        include: tuple[str, ...], exclude: tuple[str, ...], no_check: bool) -> None:  # fmt: skip
    """Add a blog by its address (its feed is found, as feed readers find it) or by
    its feed's own address.

    From a page, the feed it names is taken (<link rel="alternate">), else one where
    blogs keep it (/feed/, /rss.xml, ...); the feed's title is its name unless --name
    gives one. The new feed goes after the last one of feeds.yaml."""
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
            raise BadInput("--no-check needs --name: the feed is not read, so its title is unknown")
        found_url, title, note = url, name, ""
    else:
        from newsletter.feeds.collect import fetch_limits, user_agent
        from newsletter.feeds.discover import find_feed

        settings = here.settings
        found = find_feed(url, fetch_limits(settings.feeds), user_agent(settings))
        found_url, title, note = found.url, found.title, found.note
        if found_url != url:
            click.echo(f"Found its feed: {found_url}" + (f" ({note})" if note else ""))
    entry: dict[str, Any] = {
        "name": (name or title).strip(),
        "url": found_url,
        "section": section if section and section != "feeds" else None,
        "limit": limit,
        "include": _words(include),
        "exclude": _words(exclude),
    }
    result = add_feeds(here.workspace, [entry])
    if result.refused:
        raise BadInput(f"{result.refused[0][1]} Nothing was added.")
    if result.already:
        _, listed = result.already[0]
        raise _listed_already(here.workspace, found_url, listed.name)
    for _, alike in result.named_alike:
        click.echo(f"Note: another feed is named '{alike.name}' ({alike.url}); 'feeds remove' "
                   "and 'pause' then need the address.", err=True)  # fmt: skip
    _done(f"Added feed '{entry['name']}' ({found_url}) to feeds.yaml.")
    click.echo("Its posts come in with the next 'newsletter build' (or try 'newsletter fetch').")


def _words(given: tuple[str, ...]) -> list[str]:
    """--include a --include "b, c": the words a, b and c, as feeds.yaml reads them."""
    return [word.strip() for item in given for word in item.split(",") if word.strip()]


def _done(line: str) -> None:
    from newsletter.text.plain import printable

    click.echo(paint(printable(line), "green"))


def _not_listed(workspace: Any, url: str) -> None:
    from newsletter.feeds.edit import same_address
    from newsletter.feeds.sources import load_feed_sources

    for source in load_feed_sources(workspace.feeds_file):
        if same_address(source.url, url):
            raise _listed_already(workspace, url, source.name)


def _listed_already(workspace: Any, url: str, name: str) -> BadInput:
    from newsletter.text.plain import printable

    return BadInput(printable(
        f"{shown(workspace.feeds_file)}: {url} is listed already, as '{name}'. "
        "Hint: 'newsletter feeds' lists every feed."
    ))  # fmt: skip


@feeds.command("remove")
@click.argument("which", metavar=WHICH)
@click.option("--yes", is_flag=True, help="Remove without asking.")
@click.pass_context
def remove(ctx: click.Context, which: str, yes: bool) -> None:
    """Remove a feed (by its name or address) from feeds.yaml.

    Its lines go; the comments around it and every other entry stay as written."""
    from newsletter.cli.terminal import interactive
    from newsletter.feeds.edit import find_feed, remove_feed
    from newsletter.feeds.sources import load_feed_sources
    from newsletter.text.plain import printable

    here = context(ctx)
    path = here.workspace.feeds_file
    if not yes:
        sources = load_feed_sources(path)
        source = sources[find_feed(sources, which, path)]
        what = printable(f"the feed '{source.name}' ({source.url})")
        if not interactive():
            raise BadInput(f"Removing {what} needs confirmation. Hint: add --yes.")
        click.confirm(f"Remove {what}?", abort=True)
    gone = remove_feed(here.workspace, which)
    click.echo(printable(f"Removed the feed '{gone.name}' ({gone.url}) from {shown(path)}."))


@feeds.command("pause")
@click.argument("which", metavar=WHICH)
@click.pass_context
def pause(ctx: click.Context, which: str) -> None:
    """Stop fetching a feed; it stays in the list ('paused: true' in feeds.yaml)."""
    _set_paused(ctx, which, True)


@feeds.command("resume")
@click.argument("which", metavar=WHICH)
@click.pass_context
def resume(ctx: click.Context, which: str) -> None:
    """Fetch a paused feed again."""
    _set_paused(ctx, which, False)


def _set_paused(ctx: click.Context, which: str, paused: bool) -> None:
    from newsletter.feeds.edit import set_paused

    source, changed = set_paused(context(ctx).workspace, which, paused)
    if not changed:
        click.echo(f"The feed '{source.name}' is {'paused already' if paused else 'not paused'}.",
                   err=True)  # fmt: skip
    elif paused:
        _done(f"Paused the feed '{source.name}': it is not fetched until 'feeds resume'.")
    else:
        _done(f"Resumed the feed '{source.name}': the next build fetches it.")


@feeds.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Say what would be added, and write nothing.")
@click.pass_context
def import_command(ctx: click.Context, file: str, dry_run: bool) -> None:
    """Add the feeds of an OPML file (a feed reader's export).

    New feeds go after the last one of feeds.yaml; those listed already are left as
    they are, and an outline that is no feed (a javascript: address, say) is named
    and left out. Feeds under an outline whose name says citizenship go to that
    section."""
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
    lines = {f.url: f.line for f in found}
    for feed, why in result.refused:
        where = f"{shown(Path(file))}:{lines.get(feed['url'], 0)}"
        click.echo(printable(f"left out: {where}: {why}"), err=True)
    for feed, listed in result.already:
        click.echo(printable(f"already listed: {feed['name']} ({feed['url']}) as '{listed.name}'"))
    for feed in result.added:
        click.echo(printable(f"{'would add' if dry_run else 'added'}: {feed['name']} "
                             f"({feed['url']})"))  # fmt: skip
    done = "would be added" if dry_run else "added to feeds.yaml"
    left = f"; {len(result.refused)} left out" if result.refused else ""
    _done(f"{counted(len(result.added), 'feed')} {done}; {len(result.already)} listed "
          f"already{left}.")  # fmt: skip


@feeds.command("export")
@click.option(
    "--out", type=click.Path(dir_okay=False), help="Write to this .opml file (default: print)."
)
@click.pass_context
def export(ctx: click.Context, out: str | None) -> None:
    """Print the feeds as OPML (or write them to --out), for a feed reader or to share.

    OPML carries each feed's name, address and section (citizenship); limit,
    include, exclude and grades stay in feeds.yaml, and a paused feed is left out."""
    from newsletter.feeds.opml import opml_text, replaceable_opml
    from newsletter.feeds.sources import active, load_feed_sources
    from newsletter.text.plain import counted

    here = context(ctx)
    sources = active(load_feed_sources(here.workspace.feeds_file))
    text = opml_text(sources, f"{here.settings.title}: the blogs we read", here.now)
    if not out or out == "-":
        click.echo(text, nl=False)
        return
    from pathlib import Path

    from newsletter.workspace.files import write_atomically

    replaceable_opml(Path(out))
    write_atomically(Path(out), text)
    click.echo(f"Wrote {counted(len(sources), 'feed')} to {shown(Path(out))}.", err=True)
