"""Collecting feeds from a real HTTP server on loopback: caching, failures of every
kind, hostile content, and choosing which posts go into an issue."""

import datetime as dt
import gzip
import os
import tracemalloc
from zoneinfo import ZoneInfo

import pytest

from newsletter.email.render import render_email
from newsletter.feeds.cache import FeedCache
from newsletter.feeds.clean import parse_feed
from newsletter.feeds.collect import (
    CACHED,
    FAILED,
    NEW,
    NOT_MODIFIED,
    STALE,
    UNCHANGED,
    Collector,
    FeedOutcome,
    describe_failures,
)
from newsletter.feeds.fetch import FetchLimits
from newsletter.feeds.sources import FeedSource
from newsletter.issue.assemble import choose_items
from newsletter.model import FeedItem
from tests.conftest import Terminal
from tests.feedserver import Route, rss
from tests.issues import sample_issue

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
FAST = FetchLimits(
    connect_timeout=2,
    read_timeout=0.5,
    feed_timeout=2,
    deadline=5,
    max_bytes=200_000,
    max_redirects=3,
    per_host=2,
    concurrency=16,
)
POSTS = [
    {
        "title": "Newest",
        "link": "https://blog.example.org/3",
        "date": "Thu, 26 Nov 2026 10:00:00 GMT",
    },
    {
        "title": "Middle",
        "link": "https://blog.example.org/2",
        "date": "Wed, 25 Nov 2026 10:00:00 GMT",
    },
    {
        "title": "Oldest",
        "link": "https://blog.example.org/1",
        "date": "Tue, 24 Nov 2026 10:00:00 GMT",
    },
]


@pytest.fixture
def collect(tmp_path, feed_server):
    cache = FeedCache(tmp_path / "cache")

    def run(*paths, limits=FAST, now=NOW, offline=False, **source):
        sources = [FeedSource(name=p.strip("/"), url=feed_server.url(p), **source) for p in paths]
        collector = Collector(cache, limits, "newsletter/test (Tech Tidbits)", 120, CHICAGO)
        return collector.collect(sources, now, offline=offline)

    return run


def one(outcomes):
    (outcome,) = outcomes
    return outcome


def test_new_then_not_modified_with_etag(collect, feed_server):
    feed_server.routes["/a.xml"] = Route(rss("A", POSTS), etag='"v1"')
    first = one(collect("/a.xml"))
    assert first.status == NEW
    assert [i.title for i in first.items] == ["Newest", "Middle", "Oldest"]
    second = one(collect("/a.xml"))
    assert second.status == NOT_MODIFIED
    assert [i.title for i in second.items] == ["Newest", "Middle", "Oldest"]
    hits = feed_server.hits("/a.xml")
    assert "If-None-Match" not in hits[0].headers
    assert hits[1].headers["If-None-Match"] == '"v1"'


def test_last_modified_is_sent_back(collect, feed_server):
    stamp = "Wed, 25 Nov 2026 10:00:00 GMT"
    feed_server.routes["/lm.xml"] = Route(rss("LM", POSTS), last_modified=stamp)
    assert one(collect("/lm.xml")).status == NEW
    assert one(collect("/lm.xml")).status == NOT_MODIFIED
    assert feed_server.hits("/lm.xml")[1].headers["If-Modified-Since"] == stamp


def test_gzip_and_an_honest_user_agent(collect, feed_server):
    feed_server.routes["/gz.xml"] = Route(rss("GZ", POSTS), gzip=True)
    assert len(one(collect("/gz.xml")).items) == 3
    headers = feed_server.hits("/gz.xml")[0].headers
    assert headers["Accept-Encoding"] == "gzip"
    assert headers["User-Agent"].startswith("newsletter/")


