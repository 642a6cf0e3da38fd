"""The school year of newsletter.yaml: no issue in a break, on a day off or outside
the year (the Friday job, cron --check, build), no Tech Talk over a break, the last
issue before a break saying when the next comes, and the district's calendar read
into it. The clock is pinned for each case (NEWSLETTER_NOW, or job --now)."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from newsletter.archive.record import record_reach
from newsletter.catalog.db import load_archive
from newsletter.workspace.folder import Workspace
from tests.conftest import STAFF, use, write
from tests.feedserver import Route, rss

YEAR = """
school_year:
  first_day: 2026-08-24
  last_day: 2027-06-04
  breaks:
    - name: Winter break
      from: 2026-12-21
      to: 2027-01-01
  days_off:
    - name: Snow day
      date: 2027-01-15
"""
CHRISTMAS_MORNING = "2026-12-25T07:05:00-06:00"  # a Friday, in the workspace's zone


@pytest.fixture
def school(built, run):
    """The built workspace (staff, a sender; tests/conftest.py) with a school year, a
    Tech Talk every two weeks through the break, and the issue of Dec 18 sent."""
    settings = built / "newsletter.yaml"
    settings.write_text(settings.read_text() + YEAR)
    talk = run("add-event", "Tech Talk", "--every", "2 weeks", "--from", "2026-12-10",
               "--until", "2027-02-25", "--at", "12:00-12:40", "--place", "Library")  # fmt: skip
    assert talk.exit_code == 0, talk.output
    for entry in load_archive(Workspace(built)):  # the issue of Nov 27: sent
        record_reach(entry, len(STAFF), len(STAFF), dt.datetime(2026, 11, 27, 14, tzinfo=dt.UTC))
    assert (
        run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "PDFs.").exit_code == 0
    )
    assert run("build", "--offline", "--date", "2026-12-18").exit_code == 0
    last = next(e for e in load_archive(Workspace(built)) if e.date == dt.date(2026, 12, 18))
    record_reach(last, len(STAFF), len(STAFF), dt.datetime(2026, 12, 18, 13, 30, tzinfo=dt.UTC))
    return built


def test_on_christmas_morning_the_job_sends_nothing_and_says_so_once(
    school, run, smtp, monkeypatch, feed_server
):
    feed_server.routes["/blog.xml"] = Route(rss("Blog", [
        {"title": "Over the break", "link": "https://blog.example.org/break",
         "date": "Mon, 28 Dec 2026 10:00:00 GMT"},
        {"title": "Sent already", "link": "https://blog.example.org/before",
         "date": "Thu, 17 Dec 2026 10:00:00 GMT"},
    ]))  # fmt: skip
    write(
        school / "feeds.yaml", f"feeds:\n  - name: Blog\n    url: {feed_server.url('/blog.xml')}\n"
    )
    server = smtp()
    use(monkeypatch, server)
    said = "No issue this week (Winter break, Dec 21 - Jan 1); the next is Friday Jan 8."
    first = run("job", "--now", CHRISTMAS_MORNING)
    assert (first.exit_code, first.output) == (0, said + "\n")
    later = run("job", "--now", "2026-12-25T08:05:00-06:00")  # the hourly run after it
    assert (later.exit_code, later.output) == (0, "")
    dry = run("job", "--dry-run", "--now", CHRISTMAS_MORNING)
    assert dry.exit_code == 0 and said in dry.output
    new_year = run("job", "--now", "2027-01-01T07:05:00-06:00")
    assert new_year.output == "No issue this week (Winter break, Dec 21 - Jan 1); the next is " \
        "Friday Jan 8.\n"  # fmt: skip
    assert server.mailbox.received == []
    assert not (school / "issues" / "2026-12-25.md").exists()

    back = run("job", "--now", "2027-01-08T07:05:00-06:00")
    assert back.exit_code == 0, back.output
    assert "Built issue #3 for 2027-01-08" in back.output
    assert len(server.mailbox.received) == len(STAFF)
    (issue,) = [e.issue for e in load_archive(Workspace(school)) if e.date == dt.date(2027, 1, 8)]
    # Its posts come from after the last issue sent (Dec 18), the break included.
    assert [item.title for item in issue.feed_items] == ["Over the break"]


def test_build_for_a_day_without_an_issue_says_why_and_wants_force(school, run):
    refused = run("build", "--offline", "--date", "2026-12-25")
    assert refused.exit_code == 2
    assert "no issue on 2026-12-25: Winter break, Dec 21 - Jan 1" in refused.output
    assert "Build the next issue with --date 2027-01-08, or add --force" in refused.output
    snow = run("build", "--offline", "--date", "2027-01-15")
    assert snow.exit_code == 2 and "Snow day, Jan 15" in snow.output
    assert run("build", "--offline", "--date", "2026-12-25", "--force").exit_code == 0
    # With Jan 8 gone out already, the hint from the break is the issue after it.
    assert run("build", "--offline", "--date", "2027-01-08").exit_code == 0
    sent_jan = next(e for e in load_archive(Workspace(school)) if e.date == dt.date(2027, 1, 8))
    record_reach(sent_jan, len(STAFF), len(STAFF), dt.datetime(2027, 1, 8, 14, tzinfo=dt.UTC))
    again = run("build", "--offline", "--date", "2027-01-01")
    assert again.exit_code == 2 and "--date 2027-01-22" in again.output, again.output
    summer = run("build", "--offline", "--date", "2027-06-11")
    assert summer.exit_code == 2 and "after the school year, which ended Jun 4, 2027" in (
        summer.output
    )


def test_build_without_a_date_over_the_break_builds_the_next_issue(school, run, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_NOW", "2026-12-22T10:00:00-06:00")
    result = run("build", "--offline")
    assert result.exit_code == 0, result.output
    assert "no issue on 2026-12-25 (Winter break, Dec 21 - Jan 1): this is the issue of " \
        "2027-01-08" in result.output  # fmt: skip
    assert (school / "issues" / "2027-01-08.md").exists()


def test_the_last_issue_before_the_break_says_when_the_next_comes(school):
    text = " ".join((school / ".newsletter" / "out" / "2026-12-18.txt").read_text().split())
    said = "No issue next week (Winter break, Dec 21 - Jan 1): the next comes Friday, January 8."
    assert said in text
    assert said in (school / ".newsletter" / "out" / "2026-12-18.html").read_text()
    assert (
        said.replace("(", "\\(").replace(")", "\\)")
        in (school / "issues" / "2026-12-18.md").read_text()
    )


def test_a_tech_talk_skips_the_break_in_talks_the_issue_and_the_calendar(school, run, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_NOW", "2026-12-14T10:00:00-06:00")
    talks = run("talks").stdout.splitlines()
    assert "Thu 2026-12-24 12:00-12:40 CST  Tech Talk (Library)  (Winter break: no talk)" in talks
    assert any(line.startswith("Thu 2027-01-07") and "no talk" not in line for line in talks)
    (issue,) = [e.issue for e in load_archive(Workspace(school)) if e.date == dt.date(2026, 12, 18)]
    days = [event.start.date() for event in issue.events]
    assert dt.date(2026, 12, 24) not in days and dt.date(2027, 1, 7) in days
    out = school / "events.ics"
    assert run("calendar", "--out", str(out)).exit_code == 0
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    (series,) = [e for e in calendar.walk("VEVENT") if e.get("rrule")]
    exdates = series.get("exdate")
    exdates = exdates if isinstance(exdates, list) else [exdates]
    skipped = {d.dt.date() for ex in exdates for d in ex.dts}
    assert skipped == {dt.date(2026, 12, 24)}


def test_school_year_lists_the_issue_days(school, run):
    listed = run("school-year").stdout
    assert "Fri 2026-12-18  issue" in listed
    assert "Fri 2026-12-25  no issue: Winter break, Dec 21 - Jan 1" in listed
    assert "Fri 2027-01-15  no issue: Snow day, Jan 15" in listed
    assert listed.splitlines()[-1].startswith("Fri 2027-06-04  issue")


@pytest.mark.parametrize(
    ("block", "said"),
    [
        ("school_year:\n  first_day: 2026-08-24\n  last_day: 2027-06-04\n  breaks:\n"
         "    - name: Winter break\n      from: 2027-01-01\n      to: 2026-12-21\n",
         "newsletter.yaml:8: break field 'to': 2026-12-21 is before 'from' (2027-01-01)."),
        ("school_year:\n  first_day: 2027-06-04\n  last_day: 2026-08-24\n",
         "newsletter.yaml:4: school_year field 'last_day': 2026-08-24 is before the first day"),
        ("school_year:\n  first_day: 2026-08-24\n  last_day: 2027-06-04\n  days_off:\n"
         "    - 2027-02-30\n", "newsletter.yaml:6: days_off: '2027-02-30' is not a date"),
        ("school_year:\n  first_day: 2026-08-24\n  last_day: 2027-06-04\n  holidays: []\n",
         "unknown school_year field 'holidays'"),
    ],
)  # fmt: skip
def test_a_bad_school_year_is_one_line_with_its_place(workspace, run, block, said):
    write(workspace / "newsletter.yaml", "title: Tech Tidbits\n" + block)
    result = run("check")
    assert result.exit_code == 2 and said in result.output, result.output


def test_check_warns_of_no_year_an_ended_year_and_overlapping_breaks(workspace, run, monkeypatch):
    assert "newsletter.yaml has no school_year" in run("check").output
    write(workspace / "newsletter.yaml", """
        title: Tech Tidbits
        school_year:
          first_day: 2025-08-25
          last_day: 2026-06-05
          breaks:
            - name: Winter break
              from: 2025-12-22
              to: 2026-01-02
            - name: New Year
              from: 2026-01-01
              to: 2026-01-05
            - name: Summer camp
              from: 2026-07-06
              to: 2026-07-10
    """)  # fmt: skip
    output = run("check").output
    assert "the school year ended on 2026-06-05, so the Friday job sends nothing" in output
    assert "'New Year' (Jan 1 - Jan 5) overlaps 'Winter break'" in output
    assert "'Summer camp' (Jul 6 - Jul 10) lies outside the school year" in output


CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Maple Valley//District Calendar//EN
BEGIN:VEVENT
UID:1@mv.example.org
DTSTART;VALUE=DATE:20260824
DTEND;VALUE=DATE:20260825
SUMMARY:First Day of School
END:VEVENT
BEGIN:VEVENT
UID:2@mv.example.org
DTSTART;VALUE=DATE:20260907
DTEND;VALUE=DATE:20260908
SUMMARY:Labor Day - No School
END:VEVENT
BEGIN:VEVENT
UID:3@mv.example.org
DTSTART;VALUE=DATE:20261221
DTEND;VALUE=DATE:20270102
SUMMARY:Winter Break
END:VEVENT
BEGIN:VEVENT
UID:4@mv.example.org
DTSTART:20261015T180000
DTEND:20261015T200000
SUMMARY:Board of Education Meeting
END:VEVENT
BEGIN:VEVENT
UID:5@mv.example.org
DTSTART;VALUE=DATE:20270604
DTEND;VALUE=DATE:20270605
SUMMARY:Last Day of School
END:VEVENT
BEGIN:VEVENT
UID:6@mv.example.org
DTSTART;VALUE=DATE:20270212
DTEND;VALUE=DATE:20270213
SUMMARY:Winter Carnival
END:VEVENT
BEGIN:VEVENT
UID:7@mv.example.org
DTSTART;VALUE=DATE:20261218
DTEND;VALUE=DATE:20261219
SUMMARY:Winter Break Begins - Early Dismissal
END:VEVENT
BEGIN:VEVENT
UID:8@mv.example.org
DTSTART;TZID=America/Chicago:20261022T000000
DTEND;TZID=America/Chicago:20261023T000000
SUMMARY:Parent-Teacher Conferences - No School
END:VEVENT
BEGIN:VEVENT
UID:9@mv.example.org
DTSTART;VALUE=DATE:20261125
DURATION:P3D
SUMMARY:Thanksgiving Recess
END:VEVENT
BEGIN:VEVENT
UID:10@mv.example.org
DTSTART;VALUE=DATE:20270115
DTEND;VALUE=DATE:20270116
STATUS:CANCELLED
SUMMARY:Snow Day
END:VEVENT
BEGIN:VEVENT
UID:11@mv.example.org
DTSTART;VALUE=DATE:20260911
DTEND;VALUE=DATE:20260912
RRULE:FREQ=MONTHLY;BYDAY=2FR;COUNT=3
SUMMARY:No School - Teacher Work Day
END:VEVENT
BEGIN:VEVENT
UID:12@mv.example.org
DTSTART;VALUE=DATE:20270823
DTEND;VALUE=DATE:20270824
SUMMARY:First Day of School
END:VEVENT
BEGIN:VEVENT
UID:13@mv.example.org
DTSTART;VALUE=DATE:20280602
DTEND;VALUE=DATE:20280603
SUMMARY:Last Day of School
END:VEVENT
END:VCALENDAR
"""


