"""What the commands share: the group that turns the core's errors into one line
and an exit status, the context each command starts from, options that check
their values, questions asked only at a terminal, progress lines, and the add-*
commands made from the note kinds. cli.py, the table of contents, uses these."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from newsletter.errors import InputError, NewsletterError, counted, shown
from newsletter.kinds import (
    COST,
    DAY,
    DAYS,
    EVERY,
    GRADES,
    IMAGE,
    KINDS,
    MOMENT,
    NUMBER,
    URL,
    WORDS,
    NoteField,
    NoteKind,
)

if TYPE_CHECKING:
    from newsletter.context import Context
    from newsletter.workspace import Workspace

# Only click is imported for `newsletter --help`; each command imports what it uses.
ENV_VAR = "NEWSLETTER_WORKSPACE"
COMMAND_ORDER = [
    "init",
    "add-tool",
    "add-event",
    "add-link",
    "add-tip",
    "request",
    "requests",
    "notes",
    "edit",
    "remove",
    "build",
    "fetch",
    "preview",
    "list",
    "show",
    "search",
    "tools",
    "calendar",
    "talks",
    "talk-topic",
    "site",
    "send",
    "cron",
    "job",
    "check",
    "templates",
]


def paint(text: str, colour: str) -> str:
    """Text in a colour at a terminal: errors red, warnings yellow, success green.
    Click leaves the colour out when the output is not a terminal; NO_COLOR (any
    value, no-color.org) leaves it out everywhere."""
    if os.environ.get("NO_COLOR"):
        return text
    return click.style(text, fg=colour)


class OneLine(click.ClickException):
    """An error as one line: 'Error:' in red at a terminal, then what and how to fix it."""

    def show(self, file: Any = None) -> None:
        click.echo(f"{paint('Error:', 'red')} {self.format_message()}", file=file, err=True)


class Failed(OneLine):
    """A failure: exit 1, one line."""

    exit_code = 1


class BadInput(OneLine):
    """Bad input from the editor: exit 2, one line (no usage text to wade through)."""

    exit_code = 2


class Group(click.Group):
    """Turns the core's errors into one line each, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `newsletter list | head`: the reader has all it wants
            _quiet_broken_pipe()
            return None
        except InputError as err:
            raise BadInput(str(err)) from None
        except NewsletterError as err:
            raise Failed(str(err)) from None
        except OSError as err:  # a full disk, a read-only folder: say which file
            where = f"{shown(err.filename)}: " if err.filename else ""
            raise Failed(f"{where}{err.strerror or err}.") from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bytes that are not UTF-8 (a terminal set to Latin-1) arrive as lone
        # surrogates: written to a notes file they would break every later build.
        for arg in args:
            if any(0xD800 <= ord(c) < 0xE000 for c in arg):
                raise BadInput(
                    f"'{arg.encode('utf-8', 'replace').decode()}' holds bytes that are not "
                    "UTF-8 text: the terminal sends another encoding (Latin-1, say). Hint: "
                    "set the terminal to UTF-8 (e.g. LANG=en_US.UTF-8) and type it again."
                )
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        # In the order of the weekly loop, not alphabetical.
        return sorted(self.commands, key=lambda n: (COMMAND_ORDER + [n]).index(n))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole first sentence (Click would cut it with '...')."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=200)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        from newsletter.examples import EXAMPLES

        examples = EXAMPLES.get(name or cmd.name or "", [])
        if examples:  # '\b': printed as written, not re-wrapped
            cmd.epilog = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in examples)
        # `newsletter build --workspace X` as well as `newsletter --workspace X build`.
        cmd.params.append(
            click.Option(
                ["--workspace", "-w"],
                metavar="PATH",
                type=click.Path(file_okay=False),
                expose_value=False,
                callback=_workspace_after_the_command,
                help=f"The workspace folder (default: the nearest folder with "
                f"newsletter.yaml; or set {ENV_VAR}).",
            )
        )
        super().add_command(cmd, name)


