"""feeds.yaml changed by command: feeds added (one, or a reader's OPML list), one
removed, paused or resumed. The file is written in place, as the notes are: its
comments and layout stay, the result is read back first, one writer at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsletter.errors import InputError, shown
from newsletter.feeds.sources import FeedSource, load_feed_sources
from newsletter.workspace.entries import as_written, entries_lock, regular_file, replace_entries
from newsletter.workspace.files import read_text, write_atomically
from newsletter.workspace.folder import Workspace
from newsletter.workspace.yamlfile import Sequence, parse_yaml

NEW_FILE = (
    '# The edtech blogs whose new posts appear under "From the blogs".\n'
    "# Change it with 'newsletter feeds add | remove | pause | resume', or here.\n"
    "feeds:\n"
)
HINT = "Change feeds.yaml in any editor instead."


@dataclass
class Added:
    added: list[dict[str, Any]] = field(default_factory=list)
    already: list[tuple[dict[str, Any], FeedSource]] = field(default_factory=list)


def same_address(a: str, b: str) -> bool:
    """Two ways of writing one feed's address: the host's case, a trailing slash."""

    def key(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url.strip())
        return (parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/"), parts.query)

    return key(a) == key(b)


def add_feeds(workspace: Workspace, feeds: list[dict[str, Any]], write: bool = True) -> Added:
    """Add feeds (each a feeds.yaml entry: name, url, ...) at the end of the list; one
    whose address is listed already is left out, named in `already`. Without
    `write`, only what would be added is worked out (a dry run)."""
    path = workspace.feeds_file
    with entries_lock(workspace.state_dir, path.name):
        _make_room(path, write)
        entries, sources = _current(path)
        result = Added()
        for feed in feeds:
            listed = [s for s in sources if same_address(s.url, feed["url"])]
            listed += [
                FeedSource(str(a["name"]), str(a["url"]))
                for a in result.added
                if same_address(str(a["url"]), feed["url"])
            ]
            if listed:
                result.already.append((feed, listed[0]))
            else:
                result.added.append({key: value for key, value in feed.items() if value})
        if result.added and write:
            replace_entries(path, entries, {}, result.added, "the feed cannot be added", HINT,
                            within="feeds")  # fmt: skip
        return result


def change_feed(workspace: Workspace, which: str, change: str) -> FeedSource:
    """Remove, pause or resume (`change`) the feed named or addressed by `which`."""
    path = workspace.feeds_file
    with entries_lock(workspace.state_dir, path.name):
        entries, sources = _current(path)
        index = find_feed(sources, which, path)
        entry = as_written(entries[index])
        if change == "pause":
            entry["paused"] = True
        elif change == "resume":
            entry.pop("paused", None)
        new = None if change == "remove" else entry
        replace_entries(path, entries, {index: new}, [], f"the feed cannot be {change}d here",
                        HINT, within="feeds")  # fmt: skip
        return sources[index]


def find_feed(sources: list[FeedSource], which: str, path: Path) -> int:
    """The place in the list of the feed with this name (any case) or address."""
    by_url = [i for i, s in enumerate(sources) if same_address(s.url, which)]
    by_name = [i for i, s in enumerate(sources) if s.name.casefold() == which.strip().casefold()]
    found = by_url or by_name
    if len(found) == 1:
        return found[0]
    if found:
        raise InputError(
            f"{shown(path)}: {len(found)} feeds are named '{which}'.",
            hint="Name the one you mean by its address: "
            + ", ".join(sources[i].url for i in found)
            + ".",
        )
    names = ", ".join(f"'{s.name}'" for s in sources[:12]) or "none yet"
    raise InputError(
        f"{shown(path)}: no feed is named or at '{which}'.",
        hint=f"The feeds: {names}. 'newsletter feeds' lists them with their addresses.",
    )


def _current(path: Path) -> tuple[Sequence, list[FeedSource]]:
    """The list's raw entries (for writing in place) and the feeds they read as; a
    mistake anywhere in the file is named before anything is changed."""
    sources = load_feed_sources(path)
    if not regular_file(path):
        return Sequence(), sources
    data = parse_yaml(read_text(path), path)
    entries = data.get("feeds") if isinstance(data, dict) else None
    return (entries if isinstance(entries, Sequence) else Sequence()), sources


def _make_room(path: Path, write: bool) -> None:
    """A file with no list to add to yet gets one: written anew when missing, a
    'feeds:' line when it has none, 'feeds: []' opened up."""
    if not regular_file(path):
        if write:
            write_atomically(path, NEW_FILE)
        return
    text = read_text(path)
    data = parse_yaml(text, path)
    if data is None:
        new = text + ("" if text.endswith("\n") or not text else "\n") + "feeds:\n"
    elif isinstance(data, dict) and not data.get("feeds"):
        new = re.sub(r"(?m)^feeds:[ \t]*(\[[ \t]*\])?[ \t]*(#.*)?$", "feeds:", text, count=1)
    else:
        return
    if new != text and write:
        write_atomically(path, new)
