"""A YAML file that is a list of entries (the notes files, the register of vetted
tools), written the way the editor would: one entry appended at the end, or some
written again where they stand, the rest of the file (comments, order, layout, line
endings) exactly as it was. Every new text is read back before it replaces the
file, and one writer at a time holds the file's lock, so nothing is lost."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from newsletter.errors import InputError, shown
from newsletter.workspace.files import read_text, write_atomically
from newsletter.workspace.lock import waiting_lock
from newsletter.workspace.yamlfile import Sequence, dump_entries, load_yaml, parse_yaml


def regular_file(path: Path) -> bool:
    """True for a file to read; False when there is none. A folder, a device or a
    broken link where the file should be is a mistake to report, not an empty file."""
    if path.is_file():
        return True
    if path.exists() or path.is_symlink():
        raise InputError(
            f"{shown(path)}: not a file (a folder, a device or a broken link).",
            hint="Put the file back, or remove what stands in its place.",
        )
    return False


def file_entries(path: Path) -> list[Any]:
    if not regular_file(path):
        return []
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise not_a_list(path)
    return data


def not_a_list(path: Path) -> InputError:
    return InputError(
        f"{shown(path)}:1: expected a list of entries, each starting with '- '.",
        hint="See the example at the top of the file made by 'newsletter init'.",
    )


def append_entry(
    path: Path,
    entry: dict[str, Any],
    lock_dir: Path,
    check: Callable[[list[Any]], None] | None = None,
    new_file: str = "",
) -> int:
    """Add one entry to the end of a notes file without touching what is there.

    Returns the line the new entry starts on. `check` sees the entries already
    there first, and may refuse the addition. The whole new text is parsed (once:
    appending costs one reading of the file) before it replaces the file, so a
    mistake can never leave a broken file; the file's own line endings are kept; and
    a lock makes two adds at once take turns, so neither is lost. A file not there
    yet starts as `new_file` (its starter text, with the comments that explain it).
    """
    path = path.resolve() if path.is_symlink() and path.exists() else path  # keep the link
    with entries_lock(lock_dir, path.name):
        if regular_file(path):
            raw = path.read_bytes()
            old = read_text(path) if b"\r" not in raw else raw.decode("utf-8", "strict")
        else:
            old = new_file
        newline = "\r\n" if "\r\n" in old else "\n"
        clean = {key: value for key, value in entry.items() if value not in (None, "", [], {})}
        addition = dump_entries([clean]).replace("\n", newline)
        prefix = old if old.endswith("\n") or not old else old + newline
        if prefix.strip() and not prefix.strip().endswith("#"):
            prefix += newline  # a blank line between entries
        line = prefix.count("\n") + 1
        new = prefix + addition
        after = _parsed_for_append(new, old, path)
        added = after[-1] if isinstance(after, list) and after else None
        # The addition must be a list item of its own, where we put it: not merged into
        # the entry before it, nor swallowed by a block the file left open.
        if (
            not isinstance(after, Sequence)
            or after.line_of_item(len(after) - 1) != line
            or not isinstance(added, dict)
            or set(added) != set(clean)
        ):
            raise InputError(
                f"{shown(path)}: cannot add to this file safely; its last entry is not a "
                "plain list item.",
                hint="Make sure every entry starts with '- ' at the left margin, then try again.",
            )
        if check:
            existing = Sequence(after[:-1])
            existing.item_lines = after.item_lines[:-1]
            check(existing)
        write_atomically(path, new)
        return line


def _parsed_for_append(new: str, old: str, path: Path) -> Any:
    try:
        return parse_yaml(new, path)
    except InputError:
        before = parse_yaml(old, path)  # broken before? that is the problem to report
        if before is not None and not isinstance(before, list):
            raise not_a_list(path) from None
        raise InputError(
            f"{shown(path)}: cannot add to this file safely; it is not written as a list of "
            "'- ' entries (flow style like [ ... ] is valid YAML, but cannot be added to).",
            hint="Write each entry on lines starting with '- ', or add this one by hand.",
        ) from None


def entries_lock(lock_dir: Path, name: str) -> AbstractContextManager[None]:
    """One writer at a time per file: wait (briefly) for the other to finish."""
    return waiting_lock(
        lock_dir / f"{name}.lock",
        f"another command has been adding to {name} for 30 s; nothing was added.",
    )


def replace_entry(
    path: Path, entries: Sequence, index: int, entry: dict[str, Any] | None, what: str
) -> None:
    """Write one entry again where it stands (None: remove it); see replace_entries."""
    replace_entries(path, entries, {index: entry}, [], what)


def replace_entries(
    path: Path,
    entries: Sequence,
    changes: Mapping[int, dict[str, Any] | None],
    added: list[dict[str, Any]],
    what: str,
    hint: str = "Change it with 'newsletter edit', or in any editor.",
    write: bool = True,
    within: str = "",
    text: str | None = None,
) -> None:
    """Write the entries at the indexes of `changes` again where they stand (None:
    remove it), each from its '-' line up to the next entry's, keeping the blank and
    comment lines between them and the file's line endings, and `added` at the end;
    the rest of the file stays exactly as the editor left it. The result is read
    back before it is written: if any other entry would read differently (a layout
    this cannot cut safely), nothing is written. `what` says what cannot be done
    then ('its topic cannot be added'), and `hint` how to do it by hand. Without
    `write`, the new text is made and checked, and not written (a dry run).
    `within`: the list is that field of a mapping, the file's last (feeds.yaml's
    `feeds:`), its entries indented as the file's first one is. `text`: the file's
    text to start from, when it is not written yet."""
    raw = text if text is not None else (  # given: the file as it is about to be
        path.read_bytes().decode("utf-8") if path.exists() else "")  # fmt: skip
    lines = raw.splitlines(keepends=True)
    newline = "\r\n" if "\r\n" in raw else "\n"
    indent = _indent_of(lines, entries) if within else ""

    def block(entry: dict[str, Any]) -> str:
        dumped = dump_entries([entry])
        if indent:
            dumped = "".join(indent + line if line.strip() else line
                             for line in dumped.splitlines(keepends=True))  # fmt: skip
        return dumped.replace("\n", newline)

    pieces: list[str] = []
    done = 0  # lines of the old text already placed
    for index in sorted(changes):
        entry = changes[index]
        first, last = entry_span(lines, entries, index)
        dash = first < len(lines) and lines[first].lstrip("\ufeff").lstrip().startswith("-")
        one_line = re.match(r"\s*-\s*[{\[]", lines[first].lstrip("\ufeff")) if dash else None
        if not dash or first >= last or first < done or (entry is not None and one_line):
            # '- {title: ...}' is the editor's one-line style, not ours to rewrite
            raise _cannot_cut(path, first, what, hint)
        pieces += lines[done:first]
        pieces.append(block(entry) if entry is not None else "")
        done = last
    if added and within:
        # A mapping's list (feeds.yaml): new entries right after its last one (or its
        # key), before any comment block the file ends with; without blank lines.
        at = max(done, _list_end(lines, entries, within))
        pieces += lines[done:at]
        if pieces and not pieces[-1].endswith("\n"):
            pieces[-1] += newline
        pieces += [block(entry) for entry in added]
        done = at
    pieces += lines[done:]
    text = "".join(pieces)
    if added and not within:
        if text and not text.endswith("\n"):
            text += newline
        if text.strip():
            text += newline
        text += newline.join(block(entry) for entry in added)  # a blank line between notes
    expected = [changes.get(i, e) for i, e in enumerate(entries)]
    written = {i for i, e in changes.items() if e is not None}
    kept = [(i in written, e) for i, e in enumerate(expected) if e is not None]
    kept += [(True, e) for e in added]
    if not _reads_as(text, path, kept, within):
        first = _dash_line(lines, entries.line_of_item(min(changes)) - 1) if changes else 0
        raise _cannot_cut(path, first, what, hint)
    if write:
        write_atomically(path, text)


def entry_span(lines: list[str], entries: Sequence, index: int) -> tuple[int, int]:
    """The lines [first, last) of entry `index`: from its '-' line up to the next
    entry's, less the blank and comment lines at its end (they belong to what
    follows: a heading for the next entry, a block of old entries commented out)."""
    first = _dash_line(lines, entries.line_of_item(index) - 1)
    last = (
        _dash_line(lines, entries.line_of_item(index + 1) - 1)
        if index + 1 < len(entries)
        else len(lines)
    )
    dash = len(lines[first]) - len(lines[first].lstrip("\ufeff").lstrip()) if lines else 0
    while last > first + 1 and _outside_entry(lines[last - 1], dash):
        last -= 1
    return first, last


def _outside_entry(line: str, dash: int) -> bool:
    """A blank line, or a comment (or '...') no deeper than the entry's '-': text of a
    '|' block is deeper, and is the entry's own, even where it starts with '#'."""
    if not line.strip():
        return True
    depth = len(line) - len(line.lstrip(" \t"))
    return depth <= dash and bool(re.fullmatch(r"(#.*|\.\.\.)\s*", line.lstrip(" \t")))


