"""Events in calendars: the .ics file (parsed back with icalendar), the Google and
Outlook links, the attachment staff get, and `newsletter calendar`."""

from __future__ import annotations

import datetime as dt
import os
import stat
import threading
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest

from newsletter.calendar import calendar_file, event_uid, google_link, outlook_link
from newsletter.model import Event
from tests.conftest import use

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 29, 15, tzinfo=dt.UTC)
# Noon in Chicago before and after the March change to daylight saving time.
WINTER = Event(
    title="Tech Talk: Google Forms quizzes",
    start=dt.datetime(2027, 3, 4, 12, 0, tzinfo=CHICAGO),
    end=dt.datetime(2027, 3, 4, 12, 40, tzinfo=CHICAGO),
    place="Library, room 114",
    signup="https://forms.example.org/talk",
    description="Bring your **lunch**.",
)
SPRING = Event(title="Tech Talk: Kami", start=dt.datetime(2027, 3, 18, 12, 0, tzinfo=CHICAGO))


def parsed(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_the_ics_parses_back_to_the_same_events_in_local_time():
    data = calendar_file([WINTER, SPRING], "America/Chicago", "example.org", NOW)
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/Chicago"]
    winter, spring = parsed(data)
    assert str(winter["SUMMARY"]) == WINTER.title
    assert winter.decoded("DTSTART") == WINTER.start
    assert winter.decoded("DTSTART").utcoffset() == dt.timedelta(hours=-6)
    assert winter.decoded("DTEND") == WINTER.end
    assert (str(winter["LOCATION"]), str(winter["URL"])) == (WINTER.place, WINTER.signup)
    assert (
        str(winter["DESCRIPTION"]) == "Bring your lunch.\n\nSign up: https://forms.example.org/talk"
    )
    # Across the change the local time stays noon; the offset moves.
    assert spring.decoded("DTSTART").hour == 12
    assert spring.decoded("DTSTART").utcoffset() == dt.timedelta(hours=-5)
    assert spring.decoded("DTEND") - spring.decoded("DTSTART") == dt.timedelta(hours=1)


def test_an_event_keeps_its_uid_so_a_calendar_updates_it():
    first = calendar_file([WINTER], "America/Chicago", "example.org", NOW)
    later = calendar_file([WINTER], "America/Chicago", "example.org", NOW + dt.timedelta(days=7))
    assert str(parsed(first)[0]["UID"]) == str(parsed(later)[0]["UID"])
    assert str(parsed(first)[0]["UID"]) == event_uid(WINTER, "example.org")
    assert event_uid(WINTER, "example.org") != event_uid(SPRING, "example.org")


def test_google_and_outlook_links_carry_utc_times():
    google = parse_qs(urlsplit(google_link(WINTER)).query)
    assert google["action"] == ["TEMPLATE"] and google["text"] == [WINTER.title]
    assert google["dates"] == ["20270304T180000Z/20270304T184000Z"]
    assert google["location"] == [WINTER.place]
    outlook = urlsplit(outlook_link(SPRING))
    assert outlook.netloc == "outlook.office.com"
    query = parse_qs(outlook.query)
    assert (query["startdt"], query["enddt"]) == (
        ["2027-03-18T17:00:00Z"],
        ["2027-03-18T18:00:00Z"],
    )
    assert query["subject"] == [SPRING.title] and query["rru"] == ["addevent"]


def test_staff_get_the_issues_events_as_one_calendar_attachment(built, run, smtp, monkeypatch):
    assert run("add-event", "Tech Talk", "--force", "--when", "2026-12-03 12:00", "--end",
               "2026-12-03 12:40", "--place", "Library").exit_code == 0  # fmt: skip
    assert run("build", "--date", "2026-11-27").exit_code == 0
    html = (built / ".newsletter" / "out" / "2026-11-27.html").read_text()
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html
    assert "20261203T180000Z%2F20261203T184000Z" in html
    assert "https://outlook.office.com/calendar/0/deeplink/compose?" in html
    server = smtp()
    use(monkeypatch, server)
    assert run("send", "--yes").exit_code == 0
    message = server.mailbox.received[0].message
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "events.ics"
    assert attachment.get_param("method") == "PUBLISH"
    (event,) = parsed(attachment.get_payload(decode=True))
    assert str(event["SUMMARY"]) == "Tech Talk" and str(event["LOCATION"]) == "Library"
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 3, 12, tzinfo=CHICAGO)
    assert str(event["UID"]).endswith("@maplevalley.example.org")


