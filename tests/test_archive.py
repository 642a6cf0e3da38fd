"""The archive: list, show, preview, and reading damaged files."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest

from newsletter.archive.record import read_archived, record_reach
from newsletter.catalog.db import load_archive
from newsletter.errors import InputError
from newsletter.workspace.folder import Workspace


@pytest.fixture
def two_issues(workspace, run):
    assert (
        run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.").exit_code
        == 0
    )
    assert run("build", "--date", "2026-11-20").exit_code == 0
    (first,) = load_archive(Workspace(workspace))
    record_reach(first, 6, 6, dt.datetime(2026, 11, 20, 14, 0, tzinfo=dt.UTC))
    assert (
        run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "PDFs.").exit_code == 0
    )
    assert run("build", "--date", "2026-11-27").exit_code == 0
    return workspace


def test_list_shows_number_date_state_and_counts(two_issues, run):
    result = run("list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["#1", "2026-11-20", "sent", "1"]
    assert lines[1].split()[:4] == ["#2", "2026-11-27", "draft", "1"]
    assert "Tech Tidbits #2 - Nov 27, 2026" in lines[1]


def test_show_by_number_and_by_date(two_issues, run):
    by_number = run("show", "1")
    by_date = run("show", "2026-11-20")
    assert by_number.exit_code == by_date.exit_code == 0
    assert by_number.stdout == by_date.stdout
    assert by_number.stdout.startswith("# Tech Tidbits \\#1")  # what a person reads, first
    assert "status: sent" not in by_number.stdout
    assert "status: sent" in run("show", "1", "--format", "file").stdout
    assert "[Padlet](https://padlet.com)" in by_number.stdout
    text = run("show", "2", "--format", "text")
    assert "Kami <https://kamiapp.com>" in text.stdout


def test_show_unknown_issue(two_issues, run):
    result = run("show", "7")
    assert result.exit_code == 2
    assert "No issue '7' in the archive" in result.output


def test_preview_prints_path_and_renders_when_missing(two_issues, run):
    out = two_issues / ".newsletter" / "out"
    (out / "2026-11-20.html").unlink()
    result = run("preview", "1", "--print")
    assert result.exit_code == 0
    assert result.stdout.strip() == "ws/.newsletter/out/2026-11-20.html"
    assert "Padlet" in (out / "2026-11-20.html").read_text()
    newest = run("preview", "--print", "--text")
    assert newest.stdout.strip() == "ws/.newsletter/out/2026-11-27.txt"


def test_preview_opens_a_browser(two_issues, tmp_path):
    """BROWSER names the program the browser module runs: here a script that records
    the address it was given. A process of its own, as the editor runs it."""
    record = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {record}\n')
    browser.chmod(0o755)
    env = {**os.environ, "BROWSER": str(browser), "NEWSLETTER_WORKSPACE": str(two_issues)}
    done = subprocess.run(
        [sys.executable, "-m", "newsletter", "preview", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 10
    while not record.exists() and time.monotonic() < deadline:  # the browser runs apart
        time.sleep(0.05)
    assert record.read_text().strip().endswith("/ws/.newsletter/out/2026-11-27.html")


def test_damaged_front_matter_names_the_line(two_issues):
    path = two_issues / "issues" / "2026-11-27.md"
    lines = path.read_text().splitlines()
    lines[3] = "subject: [unclosed"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError) as caught:
        read_archived(path)
    assert "2026-11-27.md:" in str(caught.value)
    assert "not valid YAML" in str(caught.value)


def test_init_creates_a_workspace_and_never_overwrites(tmp_path, run):
    from click.testing import CliRunner

    from newsletter.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["init", "new-ws", "--title", 'Tech "Tidbits"'])
    assert result.exit_code == 0, result.output
    root = tmp_path / "new-ws"
    for name in (
        "newsletter.yaml",
        "feeds.yaml",
        "notes/tools.yaml",
        "notes/intro.md",
        "templates/README.md",
        "issues/README.md",
        ".gitignore",
    ):
        assert (root / name).is_file(), name
    from newsletter.workspace.settings import load_settings

    assert load_settings(root / "newsletter.yaml").title == 'Tech "Tidbits"'
    # The new workspace builds as it is.
    built = runner.invoke(cli, ["-w", str(root), "build", "--offline", "--date", "2026-11-27"])
    assert built.exit_code == 0, built.output
    # A second init refuses and changes nothing.
    (root / "newsletter.yaml").write_text("title: Mine\n")
    again = runner.invoke(cli, ["init", "new-ws"])
    assert again.exit_code == 1
    assert "already exist; init never overwrites" in again.output
    assert (root / "newsletter.yaml").read_text() == "title: Mine\n"


def test_an_archive_from_a_newer_version_with_an_unknown_field_still_reads(two_issues):
    """A field added to Tool later (say, 'video') in an archive file: ignored, no crash."""
    from newsletter.model import Tool, from_plain

    tool = from_plain(
        Tool, {"name": "Padlet", "url": "https://padlet.com", "video": {"url": "x", "alt": "y"}}
    )
    assert (tool.name, tool.url) == ("Padlet", "https://padlet.com")
    path = two_issues / "issues" / "2026-11-27.md"
    path.write_text(
        path.read_text().replace("  - name: Kami\n", "  - name: Kami\n    video: kami.mp4\n")
    )
    (entry,) = [e for e in load_archive(Workspace(two_issues)) if e.path == path]
    assert entry.issue.tools[0].name == "Kami"


def test_a_field_added_to_the_dataclass_alone_is_read_written_and_archived(tmp_path, monkeypatch):
    """Adding a field is one line in the dataclass (plus the templates that show it)."""
    import dataclasses

    import yaml

    import newsletter.model as model
    from newsletter.notes.kinds import KINDS
    from newsletter.notes.read import read_note
    from newsletter.notes.write import entry_of
    from newsletter.workspace.yamlfile import parse_yaml

    @dataclasses.dataclass
    class FutureTool(model.Tool):
        mascot: str = ""  # the one new line
        featured_on: dt.date | None = None

    monkeypatch.setattr(model, "FutureTool", FutureTool, raising=False)
    kind = KINDS["tools"]._replace(note_class="FutureTool")
    path = tmp_path / "tools.yaml"
    entries = parse_yaml(
        "- name: Padlet\n  url: https://padlet.com\n  mascot: padlet.png\n"
        "  featured_on: 2026-12-04\n",
        path,
    )
    tool = read_note(kind, entries[0], path, dt.UTC)
    assert (tool.mascot, tool.featured_on) == ("padlet.png", dt.date(2026, 12, 4))
    written = yaml.safe_load(yaml.safe_dump([entry_of(kind, tool)]))[0]
    assert written["mascot"] == "padlet.png"
    assert model.from_plain(FutureTool, model.to_plain(tool)) == tool
    for described in kind.fields:  # every description is of a real field
        assert described.name in {f.name for f in dataclasses.fields(kind.cls)}


def test_an_issue_is_known_by_its_key():
    """A date, and an edition name when several issues share a date; without one,
    the names are the date alone, as existing workspaces have them."""
    from newsletter.model import IssueKey

    plain = IssueKey(dt.date(2026, 12, 4))
    edition = IssueKey(dt.date(2026, 12, 4), "elementary")
    assert (plain.stem, edition.stem) == ("2026-12-04", "2026-12-04-elementary")
    assert IssueKey.from_stem("2026-12-04") == plain
    assert IssueKey.from_stem("2026-12-04-elementary") == edition
    for stem in ("README", "2026-02-30", "2026-12-04-", "2026-12-04-Big Kids", "notes"):
        assert IssueKey.from_stem(stem) is None, stem
    assert plain < edition


def test_the_archive_lists_issues_only(two_issues):
    from newsletter.archive.record import archive_files

    (two_issues / "issues" / "README.md").write_text("# The archive\n")
    (two_issues / "issues" / "draft-notes.md").write_text("ideas\n")
    names = [p.name for p in archive_files(Workspace(two_issues))]
    assert names == ["2026-11-20.md", "2026-11-27.md"]


def test_discard_throws_away_the_newest_draft_only(two_issues, run):
    """#1 sent, #2 a draft (the fixture above)."""
    out = two_issues / ".newsletter" / "out"
    assert (out / "2026-11-27.html").exists()
    sent = run("discard", "1", "--yes")
    assert sent.exit_code == 2 and "was already sent on 2026-11-20 08:00 America/Chicago" in (
        sent.output
    )
    assert "only a draft can be discarded" in sent.output
    asked = run("discard", "1")  # said before any question, at a terminal or not
    assert asked.exit_code == 2 and "only a draft can be discarded" in asked.output
    unattended = run("discard", "2")
    assert unattended.exit_code == 2 and "say --yes" in unattended.output
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0  # #3, a draft
    middle = run("discard", "2", "--yes")
    assert middle.exit_code == 2 and "would leave a gap in the numbers" in middle.output
    assert run("discard", "3", "--yes").exit_code == 0
    result = run("discard", "2026-11-27", "--yes")
    assert result.exit_code == 0
    assert "Discarded the draft #2 (ws/issues/2026-11-27.md) and its rendered email." in (
        result.output
    )
    assert not (two_issues / "issues" / "2026-11-27.md").exists()
    assert not (out / "2026-11-27.html").exists() and not (out / "2026-11-27.txt").exists()
    assert [line.split()[0] for line in run("list").stdout.splitlines()] == ["#1"]
    rebuilt = run("build", "--offline", "--date", "2026-11-27")
    assert "Built issue #2 for 2026-11-27" in rebuilt.output  # the number again, no gap


