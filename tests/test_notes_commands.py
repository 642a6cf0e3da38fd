"""The notes as files from the terminal: `notes`, `edit` (at a real terminal, with an
editor that is a script) and `remove`; and the help every command gives."""

from __future__ import annotations

import json
import os
import shlex
import sys
import textwrap

import click
import pytest
from click.testing import CliRunner

from newsletter.cli import cli
from newsletter.cli.examples import EXAMPLES
from tests.conftest import Terminal, write

TOOLS = """
# My tool finds. Keep this comment.
- name: Padlet
  url: https://padlet.com
  summary: A shared wall.

# Between the two.
- name: Seesaw
  url: https://seesaw.me
  summary: Portfolios.
  grades: [K-2]
- name: Kami
  url: https://kamiapp.com
  summary: PDFs.
"""


@pytest.fixture
def tools(workspace):
    return write(workspace / "notes" / "tools.yaml", TOOLS)


def test_notes_lists_what_is_waiting_numbered(tools, run):
    result = run("notes", "tools")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "tools (ws/notes/tools.yaml)"
    assert [line.split()[:2] for line in lines[1:]] == [["1", "Padlet"], ["2", "Seesaw"],
                                                        ["3", "Kami"]]  # fmt: skip
    assert "K-2" in lines[2]
    everything = run("notes")
    assert everything.exit_code == 0 and "tools (ws/notes/tools.yaml)" in everything.stdout
    wrong = run("notes", "widgets")
    assert wrong.exit_code == 2 and "'widgets' is not a kind of note" in wrong.output


def test_remove_takes_out_one_entry_and_keeps_every_other_line(tools, run):
    result = run("remove", "tool", "2", "--yes")
    assert result.exit_code == 0, result.output
    assert "Removed tool 2 (Seesaw" in result.output
    expected = TOOLS.replace(
        "- name: Seesaw\n  url: https://seesaw.me\n  summary: Portfolios.\n  grades: [K-2]\n", ""
    )
    assert tools.read_text() == textwrap.dedent(expected).lstrip("\n")
    asked = run("remove", "tools", "1")  # no terminal, no --yes: nothing removed
    assert asked.exit_code == 2 and "needs confirmation. Hint: add --yes." in asked.output
    missing = run("remove", "tools", "9", "--yes")
    assert missing.exit_code == 2 and "has no note 9 (it has 2)" in missing.output
    assert "Padlet" in tools.read_text()


BOOK_CREATOR = "- name: Book Creator\n  url: https://bookcreator.com\n  summary: Books.\n"


def test_remove_takes_out_the_note_confirmed_though_one_was_added_above(tools, workspace):
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    terminal = Terminal(["-m", "newsletter", "remove", "tools", "2"], env)
    terminal.read_until(b"Remove tool 2: Seesaw")
    before = tools.read_text()
    tools.write_text(BOOK_CREATOR + before)  # another command, meanwhile
    terminal.type("y")
    terminal.read_until(b"Removed tool 3 (Seesaw")
    assert terminal.exit_code() == 0
    assert tools.read_text() == BOOK_CREATOR + before.replace(
        "- name: Seesaw\n  url: https://seesaw.me\n  summary: Portfolios.\n  grades: [K-2]\n", ""
    )


def test_remove_refuses_when_the_note_confirmed_is_gone_meanwhile(tools, workspace):
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    terminal = Terminal(["-m", "newsletter", "remove", "tools", "2"], env)
    terminal.read_until(b"Remove tool 2: Seesaw")
    changed = tools.read_text().replace("Seesaw", "Seesaw Classroom")
    tools.write_text(changed)
    terminal.type("y")
    terminal.read_until(b"nothing was removed")
    assert terminal.exit_code() == 2
    assert b"ws/notes/tools.yaml changed while you were asked: tool 2 (Seesaw" in terminal.output
    assert tools.read_text() == changed


def test_remove_keeps_windows_line_endings(tools, run):
    tools.write_bytes(tools.read_bytes().replace(b"\n", b"\r\n"))
    assert run("remove", "tools", "1", "--yes").exit_code == 0
    data = tools.read_bytes()
    assert b"Padlet" not in data and b"Seesaw" in data and b"\n" not in data.replace(b"\r\n", b"")