def test_the_districts_calendar_is_read_into_the_school_year(workspace, run):
    settings = workspace / "newsletter.yaml"
    before = settings.read_text()
    ics = write(workspace / "district.ics", CALENDAR)
    result = run("school-year", "import", str(ics))
    assert result.exit_code == 0, result.output
    # Without a terminal, the day-long events of other names are named, not taken.
    assert "left out 'Winter Carnival' (Fri Feb 12)" in result.output
    assert "left out 'Winter Break Begins - Early Dismissal' (Fri Dec 18)" in result.output
    assert "Board of Education" not in result.output  # at a time of day: no day off
    assert "no school: Winter Break (Mon Dec 21 - Jan 1)" in result.output  # what it took
    # The year today is in (2026-12-01), not the next one the calendar also has.
    assert "Wrote the school year 2026-08-24 to 2027-06-04" in result.output
    text = settings.read_text()
    assert text.startswith(before)  # every line the editor wrote stays
    assert (
        "  breaks:\n  - name: Thanksgiving Recess\n    from: 2026-11-25\n    to: 2026-11-27\n"
        in text
    )
    assert "  - name: Winter Break\n    from: 2026-12-21\n    to: 2027-01-01\n" in text
    assert "  days_off:\n  - name: Labor Day - No School\n    date: 2026-09-07\n" in text
    # Outlook's midnight-to-midnight day, a repeating work day, and no cancelled one.
    assert "  - name: Parent-Teacher Conferences - No School\n    date: 2026-10-22\n" in text
    assert "date: 2026-10-09" in text and "date: 2026-11-13" in text
    assert "Snow Day" not in text and "Board" not in text and "Carnival" not in text
    assert "no issue: Winter Break, Dec 21 - Jan 1" in run("school-year").stdout
    again = run("school-year", "import", str(ics))  # replaced, not added twice
    assert again.exit_code == 0 and settings.read_text() == text


