"""newsletter build: choosing the date and content, writing archive and email."""

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time

import yaml

from newsletter.archive.record import read_archived, record_reach
from newsletter.catalog.db import load_archive
from newsletter.issue.build import issue_date
from newsletter.workspace.folder import Workspace
from newsletter.workspace.settings import load_settings
from tests.conftest import write
from tests.feedserver import Route, rss
from tests.smtpserver import SmtpServer

FRIDAY = "2026-11-27"


def add_week(run):
    assert (
        run(
            "add-tool",
            "Padlet",
            "--url",
            "https://padlet.com",
            "--summary",
            "A shared wall.",
            "--grades",
            "3-5",
            "--cost",
            "free",
        ).exit_code
        == 0
    )
    # --force: fixed dates, which will be over one day (the refusal is tested in test_talks)
    assert (
        run("add-event", "Tech Talk: Forms", "--when", "2026-12-03 12:00", "--force").exit_code == 0
    )
    assert (
        run("add-event", "Last week's talk", "--when", "2026-11-20 12:00", "--force").exit_code == 0
    )
    assert run("add-tip", "Press Ctrl+Shift+V.", "--title", "Paste plain").exit_code == 0


def front_matter(path):
    text = path.read_text()
    return yaml.safe_load(text.split("---\n")[1])


def test_issue_day_is_the_next_configured_weekday(workspace):
    settings = load_settings(workspace / "newsletter.yaml")  # friday, America/Chicago
    saturday = dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC)
    assert issue_date(settings, None, saturday) == (dt.date(2026, 12, 4), "")
    friday_morning = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
    assert issue_date(settings, None, friday_morning) == (dt.date(2026, 11, 27), "")
    # 02:00 UTC on Saturday is still Friday evening in Chicago.
    friday_night = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
    assert issue_date(settings, None, friday_night) == (dt.date(2026, 11, 27), "")


def test_build_writes_archive_and_email_and_prints_paths(workspace, run):
    add_week(run)
    result = run("build", "--date", FRIDAY)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"ws/issues/{FRIDAY}.md",  # relative to the current folder, which holds ws/
        f"ws/.newsletter/out/{FRIDAY}.html",
        f"ws/.newsletter/out/{FRIDAY}.txt",
    ]
    front = front_matter(workspace / "issues" / f"{FRIDAY}.md")
    assert front["number"] == 1
    assert front["date"] == FRIDAY
    assert front["subject"] == "Tech Tidbits #1 - Nov 27, 2026"
    assert front["status"] == "draft"
    assert front["sent_at"] is None
    content = front["content"]
    assert [t["name"] for t in content["tools"]] == ["Padlet"]
    assert [e["title"] for e in content["events"]] == ["Tech Talk: Forms"]  # not last week's
    assert content["tips"][0]["title"] == "Paste plain"
    html = (workspace / ".newsletter" / "out" / f"{FRIDAY}.html").read_text()
    text = (workspace / ".newsletter" / "out" / f"{FRIDAY}.txt").read_text()
    assert "https://padlet.com" in html and "https://padlet.com" in text
    body = (workspace / "issues" / f"{FRIDAY}.md").read_text().split("---\n", 2)[2]
    assert "### [Padlet](https://padlet.com)" in body


def test_numbers_count_up_and_sent_notes_are_not_repeated(workspace, run):
    add_week(run)
    assert run("build", "--date", FRIDAY).exit_code == 0
    ws = Workspace(workspace)
    (first,) = load_archive(ws)
    record_reach(first, 6, 6, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    assert (
        run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "PDFs.").exit_code == 0
    )
    assert run("build", "--date", "2026-12-04").exit_code == 0
    second = read_archived(workspace / "issues" / "2026-12-04.md")
    assert second.issue.number == 2
    assert [t.name for t in second.issue.tools] == ["Kami"]
    assert second.issue.tips == []  # the tip went out in issue 1
    assert [e.title for e in second.issue.events] == []  # Dec 3 is before Dec 4


def test_rebuilding_a_draft_replaces_it(workspace, run):
    add_week(run)
    assert run("build", "--date", FRIDAY).exit_code == 0
    assert (
        run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "PDFs.").exit_code == 0
    )
    assert run("build", "--date", FRIDAY).exit_code == 0
    (entry,) = load_archive(Workspace(workspace))
    assert entry.issue.number == 1
    assert [t.name for t in entry.issue.tools] == ["Padlet", "Kami"]


