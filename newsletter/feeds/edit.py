"""feeds.yaml changed by command: feeds added (one, or a reader's OPML list), one
removed, paused or resumed. The file is written in place, as the notes are: its
comments and layout stay (pausing adds or removes one line), a new feed is checked
as feeds.yaml's reader checks it, the result is read back before it replaces the
file, and one writer at a time holds the file's lock."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, shown
from newsletter.feeds.sources import FeedSource, address_key, feed_sources, read_feed_source
from newsletter.workspace.entries import entries_lock, entry_span, regular_file, replace_entries
from newsletter.workspace.files import write_atomically
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
    refused: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # and why
    named_alike: list[tuple[dict[str, Any], FeedSource]] = field(default_factory=list)


def same_address(a: str, b: str) -> bool:
    return address_key(a) == address_key(b)


def checked_entry(feed: dict[str, Any], path: Path) -> dict[str, Any]:
    """A new entry as it will be written, read as feeds.yaml's reader reads it: a
    mistake is an InputError that names the field."""
    entry = {key: value for key, value in feed.items() if value not in (None, "", [])}
    try:
        read_feed_source(entry, path)
    except InputError as err:
        # the entry is not in the file yet: say which feed, not a line of the file
        problem = str(err.message).split(": ", 1)[-1]
        raise InputError(f"the feed '{feed.get('name', '')}': {problem}", hint=err.hint) from None
    return entry


def add_feeds(workspace: Workspace, feeds: list[dict[str, Any]], write: bool = True) -> Added:
    """Add feeds (each a feeds.yaml entry: name, url, ...) right after the list's last
    entry. One listed already is left out (`already`), one that would not read is
    left out with why (`refused`). Without `write`, nothing is written (a dry run)."""
    path = workspace.feeds_file
    with entries_lock(workspace.state_dir, path.name):
        text = _with_room(path)
        entries, sources = _current(path, text)
        by_address = {address_key(s.url): s for s in sources}
        by_name = {s.name.casefold(): s for s in sources}
        result = Added()
        for feed in feeds:
            try:
                entry = checked_entry(feed, path)
            except InputError as err:
                result.refused.append((feed, err.message))
                continue
            listed = by_address.get(address_key(entry["url"]))
            if listed:
                result.already.append((feed, listed))
                continue
            alike = by_name.get(str(entry["name"]).casefold())
            if alike:
                result.named_alike.append((feed, alike))
            source = FeedSource(str(entry["name"]), str(entry["url"]))
            by_address[address_key(source.url)] = by_name[source.name.casefold()] = source
            result.added.append(entry)
        if result.added:
            replace_entries(path, entries, {}, result.added, "the feed cannot be added", HINT,
                            write=write, within="feeds", text=text)  # fmt: skip
        return result


def remove_feed(workspace: Workspace, which: str) -> FeedSource:
    """Remove the feed named or addressed by `which`: its lines only."""
    path = workspace.feeds_file
    with entries_lock(workspace.state_dir, path.name):
        entries, sources = _current(path)
        index = find_feed(sources, which, path)
        replace_entries(path, entries, {index: None}, [], "the feed cannot be removed here",
                        HINT, within="feeds")  # fmt: skip
        return sources[index]


def set_paused(workspace: Workspace, which: str, paused: bool) -> tuple[FeedSource, bool]:
    """Pause (or resume) a feed by one line of its entry: 'paused: true' added, or
    taken away. Returns the feed and whether anything changed."""
    path = workspace.feeds_file
    with entries_lock(workspace.state_dir, path.name):
        entries, sources = _current(path)
        index = find_feed(sources, which, path)
        source = sources[index]
        if source.paused == paused:
            return source, False
        raw = path.read_bytes().decode("utf-8")
        lines = raw.splitlines(keepends=True)
        newline = "\r\n" if "\r\n" in raw else "\n"
        first, last = entry_span(lines, entries, index)
        flag = re.compile(r"[ \t]*paused[ \t]*:.*$")
        kept = [n for n in range(first, last) if not flag.match(lines[n].rstrip("\r\n"))]
        if len(kept) < last - first - 1:
            raise InputError(f"{shown(path)}:{first + 1}: the feed has 'paused' twice.", hint=HINT)
        body = [lines[n] for n in kept]
        if paused:
            if not body[-1].endswith("\n"):
                body[-1] += newline
            body.append(f"{_field_indent(lines, entries, index)}paused: true{newline}")
        new = "".join(lines[:first] + body + lines[last:])
        found = _read_list(new, path)
        expected = [s.paused if i != index else paused for i, s in enumerate(sources)]
        if found is None or [s.paused for s in found] != expected:
            raise InputError(
                f"{shown(path)}:{first + 1}: this entry is written in a way that cannot be "
                "changed safely by one line (YAML's one-line style, say).",
                hint="Write 'paused: true' in it, or take it away, in any editor.",
            )
        write_atomically(path, new)
        return source, True


def find_feed(sources: list[FeedSource], which: str, path: Path) -> int:
    """The place in the list of the feed at this address (exactly as written first,
    then however written) or with this name (any case)."""
    wanted = which.strip()
    exact = [i for i, s in enumerate(sources) if s.url == wanted]
    by_url = [i for i, s in enumerate(sources) if same_address(s.url, wanted)]
    by_name = [i for i, s in enumerate(sources) if s.name == wanted]
    by_any_case = [i for i, s in enumerate(sources) if s.name.casefold() == wanted.casefold()]
    for found in (exact, by_url, by_name, by_any_case):
        if len(found) == 1:
            return found[0]
        if found:
            raise InputError(
                f"{shown(path)}: {len(found)} feeds match '{which}'.",
                hint="Name the one you mean by its address as written in feeds.yaml: "
                + ", ".join(sources[i].url for i in found)
                + ".",
            )
    names = ", ".join(f"'{s.name}'" for s in sources[:12]) or "none yet"
    raise InputError(
        f"{shown(path)}: no feed is named or at '{which}'.",
        hint=f"The feeds: {names}. 'newsletter feeds' lists them with their addresses.",
    )


def _current(path: Path, text: str | None = None) -> tuple[Sequence, list[FeedSource]]:
    """The list's raw entries (for writing in place) and the feeds they read as; a
    mistake anywhere in the file is named before anything is changed."""
    if text is None:
        if not regular_file(path):
            return Sequence(), []
        text = path.read_bytes().decode("utf-8", "replace")
    data = parse_yaml(text, path)  # once: the entries to write and the feeds they are
    sources = feed_sources(data, path)
    entries = data.get("feeds") if isinstance(data, dict) else None
    return (entries if isinstance(entries, Sequence) else Sequence()), sources


def _read_list(text: str, path: Path) -> list[FeedSource] | None:
    try:
        return feed_sources(parse_yaml(text, path), path)
    except InputError:
        return None


def _field_indent(lines: list[str], entries: Sequence, index: int) -> str:
    """The indent of an entry's fields: where its first field's name starts."""
    line = lines[entries.line_of_item(index) - 1].lstrip("\ufeff")
    match = re.match(r"([ \t]*-[ \t]+)?([ \t]*)", line)
    assert match is not None  # the pattern matches any line
    return " " * len(match.group(0))


# 'feeds: []', 'feeds: ~', 'feeds:' with its comment: a list with no entries yet.
_EMPTY_LIST = re.compile(r"(?m)^feeds[ \t]*:[ \t]*(?:\[[ \t]*\]|~|null)?[ \t]*(#[^\r\n]*)?(?=\r?$)")


def _with_room(path: Path) -> str:
    """The file's text, made ready for a first entry: a new file's text when there is
    none, a 'feeds:' line when it has none, 'feeds: []' (or '~') opened up, its
    comment and line endings kept. Nothing is written here."""
    if not regular_file(path):
        return NEW_FILE
    text = path.read_bytes().decode("utf-8", "replace")
    data = parse_yaml(text, path)
    newline = "\r\n" if "\r\n" in text else "\n"
    if data is None:
        return text + ("" if text.endswith("\n") or not text else newline) + "feeds:" + newline
    if isinstance(data, dict) and not data.get("feeds"):
        return _EMPTY_LIST.sub(lambda m: "feeds:" + (f" {m[1]}" if m[1] else ""), text, count=1)
    return text
