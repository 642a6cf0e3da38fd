"""The commands for the notes as files: `notes` (what is waiting, numbered), `edit`
(a notes file in $EDITOR, checked on save) and `remove` (one entry); and for the
repeating Tech Talks in them: `talks` (the dates ahead) and `talk-topic`."""

from __future__ import annotations

from typing import Any

import click

from newsletter.cli.group import BadInput, checked, context
from newsletter.cli.terminal import done, interactive, warn
from newsletter.errors import InputError, shown

KINDS_HELP = "tools, events, links, tips, citizenship or requests"


@click.command("notes")
@click.argument("kind", required=False)
@click.pass_context
def notes_list(ctx: click.Context, kind: str | None) -> None:
    """List what is waiting for the next issue, numbered by its place in its file.

    KIND is one of tools, events, links, tips, citizenship or requests (default:
    all). The numbers are what 'newsletter remove' takes."""
    from newsletter.catalog.db import open_catalog
    from newsletter.notes.edit import describe, kind_named, waiting
    from newsletter.notes.kinds import KINDS

    here = context(ctx)
    kinds = [kind_named(kind)] if kind else list(KINDS.values())
    with open_catalog(here.workspace) as catalog:
        featured = catalog.featured_keys()
    problems, listed = [], 0
    for each in kinds:
        try:
            found = waiting(here.workspace, each, here.settings.zone, featured, here.now)
        except InputError as err:  # a file that does not read: the other kinds still show
            problems.append(str(err))
            continue
        if not found and not kind:
            continue
        listed += 1
        click.echo(f"{each.name} ({shown(here.workspace.notes_dir / each.file)})")
        for number, note in found:
            click.echo(f"  {number:>3}  {describe(note) if note else _UNREADABLE}")
        if not found:
            click.echo("  nothing waiting")
    if not kind:
        listed += _intro_line(here, featured)
    if not listed and not problems:
        click.echo("Nothing is waiting for the next issue.", err=True)
    if problems:
        problems = list(dict.fromkeys(problems))  # a mistake all kinds meet, said once
        warn(problems[1:])
        raise BadInput(problems[0])


_UNREADABLE = "(cannot be read: 'newsletter check' names the mistake)"


def _intro_line(here: Any, featured: dict[str, int]) -> int:
    """The editor's intro, when notes/intro.md has one: waiting, or sent already."""
    from newsletter.model import intro_key
    from newsletter.notes.read import INTRO_FILE, read_intro

    path = here.workspace.notes_dir / INTRO_FILE
    text = read_intro(path)
    if not text:
        return 0
    first = " ".join(text.split())[:60]
    sent = featured.get(intro_key(text))
    said = f"sent in #{sent} already: the next issue has no intro" if sent else "waiting"
    click.echo(f"intro ({shown(path)})\n        {said}: {first}")
    return 1


@click.command()
@click.argument("kind")
@click.pass_context
def edit(ctx: click.Context, kind: str) -> None:
    """Open a notes file in your editor ($VISUAL or $EDITOR), and check it on save.

    KIND is one of tools, events, links, tips, citizenship or requests. You edit a
    copy: if it does not read, it opens again with the mistake on top (as
    'crontab -e' does), and the file is only replaced once it reads."""
    from newsletter.notes.edit import kind_named

    here = context(ctx)
    note_kind = kind_named(kind)
    path = here.workspace.notes_dir / note_kind.file
    if not interactive():
        raise BadInput(f"edit needs a terminal. Hint: edit {shown(path)} with any editor.")
    _edit_until_it_reads(here, note_kind, path)


def _edit_until_it_reads(here: Any, kind: Any, path: Any) -> None:
    import os
    import tempfile

    from newsletter.notes.edit import lost_or_doubled
    from newsletter.workspace.entries import entries_lock
    from newsletter.workspace.files import read_text, write_atomically

    original = read_text(path) if path.is_file() else ""  # newlines as \n
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".yaml", dir=path.parent)
    os.close(handle)
    copy = path.parent / os.path.basename(name)
    crlf = path.is_file() and b"\r\n" in path.read_bytes()
    text, problems = original, list[str]()
    try:
        while True:
            try:
                text = _one_edit(copy, text, problems, shown(path))
            except click.ClickException as err:  # the editor could not start, or failed
                why = f"the editor failed ({err.format_message()})"
                _give_up(copy, path, original, why, "set VISUAL or EDITOR to one that works.")
            problems = _problems_of(here, kind, copy, path, text)
            if not problems:
                break
            warn(problems)
            if not click.confirm("Edit it again?", default=True):
                _give_up(copy, path, original, "it does not read yet")
        for question in lost_or_doubled(kind, path, original, text):
            if not click.confirm(f"{question} Save it?", default=False):
                _give_up(copy, path, original, "you did not save it")
    except (click.Abort, KeyboardInterrupt):  # Ctrl-C, or the end of the input
        _give_up(copy, path, original, "you stopped")
    with entries_lock(here.workspace.state_dir, path.name):
        if (read_text(path) if path.is_file() else "") != original:
            raise BadInput(
                f"{shown(path)} changed while you edited it (an add-* command?); your edit is "
                f"kept in {shown(copy)}. Hint: merge the two by hand."
            )
        if text != original:  # written with the file's own line endings
            write_atomically(path, text.replace("\n", "\r\n") if crlf else text)
    copy.unlink()
    click.echo(f"{shown(path)}: " + ("saved." if text != original else "unchanged."))


