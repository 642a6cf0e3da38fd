"""The command line as a whole: help text, finding the workspace, error shape."""

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from newsletter.cli import cli
from tests.conftest import write


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path,command", list(all_commands(cli)), ids=lambda v: str(v))
def test_every_command_has_help_text(path, command):
    assert command.help and len(command.help.strip()) > 20, f"{path} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{' '.join(path)} {param.opts[0]} has no help text"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert command.help.split("\n")[0][:30] in result.output


def test_outside_a_workspace_says_so_and_suggests_init(tmp_path):
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 2
    assert "not inside a newsletter workspace" in result.output
    assert "newsletter init" in result.output
    assert "Traceback" not in result.output


def test_workspace_option_pointing_nowhere(tmp_path):
    result = CliRunner().invoke(cli, ["--workspace", str(tmp_path / "nope"), "list"])
    assert result.exit_code == 2
    assert "not a newsletter workspace" in result.output


def test_workspace_found_from_a_subfolder(workspace, monkeypatch):
    monkeypatch.chdir(workspace / "notes")
    result = CliRunner().invoke(cli, ["add-tip", "Use keyboard shortcuts", "--date", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "Use keyboard shortcuts" in (workspace / "notes" / "tips.yaml").read_text()


def test_workspace_from_environment(workspace, monkeypatch):
    monkeypatch.setenv("NEWSLETTER_WORKSPACE", str(workspace))
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0
    assert "No issues yet" in result.output


def test_bad_settings_give_one_line_with_file_and_line(workspace, run):
    write(
        workspace / "newsletter.yaml",
        """
        title: Tech Tidbits
        time_zone: America/Chicago
        isue_day: friday
    """,
    )
    result = run("build", "--offline", "--date", "2026-11-27")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "newsletter.yaml:3: unknown newsletter.yaml field 'isue_day'" in result.output
    assert "Did you mean 'issue_day'?" in result.output


def test_python_dash_m_works(workspace):
    env = {**os.environ, "NEWSLETTER_WORKSPACE": str(workspace)}
    done = subprocess.run(
        [sys.executable, "-m", "newsletter", "--version"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path.cwd(),
    )
    assert done.returncode == 0
    assert "newsletter, version" in done.stdout


def imported_by_help(modules) -> str:
    """Which of `modules` a fresh `newsletter --help` imports, as 'IMPORTED [...]'."""
    code = (
        "import sys; from newsletter.cli import main; sys.argv=['newsletter','--help']\n"
        "try:\n  main()\nexcept SystemExit:\n  pass\n"
        f"print('IMPORTED', sorted(m for m in {sorted(modules)!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.stdout + done.stderr


def test_help_does_not_import_slow_libraries():
    said = imported_by_help(("premailer", "feedparser", "lxml", "markdown", "cssutils"))
    assert "IMPORTED []" in said, said


def test_add_tool_does_not_import_slow_libraries(workspace):
    code = (
        "import sys; from newsletter.cli import main\n"
        f"sys.argv=['newsletter','-w',{str(workspace)!r},'add-tool','Padlet','--url',"
        "'https://padlet.com','--summary','A wall']\n"
        "try:\n  main()\nexcept SystemExit:\n  pass\n"
        "slow = [m for m in ('premailer', 'feedparser', 'lxml', 'markdown', 'cssutils')"
        " if m in sys.modules]\nprint('SLOW', slow)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "Added 'Padlet'" in done.stdout, done.stdout + done.stderr
    assert "SLOW []" in done.stdout


def test_cost_help_lists_the_costs_the_validator_accepts():
    from newsletter.notes.kinds import TOOLS
    from newsletter.workspace import validate

    assert f"One of: {', '.join(validate.COSTS)}." == TOOLS.field("cost").help


def test_a_file_system_error_is_one_line_not_a_traceback(workspace, run):
    tips = workspace / "notes" / "tips.yaml"
    tips.unlink()
    tips.mkdir()  # a folder where the notes file should be: reading it fails
    result = run("add-tip", "A tip.")
    assert result.exit_code == 2
    assert result.output.startswith("Error: ")
    assert "Error: ws/notes/tips.yaml: not a file (a folder, a device or a broken link)." in (
        result.output
    )
    assert "Traceback" not in result.output


def test_readme_and_help_name_the_same_commands():
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text()
    result = CliRunner().invoke(cli, ["--help"])
    rows = result.output.split("Commands:")[1].splitlines()
    listed = [line.split()[0] for line in rows if line.strip() and not line.startswith("   ")]
    assert sorted(listed) == sorted(cli.commands)
    for name in cli.commands:
        assert f"`newsletter {name}" in readme, f"README does not describe '{name}'"


@pytest.mark.parametrize(
    "subject,message",
    [
        ("{title} #{num}", "unknown placeholder '{num}'"),
        ("{title} - {date:%b %d}", "the placeholder '{date:%b %d}' has a format"),
        ("{title} - {date", "expected '}' before end of string"),
    ],
)
def test_a_bad_subject_pattern_is_caught_when_settings_are_read(workspace, run, subject, message):
    write(
        workspace / "newsletter.yaml",
        f"""
        title: Tech Tidbits
        subject: "{subject}"
    """,
    )
    result = run("build", "--offline", "--date", "2026-11-27")
    assert result.exit_code == 2
    assert "newsletter.yaml:2: newsletter.yaml field 'subject': " in result.output
    assert message in result.output


@pytest.mark.parametrize("flag", ["--workspace", "-w"])
def test_workspace_option_after_the_command(workspace, flag):
    built = CliRunner().invoke(
        cli, ["build", flag, str(workspace), "--offline", "--date", "2026-11-27"]
    )
    assert built.exit_code == 0, built.output
    listed = CliRunner().invoke(cli, ["list", flag, str(workspace)])
    assert listed.exit_code == 0
    assert "2026-11-27" in listed.output
    nowhere = CliRunner().invoke(cli, ["list", flag, str(workspace / "nope")])
    assert nowhere.exit_code == 2
    assert "not a newsletter workspace" in nowhere.output


def test_readme_tables_are_not_broken_by_blank_lines():
    lines = (Path(__file__).resolve().parent.parent / "README.md").read_text().splitlines()
    for number, (before, blank, after) in enumerate(
        zip(lines, lines[1:], lines[2:], strict=False), 2
    ):
        broken = before.startswith("|") and not blank.strip() and after.startswith("| `")
        assert not broken, f"README.md:{number}: a blank line inside a table"


def readme_command_rows(subcommands: bool = False) -> dict[str, str]:
    """The README's table of commands: command name -> its row (with `subcommands`,
    a subcommand's row too, as 'approvals import')."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    rows = {}
    for line in readme.splitlines():
        if line.startswith("| `newsletter "):
            words = line.split("`")[1].split()
            command = cli.commands.get(words[1])
            if isinstance(command, click.Group) and len(words) > 2 and words[2] in command.commands:
                if subcommands:
                    rows[f"{words[1]} {words[2]}"] = line
                continue
            rows[words[1]] = line
    return rows


def test_readme_commands_and_options_agree_with_help_both_ways():
    """Every command in --help is in the README's table and every command there
    exists; every option the table names is an option of that command."""
    import re

    rows = readme_command_rows(subcommands=True)
    assert sorted(name for name in rows if " " not in name) == sorted(cli.commands)
    for name, row in rows.items():
        command = cli.commands[name.split()[0]]
        if " " in name:  # approvals import
            command = command.commands[name.split()[1]]
        known = {opt for param in command.params for opt in getattr(param, "opts", [])}
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", row):
            if option != "--help":
                assert option in known, f"README: 'newsletter {name}' has no option {option}"
        help_text = CliRunner().invoke(cli, [*name.split(), "--help"]).output
        for option in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", row.split("|")[1]):
            assert option in help_text, f"'newsletter {name} --help' does not show {option}"


def test_the_cli_stays_a_table_of_contents():
    """cli/app.py reads options and calls the core: short commands, a short file."""
    import ast

    source = (Path(__file__).resolve().parent.parent / "newsletter/cli/app.py").read_text()
    assert len(source.splitlines()) < 450
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            length = node.end_lineno - node.lineno + 1
            assert length <= 30, f"cli/app.py: {node.name} has {length} lines"


def test_init_takes_the_workspace_option_for_its_folder(tmp_path):
    result = CliRunner().invoke(cli, ["init", "-w", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "newsletter.yaml").is_file()
    assert not (tmp_path / "newsletter.yaml").exists()


def test_the_table_of_contents_shows_each_command_as_it_describes_itself():
    from newsletter.cli.app import COMMANDS

    assert sorted(name for name, *_ in COMMANDS) == sorted(set(cli.commands) - {"init"})
    for name, _module, _attribute, summary in COMMANDS:
        assert cli.commands[name].get_short_help_str(limit=200) == summary, name


def test_help_imports_no_command_module():
    from newsletter.cli.app import COMMANDS

    said = imported_by_help({f"newsletter.cli.{module}" for _, module, *_ in COMMANDS})
    assert "IMPORTED []" in said, said