@pytest.mark.parametrize(
    "route,reason",
    [
        (Route(status=404), "404 not found"),
        (Route(status=500, body=b"oops"), "500 internal server error"),
        (
            Route(
                body=b"<!DOCTYPE html><html><body>Welcome</body></html>", content_type="text/html"
            ),
            "not a feed: the server sent an HTML page",
        ),
        (Route(body=b"\x00\x01\x02 binary junk \xff\xfe"), "not a feed"),
        (Route(hang=True), "timed out after 0.5 s with no answer"),
        (
            Route(body=rss("Slow", POSTS), trickle=0.05),
            "timed out after 2 s (the server is too slow)",
        ),
        (Route(body=b"<rss>" + b"x" * 300_000 + b"</rss>"), "too large: over"),
        (Route(status=302, location="/loop.xml"), "redirect loop"),
    ],
)
def test_each_kind_of_failure_is_named_in_plain_words(collect, feed_server, route, reason):
    feed_server.routes["/loop.xml"] = Route(status=302, location="/bad.xml")
    feed_server.routes["/bad.xml"] = route
    outcome = one(collect("/bad.xml"))
    assert outcome.status == FAILED
    assert reason in outcome.reason
    assert describe_failures([outcome]) == [f"feed 'bad.xml' skipped: {outcome.reason}"]


def test_a_gzip_bomb_is_cut_off(collect, feed_server):
    bomb = gzip.compress(b"<rss>" + b" " * 50_000_000 + b"</rss>")  # 50 MB from ~50 KB
    feed_server.routes["/bomb.xml"] = Route(body=bomb, headers={"Content-Encoding": "gzip"})
    outcome = one(collect("/bomb.xml"))
    assert outcome.status == FAILED
    assert "too large" in outcome.reason


def test_a_refused_connection(tmp_path):
    collector = Collector(FeedCache(tmp_path / "cache"), FAST, "ua")
    outcome = one(collector.collect([FeedSource("Closed", "http://127.0.0.1:9/feed")], NOW))
    assert outcome.reason == "the server refused the connection"


def test_too_many_redirects(collect, feed_server):
    for n in range(6):
        feed_server.routes[f"/r{n}"] = Route(status=302, location=f"/r{n + 1}")
    assert "more than 3 redirects" in one(collect("/r0")).reason


def test_a_permanent_redirect_is_remembered(collect, feed_server):
    feed_server.routes["/old.xml"] = Route(status=301, location="/new.xml")
    feed_server.routes["/new.xml"] = Route(rss("New", POSTS), etag='"n1"')
    assert one(collect("/old.xml")).status == NEW
    assert one(collect("/old.xml")).status == NOT_MODIFIED
    assert len(feed_server.hits("/old.xml")) == 1
    assert len(feed_server.hits("/new.xml")) == 2


def test_the_last_good_copy_is_used_when_a_feed_breaks(collect, feed_server):
    feed_server.routes["/a.xml"] = Route(rss("A", POSTS))
    assert one(collect("/a.xml")).status == NEW
    feed_server.routes["/a.xml"] = Route(status=503)
    outcome = one(collect("/a.xml"))
    assert outcome.status == STALE
    assert len(outcome.items) == 3
    assert outcome.problem == (
        "feed 'a.xml': 503 service unavailable; using the copy from 2026-11-27 06:00 CST"
    )
    # A server that starts sending HTML (a login page, say) keeps the good copy too.
    feed_server.routes["/a.xml"] = Route(
        body=b"<html><body>Sign in</body></html>", content_type="text/html"
    )
    outcome = one(collect("/a.xml"))
    assert (outcome.status, len(outcome.items)) == (STALE, 3)


def test_offline_uses_the_cache_and_asks_nothing(collect, feed_server):
    feed_server.routes["/a.xml"] = Route(rss("A", POSTS))
    collect("/a.xml")
    requests = len(feed_server.requests)
    outcomes = collect("/a.xml", "/never.xml", offline=True)
    assert [o.status for o in outcomes] == [CACHED, FAILED]
    assert outcomes[1].reason == "offline, and no cached copy"
    assert len(feed_server.requests) == requests


def test_the_collection_deadline_holds(collect, feed_server):
    feed_server.routes["/slow.xml"] = Route(rss("Slow", POSTS), delay=3)
    limits = FetchLimits(connect_timeout=1, read_timeout=10, feed_timeout=10, deadline=0.5)
    outcome = one(collect("/slow.xml", limits=limits))
    assert outcome.status == FAILED
    assert outcome.reason == "gave up: the whole collection has 0.5 s"


