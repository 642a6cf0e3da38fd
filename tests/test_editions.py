"""Editions by grade band: one set of notes, an issue per edition, each sent to its
group of staff.csv, through a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt

import pytest

from newsletter.catalog.db import load_archive
from newsletter.workspace.folder import Workspace
from tests.conftest import use, write
from tests.feedserver import Route, rss

FRIDAY, NEXT_FRIDAY = "2026-12-04", "2026-12-11"
SETTINGS = """
title: Tech Tidbits
time_zone: America/Chicago
from: "Tech Tidbits <techtidbits@maplevalley.example.org>"
send:
  retry_delay: 0.01
editions:
  elementary:
    grades: [K-2, 3-5]
    group: elementary
    title: Tech Tidbits Elementary
  secondary:
    grades: 6-8, 9-12
    group: secondary
"""
ANN, BO, CY = "ann@mv.example.org", "bo@mv.example.org", "cy@mv.example.org"


@pytest.fixture
def editions(workspace, run):
    """A workspace with two editions; Cy is in both groups."""
    write(workspace / "newsletter.yaml", SETTINGS)
    write(
        workspace / "staff.csv",
        f"""
        email,name,groups
        {ANN},Ann,elementary
        {BO},Bo,secondary
        {CY},Cy,elementary;secondary;pilot
        """,
    )
    add = [
        ("add-tool", "Fraction Wall", "--url", "https://fractionwall.example.org",
         "--summary", "Fractions on a wall.", "--grades", "3-5"),
        ("add-tool", "Desmos", "--url", "https://desmos.example.org",
         "--summary", "Graphs.", "--grades", "9-12"),
        ("add-tool", "Padlet", "--url", "https://padlet.example.org", "--summary", "A wall."),
        ("add-tool", "Seesaw", "--url", "https://seesaw.example.org", "--summary", "Portfolios.",
         "--grades", "K-12", "--editions", "elementary"),
        ("add-link", "Middle school reading", "--url", "https://read.example.org/ms",
         "--grades", "6-8"),
        ("add-tip", "Press **Ctrl+Shift+V** to paste plain text.", "--editions", "secondary"),
        ("add-tip", "Pin a tab with a right-click.", "--title", "Pinned tabs"),
    ]  # fmt: skip
    for args in add:
        result = run(*args)
        assert result.exit_code == 0, result.output
    return workspace


def issues_of(workspace):
    return {entry.key.stem: entry for entry in load_archive(Workspace(workspace))}


def names(entry, kind="tools"):
    return sorted(getattr(note, "name", None) or note.title for note in getattr(entry.issue, kind))


def test_each_edition_gets_what_its_grades_fit_and_what_goes_to_all(editions, run):
    result = run("build", "--offline", "--date", FRIDAY)
    assert result.exit_code == 0, result.output
    assert "Built issue #1 (elementary) for 2026-12-04" in result.output
    assert "Built issue #1 (secondary) for 2026-12-04" in result.output
    found = issues_of(editions)
    assert sorted(found) == ["2026-12-04-elementary", "2026-12-04-secondary"]
    elementary, secondary = found["2026-12-04-elementary"], found["2026-12-04-secondary"]
    # Grades overlap; no grades goes to all; --editions overrides the grades (K-12).
    assert names(elementary) == ["Fraction Wall", "Padlet", "Seesaw"]
    assert names(secondary) == ["Desmos", "Padlet"]
    assert names(elementary, "links") == [] and names(secondary, "links") == [
        "Middle school reading"
    ]
    # A tip goes to all unless it names its editions.
    assert [t.title for t in elementary.issue.tips] == ["Pinned tabs"]
    assert len(secondary.issue.tips) == 2
    # One issue number for the day; each edition its own title and files.
    assert elementary.number == secondary.number == 1
    assert elementary.subject == "Tech Tidbits Elementary #1 - Dec 4, 2026"
    assert secondary.subject == "Tech Tidbits: Secondary #1 - Dec 4, 2026"
    out = editions / ".newsletter" / "out"
    html = (out / "2026-12-04-secondary.html").read_text()
    assert "Desmos" in html and "Fraction Wall" not in html
    assert (out / "2026-12-04-elementary.txt").is_file()


def test_an_edition_with_nothing_of_its_own_says_so(workspace, run):
    write(workspace / "newsletter.yaml", SETTINGS)
    write(workspace / "staff.csv", f"email,groups\n{ANN},elementary\n{BO},secondary\n")
    run("add-tool", "Desmos", "--url", "https://desmos.example.org", "--summary", "Graphs.",
        "--grades", "9-12")  # fmt: skip
    run("add-tool", "Padlet", "--url", "https://padlet.example.org", "--summary", "A wall.")
    result = run("build", "--offline", "--date", FRIDAY)
    assert result.exit_code == 0, result.output
    assert (
        "The edition 'elementary' has nothing of its own this week: no tool, link or post "
        "for K-2, 3-5" in result.output
    )
    assert "'secondary' has nothing" not in result.output


def test_issue_references_name_an_edition(editions, run):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    listed = run("list")
    assert listed.exit_code == 0
    assert "#1    2026-12-04:elementary  draft" in listed.output
    assert "#1    2026-12-04:secondary   draft" in listed.output
    for ref in ("1:elementary", "2026-12-04:elementary", "#1:Elementary", "2026-12-04-elementary"):
        shown = run("show", ref, "--format", "text")
        assert shown.exit_code == 0, (ref, shown.output)
        assert "Fraction Wall" in shown.output and "Desmos" not in shown.output
    both = run("show", "1")
    assert both.exit_code == 2
    assert "Issue #1 (2026-12-04) has 2 editions; say which: 1:elementary, 1:secondary" in (
        both.output
    )
    unknown = run("show", "1:middle")
    assert unknown.exit_code == 2 and "No issue '1:middle'" in unknown.output
    preview = run("preview", "1:secondary", "--print")
    assert preview.exit_code == 0 and preview.output.strip().endswith("2026-12-04-secondary.html")


def test_send_gives_each_edition_to_its_group_once(editions, run, smtp, monkeypatch):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    got = {
        address: sorted(r.message["Subject"] for r in server.mailbox.to(address))
        for address in (ANN, BO, CY)
    }
    elementary, secondary = "Tech Tidbits Elementary #1", "Tech Tidbits: Secondary #1"
    assert got == {
        ANN: [f"{elementary} - Dec 4, 2026"],
        BO: [f"{secondary} - Dec 4, 2026"],
        CY: [f"{elementary} - Dec 4, 2026", f"{secondary} - Dec 4, 2026"],  # in both: each once
    }
    assert all(entry.sent for entry in issues_of(editions).values())
    assert "Issue #1 (elementary) is recorded as sent" in result.output
    again = run("send", "--yes")
    assert again.exit_code == 0 and "Nothing to send" in again.output
    assert len(server.mailbox.received) == 4


def test_send_group_of_an_edition_sends_that_edition_alone(editions, run, smtp, monkeypatch):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "--yes", "--group", "elementary")
    assert result.exit_code == 0, result.output
    assert sorted(a for r in server.mailbox.received for a in r.rcpt_tos) == [ANN, CY]
    found = issues_of(editions)
    assert found["2026-12-04-elementary"].sent and found["2026-12-04-secondary"].status == "draft"


def test_send_group_marks_an_edition_sent_only_when_its_whole_group_has_it(
    editions, run, smtp, monkeypatch
):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    server = smtp()
    use(monkeypatch, server)
    # 'pilot' is no edition's group: each edition goes to its readers in it (Cy).
    result = run("send", "--yes", "--group", "pilot")
    assert result.exit_code == 0, result.output
    assert [len(server.mailbox.to(a)) for a in (ANN, BO, CY)] == [0, 0, 2]
    states = {stem: entry.state for stem, entry in issues_of(editions).items()}
    assert states == {
        "2026-12-04-elementary": "sent to 1 of 2",
        "2026-12-04-secondary": "sent to 1 of 2",
    }
    rest = run("send", "--yes")  # the rest: Ann and Bo, and nothing sent twice
    assert rest.exit_code == 0, rest.output
    assert [len(server.mailbox.to(a)) for a in (ANN, BO, CY)] == [1, 1, 2]
    assert all(entry.sent for entry in issues_of(editions).values())


def test_send_one_edition_and_featured_is_per_edition(editions, run, smtp, monkeypatch):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    server = smtp()
    use(monkeypatch, server)
    result = run("send", "1:elementary", "--yes")
    assert result.exit_code == 0, result.output
    assert sorted(a for r in server.mailbox.received for a in r.rcpt_tos) == [ANN, CY]
    # Next week: the elementary edition has had Padlet; the secondary one has not.
    assert run("build", "--offline", "--date", NEXT_FRIDAY).exit_code == 0
    found = issues_of(editions)
    assert names(found["2026-12-11-elementary"]) == []
    assert names(found["2026-12-11-secondary"]) == ["Desmos", "Padlet"]
    assert found["2026-12-11-secondary"].number == 2


def test_feed_posts_go_by_their_feeds_grades(editions, run, feed_server):
    post = {"date": "Wed, 02 Dec 2026 10:00:00 GMT"}
    feed_server.routes["/k2.xml"] = Route(
        rss("Early", [{"title": "Phonics apps", "link": "https://k2.example.org/a", **post}])
    )
    feed_server.routes["/all.xml"] = Route(
        rss("All", [{"title": "AI and homework", "link": "https://all.example.org/a", **post}])
    )
    write(
        editions / "feeds.yaml",
        f"""
        feeds:
          - name: Early grades blog
            url: {feed_server.url("/k2.xml")}
            grades: K-2
          - name: Everyone's blog
            url: {feed_server.url("/all.xml")}
        """,
    )
    result = run("build", "--date", FRIDAY)
    assert result.exit_code == 0, result.output
    found = issues_of(editions)
    posts = {stem: sorted(i.title for i in e.issue.feed_items) for stem, e in found.items()}
    assert posts == {
        "2026-12-04-elementary": ["AI and homework", "Phonics apps"],
        "2026-12-04-secondary": ["AI and homework"],
    }


def test_adding_editions_replaces_the_days_draft_and_removing_them_goes_back(workspace, run):
    write(workspace / "staff.csv", f"email,groups\n{ANN},elementary\n{BO},secondary\n")
    run("add-tool", "Padlet", "--url", "https://padlet.example.org", "--summary", "A wall.")
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    assert sorted(issues_of(workspace)) == ["2026-12-04"]  # no editions: today's names
    settings = workspace / "newsletter.yaml"
    plain = settings.read_text()
    write(settings, SETTINGS)
    result = run("build", "--offline", "--date", FRIDAY)
    assert result.exit_code == 0, result.output
    assert "removed the draft ws/issues/2026-12-04.md" in result.output
    assert sorted(issues_of(workspace)) == ["2026-12-04-elementary", "2026-12-04-secondary"]
    settings.write_text(plain)
    checked = run("check")
    assert checked.exit_code == 2
    assert "2026-12-04-elementary.md: a draft of the edition 'elementary'" in checked.output
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    assert sorted(issues_of(workspace)) == ["2026-12-04"]
    assert run("send", "--dry-run").exit_code == 0


BAD_EDITIONS = [
    (
        "grades: [6-8, 13]\n    group: secondary",
        "newsletter.yaml:12: edition 'secondary' field 'grades': '13' is not a grade",
    ),
    (
        "grades: [6-8]\n    group: high",
        "newsletter.yaml:13: nobody in staff.csv is in the group 'high' of the edition "
        "'secondary'. Hint: the groups there are: elementary, pilot, secondary.",
    ),
    (
        "grades: [6-8]\n    group: Elementary",
        "newsletter.yaml:13: edition 'secondary' field 'group': the group 'Elementary' "
        "already gets the edition 'elementary'",
    ),
]


@pytest.mark.parametrize(("secondary", "line"), BAD_EDITIONS)
def test_bad_editions_are_one_line_from_check_and_build(editions, run, secondary, line):
    settings = editions / "newsletter.yaml"
    text = settings.read_text().replace("grades: 6-8, 9-12\n    group: secondary", secondary)
    assert text != settings.read_text()
    settings.write_text(text)
    for command in (("check",), ("build", "--offline", "--date", FRIDAY)):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert line in result.output
        said = [text for text in result.output.splitlines() if "newsletter.yaml:" in text]
        assert len(said) == 1, result.output  # one line, not a traceback or a cascade
    assert not (editions / "issues" / "2026-12-04-elementary.md").exists()


def test_a_note_naming_an_unknown_edition_is_refused(editions, run):
    result = run("add-tool", "Kami", "--url", "https://kami.example.org", "--summary", "PDFs.",
                 "--editions", "middle")  # fmt: skip
    assert result.exit_code == 2
    assert "--editions: newsletter.yaml has no edition 'middle'; nothing was added." in (
        result.output
    )
    assert "Kami" not in (editions / "notes" / "tools.yaml").read_text()
    # Written by hand, it stops check and build, naming the note.
    with (editions / "notes" / "tips.yaml").open("a") as notes:
        notes.write("\n- text: Mute the class.\n  editions: [middle]\n")
    for command in (("check",), ("build", "--offline", "--date", FRIDAY)):
        result = run(*command)
        assert result.exit_code == 2
        assert "notes/tips.yaml: the tip 'Mute the class.' names the edition 'middle'" in (
            result.output
        )


# --- what a reviewer tried ------------------------------------------------------------


def test_a_copy_of_an_issue_is_never_taken_for_an_edition_or_removed(workspace, run):
    run("add-tool", "Padlet", "--url", "https://padlet.example.org", "--summary", "A wall.")
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    issue = workspace / "issues" / "2026-12-04.md"
    backup = workspace / "issues" / "2026-12-04-backup.md"
    backup.write_text(issue.read_text())
    result = run("build", "--offline", "--date", FRIDAY)
    assert result.exit_code == 2
    assert "two issues cannot share a number" in result.output
    assert backup.read_text() == issue.read_text()


def test_a_renamed_edition_keeps_what_its_group_was_sent(editions, run, smtp, monkeypatch):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    use(monkeypatch, smtp())
    assert run("send", "1:elementary", "--yes").exit_code == 0
    settings = editions / "newsletter.yaml"
    settings.write_text(settings.read_text().replace("  elementary:\n", "  primary:\n"))
    tools = editions / "notes" / "tools.yaml"
    tools.write_text(tools.read_text().replace("[elementary]", "[primary]"))
    assert run("build", "--offline", "--date", NEXT_FRIDAY).exit_code == 0, run("check").output
    assert names(issues_of(editions)["2026-12-11-primary"]) == []


def test_staff_in_no_editions_group_are_named(editions, run):
    with (editions / "staff.csv").open("a") as staff:
        staff.write("dan@mv.example.org,Dan,\neve@mv.example.org,Eve,office\n")
    result = run("check")
    assert (
        "warning: 2 on the staff list are in no edition's group and get no issue: "
        "dan@mv.example.org, eve@mv.example.org." in result.output
    )
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    sent = run("send", "--dry-run")
    assert "are in no edition's group" in sent.output


def test_a_person_on_two_rows_is_in_both_rows_groups(editions, run):
    (editions / "staff.csv").write_text(
        f"email,name,groups\n{ANN},Ann,elementary\n{BO},Bo,secondary\n{ANN},Ann,secondary\n"
    )
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    result = run("send", "--dry-run")
    assert (
        f"{ANN} is also on line 2; sent once, and is in the groups of both (secondary added)."
        in result.output
    )
    secondary = result.output.split("issue #1 (secondary)")[1]
    assert ANN in secondary and BO in secondary


def test_a_draft_edited_by_hand_is_kept_while_a_new_edition_is_built(editions, run):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    elementary = editions / "issues" / "2026-12-04-elementary.md"
    elementary.write_text(elementary.read_text().replace("Fractions on a wall.", "Edited."))
    settings = editions / "newsletter.yaml"
    settings.write_text(settings.read_text() + "  office:\n    grades: K-12\n    group: office\n")
    with (editions / "staff.csv").open("a") as staff:
        staff.write("eve@mv.example.org,Eve,office\n")
    result = run("build", "--offline", "--date", FRIDAY)
    assert result.exit_code == 0, result.output
    assert "Kept issue #1 (elementary) as it was edited by hand" in result.output
    assert "Edited." in elementary.read_text()
    assert "2026-12-04-office" in issues_of(editions)


def test_a_draft_someone_may_have_is_not_removed_when_editions_are_added(workspace, run):
    run("add-tool", "Padlet", "--url", "https://padlet.example.org", "--summary", "A wall.")
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    from newsletter.archive.sendlog import ATTEMPT, SENT, log_for
    from newsletter.model import IssueKey

    log = log_for(Workspace(workspace).state_dir, IssueKey(dt.date(2026, 12, 4)))
    log.write(ATTEMPT, ANN)
    log.write(SENT, ANN)  # a run that stopped after one message
    write(workspace / "staff.csv", f"email,groups\n{ANN},elementary\n{BO},secondary\n")
    write(workspace / "newsletter.yaml", SETTINGS)
    result = run("build", "--offline", "--date", FRIDAY)
    assert result.exit_code == 2
    assert "its editions cannot be built for the same day" in result.output
    assert (workspace / "issues" / "2026-12-04.md").is_file()


def test_preview_without_an_issue_gives_every_edition(editions, run):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    result = run("preview", "--print")
    assert result.exit_code == 0
    assert result.stdout.split() == [
        "ws/.newsletter/out/2026-12-04-elementary.html",
        "ws/.newsletter/out/2026-12-04-secondary.html",
    ]


def test_sending_asks_once_for_every_edition(editions, run):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    result = run("send")  # no terminal here: it says what it would ask
    assert result.exit_code == 2
    assert (
        "Sending issue #1 (elementary) 'Tech Tidbits Elementary #1 - Dec 4, 2026' to 2 "
        "recipients via the outbox folder (no SMTP host configured); and issue #1 (secondary)"
        in result.output
    )


@pytest.mark.parametrize(
    ("editions_yaml", "said"),
    [
        ("editions:\n", "'editions' names no edition"),
        ("editions:\n  " + "a" * 41 + ":\n    grades: K\n    group: x\n", "up to 40"),
    ],
)
def test_odd_editions_fields_are_refused(workspace, run, editions_yaml, said):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "\n" + editions_yaml)
    for command in (("check",), ("build", "--offline")):
        result = run(*command)
        assert result.exit_code == 2 and said in result.output, result.output


def test_edition_names_in_notes_ignore_case(editions, run):
    result = run("add-tip", "Mute the class.", "--editions", "Secondary")
    assert result.exit_code == 0, result.output
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    tips = {stem: [t.text for t in e.issue.tips] for stem, e in issues_of(editions).items()}
    assert "Mute the class." in tips["2026-12-04-secondary"]
    assert "Mute the class." not in tips["2026-12-04-elementary"]


def test_the_site_names_each_edition(editions, run):
    from newsletter.archive.record import record_reach

    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    for entry in issues_of(editions).values():
        record_reach(entry, 2, 2, dt.datetime(2026, 12, 4, 14, tzinfo=dt.UTC))
    assert run("site").exit_code == 0
    (padlet,) = (editions / "site" / "tools").glob("padlet-*.html")
    text = padlet.read_text()
    assert "#1 (elementary) &middot;" in text and "#1 (secondary) &middot;" in text


def test_check_links_checks_every_edition(workspace, run, feed_server):
    write(workspace / "newsletter.yaml", SETTINGS)
    write(workspace / "staff.csv", f"email,groups\n{ANN},elementary\n{BO},secondary\n")
    feed_server.routes["/ok"] = Route(b"<html>fine</html>", content_type="text/html")
    for name, grades in (("Early", "K-2"), ("Late", "9-12"), ("All", "")):
        path = "/ok" if name == "All" else f"/{name.lower()}-gone"
        args = ["add-tool", name, "--url", feed_server.url(path), "--summary", "x"]
        assert run(*args, *(["--grades", grades] if grades else [])).exit_code == 0
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    result = run("check", "--links")
    assert result.exit_code == 1
    assert "broken: " + feed_server.url("/early-gone") in result.output
    assert "broken: " + feed_server.url("/late-gone") in result.output
    assert "Checked 3 links in issue #1: 2 broken." in result.output  # the shared one once


def test_an_edition_can_have_its_own_intro(editions, run):
    write(editions / "notes" / "intro.md", "Welcome back, everyone.\n")
    write(editions / "notes" / "intro-secondary.md", "Exams are near: three quiet tools.\n")
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    intros = {stem: e.issue.intro.strip() for stem, e in issues_of(editions).items()}
    assert intros == {
        "2026-12-04-elementary": "Welcome back, everyone.",
        "2026-12-04-secondary": "Exams are near: three quiet tools.",
    }
    write(editions / "notes" / "intro-middle.md", "Hello.\n")
    result = run("check")
    assert result.exit_code == 2
    assert "notes/intro-middle.md: an intro for the edition 'middle'" in result.output


def test_tools_counts_an_issue_once_whatever_its_editions(editions, run):
    from newsletter.archive.record import record_reach

    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    for entry in issues_of(editions).values():
        record_reach(entry, 2, 2, dt.datetime(2026, 12, 4, 14, tzinfo=dt.UTC))
    padlet = [line for line in run("tools").stdout.splitlines() if line.startswith("Padlet")]
    assert len(padlet) == 1 and " 1x  #1 (2026-12-04)" in padlet[0]