EDITOR = """
import pathlib, sys
path = pathlib.Path(sys.argv[1])
count = pathlib.Path(sys.argv[0]).with_suffix(".count")
n = int(count.read_text()) if count.exists() else 0
count.write_text(str(n + 1))
text = path.read_text()
if n == 0:  # a mistake: a quote never closed
    path.write_text(text + "- name: 'Book Creator\\n")
else:  # the mistake is named on top; fix it
    assert text.startswith("# newsletter edit: "), text
    path.write_text(text.replace("- name: 'Book Creator\\n", "- name: Book Creator\\n  url: https://bookcreator.com\\n"))
"""


def test_edit_opens_again_with_the_mistake_on_top_until_it_reads(tools, workspace, tmp_path):
    editor = write(tmp_path / "editor.py", EDITOR)
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace),
           "EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}"}  # fmt: skip
    env.pop("VISUAL", None)
    terminal = Terminal(["-m", "newsletter", "edit", "tools"], env)
    terminal.read_until(b"Edit it again?")
    assert "Book Creator" not in tools.read_text()  # not replaced while it does not read
    terminal.type("y")
    terminal.read_until(b"saved.")
    assert terminal.exit_code() == 0
    text = tools.read_text()
    assert text.startswith("\n# My tool finds. Keep this comment.") or text.startswith(
        "# My tool finds"
    )
    assert "- name: Book Creator\n  url: https://bookcreator.com\n" in text
    assert "newsletter edit:" not in text and not list(tools.parent.glob(".tools.*"))


def editing(workspace, tmp_path, script: str) -> dict[str, str]:
    """The environment of `edit` with an editor that is a Python script."""
    editor = write(tmp_path / "editor.py", script)
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace),
           "EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}"}  # fmt: skip
    env.pop("VISUAL", None)
    return env


def test_edit_asks_before_saving_a_copy_emptied_by_accident(tools, workspace, tmp_path):
    env = editing(workspace, tmp_path, "import sys; open(sys.argv[1], 'w').close()")
    before = tools.read_text()
    terminal = Terminal(["-m", "newsletter", "edit", "tools"], env)
    terminal.read_until(b"ws/notes/tools.yaml would have 0 of its 3 tools (3 fewer). Save it?")
    terminal.type("")  # the default is no
    terminal.read_until(b"was not changed: you did not save it")
    assert terminal.exit_code() == 2
    assert tools.read_text() == before
    meant = Terminal(["-m", "newsletter", "edit", "tools"], env)
    meant.read_until(b"(3 fewer). Save it?")
    meant.type("y")
    meant.read_until(b"saved.")
    assert meant.exit_code() == 0 and tools.read_text() == ""


def test_edit_names_a_note_doubled_by_a_paste(tools, workspace, tmp_path):
    doubling = "import sys; p = sys.argv[1]; t = open(p).read(); open(p, 'w').write(t + t)"
    env = editing(workspace, tmp_path, doubling)
    before = tools.read_text()
    terminal = Terminal(["-m", "newsletter", "edit", "tools"], env)
    terminal.read_until(b"'Padlet' is in it twice. Save it?")
    terminal.type("n")
    terminal.read_until(b"was not changed")
    assert terminal.exit_code() == 2 and tools.read_text() == before
    assert b"'Seesaw' is in it twice" not in terminal.output  # asked one at a time


def test_edit_keeps_windows_line_endings(tools, workspace, tmp_path):
    tools.write_bytes(tools.read_bytes().replace(b"\n", b"\r\n"))
    adding = (
        "import sys; p = sys.argv[1]; t = open(p, newline='').read(); "
        "open(p, 'w', newline='').write(t + '- name: Book Creator\\n  url: https://bookcreator.com\\n"
        "  summary: Books.\\n')"
    )
    terminal = Terminal(["-m", "newsletter", "edit", "tools"], editing(workspace, tmp_path, adding))
    terminal.read_until(b"saved.")
    assert terminal.exit_code() == 0
    data = tools.read_bytes()
    assert b"- name: Book Creator\r\n  url: https://bookcreator.com\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")  # every line ends as the file's did


def test_edit_needs_a_terminal(tools, run):
    result = run("edit", "tools")
    assert result.exit_code == 2 and "edit needs a terminal" in result.output


# --- help -----------------------------------------------------------------------------


def test_dash_h_is_help_everywhere():
    for args in ([], ["build"], ["add-tool"], ["notes"]):
        short, long = (CliRunner().invoke(cli, [*args, flag]) for flag in ("-h", "--help"))
        assert short.exit_code == 0 and short.output == long.output


