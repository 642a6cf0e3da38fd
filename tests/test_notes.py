"""Recording notes: add-tool, add-event, add-link, add-tip, and reading notes back."""

import os
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest

from newsletter.errors import InputError
from newsletter.notes.read import load_notes
from newsletter.workspace.folder import Workspace
from tests.conftest import Terminal, write

CHICAGO = ZoneInfo("America/Chicago")

PADLET = [
    "add-tool",
    "Padlet",
    "--url",
    "https://padlet.com",
    "--summary",
    "A shared wall.",
    "--idea",
    "Open a unit with a wall.",
    "--grades",
    "3-5,6-8",
    "--subjects",
    "ELA",
    "--subjects",
    "Science",
    "--cost",
    "Freemium",
    "--platforms",
    "web, iPad",
    "--privacy",
    "No student accounts.",
    "--requested-by",
    "Ms. Alvarez",
    "--tags",
    "brainstorming",
    "--date",
    "2026-11-23",
]


def test_add_tool_records_every_field(workspace, run):
    result = run(*PADLET)
    assert result.exit_code == 0, result.output
    assert "Added 'Padlet' to" in result.output
    (tool,) = load_notes(Workspace(workspace), CHICAGO).tools
    assert tool.name == "Padlet"
    assert tool.url == "https://padlet.com"
    assert tool.grades == ["3-5", "6-8"]
    assert tool.subjects == ["ELA", "Science"]
    assert tool.cost == "freemium"
    assert tool.platforms == ["web", "iPad"]
    assert tool.privacy == "No student accounts."
    assert tool.requested_by == "Ms. Alvarez"
    assert tool.tags == ["brainstorming"]
    assert str(tool.added) == "2026-11-23"


def test_add_tool_keeps_what_the_editor_wrote(workspace, run):
    tools = write(
        workspace / "notes" / "tools.yaml",
        """
        # My own notes, in my own order.
        - name: Zeta   # the last letter, first on purpose
          url: https://zeta.example.org
          summary: |
            Two lines
            of summary.

        # a comment between entries
        - url: https://alpha.example.org
          name: Alpha
    """,
    )
    before = tools.read_text()
    assert run(*PADLET).exit_code == 0
    after = tools.read_text()
    assert after.startswith(before)
    names = [t.name for t in load_notes(Workspace(workspace), CHICAGO).tools]
    assert names == ["Zeta", "Alpha", "Padlet"]


def test_two_tools_in_a_row_from_an_empty_notes_folder(workspace, run):
    (workspace / "notes" / "tools.yaml").unlink()
    assert run(*PADLET).exit_code == 0
    assert (
        run(
            "add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "Annotate PDFs."
        ).exit_code
        == 0
    )
    names = [t.name for t in load_notes(Workspace(workspace), CHICAGO).tools]
    assert names == ["Padlet", "Kami"]


@pytest.mark.parametrize(
    "option,value,message",
    [
        ("--url", "padlet.com", "--url: 'padlet.com' is not a web address"),
        ("--url", "ftp://padlet.com", "--url: 'ftp://padlet.com' is not a web address"),
        ("--grades", "13", "--grades: '13' is not a grade"),
        ("--grades", "5-3", "--grades: the band '5-3' runs backwards"),
        ("--cost", "cheap", "--cost: 'cheap' is not a cost; use one of: free, freemium, paid"),
        ("--date", "27/11/2026", "--date: '27/11/2026' is not a date"),
    ],
)
def test_add_tool_rejects_bad_values_naming_the_option(workspace, run, option, value, message):
    args = [
        "add-tool",
        "Padlet",
        "--url",
        "https://padlet.com",
        "--summary",
        "A wall",
        option,
        value,
    ]
    tools = workspace / "notes" / "tools.yaml"
    before = tools.read_text()
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.strip().count("\n") == 0  # one line
    assert tools.read_text() == before


def test_add_tool_without_a_terminal_never_prompts(workspace, run):
    result = run("add-tool", "Padlet", "--summary", "A wall")
    assert result.exit_code == 2
    assert "--url is missing" in result.output
    assert "Hint: add --url" in result.output