def test_calendar_writes_the_upcoming_events(workspace, run):
    for title, when in (("Past talk", "2020-01-09 12:00"), ("Next talk", "2099-01-08 12:00")):
        assert run("add-event", title, "--when", when, "--force").exit_code == 0  # one is over
    out = workspace / "talks.ics"
    result = run("calendar", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Wrote 1 upcoming event to" in result.stderr
    assert [str(e["SUMMARY"]) for e in parsed(out.read_bytes())] == ["Next talk"]
    printed = run("calendar")
    assert [str(e["SUMMARY"]) for e in parsed(printed.stdout.encode())] == ["Next talk"]


def test_calendar_out_writes_into_a_device_or_a_pipe_and_keeps_a_link(workspace, run):
    assert run("add-event", "Next talk", "--when", "2026-12-10 12:00").exit_code == 0
    # A link to /dev/null: the link, and the device, stay what they are.
    to_null = workspace / "null.ics"
    to_null.symlink_to("/dev/null")
    assert run("calendar", "--out", str(to_null)).exit_code == 0
    assert to_null.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    # A FIFO gets the calendar, and is still a FIFO.
    fifo = workspace / "talks.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("calendar", "--out", str(fifo))
    reader.join(timeout=60)
    assert result.exit_code == 0, result.output
    assert [str(e["SUMMARY"]) for e in parsed(received[0])] == ["Next talk"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    # A link to a file: the file is replaced, the link kept.
    published = workspace / "web" / "talks.ics"
    published.parent.mkdir()
    published.write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")  # an earlier one
    link = workspace / "talks.ics"
    link.symlink_to(published)
    assert run("calendar", "--out", str(link)).exit_code == 0
    assert link.is_symlink() and b"Next talk" in published.read_bytes()


def test_calendar_out_to_a_pipe_nobody_reads_fails_at_once(workspace, run):
    fifo = workspace / "talks.fifo"
    os.mkfifo(fifo)
    result = run("calendar", "--out", str(fifo))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ws/talks.fifo: No such device or address")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# --- the VTIMEZONE: read as RFC 5545 says, it must agree with zoneinfo -------------------


Part = tuple[str, dt.datetime, dt.timedelta, dt.timedelta]


def zone_parts(zone_name: str, first_year: int, last_year: int) -> list[Part]:
    """The VTIMEZONE of a calendar whose events span the years, as (kind, onset in UTC,
    offset from, offset to): the onset is DTSTART read in TZOFFSETFROM."""
    zone = ZoneInfo(zone_name)
    events = [
        Event("First", dt.datetime(first_year, 6, 1, 12, tzinfo=zone)),
        Event("Last", dt.datetime(last_year, 6, 1, 12, tzinfo=zone)),
    ]
    data = calendar_file(events, zone_name, "example.org", NOW)
    (timezone,) = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert str(timezone["TZID"]) == zone_name
    parts = []
    for part in timezone.subcomponents:
        before, after = part.decoded("TZOFFSETFROM"), part.decoded("TZOFFSETTO")
        local = part.decoded("DTSTART")
        assert local.tzinfo is None  # a wall time, as RFC 5545 wants
        parts.append((part.name, (local - before).replace(tzinfo=dt.UTC), before, after))
    return parts


ZONES = ["America/New_York", "Europe/Dublin", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@pytest.mark.parametrize("zone_name", ZONES)
def test_each_change_of_offset_is_where_zoneinfo_has_it(zone_name):
    zone = ZoneInfo(zone_name)
    parts = zone_parts(zone_name, 2026, 2030)
    second = dt.timedelta(seconds=1)
    for kind, onset, before, after in parts[1:]:
        assert onset.astimezone(zone).utcoffset() == after, (kind, onset)
        assert (onset - second).astimezone(zone).utcoffset() == before, (kind, onset)
        assert kind == ("DAYLIGHT" if after > before else "STANDARD")
    # Every six hours of the five years, the part in force gives zoneinfo's offset.
    moment, end = parts[0][1], dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    while moment < end:
        in_force = [p for p in parts if p[1] <= moment][-1]
        assert in_force[3] == moment.astimezone(zone).utcoffset(), moment
        moment += dt.timedelta(hours=6)


def test_new_york_springs_forward_at_two_in_the_morning():
    (spring,) = [p for p in zone_parts("America/New_York", 2027, 2027) if p[0] == "DAYLIGHT"]
    assert spring[1:] == (
        dt.datetime(2027, 3, 14, 7, tzinfo=dt.UTC),  # 02:00 EST, which is 07:00 UTC
        dt.timedelta(hours=-5),
        dt.timedelta(hours=-4),
    )


def test_dublins_summer_is_daylight_and_lord_howe_moves_by_half_an_hour():
    dublin = zone_parts("Europe/Dublin", 2027, 2027)
    assert [(kind, after) for kind, _, _, after in dublin] == [
        ("STANDARD", dt.timedelta(0)),
        ("DAYLIGHT", dt.timedelta(hours=1)),
        ("STANDARD", dt.timedelta(0)),
    ]
    lord_howe = zone_parts("Australia/Lord_Howe", 2027, 2027)
    assert {after - before for _, _, before, after in lord_howe[1:]} == {
        dt.timedelta(minutes=30),
        dt.timedelta(minutes=-30),
    }


def test_a_zone_without_daylight_saving_is_one_standard_part():
    assert [p[0] for p in zone_parts("Asia/Kolkata", 2026, 2030)] == ["STANDARD"]


def test_calendar_out_never_replaces_a_file_that_is_not_a_calendar(workspace, run):
    assert run("add-event", "Next talk", "--when", "2026-12-10 12:00").exit_code == 0
    settings = workspace / "newsletter.yaml"
    before = settings.read_bytes()
    result = run("calendar", "--out", str(settings))
    assert result.exit_code == 2
    assert "--out: ws/newsletter.yaml is a file that is not a calendar; nothing was written." in (
        result.output
    )
    assert settings.read_bytes() == before
    out = workspace / "talks.ics"
    assert run("calendar", "--out", str(out)).exit_code == 0
    assert run("calendar", "--out", str(out)).exit_code == 0  # its own calendar: replaced
    nowhere = workspace / "dangling.ics"
    nowhere.symlink_to(workspace / "no-such-folder" / "talks.ics")
    refused = run("calendar", "--out", str(nowhere))
    assert refused.exit_code == 1 and not (workspace / "no-such-folder").exists()