def test_a_hand_edited_draft_is_not_replaced_without_force(workspace, run):
    add_week(run)
    assert run("build", "--date", FRIDAY).exit_code == 0
    path = workspace / "issues" / f"{FRIDAY}.md"
    path.write_text(path.read_text() + "\nA note I added by hand.\n")
    refused = run("build", "--date", FRIDAY)
    assert refused.exit_code == 2
    assert f"issues/{FRIDAY}.md was edited by hand" in refused.output
    assert "--force" in refused.output
    assert "A note I added by hand." in path.read_text()
    forced = run("build", "--date", FRIDAY, "--force")
    assert forced.exit_code == 0
    assert "A note I added by hand." not in path.read_text()


def test_a_sent_issue_is_never_rebuilt(workspace, run):
    add_week(run)
    assert run("build", "--date", FRIDAY).exit_code == 0
    (entry,) = load_archive(Workspace(workspace))
    record_reach(entry, 6, 6, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    before = entry.path.read_text()
    result = run("build", "--date", FRIDAY, "--force")
    assert result.exit_code == 0
    # In the workspace's zone, said so: 14:00 UTC is 08:00 in Chicago.
    assert "was already sent on 2026-11-27 08:00 America/Chicago" in result.output
    assert entry.path.read_text() == before


def test_hints_point_forward_and_no_issue_is_dated_before_one_sent(workspace, run):
    add_week(run)
    for date, sent in (("2026-12-11", 13), ("2026-12-18", 13), ("2027-01-08", 13)):
        assert run("build", "--offline", "--date", date, "--force").exit_code == 0
        entry = next(e for e in load_archive(Workspace(workspace)) if str(e.date) == date)
        record_reach(entry, 6, 6, dt.datetime.fromisoformat(f"{date}T{sent}:00:00+00:00"))
    again = run("build", "--offline", "--date", "2026-12-18")
    assert "To build the next one: newsletter build --date 2027-01-15" in again.output
    before = run("build", "--offline", "--date", "2026-12-25")
    assert before.exit_code == 2
    assert "issue #3 (2027-01-08) has gone out already; an issue dated 2026-12-25 would come " \
        "before it" in before.output  # fmt: skip
    assert "--date 2027-01-15" in before.output
    assert not (workspace / "issues" / "2026-12-25.md").exists()
    assert run("build", "--offline", "--date", "2026-12-25", "--force").exit_code == 0


def test_a_date_that_is_not_the_issue_day_is_named(workspace, run):
    add_week(run)
    result = run("build", "--offline", "--date", "2026-12-09")
    assert result.exit_code == 0
    assert "warning: 2026-12-09 is a Wednesday, not the issue day (Friday)." in result.output


def test_a_template_mistake_names_file_and_line_and_writes_nothing(workspace, run):
    add_week(run)
    write(
        workspace / "templates" / "email.txt.j2",
        """
        {{ issue.subject }}

        {{ issue.tittle }}
    """,
    )
    result = run("build", "--date", FRIDAY)
    assert result.exit_code == 2
    assert re.search(r"templates/email\.txt\.j2:3: template error: .*tittle", result.output)
    assert not (workspace / "issues" / f"{FRIDAY}.md").exists()
    assert not (workspace / ".newsletter" / "out").exists()


def test_template_syntax_error_names_file_and_line(workspace, run):
    write(
        workspace / "templates" / "email.html.j2",
        """
        <html>
        {% if issue.tools %}
        <p>unclosed
    """,
    )
    result = run("build", "--date", FRIDAY)
    assert result.exit_code == 2
    assert "templates/email.html.j2:" in result.output
    assert "template error" in result.output


def test_feeds_in_the_window_and_one_warning_per_unreachable_feed(workspace, run, feed_server):
    feed_server.routes["/blog.xml"] = Route(
        rss(
            "Blog",
            [
                {
                    "title": "New this week",
                    "link": "https://blog.example.org/new",
                    "date": "Wed, 25 Nov 2026 10:00:00 GMT",
                },
                {
                    "title": "Old news",
                    "link": "https://blog.example.org/old",
                    "date": "Mon, 02 Nov 2026 10:00:00 GMT",
                },
            ],
        ),
        etag='"v1"',
    )
    write(
        workspace / "feeds.yaml",
        f"""
        feeds:
          - name: Good Blog
            url: {feed_server.url("/blog.xml")}
          - name: Gone Blog
            url: {feed_server.url("/gone.xml")}
          - name: Nobody Home
            url: http://127.0.0.1:9/feed.xml
    """,
    )
    result = run("build", "--date", FRIDAY)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: feed 'Gone Blog' skipped: 404 not found",
        "warning: feed 'Nobody Home' skipped: the server refused the connection",
    ]
    (entry,) = load_archive(Workspace(workspace))
    assert [i.title for i in entry.issue.feed_items] == ["New this week"]

    # --offline: no request at all, the cached copy is used.
    requests = len(feed_server.requests)
    offline = run("build", "--date", FRIDAY, "--offline")
    assert offline.exit_code == 0
    assert len(feed_server.requests) == requests
    (entry,) = load_archive(Workspace(workspace))
    assert [i.title for i in entry.issue.feed_items] == ["New this week"]


