"""The public web archive: pages, feed, calendar, search, and nothing private on it.
Looked at in Debian's Chromium (Playwright) over a loopback HTTP server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import icalendar
import pytest

from tests.conftest import write
from tests.feedserver import Route, rss
from tests.test_email import browser  # noqa: F401 - the module's Chromium fixture
from tests.test_requests import sent

STAFF_ADDRESS = "malvarez@maplevalley.example.org"


@pytest.fixture
def site(workspace, run) -> Path:
    """Two sent issues and a draft: tools (one answering a named teacher's request),
    a talk, and a staff list with addresses that must never reach the site."""
    (workspace / "staff.csv").write_text(f"email,name\n{STAFF_ADDRESS},Maria Alvarez\n")
    settings = workspace / "newsletter.yaml"
    settings.write_text(
        settings.read_text() + "\nsite:\n  base_url: https://news.example.org/tech/\n"
    )
    assert run("request", "fraction practice", "--from", "Ms. Secretname, 4th grade").exit_code == 0
    tools = [
        ("Fraction Wall", "https://fractionwall.example.org", "3-5", "Math", "free", "R1"),
        ("Lab Sim", "https://labsim.example.org", "9-12", "Science", "paid", ""),
    ]
    for date, (name, url, grades, subject, cost, answers) in zip(
        ("2026-11-20", "2026-11-27"), tools, strict=True
    ):
        summary = f"{name} for fractions practice." if "Fraction" in name else f"{name} for labs."
        args = ["add-tool", name, "--url", url, "--summary", summary, "--grades", grades,
                "--subjects", subject, "--cost", cost,
                "--requested-by", "Mr. Hiddenname"]  # fmt: skip
        if answers:
            args += ["--answers", answers]
        assert run(*args).exit_code == 0
        assert run("build", "--offline", "--date", date).exit_code == 0
        sent(workspace, date)
    assert run("add-tool", "Draft Tool", "--url", "https://draft.example.org",
               "--summary", "Not sent yet.").exit_code == 0  # fmt: skip
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    result = run("site")
    assert result.exit_code == 0, result.output
    assert "2 issues, 2 tools" in result.stderr
    return workspace / "site"


def test_the_site_has_the_sent_issues_and_their_tools(site):
    index = (site / "index.html").read_text()
    assert "#1" in index and "#2" in index and "#3" not in index  # never a draft
    assert (site / "issues" / "2026-11-20.html").is_file()
    assert not (site / "issues" / "2026-12-04.html").exists()
    issue = (site / "issues" / "2026-11-20.html").read_text()
    assert (
        "Fraction Wall" in issue and "a teacher asked for &ldquo;fraction practice&rdquo;" in issue
    )
    (tool_page,) = site.glob("tools/fractionwall-*.html")
    text = tool_page.read_text()
    assert "3-5" in text and "Free" in text and "issues/2026-11-20.html" in text
    catalog = (site / "tools.html").read_text()
    assert '<label for="grade">' in catalog and "Lab Sim" in catalog and "Draft Tool" not in catalog


def test_nothing_private_reaches_the_site(site):
    for path in site.rglob("*"):
        if path.is_file() and "pagefind" not in path.parts:
            text = path.read_text(errors="replace")
            for secret in (
                STAFF_ADDRESS,
                "Maria Alvarez",
                "Secretname",
                "Hiddenname",
                "Draft Tool",
            ):
                assert secret not in text, (path, secret)


def test_the_feed_is_valid_atom_with_absolute_links(site):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert [e.link for e in feed.entries] == [
        "https://news.example.org/tech/issues/2026-11-27.html",
        "https://news.example.org/tech/issues/2026-11-20.html",
    ]


def test_every_internal_link_resolves(site):
    class Links(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("href", "src") and value:
                    self.found.append(value)

    checked = 0
    for page in site.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        parser = Links()
        parser.feed(page.read_text())
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme or link.startswith(("#", "mailto:")):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.exists(), f"{page.relative_to(site)} links to {link}, which is missing"
            checked += 1
    assert checked > 10


def test_the_calendar_is_there(site):
    calendar = icalendar.Calendar.from_ical((site / "events.ics").read_bytes())
    assert calendar["METHOD"] == "PUBLISH"


def test_a_rebuild_writes_only_what_changed(site, run):
    again = run("site")
    assert again.exit_code == 0
    assert "Wrote 0 files (8 unchanged)" in again.stderr


@pytest.fixture
def served(site):
    with serving(site) as address:
        yield address


@contextlib.contextmanager
def serving(folder: Path):
    """A folder served over HTTP on loopback, as a web server would (Pagefind's
    script does not run from file://)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def read_in_chromium(chromium, url: str, widths=(1000, 375)) -> str:
    """The page at each width, with axe's violations none and nothing wider than the
    window; its main text (as a reader sees it)."""
    axe = pytest.importorskip("axe_playwright_python.sync_playwright", reason="no axe")
    text = ""
    for width in widths:
        page = chromium.new_page(viewport={"width": width, "height": 900})
        page.goto(url)
        violations = [(v["id"], v["help"]) for v in axe.Axe().run(page).response["violations"]]
        assert violations == [], (url, width, violations)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (url, width)
        text = page.inner_text("main")
        page.close()
    return text


def test_pages_pass_axe_and_fit_a_phone(browser, served):  # noqa: F811
    for path in ("index.html", "issues/2026-11-20.html", "tools.html"):
        read_in_chromium(browser, served + path)


def test_searching_fractions_on_the_index_finds_the_fractions_tool(browser, served):  # noqa: F811
    pytest.importorskip(
        "pagefind", reason="Pagefind is not installed (pip install 'pagefind[bin]')"
    )
    page = browser.new_page()
    page.goto(served + "index.html")
    page.fill(".pagefind-ui__search-input", "fractions")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=30_000)
    titles = " ".join(page.locator(".pagefind-ui__result-link").all_inner_texts())
    assert "Fraction Wall" in titles, titles
    page.close()


def test_the_catalog_filters_by_grade(browser, served):  # noqa: F811
    page = browser.new_page()
    page.goto(served + "tools.html")
    page.select_option("#grade", "10")
    visible = [t for t in page.locator("#tools li:not([hidden])").all_inner_texts() if t]
    assert len(visible) == 1 and visible[0].startswith("Lab Sim")
    page.close()


def test_subjects_are_one_vocabulary_and_a_tool_for_all_is_under_each(workspace, run, browser):  # noqa: F811
    tools = [("Padlet", "All"), ("Kami", "all subjects"), ("Desmos", "maths"),
             ("Wixie", "Mathematics, Art"), ("Lab Sim", "Science")]  # fmt: skip
    for name, subjects in tools:
        address = f"https://{name.lower().replace(' ', '')}.example.org"
        result = run("add-tool", name, "--url", address, "--summary", "A tool.",
                     "--subjects", subjects)  # fmt: skip
        assert result.exit_code == 0, result.output
    import yaml

    written = yaml.safe_load((workspace / "notes" / "tools.yaml").read_text())
    assert [t["subjects"] for t in written] == [
        ["All subjects"],
        ["All subjects"],
        ["Math"],
        ["Math", "Art"],
        ["Science"],
    ]
    # Written by hand the old way too: read into the vocabulary.
    notes = workspace / "notes" / "tools.yaml"
    notes.write_text(notes.read_text().replace("- Science", "- science").replace(
        "subjects: [Science]", "subjects: [science]"))  # fmt: skip
    assert run("build", "--offline", "--date", "2026-11-27").exit_code == 0
    sent(workspace, "2026-11-27")
    for subject in ("math", "Mathematics", "maths"):
        rows = json.loads(run("tools", "--format", "json", "--subject", subject).stdout)
        assert sorted(r["name"] for r in rows) == ["Desmos", "Kami", "Padlet", "Wixie"], subject
    rows = json.loads(run("tools", "--format", "json", "--subject", "science").stdout)
    assert sorted(r["name"] for r in rows) == ["Kami", "Lab Sim", "Padlet"]
    assert run("site").exit_code == 0
    page_html = (workspace / "site" / "tools.html").read_text()
    choices = re.findall(
        r"<option>([^<]+)</option>", page_html.split('id="subject"')[1].split("</select>")[0]
    )
    assert choices == ["Art", "Math", "Science"]
    with serving(workspace / "site") as address:
        page = browser.new_page()
        page.goto(address + "tools.html")
        page.select_option("#subject", "Math")
        visible = [
            t.split()[0] for t in page.locator("#tools li:not([hidden])").all_inner_texts() if t
        ]
        assert sorted(visible) == ["Desmos", "Kami", "Padlet", "Wixie"]
        page.select_option("#subject", "Art")
        visible = [
            t.split()[0] for t in page.locator("#tools li:not([hidden])").all_inner_texts() if t
        ]
        assert sorted(visible) == ["Kami", "Padlet", "Wixie"]
        page.close()


def test_a_date_is_not_needed_for_a_workspace_without_a_base_url(workspace, run):
    assert run("site").exit_code == 0
    feed = feedparser.parse((workspace / "site" / "feed.xml").read_bytes())
    assert feed.bozo == 0 and feed.entries == []


# --- rebuilding: only what changed -----------------------------------------------------


def _files(site: Path) -> dict[Path, tuple[int, int]]:
    """Each file with its inode and time: a page written again has a new one of either."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def small_bundles(site, run, monkeypatch):
    """The site made again in search bundles of two pages (and one recent page), so
    that four pages make two bundles."""
    pytest.importorskip(
        "pagefind", reason="Pagefind is not installed (pip install 'pagefind[bin]')"
    )
    from newsletter.site import search as site_search

    monkeypatch.setattr(site_search, "RECENT_PAGES", 1)
    monkeypatch.setattr(site_search, "BUNDLE_PAGES", 2)
    (site / ".site-manifest.json").unlink()
    assert run("site").exit_code == 0
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == ["1", "2"]
    return site


def test_a_new_issue_makes_its_pages_and_indexes_one_search_bundle(small_bundles, run, workspace):
    site = small_bundles
    before = _files(site)
    sent(workspace, "2026-12-04")  # the draft goes out: one issue, one new tool
    result = run("site")
    assert result.exit_code == 0, result.output
    after = _files(site)
    changed = {str(p.relative_to(site)) for p in after if before.get(p) != after[p]}
    pages = {name for name in changed if not name.startswith("pagefind/")}
    (draft_tool,) = [p.name for p in site.glob("tools/drafttool-*.html")]
    assert pages == {
        "issues/2026-12-04.html", f"tools/{draft_tool}", "index.html", "tools.html",
        "feed.xml", ".site-manifest.json",
    }  # fmt: skip
    # The two new pages fill a new bundle; the bundles of the past are not touched.
    assert {name.split("/")[1] for name in changed if name.startswith("pagefind/")} == {"3"}
    assert "Wrote 5 files (5 unchanged)" in result.stderr


def test_the_search_box_searches_every_bundle(small_bundles, run, workspace, browser):  # noqa: F811
    sent(workspace, "2026-12-04")
    assert run("site").exit_code == 0
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(small_bundles))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        for word, name in (("fractions", "Fraction Wall"), ("labs", "Lab Sim"),
                           ("sent", "Draft Tool")):  # fmt: skip
            page.fill(".pagefind-ui__search-input", word)
            page.wait_for_selector(f".pagefind-ui__result-link:has-text('{name}')", timeout=30_000)
        page.close()
    finally:
        server.shutdown()


def test_a_changed_template_makes_every_page_again(site, run, workspace):
    before = _files(site)
    template = workspace / "templates" / "site" / "tool.html.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    builtin = Path(__file__).parent.parent / "newsletter" / "templates" / "site" / "tool.html.j2"
    template.write_text(builtin.read_text().replace("<h2>Featured in</h2>", "<h2>Seen in</h2>"))
    assert run("site").exit_code == 0
    tool_pages = list(site.glob("tools/*.html"))
    assert len(tool_pages) == 2
    for page in tool_pages:
        assert "<h2>Seen in</h2>" in page.read_text() and _files(site)[page] != before[page]


def test_a_damaged_record_or_a_missing_page_is_made_again(site, run):
    (site / ".site-manifest.json").write_text('{"version": 1, "issues": [')
    (tool_page,) = site.glob("tools/labsim-*.html")
    text = tool_page.read_text()
    tool_page.unlink()
    result = run("site")
    assert result.exit_code == 0, result.output
    assert tool_page.read_text() == text
    assert "Wrote 1 file (" in result.stderr
    assert run("site").stderr.startswith("Wrote 0 files")


# --- a site that was damaged, stopped or shared --------------------------------------


def test_a_deleted_search_index_is_made_again(site, run):
    pytest.importorskip("pagefind", reason="Pagefind is not installed (pip install pagefind)")
    import shutil

    shutil.rmtree(site / "pagefind")
    assert run("site").exit_code == 0
    assert (site / "pagefind" / "0" / "pagefind-entry.json").is_file()


def test_a_run_stopped_halfway_leaves_nothing_stale(site, run, workspace, monkeypatch):
    import newsletter.site.build as site_module

    issue = workspace / "issues" / "2026-11-27.md"
    original = issue.read_text()
    issue.write_text(original.replace("Lab Sim for labs.", "Lab Sim TYPOwrongword."))

    def stopped(*args):
        raise KeyboardInterrupt  # Ctrl-C while Pagefind indexes

    monkeypatch.setattr(site_module, "index_bundles", stopped)
    assert run("site").exit_code != 0  # Click's "Aborted!"
    assert "TYPOwrongword" in (site / "issues" / "2026-11-27.html").read_text()
    monkeypatch.undo()
    issue.write_text(original)  # the edit undone
    assert run("site").exit_code == 0
    for page in (site / "issues" / "2026-11-27.html", *site.glob("tools/labsim-*.html")):
        assert "TYPOwrongword" not in page.read_text(), page
    assert not list(site.parent.glob(".site-pagefind-*"))


def test_two_runs_for_one_folder_take_turns(site, run, workspace, monkeypatch):
    import fcntl

    import newsletter.site.build as site_module
    from newsletter.site.plan import digest

    monkeypatch.setattr(site_module, "SITE_WAIT", 0.2)
    lock = workspace / ".newsletter" / f"site-{digest(str(site.resolve()))[:12]}.lock"
    with lock.open("a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # another run is writing
        result = run("site")
    assert result.exit_code == 1
    assert "another 'newsletter site' is writing ws/site; nothing was done." in result.output


def test_only_the_index_links_the_search_box(site):
    for page in site.rglob("*.html"):
        if "pagefind" not in page.parts:
            linked = "pagefind-ui.css" in page.read_text()
            assert linked == (page.name == "index.html"), page


def test_a_copy_of_an_issue_is_not_published(site, run, workspace):
    (workspace / "issues" / "2026-11-27-backup.md").write_text(
        (workspace / "issues" / "2026-11-27.md").read_text()
    )
    result = run("site")
    assert "2026-11-27-backup.md is named like an edition it was not built as" in result.output
    assert not (site / "issues" / "2026-11-27-backup.html").exists()


def test_a_left_out_section_is_nowhere_on_the_site(workspace, run):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "\nsite:\n  exclude_sections: [tools]\n")
    run("add-tool", "Secret Tool", "--url", "https://secret.example.org", "--summary", "Hidden.")
    run("add-tip", "Mute the class with one click.", "--title", "Mute")
    assert run("build", "--offline", "--date", "2026-11-27").exit_code == 0
    sent(workspace, "2026-11-27")
    assert run("site").exit_code == 0
    for path in (workspace / "site").rglob("*"):
        if path.is_file() and "pagefind" not in path.parts:
            assert "Secret Tool" not in path.read_text(errors="replace"), path
    assert "a tip of the week" in (workspace / "site" / "feed.xml").read_text()


@pytest.mark.parametrize(
    "left_out, gone",
    [(["tools"], "tools.html"), (["events"], "events.ics"), (["tools", "events"], None)],
)
def test_no_page_links_to_what_a_left_out_section_would_have_made(workspace, run, left_out, gone):
    run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    run("add-event", "Tech Talk", "--when", "2026-12-10 12:00")
    assert run("build", "--offline", "--date", "2026-11-27").exit_code == 0
    sent(workspace, "2026-11-27")
    assert run("site").exit_code == 0
    out = workspace / "site"
    assert (out / "tools.html").is_file() and (out / "events.ics").is_file()
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + f"\nsite:\n  exclude_sections: {left_out}\n")
    assert run("site").exit_code == 0
    pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
    for page in pages:
        for target in re.findall(r'href="([^"#]+)"', page.read_text()):
            if not target.startswith(("http", "mailto:")):
                assert (page.parent / target).exists(), (page.name, target)  # no broken link
    for name in [gone] if gone else ["tools.html", "events.ics"]:
        assert not (out / name).exists()


def test_a_record_naming_pages_outside_the_site_is_not_trusted(site, run, tmp_path):
    import json

    manifest = site / ".site-manifest.json"
    record = json.loads(manifest.read_text())
    record["tools"] = {key: "../../escaped" for key in record["tools"]}
    record["search"]["bundles"] = {"0": [["not", "a", "page"]]}
    manifest.write_text(json.dumps(record))
    result = run("site")
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.rglob("escaped*"))
    assert len(list(site.glob("tools/*.html"))) == 2


def test_a_tools_featured_in_list_is_not_searched(site):
    (page,) = site.glob("tools/fractionwall-*.html")
    assert "<div data-pagefind-ignore>\n<h2>Featured in</h2>" in page.read_text()


def test_a_places_link_is_a_link_on_the_site_too(workspace, run):
    run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    place = "Library, room 114 or https://meet.google.com/abc-defg-hij"
    assert run("add-event", "Tech Talk", "--when", "2026-12-10 12:00", "--place", place,
               "--force").exit_code == 0  # fmt: skip
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    sent(workspace, "2026-12-04")
    assert run("site").exit_code == 0
    page = (workspace / "site" / "issues" / "2026-12-04.html").read_text()
    assert 'room 114 or <a href="https://meet.google.com/abc-defg-hij">' in page


def test_the_site_says_how_to_look_at_it_and_warns_without_a_base_url(workspace, run):
    result = run("site")
    assert result.exit_code == 0
    assert "newsletter.yaml has no site.base_url, so the feed's links are relative" in (
        result.stderr
    )
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "\nsite:\n  base_url: https://news.example.org/\n")
    again = run("site")
    assert "site.base_url" not in again.stderr
    searchable = "no search" not in again.stderr  # Pagefind made the search: say how to use it
    assert ("serve it: newsletter site --serve" in again.stderr) is searchable


def test_an_issue_page_shows_what_its_email_showed(workspace, run, feed_server, browser):  # noqa: F811
    """The picture, Works on, For students, the idea, the sign-up and calendar links,
    the posts' summaries, a citizenship post in its own section, the email's colours
    and logo: on the issue's page as in its email; and the search's text keeps the
    facts' words apart."""
    feed_server.routes["/blog.xml"] = Route(
        rss(
            "Room 12 Tech",
            [
                {
                    "title": "Five exit tickets",
                    "link": "https://blog.example.org/exit",
                    "date": "Mon, 30 Nov 2026 10:00:00 GMT",
                    "description": "Quick checks for understanding that take two minutes.",
                },
            ],
        )
    )
    feed_server.routes["/cs.xml"] = Route(rss("Common Sense", [
        {"title": "Talking about AI images", "link": "https://cs.example.org/ai",
         "date": "Mon, 30 Nov 2026 11:00:00 GMT",
         "description": "A lesson on telling real photos from made ones."},
    ]))  # fmt: skip
    write(workspace / "feeds.yaml", f"""
        feeds:
          - name: Room 12 Tech
            url: {feed_server.url('/blog.xml')}
          - name: Common Sense
            url: {feed_server.url('/cs.xml')}
            section: citizenship
    """)  # fmt: skip
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + """
colors:
  accent: "#7a1f3d"
logo:
  url: https://www.maplevalley.example.org/logo.png
  alt: Maple Valley Schools
  width: 180
""")  # fmt: skip
    assert run("vet", "Padlet", "--url", "https://padlet.com", "--status", "approved",
               "--grades", "K-12").exit_code == 0  # fmt: skip
    added = run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A shared wall.",
                "--grades", "3-5", "--subjects", "Math", "--platforms", "web, iPad",
                "--idea", "Exit tickets on a wall.", "--image", "https://img.example.org/padlet.png",
                "--image-alt", "A Padlet wall of sticky notes")  # fmt: skip
    assert added.exit_code == 0, added.output
    event = run("add-event", "Tech Talk: Forms", "--when", "2026-12-10 12:00", "--end", "12:40",
                "--place", "Library", "--signup", "https://forms.example.org/talk")  # fmt: skip
    assert event.exit_code == 0, event.output
    built = run("build", "--date", "2026-12-04")
    assert built.exit_code == 0, built.output
    sent(workspace, "2026-12-04")
    assert run("site").exit_code == 0
    email = (workspace / ".newsletter" / "out" / "2026-12-04.html").read_text()
    page = (workspace / "site" / "issues" / "2026-12-04.html").read_text()
    for shown in ("https://img.example.org/padlet.png", "A Padlet wall of sticky notes",
                  "Works on", "web, iPad", "For students", "Exit tickets on a wall.",
                  "https://forms.example.org/talk", "https://calendar.google.com/",
                  "https://outlook.", "Quick checks for understanding that take two minutes.",
                  "A lesson on telling real photos from made ones.",
                  "https://www.maplevalley.example.org/logo.png", "#7a1f3d"):  # fmt: skip
        assert shown in email, shown
        assert shown in page, shown
    # The citizenship post is under Digital citizenship, not under the blogs.
    sections = dict(re.findall(r"<h2>([^<]+)</h2>(.*?)(?=<h2>|</main>)", page, re.S))
    citizenship = next(body for title, body in sections.items() if "citizenship" in title.lower())
    blogs = next(body for title, body in sections.items() if "blogs" in title.lower())
    assert "Talking about AI images" in citizenship and "Talking about AI images" not in blogs
    assert "Five exit tickets" in blogs

    class Text(HTMLParser):  # the text as a search engine reads it: the nodes, as they are
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

    reader = Text()
    reader.feed(page)
    text = "".join(reader.parts)
    for glued in ("Grades3", "3-5Subjects", "MathCost", "SubjectsMath", "iPadFor"):
        assert glued not in text, glued
    with serving(workspace / "site") as address:
        seen = read_in_chromium(browser, address + "issues/2026-12-04.html")
        assert "Sign up" in seen and "Works on" in seen
        index = read_in_chromium(browser, address + "index.html")
        assert index.count("Dec 4, 2026") == 1, index  # the subject says the date once
    opml = (workspace / "site" / "blogs.opml").read_text()
    assert (
        feed_server.url("/blog.xml") in opml
        and "blogs.opml" in (workspace / "site" / "index.html").read_text()
    )


def test_site_serve_serves_the_folder_on_loopback_until_ctrl_c(workspace, run):
    import urllib.request

    from tests.conftest import Terminal

    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    terminal = Terminal(["-m", "newsletter", "site", "--serve", "--port", "0"], env)
    terminal.read_until(b"Ctrl-C stops it.", timeout=60)
    address = re.search(rb"at (http://[0-9.]+:\d+/)", terminal.output)[1].decode()
    assert address.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(address + "index.html", timeout=10) as response:
        assert response.status == 200
        assert b"<h1>Tech Tidbits</h1>" in response.read()
    os.write(terminal.fd, b"\x03")  # Ctrl-C, as typed
    terminal.read_until(b"Stopped serving the site.")
    assert terminal.exit_code() == 0
