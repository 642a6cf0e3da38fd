"""Tech Talks as PD: a sign-in sheet recorded (as Google Forms exports one), hours
across the change of clocks, and none of it on the public site."""

import json

import pytest
import yaml

from tests.conftest import write
from tests.test_email import browser  # noqa: F401 - the module's Chromium fixture

STAFF = """\
email,name,groups
mlopez@maplevalley.example.org,Maria Lopez,3-5
jchen@maplevalley.example.org,"Chen, Jamie",K-2
pkim@maplevalley.example.org,Pat Kim,6-8
"""
# A Google Forms export: a byte-order mark, a quoted comma, a repeated row, an address
# in capitals, a name nobody in staff.csv has, someone new with an address.
SIGN_IN = (
    "\ufeffTimestamp,Email Address,Your name,What will you try?\r\n"
    "12/10/2026 12:41:03,MLOPEZ@maplevalley.example.org,Maria Lopez,"
    '"Quizzes, then exit tickets"\r\n'
    '12/10/2026 12:41:30,,"Chen, Jamie",Forms\r\n'
    "12/10/2026 12:42:11,mlopez@maplevalley.example.org,Maria Lopez,again\r\n"
    "12/10/2026 12:43:00,,Sam Nobody,?\r\n"
    "12/10/2026 12:44:00,new.teacher@maplevalley.example.org,New Teacher,hello\r\n"
)
TALK = ("Tech Talk", "--every", "2 weeks", "--from", "2026-12-10", "--until", "2027-03-25",
        "--at", "12:00-12:40", "--place", "Library", "--force")  # fmt: skip


@pytest.fixture(autouse=True)
def after_the_talks(monkeypatch):
    """A day after every talk these tests record (attendance of a talk still to come
    is refused): the end of March 2027."""
    monkeypatch.setenv("NEWSLETTER_NOW", "2027-03-31T15:00:00+00:00")


def ready(workspace, run):
    (workspace / "staff.csv").write_text(STAFF)
    assert run("add-event", *TALK).exit_code == 0


def test_a_sign_in_sheet_is_recorded_once_matched_to_staff(workspace, run, tmp_path):
    ready(workspace, run)
    sheet = tmp_path / "Tech Talk sign-in (Responses).csv"
    sheet.write_bytes(SIGN_IN.encode("utf-8"))
    result = run("attendance", "2026-12-10", str(sheet))
    assert result.exit_code == 0, result.output
    assert "2026-12-10 'Tech Talk' (0:40 h): 3 people recorded in attendance.yaml." in (
        result.stdout
    )
    assert "'Sam Nobody' matches nobody in staff.csv and gives no address" in result.stderr
    assert "new.teacher@maplevalley.example.org is not in staff.csv; recorded as given" in (
        result.stderr
    )
    assert "1 row(s) of someone signed in above: counted once." in result.stderr
    recorded = yaml.safe_load((workspace / "attendance.yaml").read_text())
    assert sorted(e["email"] for e in recorded) == [
        "jchen@maplevalley.example.org",  # by name alone
        "mlopez@maplevalley.example.org",  # as staff.csv writes it, not in capitals
        "new.teacher@maplevalley.example.org",
    ]
    assert all(e["minutes"] == 40 and str(e["talk"]) == "2026-12-10" for e in recorded)
    before = (workspace / "attendance.yaml").read_text()
    again = run("attendance", "2026-12-10", str(sheet))
    assert again.exit_code == 0 and "0 people recorded" in again.stdout
    assert "3 recorded already" in again.stdout
    assert (workspace / "attendance.yaml").read_text() == before
    assert run("check").exit_code == 0


