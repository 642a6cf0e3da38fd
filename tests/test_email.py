"""The email as readers' software sees it: a real browser at desktop and phone
widths, axe-core for accessibility, SpamAssassin's content checks, Gmail's
clipping size, colours that survive dark mode, and a text part that stands alone."""

import datetime as dt
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner

from newsletter.archive.record import read_archived
from newsletter.cli import cli
from newsletter.email.message import message_for, prepare_email
from newsletter.email.render import RenderedEmail, render_email
from newsletter.email.rendered import GMAIL_CLIP_BYTES
from newsletter.workspace.settings import load_settings
from newsletter.workspace.staff import Recipient
from tests.conftest import REPO
from tests.issues import full_issue

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def example_email(tmp_path_factory) -> RenderedEmail:
    """The repository's example workspace, built offline into a copy."""
    root = tmp_path_factory.mktemp("example")
    for name in ("newsletter.yaml", "staff.csv"):
        shutil.copy(REPO / name, root / name)
    for folder in ("notes", "issues", "templates"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "feeds.yaml").write_text("feeds: []\n")
    result = CliRunner().invoke(
        cli, ["-w", str(root), "build", "--offline", "--date", "2026-12-04"]
    )
    assert result.exit_code == 0, result.output
    out = root / ".newsletter" / "out"
    subject = read_archived(root / "issues" / "2026-12-04.md").issue.subject
    return RenderedEmail(
        subject=subject,
        html=(out / "2026-12-04.html").read_text(),
        text=(out / "2026-12-04.txt").read_text(),
    )


@pytest.fixture(scope="module")
def large_email() -> RenderedEmail:
    return render_email(full_issue(), None)


def dressed_issue():
    """The full issue with everything a reader may see: a logo, brand colours, a
    picture per tool, grades one by one, a place that mixes a room and a link."""
    import dataclasses

    issue = full_issue()
    issue.masthead = dataclasses.replace(
        issue.masthead,
        logo_url="https://www.maplevalley.example.org/logo.png",
        logo_alt="Maple Valley Schools",
        logo_width=180,
        colors={"accent": "#5a1e6e", "link": "#0b5394"},
    )
    for n, tool in enumerate(issue.tools):
        tool.image = f"https://tool{n}.example.org/screenshot.png"
        tool.image_alt = f"A class wall made with tool {n}"
        tool.image_width = 536
        tool.image_height = 302
    issue.tools[0].grades = ["K", "1", "2", "5"]
    issue.events[0].place = "Room 114, or online at https://meet.example.org/abc-defg-hij"
    # What real notes hold: a long name and address, a long description of a picture,
    # and an address pasted into a summary as it is.
    issue.tools[1].name = "Book Creator for Chromebooks, iPads and the web: make and share"
    issue.tools[
        1
    ].url = "https://bookcreator.example.org/for-schools/chromebooks/getting-started-guide"
    issue.tools[1].image_alt = (
        "A second-grade class's book about the water cycle, open on a Chromebook, with "
        "a page of drawings and recorded voices"
    )
    issue.tools[2].summary += (
        " Templates: https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/"
        "edit?usp=sharing"
    )
    return issue


@pytest.fixture(scope="module")
def dressed_email() -> RenderedEmail:
    return render_email(dressed_issue(), None)