def _quiet_broken_pipe() -> None:
    """Leave quietly, as other command-line tools do when the pipe they print to
    closes: point stdout at nothing, so that Python's flush at exit says nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner's): nothing to quiet
        pass
    finally:
        os.close(devnull)


def _workspace_after_the_command(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> None:
    if value is not None:
        ctx.find_root().obj = value


def context(ctx: click.Context) -> Context:
    """The command's context (workspace, settings, today), made once per command."""
    from newsletter.context import Context

    root = ctx.find_root()
    if "context" not in root.meta:
        root.meta["context"] = Context(root.obj)
    made: Context = root.meta["context"]
    return made


def interactive() -> bool:
    """Prompt only when a person is at a terminal; never under cron or in a pipe."""
    return sys.stdin.isatty()


def checked(parse: Callable[[Any], Any] | str, option: str) -> Callable[..., Any]:
    """A Click callback that runs a validator (a function, or the name of one in
    newsletter.validate, imported only when used); its ValueError names the option."""

    def callback(ctx: click.Context | None, param: click.Parameter | None, value: Any) -> Any:
        if value is None or value == ():
            return value
        given = value if isinstance(value, tuple) else (value,)  # a repeated option: each
        if any(isinstance(v, str) and not v.strip() for v in given):
            raise BadInput(f"{option}: is empty. Hint: give a value, or leave {option} out.")
        if isinstance(parse, str):
            from newsletter import validate

            return checked(getattr(validate, parse), option)(ctx, param, value)
        try:
            return parse(list(value) if isinstance(value, tuple) else value)
        except ValueError as err:
            raise BadInput(f"{option}: {err}.") from None

    return callback


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


_CHECKS = {
    URL: "url",
    IMAGE: "image_url",
    GRADES: "grades",
    COST: "cost",
    WORDS: "words",
    DAY: "day",
    EVERY: "every",
    DAYS: "days",
}
_METAVARS = {DAY: "YYYY-MM-DD", MOMENT: "'YYYY-MM-DD HH:MM'"}


def add_command(kind: NoteKind) -> click.Command:
    """The add-* command of a kind of note, its options made from the kind's fields."""
    params = [_parameter(field) for field in kind.fields if not field.no_option]
    if kind.name == "events":
        params += _event_options()
    if kind.featured_once:
        what = "Add it even if it was featured before or is already in your notes."
        params.append(click.Option(["--force"], is_flag=True, help=what))
    if kind.name == "tips":
        what = "File it under digital citizenship instead of tips."
        params.append(click.Option(["--citizenship"], is_flag=True, help=what))

    @click.pass_context
    def add(ctx: click.Context, **values: Any) -> None:
        add_note(ctx, kind, values)

    return click.Command(kind.command, params=params, callback=add, help=kind.summary)


def _event_options() -> list[click.Parameter]:
    return [
        click.Option(
            ["--from", "first_day"],
            metavar="YYYY-MM-DD",
            callback=checked("day", "--from"),
            help="The day (the first, for a repeating event); with --at, instead of --when.",
        ),
        click.Option(
            ["--at"],
            metavar="TIME[-TIME]",
            callback=checked("time_span", "--at"),
            help="The time, or start and end: 12:00-12:40, 3:15 PM, 15:15.",
        ),
        click.Option(
            ["--force"],
            is_flag=True,
            help="Add it even if it is over or already in your notes.",
        ),
    ]


def _event_times(values: dict[str, Any]) -> None:
    """--from and --at as the start (and end) --when and --end would give; an --end
    that is a time alone is on the start's day."""
    from newsletter import validate

    first_day, at = values.pop("first_day", None), values.pop("at", None)
    if (first_day or at) and values.get("start"):
        raise BadInput("give --when, or --from with --at, not both.")
    if at is not None and at[1] is not None and values.get("end"):
        raise BadInput("--at gives the end already (12:00-12:40); leave --end out.")
    if at is not None:
        if first_day is None:
            raise BadInput("--at needs --from, the day. Hint: --from 2026-12-03 --at 12:00-12:40")
        values["start"] = f"{first_day} {at[0]:%H:%M}"
        if at[1] is not None:
            values["end"] = f"{first_day} {at[1]:%H:%M}"
    elif first_day is not None:
        raise BadInput("--from needs --at, the time. Hint: --from 2026-12-03 --at 12:00-12:40")
    end, start = values.get("end"), values.get("start")
    if isinstance(end, str) and isinstance(start, str) and not re.match(r"\d{4}-", end.strip()):
        try:
            values["end"] = f"{start.split()[0]} {validate.time_of_day(end):%H:%M}"
        except ValueError as err:
            raise BadInput(f"--end: {err}.") from None