def test_bad_input_is_one_line_and_nothing_is_written(workspace, run, tmp_path):
    ready(workspace, run)
    sheet = write(tmp_path / "signin.csv", "Email Address,Name\nmlopez@maplevalley.example.org,M\n")
    cases = [
        (("2026-12-11", str(sheet)),
         "no talk or other event in notes/events.yaml is on 2026-12-11 (near it: 2026-12-10, "
         "2026-12-24"),
        (("2026-12-10", str(write(tmp_path / "odd.csv", "Time,Answer\n12:00,yes\n"))),
         "no column of an address or a name (the headers: 'Time', 'Answer')"),
        (("2026-12-10", str(tmp_path / "book.xlsx")), "not a CSV file (it is binary"),
        (("2026-12-10", str(tmp_path / "missing.csv")), "cannot be read"),
    ]  # fmt: skip
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04\x00\x00binary\x00")
    for args, says in cases:
        result = run("attendance", *args)
        assert result.exit_code == 2, (args, result.output)
        assert says in result.output, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert not (workspace / "attendance.yaml").exists()
    mapped = write(tmp_path / "mapped.csv", "School mail,Who\nPKIM@maplevalley.example.org,Pat\n")
    result = run("attendance", "2026-12-24", str(mapped), "--column", "School mail=email")
    assert result.exit_code == 0 and "1 person recorded" in result.output, result.output


def test_hours_per_person_across_the_change_of_clocks(workspace, run, tmp_path):
    ready(workspace, run)
    # The night the clocks go forward (Mar 14, 2027 in Chicago): 4 hours on the wall
    # clock from 23:30 to 03:30, 3 hours that pass.
    night = ("Overnight PD: coding", "--when", "2027-03-13 23:30", "--end", "2027-03-14 03:30",
             "--force")  # fmt: skip
    assert run("add-event", *night).exit_code == 0, run("add-event", *night).output
    for date in ("2026-12-10", "2027-03-04", "2027-03-18"):  # before and after the change
        assert run("attended", date, "mlopez@maplevalley.example.org").exit_code == 0
    result = run("attended", "2027-03-13", "mlopez@maplevalley.example.org",
                 "pkim@maplevalley.example.org")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "(3:00 h)" in result.stdout
    listed = json.loads(run("pd", "--format", "json").stdout)
    maria = next(p for p in listed if p["email"] == "mlopez@maplevalley.example.org")
    assert [t["minutes"] for t in maria["talks"]] == [40, 40, 180, 40]
    assert maria["hours"] == 5.0  # 40 + 40 + 180 + 40 minutes
    assert maria["name"] == "Maria Lopez"
    csv_text = run("pd", "--format", "csv", "--person", "PKIM@maplevalley.example.org").stdout
    assert csv_text.splitlines() == [
        "email,name,date,title,minutes,hours",
        "pkim@maplevalley.example.org,Pat Kim,2027-03-13,Overnight PD: coding,180,3.00",
    ]
    spring = run("pd", "--from", "2027-03-12")
    assert "Maria Lopez <mlopez@maplevalley.example.org>: 3.67 h" in spring.stdout
    assert "2026-12-10" not in spring.stdout
    bad = run("attended", "2026-12-10", "not-an-address")
    assert bad.exit_code == 2 and "Nothing was recorded" in bad.output


def test_nothing_of_attendance_reaches_the_site(workspace, run, tmp_path):
    ready(workspace, run)
    assert run("attended", "2026-12-10", "mlopez@maplevalley.example.org").exit_code == 0
    assert run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "x").exit_code == 0
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    from tests.test_requests import sent

    sent(workspace, "2026-12-04")
    assert run("site").exit_code == 0
    for path in (workspace / "site").rglob("*"):
        if path.is_file() and "pagefind" not in path.parts:
            text = path.read_text(errors="replace")
            assert "mlopez" not in text and "Maria Lopez" not in text, path


