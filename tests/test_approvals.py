"""The register of vetted tools (approvals.yaml): read with its lines, written by
`vet` in place, imported from a spreadsheet, and read by add-tool, build (the line
under each tool, approvals.policy), check and `approvals`. Dates are around the
pinned moment, Tuesday 2026-12-01 (tests/conftest.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from newsletter.approvals.register import STATUSES
from tests.conftest import REPO, write

FRIDAY = "2026-12-04"
FRIDAY_DAY = __import__("datetime").date(2026, 12, 4)

REGISTER = """
# The district's decisions. A comment the editor wrote.
- name: Padlet
  url: https://padlet.com
  status: approved
  grades: [K-5]
  agreement: ndpa
  expires: 2028-08-01
  student_accounts: google

- name: Book Creator
  status: approved-with-conditions
  conditions: teacher-led only
  grades: [K-12]

- name: PhET
  url: https://phet.colorado.edu
  status: no-student-data

- name: Blooket
  status: pending

- name: Quizlet
  status: under-review

- name: Gimkit
  url: https://www.gimkit.com
  status: not-approved
  conditions: no signed DPA
  decided_by: Technology committee
  decided_on: 2026-03-12

- name: Canva
  status: retired
"""

# What the email says under each tool, by its name in the register.
LINES = {
    "Padlet": "District-approved for 3-5 · students sign in with Google · DPA through Aug 2028",
    "Book Creator": "Approved with conditions for 3-5: teacher-led only",
    "PhET": "District-approved · collects no student data",
    "Blooket": "Not reviewed by the district yet: ask before using it with students",
    "Quizlet": "Under review by the district: ask before using it with students",
    "Gimkit": "Not approved by the district: do not use it with students",
    "Canva": "No longer approved by the district: do not use it with students",
    "Brand New": "Not reviewed by the district yet: ask before using it with students",
}


@pytest.fixture
def register(workspace):
    return write(workspace / "approvals.yaml", REGISTER)


def add(run, name, *extra, url=None):
    url = url or f"https://{name.lower().replace(' ', '')}.example.org"
    return run("add-tool", name, "--url", url, "--summary", f"{name} does it.", *extra)


# --- reading the register ----------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ("- name: X\n  status: aproved\n", "approvals.yaml:2: register entry field 'status': "
         "'aproved' is not one of approved"),
        ("- name: X\n  status: approved\n  grade: 3\n", "approvals.yaml:3: unknown register "
         "entry field 'grade'. Hint: Did you mean 'grades'?"),
        ("- name: X\n  status: approved\n  expires: 2028-02-30\n", "approvals.yaml:3: register "
         "entry field 'expires': '2028-02-30' is not a date"),
        ("- name: X\n  status: approved\n  dpa_url: sdpc.org/x\n", "approvals.yaml:3: register "
         "entry field 'dpa_url': 'sdpc.org/x' is not a web address"),
        ("- name: X\n  grades: [3]\n", "approvals.yaml:1: register entry is missing the field "
         "'status'"),
        ("- name: Kahoot!\n  status: approved\n\n- name: kahoot\n  status: pending\n",
         "approvals.yaml:4: 'kahoot' is the tool of line 1 ('Kahoot!') again"),
    ],
)  # fmt: skip
def test_a_mistake_in_the_register_is_one_line_with_its_place(workspace, run, entry, said):
    write(workspace / "approvals.yaml", entry)
    result = run("check")
    assert result.exit_code == 2
    assert said in result.output
    assert add(run, "Padlet").exit_code == 0  # add-tool still adds: nothing typed is lost
    assert "The tool's decision was not looked up" in add(run, "Other").output
    built = run("build", "--offline", "--date", FRIDAY)
    assert built.exit_code == 2 and said in built.output
    assert not (workspace / "issues" / f"{FRIDAY}.md").exists()


def test_the_starter_register_is_commented_and_empty(workspace, run):
    text = (workspace / "approvals.yaml").read_text()
    assert all(line.startswith("#") or not line.strip() for line in text.splitlines())
    for status in STATUSES:
        assert status in text
    result = run("approvals")
    assert result.exit_code == 0 and "The register is empty" in result.output


def test_the_example_workspace_has_each_status():
    from newsletter.approvals.register import read_register

    register = read_register(REPO / "approvals.yaml")
    assert {entry.status for entry in register.entries} == set(STATUSES)


# --- vet ---------------------------------------------------------------------------


def test_vet_adds_then_updates_in_place_keeping_every_other_line(workspace, run, register):
    before = register.read_text()
    result = run("vet", "Newsela", "--status", "pending", "--purpose", "Leveled articles")
    assert result.exit_code == 0, result.output
    assert "Added 'Newsela' (pending) to" in result.output
    assert register.read_text().startswith(before)
    assert "decided_on: 2026-12-01" in register.read_text()  # today, the pinned day

    result = run("vet", "padlet", "--status", "approved-with-conditions", "--conditions",
                 "teacher-led only", "--grades", "K-2", "--expires", "2029-06-30")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Updated 'Padlet'" in result.output and "approved -> approved-with-conditions" in (
        result.output
    )
    text = register.read_text()
    assert "# The district's decisions. A comment the editor wrote." in text
    padlet = text.split("- name: Book Creator")[0]
    assert "grades: [K-2]" in padlet and "expires: 2029-06-30" in padlet
    assert "student_accounts: google" in padlet  # a field not given stays
    assert text.split("- name: Book Creator")[1] == before.split("- name: Book Creator")[1] + (
        "\n- name: Newsela\n  status: pending\n  purpose: Leveled articles\n"
        "  decided_on: 2026-12-01\n"
    )

    again = register.read_text()
    result = run("vet", "Padlet", "--grades", "K-2")
    assert result.exit_code == 0 and "already says so" in result.output
    assert register.read_text() == again


def test_vet_says_what_is_wrong(workspace, run, register):
    before = register.read_text()
    cases = {
        ("vet", "Nothing", "--grades", "3"): "a new entry needs its decision",
        ("vet", "X", "--status", "aproved"): "did you mean 'approved'?",
        ("vet", "X", "--status", "pending", "--signed", "2026-13-01"): "--signed: '2026-13-01'",
        ("vet", "X", "--status", "pending", "--dpa", "sdpc"): "--dpa: 'sdpc' is not a web address",
        ("vet", "X", "--status", "pending", "--under-13", "maybe"): "--under-13: 'maybe'",
        ("vet", "Padlet", "--status", ""): "the decision cannot be taken away",
    }
    for args, said in cases.items():
        result = run(*args)
        assert result.exit_code == 2 and said in result.output, (args, result.output)
    assert register.read_text() == before


def test_vet_makes_the_register_of_a_workspace_without_one(workspace, run):
    (workspace / "approvals.yaml").unlink()
    assert run("vet", "Padlet", "--status", "approved").exit_code == 0
    text = (workspace / "approvals.yaml").read_text()
    assert text.startswith("# The district's register of vetted tools")
    assert "- name: Padlet\n  status: approved\n" in text


# --- add-tool ----------------------------------------------------------------------


def test_add_tool_refuses_a_tool_the_district_refused_unless_forced(workspace, run, register):
    notes = workspace / "notes" / "tools.yaml"
    before = notes.read_text()
    result = add(run, "Gimkit", url="https://gimkit.com/")
    assert result.exit_code == 2
    assert ("'Gimkit' is not-approved (Technology committee, 2026-03-12: no signed DPA) in "
            "approvals.yaml:") in result.output  # fmt: skip
    assert "nothing was added" in result.output and notes.read_text() == before
    assert "is retired" in add(run, "Canva").output and notes.read_text() == before
    result = add(run, "Gimkit", "--force", url="https://gimkit.com/")
    assert result.exit_code == 0 and f"District: {LINES['Gimkit']}" in result.output


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("Blooket", "'Blooket' is pending in approvals.yaml:"),
        ("Quizlet", "'Quizlet' is under-review in approvals.yaml:"),
        ("Brand New", "'Brand New' is not in approvals.yaml"),
    ],
)
def test_add_tool_warns_of_a_tool_not_yet_decided(workspace, run, register, name, warning):
    result = add(run, name, "--grades", "3-5")
    assert result.exit_code == 0
    assert "warning: " + warning in result.output
    assert f"District: {LINES[name]}" in result.output


def test_add_tool_names_the_grades_the_approval_does_not_cover(workspace, run, register):
    result = add(run, "Padlet", "--grades", "3-8", url="https://padlet.com")
    assert result.exit_code == 0
    assert "'Padlet' is approved for K-5 only (approvals.yaml:2), not for 6-8 of its grades" in (
        result.output
    )
    assert "District: District-approved for 3-5 only (not 6-8)" in result.output
    quiet = add(run, "PhET", "--grades", "9-12", url="https://phet.colorado.edu")
    assert quiet.exit_code == 0 and "warning" not in quiet.output


EDITIONS = """
title: Tech Tidbits
time_zone: America/Chicago
from: "Tech Tidbits <techtidbits@maplevalley.example.org>"
editions:
  elementary:
    grades: [K-5]
    group: elementary
  secondary:
    grades: [6-12]
    group: secondary