def _one_edit(copy: Any, text: str, problems: list[str], name: str) -> str:
    """One round in the editor: the copy with the problems on top (their line numbers
    the ones the editor shows), and what was saved, without them."""
    import re

    head = _with_problems("", problems)
    offset = head.count("\n")
    head = re.sub(re.escape(name) + r":(\d+)", lambda m: f"line {int(m[1]) + offset}", head)
    copy.write_text(head + text, encoding="utf-8")
    click.edit(filename=str(copy))
    if not copy.is_file():
        raise click.ClickException("it removed the copy")
    saved = copy.read_bytes().decode("utf-8", errors="replace")  # not UTF-8: said next
    text = _without_problems(saved).replace("\r\n", "\n")
    copy.write_text(text, encoding="utf-8")
    return text


def _problems_of(here: Any, kind: Any, copy: Any, path: Any, text: str) -> list[str]:
    from newsletter.notes.edit import edited_problems

    if "\ufffd" in text:  # bytes that were not UTF-8, replaced on reading
        return [f"{shown(path)}: it is not UTF-8 text; save it as UTF-8 in your editor."]
    return [
        line.replace(shown(copy), shown(path))
        for line in edited_problems(here.workspace, kind, copy, here.settings.zone)
    ]


def _give_up(copy: Any, path: Any, original: str, why: str, hint: str = "") -> None:
    """Stop, keeping what was typed (unless nothing was): the file is not changed."""
    kept = copy.is_file() and copy.read_text(encoding="utf-8", errors="replace") != original
    if copy.is_file() and not kept:
        copy.unlink()
    where = f"; your edit is kept in {shown(copy)}" if kept else ""
    hint = hint or (
        "fix it and copy it over, or run 'newsletter edit' again."
        if kept
        else "run 'newsletter edit' again."
    )
    raise BadInput(f"{shown(path)} was not changed: {why}{where}. Hint: {hint}")


_MARK = "# newsletter edit: "


def _with_problems(text: str, problems: list[str]) -> str:
    """The file with what is wrong with it on top, as comments (taken off on save)."""
    head = "".join(f"{_MARK}{line}\n" for line in problems)
    if problems:
        head += f"{_MARK}(fix the above and save; these lines are removed)\n"
    return head + text


def _without_problems(text: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith(_MARK))


@click.command()
@click.argument("kind")
@click.argument("number", type=int)
@click.option("--yes", is_flag=True, help="Remove without asking.")
@click.pass_context
def remove(ctx: click.Context, kind: str, number: int, yes: bool) -> None:
    """Remove note NUMBER of KIND (its number in 'newsletter notes').

    Only that entry's lines go; every other line of the file (comments included)
    stays as you wrote it."""
    from newsletter.notes.edit import describe, kind_named, numbered_entries, remove_note

    here = context(ctx)
    note_kind = kind_named(kind)
    found = {n.number: n for n in numbered_entries(here.workspace, note_kind, here.settings.zone)}
    confirmed = None
    if not yes and number in found:
        what = f"{note_kind.what} {number}"
        if not interactive():
            raise BadInput(
                f"Removing {what} ({describe(found[number].note)}) needs confirmation. "
                "Hint: add --yes."
            )
        click.confirm(f"Remove {what}: {describe(found[number].note)}?", abort=True)
        confirmed = found[number]  # removed by what it is, should the file change meanwhile
    gone = remove_note(here.workspace, note_kind, number, here.settings.zone, confirmed)
    path = shown(here.workspace.notes_dir / note_kind.file)
    click.echo(f"Removed {note_kind.what} {gone.number} ({describe(gone.note)}) from {path}.")


