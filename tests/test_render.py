"""Rendering: the HTML email, the text twin, the archive body, and overrides."""

import re
from html import unescape

import pytest

from newsletter.catalog.db import load_archive
from newsletter.email.render import render_email, wrap
from newsletter.email.rendered import rendered_email
from newsletter.errors import InputError
from newsletter.workspace.folder import Workspace
from tests.conftest import write
from tests.issues import sample_issue


def test_html_is_inlined_escaped_and_keeps_media_queries():
    email = render_email(sample_issue(), None)
    html = email.html
    head, body = html.split("</head>", 1)
    assert "@media only screen and (max-width: 620px)" in head
    assert '<td class="section" style="' in body  # CSS went inline
    assert "<style" not in body
    assert "Padlet &amp; Co" in body
    assert "5 ways to use AI &lt;safely&gt;" in body
    assert "<em>shared</em>" in body  # the editor's markdown is rendered
    assert '<html lang="en"' in html
    assert "<title>Tech Tidbits #12 - Nov 27, 2026</title>" in html
    assert "New tools: Padlet" in body  # preheader


def test_text_part_has_every_link_of_the_html():
    email = render_email(sample_issue(), None)
    links = {unescape(link) for link in re.findall(r'href="(https?://[^"]+)"', email.html)}
    assert links  # the sample has links
    for link in links:
        assert link in email.text, link
    assert all(len(line) <= 78 for line in email.text.splitlines() if "://" not in line)
    assert "Padlet & Co <https://padlet.com>" in email.text  # plain text is not escaped
    assert "Thursday, Dec 3, 12:00 PM - 12:45 PM" in email.text


def test_empty_sections_are_left_out_and_order_is_configurable():
    issue = sample_issue(sections=["feeds", "tools"], tips=[], intro="")
    html = render_email(issue, None).html
    assert "Tip of the week" not in html
    assert "From the editor" not in html
    assert html.index("From the blogs") < html.index("Tools of the week")
    assert "Upcoming Tech Talks" not in html  # not in the configured sections


def test_workspace_template_overrides_by_name(tmp_path):
    write(tmp_path / "templates" / "email.txt.j2", "Custom: {{ issue.subject }}\n")
    email = render_email(sample_issue(), tmp_path / "templates")
    assert email.text == "Custom: Tech Tidbits #12 - Nov 27, 2026\n"
    assert "Tools of the week" in email.html  # the other templates are still built in


def test_undefined_name_fails_loudly(tmp_path):
    write(tmp_path / "templates" / "email.html.j2", "<p>{{ issue.titel }}</p>\n")
    with pytest.raises(InputError) as caught:
        render_email(sample_issue(), tmp_path / "templates")
    assert "email.html.j2:1: template error" in str(caught.value)
    assert "titel" in str(caught.value)


def test_an_issue_renders_again_from_its_archive_alone(workspace, run):
    assert (
        run(
            "add-tool",
            "Padlet",
            "--url",
            "https://padlet.com",
            "--summary",
            "A *shared* wall.",
            "--grades",
            "3-5",
            "--cost",
            "free",
            "--idea",
            "Use it.",
        ).exit_code
        == 0
    )
    assert run("add-event", "Tech Talk", "--when", "2026-12-03 12:00", "--force").exit_code == 0
    assert run("build", "--date", "2026-11-27").exit_code == 0
    html_file = workspace / ".newsletter" / "out" / "2026-11-27.html"
    built = html_file.read_text()
    # The notes, settings and rendered files go away: the archive file is enough.
    for path in (workspace / "notes").iterdir():
        path.unlink()
    (workspace / "newsletter.yaml").write_text("title: Something else\n")
    html_file.unlink()
    (entry,) = load_archive(Workspace(workspace))
    assert rendered_email(Workspace(workspace), entry).html == built


def test_wrap_keeps_urls_whole_and_bullets_hanging():
    text = "- " + "word " * 20 + "https://example.org/" + "x" * 90
    wrapped = wrap(text, width=40)
    assert "https://example.org/" + "x" * 90 in wrapped
    assert all(line.startswith(("- ", "  ")) for line in wrapped.splitlines())


def test_templates_lists_and_copies(workspace, run):
    listed = run("templates")
    assert "email.html.j2              built in" in listed.stdout
    assert "sections/tools.html.j2     built in" in listed.stdout
    copied = run("templates", "--copy", "email.txt.j2")
    assert copied.exit_code == 0
    assert (workspace / "templates" / "email.txt.j2").is_file()
    assert "ws/templates/email.txt.j2" in run("templates").stdout
    again = run("templates", "--copy", "email.txt.j2")
    assert again.exit_code == 1 and "already exists" in again.output
    unknown = run("templates", "--copy", "email.j2")
    assert unknown.exit_code == 2 and "is not a template" in unknown.output


def test_one_section_can_be_overridden_alone(workspace, run):
    assert (
        run("add-tool", "Padlet", "--url", "https://padlet.com", "--summary", "A wall.").exit_code
        == 0
    )
    assert run("templates", "--copy", "sections/tools.html.j2").exit_code == 0
    section = workspace / "templates" / "sections" / "tools.html.j2"
    section.write_text(section.read_text().replace("Try it in class", "In your classroom"))
    run(
        "add-tool",
        "Kami",
        "--url",
        "https://kami.example.org",
        "--summary",
        "PDFs.",
        "--idea",
        "Annotate.",
    )
    assert run("build", "--offline", "--date", "2026-11-27").exit_code == 0
    html = (workspace / ".newsletter" / "out" / "2026-11-27.html").read_text()
    assert "In your classroom" in html and "Try it in class" not in html
    assert "Tools of the week" in html  # the rest of the email is still the built-in one
    text = (workspace / ".newsletter" / "out" / "2026-11-27.txt").read_text()
    assert "Try it in class" in text  # the text part's section was not overridden


def test_autoescape_follows_the_extension():
    from newsletter.email.render import _autoescape

    for name in ("email.html.j2", "sections/tools.html.j2", "feed.xml.j2", "page.htm", "x.xml"):
        assert _autoescape(name), name
    for name in ("email.txt.j2", "archive.md.j2", None, "html.txt.j2"):
        assert not _autoescape(name), name


def test_css_inliner_stays_quiet_about_email_only_css(tmp_path, capfd, caplog):
    """Outlook-only and vendor properties make cssutils complain; none of it may reach
    the editor's terminal or the cron log."""
    write(
        tmp_path / "templates" / "email.html.j2",
        """
        <html><head><style>
        .x { mso-line-height-rule: exactly; colr: red; -webkit-text-size-adjust: 100%; }
        @media (max-width: 600px) { .x { width: 100% !important; } }
        </style></head><body><p class="x">{{ issue.subject }}</p></body></html>
    """,
    )
    with caplog.at_level("DEBUG"):
        email = render_email(sample_issue(), tmp_path / "templates")
    assert 'style="mso-line-height-rule:exactly' in email.html
    assert "@media (max-width: 600px)" in email.html.split("</head>")[0]
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert not [r for r in caplog.records if "cssutils" in r.name.lower()]