def test_add_tool_prompts_at_a_terminal(workspace):
    """A real terminal (a pty): the missing fields are asked for, a bad answer again."""
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    terminal = Terminal(["-m", "newsletter", "add-tool", "Kami"], env)
    terminal.read_until(b"Web address")
    terminal.type("kamiapp.com")
    terminal.read_until(b"is not a web address")
    terminal.type("https://kamiapp.com")
    terminal.read_until(b"What it does")
    terminal.type("Annotate PDFs together.")
    terminal.read_until(b"Added 'Kami'")
    assert terminal.exit_code() == 0
    (tool,) = load_notes(Workspace(workspace), CHICAGO).tools
    assert (tool.url, tool.summary) == ("https://kamiapp.com", "Annotate PDFs together.")


def test_same_tool_in_notes_wants_force(workspace, run):
    assert run(*PADLET).exit_code == 0
    again = run("add-tool", "Padlet wall", "--url", "http://www.padlet.com/", "--summary", "x")
    assert again.exit_code == 2
    assert "is already in your notes" in again.output
    assert "--force" in again.output
    forced = run(
        "add-tool", "Padlet wall", "--url", "http://www.padlet.com/", "--summary", "x", "--force"
    )
    assert forced.exit_code == 0


def test_a_damaged_notes_file_is_never_appended_to(workspace, run):
    tools = write(
        workspace / "notes" / "tools.yaml",
        """
        - name: Zeta
          url: https://zeta.example.org
         summary: bad indentation
    """,
    )
    before = tools.read_text()
    result = run(*PADLET)
    assert result.exit_code == 2
    assert "tools.yaml:3: not valid YAML" in result.output
    assert tools.read_text() == before


def test_an_entry_the_append_would_break_is_refused(workspace, run):
    tools = write(
        workspace / "notes" / "tools.yaml",
        """
        tools:
          - name: Zeta
            url: https://zeta.example.org
    """,
    )
    before = tools.read_text()
    result = run(*PADLET)
    assert result.exit_code == 2
    assert "expected a list of entries" in result.output
    assert tools.read_text() == before


def test_add_event_in_the_workspace_time_zone(workspace, run):
    result = run(
        "add-event",
        "Tech Talk: Google Forms",
        "--when",
        "2026-12-03 12:00",
        "--end",
        "2026-12-03 12:45",
        "--place",
        "Library",
        "--signup",
        "https://forms.example.org/t",
        "--description",
        "Bring lunch.",
        "--force",  # a fixed date, which will be over one day
    )
    assert result.exit_code == 0, result.output
    (event,) = load_notes(Workspace(workspace), CHICAGO).events
    assert event.start.isoformat() == "2026-12-03T12:00:00-06:00"
    assert event.end is not None and event.end.minute == 45
    assert event.place == "Library"


@pytest.mark.parametrize(
    "args,message",
    [
        (["--when", "next thursday"], "--when: 'next thursday' is not a date and time"),
        (["--when", "2026-12-03"], "--when: '2026-12-03' has no time of day"),
        (["--when", "2026-12-03 12:00", "--end", "2026-12-03 11:00"], "--end: the event ends"),
        (["--when", "2026-12-03 12:00", "--signup", "forms"], "--signup: 'forms' is not a web"),
    ],
)
def test_add_event_rejects_bad_times(workspace, run, args, message):
    result = run("add-event", "Tech Talk", *args, "--force")
    assert result.exit_code == 2
    assert message in result.output


def test_add_link_and_tips(workspace, run):
    assert (
        run(
            "add-link",
            "Hour of Code",
            "--url",
            "https://hourofcode.com/learn",
            "--note",
            "CS week.",
        ).exit_code
        == 0
    )
    assert run("add-tip", "Press **Ctrl+Shift+V**.", "--title", "Paste plain").exit_code == 0
    assert run("add-tip", "Check the source.", "--citizenship").exit_code == 0
    notes = load_notes(Workspace(workspace), CHICAGO)
    assert notes.links[0].url == "https://hourofcode.com/learn"
    assert notes.tips[0].title == "Paste plain"
    assert notes.citizenship[0].text == "Check the source."