@pytest.fixture(params=["example", "large", "dressed"])
def email(request, example_email, large_email, dressed_email) -> RenderedEmail:
    return {"example": example_email, "large": large_email, "dressed": dressed_email}[request.param]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install '.[test]')"
    )
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(browser, html: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_content(html, wait_until="load")
    return page


# --- layout -----------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(html)
    return parser.tags


def test_every_button_is_a_link_all_over(browser, email):
    """A tap anywhere on a button follows it: the link fills its cell, with or
    without the <style> element, on a phone and on a desktop."""
    for html in (email.html, without_style(email.html)):
        for width in (600, 375):
            page = open_page(browser, html, width)
            boxes = page.evaluate(
                "[...document.querySelectorAll('td.button')].map(cell => ["
                "cell.getBoundingClientRect().toJSON(), "
                "cell.querySelector('a').getBoundingClientRect().toJSON()])"
            )
            for cell, link in boxes:
                for side in ("left", "top", "right", "bottom"):
                    assert abs(cell[side] - link[side]) <= 1, (width, side, cell, link)
                assert link["height"] >= 40  # a finger's size
            page.close()
    assert "button" not in email.html or boxes  # the test saw the buttons it checks


def test_no_fluid_picture_has_a_height_and_no_two_headings_read_alike(email):
    for attrs in (a for tag, a in tags(email.html) if tag == "img"):
        assert "height" not in attrs, attrs  # Yahoo squashes it (Outlook has its own copy)
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h3[^>]*>(.*?)</h3>",
                email.html, flags=re.S)]  # fmt: skip
    labels = re.findall(r'aria-label="([^"]+)"', email.html)
    assert len(set(labels)) == len(labels), labels  # each calendar link says its date
    assert headings


def test_two_talks_of_one_title_say_their_dates(workspace, run):
    for when in ("2026-12-10 12:00", "2026-12-17 12:00"):
        assert run("add-event", "Tech Talk", "--when", when, "--signup",
                   "https://forms.example.org/tt").exit_code == 0  # fmt: skip
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    html = (workspace / ".newsletter" / "out" / "2026-12-04.html").read_text()
    headings = re.findall(r"<h3[^>]*>(Tech Talk[^<]*)</h3>", html)
    assert headings == ["Tech Talk – Dec 10", "Tech Talk – Dec 17"], headings
    assert 'aria-label="Sign up for Tech Talk on Dec 10"' in html
    assert 'aria-label="Add Tech Talk on Dec 17 to Google Calendar"' in html


def test_apple_outlook_and_yahoo_are_told_what_they_need(email):
    html = email.html
    assert '<meta name="format-detection" content="telephone=no, date=no, address=no' in html
    assert re.search(r"<style>\s*a\[x-apple-data-detectors\]", html)  # kept as it is
    assert re.search(r"<!--\[if mso\]><style>\* \{ font-family: Arial", html)
    # No margin on a coloured table (Outlook paints it): the facts keep theirs in a cell.
    for attrs in (a for tag, a in tags(html) if tag == "table" and a.get("class") == "facts"):
        assert "margin" not in attrs.get("style", ""), attrs
    # Between the masthead's pieces, each '·' is held to the word before it.
    line = re.search(r'<p class="masthead-line"[^>]*>(.*?)</p>', html, flags=re.S)[1]
    assert "·" in line and not re.search("(?<!\u00a0)·", line)


def test_layout_tables_are_presentation_and_there_is_no_flexbox_or_grid(email):
    tables = [attrs for tag, attrs in tags(email.html) if tag == "table"]
    assert tables
    layout = [attrs for attrs in tables if attrs.get("class") != "facts"]
    assert all(attrs.get("role") == "presentation" for attrs in layout)
    # A tool's facts are a data table: each read with its name ('Grades, 3-5').
    facts = [attrs for attrs in tables if attrs.get("class") == "facts"]
    assert all("role" not in attrs for attrs in facts)
    assert len(re.findall(r'<th scope="row"', email.html)) >= len(facts)
    assert not re.search(r"display\s*:\s*(inline-)?(flex|grid)", email.html)


def test_desktop_600_wide_and_centred(browser, email):
    page = open_page(browser, email.html, 800)
    box = page.evaluate(
        "document.querySelector('table.container').getBoundingClientRect().toJSON()"
    )
    assert box["width"] == 600
    assert abs(box["left"] - (800 - box["right"])) <= 1
    page.close()


def test_phone_one_column_and_nothing_scrolls_sideways(browser, email):
    page = open_page(browser, email.html, 375)
    widths = page.evaluate("""() => ({
        page: document.documentElement.scrollWidth,
        body: document.body.scrollWidth,
        container: document.querySelector('table.container').getBoundingClientRect().width,
        widest: Math.max(...[...document.querySelectorAll('body *')]
                         .map(e => e.getBoundingClientRect().right)),
    })""")
    assert widths["page"] <= 375 and widths["body"] <= 375
    assert widths["container"] <= 375
    assert widths["widest"] <= 375.5
    page.close()


