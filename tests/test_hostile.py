"""Hostile and careless input, as a tester trying to break the tool writes it.

Each case changes a working workspace, runs one command, and expects: the exit
status, one line that says what and where (file:line where there is a file), no
traceback, and no file of the workspace changed by the failed command."""

# ruff: noqa: E501 - the table of cases reads best with one case a line

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import write

FRIDAY = "2026-11-27"


@dataclass
class Case:
    name: str
    setup: Callable[[Path], None]
    args: list[str]
    code: int
    says: str  # a part of the one line that explains
    never: str = ""  # what the output must not show (a password, say)

    def __str__(self) -> str:
        return self.name


def nothing(ws: Path) -> None:
    pass


def settings(extra: str) -> Callable[[Path], None]:
    def change(ws: Path) -> None:
        path = ws / "newsletter.yaml"
        path.write_text(path.read_text() + textwrap.dedent(extra).lstrip("\n"))

    return change


def replace_in(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(ws: Path) -> None:
        path = ws / name
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))

    return change


def file(name: str, text: str | bytes) -> Callable[[Path], None]:
    def change(ws: Path) -> None:
        path = ws / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"))

    return change


def tool(extra: str = "", name: str = "Zeta") -> Callable[[Path], None]:
    entry = f"- name: {name}\n  url: https://zeta.example.org\n" + extra
    return file("notes/tools.yaml", entry)


def archived(ws: Path) -> Path:
    return ws / "issues" / f"{FRIDAY}.md"


def in_archive(old: str, new: str) -> Callable[[Path], None]:
    def change(ws: Path) -> None:
        replace_in(f"issues/{FRIDAY}.md", old, new)(ws)

    return change


