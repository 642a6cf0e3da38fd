"""Shared fixtures: every test gets its own workspace, home and current folder,
so no test touches the repository's own issues/ or the user's home."""

from __future__ import annotations

import os
import pty
import select
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsletter.cli import cli
from newsletter.starter import create_workspace
from tests.feedserver import FeedServer

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
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