def test_the_command_list_shows_each_summary_whole():
    output = " ".join(CliRunner().invoke(cli, ["--help"]).output.split())
    for name, command in cli.commands.items():
        summary = " ".join(command.get_short_help_str(limit=1000).split())
        assert summary in output, (name, summary)


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_shows_examples_that_parse(name):
    assert name in EXAMPLES, f"{name} has no examples in newsletter/cli/examples.py"
    output = CliRunner().invoke(cli, [name, "--help"]).output
    assert "Examples:\n    newsletter " + name in output
    for example in EXAMPLES[name]:
        words = shlex.split(example)
        words = [w for w in words if "=" not in w or w.startswith("-")]  # EDITOR=nano ...
        words = words[: words.index(">")] if ">" in words else words
        assert words[:2] == ["newsletter", name], example
        command, args = cli.commands[name], words[2:]
        if isinstance(command, click.Group) and args and args[0] in command.commands:
            command, args = command.commands[args[0]], args[1:]  # approvals import FILE
        with click.Context(cli) as parent:  # the options and arguments exist and parse
            command.make_context(name, list(args), parent=parent, resilient_parsing=True)
            assert command.parse_args(click.Context(command, parent=parent), list(args)) == []


def test_list_json_is_for_scripts(workspace, run):
    run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    import json

    result = run("list", "--json")
    assert result.exit_code == 0
    (issue,) = json.loads(result.stdout)
    assert issue["number"] == 1 and issue["date"] == "2026-12-04" and issue["status"] == "draft"
    assert issue["tools"] == 1 and issue["file"] == "ws/issues/2026-12-04.md"


# --- what a reviewer tried ------------------------------------------------------------


def test_remove_cuts_only_its_own_lines_whatever_the_layout(workspace, run):
    links = write(workspace / "notes" / "links.yaml", """
        - title: A
          url: https://a.example.org
        - # from Ms. Alvarez
          title: B
          url: https://b.example.org
        - title: C
          url: https://c.example.org
        """)  # fmt: skip
    assert run("remove", "links", "1", "--yes").exit_code == 0
    assert links.read_text().startswith("- # from Ms. Alvarez\n  title: B\n")
    assert run("remove", "links", "1", "--yes").exit_code == 0
    assert links.read_text() == "- title: C\n  url: https://c.example.org\n"
    tips = write(workspace / "notes" / "tips.yaml", """
        - title: First tip
          text: |
            Press Ctrl+Z to undo.
        - title: Second tip
          text: |
            Share your favourite shortcut!
            #edtech #shortcuts
        - title: Third
          text: Plain
        ...
        """)  # fmt: skip
    assert run("remove", "tips", "2", "--yes").exit_code == 0
    assert tips.read_text() == (
        "- title: First tip\n  text: |\n    Press Ctrl+Z to undo.\n"
        "- title: Third\n  text: Plain\n...\n"
    )


def test_a_note_that_cannot_be_read_is_listed_and_can_be_removed(workspace, run):
    links = write(workspace / "notes" / "links.yaml", """
        - title: Good
          url: https://good.example.org
        - title: Broken
          url: not a web address
        """)  # fmt: skip
    listed = run("notes", "links")
    assert "  2  (cannot be read: 'newsletter check' names the mistake)" in listed.stdout
    assert run("remove", "links", "2", "--yes").exit_code == 0
    assert "Broken" not in links.read_text() and "Good" in links.read_text()
    write(workspace / "notes" / "tips.yaml", "- title: [unclosed\n")
    everything = run("notes")
    assert everything.exit_code == 2 and "links (ws/notes/links.yaml)" in everything.stdout


def test_a_picture_width_is_a_number_within_the_column(workspace, run):
    tool = ("add-tool", "Pic", "--url", "https://pic.example.org", "--summary", "x",
            "--image", "HTTPS://pic.example.org/p.png", "--image-alt", "A pic")  # fmt: skip
    assert run(*tool, "--image-width", "abc").exit_code == 2
    too_wide = run(*tool, "--image-width", "900")
    assert too_wide.exit_code == 2 and "wider than the email's column (536)" in too_wide.output
    assert run(*tool, "--image-width", "300").exit_code == 0