def test_a_file_that_is_not_a_calendar_changes_nothing(workspace, run):
    settings = workspace / "newsletter.yaml"
    before = settings.read_text()
    bad = write(workspace / "notes.ics", "Dear staff, the calendar is attached.\n")
    result = run("school-year", "import", str(bad))
    assert result.exit_code == 2 and "notes.ics: not a calendar file" in result.output
    undated = write(workspace / "events.ics", CALENDAR.replace("First Day of School", "Open House")
                    .replace("Last Day of School", "Field Day"))  # fmt: skip
    refused = run("school-year", "import", str(undated))
    assert refused.exit_code == 2 and "names no first day of school" in refused.output
    broken = write(
        workspace / "broken.ics",
        CALENDAR.replace("DTSTART;VALUE=DATE:20270212", "DTSTART;VALUE=DATE:2027-02-12"),
    )
    result = run("school-year", "import", str(broken))
    assert result.exit_code == 2 and "the event 'Winter Carnival' has a date that cannot" in (
        result.output
    )
    assert settings.read_text() == before


# --- the digital citizenship plan ----------------------------------------------------

PLAN = """
topics:
  - month: 2026-11
    topic: Digital Footprint & Identity
  - month: 2026-12
    topic: Privacy & Security
    lessons:
      K-2: {title: "Private and personal", url: "https://lessons.example.org/k2", minutes: 25}
      3-5: {title: "Strong passwords", url: "https://lessons.example.org/35", minutes: 45}
      6-8: {title: "Privacy settings", minutes: 50}
    family_tip: Check one app's privacy settings together.
  - month: 2027-01
    topic: News & Media Literacy
    lessons:
      3-5: {title: "Is it real?"}
observances:
  - name: Safer Internet Day
    rule: FREQ=YEARLY;BYMONTH=2;BYDAY=2TU
  - name: Winter safety week
    rule: FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=7
    days: 5
"""