"""


def test_an_edition_whose_grades_the_approval_does_not_cover(workspace, run, register):
    write(workspace / "newsletter.yaml", EDITIONS)
    write(workspace / "staff.csv", "email,groups\na@x.example.org,elementary\n"
          "b@x.example.org,secondary\n")  # fmt: skip
    result = add(run, "Padlet", url="https://padlet.com")  # no grades: every edition
    assert result.exit_code == 0
    assert ("'Padlet' goes to the edition 'secondary', whose grades 6-12 its approval (K-5, "
            "approvals.yaml:2) does not cover") in result.output  # fmt: skip
    built = run("build", "--offline", "--date", FRIDAY)
    assert built.exit_code == 0, built.output
    assert "not for grades 6-12 of the edition 'secondary'" in built.output
    elementary = (workspace / ".newsletter" / "out" / f"{FRIDAY}-elementary.txt").read_text()
    secondary = (workspace / ".newsletter" / "out" / f"{FRIDAY}-secondary.txt").read_text()
    assert "District-approved for K-5 · students sign in with Google" in " ".join(
        elementary.split()
    )
    assert "Not approved for grades 6-12 (approved for K-5 only)" in " ".join(secondary.split())


# --- build -------------------------------------------------------------------------


def test_each_status_is_one_plain_line_in_the_html_text_and_archive(workspace, run, register):
    for name in LINES:
        url = {"Padlet": "https://padlet.com", "PhET": "https://phet.colorado.edu",
               "Gimkit": "https://www.gimkit.com"}.get(name)  # fmt: skip
        grades = ["--grades", "3-5"] if name in ("Padlet", "Book Creator") else []
        assert add(run, name, *grades, "--force", url=url).exit_code == 0
    built = run("build", "--offline", "--date", FRIDAY)
    assert built.exit_code == 0, built.output
    out = workspace / ".newsletter" / "out"
    html = (out / f"{FRIDAY}.html").read_text()
    text = " ".join((out / f"{FRIDAY}.txt").read_text().split())
    archive = (workspace / "issues" / f"{FRIDAY}.md").read_text()
    from newsletter.catalog.db import load_archive
    from newsletter.workspace.folder import Workspace

    (issue,) = [entry.issue for entry in load_archive(Workspace(workspace))]
    for name, line in LINES.items():
        assert line.replace("'", "&#39;") in html, name
        assert f"For students: {line}" in text, name
        assert f"- **For students:** {line}" in archive, name
    assert {tool.name: tool.district for tool in issue.tools} == LINES  # the record keeps it
    for name in ("Blooket", "Gimkit", "Brand New"):
        assert f"'{name}' is " in built.output  # warned: policy is warn


def test_policy_refuse_stops_the_build_on_a_tool_not_approved(workspace, run, register):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "approvals:\n  policy: refuse\n")
    assert add(run, "Padlet", "--grades", "3-5", url="https://padlet.com").exit_code == 0
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    assert add(run, "Blooket", "--grades", "3-5").exit_code == 0
    built = run("build", "--offline", "--date", FRIDAY)
    assert built.exit_code == 2
    assert "'Blooket' is pending in approvals.yaml:" in built.output
    assert "nothing was built (newsletter.yaml's approvals.policy is refuse)" in built.output
    archive = (workspace / "issues" / f"{FRIDAY}.md").read_text()
    assert "Blooket" not in archive  # the issue built before stays as it was
    run("vet", "Blooket", "--status", "approved")
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0


def test_a_bad_policy_is_named(workspace, run):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "approvals:\n  policy: refuses\n")
    result = run("check")
    assert result.exit_code == 2 and "field 'policy': 'refuses' is not warn or refuse" in (
        result.output
    )
    assert "Did you mean 'refuse'?" in result.output


# --- check -------------------------------------------------------------------------


def test_check_names_agreements_that_expire_and_old_policies(workspace, run):
    write(workspace / "approvals.yaml", """
        - name: Padlet
          status: approved
          expires: 2026-11-30
        - name: Seesaw
          status: approved
          expires: 2027-01-15
          policy_checked: 2025-11-01
        - name: Later
          status: approved
          expires: 2027-03-01
          policy_checked: 2026-01-10
        - name: Old
          status: not-approved
          expires: 2026-01-01
    """)  # fmt: skip
    result = run("check")
    assert result.exit_code == 0
    assert "approvals.yaml:1: the agreement for 'Padlet' expired on 2026-11-30" in result.output
    assert "approvals.yaml:4: the agreement for 'Seesaw' expires on 2027-01-15" in result.output
    assert "the privacy policy of 'Seesaw' was last read on 2025-11-01" in result.output
    assert "Later" not in result.output  # 90 days ahead: after remind_days (60)
    assert "Old" not in result.output  # not approved: no agreement to renew
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "approvals:\n  remind_days: 120\n")
    assert "the agreement for 'Later' expires on 2027-03-01" in run("check").output
    listed = run("approvals", "--expiring", "60")
    assert [line.split()[0] for line in listed.stdout.splitlines()] == ["Old", "Padlet", "Seesaw"]


def test_check_names_a_featured_tool_now_refused_and_a_typo(workspace, run, register):
    import datetime as dt

    from newsletter.archive.record import record_reach
    from newsletter.catalog.db import load_archive
    from newsletter.workspace.folder import Workspace

    assert add(run, "Padlet", "--grades", "3-5", url="https://padlet.com").exit_code == 0
    assert run("build", "--offline", "--date", "2026-11-27").exit_code == 0
    (sent,) = load_archive(Workspace(workspace))
    record_reach(sent, 6, 6, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    run("vet", "Padlet", "--status", "retired")
    write(workspace / "approvals.yaml", (workspace / "approvals.yaml").read_text()
          + "\n- name: Seesow\n  status: approved\n")  # fmt: skip
    add(run, "Seesaw")
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "'Padlet', featured in #1 (2026-11-27), is now retired" in result.output
    assert "'Seesow' matches no tool the newsletter knows; is it 'Seesaw'?" in result.output
    assert "Gimkit" not in result.output  # never featured, no tool like it: no mistake


# --- approvals (the list) ----------------------------------------------------------


def test_approvals_lists_filters_and_writes_csv_and_json(workspace, run, register):
    result = run("approvals", "--status", "approved,no-student-data")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["Padlet", "PhET"]
    rows = list(csv.DictReader(io.StringIO(run("approvals", "--format", "csv").stdout.lstrip(
        "\ufeff"))))  # fmt: skip
    padlet = next(row for row in rows if row["name"] == "Padlet")
    assert padlet["status"] == "approved" and padlet["grades"] == "K-5"
    assert padlet["expires"] == "2028-08-01" and padlet["last_issue"] == ""
    data = json.loads(run("approvals", "--format", "json").stdout)
    assert len(data) == 7 and {d["status"] for d in data} == set(STATUSES)
    wrong = run("approvals", "--status", "aproved")
    assert wrong.exit_code == 2 and "did you mean 'approved'?" in wrong.output


# --- approvals import --------------------------------------------------------------

EXPORT = """\
Product Name,Website,Approval Status,Grade Levels,DPA Expiration,Agreement Type,Data Elements
Padlet,https://padlet.com,Approved,K-5,8/1/2028,NDPA,"first name; student work"
Kahoot!,https://kahoot.com,Approved with Conditions,3rd - 8th,2027-06-30,Exhibit E,
Gimkit,https://gimkit.com,Denied,,,,
Seesaw,https://web.seesaw.me,In Review,K-2,,,
"""


def test_import_reads_an_export_and_importing_twice_changes_nothing(workspace, run, register):
    export = write(workspace / "export.csv", EXPORT)
    result = run("approvals", "import", str(export))
    assert result.exit_code == 0, result.output
    assert "approvals.yaml: 2 new, 2 updated, 0 unchanged." in result.output
    from newsletter.approvals.register import read_register

    found = {a.name: a for a in read_register(register).entries}
    assert found["Kahoot!"].status == "approved-with-conditions"
    assert found["Kahoot!"].grades == ["3", "4", "5", "6", "7", "8"] or found["Kahoot!"].grades
    assert str(found["Padlet"].expires) == "2028-08-01"
    assert found["Padlet"].data_collected == ["first name", "student work"]
    assert found["Padlet"].student_accounts == "google"  # not in the file: kept
    assert found["Gimkit"].status == "not-approved" and found["Gimkit"].conditions
    assert found["Seesaw"].status == "under-review"
    assert "# The district's decisions. A comment the editor wrote." in register.read_text()
    once = register.read_text()
    again = run("approvals", "import", str(export))
    assert again.exit_code == 0 and "0 new, 0 updated, 4 unchanged" in again.output
    assert register.read_text() == once


def test_import_names_every_bad_row_and_writes_nothing(workspace, run, register):
    export = write(
        workspace / "export.csv",
        EXPORT + "Wixie,https://wixie.com,Aproved,,,,\n"
        "Nearpod,not a url,Approved,,13/45/2027,,\n,https://x.example.org,Approved,,,,\n",
    )
    before = register.read_text()
    result = run("approvals", "import", str(export))
    assert result.exit_code == 2
    assert "error: ws/export.csv:6: column 'Approval Status': 'Aproved' is not one of" in (
        result.output
    )
    assert "error: ws/export.csv:7: column 'Website'" in result.output  # every bad row
    assert "error: ws/export.csv:8: no name" in result.output
    assert "3 rows of the file cannot be imported (listed above); nothing was imported" in (
        result.output
    )
    assert register.read_text() == before
    skipped = run("approvals", "import", str(export), "--skip-bad")
    assert skipped.exit_code == 0
    assert "export.csv:7: column 'Website'" in skipped.output
    assert "export.csv:8: no name" in skipped.output
    assert "2 new, 2 updated" in skipped.output


def test_import_takes_other_headers_by_mapping(workspace, run, register):
    export = write(workspace / "sheet.csv", "Resource Title,Decision,Notes\nWixie,Yes,x\n")
    result = run("approvals", "import", str(export))
    assert result.exit_code == 0 and "1 new" in result.output, result.output
    odd = write(workspace / "odd.csv", "App,Verdict\nWixie,Yes\n")
    refused = run("approvals", "import", str(odd))
    assert refused.exit_code == 2 and "no column holds the decisions" in refused.output
    assert "--column 'YOUR HEADER=status'" in refused.output
    mapped = run("approvals", "import", str(odd), "--column", "Verdict=status")
    assert mapped.exit_code == 0 and "1 unchanged" in mapped.output
    typo = run("approvals", "import", str(odd), "--column", "Verdict=statsu")
    assert typo.exit_code == 2 and "did you mean 'status'?" in typo.output


def test_a_tool_named_twice_in_the_import_is_named_with_both_lines(workspace, run, register):
    export = write(workspace / "export.csv", "Name,Status\nKahoot!,Approved\nkahoot,Pending\n")
    result = run("approvals", "import", str(export))
    assert result.exit_code == 2
    assert "export.csv:3: 'kahoot' is the tool of line 2 again; keep one of the two rows" in (
        result.output
    )
    assert "nothing was imported" in result.output


def test_two_rows_for_one_entry_or_one_row_for_two_entries_are_named(workspace, run, register):
    before = register.read_text()
    one_entry = write(workspace / "a.csv", "Product Name,Website,Approval Status\n"
                      "Padlet,https://padlet.example.net,Approved\n"
                      "Padlet Classic,https://padlet.com,Denied\n")  # fmt: skip
    result = run("approvals", "import", str(one_entry))
    assert result.exit_code == 2
    assert "a.csv:3: 'Padlet Classic' is 'Padlet' (approvals.yaml:" in result.output
    assert "which line 2 updates already" in result.output
    two_entries = write(
        workspace / "b.csv", "Name,URL,Status\nPadlet,https://phet.colorado.edu,Denied\n"
    )
    result = run("approvals", "import", str(two_entries))
    assert result.exit_code == 2 and "its address is that of 'PhET'" in result.output
    vetted = run("vet", "Padlet", "--url", "https://phet.colorado.edu", "--status", "retired")
    assert vetted.exit_code == 2 and "the address of 'PhET'" in vetted.output
    assert register.read_text() == before


def test_import_reads_the_lists_own_words_dates_and_grades(workspace, run, register):
    export = write(workspace / "lp.csv",
                   "Product Name,Approval Status,Grade Levels,DPA Expiration,Agreement Type\n"
                   "Wixie,Approved - Student Data,PreK-5,8/1/2028 12:00:00 AM,National DPA\n"
                   "Nearpod,Approved,TK-2,2027-07-01T00:00:00,N/A\n"
                   "Seesaw,Approved,K-2,1-Aug-2028,TBD\n")  # fmt: skip
    refused = run("approvals", "import", str(export))
    assert refused.exit_code == 2
    assert "'Approved - Student Data' is not one of" in refused.output
    assert "approved no student data" not in refused.output  # no suggestion of the opposite
    assert "--value 'Approved - Student Data=WORD'" in refused.output
    result = run("approvals", "import", str(export), "--value", "Approved - Student Data=approved")
    assert result.exit_code == 0, result.output
    from newsletter.approvals.register import read_register

    found = {a.name: a for a in read_register(register).entries}
    assert found["Wixie"].grades == ["PK-5"] and str(found["Wixie"].expires) == "2028-08-01"
    assert str(found["Nearpod"].expires) == "2027-07-01" and found["Nearpod"].agreement == ""
    assert str(found["Seesaw"].expires) == "2028-08-01"
    text = register.read_text()
    assert "\n\n- name: Nearpod\n" in text and "\n\n- name: Seesaw\n" in text  # blank lines


def test_a_dry_run_names_what_would_change_and_writes_nothing(workspace, run, register):
    before = register.read_text()
    export = write(workspace / "export.csv", EXPORT)
    result = run("approvals", "import", str(export), "--dry-run")
    assert result.exit_code == 0
    assert "would add     Kahoot! (approved-with-conditions)" in result.output
    assert "would update  Padlet (approved)" in result.output
    assert "Would import 4 tools" in result.output and register.read_text() == before
    write(register, "- {name: Padlet, status: pending}\n")  # a layout that cannot be cut
    refused = run("approvals", "import", str(export), "--dry-run")
    assert refused.exit_code == 2 and "cannot be cut out of the file safely" in refused.output
    assert "newsletter edit" not in refused.output  # edit has no register to open


def test_a_name_with_control_characters_is_one_line(workspace, run):
    result = run("vet", "New\nTool", "--status", "approved")
    assert result.exit_code == 2 and result.output.startswith("Error: NAME: contains control")


def test_an_agreement_that_ended_is_no_approval(workspace, run, register):
    run("vet", "Padlet", "--expires", "2026-11-01")
    added = add(run, "Padlet", "--grades", "3-5", url="https://padlet.com")
    assert "the agreement for 'Padlet' ended on 2026-11-01" in added.output
    built = run("build", "--offline", "--date", FRIDAY)
    assert "the agreement for 'Padlet' ended on 2026-11-01" in built.output
    text = " ".join((workspace / ".newsletter" / "out" / f"{FRIDAY}.txt").read_text().split())
    assert "For students: The district's DPA for it ended Nov 2026: ask before using it" in text
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "approvals:\n  policy: refuse\n")
    assert run("build", "--offline", "--date", FRIDAY, "--force").exit_code == 2


@pytest.mark.parametrize(
    ("decided_by", "shown"),
    [
        ("Technology committee", True),
        ("Office of Curriculum and Instruction", True),
        ("IT", True),
        ("Jane Doe - Technology Director", False),
        ("Director of Technology Jane Doe", False),
        ("Jane Doe IT", False),
        ("Ms. Doe", False),
        ("Jane Doe", False),
    ],
)
def test_decided_by_reaches_the_site_only_as_a_role(decided_by, shown):
    from newsletter.approvals.public import public_decision
    from newsletter.approvals.register import Approval

    facts = public_decision(Approval("X", "approved", decided_by=decided_by), FRIDAY_DAY)
    assert (facts["decided_by"] == decided_by) is shown


# --- the public site ---------------------------------------------------------------

from tests.test_email import browser  # noqa: E402,F401 - the module's Chromium fixture
from tests.test_site import read_in_chromium, served, site  # noqa: E402,F401 - a site

SITE_REGISTER = """
- name: Fraction Wall
  url: https://fractionwall.example.org
  status: approved
  grades: [K-5]
  agreement: ndpa
  dpa_url: https://sdpc.example.org/dpa/fraction-wall.pdf
  expires: 2028-08-01
  data_collected: [first name, student work]
  purpose: Fraction practice
  decided_by: Ms. Privatename
  decided_on: 2026-09-01