def test_a_certificate_is_a_page_to_print_and_a_one_page_pdf(workspace, run, browser):  # noqa: F811
    import shutil

    from tests.test_site import read_in_chromium, serving

    ready(workspace, run)
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text().replace(
        "editor:\n", "editor:\n  title: Technology Integration Specialist\n", 1))  # fmt: skip
    for date in ("2026-12-10", "2026-12-24", "2027-01-07", "2027-01-21", "2027-02-04"):
        assert run("attended", date, "mlopez@maplevalley.example.org").exit_code == 0
    result = run("pd", "certificate", "mlopez@maplevalley.example.org")
    assert result.exit_code == 0, result.output
    page = workspace / "certificates" / "pd-mlopez-maplevalley.html"
    html = page.read_text()
    assert "Maria Lopez" in html and "3.33" in html  # five talks of 40 minutes
    assert "Technology Integration Specialist" in html and "@page" in html
    with serving(page.parent) as address:
        text = read_in_chromium(browser, address + page.name)  # axe finds nothing
    assert "December 10, 2026" in text and "Total" in text
    if shutil.which("chromium"):
        pdf = (workspace / "certificates" / "pd-mlopez-maplevalley.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # one page
    nobody = run("pd", "certificate", "pkim@maplevalley.example.org")
    assert nobody.exit_code == 2
    assert "no attendance is recorded for pkim@maplevalley.example.org" in nobody.output
    assert len(nobody.output.strip().splitlines()) == 1
    assert not (workspace / "certificates" / "pd-pkim-maplevalley.html").exists()
    assert run("attended", "2026-12-10", "pkim@maplevalley.example.org").exit_code == 0
    everyone = run("pd", "certificate", "--all")
    assert everyone.exit_code == 0 and "Pat Kim: 0.67 h" in everyone.output


def test_the_readmes_pd_commands_work_on_the_example_workspace(tmp_path, run):
    """README: 'Tech Talks as PD', on a copy of the repository's example workspace."""
    import shutil
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    root = tmp_path / "example"
    root.mkdir()
    for name in ("newsletter.yaml", "staff.csv", "feeds.yaml", "approvals.yaml"):
        shutil.copy(repo / name, root / name)
    for folder in ("notes", "issues", "templates"):
        shutil.copytree(repo / folder, root / folder)
    sheet = str(repo / "tests" / "data" / "tech-talk-signin.csv")
    result = run("attendance", "2026-12-10", sheet, root=root)
    assert result.exit_code == 0, result.output
    assert "3 people recorded" in result.stdout and "'Sub Teacher' matches nobody" in result.output
    assert (
        run("attended", "2026-12-10", "jrivera@maplevalley.example.org", root=root).exit_code == 0
    )
    listed = run("pd", root=root).stdout
    assert "Maria Alvarez <malvarez@maplevalley.example.org>: 0.67 h" in listed
    made = run("pd", "certificate", "--all", root=root)
    assert made.exit_code == 0, made.output
    assert (root / "certificates" / "pd-malvarez-maplevalley-2026-27.html").is_file()
    slides = run("talk-materials", "2026-12-10", "--slides",
                 "https://docs.google.com/presentation/d/abc", root=root)  # fmt: skip
    assert slides.exit_code == 0, slides.output
    assert (
        run("request", "I want to learn how to make screencasts", "--talk", root=root).exit_code
        == 0
    )
    checked = run("check", root=root)
    assert checked.exit_code == 0, checked.output
    # A mistake typed into the record is named by check, with its line.
    record = root / "attendance.yaml"
    record.write_text(record.read_text().replace("minutes: 40", "minutes: forty", 1))
    broken = run("check", root=root)
    assert broken.exit_code == 2 and "attendance.yaml:" in broken.output
    assert "attendance field 'minutes'" in broken.output


def test_what_a_review_of_the_pd_record_found(workspace, run, tmp_path, monkeypatch):
    ready(workspace, run)
    staff = workspace / "staff.csv"
    staff.write_text(staff.read_text() + "pkim2@maplevalley.example.org,Pat Kim,K-2\n")
    # Two events on one day are two records for one person.
    assert run("add-event", "PD: Seesaw", "--when", "2026-12-10 15:30", "--end", "16:30",
               "--force").exit_code == 0  # fmt: skip
    for title in ("Tech Talk", "PD: Seesaw"):
        done = run("attended", "2026-12-10", "mlopez@maplevalley.example.org", "--title", title)
        assert done.exit_code == 0 and "1 person recorded" in done.stdout, done.output
    hours = json.loads(run("pd", "--format", "json").stdout)[0]
    assert hours["hours"] == round(100 / 60, 2)
    nope = run("attended", "2026-12-10", "mlopez@maplevalley.example.org", "--title", "Nope")
    assert "no event titled 'Nope' on 2026-12-10; that day: 'Tech Talk', 'PD: Seesaw'" in (
        nope.output
    )
    # A name two of the staff have is nobody's; a quote never closed stops the import.
    sheet = write(tmp_path / "names.csv", "Name\nPat Kim\n")
    result = run("attendance", "2026-12-24", str(sheet))
    assert "'Pat Kim' is the name of 2 people in staff.csv" in result.output
    assert "0 people recorded" in result.stdout
    broken = write(tmp_path / "open.csv", 'Email,Name\nmlopez@maplevalley.example.org,"Maria\n'
                   "pkim@maplevalley.example.org,Pat\n")  # fmt: skip
    refused = run("attendance", "2027-01-07", str(broken))
    assert refused.exit_code == 2 and "cannot be read as CSV" in refused.output
    assert "never closed" in refused.output
    # Excel's 'Unicode Text' (UTF-16) reads; a --column the sheet lacks is named.
    utf16 = tmp_path / "unicode.csv"
    utf16.write_bytes("Email\tName\npkim@maplevalley.example.org\tPat Kim\n".encode("utf-16"))
    assert "1 person recorded" in run("attendance", "2027-01-07", str(utf16)).stdout
    missing = run("attendance", "2027-01-21", str(utf16), "--column", "School mail=email")
    assert missing.exit_code == 2 and "--column 'School mail': the sheet has no such" in (
        missing.output
    )
    # A talk still to come, and a span given backwards, are refused.
    future = run("attended", "2027-04-08", "mlopez@maplevalley.example.org")
    assert future.exit_code == 2 and "2027-04-08 has not come yet" in future.output
    backwards = run("pd", "--from", "2027-01-01", "--to", "2026-12-01")
    assert backwards.exit_code == 2 and "--from 2027-01-01 is after --to 2026-12-01" in (
        backwards.output
    )
    # A record written twice by hand counts once, and check says so.
    record = workspace / "attendance.yaml"
    text = record.read_text()
    record.write_text(text + "\n" + text.split("\n\n")[-1])
    assert json.loads(run("pd", "--format", "json", "--person", "pkim@maplevalley.example.org")
                      .stdout)[0]["hours"] == round(40 / 60, 2)  # fmt: skip
    checked = run("check")
    assert checked.exit_code == 2 and "is recorded twice for 2027-01-07" in checked.output


def test_a_series_materials_reach_the_first_issue_even_with_none_the_week_before(
    workspace, run, monkeypatch
):
    talk = ("Tech Talk", "--every", "week", "--from", "2026-12-03", "--until", "2027-03-25",
            "--at", "12:00-12:40", "--force")  # fmt: skip
    assert run("add-event", *talk).exit_code == 0
    assert run("talk-topic", "2026-12-10", "Kami").exit_code == 0
    assert run("talk-materials", "2026-12-10", "--slides", "https://s.example.org/k",
               "--recording", "https://v.example.org/k").exit_code == 0  # fmt: skip
    assert run("add-tool", "Kami", "--url", "https://kamiapp.com", "--summary", "x").exit_code == 0
    assert run("build", "--offline", "--date", "2026-12-18").exit_code == 0  # none before it
    html = (workspace / ".newsletter" / "out" / "2026-12-18.html").read_text()
    assert 'href="https://s.example.org/k"' in html and 'href="https://v.example.org/k"' in html
    from tests.test_requests import sent

    sent(workspace, "2026-12-18")
    assert run("site").exit_code == 0
    past = (workspace / "site" / "talks.html").read_text()
    assert '<a href="https://s.example.org/k">slides</a>' in past
    assert '<a href="https://v.example.org/k">recording</a>' in past  # both, not one