EDITIONS = """
editions:
  elementary:
    grades: [K-5]
    group: K-2
  middle:
    grades: [6-8]
    group: 3-5
"""


def test_each_issue_carries_the_months_topic_first_introducing_then_reminding(school, run):
    # --force: the fixture's Dec 18 issue has gone out; these are dated before it.
    write(school / "notes" / "citizenship-plan.yaml", PLAN)
    assert run("build", "--offline", "--date", "2026-12-04", "--force").exit_code == 0
    text = " ".join((school / ".newsletter" / "out" / "2026-12-04.txt").read_text().split())
    assert "* This month: Privacy & Security" in text
    assert "Grades K-2: Private and personal (25 min) <https://lessons.example.org/k2>" in text
    assert "Grades 6-8: Privacy settings (50 min)" in text
    assert "For families: Check one app's privacy settings together." in text
    assert "Coming up: Winter safety week, Dec 7 - Dec 11" in text
    html = (school / ".newsletter" / "out" / "2026-12-04.html").read_text()
    assert 'href="https://lessons.example.org/35"' in html and "Strong passwords</a>" in html
    (dec4,) = [e for e in load_archive(Workspace(school)) if e.date == dt.date(2026, 12, 4)]
    record_reach(dec4, len(STAFF), len(STAFF), dt.datetime(2026, 12, 4, 14, tzinfo=dt.UTC))
    assert run("build", "--offline", "--date", "2026-12-11", "--force").exit_code == 0
    later = " ".join((school / ".newsletter" / "out" / "2026-12-11.txt").read_text().split())
    assert "* Still this month: Privacy & Security" in later
    listed = run("citizenship").stdout
    assert "Privacy & Security" in listed and "sent in #" in listed
    bands = run("citizenship", "--coverage").stdout
    assert "Grades K-2\n  sent:     Privacy & Security\n" in bands
    assert "Grades 3-5\n  sent:     Privacy & Security\n  ahead:    News & Media Literacy" in bands


