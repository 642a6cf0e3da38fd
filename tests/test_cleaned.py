"""The editor's markdown and a hand-edited archive's addresses, cleaned where they
come in: nothing that runs is stored or shown, and the rest is left as typed."""

from __future__ import annotations

import pytest

from newsletter.model import Link, Tool, cleaned_issue
from newsletter.text.cleaned import clean_markdown, safe_address, safe_link
from tests.issues import sample_issue


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("Hi <script>alert(1)</script>there", "Hi there"),
        ("Hi <SCRIPT type=x>\nalert(1)\n</script >there", "Hi there"),
        ("<iframe src=https://evil.example></iframe>ok", "ok"),
        ("<style>body{}</style>ok", "ok"),
        ("a <img src=x onerror=alert(2)> b", "a  b"),
        ("<b onclick=alert(1)>bold</b>", "<b>bold</b>"),
        ('<a href="javascript:alert(1)" title=t>x</a>', '<a title="t">x</a>'),
        ('<a href="https://ok.example.org">x</a>', '<a href="https://ok.example.org">x</a>'),
        ("[click](javascript:alert(3))", "click"),
        ("[click](JaVaScRiPt&#58;alert(3))", "click"),
        ("[click](java&#x09;script:alert(3))", "click"),  # a browser drops the tab
        ("[d](data:text/html;base64,PHNjcmlwdD4=)", "d"),
        ("<javascript:alert(4)> and <https://ok.example.org>", " and <https://ok.example.org>"),
        ("![a pixel](https://tracker.example/p.gif)", "a pixel"),
        ('[ok](https://ok.example.org "title")', '[ok](https://ok.example.org "title")'),
        (
            "[w](https://en.wikipedia.org/wiki/Foo_(bar))",
            "[w](https://en.wikipedia.org/wiki/Foo_(bar))",
        ),
        ("[mail](mailto:a@example.org) [here](#top)", "[mail](mailto:a@example.org) [here](#top)"),
        ("[x][1]\n\n[1]: javascript:alert(5)\n", "[x][1]\n\n\n"),
        ("a <!-- hidden <script> --> b", "a  b"),
        ("Use `<script>` in `<iframe>` code", "Use `<script>` in `<iframe>` code"),
        ("```\n<script>alert(1)</script>\n```", "```\n<script>alert(1)</script>\n```"),
        ("2 < 3 and 5 > 4, **bold**", "2 < 3 and 5 > 4, **bold**"),
    ],
)
def test_the_editors_markdown_keeps_nothing_that_runs(typed, stored):
    assert clean_markdown(typed) == stored
    assert clean_markdown(stored) == stored  # cleaning again changes nothing


@pytest.mark.parametrize(
    "address, followed",
    [
        ("https://padlet.com", True),
        ("mailto:a@example.org", True),
        ("/relative", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("java&#x73;cript:alert(1)", False),
        ("vbscript:x", False),
        ("data:text/html,x", False),
    ],
)
def test_which_links_a_reader_may_follow(address, followed):
    assert safe_link(address) is followed


def test_a_fields_address_must_be_a_web_or_mail_address():
    assert safe_address("https://padlet.com") == "https://padlet.com"
    assert safe_address("javascript:alert(1)") == ""
    assert safe_address("/relative") == ""  # a field's address is never relative


def test_an_issue_read_from_a_hand_edited_archive_is_cleaned_throughout():
    issue = sample_issue()
    issue.tools[0] = Tool(
        "Bad", "javascript:alert(1)", summary="<script>x</script>ok", idea="[i](javascript:y)"
    )
    issue.links = [Link("L", " javascript:alert(2)", note="<img src=x onerror=z>n")]
    issue.intro = "<script>z</script>Hello"
    clean = cleaned_issue(issue)
    assert (clean.tools[0].url, clean.tools[0].summary, clean.tools[0].idea) == ("", "ok", "i")
    assert (clean.links[0].url, clean.links[0].note) == ("", "n")
    assert clean.intro == "Hello"
    assert clean.tools[1:] == issue.tools[1:]  # the rest as it was


def test_two_tools_whose_addresses_were_cleaned_away_stay_two():
    issue = sample_issue()
    issue.tools = [Tool("Tool A", "javascript:alert(1)"), Tool("Tool B", " JaVaScript:alert(2)")]
    first, second = cleaned_issue(issue).tools
    assert first.url == second.url == ""
    assert set(first.keys).isdisjoint(second.keys)
    links = cleaned_issue(
        sample_issue(links=[Link("A", "javascript:x"), Link("B", "javascript:y")])
    )
    assert set(links.links[0].keys).isdisjoint(links.links[1].keys)