@click.command("talks")
@click.option("--all", "everything", is_flag=True, help="Also the talks that are over.")
@click.pass_context
def talks(ctx: click.Context, everything: bool) -> None:
    """List the dates of every repeating event (the Tech Talks) with their topics.

    Set a date's topic with: newsletter talk-topic DATE "Google Forms quizzes"."""
    import dataclasses

    from newsletter.calendar import occurrences
    from newsletter.notes.events import with_breaks
    from newsletter.notes.kinds import EVENTS
    from newsletter.notes.read import read_kind
    from newsletter.text.plain import printable

    here = context(ctx)
    zone = here.settings.zone
    series = [e for e in read_kind(here.workspace, EVENTS, zone, None) if e.every]
    series = with_breaks(series, here.settings)
    # Every date of each rule, those in a break too: listed, marked, not held.
    dates = sorted(
        ((o, e.breaks.get(o.start.astimezone(zone).date().isoformat(), ""))
         for e in series for o in occurrences(dataclasses.replace(e, breaks={}), zone)),
        key=lambda pair: pair[0].start,
    )  # fmt: skip
    shown = [(o, why) for o, why in dates if everything or o.start >= here.now]
    for talk, closed in shown:
        start = talk.start.astimezone(zone)
        end = f"-{talk.end.astimezone(zone):%H:%M}" if talk.end else ""
        place = f" ({talk.place})" if talk.place else ""
        said = f"  ({closed}: no talk)" if closed else ""
        click.echo(printable(f"{start:%a %Y-%m-%d %H:%M}{end} {start:%Z}  {talk.title}{place}"
                             f"{said}"))  # fmt: skip
    if not shown:
        click.echo(
            'No repeating events. Add one with: newsletter add-event "Tech Talk" '
            '--every "2 weeks" --from DATE --until DATE --at 12:00-12:40',
            err=True,
        )
    plain = {e.title for e in series}  # a date without a topic has the series' own title
    _talks_asked_for(here, [o for o, why in shown
                            if not why and o.start >= here.now and o.title in plain])  # fmt: skip


def _talks_asked_for(here: Any, ahead: list[Any]) -> None:
    """The teachers' requests for a talk still open, beside the dates still without a
    topic: what to put on them."""
    from newsletter.catalog.db import open_catalog
    from newsletter.notes.kinds import REQUESTS
    from newsletter.notes.read import read_kind
    from newsletter.notes.requests import is_open, request_states
    from newsletter.text.plain import printable

    asked = [r for r in read_kind(here.workspace, REQUESTS, here.settings.zone, None) if r.talk]
    if not asked:
        return
    with open_catalog(here.workspace) as catalog:
        waiting = [s.request for s in request_states(asked, catalog) if is_open(s)]
    if not waiting:
        return
    zone = here.settings.zone
    free = [f"{o.start.astimezone(zone):%a %Y-%m-%d}" for o in ahead]
    click.echo("")
    click.echo(printable(f"Talks teachers asked for ({len(waiting)}), for the dates without a "
                         f"topic ({', '.join(free[:6]) or 'none ahead'}):"))  # fmt: skip
    for request in waiting:
        by = f" ({request.asked_by})" if request.asked_by else ""
        click.echo(printable(f"  {request.id}  {request.text}{by}"))


@click.command("talk-topic")
@click.argument("date", callback=checked("day", "DATE"))
@click.argument("topic")
@click.option("--title", help="Which repeating event, when more than one falls on DATE.")
@click.pass_context
def talk_topic(ctx: click.Context, date: Any, topic: str, title: str | None) -> None:
    """Set the topic of a repeating event on DATE (shown as 'Tech Talk: TOPIC').

    A topic with a colon of its own is joined with a dash: 'Tech Talk – Kami: notes'.

    An empty TOPIC ("") takes the topic away."""
    from newsletter.notes.events import set_topic

    here = context(ctx)
    path, line, event_title = set_topic(here.workspace, here.settings.zone, date, topic, title)
    from newsletter.calendar import titled

    said = f"'{titled(event_title, topic.strip())}'" if topic.strip() else (
        f"no topic for '{event_title}'")  # fmt: skip
    click.echo(f"{date}: {said}, in {path}:{line}")


@click.command("talk-materials")
@click.argument("date", callback=checked("day", "DATE"))
@click.option("--slides", metavar="URL", callback=checked("url", "--slides"), help="The slides.")
@click.option(
    "--recording", metavar="URL", callback=checked("url", "--recording"), help="The recording."
)
@click.option("--title", help="Which event, when more than one falls on DATE.")
@click.pass_context
def talk_materials(ctx: click.Context, date: Any, slides: str | None, recording: str | None,
                   title: str | None) -> None:  # fmt: skip
    """Record what the talk on DATE left behind: its slides and its recording.

    The first issue after the talk says 'Missed it?' with them, and the public site
    keeps them with the issue."""
    from newsletter.notes.events import set_materials

    if slides is None and recording is None:
        raise BadInput("give --slides URL, --recording URL, or both.")
    here = context(ctx)
    path, line, event_title = set_materials(here.workspace, here.settings.zone, date, title,
                                            slides, recording)  # fmt: skip
    given = " and ".join(n for n, v in (("slides", slides), ("recording", recording)) if v)
    click.echo(f"{date}: the {given} of '{event_title}', in {path}:{line}.")


