"""newsletter feeds: the list with each feed's last outcome; add (finding a blog's
feed from its page, on a real HTTP server), remove, pause, resume; OPML in and out."""

import json
import re

import pytest

from tests.conftest import write
from tests.feedserver import Route, rss

POSTS = [
    {
        "title": "Newest",
        "link": "https://blog.example.org/3",
        "date": "Mon, 30 Nov 2026 10:00:00 GMT",
    },
    {
        "title": "Older",
        "link": "https://blog.example.org/2",
        "date": "Fri, 27 Nov 2026 10:00:00 GMT",
    },
]
STARTER = """\
# The blogs we read. A comment the editor wrote.
feeds:
  - name: Cult of Pedagogy
    url: https://www.cultofpedagogy.com/feed/
    limit: 2  # two is plenty
"""


def page(*links: str) -> Route:
    heads = "".join(links)
    return Route(
        f"<!doctype html><html><head><title>A blog</title>{heads}</head>"
        "<body><p>Posts</p></body></html>".encode(),
        content_type="text/html; charset=utf-8",
    )


def feeds_of(workspace):
    import yaml

    return yaml.safe_load((workspace / "feeds.yaml").read_text())["feeds"] or []


def test_a_blogs_address_is_enough_its_feed_is_found(workspace, run, feed_server):
    write(workspace / "feeds.yaml", STARTER)
    feed_server.routes["/blog/"] = page(
        '<link rel="alternate" type="application/rss+xml" title="Comments Feed" '
        'href="/blog/comments/feed/">',
        '<link rel="alternate" type="application/rss+xml" title="A blog" href="feed/">',
    )
    feed_server.routes["/blog/feed/"] = Route(rss("Room 12 Tech", POSTS))
    feed_server.routes["/blog/comments/feed/"] = Route(rss("Comments on Room 12", []))
    result = run("feeds", "add", feed_server.url("/blog/"))
    assert result.exit_code == 0, result.output
    assert f"Found its feed: {feed_server.url('/blog/feed/')}" in result.output
    assert feeds_of(workspace)[-1] == {
        "name": "Room 12 Tech",
        "url": feed_server.url("/blog/feed/"),
    }
    text = (workspace / "feeds.yaml").read_text()
    assert text.startswith(STARTER)  # comments and layout as the editor left them
    assert feed_server.hits("/blog/comments/feed/") == []
    again = run("feeds", "add", feed_server.url("/blog/feed"))  # written another way
    assert again.exit_code == 2
    assert "is listed already, as 'Room 12 Tech'" in again.output
    assert (workspace / "feeds.yaml").read_text() == text