def _parameter(field: NoteField) -> click.Parameter:
    if field.argument:
        return click.Argument([field.name])
    check = _CHECKS.get(field.read)
    return click.Option(
        [field.option, field.name],
        multiple=field.many,
        metavar=_METAVARS.get(field.read),
        type=click.IntRange(min=1) if field.read == NUMBER else None,  # at most: notes.py
        callback=checked(check, field.option) if check else None,
        help=field.help,
    )


def add_note(ctx: click.Context, kind: NoteKind, values: dict[str, Any]) -> None:
    from newsletter import notes
    from newsletter.catalog import open_catalog, unreadable_line

    here = context(ctx)
    if values.pop("citizenship", False):
        kind = KINDS["citizenship"]
    force = values.pop("force", False)
    if kind.name == "events":
        _event_times(values)
    zone = here.settings.zone if any(f.read == MOMENT for f in kind.fields) else None
    for field in kind.fields:
        if field.ask:  # asked for at a terminal; without one, a clear error
            label, example = field.ask
            parse = functools.partial(notes.option_value, field, zone=zone)
            values[field.name] = required(values[field.name], field.option, label, parse, example)
    note = notes.note_from_values(kind, values, here.today, zone)
    _known_editions(here.settings, note)
    if getattr(note, "asked", None) and note.asked > here.today:
        raise BadInput(f"--date: {note.asked} is in the future; give the day it was asked.")
    if kind.name == "events" and not force:
        _new_event(here, note)
    with open_catalog(here.workspace) as catalog:
        if kind.name == "tools":
            _requests_answered(here, catalog, note)
        if kind.featured_once and not force:
            unreadable = unreadable_line(catalog.unreadable_issues())  # not every issue
            warn([unreadable] if unreadable else [])

        def ask() -> None:
            if kind.name == "tools" and not force:
                _same_tool_question(note, catalog.featured_tools())

        used = _ids_in_use(here, catalog) if kind.numbered else set()
        path, line = notes.add_note(
            here.workspace, kind, note, catalog.featured_in, force=force, then=ask, used_ids=used
        )
    label = kind.said.format(**{f.name: getattr(note, f.name) for f in kind.all_fields()})
    done(f"Added {label} to {shown(path)}:{line}")


def _known_editions(settings: Any, note: Any) -> None:
    """--editions names editions of newsletter.yaml: a typo would leave a note out."""
    from newsletter.editions import unknown_editions

    named = getattr(note, "editions", None)
    if named and not settings.editions:
        raise BadInput(
            "--editions: newsletter.yaml has no editions, so every issue goes to everyone. "
            "Hint: add 'editions:' to newsletter.yaml first, or leave out --editions."
        )
    unknown = unknown_editions(note, settings.editions)
    if unknown:
        known = ", ".join(edition.name for edition in settings.editions)
        raise BadInput(
            f"--editions: newsletter.yaml has no edition '{unknown[0]}'; nothing was added. "
            f"Hint: use one of: {known}."
        )


def _new_event(here: Any, event: Any) -> None:
    """An event that is over, or in the notes already (same title, same start), is
    most likely a mistake: refused, unless --force."""
    from newsletter.calendar import occurrences
    from newsletter.kinds import EVENTS
    from newsletter.notes import read_kind

    times = occurrences(event, here.settings.zone)
    if not times or times[-1].start < here.now:
        when = f"{event.start:%Y-%m-%d %H:%M}" + (f" to {event.until}" if event.every else "")
        raise BadInput(f"the event '{event.title}' ({when}) is over. Hint: check the date, "
                       "or add it anyway with --force.")  # fmt: skip
    for other in read_kind(here.workspace, EVENTS, here.settings.zone, []):
        if other.title.casefold() == event.title.casefold() and other.start == event.start:
            raise BadInput(
                f"the event '{event.title}' at {event.start:%Y-%m-%d %H:%M} is in your notes "
                "already. Hint: edit it in notes/events.yaml, or add it anyway with --force."
            )


