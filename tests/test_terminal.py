"""What the command line looks like at a terminal (a real pty) and in a log: colour,
progress, the order of a build's lines; and the warnings before Friday."""

from __future__ import annotations

import os

from tests.conftest import STAFF, Terminal, smtp_env, write


def at_terminal(workspace, until: bytes, *args, **env):
    """Run a command at a pty until it has printed `until`; its exit status and output."""
    full = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace), "TERM": "xterm", **env}
    if "NO_COLOR" not in env:
        full.pop("NO_COLOR", None)
    terminal = Terminal(["-m", "newsletter", *args], full)
    terminal.read_until(until)
    return terminal.exit_code(), terminal.output


def test_errors_are_red_and_warnings_yellow_at_a_terminal_only(workspace, run):
    write(workspace / "notes" / "tips.yaml", "- title: no text\n")
    code, output = at_terminal(workspace, b"problem found", "check")
    assert code == 2
    assert b"\x1b[31mError:\x1b[0m 1 problem found" in output
    assert b"\x1b[33mwarning:\x1b[0m " in output  # the starter's placeholders
    code, output = at_terminal(workspace, b"problem found", "check", NO_COLOR="1")
    assert code == 2 and b"\x1b[" not in output and b"Error: 1 problem found" in output
    piped = run("check")  # not a terminal: no colour
    assert "\x1b[" not in piped.output and "Error: 1 problem found" in piped.output


def test_success_is_green_at_a_terminal(workspace):
    code, output = at_terminal(
        workspace, b"Padlet", "add-tool", "Padlet", "--url", "https://padlet.com",
        "--summary", "A wall.",
    )  # fmt: skip
    assert code == 0 and b"\x1b[32mAdded 'Padlet'" in output


def test_send_shows_progress_at_a_terminal_and_not_in_a_log(built, smtp, run, monkeypatch):
    server = smtp()
    terminal = Terminal(["-m", "newsletter", "send", "--yes"], smtp_env(built, server))
    terminal.read_until(b"recorded as sent")
    assert terminal.exit_code() == 0
    assert f"Issue #1: sent {len(STAFF)} of {len(STAFF)}".encode() in terminal.output
    assert len(server.mailbox.received) == len(STAFF)


def test_build_says_the_feeds_troubles_after_its_summary(workspace, run):
    write(workspace / "feeds.yaml", "feeds:\n  - name: Gone\n    url: http://127.0.0.1:9/feed\n")
    run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    result = run("build", "--offline", "--date", "2026-12-04")
    assert result.exit_code == 0
    err = result.stderr
    assert err.index("Built issue #1") < err.index("warning: feed 'Gone'")


def test_check_names_the_starters_placeholders(tmp_path, run):
    from click.testing import CliRunner

    from newsletter.cli import cli

    CliRunner().invoke(cli, ["init", str(tmp_path / "new")])
    result = CliRunner().invoke(cli, ["-w", str(tmp_path / "new"), "check"])
    assert "newsletter.yaml:6: 'Your School District' is the starter's placeholder" in (
        result.output
    )
    assert "newsletter.yaml:8: 'Your Name'" in result.output
    assert "newsletter.yaml:9: 'your-district.example.org'" in result.output


def test_an_empty_issue_is_warned_about_and_not_sent_without_force(workspace, run):
    checked = run("check")
    assert "would have no tools, events, tips or intro" in checked.output
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    refused = run("send", "--yes")
    assert refused.exit_code == 2
    assert "has no tools, events, tips or intro; nothing was sent" in refused.output
    assert not (workspace / ".newsletter" / "outbox").exists()
    forced = run("send", "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    assert "would have no tools" not in run("check").output


def test_a_closed_pipe_ends_the_command_quietly(workspace):
    """`newsletter templates | head -1`: the reader is gone before the first line."""
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # closed before anything is written: every write fails
    try:
        done = subprocess.run(
            [sys.executable, "-m", "newsletter", "-w", str(workspace), "templates"],
            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
