"""The catalog: a real SQLite file in the workspace, made from issues/*.md, and the
commands that read it (search, tools, list, add-tool)."""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsletter.archive.record import record_reach
from newsletter.catalog import rows as catalog_module
from newsletter.catalog.db import catalog_path, load_archive, open_catalog
from newsletter.catalog.search import Filters, search
from newsletter.workspace.folder import Workspace
from newsletter.workspace.lock import waiting_lock
from tests.conftest import Terminal, write

SENT_AT = dt.datetime(2026, 11, 20, 14, tzinfo=dt.UTC)

FRACTIONS = (
    "Fraction Wall",
    "--url",
    "https://fractionwall.example.org",
    "--summary",
    "Students compare fractions on a number line wall.",
    "--grades",
    "3-5",
    "--subjects",
    "Math",
    "--cost",
    "free",
)
KAHOOT = ("Kahoot!", "--url", "https://kahoot.com", "--summary", "Quiz games for review.")
KAHOOT += ("--grades", "K-12", "--subjects", "Science, Math", "--cost", "freemium")


def sent_issue(run, workspace: Path, date: str, *tools: tuple[str, ...]) -> None:
    """Add the tools, build the issue of `date` and record it as sent to everyone."""
    for tool in tools:
        assert run("add-tool", *tool).exit_code == 0
    assert run("build", "--offline", "--date", date).exit_code == 0
    (entry,) = [e for e in load_archive(Workspace(workspace)) if e.date.isoformat() == date]
    record_reach(entry, 5, 5, SENT_AT)