def _ids_in_use(here: Any, catalog: Any) -> set[str]:
    """Request ids never to give again: those the archive has had, and those the
    tools in the notes answer (their request may have been deleted since)."""
    from newsletter.kinds import TOOLS
    from newsletter.notes import read_kind

    tools = read_kind(here.workspace, TOOLS, here.settings.zone, [])  # a bad entry: skipped
    return catalog.request_ids() | {answer for tool in tools for answer in tool.answers}


def _requests_answered(here: Any, catalog: Any, tool: Any) -> None:
    """The requests a tool answers (--answers R3): ids that exist in the notes. At a
    terminal, without --answers, the open requests it may answer are offered."""
    from newsletter.kinds import REQUESTS
    from newsletter.model import request_key
    from newsletter.notes import read_kind
    from newsletter.teacher_requests import fits, request_id

    if not tool.answers and not interactive():
        return
    try:
        requests = {r.id: r for r in read_kind(here.workspace, REQUESTS, here.settings.zone, None)}
    except InputError:
        if tool.answers:
            raise
        return  # nothing to offer; `check` names the mistake
    answered = catalog.featured_keys()

    def known(ids: list[str]) -> list[str]:
        try:
            wanted = [request_id(text) for text in ids]
        except ValueError as err:
            raise click.BadParameter(str(err)) from None
        for wanted_id in wanted:
            if wanted_id not in requests:
                raise click.BadParameter(
                    f"there is no request {wanted_id} in notes/requests.yaml "
                    "('newsletter requests' lists them)"
                )
        return list(dict.fromkeys(wanted))

    if tool.answers:
        try:
            tool.answers = known(tool.answers)
        except click.BadParameter as err:
            raise BadInput(f"--answers: {err.message}; nothing was added.") from None
        again = [i for i in tool.answers if request_key(i) in answered]
        warn([f"{i} was answered in #{answered[request_key(i)]} already; this issue says "
              "'You asked, we found' for it again." for i in again])  # fmt: skip
        return
    offered = [r for r in requests.values() if request_key(r.id) not in answered and fits(r, tool)]
    if not offered:
        return
    click.echo("Teachers' requests this tool may answer:", err=True)
    for request in offered:
        who = f" ({request.asked_by})" if request.asked_by else ""
        click.echo(f"  {request.id:<4} {' '.join(request.text.split())}{who}", err=True)
    tool.answers = click.prompt(
        "Which does it answer? Ids like R3, or Enter for none",
        default="",
        show_default=False,
        value_proc=lambda typed: known(typed.replace(",", " ").split()),
    )


def _same_tool_question(tool: Any, featured: list[tuple[str, Any]]) -> None:
    """A tool whose name is like one featured before ('Canva' and 'Canva for
    Education') may be the same: ask. Without a terminal, say so and add it."""
    from newsletter.notes import featured_line
    from newsletter.similar import alike_names, squash

    for name, entry in featured:
        if not alike_names(tool.name, name) or squash(name) == squash(tool.name):
            continue  # the same name is refused by add_note, naming its issue
        line = featured_line(f"'{name}'", entry)
        if not interactive():
            same = f"is '{tool.name}' the same tool? Adding it anyway (--force skips this)"
            warn([f"{line}; {same}."])
            return
        if click.confirm(f"{line}. Is '{tool.name}' the same tool?", default=False):
            raise BadInput(
                f"{line}; nothing was added. Hint: add it with --force to feature it again."
            )
        return


def check_links_of(workspace: Workspace, issue_ref: str | None) -> int:
    """Print the broken links of an issue; how many there are."""
    from newsletter.links import check_issue_links

    found = check_issue_links(workspace, issue_ref)
    for result in found.broken:
        click.echo(f"broken: {result.ref.url} in {result.ref.where}: {result.problem}")
    click.echo(
        f"Checked {counted(len(found.results), 'link')} in issue #{found.number}: "
        f"{len(found.broken)} broken.",
        err=True,
    )
    return len(found.broken)