# --- accessibility ------------------------------------------------------------------


def in_webmail(html: str) -> str:
    """The email as a webmail page shows it: its styles in the page's head, its body
    inside the page's own main landmark."""
    head_styles = "".join(re.findall(r"<style[^>]*>.*?</style>", html, flags=re.S))
    body = re.search(r"<body[^>]*>(.*)</body>", html, flags=re.S)[1]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Inbox</title>'
        f"{head_styles}</head><body><header><p>Webmail</p></header><main>{body}</main>"
        "</body></html>"
    )


def test_the_email_has_no_main_landmark_of_its_own(email):
    """Webmail has its main landmark; a second one inside it would mislead."""
    assert not re.search(r'role="main"|<main[\s>]', email.html)
    assert re.search(r'<div role="article" aria-roledescription="email" aria-label="', email.html)


def test_axe_finds_no_violations(browser, email):
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python is not installed"
    )
    for width in (800, 375):
        page = open_page(browser, in_webmail(email.html), width)
        results = axe.Axe().run(page)
        violations = [
            (v["id"], v["help"], [n["html"][:80] for n in v["nodes"][:3]])
            for v in results.response["violations"]
        ]
        assert violations == [], violations
        page.close()


def test_every_image_has_alt_text_and_links_have_text(email):
    for tag, attrs in tags(email.html):
        if tag == "img":
            assert "alt" in attrs, attrs
    for text in re.findall(r"<a [^>]*>(.*?)</a>", email.html, flags=re.S):
        words = re.sub(r"<[^>]+>", "", text).strip().lower()
        assert words and words not in {"here", "click here", "more", "link", "read more"}


# --- dark mode ------------------------------------------------------------------------