def test_an_edition_gets_the_lessons_of_its_bands_only(school, run):
    write(school / "notes" / "citizenship-plan.yaml", PLAN)
    settings = school / "newsletter.yaml"
    settings.write_text(settings.read_text() + EDITIONS)
    assert run("build", "--offline", "--date", "2026-12-04", "--force").exit_code == 0
    out = school / ".newsletter" / "out"
    elementary = " ".join((out / "2026-12-04-elementary.txt").read_text().split())
    middle = " ".join((out / "2026-12-04-middle.txt").read_text().split())
    assert "Grades K-2" in elementary and "Grades 3-5" in elementary
    assert "Grades 6-8" not in elementary
    assert "Grades 6-8: Privacy settings" in middle and "Grades K-2" not in middle


def test_check_warns_in_march_of_a_band_the_plan_has_no_room_left_for(school, run, monkeypatch):
    write(school / "notes" / "citizenship-plan.yaml", PLAN)
    monkeypatch.setenv("NEWSLETTER_NOW", "2027-03-02T10:00:00-06:00")
    output = run("check").output
    assert "grades K-2 have not had 'Digital Footprint & Identity', 'Privacy & Security'" in output
    assert "grades 3-5 have not had" in output
    monkeypatch.setenv("NEWSLETTER_NOW", "2027-01-05T10:00:00-06:00")
    assert "have not had" not in run("check").output  # before March: time enough


