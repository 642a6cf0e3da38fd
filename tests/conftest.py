"""Shared fixtures: every test gets its own workspace, home and current folder,
so no test touches the repository's own issues/ or the user's home."""

from __future__ import annotations

import datetime as dt
import os
import pty
import select
import signal
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsletter.catalog.db import load_archive
from newsletter.cli import cli
from newsletter.workspace.folder import Workspace
from newsletter.workspace.starter import create_workspace
from tests.feedserver import FeedServer
from tests.smtpserver import SmtpServer

REPO = Path(__file__).resolve().parent.parent

# The one moment every test runs at, whatever day the suite runs: Tuesday
# 2026-12-01, 09:00 in America/Chicago (the starter workspace's zone). Dates in
# the tests are chosen around it ("a day that has passed" is before it); a test
# that needs another moment sets NEWSLETTER_NOW itself.
NOW = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("NEWSLETTER_NOW", NOW.isoformat())
    monkeypatch.delenv("NEWSLETTER_WORKSPACE", raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("NEWSLETTER_SMTP"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A new workspace with the starter files, time zone America/Chicago, no feeds."""
    root = tmp_path / "ws"
    create_workspace(root, title="Tech Tidbits")
    (root / "feeds.yaml").write_text("feeds: []\n")
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def run(workspace: Path):
    """Run the CLI in the workspace; returns Click's result (exit code, output)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, root: Path | None = None):
        return runner.invoke(
            cli, ["--workspace", str(root or workspace), *args], input=input, catch_exceptions=False
        )

    return invoke


class Terminal:
    """A command running at a real terminal (a pty), to type into and read from."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the command at a terminal
            # Ctrl-C and Ctrl-\ as at a terminal: a test run started in the background
            # (`pytest &`, as CI may) has them ignored, and a child would inherit that.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGQUIT, signal.SIG_DFL)
            os.execve(sys.executable, [sys.executable, *args], env)
        self.output = b""

    def read_until(self, text: bytes, timeout: float = 20) -> None:
        stop = time.monotonic() + timeout
        while text not in self.output and time.monotonic() < stop:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.output += os.read(self.fd, 1024)
                except OSError:  # the command ended
                    break
        assert text in self.output, self.output.decode(errors="replace")

    def waiting_to_read(self, timeout: float = 20) -> None:
        """Until the command sleeps in a read of its terminal. A signal (Ctrl-C) that
        lands after the prompt is written but before the read starts is lost by
        Python's input(), so a test that presses Ctrl-C waits for the read first."""
        stop = time.monotonic() + timeout
        while time.monotonic() < stop:
            try:  # 'number of the system call' first: 0 is read on x86-64, 63 on arm64
                call = Path(f"/proc/{self.pid}/syscall").read_text().split()
                state = Path(f"/proc/{self.pid}/stat").read_text().rpartition(")")[2].split()[0]
            except OSError:
                return  # no /proc: press on
            if state == "S" and call and call[0] in ("0", "63"):
                return
            time.sleep(0.05)
        raise AssertionError("the command never waited for input")

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def exit_code(self) -> int:
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    yield server
    server.stop()


# --- sending: a real SMTP server and a built issue -----------------------------------

STAFF = [f"teacher{n}@maplevalley.example.org" for n in range(1, 7)]


@pytest.fixture
def smtp():
    """Start real SMTP servers on loopback (stopped after the test)."""
    servers = []

    def start(mailbox=None, **kwargs):
        server = SmtpServer(mailbox, **kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def built(workspace, run):
    """A built issue, a staff list (with a bad line and a repeat), a sender address."""
    write(
        workspace / "newsletter.yaml",
        """
        title: Tech Tidbits
        time_zone: America/Chicago
        from: "Tech Tidbits <techtidbits@maplevalley.example.org>"
        reply_to: jrivera@maplevalley.example.org
        send:
          retry_delay: 0.01
          unsubscribe: mailto:techtidbits@maplevalley.example.org?subject=unsubscribe
    """,
    )
    lines = ["email,name,groups"] + [
        f"{a},Teacher {n},{'K-2' if n < 4 else '3-5'}" for n, a in enumerate(STAFF, 1)
    ]
    lines += ["not-an-address,Nobody,", f"{STAFF[0].upper()},Repeat,"]
    (workspace / "staff.csv").write_text("\n".join(lines) + "\n")
    assert (
        run(
            "add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A shared wall."
        ).exit_code
        == 0
    )
    assert run("build", "--date", "2026-11-27").exit_code == 0
    return workspace


def use(monkeypatch, server, **extra):
    monkeypatch.setenv("NEWSLETTER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("NEWSLETTER_SMTP_PORT", str(server.port))
    monkeypatch.setenv("NEWSLETTER_SMTP_SECURITY", extra.pop("security", "none"))
    for name, value in extra.items():
        monkeypatch.setenv(f"NEWSLETTER_SMTP_{name.upper()}", value)


def the_issue(workspace):
    (entry,) = load_archive(Workspace(workspace))
    return entry


def smtp_env(workspace, server):
    return {
        **os.environ,
        "NEWSLETTER_WORKSPACE": str(workspace),
        "NEWSLETTER_SMTP_HOST": "127.0.0.1",
        "NEWSLETTER_SMTP_PORT": str(server.port),
        "NEWSLETTER_SMTP_SECURITY": "none",
    }
