"""One description per kind of note: its dataclass, its file in notes/, the section
of the email it feeds, its `add-*` command and that command's options, how each
field is read and checked, and whether it is featured only once.

The readers and writers in notes/ and the `add-*` commands in cli/add.py are made
from these descriptions, so a field is added in two places: the dataclass in
model.py and its line here (then the templates that show it). This module
imports nothing heavy (named tuples, not dataclasses): `newsletter --help` builds
its commands from it.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any, NamedTuple

from newsletter.workspace.validate import COSTS  # a light module: the values notes may take

# How a field's value is read (from YAML or an option) and checked; see notes.read_value.
TEXT, WORDS, URL, GRADES, COST, DAY, MOMENT, NUMBER, EVERY, DAYS, TOPICS, IMAGE = (
    "text",
    "words",
    "url",
    "grades",
    "cost",
    "day",
    "moment",
    "number",
    "every",
    "days",
    "topics",
    "image",
)
SUBJECTS = "subjects"  # words, each as the one vocabulary of subjects names it
DATED_URLS = "dated_urls"  # an address per date of an event (its slides, its recording)
FLAG = "flag"  # true or false (given as an option alone: --talk)


class NoteField(NamedTuple):
    name: str  # the dataclass field, and the key in the notes file
    help: str  # the option's help text
    read: str = TEXT
    required: bool = False
    argument: bool = False  # the command's argument (NAME, TITLE, TEXT) rather than an option
    option_name: str = ""  # when the option is not --<name> (events: --when for start)
    ask: tuple[str, str] | None = None  # (label, example): asked at a terminal when missing
    no_option: bool = False  # set by another command (a talk's topics), not by add-*
    one_line: bool = False  # a name or a title: shown on a line of its own, in a heading
    most: int = 10**6  # the largest NUMBER it takes, from an option and from a file alike

    @property
    def option(self) -> str:
        if self.argument:
            return self.name.upper()
        return self.option_name or "--" + self.name.replace("_", "-")

    @property
    def many(self) -> bool:
        """Given as a list (repeat the option, or separate with commas)."""
        return self.read in (WORDS, GRADES, DAYS, SUBJECTS)


class NoteKind(NamedTuple):
    name: str  # the attribute of Notes and the name of the email's section
    note_class: str  # the dataclass in model.py
    file: str  # in notes/
    what: str  # how messages name one: "tool", "event"
    command: str  # its add-* command ("" when another command adds it)
    summary: str  # the command's help
    fields: tuple[NoteField, ...]
    featured_once: bool = False  # refused (without --force) once featured in a sent issue
    numbered: str = ""  # each note gets an id: this letter and the next number (R1, R2, ...)
    said: str = ""  # "Added {said} to ...": how the command names what it added

    @property
    def cls(self) -> Any:
        return getattr(importlib.import_module("newsletter.model"), self.note_class)

    def field(self, name: str) -> NoteField:
        return next(f for f in self.fields if f.name == name)

    def all_fields(self) -> tuple[NoteField, ...]:
        """The described fields, then any other field of the dataclass, read by its
        type: a field added to the dataclass alone is read, written and archived;
        describing it here as well gives it an option and a help text."""
        return _all_fields(self)


@functools.cache
def _all_fields(note_kind: NoteKind) -> tuple[NoteField, ...]:
    """NoteKind.all_fields, worked out once per kind (it inspects the dataclass)."""
    import dataclasses
    import datetime as dt
    import typing

    described = {f.name for f in note_kind.fields}
    hints = typing.get_type_hints(note_kind.cls)
    reads = {str: TEXT, list[str]: WORDS, dt.date: DAY, dt.datetime: MOMENT, int: NUMBER}
    extra = []
    for item in dataclasses.fields(note_kind.cls):
        if item.name not in described and not item.metadata.get("archive_only"):
            kind = hints[item.name]
            options = [a for a in typing.get_args(kind) if a is not type(None)]
            read = reads.get(options[0] if len(options) == 1 else kind, TEXT)
            extra.append(NoteField(item.name, item.name, read=read))
    return note_kind.fields + tuple(extra)


ADDED = NoteField(
    "added", "The day the note was added (default: today).", read=DAY, option_name="--date"
)
# newsletter.yaml's `editions`: which of them a note goes to (default: by its grades,
# or all of them when it has none).
EDITIONS = NoteField(
    "editions",
    "Only in these editions (newsletter.yaml's editions); default: every edition whose "
    "grades it fits, or all.",
    read=WORDS,
)
SHORT_NOTE_FIELDS = (
    NoteField("text", "The text, in markdown.", required=True, argument=True),
    NoteField("title", "A short title.", one_line=True),
    NoteField("url", "A link for more.", read=URL),
    ADDED,
    EDITIONS,
)

TOOLS = NoteKind(
    name="tools",
    note_class="Tool",
    file="tools.yaml",
    what="tool",
    command="add-tool",
    summary="Record a tool find (an app or website) for the next issue.\n\n"
    "Asks for the address and summary at a terminal when they are not given.",
    featured_once=True,
    said="'{name}'",
    fields=(
        NoteField("name", "The tool's name.", required=True, argument=True, one_line=True),
        NoteField(
            "url",
            "The tool's web address.",
            read=URL,
            required=True,
            ask=("Web address", "https://padlet.com"),
        ),
        NoteField(
            "summary",
            "What it does, in a sentence or two (markdown).",
            ask=("What it does", "A shared wall for posts, links and pictures"),
        ),
        NoteField("idea", "One idea for using it in class (markdown)."),
        NoteField(
            "grades",
            "Grades it fits: K, 1-12, or bands like 3-5; repeat or use commas.",
            read=GRADES,
        ),
        NoteField(
            "subjects",
            "Subjects, e.g. 'ELA, Science' (or 'all'); repeat or use commas.",
            read=SUBJECTS,
        ),
        NoteField("cost", f"One of: {', '.join(COSTS)}.", read=COST),
        NoteField("platforms", "Where it runs, e.g. 'web, iPad, Chromebook'.", read=WORDS),
        NoteField("privacy", "Privacy note: student accounts? what data is collected?"),
        NoteField(
            "requested_by",
            "Who asked, as a line under the tool; for a request recorded with "
            "'newsletter request', use --answers.",
            one_line=True,
        ),
        NoteField("tags", "Tags for finding it later, e.g. 'fractions, quizzes'.", read=WORDS),
        ADDED,
        NoteField(
            "answers",
            "The id of a teacher's request it answers (R3, from 'newsletter requests'); "
            "repeat for several.",
            read=WORDS,
        ),
        EDITIONS,
        NoteField(
            "image",
            "A picture of it: a hosted https address (needs --image-alt).",
            read=IMAGE,
        ),
        NoteField(
            "image_alt", "What the picture shows, for those who cannot see it.", one_line=True
        ),
        NoteField(
            "image_width",
            "The picture's width in pixels, at most the column's 536 (the default).",
            read=NUMBER,
            most=536,
        ),
        NoteField(
            "image_height",
            "Its height in pixels at that width (at most 5000), so Outlook keeps the space.",
            read=NUMBER,
            most=5000,
        ),
    ),
)
EVENTS = NoteKind(
    name="events",
    note_class="Event",
    file="events.yaml",
    what="event",
    command="add-event",
    summary="Record an upcoming Tech Talk, PD session or other event.\n\n"
    "It appears in every issue until it has started.",
    said="the event '{title}'",
    fields=(
        NoteField(
            "title", "What the event is called.", required=True, argument=True, one_line=True
        ),
        NoteField(
            "start",
            "Start, in the workspace time zone: 'YYYY-MM-DD HH:MM'.",
            read=MOMENT,
            required=True,
            option_name="--when",
            ask=("Starts", "2026-12-03 12:00"),
        ),
        NoteField("end", "End: 'YYYY-MM-DD HH:MM', or a time on the same day.", read=MOMENT),
        NoteField("place", "Room, or a video link.", one_line=True),
        NoteField("signup", "Sign-up address.", read=URL),
        NoteField("description", "What it is about (markdown)."),
        NoteField(
            "every",
            "Comes back every 'week', '2 weeks' or 'month', up to --until (a Tech Talk).",
            read=EVERY,
        ),
        NoteField("until", "The last day a repeating event can fall on.", read=DAY),
        NoteField("skip", "A day a repeating event skips (a holiday); repeat it.", read=DAYS),
        NoteField(
            "topics", "Each date's topic (talk-topic sets one).", read=TOPICS, no_option=True
        ),
        NoteField(
            "exit_slip",
            "An exit-slip form: the first issue after each date links it for those who came.",
            read=URL,
        ),
        NoteField("slides", "Each date's slides.", read=DATED_URLS, no_option=True),
        NoteField("recordings", "Each date's recording.", read=DATED_URLS, no_option=True),
        EDITIONS,
    ),
)
LINKS = NoteKind(
    name="links",
    note_class="Link",
    file="links.yaml",
    what="link",
    command="add-link",
    summary="Record a link worth a click.",
    featured_once=True,
    said="the link '{title}'",
    fields=(
        NoteField("title", "What the link is called.", required=True, argument=True, one_line=True),
        NoteField(
            "url",
            "The link.",
            read=URL,
            required=True,
            ask=("Web address", "https://example.org/article"),
        ),
        NoteField("note", "A line about why it is worth a click (markdown)."),
        NoteField(
            "grades",
            "Grades it is for: K, 1-12, or bands like 3-5; repeat or use commas.",
            read=GRADES,
        ),
        ADDED,
        EDITIONS,
    ),
)
TIPS = NoteKind(
    name="tips",
    note_class="ShortNote",
    file="tips.yaml",
    what="tip",
    command="add-tip",
    summary="Record a tip of the week (markdown), or a digital citizenship item.",
    said="the tip",
    fields=SHORT_NOTE_FIELDS,
)
CITIZENSHIP = NoteKind(
    name="citizenship",
    note_class="ShortNote",
    file="citizenship.yaml",
    what="citizenship item",
    command="",  # add-tip --citizenship
    summary="A digital citizenship item.",
    said="the digital citizenship item",
    fields=SHORT_NOTE_FIELDS,
)

REQUESTS = NoteKind(
    name="requests",
    note_class="Request",
    file="requests.yaml",
    what="request",
    command="request",
    summary="Record a teacher's request: 'is there an app that does ...?'\n\n"
    "It waits in 'newsletter requests' until a tool answers it (add-tool --answers ID); "
    "the issue with that tool says 'You asked, we found'.",
    numbered="R",
    said="request {id} ('{text}')",
    fields=(
        NoteField(
            "text", "What the teacher asked for, in their words.", required=True, argument=True
        ),
        NoteField(
            "asked_by",
            "Who asked, e.g. 'Ms. Alvarez, 4th grade' (shown in the email only when given).",
            option_name="--from",
            one_line=True,
        ),
        NoteField(
            "grades",
            "Grades it is for: K, 1-12 or a band like 3-5; repeat or use commas.",
            read=GRADES,
        ),
        NoteField(
            "subjects",
            "Subjects, e.g. 'Math'; repeat or use commas.",
            read=SUBJECTS,
            option_name="--subject",
        ),
        NoteField(
            "asked", "The day it was asked (default: today).", read=DAY, option_name="--date"
        ),
        NoteField(
            "talk",
            "It asks for a Tech Talk ('I want to learn how to ...'): 'talks' lists it beside "
            "the dates still without a topic.",
            read=FLAG,
        ),
        NoteField(
            "already",
            "A tool the district already approves that does it (newsletter answer sets it).",
            no_option=True,
            one_line=True,
        ),
        NoteField("declined", "Why it was declined (newsletter answer sets it).", no_option=True),
    ),
)

KINDS = {kind.name: kind for kind in (TOOLS, EVENTS, LINKS, TIPS, CITIZENSHIP, REQUESTS)}