@click.command("talk-skip")
@click.argument("date", callback=checked("day", "DATE"))
@click.option("--title", help="Which repeating event, when more than one falls on DATE.")
@click.option("--undo", is_flag=True, help="Hold the talk on DATE again.")
@click.pass_context
def talk_skip(ctx: click.Context, date: Any, title: str | None, undo: bool) -> None:
    """Skip a repeating event on DATE (a holiday, a talk called off), or hold it again
    with --undo.

    The date goes into the event's 'skip' list in notes/events.yaml; a topic set for
    it is taken off, and said."""
    from newsletter.notes.events import skip_date

    here = context(ctx)
    done_ = skip_date(here.workspace, here.settings.zone, date, title, undo)
    what = "held again" if undo else "skipped"
    click.echo(f"{date}: '{done_.title}' {what}, in {done_.path}:{done_.line}.")
    if done_.topic:
        click.echo(f"Its topic '{done_.topic}' was taken off; give it another date with "
                   "'newsletter talk-topic DATE TOPIC'.", err=True)  # fmt: skip


@click.command("answer")
@click.argument("request_id", metavar="ID")
@click.option(
    "--already",
    metavar="TOOL",
    help="A tool the district already approves (in approvals.yaml) that does it: the next "
    "issue says 'We already have TOOL, which does that'.",
)
@click.option("--decline", metavar="REASON", help="Decline it, saying why.")
@click.pass_context
def answer(ctx: click.Context, request_id: str, already: str | None, decline: str | None) -> None:
    """Answer a teacher's request without a new tool: with one the district already
    approves, or by declining it with a reason.

    A request a new tool answers is answered with add-tool --answers ID instead."""
    from newsletter.approvals.register import load_register
    from newsletter.catalog.db import open_catalog
    from newsletter.notes.requests import answer_request

    if (already is None) == (decline is None):
        raise BadInput("give --already TOOL or --decline REASON (one of them).")
    here = context(ctx)
    with open_catalog(here.workspace) as catalog:
        answered = catalog.featured_keys()
    path, line, request = answer_request(here.workspace, here.settings.zone, request_id,
                                         load_register(here.workspace), answered, already,
                                         decline)  # fmt: skip
    if request.already:
        done(f"{request.id}: we already have {request.already}; the next issue says so "
             f"({path}:{line}).")  # fmt: skip
    else:
        done(f"{request.id}: declined ({request.declined}), in {path}:{line}.")


@click.command("citizenship")
@click.option(
    "--coverage",
    "by_band",
    is_flag=True,
    help="Per grade band: the topics its readers have been sent this school year, those "
    "ahead, and those the plan has no room left for.",
)
@click.pass_context
def citizenship(ctx: click.Context, by_band: bool) -> None:
    """Show the year's digital citizenship plan: each topic, what has gone out already
    and what comes next.

    The plan is notes/citizenship-plan.yaml."""
    from newsletter.catalog.db import open_catalog
    from newsletter.notes.plan import coverage, load_plan, span_of, topic_key, where_is
    from newsletter.text.plain import printable

    here = context(ctx)
    year = here.settings.school_year
    plan = load_plan(here.workspace, year)
    if not plan.entries:
        raise BadInput(
            f"{where_is(plan)} has no topics yet. Hint: fill in the plan (newsletter init "
            "writes a commented one to start from)."
        )
    with open_catalog(here.workspace) as catalog:
        featured = catalog.featured_keys()
    if by_band:
        for band in coverage(plan, year, featured, here.today):
            click.echo(printable(f"Grades {band.band}"))
            click.echo(printable(f"  sent:     {', '.join(band.sent) or '-'}"))
            click.echo(printable(f"  ahead:    {', '.join(band.planned) or '-'}"))
            if band.missing:
                click.echo(printable(f"  not in what is left: {', '.join(band.missing)}"))
        return
    upcoming = False
    for entry in plan.entries:
        key = topic_key(year, entry)
        if key in featured:
            state = f"sent in #{featured[key]}"
        elif entry.first <= here.today <= entry.last:
            state = "now"
        elif entry.first > here.today and not upcoming:
            state, upcoming = "next", True
        else:
            state = "ahead" if entry.first > here.today else "not sent"
        span = f"{entry.first:%b %Y}" if entry.first.day == 1 else f"{entry.first} to {entry.last}"
        bands = ", ".join(lesson.grades for lesson in entry.lessons) or "no lessons yet"
        click.echo(printable(f"{span:<10}  {entry.topic:<44} {state:<12} ({bands})"))
    for observance in plan.observances:
        start = year.first_day if year else here.today
        end = year.last_day if year else here.today.replace(year=here.today.year + 1)
        dates = ", ".join(span_of(a, b) for a, b in observance.dates(start, end))
        click.echo(printable(f"{'':<10}  {observance.name}: {dates or '-'}"))