def test_a_page_naming_no_feed_is_tried_where_blogs_keep_one(workspace, run, feed_server):
    feed_server.routes["/"] = page()
    feed_server.routes["/rss.xml"] = Route(rss("Plain Site", POSTS))
    result = run("feeds", "add", feed_server.url("/"), "--name", "Mr. Lee's blog", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert feeds_of(workspace) == [
        {"name": "Mr. Lee's blog", "url": feed_server.url("/rss.xml"), "limit": 1}
    ]


def test_no_feed_anywhere_is_one_line_and_nothing_written(workspace, run, feed_server):
    write(workspace / "feeds.yaml", STARTER)
    feed_server.routes["/"] = page()
    for address in (feed_server.url("/"), feed_server.url("/missing")):
        result = run("feeds", "add", address)
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert (workspace / "feeds.yaml").read_text() == STARTER
    assert (
        "no feed found (the server sent an HTML page"
        in run("feeds", "add", feed_server.url("/")).output
    )
    assert "could not be read (404 not found)" in result.output
    bad = run("feeds", "add", "not an address")
    assert bad.exit_code == 2 and "is not a web address" in bad.output


def test_pause_resume_and_remove_keep_the_rest_of_the_file(workspace, run, feed_server):
    feed_server.routes["/a.xml"] = Route(rss("A", POSTS))
    feed_server.routes["/b.xml"] = Route(status=404)
    write(
        workspace / "feeds.yaml",
        STARTER.replace("https://www.cultofpedagogy.com/feed/", feed_server.url("/a.xml"))
        + f"  - name: Broken\n    url: {feed_server.url('/b.xml')}\n",
    )
    before = (workspace / "feeds.yaml").read_text()
    assert run("fetch").exit_code == 0
    listed = run("feeds").output.splitlines()
    # The pinned moment, 15:00 UTC, in the workspace's zone.
    assert listed[0].split("  ")[0] == "Cult of Pedagogy"
    assert "new items (2), 2026-12-01 09:00 CST" in listed[0]
    assert "failed (0): 404 not found, 2026-12-01 09:00 CST" in listed[2]
    assert run("feeds", "pause", "broken").exit_code == 0
    assert "paused: true" in (workspace / "feeds.yaml").read_text()
    hits = len(feed_server.hits("/b.xml"))
    assert run("fetch").exit_code == 0
    assert len(feed_server.hits("/b.xml")) == hits  # a paused feed is not fetched
    assert re.search(r"^Broken +paused$", run("feeds").output, re.M)
    assert "no new items (2)" in run("feeds").output  # fetched again, nothing new
    data = json.loads(run("feeds", "--format", "json").output)
    assert [(f["name"], f["paused"]) for f in data] == [
        ("Cult of Pedagogy", False),
        ("Broken", True),
    ]
    assert run("feeds", "resume", "Broken").exit_code == 0
    assert (workspace / "feeds.yaml").read_text() == before
    unconfirmed = run("feeds", "remove", "Broken")
    assert unconfirmed.exit_code == 2 and "needs confirmation" in unconfirmed.output
    gone = run("feeds", "remove", feed_server.url("/b.xml"), "--yes")
    assert gone.exit_code == 0, gone.output
    assert (workspace / "feeds.yaml").read_text() == STARTER.replace(
        "https://www.cultofpedagogy.com/feed/", feed_server.url("/a.xml")
    )
    unknown = run("feeds", "remove", "Edutopia", "--yes")
    assert unknown.exit_code == 2
    assert "no feed is named or at 'Edutopia'" in unknown.output
    assert "'Cult of Pedagogy'" in unknown.output


OPML = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>My subscriptions</title></head>
  <body>
    <outline text="Edtech" title="Edtech">
      <outline type="rss" text="Control Alt Achieve"
        xmlUrl="https://www.controlaltachieve.com/feeds/posts/default"
        htmlUrl="https://www.controlaltachieve.com/"/>
      <outline type="rss" text="Cult of Pedagogy" xmlUrl="https://cultofpedagogy.com/feed"/>
    </outline>
    <outline text="Citizenship">
      <outline type="rss" title="Common Sense &amp; Co"
        xmlUrl="https://www.commonsense.org/education/articles/feed"/>
    </outline>
    <outline type="rss" xmlurl="https://ditchthattextbook.com/feed/"/>
  </body>
</opml>
"""


def test_an_opml_list_comes_in_once_and_goes_out_again(workspace, run, tmp_path):
    write(workspace / "feeds.yaml", STARTER)
    opml = write(tmp_path / "subscriptions.opml", OPML)
    dry = run("feeds", "import", str(opml), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "3 feeds would be added; 1 listed already." in dry.output
    assert (workspace / "feeds.yaml").read_text() == STARTER
    result = run("feeds", "import", str(opml))
    assert result.exit_code == 0, result.output
    assert "already listed: Cult of Pedagogy" in result.output
    assert feeds_of(workspace)[1:] == [
        {
            "name": "Control Alt Achieve",
            "url": "https://www.controlaltachieve.com/feeds/posts/default",
        },
        {
            "name": "Common Sense & Co",
            "url": "https://www.commonsense.org/education/articles/feed",
            "section": "citizenship",
        },
        {"name": "ditchthattextbook.com", "url": "https://ditchthattextbook.com/feed/"},
    ]
    assert (workspace / "feeds.yaml").read_text().startswith(STARTER)
    twice = run("feeds", "import", str(opml))
    assert "0 feeds added to feeds.yaml; 4 listed already." in twice.output
    assert run("check").exit_code == 0
    # Out again, and into a new workspace: the same list.
    out = tmp_path / "blogs.opml"
    assert run("feeds", "export", "--out", str(out)).exit_code == 0
    other = tmp_path / "other"
    assert run("init", str(other)).exit_code == 0
    (other / "feeds.yaml").write_text("feeds: []\n")
    assert run("feeds", "import", str(out), root=other).exit_code == 0

    def by_url(feeds):
        return sorted(({k: v for k, v in f.items() if k != "limit"} for f in feeds),
                      key=lambda f: f["url"])  # fmt: skip

    assert by_url(feeds_of(other)) == by_url(feeds_of(workspace))


def test_what_is_not_an_opml_list_is_refused_in_one_line(workspace, run, tmp_path):
    write(workspace / "feeds.yaml", STARTER)
    cases = {
        "notes.txt": ("Just some text", "not an OPML file (the XML cannot be read"),
        "feed.xml": (rss("A", POSTS).decode(), "not an OPML file (it is <rss>, not <opml>)"),
        "empty.opml": ("<opml version='2.0'><body/></opml>", "has no feeds"),
        "bomb.opml": (
            '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<opml><body><outline text="&b;" xmlUrl="https://x.example.org/feed"/></body></opml>',
            "declares a DOCTYPE or entities",
        ),
        "lower.opml": (
            '<?xml version="1.0"?><!doctype opml [<!entity a "x">]><opml><body/></opml>',
            "not an OPML file (the XML cannot be read",
        ),
        "bogus.opml": (
            '<?xml version="1.0" encoding="bogus-enc"?><opml><body/></opml>',
            "not an OPML file (the XML cannot be read",
        ),
    }
    for name, (text, said) in cases.items():
        path = write(tmp_path / name, text)
        result = run("feeds", "import", str(path))
        assert result.exit_code == 2, (name, result.output)
        assert said in result.output, (name, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert (workspace / "feeds.yaml").read_text() == STARTER


def test_a_new_workspace_without_a_list_gets_one(workspace, run):
    for text in ("feeds: []\n", "# nothing yet\n", None):
        if text is None:
            (workspace / "feeds.yaml").unlink()
        else:
            (workspace / "feeds.yaml").write_text(text)
        result = run("feeds", "add", "https://blog.example.org/feed", "--no-check", "--name", "B")
        assert result.exit_code == 0, result.output
        assert feeds_of(workspace) == [{"name": "B", "url": "https://blog.example.org/feed"}]
        assert run("check").exit_code == 0


def test_an_opml_list_too_deep_or_in_utf16_is_read_or_refused_not_a_traceback(
    workspace, run, tmp_path
):
    deep = (
        "<outline text='x'>" * 1000
        + "<outline text='Deep' xmlUrl='https://deep.example.org/feed'/>"
    )
    deep += "</outline>" * 1000
    path = write(tmp_path / "deep.opml", f"<opml><body>{deep}</body></opml>")
    result = run("feeds", "import", str(path))
    assert result.exit_code == 0, result.output
    assert feeds_of(workspace) == [{"name": "Deep", "url": "https://deep.example.org/feed"}]
    bomb = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE o [<!ENTITY a "aaaa">]><opml/>'
    path = tmp_path / "utf16.opml"
    path.write_bytes(bomb.encode("utf-16"))
    refused = run("feeds", "import", str(path))
    assert refused.exit_code == 2 and "declares a DOCTYPE or entities" in refused.output


def test_an_outline_that_is_no_feed_is_left_out_by_its_line(workspace, run, tmp_path):
    write(workspace / "feeds.yaml", STARTER)
    opml = write(tmp_path / "mixed.opml", """
        <opml version="2.0"><body>
        <outline text="JS" xmlUrl="javascript:alert(1)"/>
        <outline text="Relative" xmlUrl="/rss.xml"/>
        <outline text="Secret" xmlUrl="https://user:secret@blog.example.org/feed"/>
        <outline text="Bell" xmlUrl="https://bell.example.org/feed"/>
        <outline text="Good" xmlUrl="https://good.example.org/feed"/>
        </body></opml>
        """.replace("\a", "&#x202E;"))  # fmt: skip
    result = run("feeds", "import", str(opml))
    assert result.exit_code == 0, result.output
    assert "left out: mixed.opml:2: the feed 'JS': feed field 'url'" in result.stderr
    assert "mixed.opml:3:" in result.stderr and "mixed.opml:4:" in result.stderr
    assert "secret" not in (workspace / "feeds.yaml").read_text()
    assert [f["name"] for f in feeds_of(workspace)] == ["Cult of Pedagogy", "Bell", "Good"]
    assert "2 feeds added to feeds.yaml; 0 listed already; 3 left out." in result.output
    assert run("check").exit_code == 0


@pytest.mark.parametrize(
    ("name", "says"),
    [("  ", "missing the field 'name'"), ("a\x1b[31mb", "control characters"),
     ("multi\nline", "control characters"), ("rtl\u202egnirts", "control characters")],
)  # fmt: skip
def test_a_name_that_would_not_read_is_refused_and_nothing_written(workspace, run, name, says):
    write(workspace / "feeds.yaml", STARTER)
    result = run("feeds", "add", "https://x.example.org/feed", "--no-check", "--name", name)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Nothing was added." in result.output
    assert "\x1b" not in result.output
    assert (workspace / "feeds.yaml").read_text() == STARTER


COMMENTED = """\
feeds:
  - name: A
    url: https://a.example.org/f   # the blog itself
    include: [AI]
  # --- Citizenship feeds ---
  - name: B
    url: https://b.example.org/f
    section: citizenship
  # Dropped for now:
  # - name: Old
  #   url: https://old.example.org/f
"""


def test_pause_and_resume_change_one_line_and_keep_every_comment(workspace, run):
    feeds = workspace / "feeds.yaml"
    for newline in ("\n", "\r\n"):
        feeds.write_bytes(COMMENTED.replace("\n", newline).encode())
        assert run("feeds", "pause", "A").exit_code == 0
        paused = feeds.read_bytes().decode()
        assert paused == COMMENTED.replace(
            "    include: [AI]\n", "    include: [AI]\n    paused: true\n"
        ).replace("\n", newline)
        again = run("feeds", "pause", "A")
        assert again.exit_code == 0 and "is paused already" in again.output
        assert run("feeds", "pause", "https://b.example.org/f/").exit_code == 0
        assert run("feeds", "resume", "a").exit_code == 0
        assert run("feeds", "resume", "B").exit_code == 0
        assert feeds.read_bytes().decode() == COMMENTED.replace("\n", newline)
        assert "is not paused" in run("feeds", "resume", "B").output
    # Removing the last feed keeps the commented-out block after it.
    assert run("feeds", "remove", "B", "--yes").exit_code == 0
    assert feeds.read_text().endswith("  # Dropped for now:\n  # - name: Old\n"
                                      "  #   url: https://old.example.org/f\n")  # fmt: skip
    assert "# --- Citizenship feeds ---" in feeds.read_text()


def test_a_new_feed_goes_after_the_last_one_not_after_a_closing_comment(workspace, run):
    feeds = write(workspace / "feeds.yaml", COMMENTED)
    result = run("feeds", "add", "https://c.example.org/f", "--no-check", "--name", "C",
                 "--limit", "0", "--include", "AI, coding")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = feeds.read_text()
    assert text.index("name: C") < text.index("# Dropped for now:")
    assert feeds_of(workspace)[-1] == {"name": "C", "url": "https://c.example.org/f", "limit": 0,
                                       "include": ["AI", "coding"]}  # fmt: skip
    assert run("check").exit_code == 0


@pytest.mark.parametrize(
    "text",
    ["feeds: [] # none yet\n", "feeds: ~\n", "feeds:   # my blogs\n", "feeds: []\r\n# c\r\n"],
)
def test_an_empty_list_is_opened_keeping_its_comment_and_line_endings(workspace, run, text):
    feeds = workspace / "feeds.yaml"
    feeds.write_bytes(text.encode())
    result = run("feeds", "add", "https://b.example.org/f", "--no-check", "--name", "B")
    assert result.exit_code == 0, result.output
    after = feeds.read_bytes().decode()
    assert feeds_of(workspace) == [{"name": "B", "url": "https://b.example.org/f"}]
    if "#" in text:
        assert "#" + text.split("#")[1].splitlines()[0] in after
    if "\r\n" in text:
        assert "\n" not in after.replace("\r\n", "")


def test_export_writes_only_an_opml_file(workspace, run, tmp_path):
    write(workspace / "feeds.yaml", COMMENTED)
    before = (workspace / "feeds.yaml").read_text()
    for out, says in [(workspace / "feeds.yaml", "is not an OPML file; it is not written over"),
                      (tmp_path / "no" / "such" / "x.opml", "does not exist")]:  # fmt: skip
        result = run("feeds", "export", "--out", str(out))
        assert result.exit_code == 2 and says in result.output, result.output
    assert (workspace / "feeds.yaml").read_text() == before
    printed = run("feeds", "export", "--out", "-")
    assert printed.stdout.startswith("<?xml") and not (tmp_path / "-").exists()
    out = tmp_path / "blogs.opml"
    assert "Wrote 2 feeds" in run("feeds", "export", "--out", str(out)).output
    assert "Wrote 2 feeds" in run("feeds", "export", "--out", str(out)).output  # over itself


def test_feed_addresses_outside_ascii_and_feeds_kept_in_a_blogs_folder(workspace, run, feed_server):
    feed_server.routes["/d/"] = page(
        '<link rel="alternate" type="application/rss+xml" href="/d/café.xml">'
    )
    feed_server.routes["/d/caf%C3%A9.xml"] = Route(rss("Café Tech", POSTS))
    result = run("feeds", "add", feed_server.url("/d/"))
    assert result.exit_code == 0, result.output
    assert feeds_of(workspace)[-1]["name"] == "Café Tech"
    # A WordPress blog in a folder, its page naming only a feed that is gone: the
    # blog's own /wp/feed/ is found, before the site's root feed, and said to be a guess.
    feed_server.routes["/wp/"] = page(
        '<link rel="alternate" type="application/rss+xml" href="/wp/gone.xml">'
    )
    feed_server.routes["/wp/feed/"] = Route(rss("The WP blog", POSTS))
    feed_server.routes["/rss.xml"] = Route(rss("The whole site", POSTS))
    found = run("feeds", "add", feed_server.url("/wp/"))
    assert found.exit_code == 0, found.output
    assert f"Found its feed: {feed_server.url('/wp/feed/')} (not named by the page" in found.output
    assert feeds_of(workspace)[-1]["name"] == "The WP blog"


def test_an_exact_address_wins_and_a_folder_for_feeds_yaml_is_said(workspace, run):
    write(workspace / "feeds.yaml", """
        feeds:
          - name: X
            url: https://x.example.org/feed
          - name: Y
            url: https://y.example.org/feed
    """)  # fmt: skip
    assert run("feeds", "remove", "https://y.example.org/feed", "--yes").exit_code == 0
    assert [f["name"] for f in feeds_of(workspace)] == ["X"]
    twice = workspace / "feeds.yaml"
    twice.write_text(
        twice.read_text() + "  - name: X again\n    url: https://X.example.org/feed/\n"
    )
    checked = run("check")
    assert checked.exit_code == 2 and "is listed twice (also on line 3)" in checked.output
    twice.unlink()
    twice.mkdir()
    for command in (("feeds",), ("check",), ("feeds", "export")):
        result = run(*command)
        assert result.exit_code == 2 and "not a file" in result.output, (command, result.output)