def test_feed_posts_already_sent_are_not_featured_again(workspace, run, feed_server):
    feed_server.routes["/blog.xml"] = Route(
        rss(
            "Blog",
            [
                {
                    "title": "Post A",
                    "link": "https://blog.example.org/a?utm_source=rss",
                    "date": "Wed, 25 Nov 2026 10:00:00 GMT",
                },
            ],
        )
    )
    write(
        workspace / "feeds.yaml",
        f"""
        feeds:
          - name: Blog
            url: {feed_server.url("/blog.xml")}
    """,
    )
    assert run("build", "--date", FRIDAY).exit_code == 0
    (entry,) = load_archive(Workspace(workspace))
    assert entry.issue.feed_items[0].link == "https://blog.example.org/a"
    record_reach(entry, 6, 6, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    # A second blog reposts the same article a day later.
    feed_server.routes["/other.xml"] = Route(
        rss(
            "Other",
            [
                {
                    "title": "Post A again",
                    "link": "https://www.blog.example.org/a/",
                    "date": "Sat, 28 Nov 2026 10:00:00 GMT",
                },
                {
                    "title": "Post B",
                    "link": "https://blog.example.org/b",
                    "date": "Sat, 28 Nov 2026 11:00:00 GMT",
                },
            ],
        )
    )
    write(
        workspace / "feeds.yaml",
        f"""
        feeds:
          - name: Blog
            url: {feed_server.url("/blog.xml")}
          - name: Other
            url: {feed_server.url("/other.xml")}
    """,
    )
    assert run("build", "--date", "2026-12-04").exit_code == 0
    second = read_archived(workspace / "issues" / "2026-12-04.md")
    assert [i.title for i in second.issue.feed_items] == ["Post B"]


def test_write_together_changes_all_files_or_none(tmp_path):
    from newsletter.workspace.files import write_together

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    first, second = tmp_path / "a.html", tmp_path / "a.txt"
    first.write_text("old html")
    second.write_text("old text")
    blocked = tmp_path / "a.md"
    blocked.mkdir()  # a file cannot replace a folder: the third move fails
    try:
        write_together([(first, "new html"), (second, "new text"), (blocked, "new archive")])
    except OSError as err:
        assert err.filename == str(blocked)
    else:
        raise AssertionError("the move onto a folder should have failed")
    assert (first.read_text(), second.read_text()) == ("old html", "old text")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.md", "a.txt"]
    write_together([(first, "new html"), (second, "new text")])
    assert (first.read_text(), second.read_text()) == ("new html", "new text")


def test_a_build_that_cannot_write_the_archive_leaves_the_email_as_it_was(workspace, run):
    add_week(run)
    assert run("build", "--date", FRIDAY).exit_code == 0
    html = workspace / ".newsletter" / "out" / f"{FRIDAY}.html"
    before = html.read_bytes()
    issues = workspace / "issues"
    issues.rename(workspace / "issues-saved")
    issues.write_text("not a folder")  # the archive cannot be written
    assert (
        run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "PDFs.").exit_code == 0
    )
    result = run("build", "--date", FRIDAY)
    assert result.exit_code == 1
    assert f"ws/issues/{FRIDAY}.md: " in result.output
    assert html.read_bytes() == before  # the next send mails what the archive records
    assert not [p for p in html.parent.iterdir() if p.name.startswith(".")]  # no leftovers


