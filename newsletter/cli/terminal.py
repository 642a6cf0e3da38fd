"""Output and questions at the terminal: warnings and done lines, a status line that
redraws itself, and asking (only when someone is there to answer)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from newsletter.cli.group import BadInput, paint

if TYPE_CHECKING:
    pass


def interactive() -> bool:
    """Prompt only when a person is at a terminal; never under cron or in a pipe."""
    return sys.stdin.isatty()


def required(value: Any, option: str, label: str, parse: Callable[[Any], Any], example: str) -> Any:
    """A required value: asked for at a terminal, a clear error without one."""
    if value not in (None, "", []):
        return value
    if not interactive():
        raise BadInput(
            f"{option} is missing: {label} is required. Hint: add {option} "
            f'"{example}" (no questions are asked without a terminal).'
        )

    def proc(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as err:
            raise click.BadParameter(str(err)) from None

    return click.prompt(f"{label} (e.g. {example})", value_proc=proc)


class StatusLine:
    """One line of progress, written over itself, at a terminal only: a cron log gets
    nothing but the result."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()
        self.width = 0

    def show(self, line: str) -> None:
        if self.shown:
            line = line[:78]
            self.width = max(self.width, len(line))
            click.echo(f"\r{line:<{self.width}}", err=True, nl=False)

    def clear(self) -> None:
        if self.shown and self.width:
            click.echo("\r" + " " * self.width + "\r", err=True, nl=False)
            self.width = 0


class FeedProgress(StatusLine):
    """'Fetching feeds: 3 done (Edutopia)'."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def __call__(self, outcome: Any) -> None:
        self.count += 1
        self.show(f"Fetching feeds: {self.count} done ({outcome.source.name})")


class SendProgress(StatusLine):
    """'Issue #12: sent 14 of 40, about 1 min left' (the time left with a rate limit)."""

    def __init__(self, label: str, per_minute: int) -> None:
        super().__init__()
        self.label, self.per_minute = label, per_minute

    def __call__(self, done: int, total: int) -> None:
        line = f"Issue #{self.label}: sent {done} of {total}"
        if self.per_minute and done < total:
            minutes = (total - done) / self.per_minute
            line += f", about {max(1, round(minutes))} min left"
        self.show(line)


def confirm(question: str, unattended: str) -> None:
    """Ask at a terminal; without one, say how to go on (never hang waiting in cron)."""
    if not interactive():
        raise BadInput(
            f"{unattended}. Hint: add --yes (as a cron job does), or --dry-run to see "
            "the list first."
        )
    click.confirm(question, abort=True)


def stamped(line: str, zone: dt.tzinfo) -> None:
    """A progress line for the cron log, with the time in the workspace's zone."""
    from newsletter import clock

    click.echo(f"{clock.now().astimezone(zone):%Y-%m-%d %H:%M:%S %Z} {line}", err=True)


def warn(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"{paint('warning:', 'yellow')} {line}", err=True)


def done(line: str, err: bool = False) -> None:
    """A line that says something worked, in green at a terminal."""
    click.echo(paint(line, "green"), err=err)


def show_core_notes() -> None:
    """From here on, what the core logs ('the catalog ... was made again') is shown
    as a note on stderr: the core never prints, the command line does."""
    import logging

    logger = logging.getLogger("newsletter")
    if any(getattr(handler, "shows_notes", False) for handler in logger.handlers):
        return

    class Notes(logging.Handler):
        shows_notes = True

        def emit(self, record: logging.LogRecord) -> None:
            click.echo(f"note: {record.getMessage()}", err=True)

    logger.addHandler(Notes())
    logger.propagate = False  # shown once, here