CASES = [
    # --- header injection and addresses --------------------------------------------
    Case(
        "from with a line break",
        replace_in("newsletter.yaml", 'from: "Tech', 'from: "News\\r\\nBcc: x <n@x.org>"\n#: "'),
        ["check"],
        2,
        "newsletter.yaml:",
    ),
    Case(
        "list_address with a Bcc",
        settings('send:\n  list_address: "all@maplevalley.example.org\\r\\nBcc: evil@x.org"\n'),
        ["check"],
        2,
        "send field 'list_address': contains control characters",
    ),
    Case(
        "reply_to not an address",
        replace_in("newsletter.yaml", "reply_to: ", "reply_to: nobody at all\n#: "),
        ["check"],
        2,
        "field 'reply_to': 'nobody at all' is not one clear address",
    ),
    Case(
        "editor email not an address",
        replace_in("newsletter.yaml", "you@your-district.example.org", "you@"),
        ["check"],
        2,
        "editor field 'email'",
    ),
    Case(
        "title with a line break",
        replace_in("newsletter.yaml", 'title: "Tech Tidbits"', 'title: "Tech\\nTidbits"'),
        ["check"],
        2,
        "newsletter.yaml:4: newsletter.yaml field 'title': contains control characters",
    ),
    Case(
        "blank title",
        replace_in("newsletter.yaml", 'title: "Tech Tidbits"', 'title: "   "'),
        ["check"],
        2,
        "is missing the field 'title'",
    ),
    Case(
        "subject with a line break",
        replace_in("newsletter.yaml", 'subject: "', 'subject: "{title}\\r\\nBcc: x@x.org"\n#: "'),
        ["check"],
        2,
        "field 'subject': contains control characters",
    ),
    Case(
        "--to with a trailing newline",
        nothing,
        ["send", "--to", "me@maplevalley.example.org\n"],
        2,
        "--to: ",
    ),
    # --- credentials in addresses ----------------------------------------------------
    Case(
        "add-tool with a password in the url",
        nothing,
        ["add-tool", "Kami", "--url", "https://user:p4ssw0rd@kami.example.org", "--summary", "x"],
        2,
        "--url: 'https://kami.example.org...' carries a user name or password",
        never="p4ssw0rd",
    ),
    Case(
        "a note with a password in the url",
        file("notes/tools.yaml", "- name: Kami\n  url: https://u:p4ssw0rd@kami.example.org\n"),
        ["build", "--offline", "--date", FRIDAY],
        2,
        "notes/tools.yaml:2: tool field 'url'",
        never="p4ssw0rd",
    ),
    # --- blank names and bad bytes -----------------------------------------------------
    Case("blank tool name", nothing, ["add-tool", "   ", "--url", "https://a.org", "--summary", "s"], 2, "NAME is empty"),
    # --- accepted, then every check and build fails: refused when typed instead -------------
    Case("a picture's height no email can hold", nothing, ["add-tool", "K", "--url", "https://k.example.org", "--summary", "s", "--image", "https://k.example.org/k.png", "--image-alt", "K", "--image-height", "99999999"], 2, "--image-height: 99999999 is more than 5000."),
    Case("a picture wider than the column", nothing, ["add-tool", "K", "--url", "https://k.example.org", "--summary", "s", "--image", "https://k.example.org/k.png", "--image-alt", "K", "--image-width", "900"], 2, "--image-width: 900 px is wider than the email's column (536)."),
    Case("who asked, on two lines", nothing, ["request", "Something for comics", "--from", "Ms. A\nBcc: x"], 2, "--from: contains control characters (U+000A), such as a line break"),
    Case("a tool's name on two lines", nothing, ["add-tool", "Two\nlines", "--url", "https://k.example.org", "--summary", "s"], 2, "NAME: contains control characters (U+000A)"),
    Case("an empty --answers", nothing, ["add-tool", "K", "--url", "https://k.example.org", "--summary", "s", "--answers", ""], 2, "--answers: is empty. Hint: give a value, or leave --answers out."),
    Case("an empty --grades among others", nothing, ["add-tool", "K", "--url", "https://k.example.org", "--summary", "s", "--grades", "3-5", "--grades", " "], 2, "--grades: is empty"),
    Case("a name on two lines in the notes file", tool(name='"Two\\nlines"'), ["check"], 2, "tool field 'name': contains control characters (U+000A), such as a line break"),
    Case("a height in the notes file past the limit", tool("  summary: s\n  image: https://zeta.example.org/z.png\n  image_alt: Z\n  image_height: 99999\n"), ["check"], 2, "tool field 'image_height': expected a whole number from 0 to 5000"),
    Case("blank link title", nothing, ["add-link", "  ", "--url", "https://a.org"], 2, "TITLE is empty"),
    Case("blank event title", nothing, ["add-event", " ", "--when", "2026-12-03 12:00"], 2, "TITLE is empty"),
    Case(
        "bytes that are not UTF-8",
        nothing,
        ["add-tool", "Cafe", "--url", "https://cafe.example.org", "--summary", "caf\udce9"],
        2,
        "holds bytes that are not UTF-8 text",
    ),
    Case(
        "escape characters in a note",
        tool('  summary: "Title\\e]0;pwned\\a"\n'),
        ["build", "--offline", "--date", FRIDAY],
        2,
        "notes/tools.yaml:3: tool field 'summary': contains control characters (U+0007, U+001B)",
    ),
    # --- impossible dates --------------------------------------------------------------
    Case(
        "impossible added date",
        tool("  added: 2026-02-30\n"),
        ["build", "--offline", "--date", FRIDAY],
        2,
        "notes/tools.yaml:3: tool field 'added': '2026-02-30' is not a date",
    ),
    Case("build --date 9999-12-31", nothing, ["build", "--date", "9999-12-31"], 2, "--date: 9999-12-31 is not a year from 1900 to 2200"),
    Case("build --date 0001-01-01", nothing, ["build", "--date", "0001-01-01"], 2, "--date: 0001-01-01 is not a year"),
    # --- URLs with bad ports -----------------------------------------------------------
    Case("add-tool port 99999", nothing, ["add-tool", "K", "--url", "https://k.example.org:99999", "--summary", "s"], 2, "--url: 'https://k.example.org:99999' has a port that is not a number"),
    Case(
        "a note with a port that is not a number",
        file("notes/tools.yaml", "- name: K\n  url: https://k.example.org:abc/\n"),
        ["build", "--offline", "--date", FRIDAY],
        2,
        "notes/tools.yaml:2: tool field 'url'",
    ),
    Case(
        "feeds.yaml with port 99999",
        file("feeds.yaml", "feeds:\n  - name: Blog\n    url: https://blog.example.org:99999/feed\n"),
        ["check"],
        2,
        "feeds.yaml:3: feed field 'url'",
    ),
    # --- the archive edited by hand ----------------------------------------------------
    Case("sent_at: yesterday", in_archive("sent_at: null", "sent_at: yesterday"), ["list"], 2, "front matter field 'sent_at': 'yesterday' is not a date and time"),
    Case("sent_at without an offset", in_archive("sent_at: null", "sent_at: '2026-11-27T13:00:00'"), ["list"], 2, "has no UTC offset"),
    Case("status: Sent", in_archive("status: draft", "status: Sent"), ["list"], 2, "front matter field 'status': 'Sent' is not one of: draft, partly sent, sent"),
    Case("unknown front-matter field", in_archive("status: draft", "status: draft\nsent_by: me"), ["list"], 2, "unknown front matter field 'sent_by'"),
    Case("tools: [1]", in_archive("  tools:\n", "  tools: [1]\n  old_tools:\n"), ["list"], 2, "the issue's content is damaged (issue field 'tools': expected the fields of a tool, found 1)"),
    Case("tools: abc", in_archive("  tools:\n", "  tools: abc\n  old_tools:\n"), ["list"], 2, "issue field 'tools': expected a list"),
    Case("masthead: hello", in_archive("  masthead:", "  masthead: hello\n  old_masthead:"), ["list"], 2, "issue field 'masthead': expected the fields of a masthead"),
    Case("impossible archive date", in_archive(f"  date: '{FRIDAY}'", "  date: '2026-02-30'"), ["list"], 2, "issue field 'date': '2026-02-30' is not a date"),
    Case("a cost the email has no words for", in_archive("    cost: ''", "    cost: cheap"), ["check"], 2, "the issue's content is damaged (the tool 'Padlet' costs 'cheap', which is not one of: free, freemium, paid)"),
    Case("grades that are none, in the archive", in_archive("    grades: []", "    grades: [14]"), ["check"], 2, "the issue's content is damaged ("),
    Case("date: not a date", in_archive(f"\ndate: '{FRIDAY}'", "\ndate: not a date"), ["list"], 2, "2026-11-27.md:4: front matter field 'date': 'not a date' is not a date like 2026-11-27"),
    Case("date: not a date, for show", in_archive(f"\ndate: '{FRIDAY}'", "\ndate: not a date"), ["show", "1"], 2, "front matter field 'date': 'not a date' is not a date"),
    Case("a date at the top that is not the content's", in_archive(f"\ndate: '{FRIDAY}'", "\ndate: 2026-12-04"), ["list"], 2, "front matter field 'date': 2026-12-04 is not the date of the issue's content (2026-11-27)"),
    Case(
        "two issues with one number",
        lambda ws: (ws / "issues" / "2026-12-04.md").write_text(archived(ws).read_text().replace(FRIDAY, "2026-12-04")),
        ["list"],
        2,
        "issue #1 is also ws/issues/2026-11-27.md; two issues cannot share a number",
    ),
    # --- template mistakes -------------------------------------------------------------
    Case("a template dividing by zero", file("templates/email.txt.j2", "{{ 1/0 }}\n"), ["build", "--offline", "--date", FRIDAY], 2, "templates/email.txt.j2:1: template error: ZeroDivisionError"),
    Case("a macro that recurses", file("templates/email.txt.j2", "{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n"), ["build", "--offline", "--date", FRIDAY], 2, "template error: it calls or includes itself without end"),
    Case("a template that includes itself", file("templates/email.txt.j2", "x {% include 'email.txt.j2' %}\n"), ["build", "--offline", "--date", FRIDAY], 2, "template error: it calls or includes itself without end"),
    Case("a template that is not UTF-8", file("templates/email.txt.j2", b"caf\xe9 {{ issue.subject }}\n"), ["build", "--offline", "--date", FRIDAY], 2, "templates/email.txt.j2: template error: the file is not UTF-8 text"),
    Case("an empty html template", file("templates/email.html.j2", ""), ["build", "--offline", "--date", FRIDAY], 2, "templates/email.html.j2: template error: it renders nothing"),
    Case(
        "a template reaching for os",
        file("templates/email.txt.j2", '{{ cycler.__init__.__globals__.os.popen("id").read() }}\n'),
        ["build", "--offline", "--date", FRIDAY],
        2,
        "templates/email.txt.j2:1: template error:",
        never="uid=",
    ),
    # --- numbers out of range, values of the wrong kind --------------------------------
    Case("events_days_ahead huge", replace_in("newsletter.yaml", "events_days_ahead: 60", "events_days_ahead: 100000000000"), ["check"], 2, "field 'events_days_ahead': expected a whole number from 1 to 3660"),
    Case("smtp.timeout .inf", settings("smtp:\n  timeout: .inf\n"), ["check"], 2, "smtp field 'timeout': expected a number above 0"),
    Case("feeds.deadline .nan", replace_in("newsletter.yaml", "feeds:\n", "feeds:\n  deadline: .nan\n"), ["check"], 2, "feeds field 'deadline': expected a number above 0"),
    Case("smtp.port 70000", settings("smtp:\n  port: 70000\n"), ["check"], 2, "smtp field 'port': expected a whole number from 0 to 65535"),
    Case("show with a superscript digit", nothing, ["show", "²"], 2, "No issue '²' in the archive"),
    Case("a YAML key that is a list", settings("[a, b]: 1\n"), ["check"], 2, "a field name must be a word"),
    Case("subjects as a mapping", tool("  subjects: {a: 1}\n"), ["build", "--offline", "--date", FRIDAY], 2, "tool field 'subjects': expected a list of words, found a mapping or a nested list"),
    Case("a !!binary value", tool("  summary: !!binary aGVsbG8=\n"), ["build", "--offline", "--date", FRIDAY], 2, "notes/tools.yaml:3: '!!binary' values are not used here"),
    Case("a !!set value", tool("  subjects: !!set {a, b}\n"), ["build", "--offline", "--date", FRIDAY], 2, "'!!set' values are not used here"),
    Case("sections twice", replace_in("newsletter.yaml", "sections: [intro, tools", "sections: [tools, tools"), ["check"], 2, "field 'sections': 'tools' is listed twice"),
    Case("sections empty", replace_in("newsletter.yaml", "sections: [intro, tools, events, tip, citizenship, links, feeds]", "sections: []"), ["check"], 2, "field 'sections': no sections given"),
    Case("include as a mapping", file("feeds.yaml", "feeds:\n  - name: Blog\n    url: https://blog.example.org/feed\n    include: {x: 1}\n"), ["check"], 2, "feeds.yaml:4: feed field 'include': expected a list of words, found a mapping"),
    Case("an entry that is not a mapping", file("notes/tools.yaml", "- name: A\n  url: https://a.example.org\n- just text\n"), ["build", "--offline", "--date", FRIDAY], 2, "notes/tools.yaml:3: expected an entry as 'field: value' lines, found the text 'just text'"),
    Case("an unclosed comment in intro.md", file("notes/intro.md", "Hello staff!\n\n<!-- a note to self\nMore news.\n"), ["build", "--offline", "--date", FRIDAY], 2, "notes/intro.md:3: a comment '<!--' is never closed"),
    Case("--to given empty (an unset variable in a script)", nothing, ["send", "--to", "", "--yes"], 2, "--to: is empty"),
    Case("build --date empty", nothing, ["build", "--date", ""], 2, "--date: is empty"),
    Case("a colon in from's name would move the address", replace_in("newsletter.yaml", 'from: "Tech', 'from: "Tech Bcc: evil@x.org <news@maplevalley.example.org>"\n#: "'), ["check"], 2, "is not one clear address"),
    Case("two addresses in from", replace_in("newsletter.yaml", 'from: "Tech', 'from: "a@maplevalley.example.org, b@maplevalley.example.org"\n#: "'), ["check"], 2, "is not one clear address"),
    Case("a line separator in the title", replace_in("newsletter.yaml", 'title: "Tech Tidbits"', 'title: "Tech\u2028Bcc: x"'), ["check"], 2, "contains control characters (U+2028)"),
    Case("a !!int that is no number", tool("  summary: !!int abc\n"), ["build", "--offline", "--date", FRIDAY], 2, "a value cannot be read"),
    Case("a 5000-digit number", tool("  summary: " + "9" * 5000 + "\n"), ["build", "--offline", "--date", FRIDAY], 2, "a value cannot be read"),
    Case("yes where text belongs", tool("  privacy: no\n"), ["build", "--offline", "--date", FRIDAY], 2, "tool field 'privacy': reads as false"),
    Case("control characters in an option", nothing, ["add-tool", "K", "--url", "https://k.example.org", "--summary", "x\x1b]0;pwned\x07"], 2, "--summary: contains control characters (U+0007, U+001B)"),
    Case("control characters in intro.md", file("notes/intro.md", "Hello \x1b[2J staff\n"), ["build", "--offline", "--date", FRIDAY], 2, "notes/intro.md:1: contains control characters (U+001B)"),
    Case("a folder where tools.yaml should be", lambda ws: ((ws / "notes" / "tools.yaml").unlink(), (ws / "notes" / "tools.yaml").mkdir()), ["check"], 2, "notes/tools.yaml: not a file"),
    Case("a subject with an escape in the archive", in_archive("  subject: 'Tech", "  subject: \"Hi\\e]0;pwn\\a\"\n  old_subject: 'Tech"), ["list"], 2, "contains control characters"),
    Case("a zone that does not exist in the archive", in_archive("time_zone: America/Chicago", "time_zone: Mars/Base"), ["list"], 2, "the issue's content is damaged"),
    Case("smtp.host with a port", settings("smtp:\n  host: 127.0.0.1:2525\n"), ["check"], 2, "smtp field 'host': '127.0.0.1:2525' has a port"),
    Case("a flow-style tools.yaml cannot be added to", file("notes/tools.yaml", "[{name: A, url: 'https://a.example.org'}]\n"), ["add-tool", "B", "--url", "https://b.example.org", "--summary", "s"], 2, "flow style like [ ... ] is valid YAML, but cannot be added to"),
]  # fmt: skip


