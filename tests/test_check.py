"""newsletter check: every problem in the workspace at once; check --links; and the
build's warning about Gmail's clipping size."""

import textwrap

from tests.conftest import write
from tests.feedserver import Route


def test_a_new_workspace_is_in_order(workspace, run):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "The workspace is in order." in result.output


def test_every_problem_is_reported_at_once(workspace, run):
    write(
        workspace / "feeds.yaml",
        """
        feeds:
          - name: No address
          - name: Bad address
            url: not-a-url
          - name: Fine
            url: https://blog.example.org/feed
    """,
    )
    write(
        workspace / "notes" / "tools.yaml",
        """
        - name: Padlet
          url: https://padlet.com
          grade: 3-5

        - name: Kami
          url: https://kamiapp.com
          cost: cheap
    """,
    )
    write(
        workspace / "notes" / "events.yaml",
        """
        - title: Tech Talk
          start: next week
    """,
    )
    write(
        workspace / "templates" / "email.txt.j2",
        """
        {{ issue.subject }}
        {{ issue.tittle }}
    """,
    )
    (workspace / "staff.csv").write_text("email,name\nnobody,No One\nok@example.org,Ok\n")
    result = run("check")
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    expected = [
        "ws/feeds.yaml:2: feed is missing the field 'url'.",
        "ws/feeds.yaml:4: feed field 'url': 'not-a-url' is not a web address",
        "ws/notes/tools.yaml:3: unknown tool field 'grade'. Hint: Did you mean 'grades'?",
        "ws/notes/tools.yaml:7: tool field 'cost': 'cheap' is not a cost",
        "ws/notes/events.yaml:2: event field 'start': 'next week' is not a date and time",
        "ws/templates/email.txt.j2:2: template error:",
        "ws/staff.csv:2: 'nobody' is not an email address (",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert len(lines) == len(expected), lines
    assert "7 problems found" in result.output


def test_check_links_names_the_broken_ones_and_where(workspace, run, feed_server):
    feed_server.routes["/ok"] = Route(b"<html>fine</html>", content_type="text/html")
    feed_server.routes["/moved"] = Route(status=301, location="/ok")
    feed_server.routes["/gone-away"] = Route(status=302, location="/missing")
    base = feed_server.base
    assert (
        run(
            "add-tool",
            "Works",
            "--url",
            f"{base}/ok",
            "--summary",
            f"See [the guide]({base}/guide-missing) first.",
        ).exit_code
        == 0
    )
    assert run("add-tool", "Moved", "--url", f"{base}/moved", "--summary", "x").exit_code == 0
    assert run("add-link", "Gone", "--url", f"{base}/gone-away").exit_code == 0
    assert (
        run(
            "add-event",
            "Talk",
            "--when",
            "2026-12-03 12:00",
            "--signup",
            "http://127.0.0.1:9/signup",
            "--force",  # a fixed date, which will be over one day
        ).exit_code
        == 0
    )
    assert run("build", "--date", "2026-11-27").exit_code == 0
    result = run("check", "--links")
    assert result.exit_code == 1
    broken = sorted(line for line in result.stdout.splitlines() if line.startswith("broken:"))
    assert broken == sorted(
        [
            f"broken: {base}/guide-missing in tool 'Works': 404 not found",
            f"broken: {base}/gone-away in link 'Gone': 404 not found",
            "broken: http://127.0.0.1:9/signup in event 'Talk' (sign-up): "
            "the server refused the connection",
        ]
    )
    assert "Checked 5 links in issue #1: 3 broken." in result.output
    # The server has no HEAD: each working link was fetched with GET after HEAD failed.
    assert any(r.path == "/ok" for r in feed_server.requests)


def test_build_warns_when_gmail_would_clip(workspace, run):
    summary = "A long description of a very useful tool for the classroom. " * 40
    entries = "".join(
        textwrap.dedent(f"""
            - name: Tool {n}
              url: https://tool{n}.example.org
              summary: {summary}
        """)
        for n in range(40)
    )
    (workspace / "notes" / "tools.yaml").write_text(entries)
    result = run("build", "--date", "2026-11-27")
    assert result.exit_code == 0
    warning = [line for line in result.output.splitlines() if "Gmail" in line]
    assert len(warning) == 1
    assert warning[0].startswith("warning: the email's HTML is ")
    assert "lower feeds.max_items in newsletter.yaml (now 12)" in warning[0]


def test_check_links_with_problems_in_the_workspace_exits_2_and_counts_them(
    workspace, run, feed_server
):
    feed_server.routes["/ok"] = Route(b"<html>fine</html>", content_type="text/html")
    assert (
        run("add-tool", "Works", "--url", feed_server.url("/ok"), "--summary", "x").exit_code == 0
    )
    assert run("add-link", "Gone", "--url", feed_server.url("/missing")).exit_code == 0
    assert run("build", "--date", "2026-11-27").exit_code == 0
    (workspace / "feeds.yaml").write_text("feeds:\n  - name: No address\n")
    result = run("check", "--links")
    assert result.exit_code == 2
    assert "ws/feeds.yaml:2: feed is missing the field 'url'" in result.output
    assert "broken: " + feed_server.url("/missing") in result.output
    assert result.output.rstrip().endswith("Error: 1 problem found (listed above).")


def test_a_note_written_twice_is_named(workspace, run):
    padlet = "- name: Padlet\n  url: https://padlet.com\n  summary: A wall.\n"
    kami = "- name: Kami\n  url: https://kamiapp.com\n  summary: PDFs.\n"
    (workspace / "notes" / "tools.yaml").write_text(padlet + kami + padlet + padlet)
    result = run("check")
    assert result.exit_code == 0, result.output  # a warning: it may be meant
    assert (
        "warning: notes/tools.yaml: 'Padlet' is there 3 times, the same each time; the issue "
        "would show it that often." in result.output
    )
    assert "'Kami'" not in result.output
    (workspace / "notes" / "tools.yaml").write_text(padlet + kami)
    assert "is there" not in run("check").output


def test_check_names_the_starters_example_address_in_the_staff_list(workspace, run):
    result = run("check")
    assert "staff.csv:2: you@your-district.example.org is the starter's example address" in (
        result.output
    )
    (workspace / "staff.csv").write_text("email,name\nana@mv.example.org,Ana\n")
    assert "starter's example address" not in run("check").output


def test_the_job_reads_its_time_as_events_do(workspace, run):
    assert "job --at 07:00" in run("cron", "--at", "7am").stdout
    assert "job --at 06:30" in run("cron", "--at", "6:30").stdout  # 24-hour: the morning
    bad = run("cron", "--at", "7xm")
    assert bad.exit_code == 2 and "'7xm' is not a time of day" in bad.output


def test_init_names_each_file_there_once(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from newsletter.cli import cli

    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["init", "ws"]).exit_code == 0
    again = CliRunner().invoke(cli, ["init", "ws"])
    assert again.exit_code == 1 and "ws/ws/" not in again.output
    assert "ws/feeds.yaml" in again.output


def test_every_bad_field_of_one_entry_is_named_in_one_run(workspace, run):
    write(
        workspace / "notes" / "tools.yaml",
        """
        - name: Padlet
          url: padlet
          grade: 3-5
          cost: cheap
          grades: [13]
    """,
    )
    result = run("check")
    assert result.exit_code == 2
    problems = [line for line in result.stdout.splitlines() if "tools.yaml" in line]
    assert any("tools.yaml:2: tool field 'url'" in line for line in problems), problems
    assert any("unknown tool field 'grade'" in line for line in problems), problems
    assert any("tool field 'cost': 'cheap'" in line for line in problems), problems
    assert any("tool field 'grades'" in line for line in problems), problems
    assert len(problems) == 4, problems
    assert "4 problems found" in result.output


def test_a_colon_inside_a_text_asks_for_quotes(workspace, run):
    write(
        workspace / "notes" / "tools.yaml",
        """
        - name: Padlet
          url: https://padlet.com
          summary: A wall for the class. Tip: pin the best posts.
    """,
    )
    for command in (("check",), ("notes",)):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert "tools.yaml:3: the text contains ': '" in result.output, result.output
        assert "Put the text in quotes" in result.output
        assert "mapping values" not in result.output