def test_at_most_per_host_requests_at_once(collect, feed_server):
    paths = [f"/f{n}.xml" for n in range(6)]
    for path in paths:
        feed_server.routes[path] = Route(rss(path, POSTS), delay=0.2)
    outcomes = collect(*paths)
    assert all(o.status == NEW for o in outcomes)
    assert feed_server.peak_by_host == 2


def test_hostile_content_never_reaches_the_email(collect, feed_server):
    description = (
        "&lt;p onclick='steal()'&gt;Read &lt;b&gt;this&lt;/b&gt;&lt;/p&gt;"
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;iframe src='https://evil.example'&gt;"
        "&lt;/iframe&gt;&lt;img src='https://track.example/pixel.gif' width='1'&gt;"
        "&lt;form action='https://evil.example'&gt;&lt;input&gt;&lt;/form&gt;"
        "&lt;a href='javascript:alert(1)'&gt;click&lt;/a&gt;"
    )
    feed_server.routes["/evil.xml"] = Route(
        rss(
            "Evil",
            [
                {
                    "title": "Tips &amp; tricks &lt;script&gt;x&lt;/script&gt;",
                    "link": "javascript:alert(1)",
                    "date": "Thu, 26 Nov 2026 10:00:00 GMT",
                },
                {
                    "title": "Fine post",
                    "link": "/posts/fine?utm_source=rss&amp;id=7",
                    "date": "Thu, 26 Nov 2026 10:00:00 GMT",
                    "description": description,
                },
                {
                    "title": "Data link",
                    "link": "data:text/html,hi",
                    "date": "Thu, 26 Nov 2026 10:00:00 GMT",
                },
            ],
        )
    )
    items = one(collect("/evil.xml")).items
    assert [i.title for i in items] == ["Fine post"]  # no usable link: no item
    (item,) = items
    assert item.link == feed_server.url("/posts/fine?id=7")  # absolute, no utm_*
    assert item.summary == "Read this click"
    html = render_email(sample_issue(feed_items=items), None).html
    for bad in (
        "<script",
        "alert(1)",
        "<iframe",
        "evil.example",
        "pixel.gif",
        "onclick",
        "<form",
        "javascript:",
    ):
        assert bad not in html


def test_titles_are_unescaped_exactly_once(collect, feed_server):
    atom = (
        b"<?xml version='1.0' encoding='utf-8'?>"
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title><id>urn:t</id>"
        b"<updated>2026-11-26T10:00:00Z</updated>"
        b"<entry><title type='html'>Q &amp;amp; A: fractions &amp;lt; decimals</title>"
        b"<link href='https://blog.example.org/qa'/><id>urn:qa</id>"
        b"<updated>2026-11-26T10:00:00Z</updated></entry>"
        b"<entry><title type='text'>Tips &amp; tricks</title>"
        b"<link href='https://blog.example.org/tips'/><id>urn:tips</id>"
        b"<updated>2026-11-26T09:00:00Z</updated></entry></feed>"
    )
    feed_server.routes["/atom.xml"] = Route(atom, content_type="application/atom+xml")
    items = one(collect("/atom.xml")).items
    assert [i.title for i in items] == ["Q & A: fractions < decimals", "Tips & tricks"]
    email = render_email(sample_issue(feed_items=items), None)
    assert "Q &amp; A: fractions &lt; decimals" in email.html
    assert "&amp;amp;" not in email.html
    assert "* Q & A: fractions < decimals" in email.text