def test_edit_keeps_what_was_typed_when_the_editor_fails(tools, workspace, tmp_path):
    editor = write(tmp_path / "failing.py", """
        import pathlib, sys
        path = pathlib.Path(sys.argv[1])
        path.write_text(path.read_text() + "- name: Typed\\n  url: https://typed.example.org\\n")
        sys.exit(3)
        """)  # fmt: skip
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace),
           "EDITOR": f"{shlex.quote(sys.executable)} {shlex.quote(str(editor))}"}  # fmt: skip
    env.pop("VISUAL", None)
    before = tools.read_text()
    terminal = Terminal(["-m", "newsletter", "edit", "tools"], env)
    terminal.read_until(b"your edit is kept in")
    assert terminal.exit_code() == 2
    assert tools.read_text() == before
    (kept,) = tools.parent.glob(".tools.*.yaml")
    assert "name: Typed" in kept.read_text()


def test_edit_stopped_with_ctrl_c_keeps_the_copy_and_says_where(tools, workspace, tmp_path):
    env = editing(workspace, tmp_path, "import sys; open(sys.argv[1], 'w').close()")
    before = tools.read_text()
    terminal = Terminal(["-m", "newsletter", "edit", "tools"], env)
    terminal.read_until(b"Save it?")
    terminal.waiting_to_read()
    os.write(terminal.fd, b"\x03")  # Ctrl-C at the question
    terminal.read_until(b"was not changed: you stopped; your edit is kept in")
    assert terminal.exit_code() == 2
    assert tools.read_text() == before
    assert len(list(tools.parent.glob(".tools.*.yaml"))) == 1  # the copy, named above


def test_edit_with_an_editor_that_cannot_start_says_how_to_fix_that(tools, workspace, tmp_path):
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace), "EDITOR": "/nonexistent/ed"}
    env.pop("VISUAL", None)
    terminal = Terminal(["-m", "newsletter", "edit", "tools"], env)
    terminal.read_until(b"Hint: set VISUAL or EDITOR to one that works.")
    assert terminal.exit_code() == 2
    assert not list(tools.parent.glob(".tools.*.yaml"))  # nothing typed, nothing kept


@pytest.mark.parametrize(
    ("typed", "read"),
    [("3rd", ["3"]), ("6th-8th", ["6-8"]), ("all", ["PK-12"]), ("grades 3-5", ["3-5"]),
     ("Kindergarten, 1st", ["K", "1"]), ("PK", ["PK"]), ("Pre-K", ["PK"]), ("TK", ["TK"]),
     ("Pre-K-2", ["PK-2"]), ("transitional kindergarten, K", ["TK", "K"])],
)  # fmt: skip
def test_grades_are_read_as_teachers_write_them(workspace, run, typed, read):
    import yaml

    result = run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "x",
                 "--grades", typed)  # fmt: skip
    assert result.exit_code == 0, result.output
    (entry,) = yaml.safe_load((workspace / "notes" / "tools.yaml").read_text())
    assert entry["grades"] == read
    assert run("tools", "--grades", typed).exit_code == 0


def test_pre_k_and_tk_are_grades_before_k(workspace, run):
    """A Pre-K tool is found for Pre-K and not for grade 1; a K-2 tool is not found for
    Pre-K; 'all' covers every grade, Pre-K too; ranges read youngest first."""
    for name, grades in (("Starfall", "PK-K"), ("Seesaw", "K-2"), ("Padlet", "all")):
        result = run("add-tool", name, "--url", f"https://{name.lower()}.example.org",
                     "--summary", "A shared wall.", "--grades", grades)  # fmt: skip
        assert result.exit_code == 0, result.output

    def found(*args):
        hits = json.loads(run("search", *args, "--json").stdout)
        return sorted((hit["name"], hit["grades"]) for hit in hits)

    assert found("wall", "--grades", "Pre-K") == [("Padlet", "PK-12"), ("Starfall", "PK-K")]
    assert found("wall", "--grades", "TK") == [("Padlet", "PK-12"), ("Starfall", "PK-K")]
    assert [name for name, _ in found("wall", "--grades", "1")] == ["Padlet", "Seesaw"]
    assert len(found("wall", "--grades", "K")) == 3
    assert found("a wall for pre-k students") == found("wall", "--grades", "PK")
    assert run("check").exit_code == 0


def test_a_grade_that_is_none_is_echoed_as_typed(workspace, run):
    result = run("tools", "--grades", "13th")
    assert result.exit_code == 2 and "'13th' is not a grade" in result.output


def test_a_mistake_every_kind_meets_is_said_once(workspace, run):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "\ntitel: x\n")
    result = run("notes")
    assert result.exit_code == 2
    assert result.output.count("unknown newsletter.yaml field 'titel'") == 1