def _list_end(lines: list[str], entries: Sequence, key: str) -> int:
    """Where a new entry of the mapping's list `key` goes: after its last entry, or
    after the key's line when it has none yet (the end of the file without one)."""
    if entries:
        return entry_span(lines, entries, len(entries) - 1)[1]
    for number, line in enumerate(lines):
        if re.match(rf"\ufeff?{re.escape(key)}\s*:", line):
            return number + 1
    return len(lines)


def _cannot_cut(path: Path, first: int, what: str, hint: str) -> InputError:
    return InputError(
        f"{shown(path)}:{first + 1}: this entry is written in a way that cannot be cut "
        f"out of the file safely (YAML's one-line style, say), so {what}.",
        hint=hint,
    )


def _dash_line(lines: list[str], line: int) -> int:
    """The line of an entry's '-': its first field's line, or a line above it that
    holds the '-' alone ('-' or '- # a comment')."""
    text = lines[line].lstrip("\ufeff") if line < len(lines) else ""
    if text.lstrip().startswith("-"):
        return line
    for above in range(line - 1, -1, -1):
        if re.fullmatch(r"\s*-\s*(#.*)?", lines[above].rstrip("\r\n")):
            return above
        if lines[above].strip() and not lines[above].lstrip().startswith("#"):
            break
    return line