def test_entity_tricks_do_not_expand(collect, feed_server, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        "<?xml version='1.0'?>"
        f"<!DOCTYPE rss [<!ENTITY xxe SYSTEM 'file://{secret}'>"
        "<!ENTITY a0 'lol'>"
        + "".join(f"<!ENTITY a{n} '{('&a' + str(n - 1) + ';') * 10}'>" for n in range(1, 10))
        + "]>"
        "<rss version='2.0'><channel><title>X</title>"
        "<item><title>Leak &xxe;</title><link>https://blog.example.org/x</link>"
        "<pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate></item>"
        "<item><title>Laugh &a9;</title><link>https://blog.example.org/y</link>"
        "<pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate></item>"
        "</channel></rss>"
    ).encode()
    feed_server.routes["/xxe.xml"] = Route(body)
    outcome = one(collect("/xxe.xml"))
    assert len(outcome.items) == 2
    for item in outcome.items:
        assert "TOP-SECRET" not in item.title + item.summary
        assert "lollol" not in item.title
    # A billion laughs costs no memory: the entities are never expanded.
    tracemalloc.start()
    try:
        parse_feed(
            body,
            url="https://blog.example.org/",
            content_type="application/rss+xml",
            source="X",
            section="feeds",
            summary_length=100,
            now=NOW,
            first_seen={},
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_wrong_and_missing_encodings_still_read(collect, feed_server):
    latin = rss(
        "Caf\u00e9",
        [
            {
                "title": "Caf\u00e9 math",
                "link": "https://blog.example.org/c",
                "date": "Thu, 26 Nov 2026 10:00:00 GMT",
            }
        ],
    )
    latin = latin.decode().replace("encoding='utf-8'", "").encode("latin-1")
    feed_server.routes["/latin.xml"] = Route(latin, content_type="application/rss+xml")
    feed_server.routes["/lie.xml"] = Route(latin, content_type="text/xml; charset=utf-8")
    for path in ("/latin.xml", "/lie.xml"):
        (item,) = one(collect(path)).items
        assert item.title.startswith("Caf") and item.title.endswith(" math")


def test_missing_bad_and_future_dates_count_from_first_seen(collect, feed_server):
    feed_server.routes["/dates.xml"] = Route(
        rss(
            "D",
            [
                {"title": "No date", "link": "https://blog.example.org/n"},
                {
                    "title": "Bad date",
                    "link": "https://blog.example.org/b",
                    "date": "sometime soon",
                },
                {
                    "title": "Future",
                    "link": "https://blog.example.org/f",
                    "date": "Fri, 01 Jan 2100 00:00:00 GMT",
                },
            ],
        )
    )
    first = one(collect("/dates.xml"))
    assert {i.published for i in first.items} == {NOW}
    later = NOW + dt.timedelta(days=3)
    feed_server.routes["/dates.xml"].etag = None
    again = one(collect("/dates.xml", now=later))
    assert {i.published for i in again.items} == {NOW}  # still when first seen


def test_summaries_are_cut_on_a_word_boundary(collect, feed_server):
    long_text = "word " * 100
    feed_server.routes["/long.xml"] = Route(
        rss(
            "L",
            [
                {
                    "title": "Long",
                    "link": "https://blog.example.org/l",
                    "date": "Thu, 26 Nov 2026 10:00:00 GMT",
                    "description": long_text,
                }
            ],
        )
    )
    (item,) = one(collect("/long.xml")).items
    assert len(item.summary) <= 120
    assert item.summary.endswith("word…")


def item(title, link, day, source="Blog", guid=""):
    return FeedItem(
        title=title,
        link=link,
        source=source,
        guid=guid,
        published=dt.datetime(2026, 11, day, 12, tzinfo=dt.UTC),
    )


def test_choosing_posts_for_an_issue():
    blog = FeedSource("Blog", "https://blog.example.org/feed", limit=2)
    other = FeedSource("Other", "https://other.example.org/feed", exclude=["sponsored"])
    picky = FeedSource("Picky", "https://picky.example.org/feed", include=["fractions"])
    outcomes = [
        FeedOutcome(
            blog,
            NEW,
            [
                item("B4", "https://blog.example.org/4", 26),
                item("B3", "https://blog.example.org/3", 25),
                item("B2", "https://blog.example.org/2", 24),
                item("B1", "https://blog.example.org/1", 10),
            ],
        ),
        FeedOutcome(
            other,
            NEW,
            [
                item("Repost of B4", "http://www.blog.example.org/4/", 26),
                item("Sponsored: buy", "https://other.example.org/s", 26),
                item("Old guid", "https://other.example.org/g", 25, guid="g1"),
                item("O1", "https://other.example.org/1", 23),
            ],
        ),
        FeedOutcome(
            picky,
            NEW,
            [
                item("Fractions fun", "https://picky.example.org/f", 22),
                item("Other topic", "https://picky.example.org/o", 22),
            ],
        ),
    ]
    since = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    chosen = choose_items(outcomes, since, featured={"guid:g1"}, max_items=10)
    assert [i.title for i in chosen] == ["B4", "B3", "O1", "Fractions fun"]
    capped = choose_items(outcomes, since, featured=set(), max_items=2)
    assert [i.title for i in capped] == ["B4", "B3"]


def test_fetch_command_prints_a_table_and_strict_fails(workspace, run, feed_server):
    feed_server.routes["/good.xml"] = Route(rss("Good", POSTS), etag='"g"')
    (workspace / "feeds.yaml").write_text(
        "feeds:\n"
        f"  - name: Good Blog\n    url: {feed_server.url('/good.xml')}\n"
        f"  - name: Gone Blog\n    url: {feed_server.url('/gone.xml')}\n"
    )
    result = run("fetch")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["feed", "items", "time", "outcome"]
    assert lines[1].startswith("Good Blog") and lines[1].endswith("new items")
    assert " 3 " in lines[1]
    assert lines[2].startswith("Gone Blog") and lines[2].endswith("failed: 404 not found")
    assert "Fetching feeds" not in result.output  # no progress display without a terminal
    again = run("fetch", "--strict")
    assert again.exit_code == 1
    assert again.stdout.splitlines()[1].endswith("not modified")
    assert "1 of 2 feeds failed (--strict)" in again.output


def test_build_strict_builds_nothing_when_a_feed_fails(workspace, run, feed_server):
    (workspace / "feeds.yaml").write_text(
        f"feeds:\n  - name: Gone Blog\n    url: {feed_server.url('/gone.xml')}\n"
    )
    result = run("build", "--date", "2026-11-27", "--strict")
    assert result.exit_code == 1
    assert "warning: feed 'Gone Blog' skipped: 404 not found" in result.output
    assert "1 feed failed and --strict is on; nothing was built." in result.output
    assert not (workspace / "issues" / "2026-11-27.md").exists()


def test_feed_settings_are_checked(workspace, run):
    (workspace / "newsletter.yaml").write_text("title: T\nfeeds:\n  read_timeout: soon\n")
    result = run("fetch")
    assert result.exit_code == 2
    assert (
        "newsletter.yaml:3: feeds field 'read_timeout': expected a number above 0" in result.output
    )


def test_fetch_limits_default_to_the_settings_defaults():
    from newsletter.feeds.collect import fetch_limits
    from newsletter.workspace.settings import FeedSettings

    assert fetch_limits(FeedSettings()) == FetchLimits()


def test_progress_shows_at_a_terminal(workspace, feed_server):
    feed_server.routes["/good.xml"] = Route(rss("Good", POSTS))
    (workspace / "feeds.yaml").write_text(
        f"feeds:\n  - name: Good Blog\n    url: {feed_server.url('/good.xml')}\n"
    )
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    terminal = Terminal(["-m", "newsletter", "fetch"], env)
    terminal.read_until(b"Fetching feeds: 1 done (Good Blog)")
    terminal.read_until(b"new items")
    assert terminal.exit_code() == 0


def test_malformed_xml_with_items_is_still_read(collect, feed_server):
    broken = (
        b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>B</title>"
        b"<item><title>Fish & chips</title><link>https://blog.example.org/fish</link>"
        b"<pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate></item>"
        b"<item><title>Unclosed<link>https://blog.example.org/u</link></item>"
    )
    feed_server.routes["/broken.xml"] = Route(broken)
    outcome = one(collect("/broken.xml"))
    assert outcome.status == NEW
    assert outcome.items[0].title == "Fish & chips"


def test_podcast_and_microblog_items_without_a_link_or_a_title(collect, feed_server):
    """Podcasts give the address in <enclosure> or a permalink <guid>; Mastodon and
    other microblogs give no title at all."""
    podcast = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Ed Tech Cast</title>"
        b"<link>https://cast.example.org/</link>"
        b"<item><title>Episode 12: Padlet</title><guid isPermaLink='false'>ep-12</guid>"
        b"<enclosure url='https://cdn.example.org/ep12.mp3?utm_source=rss' length='1' "
        b"type='audio/mpeg'/><pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate></item>"
        b"<item><title>Episode 11: Kahoot</title><guid>https://cast.example.org/ep11</guid>"
        b"<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item>"
        b"<item><title>Episode 10: no address at all</title><guid isPermaLink='false'>ep-10"
        b"</guid><pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    microblog = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>@teacher</title>"
        b"<link>https://social.example.org/@teacher</link>"
        b"<item><link>https://social.example.org/@teacher/1</link>"
        b"<description>&lt;p&gt;Just tried &lt;b&gt;Padlet&lt;/b&gt; with my 4th graders: a "
        b"wall of ideas about the water cycle, and every student posted something "
        b"worth reading.&lt;/p&gt;</description>"
        b"<pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate></item>"
        b"</channel></rss>"
    )
    atom = (
        b"<?xml version='1.0' encoding='utf-8'?>"
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>A</title><id>urn:a</id>"
        b"<updated>2026-11-26T10:00:00Z</updated>"
        b"<entry><title>Linkless, with a web address for an id</title>"
        b"<id>https://atom.example.org/posts/7</id>"
        b"<updated>2026-11-26T10:00:00Z</updated></entry></feed>"
    )
    feed_server.routes["/cast.xml"] = Route(podcast)
    feed_server.routes["/social.xml"] = Route(microblog)
    feed_server.routes["/atom.xml"] = Route(atom, content_type="application/atom+xml")
    cast, social, linkless = collect("/cast.xml", "/social.xml", "/atom.xml")
    assert [(i.title, i.link) for i in cast.items] == [
        ("Episode 12: Padlet", "https://cdn.example.org/ep12.mp3"),
        ("Episode 11: Kahoot", "https://cast.example.org/ep11"),
    ]
    (post,) = social.items
    assert post.link == "https://social.example.org/@teacher/1"
    assert (
        post.title
        == "Just tried Padlet with my 4th graders: a wall of ideas about the water cycle…"
    )
    assert post.summary.startswith("Just tried Padlet with my 4th graders")
    assert [i.link for i in linkless.items] == ["https://atom.example.org/posts/7"]


