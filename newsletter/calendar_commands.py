"""The commands about events in calendars: `calendar`, `talks` and `talk-topic`.
Like cli.py, they read options and call the core (calendar.py, events.py)."""

from __future__ import annotations

from typing import Any

import click

from newsletter.commands import checked, context


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
    from newsletter.errors import counted, shown
    from newsletter.events import upcoming_calendar
    from newsletter.files import write_bytes_atomically

    here = context(ctx)
    data, count = upcoming_calendar(here.workspace, here.settings, here.now)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    replaceable_calendar(Path(out))
    write_bytes_atomically(Path(out), data, durable=True)
    click.echo(f"Wrote {counted(count, 'upcoming event')} to {shown(Path(out))}", err=True)


@click.command("talks")
@click.option("--all", "everything", is_flag=True, help="Also the talks that are over.")
@click.pass_context
def talks(ctx: click.Context, everything: bool) -> None:
    """List the dates of every repeating event (the Tech Talks) with their topics.

    Set a date's topic with: newsletter talk-topic DATE "Google Forms quizzes"."""
    from newsletter.calendar import occurrences
    from newsletter.clean import printable
    from newsletter.kinds import EVENTS
    from newsletter.notes import read_kind

    here = context(ctx)
    zone = here.settings.zone
    series = [e for e in read_kind(here.workspace, EVENTS, zone, None) if e.every]
    dates = sorted((o for e in series for o in occurrences(e, zone)), key=lambda o: o.start)
    shown = [o for o in dates if everything or o.start >= here.now]
    for talk in shown:
        start = talk.start.astimezone(zone)
        end = f"-{talk.end.astimezone(zone):%H:%M}" if talk.end else ""
        place = f" ({talk.place})" if talk.place else ""
        click.echo(printable(f"{start:%a %Y-%m-%d %H:%M}{end}  {talk.title}{place}"))
    if not shown:
        click.echo(
            'No repeating events. Add one with: newsletter add-event "Tech Talk" '
            '--every "2 weeks" --from DATE --until DATE --at 12:00-12:40',
            err=True,
        )


@click.command("talk-topic")
@click.argument("date", callback=checked("day", "DATE"))
@click.argument("topic")
@click.option("--title", help="Which repeating event, when more than one falls on DATE.")
@click.pass_context
def talk_topic(ctx: click.Context, date: Any, topic: str, title: str | None) -> None:
    """Set the topic of a repeating event on DATE (shown as 'Tech Talk: TOPIC').

    An empty TOPIC ("") takes the topic away."""
    from newsletter.events import set_topic

    here = context(ctx)
    path, line, event_title = set_topic(here.workspace, here.settings.zone, date, topic, title)
    said = f"'{event_title}: {topic}'" if topic.strip() else f"no topic for '{event_title}'"
    click.echo(f"{date}: {said}, in {path}:{line}")
