"""The commands about events in calendars: `calendar`. Like cli.py, they read
options and call the core (calendar.py)."""

from __future__ import annotations

import click

from newsletter.commands import context


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
    from email.utils import parseaddr
    from pathlib import Path

    from newsletter.calendar import calendar_file, end_of
    from newsletter.errors import counted, shown
    from newsletter.files import write_bytes_atomically
    from newsletter.kinds import EVENTS
    from newsletter.notes import read_kind

    here = context(ctx)
    settings = here.settings
    events = read_kind(here.workspace, EVENTS, settings.zone, None)
    upcoming = sorted((e for e in events if end_of(e) >= here.now), key=lambda e: e.start)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "localhost"
    data = calendar_file(upcoming, settings.time_zone, domain, here.now)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    write_bytes_atomically(Path(out), data, durable=True)
    click.echo(f"Wrote {counted(len(upcoming), 'upcoming event')} to {shown(Path(out))}", err=True)