@pytest.fixture
def ready(workspace, run):
    """A workspace with a sender, a staff list and one built draft."""
    path = workspace / "newsletter.yaml"
    path.write_text(
        path.read_text().replace(
            "from: ", 'from: "Tech Tidbits <news@maplevalley.example.org>"\n#from: ', 1
        )
    )
    (workspace / "staff.csv").write_text("email,name\na@maplevalley.example.org,A\n")
    added = run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    assert added.exit_code == 0, added.output
    built = run("build", "--offline", "--date", FRIDAY)
    assert built.exit_code == 0, built.output
    return workspace


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".newsletter" not in p.parts
    }


@pytest.mark.parametrize("case", CASES, ids=str)
def test_hostile_input(ready, run, case):
    case.setup(ready)
    before = snapshot(ready)
    result = run(*case.args)
    output = result.output
    assert "Traceback" not in output
    assert result.exit_code == case.code, output
    assert case.says in output, output
    if case.code:
        errors = [line for line in output.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1, output
    if case.never:
        assert case.never not in output
    assert snapshot(ready) == before, "a failed command changed the workspace"


def test_a_title_that_looks_like_a_date_stays_a_title(ready, run):
    tool(name="2026-02-30")(ready)
    result = run("build", "--offline", "--date", FRIDAY, "--force")
    assert result.exit_code == 0, result.output
    assert "### [2026-02-30](https://zeta.example.org)" in archived(ready).read_text()


def test_ten_adds_at_once_keep_all_ten(ready):
    """Each add reads, appends and replaces the file under a lock: none is lost."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(ready)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "newsletter", "add-tool", f"Tool {n}", "--url",
             f"https://tool{n}.example.org", "--summary", "s", "--date", "2026-11-23"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for n in range(10)
    ]  # fmt: skip
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
    import yaml

    entries = yaml.safe_load((ready / "notes" / "tools.yaml").read_text())
    names = sorted(e["name"] for e in entries if e["name"].startswith("Tool "))
    assert names == sorted(f"Tool {n}" for n in range(10))


def test_a_name_with_a_line_break_never_becomes_a_header(ready, run, smtp, monkeypatch):
    from tests.conftest import use

    (ready / "staff.csv").write_text(
        'email,name\na@maplevalley.example.org,"Ann\r\nBcc: evil@x.org\r\nSubject: Hi"\n'
        "b@maplevalley.example.org,Bob\n"
    )
    server = smtp()
    use(monkeypatch, server)
    checked = run("check")
    assert "staff.csv:2: the name of a@maplevalley.example.org contains control characters" in (
        checked.output
    )
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    for got in server.mailbox.received:
        message = got.message
        assert got.rcpt_tos in (["a@maplevalley.example.org"], ["b@maplevalley.example.org"])
        for header in ("Subject", "To", "From", "Reply-To", "Bcc"):
            assert len(message.get_all(header) or []) <= 1, (header, got.data[:600])
        assert message.get_all("Bcc") is None
    assert "evil@x.org" not in b"".join(r.data for r in server.mailbox.received).decode()


def test_markup_pasted_into_a_note_never_runs(ready, run):
    write_tool = tool(
        '  summary: "Great <script>alert(1)</script><iframe src=https://evil.example></iframe>'
        '<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** [ok](https://ok.example.org)"\n'
    )
    write_tool(ready)
    assert run("build", "--offline", "--date", FRIDAY, "--force").exit_code == 0
    html = (ready / ".newsletter" / "out" / f"{FRIDAY}.html").read_text()
    for bad in ("<script", "<iframe", "onerror", "javascript:", '<img src="x"'):
        assert bad not in html, bad
    assert "<strong>bold</strong>" in html
    assert 'href="https://ok.example.org"' in html
    # The archive (its data and its markdown body) and the text part keep the
    # cleaned form too: any markdown viewer would run the rest.
    archive = archived(ready).read_text()
    text = (ready / ".newsletter" / "out" / f"{FRIDAY}.txt").read_text()
    for bad in ("<script", "<iframe", "onerror", "javascript:", "alert(1)", "<img"):
        assert bad not in archive, bad
        assert bad not in text, bad
    assert "Great" in text and "click" in text and "<https://ok.example.org>" in text
    assert "<script>alert(1)</script>" in (ready / "notes" / "tools.yaml").read_text()  # kept


def test_a_hand_edited_archive_never_puts_script_on_the_public_site(ready, run):
    from tests.test_requests import sent

    write(ready / "notes" / "links.yaml", "- title: A link\n  url: https://link.example.org\n")
    assert run("build", "--offline", "--date", FRIDAY, "--force").exit_code == 0
    path = archived(ready)
    edited = path.read_text()
    for old, new in (
        ("url: https://padlet.com", "url: javascript:alert(document.cookie)"),
        ("url: https://link.example.org", "url: ' JaVaScRiPt:alert(2)'"),
        ("- name: Padlet", "- name: <img src=x onerror=alert(3)>Padlet"),
    ):
        assert old in edited, old
        edited = edited.replace(old, new)
    path.write_text(edited)
    sent(ready, FRIDAY)
    result = run("site", "--out", str(ready / "site"))
    assert result.exit_code == 0, result.output
    pages = list((ready / "site").glob("issues/*.html")) + list(
        (ready / "site").glob("tools/*.html")
    )
    assert len(pages) >= 2
    for page in pages:
        html = page.read_text().lower()
        for bad in ("javascript:", "<img", "<script"):
            assert bad not in html, (page.name, bad)
    issue_page = next((ready / "site" / "issues").glob("*.html")).read_text()
    assert "&lt;img src=x onerror=alert(3)&gt;Padlet" in issue_page  # a name is text


def test_hostile_feeds_never_stop_the_build(ready, run, feed_server):
    """Each feed below once stopped build with a traceback or put markup, control
    characters or a password into the archive."""
    from tests.feedserver import Route, rss

    date = "Thu, 26 Nov 2026 10:00:00 GMT"
    feed_server.routes["/to-bad-port.xml"] = Route(status=302, location="http://127.0.0.1:99999/")
    feed_server.routes["/to-bad-ipv6.xml"] = Route(status=302, location="http://[::1/")
    feed_server.routes["/items.xml"] = Route(
        rss(
            "Items",
            [
                {"title": "Bad port", "link": "https://blog.example.org:99999/p", "date": date},
                {
                    "title": "Lone &#xD800; surrogate",
                    "link": "https://blog.example.org/s",
                    "date": date,
                },
                {
                    "title": "Bell \x07 and escape \x1b]0;pwned\x07",
                    "link": "https://blog.example.org/e",
                    "date": date,
                },
                {
                    "title": "With a password",
                    "link": "https://u:p4ssw0rd@blog.example.org/pw",
                    "date": date,
                },
            ],
        )
    )
    atom = (
        b"<?xml version='1.0' encoding='utf-8'?>"
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><id>urn:a</id>"
        b"<updated>2026-11-26T10:00:00Z</updated>"
        b"<entry><title type='text'>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:y)</title>"
        b"<link href='https://atom.example.org/1'/><id>urn:1</id>"
        b"<updated>2026-11-26T10:00:00Z</updated></entry></feed>"
    )
    feed_server.routes["/atom.xml"] = Route(atom, content_type="application/atom+xml")
    feeds = "feeds:\n" + "".join(
        f"  - name: {name}\n    url: {feed_server.url(path)}\n"
        for name, path in [
            ("Bad port", "/to-bad-port.xml"),
            ("Bad IPv6", "/to-bad-ipv6.xml"),
            ("Items", "/items.xml"),
            ("Atom", "/atom.xml"),
        ]
    )
    (ready / "feeds.yaml").write_text(feeds)
    result = run("build", "--date", FRIDAY, "--force")
    assert result.exit_code == 0, result.output
    assert (
        "warning: feed 'Bad port' skipped: redirected to an address that is not valid"
        in result.output
    )
    assert (
        "warning: feed 'Bad IPv6' skipped: redirected to an address that is not valid"
        in result.output
    )
    archive = archived(ready).read_text(encoding="utf-8")
    text = (ready / ".newsletter" / "out" / f"{FRIDAY}.txt").read_text()
    shown = run("show", FRIDAY).output
    for where in (archive, text, shown):
        assert "\x1b" not in where and "\x07" not in where
        assert "p4ssw0rd" not in where
    assert "https://blog.example.org/pw" in archive  # the link stays, its password goes
    assert "Lone  surrogate" in archive or "Lone surrogate" in archive
    assert "blog.example.org:99999" not in archive  # a link that is no address is dropped
    import markdown

    body = archive.split("\n---\n", 1)[1]
    html = markdown.markdown(body)
    assert "<script>" not in html and "javascript:" not in html.replace("(javascript:y)", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_notes_file_with_windows_line_endings_keeps_them(ready, run):
    tools = ready / "notes" / "tools.yaml"
    tools.write_bytes(b"# My tools\r\n- name: Zeta\r\n  url: https://zeta.example.org\r\n")
    assert (
        run("add-tool", "Kami", "--url", "https://kami.example.org", "--summary", "s").exit_code
        == 0
    )
    data = tools.read_bytes()
    assert data.startswith(b"# My tools\r\n- name: Zeta\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends the Windows way
    assert data.endswith(b"\r\n") and b"Kami" in data


def test_a_password_keeps_its_spaces(ready, run, smtp, monkeypatch):
    from tests.conftest import use

    server = smtp(login=("techtidbits", "  two spaces  "))
    use(monkeypatch, server, user="techtidbits")
    settings = ready / "newsletter.yaml"
    settings.write_text(
        settings.read_text() + "smtp:\n  password_command: printf '  two spaces  \\n'\n"
    )
    result = run("send", "--yes")
    assert result.exit_code == 0, result.output
    assert server.logins[-1] == "techtidbits:ok"


def test_ssl_against_a_plain_server_is_a_setting_mistake(ready, run, smtp, monkeypatch):
    from tests.conftest import use

    server = smtp()
    use(monkeypatch, server, security="ssl")
    result = run("send", "--yes")
    assert result.exit_code == 1
    assert "does not speak TLS from the start on port" in result.output
    assert "Check smtp.security and smtp.port" in result.output
    assert "temporary failure" not in result.output  # not retried as if it might pass