@pytest.mark.parametrize(
    ("plan", "said"),
    [
        ("topics:\n  - month: 2027-09\n    topic: Late\n",
         "citizenship-plan.yaml:2: plan entry field 'month': 'Late' (2027-09-01 to 2027-09-30) "
         "lies outside the school year"),
        ("topics:\n  - month: 2026-13\n    topic: X\n", "'2026-13' is not a month"),
        ("topics:\n  - month: 2026-12\n    topic: X\n    lessons:\n      K-13: {title: Y}\n",
         "'K-13': '13' is not a grade"),
        ("observances:\n  - name: X\n    rule: EVERY OCTOBER\n",
         "'EVERY OCTOBER' is not a repeat rule"),
        ("topics:\n  - month: 2026-12\n    topic: X\n    lesson: {}\n",
         "unknown plan entry field 'lesson'. Hint: Did you mean 'lessons'?"),
    ],
)  # fmt: skip
def test_a_bad_plan_is_one_line_with_its_place(school, run, plan, said):
    write(school / "notes" / "citizenship-plan.yaml", plan)
    result = run("check")
    assert result.exit_code == 2 and said in result.output, result.output
    built = run("build", "--offline", "--date", "2026-12-04")
    assert built.exit_code == 2 and said in built.output


def test_the_starter_plan_is_commented_and_the_example_has_one(workspace, run):
    from tests.conftest import REPO

    starter = (workspace / "notes" / "citizenship-plan.yaml").read_text()
    assert all(line.startswith("#") or not line.strip() for line in starter.splitlines())
    assert "Digital Citizenship Week" in starter and "Safer Internet Day" in starter
    assert "has no topics yet" in run("citizenship").output
    example = REPO / "notes" / "citizenship-plan.yaml"
    from newsletter.notes.plan import load_plan
    from newsletter.workspace.settings import load_settings

    year = load_settings(REPO / "newsletter.yaml").school_year
    plan = load_plan(Workspace(REPO), year)
    assert len(plan.entries) >= 9 and {o.name for o in plan.observances} >= {"Safer Internet Day"}
    assert example.is_file()


def test_importing_keeps_every_other_line_and_the_files_line_endings(workspace, run):
    settings = workspace / "newsletter.yaml"
    text = settings.read_text().replace("# Editions by grade band", YEAR.strip() + "\n"
                                        "# a comment of the editor's after the block\n\n"
                                        "# Editions by grade band")  # fmt: skip
    settings.write_bytes(text.replace("\n", "\r\n").encode())
    assert run("school-year").exit_code == 0
    ics = write(workspace / "district.ics", CALENDAR)
    result = run("school-year", "import", str(ics))
    assert result.exit_code == 0, result.output
    after = settings.read_bytes().decode()
    assert "\n" not in after.replace("\r\n", "")  # every line ends as before: CRLF
    assert "# a comment of the editor's after the block\r\n" in after
    assert "# editions:" in after and "# colors:" in after  # the comments after it stay
    assert after.count("\r\nschool_year:") == 1 and "Snow day" not in after  # replaced


def test_a_dry_run_in_a_break_says_what_the_job_does_after_it(school, run, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_SMTP_HOST", "127.0.0.1")  # nothing is sent: a dry run
    dry = run("job", "--dry-run", "--now", "2026-12-23T07:05:00-06:00")
    assert dry.exit_code == 0, dry.output
    assert "No issue this week (Winter break, Dec 21 - Jan 1); the next is Friday Jan 8." in (
        dry.output
    )
    assert "It acts next at Friday 2027-01-08 07:00 America/Chicago." in dry.output
    assert "Then it would build the issue of 2027-01-08" in dry.output
    monkeypatch.delenv("NEWSLETTER_SMTP_HOST")
    failed = run("job", "--dry-run", "--now", "2026-12-25T07:05:00-06:00")
    assert failed.exit_code == 1 and "no SMTP host is set" in failed.output  # in a break too


def test_every_overlap_is_named_and_a_break_past_the_year(workspace, run):
    write(workspace / "newsletter.yaml", """
        title: Tech Tidbits
        school_year:
          first_day: 2026-08-24
          last_day: 2027-06-04
          breaks:
            - name: December
              from: 2026-12-01
              to: 2027-01-31
            - name: Winter break
              from: 2026-12-20
              to: 2026-12-22
            - name: Summer
              from: 2027-06-01
              to: 2027-06-30
          days_off:
            - name: Christmas
              date: 2026-12-25
    """)  # fmt: skip
    output = run("check").output
    assert "'Winter break' (Dec 20 - Dec 22) overlaps 'December'" in output
    assert "'Christmas' (Dec 25) overlaps 'December'" in output
    assert "'Summer' (Jun 1 - Jun 30) runs past the school year" in output
