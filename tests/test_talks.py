"""Repeating Tech Talks: one entry with a rule, expanded in the workspace's zone,
a topic per date, and times typed as people type them."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from newsletter.workspace import validate
from tests.conftest import NOW

CHICAGO = ZoneInfo("America/Chicago")
TALK = (
    "Tech Talk",
    "--every",
    "2 weeks",
    "--from",
    "2027-02-25",
    "--until",
    "2027-06-10",
    "--at",
    "12:00-12:40",
    "--place",
    "Library",
    "--skip",
    "2027-04-08",
    "--force",
)  # fmt: skip  (fixed dates, which will be over one day)


def test_a_repeating_talk_keeps_its_local_time_across_the_clock_change(workspace, run):
    result = run("add-event", *TALK)
    assert result.exit_code == 0, result.output
    text = (workspace / "notes" / "events.yaml").read_text()
    assert "every: 2 weeks" in text and "until: 2027-06-10" in text and "skip: [2027-04-08]" in text
    listed = run("talks").stdout.splitlines()
    assert listed[0] == "Thu 2027-02-25 12:00-12:40 CST  Tech Talk (Library)"
    assert [line[4:14] for line in listed] == [
        "2027-02-25",
        "2027-03-11",
        "2027-03-25",
        "2027-04-22",
        "2027-05-06",
        "2027-05-20",
        "2027-06-03",
    ]  # fmt: skip  (2027-04-08 skipped)
    assert run("build", "--offline", "--date", "2027-03-05").exit_code == 0
    email = (workspace / ".newsletter" / "out" / "2027-03-05.txt").read_text()
    # One block for the series: noon, before the change of clocks (CST) and after (CDT).
    assert "* Tech Talk\n  Every 2 weeks on Thursdays, 12:00 PM - 12:40 PM\n" in email
    assert "  - Thu, Mar 11: topic to come\n  - Thu, Mar 25: topic to come\n" in email
    assert email.count("Every date in Google Calendar:") == 1
    assert "calendar.google.com" in email and "outlook.office.com" not in email


def test_a_topic_for_one_date_shows_in_the_talks_the_email_and_the_calendar(workspace, run):
    assert run("add-event", *TALK).exit_code == 0
    result = run("talk-topic", "2027-03-11", "Google Forms quizzes")
    assert result.exit_code == 0, result.output
    assert "Tech Talk: Google Forms quizzes" in result.stdout
    assert "2027-03-11: Google Forms quizzes" in (workspace / "notes" / "events.yaml").read_text()
    assert "Thu 2027-03-11 12:00-12:40 CST  Tech Talk: Google Forms quizzes (Library)" in (
        run("talks").stdout
    )
    assert run("build", "--offline", "--date", "2027-03-05").exit_code == 0
    assert (
        "  - Thu, Mar 11: Google Forms quizzes"
        in (workspace / ".newsletter" / "out" / "2027-03-05.txt").read_text()
    )
    # The .ics: one VEVENT with its rule, and the date with a topic by RECURRENCE-ID.
    calendar = icalendar.Calendar.from_ical(run("calendar").stdout.encode())
    series, override = calendar.walk("VEVENT")
    assert series["UID"] == override["UID"]
    rule = rrulestr(
        series["RRULE"].to_ical().decode(), dtstart=series.decoded("DTSTART"), forceset=True
    )
    for exdate in series["EXDATE"].dts:
        rule.exdate(exdate.dt)
    local = [when.astimezone(CHICAGO) for when in rule]
    assert len(local) == 7 and all((t.hour, t.minute) == (12, 0) for t in local)
    assert dt.date(2027, 4, 8) not in [t.date() for t in local]
    assert override.decoded("RECURRENCE-ID") == dt.datetime(2027, 3, 11, 12, tzinfo=CHICAGO)
    assert str(override["SUMMARY"]) == "Tech Talk: Google Forms quizzes"
    assert run("talk-topic", "2027-03-12", "x").exit_code == 2  # no talk that day


@pytest.mark.parametrize(
    "typed,expected",
    [("12:00", dt.time(12)), ("12pm", dt.time(12)), ("3:15 PM", dt.time(15, 15)),
     ("15:15", dt.time(15, 15)), ("06:30", dt.time(6, 30)), ("7:45", dt.time(7, 45))],
)  # fmt: skip
def test_times_as_people_type_them(typed, expected):
    assert validate.time_of_day(typed) == expected


def test_an_hour_from_1_to_6_with_no_am_or_pm_is_refused_with_a_hint(workspace, run):
    result = run("add-event", "PD", "--from", "2027-01-07", "--at", "3:15")
    assert result.exit_code == 2
    assert "3:15 means 3:15 AM; write 3:15 PM or 15:15" in result.output
    assert run("add-event", "PD", "--from", "2027-01-07", "--at", "3:15 PM", "--end",
               "16:00").exit_code == 0  # fmt: skip
    assert "end: 2027-01-07 16:00" in (workspace / "notes" / "events.yaml").read_text()


@pytest.mark.parametrize(
    "args,says",
    [
        (["--every", "2 weeks", "--from", "2027-02-25", "--at", "12:00"], "needs a last day"),
        (["--every", "week", "--from", "2027-02-25", "--until", "2027-01-01", "--at", "12:00"],
         "the last day comes before the first"),
        (["--every", "fortnight", "--from", "2027-02-25", "--until", "2027-06-01", "--at", "12:00"],
         "is not a repeat"),
        (["--from", "2027-02-25", "--at", "12:40-12:00"], "ends before it starts"),
        (["--when", "2020-01-09 12:00"], "is over"),
        (["--every", "week", "--from", "2020-01-09", "--until", "2020-06-01", "--at", "noon"],
         "is over"),
        (["--at", "12:00"], "--at needs --from"),
    ],
)  # fmt: skip
def test_bad_talks_are_one_line_and_nothing_is_written(workspace, run, args, says):
    events = workspace / "notes" / "events.yaml"
    before = events.read_bytes()
    result = run("add-event", "Tech Talk", *args)
    assert result.exit_code == 2
    assert result.output.count("Error:") == 1 and says in result.output, result.output
    assert events.read_bytes() == before


def test_the_same_talk_twice_is_refused_unless_forced(workspace, run):
    first = NOW.date() + dt.timedelta(days=30)
    talk = ("Tech Talk", "--every", "week", "--from", first.isoformat(), "--until",
            (first + dt.timedelta(days=60)).isoformat(), "--at", "12:00")  # fmt: skip
    assert run("add-event", *talk).exit_code == 0
    again = run("add-event", *talk)
    assert again.exit_code == 2 and "is in your notes already" in again.output
    assert run("add-event", *talk, "--force").exit_code == 0


def test_the_issues_calendar_file_has_a_repeating_talk_once_with_its_rule(built, run, smtp,
                                                                        monkeypatch):  # fmt: skip
    from tests.conftest import use

    talk = ("Tech Talk", "--every", "2 weeks", "--from", "2026-12-03", "--until", "2027-03-25",
            "--at", "12:00-12:40", "--force")  # fmt: skip
    assert run("add-event", *talk).exit_code == 0
    assert run("talk-topic", "2026-12-17", "Kami").exit_code == 0
    assert run("add-event", "PD day", "--when", "2026-12-04 08:30", "--force").exit_code == 0
    assert run("build", "--date", "2026-11-27").exit_code == 0
    text = (built / ".newsletter" / "out" / "2026-11-27.txt").read_text()
    assert "  - Thu, Dec 17: Kami" in text and "* PD day" in text
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 0
    attachment = list(server.mailbox.received[0].message.iter_attachments())[0]
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    events = calendar.walk("VEVENT")
    summaries = sorted(str(e["SUMMARY"]) for e in events)
    assert summaries == ["PD day", "Tech Talk", "Tech Talk: Kami"]
    (series,) = [e for e in events if "RRULE" in e]
    assert series.decoded("DTSTART") == dt.datetime(2026, 12, 3, 12, tzinfo=CHICAGO)
    assert series["RRULE"]["INTERVAL"] == [2]


def test_talk_topic_keeps_the_editors_file(workspace, run):
    events = workspace / "notes" / "events.yaml"
    assert run("add-event", *TALK).exit_code == 0
    text = events.read_text() + "# Coffee chats: keep this comment!\n\n- title: Coffee\n"
    text += "  start: 2027-05-05 08:00\n# the end\n"
    events.write_bytes(text.replace("\n", "\r\n").encode())
    assert run("talk-topic", "2027-03-11", "Forms").exit_code == 0
    after = events.read_bytes().decode()
    assert "\r\n" in after and "\n" not in after.replace("\r\n", "")  # CRLF kept
    assert "# Coffee chats: keep this comment!" in after and after.endswith("# the end\r\n")
    assert "2027-03-11: Forms" in after
    flow = "[{title: Tech Talk, start: 2027-02-25 12:00, every: 2 weeks, until: 2027-06-10}]\n"
    events.write_text(flow)
    refused = run("talk-topic", "2027-03-11", "Forms")
    assert refused.exit_code == 2 and "one-line style" in refused.output
    assert events.read_text() == flow
    # One entry of a list in that style, among entries written as blocks: the same.
    entry = "- {title: Tech Talk, start: 2027-02-25 12:00, every: 2 weeks, until: 2027-06-10}\n"
    mixed = "- title: Coffee\n  start: 2027-05-05 08:00\n" + entry
    events.write_text(mixed)
    refused = run("talk-topic", "2027-03-11", "Forms")
    assert refused.exit_code == 2, refused.output
    assert "events.yaml:3: this entry is written in a way that cannot be cut" in refused.output
    assert events.read_text() == mixed


@pytest.mark.parametrize("topic", ["line1\nline2", "bell\x07", "x" * 201])
def test_a_bad_topic_is_one_line(workspace, run, topic):
    assert run("add-event", *TALK).exit_code == 0
    result = run("talk-topic", "2027-03-11", topic)
    assert result.exit_code == 2 and result.output.count("Error:") == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args,says",
    [
        (["--when", "2027-03-14 02:30"], "does not exist in this time zone"),
        (["--every", "week", "--from", "2027-03-07", "--until", "2027-03-28", "--at", "2:30am"],
         "does not exist"),
        (["--when", "2027-03-10 3:15"], "3:15 means 3:15 AM"),
        (["--every", "week", "--from", "2027-03-04", "--until", "2027-04-01", "--at", "noon",
          "--skip", "2027-03-05"], "2027-03-05 is not one of its dates"),
        (["--when", "2027-03-10 12:00", "--until", "2027-04-01"], "only a repeating event"),
        (["--when", "2027-03-10 12:00", "--from", "2027-03-10", "--at", "13:00"], "not both"),
        (["--from", "2027-03-10", "--at", "12:00-12:40", "--end", "13:00"], "leave --end out"),
        (["--every", "week", "--from", "2027-03-04", "--until", "2027-03-04", "--at", "noon",
          "--skip", "2027-03-04"], "every one of its dates is skipped"),
    ],
)  # fmt: skip
def test_times_that_cannot_be_are_refused(workspace, run, args, says):
    result = run("add-event", "Tech Talk", *args, "--force")
    assert result.exit_code == 2
    assert result.output.count("Error:") == 1 and says in result.output, result.output


def test_two_events_on_one_day_have_their_own_uids(workspace, run):
    from newsletter.calendar import event_uid
    from newsletter.model import Event

    morning = Event("Office Hours", dt.datetime(2027, 3, 2, 9, tzinfo=CHICAGO))
    afternoon = Event("Office Hours", dt.datetime(2027, 3, 2, 15, tzinfo=CHICAGO))
    series = Event("Office Hours", morning.start, every="week", until=dt.date(2027, 4, 1))
    uids = {event_uid(e, "example.org") for e in (morning, afternoon, series)}
    assert len(uids) == 3


def test_an_end_after_an_afternoon_start_is_the_afternoon_too():
    assert validate.time_span("3:15 PM-4:00") == (dt.time(15, 15), dt.time(16, 0))
    with pytest.raises(ValueError, match="4:00 means 4:00 AM"):
        validate.time_span("11:00-4:00")


@pytest.mark.parametrize("address", ["https://...", "https://..", "http://a..b"])
def test_an_address_with_an_empty_host_name_part_is_refused(address):
    with pytest.raises(ValueError, match="is not a web address"):
        validate.url(address)


def test_no_warning_for_an_event_a_sent_issue_showed(workspace, run):
    from tests.test_requests import sent

    today = NOW.date()
    friday = today + dt.timedelta(days=7 + (4 - today.weekday()) % 7)  # ahead, so nothing is over
    talk = f"{friday + dt.timedelta(days=6)} 12:00"  # the Thursday before the next issue
    assert run("add-event", "Tech Talk", "--when", talk).exit_code == 0
    assert run("build", "--offline", "--date", str(friday)).exit_code == 0
    unsent = run("build", "--offline", "--date", str(friday + dt.timedelta(days=7)))
    assert "no issue will show it" in unsent.output  # the first issue has not gone out
    sent(workspace, str(friday))
    result = run("build", "--offline", "--date", str(friday + dt.timedelta(days=7)))
    assert result.exit_code == 0
    assert "no issue will show it" not in result.output


def test_a_talk_date_called_off_is_skipped_and_held_again(workspace, run):
    events = workspace / "notes" / "events.yaml"
    assert run("add-event", *TALK).exit_code == 0
    assert run("talk-topic", "2027-03-11", "Forms").exit_code == 0
    before = events.read_text()
    result = run("talk-skip", "2027-03-11")
    assert result.exit_code == 0, result.output
    assert "2027-03-11: 'Tech Talk' skipped, in ws/notes/events.yaml:" in result.output
    assert "Its topic 'Forms' was taken off" in result.output
    listed = run("talks", "--all").output
    assert "2027-03-11" not in listed and "2027-03-25" in listed
    assert run("check").exit_code == 0
    import yaml

    (entry,) = yaml.safe_load(events.read_text())
    assert entry["skip"] == [dt.date(2027, 3, 11), dt.date(2027, 4, 8)]
    assert "topics" not in entry
    held = run("talk-skip", "2027-03-11", "--undo")
    assert held.exit_code == 0, held.output
    assert "held again" in held.output
    assert "2027-03-11" in run("talks", "--all").output
    assert run("talk-topic", "2027-03-11", "Forms").exit_code == 0
    assert yaml.safe_load(events.read_text()) == yaml.safe_load(before)


def test_a_skip_on_no_talk_date_names_the_dates_near_it(workspace, run):
    events = workspace / "notes" / "events.yaml"
    assert run("add-event", *TALK).exit_code == 0
    before = events.read_text()
    for args, says in [
        (
            ("2027-03-12",),
            "no repeating event in ws/notes/events.yaml falls on 2027-03-12 "
            "(near it: 2027-02-25, 2027-03-11, 2027-03-25).",
        ),
        (("2027-04-08",), "'Tech Talk' skips 2027-04-08 already"),  # skipped
        (("2027-04-01", "--undo"), "skips 2027-04-01 (near it: 2027-04-08)."),
        (("2027-03-11", "--title", "Coffee"), "falls on 2027-03-11."),
    ]:
        result = run("talk-skip", *args)
        assert result.exit_code == 2, result.output
        assert says in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    assert events.read_text() == before


def test_a_series_reads_as_one_block_with_one_sign_up_and_one_calendar_link(workspace, run):
    talk = ("Tech Talk", "--every", "2 weeks", "--from", "2026-12-03", "--until", "2027-03-25",
            "--at", "12:00-12:40", "--place", "Library", "--signup", "https://forms.example.org/tt",
            "--skip", "2026-12-31")  # fmt: skip
    assert run("add-event", *talk).exit_code == 0
    assert run("talk-topic", "2026-12-17", "Kami: annotating PDFs together").exit_code == 0
    built = run("build", "--offline", "--date", "2026-12-04")
    assert built.exit_code == 0, built.output
    out = workspace / ".newsletter" / "out"
    html, text = (out / "2026-12-04.html").read_text(), (out / "2026-12-04.txt").read_text()
    assert html.count(">Tech Talk</h3>") == 1
    assert "Every 2 weeks on Thursdays, 12:00 PM - 12:40 PM" in html
    dates = re.findall(r"<li[^>]*><strong[^>]*>(\w+, \w+ \d+)</strong>: ([^<]+)</li>", html)
    assert dates[:3] == [
        ("Thu, Dec 17", "Kami: annotating PDFs together"),
        ("Thu, Jan 14", "topic to come"),
        ("Thu, Jan 28", "topic to come"),
    ]
    assert "Thu, Dec 31" not in html  # skipped
    assert html.count("https://forms.example.org/tt") == 1  # one sign-up
    (link,) = re.findall(r'href="(https://calendar\.google\.com/[^"]+)"', html)
    assert "recur=RRULE%3AFREQ%3DWEEKLY%3BINTERVAL%3D2" in link and "EXDATE" in link
    assert "outlook.office.com" not in html
    assert text.count("calendar.google.com") == 1 and "* Tech Talk\n" in text
    assert "Tech Talk: Kami: annotating" not in html + text  # never two colons in a row
    # The series' calendar file still has every date, the topic's title with a dash.
    calendar = icalendar.Calendar.from_ical(run("calendar").stdout.encode())
    titles = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert titles == {"Tech Talk", "Tech Talk – Kami: annotating PDFs together"}


def test_after_a_talk_the_next_issue_has_its_materials_and_exit_slip(workspace, run, monkeypatch):
    talk = ("Tech Talk", "--every", "2 weeks", "--from", "2026-12-03", "--until", "2027-03-25",
            "--at", "12:00-12:40", "--exit-slip", "https://forms.example.org/exit",
            "--force")  # fmt: skip
    assert run("add-event", *talk).exit_code == 0
    assert run("talk-topic", "2026-12-03", "Kami").exit_code == 0
    result = run("talk-materials", "2026-12-03", "--slides", "https://slides.example.org/kami",
                 "--recording", "https://video.example.org/kami")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2026-12-03: the slides and recording of 'Tech Talk'" in result.output
    assert run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "x").exit_code == 0
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    out = workspace / ".newsletter" / "out"
    html, text = (out / "2026-12-04.html").read_text(), (out / "2026-12-04.txt").read_text()
    assert "Tech Talk: Kami – Dec 3" in html
    assert re.search(r"Missed it\?</strong> <a href=\"https://slides\.example\.org/kami\"", html)
    assert 'href="https://video.example.org/kami"' in html
    assert "Were you there on Thursday?</strong> Two minutes:" in html
    assert "Missed it? The slides: <https://slides.example.org/kami>" in text
    assert "<https://forms.example.org/exit>" in text
    archived = (workspace / "issues" / "2026-12-04.md").read_text()
    assert "[The slides](https://slides.example.org/kami)" in archived
    # Only the first issue after the talk: the next one does not say it again.
    from tests.test_requests import sent

    sent(workspace, "2026-12-04")
    assert run("build", "--offline", "--date", "2026-12-11").exit_code == 0
    assert "slides.example.org" not in (out / "2026-12-11.html").read_text()
    # Search finds the talk by its topic, with what it left behind.
    hits = json.loads(run("search", "kami", "--kind", "event", "--json").stdout)
    talk = next(h for h in hits if h["url"] == "https://slides.example.org/kami")
    assert talk["name"] == "Tech Talk: Kami" and talk["when"] == "Thu Dec 3, 2026"
    assert "slides" in run("search", "kami slides").stdout
    # The site keeps them with the issue, and lists the talk once it is over.
    monkeypatch.setenv("NEWSLETTER_NOW", "2026-12-12T15:00:00+00:00")
    assert run("site").exit_code == 0
    page = (workspace / "site" / "issues" / "2026-12-04.html").read_text()
    assert 'href="https://slides.example.org/kami"' in page
    past = (workspace / "site" / "talks.html").read_text()  # past talks, with materials
    assert "December 3, 2026</strong>: Tech Talk: Kami" in past
    assert '<a href="https://slides.example.org/kami">slides</a>' in past
    assert 'href="talks.html"' in (workspace / "site" / "index.html").read_text()
    refused = run("talk-materials", "2026-12-04", "--slides", "https://x.example.org/s")
    assert refused.exit_code == 2 and "near it: 2026-12-03" in refused.output
    assert run("talk-materials", "2026-12-03").exit_code == 2  # nothing given
    assert run("check").exit_code == 0


def test_requests_for_a_talk_are_listed_beside_the_dates_without_a_topic(workspace, run):
    assert run("add-event", *TALK).exit_code == 0
    assert run("talk-topic", "2027-02-25", "Forms").exit_code == 0
    asked = run("request", "I want to learn how to make screencasts", "--talk", "--from", "Ms. Lee")
    assert asked.exit_code == 0, asked.output
    assert run("request", "An app for fractions").exit_code == 0  # a tool, not a talk
    import yaml

    requests = yaml.safe_load((workspace / "notes" / "requests.yaml").read_text())
    assert [r.get("talk") for r in requests] == [True, None]  # never written 'false'
    listed = run("talks").stdout
    assert "Talks teachers asked for (1), for the dates without a topic (Thu 2027-03-11," in listed
    assert "Thu 2027-02-25" not in listed.split("Talks teachers")[1]  # it has a topic
    assert "  R1  I want to learn how to make screencasts (Ms. Lee)" in listed
    assert "fractions" not in listed
    assert run("answer", "R1", "--decline", "Covered in PD day").exit_code == 0
    assert "Talks teachers asked for" not in run("talks").stdout
    assert run("check").exit_code == 0
