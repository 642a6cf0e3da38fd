"""Reading the editor's YAML files with line numbers, so every error can say where.

`load_yaml` returns plain lists and `Mapping` objects (a dict that remembers the
line of each key). `Fields` reads one mapping into typed values and turns any
mistake into one InputError naming file, line and field.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import yaml

from newsletter.errors import InputError, shown
from newsletter.workspace.files import read_text
from newsletter.workspace.validate import control_characters

T = TypeVar("T")


class Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers where it and each of its keys stand."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


# libyaml's parser when PyYAML has it: several times faster on a long notes file.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """YAML as the editor means it: dates stay text until a field that wants a date
    reads them (so '2026-02-30' is that field's clear error, and a title that looks
    like a date stays a title), and none of YAML's rarer types (binary, sets,
    ordered pairs) get in."""


# No implicit timestamps: every date is read, and checked, by the field that wants it.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _refuse(loader: _LineLoader, node: yaml.Node) -> Any:
    kind = node.tag.rsplit(":", 1)[-1]
    raise yaml.constructor.ConstructorError(
        None, None, f"'!!{kind}' values are not used here; write plain text", node.start_mark
    )


for _tag in ("binary", "set", "omap", "pairs", "timestamp"):
    _LineLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Mapping:
    loader.flatten_mapping(node)
    mapping = Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            raise yaml.constructor.ConstructorError(
                None, None, "a field name must be a word, like 'name'", key_node.start_mark
            )
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"the field '{key}' is given twice", key_node.start_mark
            )
        mapping[key] = _construct(loader, value_node)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_TEXT_TAG = "tag:yaml.org,2002:str"


def _construct(loader: _LineLoader, node: yaml.Node) -> Any:
    """A node's value; text directly, as most values are (an archive file has
    thousands, and the general path costs several calls each)."""
    if node.tag == _TEXT_TAG and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class Sequence(list):  # type: ignore[type-arg]
    """A YAML list that remembers the line of each item, so that an entry that is
    not 'field: value' lines can be pointed at."""

    item_lines: list[int]

    def line_of_item(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else 0


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Sequence:
    items = Sequence(_construct(loader, child) for child in node.value)
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, path: Path) -> Any:
    """Parse YAML text that came from `path`; a syntax error names file and line."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.constructor.ConstructorError as err:  # valid YAML, but not what we take
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        raise InputError(
            f"{shown(path)}:{line}: {err.problem or 'a value that cannot be used'}.",
            hint="Write the value as plain text, a number, a list or 'field: value' lines.",
        ) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        if err.problem and err.problem.startswith("mapping values are not allowed"):
            # 'summary: Try it. Tip: ...': the second ': ' reads as a new field
            raise InputError(
                f"{shown(path)}:{line}: the text contains ': ' (a colon and a space), which "
                "YAML reads as the start of a field.",
                hint="Put the text in quotes (\"...\"), or write it on the lines below a '|' line.",
            ) from None
        problem = err.problem or err.context or "it cannot be read"
        raise InputError(
            f"{shown(path)}:{line}: not valid YAML: {problem}.",
            hint="Check the indentation and quoting on that line and the one above it.",
        ) from None
    except yaml.YAMLError as err:
        raise InputError(f"{shown(path)}: not valid YAML: {err}.") from None
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        # A value its tag cannot make (!!int abc, !!bool maybe, a 5000-digit number).
        raise InputError(
            f"{shown(path)}: a value cannot be read ({err.__class__.__name__}: {str(err)[:80]}).",
            hint="Write values as plain text, numbers or lists, without '!!' tags.",
        ) from None


def load_yaml(path: Path) -> Any:
    return parse_yaml(read_text(path), path)


def collecting(problems: list[InputError] | None, read: Callable[..., T], *args: Any) -> T | None:
    """Run a reader. Without a problems list its InputError goes up as usual; with
    one, every mistake it meets is recorded there (all of an entry's fields, not only
    the first: Fields goes on past each) and None returned, so a check can report
    every problem at once. The reader's own checks across fields count only when
    every field read well."""
    if problems is None:
        return read(*args)
    gathered: list[InputError] = []
    token = _gathering.set(gathered)
    try:
        result: T | None = read(*args)
    except InputError as err:
        if not gathered:
            gathered.append(err)
        # else: the reader's own check of fields read as their fallbacks (a url ""
        # "listed twice"), which says nothing the recorded mistakes do not
    except (TypeError, ValueError, AttributeError, KeyError):
        if not gathered:
            raise
        # a field read as its fallback went on to trip the reader: that field's
        # mistake, already recorded, is the one to report
    finally:
        _gathering.reset(token)
    if gathered:
        problems.extend(gathered)
        return None
    return result


# While `collecting` runs a reader, the list its Fields record mistakes in.
_gathering: ContextVar[list[InputError] | None] = ContextVar("gathering", default=None)


def _kind(data: Any) -> str:
    if data is None:
        return "nothing"
    if isinstance(data, list):
        return "a list"
    return f"the text {str(data)[:40]!r}"