def hits(run, *args: str) -> list[dict]:
    result = run("search", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def two_sent(workspace, run) -> Path:
    """Issue #1 (2026-11-20) features the fractions tool; #2 (2026-11-27) Kahoot!."""
    sent_issue(run, workspace, "2026-11-20", FRACTIONS)
    sent_issue(run, workspace, "2026-11-27", KAHOOT)
    return workspace


def test_search_finds_the_fractions_tool_by_stem_and_grades(two_sent, run):
    (hit,) = hits(run, "fraction")
    assert (hit["kind"], hit["name"], hit["url"]) == (
        "tool",
        "Fraction Wall",
        "https://fractionwall.example.org",
    )
    assert hit["featured"] == [{"number": 1, "date": "2026-11-20", "status": "sent"}]
    assert "«fractions»" in hit["context"]
    assert [h["name"] for h in hits(run, "fraction", "--grades", "3-5")] == ["Fraction Wall"]
    assert [h["name"] for h in hits(run, "fraction", "--grades", "4")] == ["Fraction Wall"]
    assert hits(run, "fraction", "--grades", "9-12") == []
    assert catalog_path(Workspace(two_sent)).stat().st_size > 0  # a real file


def test_search_prefix_phrase_and_loose_names(two_sent, run):
    assert [h["name"] for h in hits(run, "kahoo*")] == ["Kahoot!"]
    assert [h["name"] for h in hits(run, "Kahoot")] == ["Kahoot!"]
    assert [h["name"] for h in hits(run, "kahoot!")] == ["Kahoot!"]
    assert [h["name"] for h in hits(run, '"quiz games"')] == ["Kahoot!"]
    assert hits(run, '"games quiz"') == []
    assert [h["name"] for h in hits(run, "fraction OR quiz", "--cost", "free")] == ["Fraction Wall"]
    assert [h["name"] for h in hits(run, "fractionw")] == ["Fraction Wall"]  # letters of a name


def test_search_filters_by_subject_kind_and_date(two_sent, run):
    assert [h["name"] for h in hits(run, "review OR fractions", "--subject", "sci")] == ["Kahoot!"]
    assert [h["name"] for h in hits(run, "fractions", "--kind", "tool")] == ["Fraction Wall"]
    assert hits(run, "fractions", "--kind", "link") == []
    assert [h["name"] for h in hits(run, "review OR fractions", "--since", "2026-11-21")] == [
        "Kahoot!"
    ]


def test_search_shows_what_it_found_and_where(two_sent, run):
    result = run("search", "fractions")
    assert result.exit_code == 0
    assert "tool  Fraction Wall <https://fractionwall.example.org>" in result.stdout
    assert "3-5 · Math · free" in result.stdout
    assert "featured in #1 (2026-11-20)" in result.stdout
    assert "Students compare fractions on a number line wall." in result.stdout
    assert "1 found" in result.stderr


def test_search_marks_the_draft_and_the_notes_not_yet_sent(two_sent, run):
    assert (
        run(
            "add-tool",
            "Fraction Tiles",
            "--url",
            "https://tiles.example.org",
            "--summary",
            "Virtual fraction tiles.",
        ).exit_code
        == 0
    )
    (hit,) = hits(run, "tiles")
    assert (hit["in_notes"], hit["featured"]) == (True, [])
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    (hit,) = hits(run, "tiles")
    assert hit["featured"] == [{"number": 3, "date": "2026-12-04", "status": "draft"}]
    assert "in the draft #3 (2026-12-04)" in run("search", "tiles").stdout
    # What a sent issue featured is not news in the notes any more.
    (wall,) = hits(run, "wall")
    assert wall["in_notes"] is False


@pytest.mark.parametrize("query", ['"unclosed', "AND OR", "fraction AND", "!!!"])
def test_a_query_that_cannot_be_read_is_one_line_and_exit_2(two_sent, run, query):
    result = run("search", query)
    assert result.exit_code == 2
    assert result.output.count("Error:") == 1
    assert "Traceback" not in result.output
    assert query in result.output


def test_tools_lists_each_tool_once_with_times_and_last_issue(two_sent, run):
    sent_issue(
        run,
        two_sent,
        "2026-12-04",
        ("Kahoot!", "--url", "https://kahoot.com/", "--force", "--summary", "Again, by request."),
    )
    result = run("tools")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Fraction Wall") and "1x  #1 (2026-11-20)" in lines[0]
    assert lines[1].startswith("Kahoot!") and "2x  #3 (2026-12-04)" in lines[1]
    by_date = run("tools", "--sort", "date").stdout.splitlines()
    assert by_date[0].startswith("Kahoot!")
    assert run("tools", "--grades", "9-12").stdout.splitlines()[0].startswith("Kahoot!")
    assert len(run("tools", "--grades", "9-12").stdout.splitlines()) == 1


def test_tools_lists_a_tool_featured_under_one_name_at_two_addresses_once(two_sent, run):
    moved = ("Kahoot!", "--url", "https://kahoot.it", "--force", "--summary", "Its new home.")
    sent_issue(run, two_sent, "2026-12-04", moved)
    lines = run("tools").stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["Fraction", "Kahoot!"], lines
    assert "2x  #3 (2026-12-04)" in lines[1]
    as_json = json.loads(run("tools", "--format", "json").stdout)
    assert [(t["name"], t["url"]) for t in as_json] == [
        ("Fraction Wall", "https://fractionwall.example.org"),
        ("Kahoot!", "https://kahoot.it"),  # as last featured
    ]


def test_tools_csv_is_a_spreadsheet_that_runs_no_formula(two_sent, run):
    sent_issue(
        run,
        two_sent,
        "2026-12-04",
        (
            '=HYPERLINK("x")',
            "--url",
            "https://evil.example.org",
            "--summary",
            "A name like a formula.",
        ),
    )
    result = run("tools", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff")  # so that Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert [r["name"] for r in rows] == ['\'=HYPERLINK("x")', "Fraction Wall", "Kahoot!"]
    wall = rows[1]
    assert (wall["grades"], wall["subjects"], wall["cost"]) == ("3-5", "Math", "free")
    assert (wall["times_featured"], wall["last_issue"], wall["last_date"]) == (
        "1",
        "1",
        "2026-11-20",
    )


def test_a_damaged_catalog_is_made_again(two_sent, run):
    path = catalog_path(Workspace(two_sent))
    data = path.read_bytes()
    for damage in (data[:100], b"this is not a database at all" * 200):
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.write_bytes(damage)
        result = run("search", "fractions")
        assert result.exit_code == 0, result.output
        assert result.stderr.count("note: the catalog") == 1
        assert "made it again from the archive" in result.stderr
        assert "Fraction Wall" in result.stdout
        assert "note:" not in run("search", "fractions").stderr  # said once


@pytest.mark.parametrize("table", ["entries", "entry_text", "issues", "sources", "featured"])
@pytest.mark.parametrize("command", [("search", "fractions"), ("list",), ("tools",)])
def test_a_catalog_with_a_table_dropped_is_damage_made_good(two_sent, run, table, command):
    path = catalog_path(Workspace(two_sent))
    with sqlite3.connect(path) as db:
        db.execute(f"DROP TABLE {table}")
    db.close()
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("note: the catalog") == 1
    assert f"could not be read (no such table: {table}); made it again" in result.stderr
    assert "Fraction Wall" in run("search", "fractions").stdout


def test_a_catalog_of_another_version_is_made_again_silently(two_sent, run):
    path = catalog_path(Workspace(two_sent))
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE entries")
        db.execute("PRAGMA user_version = 0")
    db.close()
    result = run("search", "fractions")
    assert (result.exit_code, result.stderr.count("note:")) == (0, 0)
    assert "Fraction Wall" in result.stdout


def test_deleting_the_state_folder_loses_nothing(two_sent, run):
    before = run("tools").stdout
    for path in sorted((two_sent / ".newsletter").glob("catalog*")):
        path.unlink()
    assert run("tools").stdout == before
    assert [h["name"] for h in hits(run, "fractions")] == ["Fraction Wall"]


def test_only_the_files_that_changed_are_read(two_sent, run, monkeypatch):
    ws = Workspace(two_sent)
    read = []
    original = catalog_module.read_archived
    monkeypatch.setattr(
        catalog_module, "read_archived", lambda p, *rest: read.append(p) or original(p, *rest)
    )
    with open_catalog(ws):
        pass
    unsettled = list(read)  # files written seconds ago are looked at again (same tick)
    read.clear()
    old = dt.datetime(2026, 1, 1).timestamp()
    for path in ws.issues_dir.glob("2*.md"):
        os.utime(path, (old, old))
    with open_catalog(ws):
        pass
    assert len(read) <= len(unsettled)  # their bytes had not changed: not read
    read.clear()
    with open_catalog(ws):
        pass
    assert read == []
    changed = ws.issues_dir / "2026-11-27.md"
    changed.write_text(changed.read_text().replace("Quiz games", "Quiz shows"))
    with open_catalog(ws) as catalog:
        found = search(catalog, "shows", Filters())
    assert [hit.name for hit in found.hits] == ["Kahoot!"]
    assert read == [changed]


def test_a_same_size_change_within_the_same_tick_is_seen(two_sent, run):
    path = two_sent / "issues" / "2026-11-27.md"
    stat = path.stat()
    assert "Kahoot!" in run("tools").stdout
    path.write_text(path.read_text().replace("Quiz games", "Trivia gam"))  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same time
    assert [h["name"] for h in hits(run, "trivia")] == ["Kahoot!"]


def test_an_unreadable_issue_is_named_and_the_rest_still_answer(two_sent, run):
    bad = two_sent / "issues" / "2026-11-20.md"
    bad.write_text(bad.read_text().replace("number: 1\n", "number: [1\n", 1))
    listed = run("list")
    assert listed.exit_code == 2
    assert "#2" in listed.stdout and "#1 " not in listed.stdout
    assert listed.stderr.count("Error: ws/issues/2026-11-20.md:4: not valid YAML") == 1
    searched = run("search", "quiz")
    assert searched.exit_code == 0 and "Kahoot!" in searched.stdout
    assert "ws/issues/2026-11-20.md: could not be read" in searched.stderr
    checked = run("check")
    assert checked.exit_code != 0
    assert "ws/issues/2026-11-20.md:" in checked.output
    built = run("build", "--offline", "--date", "2026-12-04")
    assert built.exit_code == 2
    assert built.output.count("Error:") == 1 and "ws/issues/2026-11-20.md:" in built.output


def test_add_tool_names_the_issue_that_featured_the_same_tool(two_sent, run):
    for name, url in (
        ("kahoot", "https://kahoot.example.org"),
        ("Quiz app", "https://kahoot.com/"),
    ):
        result = run("add-tool", name, "--url", url, "--summary", "Again.")
        assert result.exit_code == 2
        assert "'Kahoot!' was featured in #2 (2026-11-27" in result.output or (
            f"'{name}' was featured in #2 (2026-11-27" in result.output
        )
        assert "--force" in result.output


def test_add_tool_asks_about_a_name_like_a_featured_one(workspace, run):
    canva = ("Canva for Education", "--url", "https://canva.com/education", "--summary", "Design.")
    sent_issue(run, workspace, "2026-11-20", canva)
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    args = [
        "-m",
        "newsletter",
        "add-tool",
        "Canva",
        "--url",
        "https://canva.com",
        "--summary",
        "D.",
    ]
    terminal = Terminal(args, env)
    terminal.read_until(b"'Canva for Education' was featured in #1 (2026-11-20")
    terminal.read_until(b"Is 'Canva' the same tool?")
    terminal.type("y")
    terminal.read_until(b"nothing was added")
    assert terminal.exit_code() == 2
    assert "Canva\n" not in (workspace / "notes" / "tools.yaml").read_text().replace("'", "")

    terminal = Terminal(args, env)
    terminal.read_until(b"Is 'Canva' the same tool?")
    terminal.type("n")
    terminal.read_until(b"Added 'Canva'")
    assert terminal.exit_code() == 0

    # Without a terminal: said, and added (nothing typed is lost).
    result = run("add-tool", "Canva Education", "--url", "https://canva.com/edu", "--summary", "D.")
    assert result.exit_code == 0
    assert "is 'Canva Education' the same tool?" in result.stderr
    assert "Added 'Canva Education'" in result.stdout


def copies_of_the_last_issue(workspace: Path, last: int) -> None:
    """Issues #3 to #last, each a copy of #2 a week later: a catalog that takes a while
    to make (past 40 files, worker processes read them)."""
    source = (workspace / "issues" / "2026-11-27.md").read_text()
    for n in range(3, last + 1):
        date = dt.date(2026, 11, 27) + dt.timedelta(days=7 * (n - 2))
        write(workspace / "issues" / f"{date}.md", source.replace("number: 2\n", f"number: {n}\n"))


def forget_the_catalog(workspace: Path) -> None:
    for path in sorted((workspace / ".newsletter").glob("catalog*")):
        path.unlink()


def test_two_commands_updating_the_catalog_at_once_both_succeed(two_sent):
    ws = Workspace(two_sent)
    copies_of_the_last_issue(two_sent, 59)
    forget_the_catalog(two_sent)
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(two_sent)}
    command = [sys.executable, "-m", "newsletter", "search", "quiz", "--json", "--limit", "1"]
    # Both start while the catalog is held, so both find it to be made, and wait.
    with waiting_lock(ws.state_dir / "catalog.lock", "held by the test"):
        running = [
            subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
    for process in running:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        (hit,) = json.loads(out)
        assert hit["name"] == "Kahoot!" and len(hit["featured"]) == 58
    with sqlite3.connect(catalog_path(ws)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM issues").fetchone() == (59,)
    db.close()


SWEEP = [
    ["search", "quiz", "--json"],
    ["search", "fractions in 3rd grade"],
    ["list"],
    ["tools"],
    ["requests"],
    ["add-tool", "Sweep {round} A", "--url", "https://a{round}.example.org", "--summary", "s"],
    ["add-tool", "Other {round} B", "--url", "https://b{round}.example.org", "--summary", "s"],
    ["build", "--offline", "--date", "2028-01-07"],
    ["check"],
]


def test_mixed_commands_at_once_on_a_catalog_being_made_all_succeed(two_sent):
    """The Friday build beside the editor's searches and adds: every one of nine
    commands, started together on a catalog that is being made, succeeds; four
    rounds, each bounded in time."""
    copies_of_the_last_issue(two_sent, 50)
    ws = Workspace(two_sent)
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(two_sent)}
    for round in range(4):
        forget_the_catalog(two_sent)
        # Held while they start, so that all of them open a new catalog at once.
        with waiting_lock(ws.state_dir / "catalog.lock", "held by the test"):
            running = [
                subprocess.Popen(
                    [sys.executable, "-m", "newsletter", *(a.format(round=round) for a in args)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
                for args in SWEEP
            ]
            time.sleep(0.5)  # not for correctness: a chance for them to reach the catalog
        for args, process in zip(SWEEP, running, strict=True):
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, (round, args, err)
            assert "Traceback" not in err and "cannot be used" not in err, (round, args, err)
    with sqlite3.connect(catalog_path(ws)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_many_commands_opening_a_new_catalog_at_once_all_succeed(two_sent):
    """Opening a new catalog switches it to WAL, which SQLite refuses at once to a
    second process switching the same file: eight searches at once, ten rounds."""
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(two_sent)}
    go = two_sent / "go"
    # Each waits for the file `go`, then opens the catalog: they start within a moment.
    starter = (  # everything imported first, so that the opening itself is what collides
        "import os, time\n"
        "import newsletter.catalog.db, newsletter.catalog.search, newsletter.workspace.settings\n"
        "from newsletter.cli import cli\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.0005)\n"
        "cli(['search', 'kahoot', '--json'], prog_name='newsletter')\n"
    )
    for _ in range(10):
        forget_the_catalog(two_sent)
        go.unlink(missing_ok=True)
        running = [
            subprocess.Popen([sys.executable, "-c", starter], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(8)
        ]  # fmt: skip
        time.sleep(2)  # not for correctness: most of them are waiting by then
        go.touch()
        for process in running:
            out, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            assert [hit["name"] for hit in json.loads(out)] == ["Kahoot!"]


def _open_after(barrier, root: str, results) -> None:
    """In a child: wait for the others, then open the catalog and read it."""
    try:
        barrier.wait(timeout=60)
        with open_catalog(Workspace(Path(root))) as catalog:
            results.put(len(catalog.archive().entries))
    except Exception as err:  # reported to the test, which names it
        results.put(f"{type(err).__name__}: {err}")


def test_processes_opening_a_new_catalog_at_the_same_instant_all_succeed(two_sent):
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for _ in range(20):
        forget_the_catalog(two_sent)
        barrier, results = context.Barrier(6), context.Queue()
        children = [
            context.Process(target=_open_after, args=(barrier, str(two_sent), results))
            for _ in range(6)
        ]
        for child in children:
            child.start()
        got = [results.get(timeout=120) for _ in children]
        for child in children:
            child.join(timeout=60)
        assert got == [2] * 6, got


def children_of(pid: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's reaping is left


def lock_is_free(path: Path) -> bool:
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="the catalog's workers need 2 cores")
def test_a_command_killed_while_making_the_catalog_leaves_no_lock_behind(two_sent):
    copies_of_the_last_issue(two_sent, 160)
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(two_sent)}
    state = two_sent / ".newsletter"
    killed = 0
    for _ in range(3):
        forget_the_catalog(two_sent)
        build = subprocess.Popen(
            [sys.executable, "-m", "newsletter", "build", "--offline", "--date", "2026-12-04"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        stop = time.monotonic() + 60
        workers: list[int] = []
        while not workers and build.poll() is None and time.monotonic() < stop:
            workers = children_of(build.pid)  # forked while it holds the catalog's lock
            time.sleep(0.01)
        build.kill()
        build.wait(timeout=60)
        if not workers:
            continue  # it finished first: nothing was cut short this round
        killed += 1
        # Nothing the killed command left behind keeps a lock. A worker forked just
        # before the kill shares the lock until it first runs (it lets go of it then,
        # lock.py), which on a busy machine may be a moment later: so a bounded wait.
        stop = time.monotonic() + 30
        while not (lock_is_free(state / "catalog.lock") and lock_is_free(state / "lock")):
            assert time.monotonic() < stop, "a lock outlived the killed command"
            time.sleep(0.05)
        stop = time.monotonic() + 60
        while any(running(pid) for pid in workers):
            assert time.monotonic() < stop, "the workers outlived the killed command"
            time.sleep(0.05)
        listed = subprocess.run(
            [sys.executable, "-m", "newsletter", "list"],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert "updating the catalog" not in listed.stderr
        assert listed.stdout.count("\n") >= 160
    assert killed >= 1, "no round was killed while making the catalog"


def test_search_follows_the_notes_as_they_change(workspace, run):
    assert run("add-tool", *FRACTIONS).exit_code == 0
    (hit,) = hits(run, "fractions")
    assert (hit["in_notes"], hit["featured"]) == (True, [])
    notes = workspace / "notes" / "tools.yaml"
    notes.write_text(notes.read_text().replace("Fraction Wall", "Number Wall"))
    assert [h["name"] for h in hits(run, "fractions")] == ["Number Wall"]
    notes.unlink()
    assert hits(run, "fractions") == []


def test_a_catalog_that_cannot_be_opened_is_one_line(two_sent, run):
    path = catalog_path(Workspace(two_sent))
    for old in sorted(path.parent.glob("catalog.sqlite*")):
        old.unlink()
    path.mkdir()  # a folder where the file should be
    result = run("list")
    assert result.exit_code == 1
    assert result.output.count("Error: the catalog ws/.newsletter/catalog.sqlite cannot be") == 1
    assert "Traceback" not in result.output


def damage_page(path: Path, table: str | None, fill: bytes) -> None:
    """Overwrite one page of the catalog: a table's first page, or the last page."""
    with sqlite3.connect(path) as db:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        query = "SELECT rootpage FROM sqlite_master WHERE name = ?"
        page = db.execute(query, (table,)).fetchone()[0] if table else path.stat().st_size // size
    db.close()
    data = bytearray(path.read_bytes())
    data[(page - 1) * size : page * size] = (fill * size)[:size]
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "table,fill",
    [("featured", b"\0"), ("issues", b"\0"), ("entries", b"\0"), ("issues", b"\x5a\xc3\x07")],
)
def test_damage_found_mid_command_is_made_good_before_the_answer(two_sent, run, table, fill):
    """Whether SQLite notices the damage or not, no command answers from a catalog
    that lost what the archive says: build never features a sent tool again."""
    path = catalog_path(Workspace(two_sent))
    damage_page(path, table, fill)
    listed = run("list")
    assert listed.exit_code == 0, listed.output
    assert "#1 " in listed.stdout and "#2 " in listed.stdout
    assert [h["name"] for h in hits(run, "fractions")] == ["Fraction Wall"]
    damage_page(path, table, fill)
    built = run("build", "--offline", "--date", "2026-12-04")
    assert built.exit_code == 0, built.output
    assert "0 tools" in built.output


def test_a_refusal_names_the_tool_as_it_was_featured(two_sent, run):
    result = run("add-tool", "Quiz game A", "--url", "https://www.kahoot.com/", "--summary", "Q.")
    assert result.exit_code == 2
    assert (
        "'Quiz game A' was featured in #2 (2026-11-27, ws/issues/2026-11-27.md) as 'Kahoot!'"
        in (result.output)
    )


def test_questions_typed_as_sentences_still_find(two_sent, run):
    assert [h["name"] for h in hits(run, "Kahoot's")] == ["Kahoot!"]
    assert [h["name"] for h in hits(run, "is there something for fractions")] == ["Fraction Wall"]
    result = run("search", "fractions", "review", "--json")
    assert result.exit_code == 0
    assert sorted(h["name"] for h in json.loads(result.stdout)) == ["Fraction Wall", "Kahoot!"]
    assert "nothing has every word of the search" in result.stderr
    too_long = run("search", "x" * 501)
    assert too_long.exit_code == 2 and too_long.output.count("Error:") == 1


def test_a_thing_featured_in_many_issues_is_one_hit_with_every_issue(two_sent, run):
    source = (two_sent / "issues" / "2026-11-27.md").read_text()
    for n in range(3, 43):
        date = dt.date(2026, 11, 27) + dt.timedelta(days=7 * (n - 2))
        write(two_sent / "issues" / f"{date}.md", source.replace("number: 2\n", f"number: {n}\n"))
    found = hits(run, "review OR fractions", "--limit", "2")
    assert [h["name"] for h in found] == ["Fraction Wall", "Kahoot!"] or [
        h["name"] for h in found
    ] == ["Kahoot!", "Fraction Wall"]
    (kahoot,) = [h for h in found if h["name"] == "Kahoot!"]
    assert [f["number"] for f in kahoot["featured"]] == list(range(2, 43))
    shown = run("search", "review").stdout
    assert re.search(
        r"featured in #2 \(.{10}\), #3 \(.{10}\), \.\.\., #41 \(.{10}\), "
        r"#42 \(.{10}\) \(41 issues\)\n",
        shown,
    ), shown


def test_a_folder_or_broken_link_where_an_issue_should_be_is_named(two_sent, run):
    (two_sent / "issues" / "2026-12-11.md").mkdir()
    (two_sent / "issues" / "2026-12-18.md").symlink_to(two_sent / "nowhere.md")
    searched = run("search", "fractions")
    assert searched.exit_code == 0 and "Fraction Wall" in searched.stdout
    assert "ws/issues/2026-12-11.md, ws/issues/2026-12-18.md: could not be read" in searched.stderr
    listed = run("list")
    assert listed.exit_code == 2 and "#1 " in listed.stdout and "#2 " in listed.stdout
    assert listed.stderr.count("Error: ws/issues/2026-12-11.md: not a file") == 1
    checked = run("check")
    assert checked.output.count(": not a file") == 2


def test_or_and_not_typed_in_lower_case_and_a_stem_the_stemmer_misses(two_sent, run):
    assert [h["name"] for h in hits(run, "fractions not wall")] == []
    assert sorted(h["name"] for h in hits(run, "fractions or review")) == [
        "Fraction Wall",
        "Kahoot!",
    ]
    run("add-tool", "Quizlet", "--url", "https://quizlet.com", "--summary", "Flashcard quizzes.")
    assert [h["name"] for h in hits(run, "flashcard quiz")] == ["Quizlet"]  # quizzes: 'quizz'


def test_a_pipe_where_an_issue_should_be_is_named_not_waited_for(two_sent, run):
    os.mkfifo(two_sent / "issues" / "2026-12-11.md")
    listed = run("list")
    assert listed.exit_code == 2
    assert "Error: ws/issues/2026-12-11.md: not a file" in listed.stderr
    assert "ws/issues/2026-12-11.md" in run("search", "fractions").stderr


def test_a_broken_link_is_named_by_its_own_name(two_sent, run):
    (two_sent / "issues" / "2026-12-18.md").symlink_to("/nonexistent/x.md")
    assert "Error: ws/issues/2026-12-18.md: not a file" in run("list").stderr


def test_a_teachers_question_finds_the_tool_before_the_request(workspace, run):
    assert run("request", "something for fraction practice", "--grades", "3").exit_code == 0
    assert run("add-tool", "Fraction Bars", "--url", "https://fractionbars.example.org",
               "--summary", "Fraction bars to drag and compare.", "--grades", "3",
               "--answers", "R1").exit_code == 0  # fmt: skip
    tiles = ("Algebra Tiles", "--url", "https://tiles.example.org", "--summary",
             "Fraction and algebra tiles.", "--grades", "8")  # fmt: skip
    assert run("add-tool", *tiles).exit_code == 0
    for question in ("is there something for fractions in 3rd grade?", "fraction 3rd grade",
                     "fractions for third graders"):  # fmt: skip
        found = hits(run, question)
        assert [h["kind"] for h in found][:2] == ["tool", "request"], (question, found)
        assert found[0]["name"] == "Fraction Bars"
        assert "Algebra Tiles" not in [h["name"] for h in found]  # grade 8: not 3rd grade
    said = run("search", "fractions", "middle", "school")
    assert "Grades 6-8 (from 'middle school')." in said.stderr
    assert "Algebra Tiles" in said.stdout
    assert hits(run, '"3rd grade"') == []  # a phrase is searched as written


def test_a_name_like_one_waiting_in_the_notes_is_asked_about_too(workspace, run):
    canva = ("Canva for Education", "--url", "https://www.canva.com/education/", "--summary", "D.")
    assert run("add-tool", *canva).exit_code == 0
    result = run("add-tool", "Canva", "--url", "https://canva.com", "--summary", "D.")
    assert result.exit_code == 0  # without a terminal: said, and added
    assert "'Canva for Education' is in your notes already (ws/notes/tools.yaml:" in (result.stderr)
    assert "is 'Canva' the same tool?" in result.stderr


def test_an_event_found_says_when_it_is(workspace, run):
    talk = ("Tech Talk: Desmos", "--when", "2026-12-10 12:00", "--place", "Library")
    assert run("add-event", *talk).exit_code == 0
    (hit,) = hits(run, "desmos")
    assert hit["kind"] == "event" and hit["when"] == "Thu Dec 10, 2026 12:00 CST"
    assert "on Thu Dec 10, 2026 12:00 CST; in your notes" in run("search", "desmos").stdout