def _indent_of(lines: list[str], entries: Sequence) -> str:
    """How far a mapping's list is indented: as its first entry is, or two spaces."""
    if entries:
        first = lines[_dash_line(lines, entries.line_of_item(0) - 1)].lstrip("\ufeff")
        return first[: len(first) - len(first.lstrip(" "))]
    return "  "


def _reads_as(text: str, path: Path, expected: list[tuple[bool, Any]], within: str = "") -> bool:
    """Whether `text` reads as the entries `expected`, each (written anew, entry):
    one written anew is only counted, the others compared with what was there."""
    try:
        found = parse_yaml(text, path)
    except InputError:
        return False
    if within:
        if not isinstance(found, dict):
            return False
        found = found.get(within)
    if not isinstance(found, list) and not (found is None and not expected):
        return False
    found = found or []
    if len(found) != len(expected):
        return False
    pairs = zip(found, expected, strict=True)
    return all(new or _as_text(a) == _as_text(b) for a, (new, b) in pairs)


def _as_text(value: Any) -> Any:
    """A value as text, to compare what was read with what was meant."""
    if isinstance(value, dict):
        return {str(k): _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return str(value)


def as_written(value: Any) -> Any:
    """What the YAML loader made, as plain dicts and lists, to be written again (a
    date as a date, so that it is written as the editor wrote it: unquoted)."""
    if isinstance(value, dict):
        return {as_written(key): as_written(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_written(item) for item in value]
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