def confirm(question: str, unattended: str) -> None:
    """Ask at a terminal; without one, say how to go on (never hang waiting in cron)."""
    if not interactive():
        raise BadInput(
            f"{unattended}. Hint: add --yes (as a cron job does), or --dry-run to see "
            "the list first."
        )
    click.confirm(question, abort=True)


def send_each(ctx: Context, entries: list[Any], options: dict[str, Any]) -> None:
    """Send each issue in turn (each edition, to its group), after one question for
    all: one that fails does not stop the next, and the run fails at the end if any did."""
    import os

    from newsletter.send import NotForGroups, deliver, for_groups, prepare_send

    to, groups, jobs = options["to"], options["groups"], []
    again = (options["resend_in_doubt"], options["retry_refused"])
    if not (to or options["dry_run"] or options["force"]):
        _refuse_empty(entries)
    for entry in for_groups(ctx.settings, entries, groups):
        try:
            jobs.append(prepare_send(ctx.workspace, ctx.settings, entry, os.environ, to,
                                     groups, *again))  # fmt: skip
        except NotForGroups as err:
            click.echo(err.message, err=True)
    if not jobs:
        return
    warn(jobs[0].problems)  # the staff list's problems, once
    if ctx.settings.editions and not to:
        from newsletter.editions import without_edition

        left_out = without_edition(ctx.settings.editions, jobs[0].everyone)
        warn([left_out] if left_out else [])
    if options["dry_run"]:
        click.echo("\n".join(line for job in jobs for line in job.dry_run_lines()))
        return
    if not options["yes"] and not to:  # a test copy to yourself needs no confirmation
        whole = "; and ".join(job.summary() for job in jobs)
        confirm(f"Send {whole}?", f"Sending {whole} needs confirmation")
    failures = []
    for job in jobs:
        progress = SendProgress(job.entry.label, ctx.settings.send.rate_per_minute)

        def say(line: str, progress: SendProgress = progress) -> None:
            progress.clear()  # a log line never runs into the progress line
            stamped(line)

        outcome = deliver(ctx.workspace, ctx.settings, job, os.environ, say,
                          options["verbose"], progress, ctx.clock)  # fmt: skip
        progress.clear()
        try:
            report_outcome(outcome)
        except Failed as err:
            failures.append(err.message)
    if failures:
        raise Failed(" ".join(failures))


def _refuse_empty(entries: list[Any]) -> None:
    """An issue with no tools, events, tips or intro is a mistake to send to staff."""
    from newsletter.issue import is_empty

    for entry in entries:
        if is_empty(entry.issue):
            raise BadInput(
                f"Issue #{entry.label} ({shown(entry.path)}) has no tools, events, tips or "
                "intro; nothing was sent. Hint: add notes and build it again, or send it "
                "anyway with --force."
            )


def stamped(line: str) -> None:
    """A progress line for the cron log, with the time."""
    from newsletter import clock

    click.echo(f"{clock.now().astimezone():%Y-%m-%d %H:%M:%S} {line}", err=True)


def report_outcome(outcome: Any) -> None:
    for line in outcome.lines:
        click.echo(line if outcome.failure else paint(line, "green"))
    warn(outcome.warnings)
    if outcome.failure:
        raise Failed(outcome.failure)


def warn(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"{paint('warning:', 'yellow')} {line}", err=True)


def done(line: str, err: bool = False) -> None:
    """A line that says something worked, in green at a terminal."""
    click.echo(paint(line, "green"), err=err)


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
    archive.whole()  # raises the first problem


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


def report_build(results: list[Any]) -> None:
    """What build says: warnings and the summary on stderr, the files on stdout;
    for each edition, when there are editions."""
    from newsletter.feeds import describe_failures

    for result in results:
        _report_one(result)
    warn(describe_failures(results[0].feed_outcomes) if results else [])  # once, at the end


def _report_one(result: Any) -> None:
    import datetime as dt

    from newsletter.archive import already_sent_line

    edition = result.edition
    if result.kept:
        click.echo(
            f"Kept issue #{result.kept.label} as it was edited by hand "
            f"({shown(result.kept.path)}); 'newsletter build --force' builds it again.",
            err=True,
        )
        return
    if result.already_sent:
        line = already_sent_line(result.already_sent)
        later = result.issue.date + dt.timedelta(days=7)
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