def rgb(value: str) -> tuple[int, int, int] | None:
    value = value.strip().lower()
    named = {"white": "#ffffff", "black": "#000000"}
    value = named.get(value, value)
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        value = "#" + "".join(c * 2 for c in value[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", value):
        return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    return None


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    def luminance(color):
        channels = []
        for c in color:
            c = c / 255
            channels.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_no_text_colour_without_its_background_and_no_dark_on_dark(email):
    checked = 0
    for tag, attrs in tags(email.html):
        style = {
            k.strip().lower(): v.strip()
            for k, _, v in (d.partition(":") for d in attrs.get("style", "").split(";"))
            if k.strip()
        }
        if "color" not in style:
            continue
        background = style.get("background-color") or attrs.get("bgcolor", "")
        assert background and background != "transparent", (tag, attrs.get("style"))
        fg, bg = rgb(style["color"]), rgb(background)
        assert fg and bg, (tag, style)
        inverted_fg = tuple(255 - c for c in fg)
        inverted_bg = tuple(255 - c for c in bg)
        assert contrast(fg, bg) >= 4.5, (tag, style)
        assert contrast(inverted_fg, inverted_bg) >= 4.5, (tag, style)  # after inversion
        checked += 1
    assert checked > 10


# --- size and text part -----------------------------------------------------------------


def test_a_full_issue_stays_under_gmails_clipping_size(large_email, dressed_email):
    issue = full_issue()
    assert (len(issue.tools), len(issue.feed_items), len(issue.events)) == (10, 40, 3)
    assert len(large_email.html.encode()) < GMAIL_CLIP_BYTES
    assert len(dressed_email.html.encode()) < GMAIL_CLIP_BYTES  # with a logo and pictures


def test_the_text_part_carries_everything_and_is_wrapped(email):
    html_links = set(re.findall(r'href="(https?://[^"]+)"', email.html))
    html_links = {link.replace("&amp;", "&") for link in html_links}
    assert html_links
    missing = [link for link in html_links if link not in email.text]
    assert missing == []
    for line in email.text.splitlines():
        if len(line) > 78:
            assert re.fullmatch(r"\s*<?https?://\S+>?", line), line  # only a long address
    for heading in re.findall(r"<h3[^>]*>(.*?)</h3>", email.html, flags=re.S):
        name = re.sub(r"<[^>]+>", "", heading).strip()
        name = name.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"')
        assert name in email.text, name


def test_the_full_issue_text_has_every_tool_event_and_post(large_email):
    issue = full_issue()
    for tool in issue.tools:
        assert f"* {tool.name} <{tool.url}>" in large_email.text
    for event in issue.events:
        assert f"* {event.title}" in large_email.text
        assert f"Sign up: <{event.signup}>" in large_email.text
    for item in issue.feed_items:
        assert f"<{item.link}>" in large_email.text


# --- spam filters ------------------------------------------------------------------------


def spam_score(message: bytes) -> tuple[float, str]:
    done = subprocess.run(
        ["spamassassin", "-L", "-t"], input=message, capture_output=True, timeout=120
    )
    report = done.stdout.decode(errors="replace")
    match = re.search(r"Content analysis details:\s+\((-?[\d.]+) points", report)
    assert match, report[-2000:]
    return float(match.group(1)), report[report.index("Content analysis details") :]


@pytest.mark.skipif(
    not shutil.which("spamassassin"),
    reason="SpamAssassin is not installed (Debian: apt-get install spamassassin)",
)
def test_spamassassin_local_tests_score_zero_or_less(email):
    settings = load_settings(REPO / "newsletter.yaml")
    prepared = prepare_email(full_issue(), email, settings)
    message = message_for(
        prepared,
        Recipient("malvarez@maplevalley.example.org", "Maria Alvarez"),
        dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC),
    )
    score, report = spam_score(message)
    assert score <= 0, report


# --- the email in real clients (caniemail's support data, checked on the built HTML) ---


def without_style(html: str) -> str:
    """The email as Gmail's app shows it with a school IMAP account: no <style>."""
    return re.sub(r"<style\b.*?</style>", "", html, flags=re.S | re.I)


def test_without_its_style_element_it_still_fits_a_phone(browser, email):
    page = open_page(browser, without_style(email.html), 375)
    widest = page.evaluate(
        "Math.max(document.documentElement.scrollWidth, ...[...document.querySelectorAll("
        "'body *')].map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 375.5, widest
    page.close()


def styles(attrs: dict[str, str]) -> dict[str, str]:
    return {
        k.strip().lower(): v.strip()
        for k, _, v in (d.partition(":") for d in attrs.get("style", "").split(";"))
        if k.strip()
    }


def test_outlook_gets_boxes_in_table_cells_and_exact_line_heights(email):
    for tag, attrs in tags(email.html):
        style = styles(attrs)
        if tag == "div":  # Word drops a div's padding, borders and margins
            boxy = [k for k in style if k.startswith(("padding", "border", "margin"))]
            assert not boxy, (tag, attrs.get("style"))
        if "line-height" in style:
            assert style.get("mso-line-height-rule") == "exactly", (tag, attrs.get("style"))
    assert "<o:PixelsPerInch>96</o:PixelsPerInch>" in email.html
    assert re.search(r'<!--\[if mso\]><table role="presentation" width="600"', email.html)
    boxes = [attrs for tag, attrs in tags(email.html) if "idea" in attrs.get("class", "").split()]
    assert all(tag == "td" for tag, attrs in tags(email.html)
               if "idea" in attrs.get("class", "").split())  # fmt: skip
    assert boxes and all("border-left" in styles(attrs) for attrs in boxes)


def test_bgcolor_only_on_tables_and_cells(email):
    for tag, attrs in tags(email.html):
        if "bgcolor" in attrs:
            assert tag in ("table", "tr", "td", "th"), (tag, attrs)


def test_tools_are_divided_and_requests_answered_in_a_visible_block(large_email):
    html = large_email.html
    divided = [a for t, a in tags(html) if "item-divided" in a.get("class", "").split()]
    assert len(divided) >= 9  # ten tools: a line under each but the last
    assert all("border-bottom" in styles(a) for a in divided)
    asked = [(t, a) for t, a in tags(html) if "asked" in a.get("class", "").split()]
    assert asked and all(t == "td" and styles(a).get("background-color") for t, a in asked)


def test_sign_up_is_a_button_that_works_in_outlook(large_email):
    found = re.findall(
        r'<td class="button" bgcolor="#[0-9a-f]{6}"[^>]*>\s*<a class="button-link" '
        r'href="https://forms\.example\.org/talk-\d"',
        large_email.html,
    )
    assert len(found) == 3


def test_grades_read_as_ranges_and_a_place_shows_its_link(dressed_email):
    html, text = dressed_email.html, dressed_email.text
    assert re.search(r">K-2, 5</td>", html) and "Grades:   K-2, 5" in text
    assert re.search(r">3-8</td>", html)  # 3-5 and 6-8
    assert 'Room 114, or online at <a href="https://meet.example.org/abc-defg-hij"' in html


def test_pictures_are_hosted_sized_and_described(dressed_email):
    images = [attrs for tag, attrs in tags(dressed_email.html) if tag == "img"]
    assert len(images) == 11  # the logo and a picture per tool
    for attrs in images:
        assert attrs["src"].startswith("https://") and attrs["alt"].strip()
        assert int(attrs["width"]) <= 536 and "max-width" in styles(attrs)
        assert styles(attrs)["height"] == "auto"
        assert "height" not in attrs  # Yahoo squashes a fluid picture that has one
    # Outlook for Windows gets a copy with its height, in a comment only it reads.
    outlook = re.findall(r"<!--\[if mso\]><img [^>]*height=\"(\d+)\"", dressed_email.html)
    assert len(outlook) == 10 and set(outlook) == {"302"}
    assert "[Picture: A class wall made with tool 0]" in dressed_email.text


def test_with_pictures_blocked_it_still_reads_and_fits(browser, dressed_email):
    page = browser.new_page(viewport={"width": 375, "height": 900})
    page.route("**/*.png", lambda route: route.abort())  # as Outlook does by default
    page.set_content(dressed_email.html, wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert "Tech Talk 1" in page.inner_text("body")
    page.close()


def test_the_masthead_date_stays_on_one_line(browser, large_email):
    page = open_page(browser, large_email.html, 800)
    lines = page.evaluate(
        "[...document.querySelectorAll('.masthead-line .nowrap')]"
        ".map(e => e.getClientRects().length)"
    )
    assert lines and all(count == 1 for count in lines)
    page.close()


def test_brand_colours_are_used_and_checked(workspace, run):
    settings = workspace / "newsletter.yaml"
    plain = settings.read_text()
    settings.write_text(plain + '\ncolors:\n  accent: "#5a1e6e"\n')
    run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    html = (workspace / ".newsletter" / "out" / "2026-12-04.html").read_text()
    assert 'class="masthead" bgcolor="#5a1e6e"' in html
    for colors, field, why in (
        ('  link: "#9aa5b1"', "link", "#9aa5b1 on #ffffff has a contrast of 2.50:1"),
        ('  accent: "#ffcc00"', "accent", "contrast of 1.51:1"),
        ('  accent: "#000000"\n  accent_text: "#0080a0"', "accent_text", "in dark mode"),
        ('  text: "blue"', "text", "is not a colour"),
    ):
        settings.write_text(plain + "\ncolors:\n" + colors + "\n")
        result = run("check")
        assert result.exit_code == 2, (colors, result.output)
        assert f"colors field '{field}'" in result.output and why in result.output, result.output


def test_pictures_must_be_hosted_https_and_described(workspace, run):
    tool = ("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.")
    for image, said in (
        ("data:image/png;base64,AAAA", "host the picture"),
        ("http://padlet.com/logo.png", "give its https:// address"),
    ):
        result = run(*tool, "--image", image, "--image-alt", "The logo")
        assert result.exit_code == 2 and said in result.output, result.output
    result = run(*tool, "--image", "https://padlet.com/logo.png")
    assert result.exit_code == 2 and "needs its alt text" in result.output
    result = run(*tool, "--image", "https://padlet.com/logo.png", "--image-alt", "A wall")
    assert result.exit_code == 0, result.output
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "\nlogo:\n  url: http://x.example.org/l.png\n")
    result = run("check")
    assert result.exit_code == 2 and "logo field 'url'" in result.output


def test_links_in_a_place_and_long_addresses_fit(browser):
    import dataclasses

    issue = dressed_issue()
    issue.masthead = dataclasses.replace(
        issue.masthead, logo_width=536
    )  # blocked, it keeps its box
    issue.events[0].place = "https://meet.google.com/abc-defg-hij or Room 114"
    issue.events[1].place = "Room 114, https://meet.example.org/abc,https://zoom.us/j/1"
    issue.tips[0].text = (
        "See https://support.google.com/docs/answer/179738?hl=en&co=GENIE.Platform%3DDesktop "
        "for the details."
    )
    email = render_email(issue, None)
    assert "Room 114" in email.html and 'href="https://meet.google.com/abc-defg-hij"' in email.html
    assert 'href="https://zoom.us/j/1"' in email.html
    for html in (email.html, without_style(email.html)):
        page = browser.new_page(viewport={"width": 375, "height": 900})
        page.route("**/*.png", lambda route: route.abort())
        page.set_content(html, wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.close()


def test_a_colour_without_quotes_is_named(workspace, run):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + "\ncolors:\n  accent: #7a1f1f\n")
    result = run("check")
    assert result.exit_code == 2
    assert "colors field 'accent': has no value: in YAML, # starts a comment." in result.output


def test_the_email_speaks_the_newsletters_language(workspace, run):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + """
language: es
section_titles:
  tools: Herramientas de la semana
  events: Charlas y formación
site:
  base_url: https://noticias.example.org/
""")  # fmt: skip
    assert (
        run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "Un muro.").exit_code
        == 0
    )
    assert run("add-event", "Charla", "--when", "2026-12-10 12:00", "--end", "12:40").exit_code == 0
    built = run("build", "--offline", "--date", "2026-12-04")
    assert built.exit_code == 0, built.output
    out = workspace / ".newsletter" / "out"
    html, text = (out / "2026-12-04.html").read_text(), (out / "2026-12-04.txt").read_text()
    assert '<html lang="es" dir="ltr"' in html and 'lang="es" dir="ltr">' in html
    assert "4 de diciembre de 2026" in html and "4 de diciembre de 2026" in text
    assert "jueves, 10 de diciembre, 12:00 - 12:40" in html
    assert "Herramientas de la semana" in html and "HERRAMIENTAS DE LA SEMANA" in text
    assert "Charlas y formación" in html
    subject = re.search(r"<title>([^<]+)</title>", html)[1]
    assert subject.endswith("#1 - 4 dic 2026"), subject
    # A tag Babel does not know is one line, with how to write one.
    for tag in ("klingon-x", "zz", "english"):  # Babel's own error for some: one line too
        settings.write_text(re.sub(r"language: \S+", f"language: {tag}", settings.read_text()))
        result = run("check")
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert f"field 'language': '{tag}' is not a language tag Babel knows" in result.output


def test_a_dark_mode_logo_where_clients_ask_for_one(workspace, run):
    settings = workspace / "newsletter.yaml"
    settings.write_text(settings.read_text() + """
logo:
  url: https://www.maplevalley.example.org/logo.png
  dark_url: https://www.maplevalley.example.org/logo-dark.png
  alt: Maple Valley Schools
  width: 180
""")  # fmt: skip
    assert (
        run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.").exit_code
        == 0
    )
    assert run("build", "--offline", "--date", "2026-12-04").exit_code == 0
    html = (workspace / ".newsletter" / "out" / "2026-12-04.html").read_text()
    light = [a for t, a in tags(html) if t == "img" and a.get("class") == "logo-light"]
    dark = re.search(r'<img class="logo-dark" src="https://www\.maplevalley\.example\.org/'
                     r'logo-dark\.png"[^>]*style="display:none', html)  # fmt: skip
    assert light and dark
    assert re.search(
        r"@media \(prefers-color-scheme: dark\) \{ \.logo-light \{ display: none", html
    )
    assert '<!--[if !mso]><!--><img class="logo-dark"' in html  # never in Outlook for Windows