def test_a_build_waits_for_no_send_and_never_undoes_one(workspace, run, feed_server, tmp_path):
    """A build that started before a send finished (its feed is slow) finds the issue
    sent when it is ready to write: it leaves the archive and the email alone."""

    write(
        workspace / "newsletter.yaml",
        """
        title: Tech Tidbits
        time_zone: America/Chicago
        from: "Tech Tidbits <techtidbits@maplevalley.example.org>"
        """,
    )
    (workspace / "staff.csv").write_text("email\na@maplevalley.example.org\n")
    add_week(run)
    assert run("build", "--date", FRIDAY, "--offline").exit_code == 0
    gate = threading.Event()
    feed_server.routes["/slow.xml"] = Route(rss("Slow", []), gate=gate)
    write(
        workspace / "feeds.yaml",
        f"feeds:\n  - name: Slow\n    url: {feed_server.url('/slow.xml')}\n",
    )
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    build = subprocess.Popen(
        [sys.executable, "-m", "newsletter", "build", "--date", FRIDAY],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    server = SmtpServer().start()
    try:
        deadline = time.monotonic() + 60
        while not feed_server.hits("/slow.xml") and time.monotonic() < deadline:
            time.sleep(0.02)
        assert feed_server.hits("/slow.xml"), "the build never asked for the feed"
        os.environ["NEWSLETTER_SMTP_HOST"] = "127.0.0.1"
        os.environ["NEWSLETTER_SMTP_PORT"] = str(server.port)
        os.environ["NEWSLETTER_SMTP_SECURITY"] = "none"
        try:
            sent = run("send", "--yes")
        finally:
            for name in ("HOST", "PORT", "SECURITY"):
                del os.environ[f"NEWSLETTER_SMTP_{name}"]
        assert sent.exit_code == 0, sent.output
        email = (workspace / ".newsletter" / "out" / f"{FRIDAY}.html").read_bytes()
        archive = (workspace / "issues" / f"{FRIDAY}.md").read_bytes()
    finally:
        gate.set()
        out, err = build.communicate(timeout=120)
        server.stop()
    assert build.returncode == 0, out + err
    assert "was already sent" in err and "a sent issue is never rebuilt" in err
    (entry,) = load_archive(Workspace(workspace))
    assert entry.sent
    assert (workspace / "issues" / f"{FRIDAY}.md").read_bytes() == archive
    assert (workspace / ".newsletter" / "out" / f"{FRIDAY}.html").read_bytes() == email


def test_a_build_during_a_send_changes_nothing(workspace, run):
    from newsletter.workspace.lock import workspace_lock

    add_week(run)
    assert run("build", "--date", FRIDAY).exit_code == 0
    files = [
        workspace / "issues" / f"{FRIDAY}.md",
        workspace / ".newsletter/out" / f"{FRIDAY}.html",
    ]
    before = [f.read_bytes() for f in files]
    assert (
        run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "PDFs.").exit_code == 0
    )
    with workspace_lock(workspace / ".newsletter", "send"):
        result = run("build", "--date", FRIDAY)
    assert result.exit_code == 1
    assert "another 'newsletter' command is working in this workspace (send, pid" in result.output
    assert "this 'build' stops without changing anything" in result.output
    assert [f.read_bytes() for f in files] == before


def test_an_event_before_the_issue_day_is_named_not_dropped_silently(workspace, run):
    write(
        workspace / "notes" / "events.yaml", "- title: Thursday talk\n  start: 2026-12-03 12:00\n"
    )
    result = run("build", "--date", "2026-12-04", "--offline")
    assert result.exit_code == 0, result.output
    assert (
        "warning: the event 'Thursday talk' (Thu Dec 03, 12:00) starts before this issue's day"
        in (result.output)
    )


def test_a_sent_issue_says_how_to_build_the_next(workspace, run):
    add_week(run)
    assert run("build", "--date", FRIDAY).exit_code == 0
    (entry,) = load_archive(Workspace(workspace))
    record_reach(entry, 6, 6, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    again = run("build", "--date", FRIDAY)
    assert again.exit_code == 0
    assert "To build the next one: newsletter build --date 2026-12-04" in again.output
