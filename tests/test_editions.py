"""Editions by grade band: one set of notes, an issue per edition, each sent to its
group of staff.csv, through a real SMTP server on loopback."""

from __future__ import annotations

import pytest

from newsletter.catalog import load_archive
from newsletter.workspace import Workspace
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
        {CY},Cy,elementary;secondary
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


def test_send_group_marks_an_edition_sent_only_when_its_whole_group_has_it(
    editions, run, smtp, monkeypatch
):
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    server = smtp()
    use(monkeypatch, server)
    # Cy is the only one of the secondary edition in the group 'elementary'.
    result = run("send", "--yes", "--group", "elementary")
    assert result.exit_code == 0, result.output
    found = issues_of(editions)
    assert found["2026-12-04-elementary"].sent
    secondary = found["2026-12-04-secondary"]
    assert not secondary.sent and secondary.state == "sent to 1 of 2"
    assert [r.rcpt_tos for r in server.mailbox.received if BO in r.rcpt_tos] == []
    rest = run("send", "--yes")  # the rest: Bo only, and nothing sent twice
    assert rest.exit_code == 0, rest.output
    assert [len(server.mailbox.to(a)) for a in (ANN, BO, CY)] == [1, 1, 2]
    assert issues_of(editions)["2026-12-04-secondary"].sent


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
        "'secondary'. Hint: the groups there are: elementary, secondary.",
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
