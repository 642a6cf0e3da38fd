"""newsletter build: choosing the date and content, writing archive and email."""

import datetime as dt
import re

import yaml

from newsletter.archive import load_archive, mark_sent, read_archived
from newsletter.build import issue_date
from newsletter.settings import load_settings
from newsletter.workspace import Workspace
from tests.conftest import write
from tests.feedserver import Route, rss

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
    assert run("add-event", "Tech Talk: Forms", "--when", "2026-12-03 12:00").exit_code == 0
    assert run("add-event", "Last week's talk", "--when", "2026-11-20 12:00").exit_code == 0
    assert run("add-tip", "Press Ctrl+Shift+V.", "--title", "Paste plain").exit_code == 0


def front_matter(path):
    text = path.read_text()
    return yaml.safe_load(text.split("---\n")[1])


def test_issue_day_is_the_next_configured_weekday(workspace):
    settings = load_settings(workspace / "newsletter.yaml")  # friday, America/Chicago
    saturday = dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.UTC)
    assert issue_date(settings, None, saturday) == dt.date(2026, 12, 4)
    friday_morning = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
    assert issue_date(settings, None, friday_morning) == dt.date(2026, 11, 27)
    # 02:00 UTC on Saturday is still Friday evening in Chicago.
    friday_night = dt.datetime(2026, 11, 28, 2, 0, tzinfo=dt.UTC)
    assert issue_date(settings, None, friday_night) == dt.date(2026, 11, 27)


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
    mark_sent(first, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
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
    mark_sent(entry, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    before = entry.path.read_text()
    result = run("build", "--date", FRIDAY, "--force")
    assert result.exit_code == 0
    assert "was already sent on 2026-11-27 14:00" in result.output
    assert entry.path.read_text() == before


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
    mark_sent(entry, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
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