def test_a_spent_intro_is_named_at_build_and_by_notes(two_issues, run):
    intro = two_issues / "notes" / "intro.md"
    intro.write_text("Welcome back, everyone!\n")
    listed = run("notes").stdout
    assert "intro (ws/notes/intro.md)\n        waiting: Welcome back, everyone!" in listed
    assert run("build", "--offline", "--date", "2026-11-27", "--force").exit_code == 0
    (entry,) = [e for e in load_archive(Workspace(two_issues)) if e.number == 2]
    record_reach(entry, 6, 6, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    result = run("build", "--offline", "--date", "2026-12-04")
    assert "the intro in notes/ went out in #2 already, so this issue has none" in result.output
    assert "sent in #2 already: the next issue has no intro" in run("notes").stdout


def test_an_edited_draft_is_what_preview_and_send_give(workspace, run, smtp, monkeypatch):
    from tests.conftest import use

    assert (
        run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "PDFs.").exit_code == 0
    )
    assert run("build", "--offline", "--date", "2026-11-27").exit_code == 0
    path = workspace / "issues" / "2026-11-27.md"
    # The front matter only (the first place the summary is written): the issue itself.
    path.write_text(path.read_text().replace("PDFs.", "Mark up PDFs with the class.", 1))
    shown_md = run("show", "2026-11-27")
    assert "Mark up PDFs with the class." in shown_md.stdout  # show, as a person reads it
    assert "edited by hand" not in shown_md.output
    text_file = workspace / run("preview", "--print", "--text").stdout.strip().removeprefix("ws/")
    assert "Mark up PDFs with the class." in text_file.read_text()  # preview: the edit
    assert "Mark up PDFs with the class." in run("show", "2026-11-27", "--format", "text").stdout
    server = smtp()
    use(monkeypatch, server)
    sent = run("send", "--to", "me@mv.example.org")
    assert sent.exit_code == 0, sent.output
    (got,) = server.mailbox.received
    text = got.message.get_body(preferencelist=("plain",)).get_content()
    assert "Mark up PDFs with the class." in " ".join(text.split())  # what staff get
    assert run("build", "--offline", "--date", "2026-11-27", "--force").exit_code == 0
    body_only = path.read_text()
    fence = body_only.index("\n---\n", 4)
    path.write_text(body_only[:fence] + body_only[fence:].replace("Kami", "Kami (new)"))
    said = run("preview", "--print")
    assert "was edited by hand, but the email is the same as built" in said.output
    shown_md = run("show", "2026-11-27")
    assert "Kami (new)" not in shown_md.stdout  # what the email and the site give
    assert "the markdown below the front matter of ws/issues/2026-11-27.md was edited" in (
        shown_md.stderr
    )
