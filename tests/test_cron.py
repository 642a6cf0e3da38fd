"""The Friday job and its crontab line: the job acts once, on the issue day at or
after the chosen time in the workspace's time zone, whatever the machine's zone."""

import datetime as dt
import subprocess
from zoneinfo import ZoneInfo

import pytest

from newsletter.send.cron import crontab_line, job_due
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import Settings
from tests.conftest import NOW, STAFF, use, write

NEW_YORK = Settings(title="Tech Tidbits", time_zone="America/New_York")
SEVEN = dt.time(7, 0)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("now", "due"),
    [
        # Friday 2027-03-12, before the change: New York is UTC-5.
        (utc(2027, 3, 12, 11, 0), False),  # 06:00 EST
        (utc(2027, 3, 12, 12, 0), True),  # 07:00 EST
        # Friday 2027-03-19, after the change (Sunday 03-14): UTC-4.
        (utc(2027, 3, 19, 10, 0), False),  # 06:00 EDT
        (utc(2027, 3, 19, 11, 0), True),  # 07:00 EDT
        (utc(2027, 3, 20, 3, 59), True),  # 23:59 EDT Friday: late, still that day
        (utc(2027, 3, 20, 4, 0), False),  # Saturday in New York
        (utc(2027, 3, 19, 3, 0), False),  # Friday in UTC, Thursday 23:00 in New York
    ],
)
def test_the_job_is_due_at_seven_in_new_york_across_the_march_change(now, due):
    result = job_due(now, NEW_YORK, SEVEN)
    assert result.now is due
    if due:
        assert result.local.hour >= 7 and result.issue_date.weekday() == 4


