"""Time is an input: the program reads the clock in one place (newsletter/clock.py),
every command can be given the moment (NEWSLETTER_NOW, `job --now`), and the tests
run at one pinned moment whatever day it is."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from newsletter import clock
from newsletter.catalog.db import load_archive
from newsletter.workspace.folder import Workspace
from tests.conftest import NOW, use, write

PACKAGE = Path(__file__).resolve().parent.parent / "newsletter"
# Calls that read the wall clock: datetime.now(), date.today(), datetime.utcnow(),
# time.time() and friends. time.monotonic() measures durations, not dates.
WALL_CLOCK_METHODS = {"now", "today", "utcnow", "utcfromtimestamp"}
WALL_CLOCK_IN_TIME = {"time", "time_ns", "localtime", "gmtime", "ctime", "asctime", "strftime"}


def wall_clock_reads(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = node.func.attr
        if name in WALL_CLOCK_METHODS and not (isinstance(owner, ast.Name) and owner.id == "clock"):
            lines.append(node.lineno)
        if name in WALL_CLOCK_IN_TIME and isinstance(owner, ast.Name) and owner.id == "time":
            lines.append(node.lineno)
    return lines


def test_nothing_but_the_clock_module_reads_the_wall_clock():
    found = {
        f"{path.relative_to(PACKAGE)}:{line}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "clock.py"
        for line in wall_clock_reads(path.read_text(encoding="utf-8"))
    }
    assert found == set(), "read the moment from newsletter.clock (or the command's context)"


def test_the_check_itself_sees_each_way_of_reading_the_clock():
    source = "\n".join(
        [
            "import datetime as dt, time",
            "dt.datetime.now(dt.UTC)",
            "dt.date.today()",
            "datetime.utcnow()",
            "time.time()",
            "time.time_ns()",
            "time.monotonic()",  # a duration: allowed
            "clock.now()",  # the one clock: allowed
            "here.now",  # an attribute, not a reading
        ]
    )
    assert wall_clock_reads(source) == [2, 3, 4, 5, 6]


def test_the_tests_run_at_the_pinned_moment():
    assert clock.now() == NOW


@pytest.mark.parametrize(
    "value, moment",
    [
        ("2027-02-10T09:30:00-06:00", dt.datetime(2027, 2, 10, 15, 30, tzinfo=dt.UTC)),
        ("2027-02-10T15:30:00Z", dt.datetime(2027, 2, 10, 15, 30, tzinfo=dt.UTC)),
        (" 2027-02-10 15:30+00:00 ", dt.datetime(2027, 2, 10, 15, 30, tzinfo=dt.UTC)),
        ("2027-02-10t15:30:00z", dt.datetime(2027, 2, 10, 15, 30, tzinfo=dt.UTC)),
    ],
)
def test_a_moment_with_its_offset_is_taken(monkeypatch, value, moment):
    monkeypatch.setenv("NEWSLETTER_NOW", value)
    assert clock.now() == moment and clock.now().tzinfo == dt.UTC


def test_without_it_the_machines_clock_is_read(monkeypatch):
    monkeypatch.delenv("NEWSLETTER_NOW")
    before = dt.datetime.now(dt.UTC)
    assert before <= clock.now() <= dt.datetime.now(dt.UTC)


def test_a_command_is_built_for_the_moment_it_is_given(workspace, run, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_NOW", "2027-02-10T09:30:00-06:00")  # a Wednesday
    added = run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    assert added.exit_code == 0, added.output
    result = run("build", "--offline")
    assert result.exit_code == 0, result.output
    assert "Built issue #1 for 2027-02-12" in result.output  # that week's Friday
    (entry,) = load_archive(Workspace(workspace))
    assert entry.built_at == dt.datetime(2027, 2, 10, 15, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "value, says",
    [
        ("friday", "NEWSLETTER_NOW: 'friday' is not a moment like 2026-12-04T12:00:00+00:00."),
        ("2026-12-04 07:00", "NEWSLETTER_NOW: '2026-12-04 07:00' has no offset (Z or +HH:MM)."),
        ("9999-12-31T23:59:59-12:00", "is not in the years 1971 to 9998."),
        ("0001-01-01T00:00:00+01:00", "is not in the years 1971 to 9998."),
        ("x\nError: fake", "NEWSLETTER_NOW: 'x\\nError: fake' is not a moment"),
    ],
)
def test_a_moment_that_cannot_be_read_is_one_line(workspace, run, monkeypatch, value, says):
    monkeypatch.setenv("NEWSLETTER_NOW", value)
    result = run("build", "--offline")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and says in result.output, result.output
    assert "Hint: Set NEWSLETTER_NOW to a moment with its offset" in result.output
    assert not list((workspace / "issues").glob("20*.md"))


def test_the_job_builds_at_the_moment_it_is_given(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    result = run("job", "--at", "07:00", "--now", "2026-12-04T14:00:00+00:00")  # Fri 08:00
    assert result.exit_code == 0, result.output
    assert "Built issue #2 for 2026-12-04" in result.output
    newest = max(load_archive(Workspace(built)), key=lambda e: e.date)
    # the build the job started ran at --now, not at the environment's moment
    assert newest.built_at == dt.datetime(2026, 12, 4, 14, tzinfo=dt.UTC)
    # and the send's clock ran on from it (by the seconds the command took)
    given = dt.datetime(2026, 12, 4, 14, tzinfo=dt.UTC)
    assert newest.sent_at is not None and given <= newest.sent_at < given + dt.timedelta(hours=1)


def test_crons_dry_run_is_given_the_moment_but_the_line_never_carries_it(
    built, run, smtp, monkeypatch
):
    server = smtp()
    use(monkeypatch, server)
    write(
        built / "newsletter.yaml",
        (built / "newsletter.yaml").read_text().replace("America/Chicago", "America/New_York"),
    )
    monkeypatch.setenv("NEWSLETTER_NOW", "2027-02-10T14:00:00+00:00")
    result = run("cron", "--check")
    assert result.exit_code == 0, result.output
    assert "it is Wednesday 2027-02-10 09:00 in America/New_York" in result.output
    line = run("cron").stdout
    assert "NEWSLETTER_NOW" not in line and "2027-02-10" not in line


def test_the_jobs_now_needs_its_offset_too(built, run):
    result = run("job", "--dry-run", "--now", "2026-12-04T08:00:00")
    assert result.exit_code == 2
    assert "--now: '2026-12-04T08:00:00' has no offset (Z or +HH:MM)." in result.output