def suggest(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


class Fields:
    """Read the fields of one YAML mapping, reporting mistakes with file and line."""

    def __init__(self, data: Any, path: Path, what: str, line: int = 0) -> None:
        self.path = path
        self.what = what
        if not isinstance(data, dict):
            raise InputError(
                f"{shown(path)}:{line}: expected {what} as 'field: value' lines, found "
                f"{_kind(data)}.",
                hint="Write one 'field: value' per line, indented under the entry.",
            )
        self.data = data
        self.line = getattr(data, "line", line)

    def line_of(self, key: str | None = None) -> int:
        return self.data.line_of(key) if key and isinstance(self.data, Mapping) else self.line

    def where(self, key: str | None = None) -> str:
        return f"{shown(self.path)}:{self.line_of(key)}"

    def missing(self, key: str) -> InputError:
        return InputError(
            f"{self.where()}: {self.what} is missing the field '{key}'.",
            hint=f"Add a line '{key}: ...' to it.",
        )

    def fail(self, key: str, problem: str, hint: str | None = None) -> InputError:
        return InputError(f"{self.where(key)}: {self.what} field '{key}': {problem}", hint=hint)

    def _refused(self, err: InputError, fallback: Any) -> Any:
        """A field's mistake: raised, or, under `collecting`, recorded and the field read
        as `fallback`, so the entry's other fields are checked too."""
        gathered = _gathering.get()
        if gathered is None:
            raise err
        gathered.append(err)
        return fallback

    def only(self, allowed: Iterable[str]) -> None:
        """Unknown fields are mistakes: say which, and the near name if there is one."""
        allowed = list(allowed)
        for key in self.data:
            if key not in allowed:
                near = suggest(str(key), allowed)
                hint = f"Did you mean '{near}'?" if near else f"Known fields: {', '.join(allowed)}."
                self._refused(
                    InputError(f"{self.where(key)}: unknown {self.what} field '{key}'.", hint=hint),
                    None,
                )

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                return self._refused(self.missing(key), default)
            return default
        if isinstance(value, (dict, list)):
            return self._refused(
                self.fail(key, "expected text, found a list or a mapping."), default
            )
        if isinstance(value, bool):  # yes, no, on, off are true/false in YAML
            return self._refused(
                self.fail(key, f"reads as {str(value).lower()}.", hint="Put the text in quotes."),
                default,
            )
        text = str(value).strip()
        bad = control_characters(text)
        if bad:
            return self._refused(
                self.fail(
                    key,
                    f"contains control characters ({bad}).",
                    hint="Delete them; they can retitle or clear the screen of whoever reads it.",
                ),
                default,
            )
        return text

    def text_list(self, key: str) -> list[str]:
        """A list given either as a YAML list or as comma-separated text."""
        value = self.data.get(key)
        if value is None:
            return []
        if isinstance(value, dict):
            return self._refused(self.fail(key, "expected a list of words, found a mapping."), [])
        items = value if isinstance(value, list) else str(value).split(",")
        result = []
        for item in items:
            if isinstance(item, (dict, list)):
                return self._refused(
                    self.fail(key, "expected a list of words, found a nested list or mapping."), []
                )
            word = str(item).strip()
            if "\n" in word or control_characters(word):
                return self._refused(
                    self.fail(key, f"{word[:40]!r} contains a line break or control character."), []
                )
            if word:
                result.append(word)
        return result

    def number(self, key: str, default: int, minimum: int = 0, maximum: int = 10**6) -> int:
        value = self.data.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            return self._refused(
                self.fail(
                    key, f"expected a whole number from {minimum} to {maximum}, got {value!r}."
                ),
                default,
            )
        return value

    def seconds(self, key: str, default: float, maximum: float = 24 * 3600) -> float:
        """A positive number (seconds, megabytes): whole or with a decimal point."""
        value = self.data.get(key)
        if value is None:
            return default
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 < value <= maximum  # also refuses .nan and .inf
        ):
            return self._refused(
                self.fail(
                    key, f"expected a number above 0 and at most {maximum:g}, got {value!r}."
                ),
                default,
            )
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            return self._refused(self.fail(key, f"expected true or false, got {value!r}."), default)
        return value

    def checked(self, key: str, parse: Callable[[Any], T], required: bool = False) -> T | None:
        """Run a validator from workspace.validate on the field; its ValueError says why."""
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                return self._refused(self.missing(key), None)
            return None
        try:
            return parse(value)
        except ValueError as err:
            return self._refused(self.fail(key, str(err)), None)


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as '|' blocks and short lists inline: YAML a person reads."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _represent_text)


class _EntryDumper(_BlockDumper):
    """Notes entries as an editor writes them: each field on its own line, short
    lists of words inline ([3-5, 6-8])."""


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    scalars = all(not isinstance(item, (dict, list)) for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=scalars)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=False)


_EntryDumper.add_representer(list, _represent_list)
_EntryDumper.add_representer(dict, _represent_dict)


def dump_entries(entries: list[dict[str, Any]]) -> str:
    """Entries for a notes file, in the block style of its examples."""
    return yaml.dump(entries, Dumper=_EntryDumper, sort_keys=False, allow_unicode=True, width=100)


def dump_block(data: Any) -> str:
    """A mapping for a settings file, in block style as the editor writes it (short
    lists of words inline)."""
    return yaml.dump(data, Dumper=_EntryDumper, sort_keys=False, allow_unicode=True, width=100)


def dump_yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_BlockDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