def test_when_not_due_it_says_when_it_next_acts():
    result = job_due(utc(2027, 3, 11, 20, 0), NEW_YORK, SEVEN)  # Thursday
    assert not result.now
    assert result.starts == dt.datetime(2027, 3, 12, 7, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.mark.parametrize(
    ("machine", "minute"),
    [("UTC", 0), ("America/Los_Angeles", 0), ("Asia/Kolkata", 30), ("Asia/Kathmandu", 45)],
)
def test_the_line_runs_hourly_at_the_workspaces_minute(tmp_path, machine, minute):
    line = crontab_line(
        Workspace(tmp_path),
        NEW_YORK,
        SEVEN,
        "newsletter",
        {},
        machine_zone=ZoneInfo(machine),
        today=dt.date(2027, 3, 19),
    )
    assert line.line.split(" ", 5)[:5] == [str(minute), "*", "*", "*", "*"]
    assert "job --at 07:00" in line.command
    assert "every Friday at 07:00 America/New_York" in line.comments[0]


@pytest.fixture
def friday_ws(built):
    """The built workspace, with its issue day set to Friday in New York."""
    settings = built / "newsletter.yaml"
    settings.write_text(settings.read_text().replace("America/Chicago", "America/New_York"))
    return built


def test_the_job_acts_once_and_is_quiet_otherwise(friday_ws, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    early = run("job", "--at", "07:00", "--now", "2026-11-27T11:59:00+00:00")  # 06:59 EST
    assert (early.exit_code, early.output) == (0, "")
    assert server.mailbox.received == []
    due = run("job", "--at", "07:00", "--now", "2026-11-27T12:00:00+00:00")
    assert due.exit_code == 0, due.output
    assert "the issue of 2026-11-27 is due" in due.output
    assert "Issue #1 is recorded as sent" in due.output
    assert len(server.mailbox.received) == len(STAFF)
    # The issue was built by hand on Thursday: sent as it was, not built again.
    assert "Built issue" not in due.output
    later = run("job", "--at", "07:00", "--now", "2026-11-27T13:00:00+00:00")
    assert (later.exit_code, later.output) == (0, "")
    assert len(server.mailbox.received) == len(STAFF)


def test_the_job_builds_the_issue_when_it_is_not_built(friday_ws, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    result = run("job", "--now", "2026-12-04T12:30:00+00:00")
    assert result.exit_code == 0, result.output
    assert "Built issue #2 for 2026-12-04" in result.output
    assert len(server.mailbox.received) == len(STAFF)


def test_the_job_fails_rather_than_write_to_the_outbox(friday_ws, run):
    result = run("job", "--now", "2026-11-27T12:00:00+00:00")
    assert result.exit_code == 1
    assert "no SMTP host is set, so the job would only write the issue to the outbox" in (
        result.output
    )
    assert not (friday_ws / ".newsletter" / "outbox").exists()


def test_cron_carries_the_shells_smtp_settings_but_never_the_password(built, run, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_SMTP_HOST", "smtp.maplevalley.example.org")
    monkeypatch.setenv("NEWSLETTER_SMTP_USER", "techtidbits")
    monkeypatch.setenv("NEWSLETTER_SMTP_PASSWORD", "s3cret")
    result = run("cron", "--at", "06:30")
    assert result.exit_code == 0
    line = result.stdout.strip().splitlines()[-1]
    assert "NEWSLETTER_SMTP_HOST=smtp.maplevalley.example.org" in line
    assert "NEWSLETTER_SMTP_USER=techtidbits" in line
    assert "s3cret" not in result.output
    assert "note: Taken from your shell into the line: NEWSLETTER_SMTP_HOST" in result.output
    assert "NEWSLETTER_SMTP_PASSWORD is set in your shell but is not put into the line" in (
        result.output
    )


def test_cron_warns_when_no_smtp_host_is_set(built, run):
    result = run("cron")
    assert result.exit_code == 0
    assert "note: No SMTP host is set" in result.output


def test_the_line_works_in_crons_bare_environment(built, run, smtp, monkeypatch):
    # The pinned moment is Tuesday 09:00 in Chicago: the job is due at 00:00.
    write(
        built / "newsletter.yaml",
        """
        title: Tech Tidbits
        time_zone: America/Chicago
        issue_day: tuesday
        from: "Tech Tidbits <techtidbits@maplevalley.example.org>"
        """,
    )
    server = smtp()
    use(monkeypatch, server)  # in this shell only: the line must carry it
    result = run("cron", "--at", "00:00")
    line = result.stdout.strip().splitlines()[-1]
    command = line.split(" ", 5)[5]
    done = subprocess.run(
        ["/bin/sh", "-c", command],
        # cron's bare environment, and the tests' one clock (the line never carries it)
        env={"PATH": "/usr/bin:/bin", "NEWSLETTER_NOW": NOW.isoformat()},
        cwd="/",
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (built / ".newsletter" / "logs" / "cron.log").read_text()
    assert done.returncode == 0, log
    assert "Built issue #2" in log
    assert "Issue #2 is recorded as sent in /" in log  # absolute paths in cron's log
    assert len(server.mailbox.received) == len(STAFF)


def test_cron_check_runs_the_job_as_cron_would(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    result = run("cron", "--check")
    assert result.exit_code == 0, result.output
    assert "as cron runs it (env -i, PATH=/usr/bin:/bin, in /), as a dry run" in result.output
    assert "recipients via 127.0.0.1" in result.output
    assert server.mailbox.received == []


def test_cron_check_finds_a_password_cron_cannot_get(built, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server, user="techtidbits", password="s3cret")
    result = run("cron", "--check")
    assert result.exit_code == 1
    assert "smtp.user is techtidbits but no password is given" in result.output
    assert "under cron the job would fail (exit status 2)" in result.output


def test_cron_check_without_an_smtp_host_fails(built, run):
    result = run("cron", "--check")
    assert result.exit_code == 1
    assert "no SMTP host is set" in result.output


def test_bad_times(built, run):
    assert "--at: '25:00' is not a time of day" in run("cron", "--at", "25:00").output
    assert run("cron", "--at", "seven").exit_code == 2  # 7am is a time: test_check.py
    bad_now = run("job", "--now", "friday")
    assert bad_now.exit_code == 2
    assert "--now: 'friday' is not a moment" in bad_now.output


def test_after_an_early_send_the_dry_run_names_the_next_week(friday_ws, run, smtp, monkeypatch):
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 0  # the 2026-11-27 issue, sent early
    assert run("build", "--date", "2026-12-04", "--offline").exit_code == 0
    result = run("job", "--dry-run", "--now", "2026-11-26T12:00:00+00:00")
    assert result.exit_code == 0, result.output
    assert "Nothing to do this week: Issue #1 (2026-11-27) was already sent" in result.output
    assert "It acts next at Friday 2026-12-04 07:00 America/New_York." in result.output
    assert "Then it would send issue #2 of 2026-12-04, as it was built" in result.output
    monkeypatch.delenv("NEWSLETTER_SMTP_HOST")
    failing = run("job", "--dry-run", "--now", "2026-11-26T12:00:00+00:00")
    assert failing.exit_code == 1  # no SMTP host is a failure, sent issue or not


def test_a_person_in_doubt_is_told_once_not_every_hour(friday_ws, run, smtp, monkeypatch):
    from tests.smtpserver import Mailbox

    server = smtp(Mailbox(store_then_hang_up={STAFF[2]}))
    use(monkeypatch, server)
    first = run("job", "--at", "07:00", "--now", "2026-11-27T12:00:00+00:00")
    assert first.exit_code == 1
    assert f"1 in doubt (ask them; 'newsletter send --resend-in-doubt' sends them a copy): " \
        f"{STAFF[2]}." in first.output  # fmt: skip
    for hour in range(13, 20):  # the hourly runs of the rest of the day: nothing to say
        later = run("job", "--at", "07:00", "--now", f"2026-11-27T{hour}:00:00+00:00")
        assert (later.exit_code, later.output) == (0, ""), hour
    assert len(server.mailbox.to(STAFF[2])) == 1  # and never sent again by itself
    # Something changes: a new colleague on the staff list. The job sends to them, once.
    staff = friday_ws / "staff.csv"
    staff.write_text(staff.read_text() + "new@maplevalley.example.org,New,K-2\n")
    changed = run("job", "--at", "07:00", "--now", "2026-11-27T20:00:00+00:00")
    assert len(server.mailbox.to("new@maplevalley.example.org")) == 1, changed.output
    again = run("job", "--at", "07:00", "--now", "2026-11-27T21:00:00+00:00")
    assert (again.exit_code, again.output) == (0, "")
    assert run("send", "--resend-in-doubt", "--yes").exit_code == 0
    done = run("job", "--at", "07:00", "--now", "2026-11-27T22:00:00+00:00")
    assert (done.exit_code, done.output) == (0, "")


def test_a_person_left_in_doubt_by_hand_is_named_once_by_the_job(friday_ws, run, smtp,
                                                                  monkeypatch):  # fmt: skip
    from tests.smtpserver import Mailbox

    server = smtp(Mailbox(store_then_hang_up={STAFF[2]}))
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 1  # the editor's send, on Thursday
    told = run("job", "--at", "07:00", "--now", "2026-11-27T12:00:00+00:00")
    assert told.exit_code == 1
    assert (
        f"Issue #1 reached everyone else; in doubt: {STAFF[2]} (the connection was lost"
        in told.output
    )
    assert "Hint: 'newsletter send 1 --resend-in-doubt' sends them a copy." in told.output
    assert told.output.count("Error:") == 1
    quiet = run("job", "--at", "07:00", "--now", "2026-11-27T13:00:00+00:00")
    assert (quiet.exit_code, quiet.output) == (0, "")
    dry = run("job", "--dry-run", "--now", "2026-11-27T13:00:00+00:00")
    assert "it waits for you about those in doubt" in dry.output