- name: Lab Sim
  url: https://labsim.example.org
  status: retired
  conditions: the vendor changed its terms
  decided_by: Technology committee
  decided_on: 2026-10-15
- name: Never Featured
  status: no-student-data
  purpose: A calculator
"""


@pytest.fixture
def vetted(site, workspace, run):  # noqa: F811
    """The site of tests/test_site.py, made again once the register has decisions."""
    write(workspace / "approvals.yaml", SITE_REGISTER)
    result = run("site")
    assert result.exit_code == 0, result.output
    return site


def test_the_site_lists_the_approved_tools_and_says_what_is_no_longer(vetted, run):
    approved = (vetted / "approved.html").read_text()
    assert "Fraction Wall" in approved and "Never Featured" in approved
    assert "Lab Sim" not in approved  # retired: not on the approved list
    assert 'href="https://sdpc.example.org/dpa/fraction-wall.pdf"' in approved
    assert "first name, student work" in approved and "Fraction practice" in approved
    assert 'href="tools/fractionwall-' in approved  # its page on the site
    lab = next((vetted / "tools").glob("labsim-*.html")).read_text()
    assert "No longer approved by the district (since October 15, 2026)" in lab
    assert "by Technology committee" in lab  # a committee, not a person: shown
    wall = next((vetted / "tools").glob("fractionwall-*.html")).read_text()
    assert "Approved for</dt><dd>K-5" in wall
    for page in vetted.rglob("*.html"):  # a person's name never reaches the site
        assert "Privatename" not in page.read_text(), page
    assert 'href="approved.html">Approved tools' in (vetted / "index.html").read_text()

    run("vet", "Lab Sim", "--status", "approved")  # the decision changes: its page does
    again = run("site")
    assert again.exit_code == 0
    lab = next((vetted / "tools").glob("labsim-*.html")).read_text()
    assert "No longer approved" not in lab and "Lab Sim" in (vetted / "approved.html").read_text()
    assert "Wrote 0 files" in run("site").stderr


def test_the_approved_tools_page_passes_axe_and_fits_a_phone(browser, vetted, served):  # noqa: F811
    lab = next((vetted / "tools").glob("labsim-*.html")).name
    for path in ("approved.html", f"tools/{lab}"):
        assert "Privatename" not in read_in_chromium(browser, served + path)


def test_an_answer_with_a_tool_not_yet_approved_says_so(workspace, run, register):
    assert run("request", "a review game", "--grades", "3-5").exit_code == 0
    assert add(run, "Blooket", "--grades", "3-5", "--answers", "R1").exit_code == 0
    assert add(run, "Padlet", "--grades", "3-5", url="https://padlet.com").exit_code == 0
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    said = "(not approved by the district yet: ask before using it with students)"
    text = " ".join((workspace / ".newsletter" / "out" / f"{FRIDAY}.txt").read_text().split())
    assert f'You asked, we found: "a review game" {said}' in text
    assert text.count(said) == 1  # Padlet, approved, answers nothing
    assert said in (workspace / ".newsletter" / "out" / f"{FRIDAY}.html").read_text()
    assert said in (workspace / "issues" / f"{FRIDAY}.md").read_text()


def test_a_workspace_with_an_empty_register_says_nothing_of_decisions(workspace, run):
    added = add(run, "Padlet", "--grades", "3-5")
    assert added.exit_code == 0 and "District" not in added.output and "warning" not in added.output
    built = run("build", "--offline", "--date", FRIDAY)
    assert built.exit_code == 0 and "approvals.yaml" not in built.output
    assert "For students" not in (workspace / ".newsletter" / "out" / f"{FRIDAY}.txt").read_text()
    settings = workspace / "newsletter.yaml"  # a district that refuses: nothing is approved
    settings.write_text(settings.read_text() + "approvals:\n  policy: refuse\n")
    refused = run("build", "--offline", "--date", FRIDAY)
    assert refused.exit_code == 2 and "'Padlet' is not in approvals.yaml" in refused.output


# --- teachers' requests --------------------------------------------------------------


def test_a_request_is_answered_with_an_approved_tool_or_declined(workspace, run, register):
    import datetime as dt

    from newsletter.archive.record import record_reach
    from newsletter.catalog.db import load_archive
    from newsletter.workspace.folder import Workspace

    requests = workspace / "notes" / "requests.yaml"
    run("request", "Something for class discussion", "--from", "Ms. Reyes", "--grades", "3-5")
    run("request", "A VR headset app")
    run("request", "A quiz game")
    before = requests.read_text()
    for args, said in {
        ("answer", "R3", "--already", "Gimkit"): "'Gimkit' is not-approved in approvals.yaml",
        ("answer", "R3", "--already", "Nothing"): "'Nothing' is not in approvals.yaml",
        ("answer", "R9", "--decline", "no"): "there is no request R9",
        ("answer", "R3"): "give --already TOOL or --decline REASON",
        ("answer", "X", "--decline", "no"): "'X' is not a request id",
    }.items():
        result = run(*args)
        assert result.exit_code == 2 and said in result.output, (args, result.output)
    assert requests.read_text() == before
    assert run("answer", "R1", "--already", "padlet").exit_code == 0
    declined = run("answer", "R2", "--decline", "The district has no headsets")
    assert declined.exit_code == 0
    text = requests.read_text()
    assert "already: Padlet" in text and "declined: The district has no headsets" in text
    assert text.startswith(before.split("- text: Something")[0])  # the comments stay
    waiting = run("requests")
    assert [line.split()[0] for line in waiting.stdout.splitlines()] == ["R3"]
    listed = run("requests", "--all").stdout
    assert "R1   we already have Padlet (the next issue says so)" in listed
    assert "R2   declined: The district has no headsets: A VR headset app" in listed

    assert add(run, "Blooket", "--grades", "3-5").exit_code == 0
    assert run("build", "--offline", "--date", "2026-11-27").exit_code == 0
    out = workspace / ".newsletter" / "out"
    text = " ".join((out / "2026-11-27.txt").read_text().split())
    said = "We already have Padlet, which does that: the district approves it."
    assert f'* You asked: "Something for class discussion" (Ms. Reyes) {said}' in text
    assert "headsets" not in text  # a declined request is closed, not news
    assert (
        said.replace("Padlet", "<strong>Padlet</strong>").replace(
            "We already have <strong>Padlet</strong>", "<strong>We already have Padlet</strong>"
        )
        in (out / "2026-11-27.html").read_text()
    )
    (entry,) = load_archive(Workspace(workspace))
    record_reach(entry, 6, 6, dt.datetime(2026, 11, 27, 14, 0, tzinfo=dt.UTC))
    assert (
        "R1   answered by Padlet (we already have it) in #1 (2026-11-27)"
        in run("requests", "--all").stdout
    )
    again = run("answer", "R1", "--decline", "changed my mind")
    assert again.exit_code == 2 and "R1 was answered in #1 already" in again.output
    assert run("build", "--offline", "--date", FRIDAY).exit_code == 0
    assert "We already have" not in (out / f"{FRIDAY}.txt").read_text()  # said once


def test_vets_at_once_lose_nothing(workspace):
    """Several `vet` processes at once, for new tools and for one already there: every
    decision is in the file afterwards, which reads, and none waits long."""
    import os
    import subprocess
    import sys
    import time

    from newsletter.approvals.register import read_register

    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    path = workspace / "approvals.yaml"
    for round_ in range(3):
        started = time.monotonic()
        runs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "newsletter",
                    "vet",
                    f"Tool {round_}-{n}",
                    "--status",
                    "pending" if n % 2 else "approved",
                    "--purpose",
                    f"round {round_}",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for n in range(6)
        ]
        for proc in runs:
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        assert time.monotonic() - started < 120
        names = {entry.name for entry in read_register(path).entries}
        assert {f"Tool {round_}-{n}" for n in range(6)} <= names
    assert len(read_register(path).entries) == 18


# What a tool page says of each decision, as a reader sees it.
PAGE_SAYS = {
    "approved": "Status Approved",
    "approved-with-conditions": "Status Approved with conditions",
    "no-student-data": "Status Approved, no student data",
    "pending": "Status Pending",
    "under-review": "Status Under review",
    "not-approved": "Not approved by the district",
    "retired": "No longer approved by the district",
}


def test_each_status_on_a_tool_page_in_chromium(browser, vetted, served, run):  # noqa: F811
    lab = next((vetted / "tools").glob("labsim-*.html")).name
    for status, said in PAGE_SAYS.items():
        assert run("vet", "Lab Sim", "--status", status).exit_code == 0
        assert run("site").exit_code == 0
        text = read_in_chromium(browser, served + f"tools/{lab}", widths=(375,))
        assert said in " ".join(text.split()), (status, text)
        listed = (vetted / "approved.html").read_text()
        approved = status in ("approved", "approved-with-conditions", "no-student-data")
        assert ("Lab Sim" in listed) is approved
