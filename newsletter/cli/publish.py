"""The commands that publish: `site` (the public site of the archive and the
catalog) and `calendar` (the .ics of the events ahead). Like every command, they
read options and call the core (site/, notes/events.py, calendar.py)."""

from __future__ import annotations

import click

from newsletter.cli.group import context
from newsletter.cli.terminal import warn


@click.command("calendar")
@click.option(
    "--out",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write the .ics file to FILE (default: print it).",
)
@click.pass_context
def calendar_file_command(ctx: click.Context, out: str | None) -> None:
    """Write every upcoming event as one .ics file, for staff to subscribe to once it
    is published (on the district's web server, say)."""
    from pathlib import Path

    from newsletter.calendar import replaceable_calendar
    from newsletter.errors import shown
    from newsletter.notes.events import upcoming_calendar
    from newsletter.text.plain import counted
    from newsletter.workspace.files import write_bytes_atomically

    here = context(ctx)
    data, count = upcoming_calendar(here.workspace, here.settings, here.now)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    replaceable_calendar(Path(out))
    write_bytes_atomically(Path(out), data, durable=True)
    click.echo(f"Wrote {counted(count, 'upcoming event')} to {shown(Path(out))}", err=True)


@click.command("site")
@click.option(
    "--out",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False),
    help="The folder to write the site into (relative to the workspace).",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Then serve the folder for a look, on this computer only, until Ctrl-C.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
    help="The port --serve listens on (0: any free port).",
)  # fmt: skip
@click.pass_context
def site_command(ctx: click.Context, out: str, serve: bool, port: int) -> None:
    """Write the public web archive: the sent issues, a page per tool, the tools
    catalog, an Atom feed, the events calendar and a search (Pagefind).

    Never a draft, a staff address or a teacher's name. Only what changed is
    written again. With --serve, the folder is served at http://127.0.0.1:8000/ to
    look at, its search working (a browser runs no search in a page opened from a
    file)."""
    from pathlib import Path

    from newsletter.errors import shown
    from newsletter.site.build import build_site
    from newsletter.text.plain import counted

    here = context(ctx)
    folder = Path(out) if Path(out).is_absolute() else here.workspace.root / out
    result = build_site(here.workspace, here.settings, folder, here.now)
    warn(result.warnings)
    click.echo(
        f"Wrote {counted(len(result.written), 'file')} ({result.unchanged} unchanged) to "
        f"{shown(folder)}: {counted(result.issues, 'issue')}, {counted(result.tools, 'tool')}"
        + ("" if result.searchable else ", no search"),
        err=True,
    )
    if serve:
        from newsletter.site.serve import serve as serve_folder

        def ready(address: str) -> None:
            click.echo(f"Serving {shown(folder)} at {address} (this computer only); "
                       "Ctrl-C stops it.", err=True)  # fmt: skip

        serve_folder(folder, port, ready)
        click.echo("Stopped serving the site.", err=True)
    elif result.searchable:  # a browser runs no search on a page opened from file://
        click.echo(
            "To look at it with its search working, serve it: newsletter site --serve "
            "(the search does not run in a page opened by double-click).",
            err=True,
        )