def test_a_feed_that_waited_for_its_turn_says_so():
    """With many feeds on one host, one whose time ran out while it waited for a
    connection is not reported as a slow server."""
    import time

    from newsletter.feeds.fetch import FetchError, HostGate

    gate = HostGate(per_host=1)
    busy = gate.slot("blogs.example.org")  # the one connection is taken
    with busy, pytest.raises(FetchError) as caught:  # noqa: SIM117 - the order matters
        with gate.slot("blogs.example.org", until=time.monotonic() + 0.05):
            pass
    assert "never got its turn: many feeds on blogs.example.org share 1 connections" in str(
        caught.value
    )
    assert "the server itself was not slow" in str(caught.value)
    with gate.slot("blogs.example.org", until=time.monotonic() + 0.05):
        pass  # free again


def test_new_items_only_when_a_post_is_new(collect, feed_server):
    # A server with no ETag or Last-Modified sends the whole feed every time.
    feed_server.routes["/plain.xml"] = Route(rss("Plain", POSTS))
    assert one(collect("/plain.xml")).status == NEW
    again = one(collect("/plain.xml"))
    assert again.status == UNCHANGED
    assert len(again.items) == 3
    newer = [
        {
            "title": "Newer still",
            "link": "https://blog.example.org/4",
            "date": "Thu, 26 Nov 2026 11:00:00 GMT",
        },
        *POSTS,
    ]
    feed_server.routes["/plain.xml"] = Route(rss("Plain", newer))
    assert one(collect("/plain.xml")).status == NEW
