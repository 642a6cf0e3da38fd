"""What the commands share: the group that turns the core's errors into one line and
an exit status (and orders the commands in the weekly loop), the context each command
starts from, and options that check their values. app.py, the table of contents, and
every other module of cli/ use these."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from newsletter.errors import InputError, NewsletterError, shown

if TYPE_CHECKING:
    from newsletter.cli.context import Context

# Only click is imported for `newsletter --help`; each command imports what it uses.
ENV_VAR = "NEWSLETTER_WORKSPACE"


def paint(text: str, colour: str) -> str:
    """Text in a colour at a terminal: errors red, warnings yellow, success green.
    Click leaves the colour out when the output is not a terminal; NO_COLOR (any
    value, no-color.org) leaves it out everywhere."""
    if os.environ.get("NO_COLOR"):
        return text
    return click.style(text, fg=colour)


class OneLine(click.ClickException):
    """An error as one line: 'Error:' in red at a terminal, then what and how to fix it."""

    def show(self, file: Any = None) -> None:
        click.echo(f"{paint('Error:', 'red')} {self.format_message()}", file=file, err=True)


class Failed(OneLine):
    """A failure: exit 1, one line."""

    exit_code = 1


class BadInput(OneLine):
    """Bad input from the editor: exit 2, one line (no usage text to wade through)."""

    exit_code = 2


class Group(click.Group):
    """Turns the core's errors into one line each, never a traceback; and imports a
    command's module only when that command runs (`newsletter --help` shows the
    summaries of the table of contents, and imports none of them)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._later: dict[str, tuple[str, str, str]] = {}  # name: module, attribute, summary
        self._loaded: dict[str, click.Command] = {}
        self._order: list[str] = []  # as they were added: `--help` lists them so
        super().__init__(*args, **kwargs)

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        """Every command, each imported (for whatever needs them all)."""
        for name in list(self._later):
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, commands: Any) -> None:
        self._loaded = dict(commands)

    def add_command_later(self, name: str, module: str, attribute: str, summary: str) -> None:
        """The command `name` is `attribute` of `module`, imported when it is used."""
        self._later[name] = (module, attribute, summary)
        self._order.append(name)

    def _load(self, name: str) -> click.Command:
        import importlib

        module, attribute, _ = self._later.pop(name)
        command = getattr(importlib.import_module(module), attribute)
        self.add_command(command, name)
        return command  # type: ignore[no-any-return]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self._later:
            return self._load(cmd_name)
        return self._loaded.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `newsletter list | head`: the reader has all it wants
            _quiet_broken_pipe()
            return None
        except InputError as err:
            raise BadInput(str(err)) from None
        except NewsletterError as err:
            raise Failed(str(err)) from None
        except OSError as err:  # a full disk, a read-only folder: say which file
            where = f"{shown(err.filename)}: " if err.filename else ""
            raise Failed(f"{where}{err.strerror or err}.") from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bytes that are not UTF-8 (a terminal set to Latin-1) arrive as lone
        # surrogates: written to a notes file they would break every later build.
        for arg in args:
            if any(0xD800 <= ord(c) < 0xE000 for c in arg):
                raise BadInput(
                    f"'{arg.encode('utf-8', 'replace').decode()}' holds bytes that are not "
                    "UTF-8 text: the terminal sends another encoding (Latin-1, say). Hint: "
                    "set the terminal to UTF-8 (e.g. LANG=en_US.UTF-8) and type it again."
                )
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        # In the order they were added (cli/app.py: the weekly loop's), not alphabetical.
        return [name for name in self._order if name in self._loaded or name in self._later]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its whole first sentence (Click would cut it with '...')."""
        rows = []
        for name in self.list_commands(ctx):
            if name in self._later:  # its summary, without importing it
                rows.append((name, self._later[name][2]))
            elif not (command := self._loaded[name]).hidden:
                rows.append((name, command.get_short_help_str(limit=200)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        from newsletter.cli.examples import EXAMPLES

        examples = EXAMPLES.get(name or cmd.name or "", [])
        if examples:  # '\b': printed as written, not re-wrapped
            cmd.epilog = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in examples)
        cmd.params.append(workspace_option())
        for sub in getattr(cmd, "commands", {}).values():  # approvals import
            sub.params.append(workspace_option())
        name = name or cmd.name or ""
        if name not in self._order:  # a command loaded later keeps its place
            self._order.append(name)
        self._later.pop(name, None)
        self._loaded[name] = cmd


def _quiet_broken_pipe() -> None:
    """Leave quietly, as other command-line tools do when the pipe they print to
    closes: point stdout at nothing, so that Python's flush at exit says nothing."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner's): nothing to quiet
        pass
    finally:
        os.close(devnull)


def workspace_option() -> click.Option:
    """`newsletter build --workspace X` as well as `newsletter --workspace X build`."""
    return click.Option(
        ["--workspace", "-w"],
        metavar="PATH",
        type=click.Path(file_okay=False),
        expose_value=False,
        callback=_workspace_after_the_command,
        help=f"The workspace folder (default: the nearest folder with newsletter.yaml; "
        f"or set {ENV_VAR}).",
    )


def _workspace_after_the_command(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> None:
    if value is not None:
        ctx.find_root().obj = value


def context(ctx: click.Context) -> Context:
    """The command's context (workspace, settings, today), made once per command."""
    from newsletter.cli.context import Context

    root = ctx.find_root()
    if "context" not in root.meta:
        root.meta["context"] = Context(root.obj)
    made: Context = root.meta["context"]
    return made


def checked(parse: Callable[[Any], Any] | str, option: str) -> Callable[..., Any]:
    """A Click callback that runs a validator (a function, or the name of one in
    workspace/validate.py, imported only when used); its ValueError names the option."""

    def callback(ctx: click.Context | None, param: click.Parameter | None, value: Any) -> Any:
        if value is None or value == ():
            return value
        given = value if isinstance(value, tuple) else (value,)  # a repeated option: each
        if any(isinstance(v, str) and not v.strip() for v in given):
            raise BadInput(f"{option}: is empty. Hint: give a value, or leave {option} out.")
        if isinstance(parse, str):
            from newsletter.workspace import validate

            return checked(getattr(validate, parse), option)(ctx, param, value)
        try:
            return parse(list(value) if isinstance(value, tuple) else value)
        except ValueError as err:
            raise BadInput(f"{option}: {err}.") from None

    return callback


def table_format(help_text: str) -> Callable[..., Any]:
    """--format text|csv|json, for the commands that list a table (tools, approvals)."""
    return click.option(
        "--format",
        "form",
        type=click.Choice(["text", "csv", "json"]),
        default="text",
        show_default=True,
        help=help_text,
    )