def test_a_typo_in_a_field_name_suggests_the_right_one(workspace):
    write(
        workspace / "notes" / "tools.yaml",
        """
        - name: Padlet
          url: https://padlet.com
          grade: 3-5
    """,
    )
    with pytest.raises(InputError) as caught:
        load_notes(Workspace(workspace), CHICAGO)
    message = str(caught.value)
    assert (
        message.startswith("notes/tools.yaml:3: unknown tool field 'grade'")
        or "tools.yaml:3: unknown tool field 'grade'" in message
    )
    assert "Did you mean 'grades'?" in message


def test_bad_values_in_yaml_name_file_line_and_field(workspace):
    write(
        workspace / "notes" / "tools.yaml",
        """
        - name: Padlet
          url: https://padlet.com

        - name: Other
          url: https://other.example.org
          cost: cheap
    """,
    )
    with pytest.raises(InputError) as caught:
        load_notes(Workspace(workspace), CHICAGO)
    assert "tools.yaml:6: tool field 'cost': 'cheap' is not a cost" in str(caught.value)


def test_subprocess_add_tool_interrupted_leaves_file_whole(workspace):
    """Kill add-tool at random points: the file is always the old or the new text."""
    tools = workspace / "notes" / "tools.yaml"
    original = tools.read_text()
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    for delay in (0.05, 0.1, 0.15, 0.2, 0.3):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "newsletter",
                "add-tool",
                "Kami",
                "--url",
                "https://kamiapp.com",
                "--summary",
                "PDFs",
                "--force",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.kill()
        proc.wait()
        text = tools.read_text()
        assert text.startswith(original)
        load_notes(Workspace(workspace), CHICAGO)  # still valid YAML
    assert not list((workspace / "notes").glob(".*.tmp"))


def test_a_tool_featured_in_a_sent_issue_names_it_and_wants_force(workspace, run):
    import datetime as dt

    from newsletter.archive.record import record_reach
    from newsletter.catalog.db import load_archive

    assert run(*PADLET).exit_code == 0
    assert run("build", "--date", "2026-11-20").exit_code == 0
    (entry,) = load_archive(Workspace(workspace))
    record_reach(entry, 6, 6, dt.datetime(2026, 11, 20, 14, tzinfo=dt.UTC))
    for args in (
        ["Padlet again", "--url", "https://www.padlet.com/"],  # same address
        ["padlet", "--url", "https://padlet.example.org"],
    ):  # same name
        result = run("add-tool", *args, "--summary", "Again.")
        assert result.exit_code == 2
        assert "was featured in #1 (2026-11-20, ws/issues/2026-11-20.md)" in result.output
        assert "--force" in result.output
    forced = run(
        "add-tool", "Padlet again", "--url", "https://padlet.com", "--summary", "x", "--force"
    )
    assert forced.exit_code == 0


def test_a_notes_file_not_in_utf8_names_the_line(workspace, run):
    (workspace / "notes" / "intro.md").write_bytes("Hello\nCafé day!\n".encode("latin-1"))
    result = run("build", "--offline", "--date", "2026-11-27")
    assert result.exit_code == 2
    assert "ws/notes/intro.md:2: not UTF-8 text. Hint: Save the file as UTF-8" in result.output


def test_each_starter_notes_file_names_every_field_of_its_kind():
    """The comments a new workspace starts with stay true when a field is added."""
    import re

    from newsletter.notes.kinds import KINDS
    from newsletter.workspace.starter import starter_text

    for kind in KINDS.values():
        comments = " ".join(
            line for line in starter_text(f"notes/{kind.file}").splitlines() if line.startswith("#")
        )
        named = set(re.findall(r"[a-z_]+", comments.split("Fields:", 1)[1]))
        missing = [f.name for f in kind.fields if f.name not in named]
        assert not missing, f"notes/{kind.file}: the comments do not name {missing}"


def test_added_entries_are_written_as_the_examples_are(workspace, run):
    """One field a line, as the commented examples and hand-written entries are."""
    result = run("add-link", "Hour of Code", "--url", "https://hourofcode.com/learn")
    assert result.exit_code == 0, result.output
    text = (workspace / "notes" / "links.yaml").read_text()
    assert "- title: Hour of Code\n  url: https://hourofcode.com/learn\n" in text
