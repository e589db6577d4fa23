"""The `sebaya` command: two-word import commands and the console entry point."""

import subprocess
import sys

import pytest

from sebaya.cli import translate_argv


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["sebaya", "import", "innovations", "x.jsonl", "--dry-run"],
            ["sebaya", "import_innovations", "x.jsonl", "--dry-run"],
        ),
        (["sebaya", "import", "indicators", "x.csv"], ["sebaya", "import_indicators", "x.csv"]),
        (["sebaya", "demo"], ["sebaya", "demo"]),
        (["sebaya"], ["sebaya"]),
    ],
)
def test_translate_argv(argv, expected):
    assert translate_argv(argv) == expected


def test_unknown_import_kind_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        translate_argv(["sebaya", "import", "households", "x.csv"])
    assert exc.value.code == 2
    assert "usage: sebaya import" in capsys.readouterr().err


def test_console_command_lists_sebaya_commands():
    """`python -m sebaya help` runs Django's command list with Sebaya's own commands in it."""
    result = subprocess.run(
        [sys.executable, "-m", "sebaya", "help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for command in ("serve", "demo", "import_innovations", "import_indicators", "load_regions"):
        assert command in result.stdout
