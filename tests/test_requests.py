"""Teachers' requests: recorded, answered by a tool, shown as "You asked, we found"
in the issue, and closed once that issue has gone out."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from newsletter.archive.record import record_reach
from newsletter.catalog.db import load_archive
from newsletter.workspace.folder import Workspace
from tests.conftest import Terminal

FRACTIONS = "an app for fraction practice with instant feedback"
ASKED = ("--from", "Ms. Alvarez, 4th grade", "--grades", "3-5", "--subject", "Math")


def sent(workspace, date: str) -> None:
    (entry,) = [e for e in load_archive(Workspace(workspace)) if e.date.isoformat() == date]
    record_reach(entry, 5, 5, dt.datetime(2026, 12, 4, 14, tzinfo=dt.UTC))


def test_a_request_is_answered_shown_and_closed_when_sent(workspace, run):
    result = run("request", FRACTIONS, *ASKED, "--date", "2026-11-02")
    assert result.exit_code == 0, result.output
    assert "Added request R1" in result.stdout
    assert run("request", "something to make comics").stdout.startswith("Added request R2")
    waiting = run("requests").stdout.splitlines()
    assert waiting[0].startswith("R1   waiting ") and FRACTIONS in waiting[0]
    assert "(Ms. Alvarez, 4th grade)" in waiting[0]
    assert waiting[1].startswith("R2   asked today: something to make comics")

    tool = ("Fraction Wall", "--url", "https://fw.example.org", "--summary", "Fractions.")
    assert run("add-tool", *tool, "--answers", "r1").exit_code == 0
    assert run("add-tool", "Comic Maker", "--url", "https://comics.example.org",
               "--summary", "Comics.", "--answers", "2").exit_code == 0  # fmt: skip
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    out = workspace / ".newsletter" / "out"
    html = (out / "2026-12-04.html").read_text()
    assert (
        f"You asked, we found:</strong> &ldquo;{FRACTIONS}&rdquo; &mdash; Ms. Alvarez, 4th grade"
        in (html.replace("“", "&ldquo;").replace("”", "&rdquo;").replace("—", "&mdash;"))
    )
    assert "something to make comics" in html
    text = " ".join((out / "2026-12-04.txt").read_text().split())
    assert f'You asked, we found: "{FRACTIONS}" (Ms. Alvarez, 4th grade)' in text
    assert 'You asked, we found: "something to make comics" Comics.' in text  # no name: none given
    archive = " ".join((workspace / "issues" / "2026-12-04.md").read_text().split())
    assert f'*You asked, we found: "{FRACTIONS}" (Ms. Alvarez, 4th grade).*' in archive

    assert len(run("requests").stdout.splitlines()) == 2  # a draft answers nothing yet
    sent(workspace, "2026-12-04")
    assert run("requests").stdout == ""
    assert "No request is waiting." in run("requests").stderr
    answered = run("requests", "--all").stdout.splitlines()
    assert answered[0].startswith("R1   answered by Fraction Wall in #1 (2026-12-04): ")
    assert answered[1].startswith("R2   answered by Comic Maker in #1 (2026-12-04): ")


def test_search_finds_requests(workspace, run):
    assert run("request", FRACTIONS, *ASKED).exit_code == 0
    result = run("search", "fraction", "--kind", "request", "--json")
    (hit,) = json.loads(result.stdout)
    assert (hit["kind"], hit["name"], hit["in_notes"]) == ("request", FRACTIONS, True)


def test_check_names_a_request_waiting_too_long(workspace, run):
    assert run("request", FRACTIONS, *ASKED, "--date", "2026-01-05").exit_code == 0
    assert run("request", "a timer").exit_code == 0  # asked today
    result = run("check")
    assert "request R1 has waited" in result.output and "'a timer'" not in result.output
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "\nrequests: {remind_after_days: 100000}\n")
    assert "request R1 has waited" not in run("check").output


def test_answers_must_name_a_request_and_nothing_is_written_otherwise(workspace, run):
    assert run("request", FRACTIONS).exit_code == 0
    tools = workspace / "notes" / "tools.yaml"
    before = tools.read_bytes()
    for bad, says in (("R9", "there is no request R9"), ("fractions", "is not a request id")):
        result = run("add-tool", "X", "--url", "https://x.example.org", "--summary", "s",
                     "--answers", bad)  # fmt: skip
        assert result.exit_code == 2
        assert result.output.count("Error:") == 1 and says in result.output
    assert tools.read_bytes() == before


def test_add_tool_at_a_terminal_offers_the_open_requests_that_fit(workspace, run):
    assert run("request", FRACTIONS, *ASKED).exit_code == 0
    assert run("request", "a chemistry simulation", "--grades", "9-12", "--subject",
               "Science").exit_code == 0  # fmt: skip
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    terminal = Terminal(
        ["-m", "newsletter", "add-tool", "Fraction Wall", "--url", "https://fw.example.org",
         "--summary", "Fractions.", "--grades", "4", "--subjects", "Math"],
        env,
    )  # fmt: skip
    terminal.read_until(b"may answer")
    terminal.read_until(b"Which does it answer?")
    assert b"R1" in terminal.output and b"chemistry" not in terminal.output
    terminal.type("R1")
    terminal.read_until(b"Added 'Fraction Wall'")
    assert terminal.exit_code() == 0
    assert "answers: [R1]" in (workspace / "notes" / "tools.yaml").read_text()


def test_an_id_is_never_given_twice(workspace, run):
    notes = workspace / "notes" / "requests.yaml"
    starter = notes.read_text() if notes.exists() else ""
    assert run("request", FRACTIONS).exit_code == 0
    assert run("add-tool", "Fraction Wall", "--url", "https://fw.example.org", "--summary",
               "s", "--answers", "R1").exit_code == 0  # fmt: skip
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    sent(workspace, "2026-12-04")
    notes.write_text(starter)  # the answered request deleted by hand
    assert "Added request R2" in run("request", "a podcast recorder").stdout
    assert run("add-tool", "Pod", "--url", "https://pod.example.org", "--summary", "s",
               "--answers", "R2").exit_code == 0  # fmt: skip
    notes.write_text(starter)  # a request a tool in the notes answers, deleted
    assert "Added request R3" in run("request", "a comic maker").stdout
    checked = run("check")
    assert "'Pod' answers R2, which is no request" in checked.output
    assert checked.exit_code != 0


def test_requests_added_at_once_all_get_their_own_id(workspace):
    import subprocess
    import sys

    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "newsletter", "request", f"request {n}"],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(8)
    ]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
    listed = [line.split()[0] for line in json_free_lines(workspace)]
    assert sorted(listed, key=lambda i: int(i[1:])) == [f"R{n}" for n in range(1, 9)]


def json_free_lines(workspace):
    from click.testing import CliRunner

    from newsletter.cli import cli

    result = CliRunner().invoke(cli, ["-w", str(workspace), "requests"])
    return result.stdout.splitlines()


def test_mistakes_in_the_requests_are_named(workspace, run):
    assert run("request", "a timer", "--date", "2099-01-01").exit_code == 2
    notes = workspace / "notes" / "requests.yaml"
    notes.write_text(
        "- text: one\n  id: R1\n- text: two\n  id: R1\n- text: three\n  asked: 2099-01-01\n"
    )
    output = run("check").output
    assert "two requests have the id R1" in output
    assert "the request 'three' has no id" in output
    assert "a day still to come" in output


def test_answering_a_request_answered_before_says_so(workspace, run):
    assert run("request", FRACTIONS).exit_code == 0
    tool = ("--url", "https://fw.example.org", "--summary", "s", "--answers", "1")
    assert run("add-tool", "Fraction Wall", *tool).exit_code == 0
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    sent(workspace, "2026-12-04")
    again = run("add-tool", "Fraction Tiles", "--url", "https://tiles.example.org",
                "--summary", "s", "--answers", "R1")  # fmt: skip
    assert again.exit_code == 0
    assert "R1 was answered in #1 already" in again.stderr


@pytest.mark.parametrize("first, second", [("r2", "R2"), ("R01", "R1"), ("2", "R02")])
def test_a_request_id_has_one_form_however_it_is_written(workspace, run, first, second):
    notes = workspace / "notes" / "requests.yaml"
    notes.write_text(f"- text: one\n  id: {first}\n- text: two\n  id: {second}\n")
    number = int(second.lstrip("Rr"))
    checked = run("check").output
    assert f"two requests have the id R{number}" in checked  # one id, named as a duplicate
    notes.write_text(f"- text: a fraction game\n  id: {first}\n")
    listed = run("requests").stdout
    assert listed.startswith(f"R{int(first.lstrip('Rr'))} ")
    added = run("add-tool", "Fraction Wall", "--url", "https://fw.example.org", "--summary",
                "s", "--answers", second.lower())  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "is no request" not in run("check").output
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    sent(workspace, "2026-12-04")
    assert "answered" in run("requests", "--all").stdout
    assert run("request", "another").stdout.startswith(f"Added request R{number + 1}")
