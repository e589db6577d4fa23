"""The `sebaya` console command: Django's management commands, with a few friendlier spellings."""

import os
import sys

# `sebaya import innovations PATH` reads better than `sebaya import_innovations PATH`.
_TWO_WORD_COMMANDS = {("import", "innovations"), ("import", "indicators")}


def translate_argv(argv: list[str]) -> list[str]:
    """Turn `sebaya import innovations ...` into Django's `import_innovations ...`."""
    if len(argv) >= 3 and (argv[1], argv[2]) in _TWO_WORD_COMMANDS:
        return [argv[0], f"{argv[1]}_{argv[2]}", *argv[3:]]
    if len(argv) >= 2 and argv[1] == "import":
        choices = ", ".join(sorted(second for first, second in _TWO_WORD_COMMANDS))
        sys.stderr.write(f"usage: sebaya import {{{choices}}} PATH [options]\n")
        raise SystemExit(2)
    return argv


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sebaya.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(translate_argv(list(sys.argv if argv is None else argv)))


if __name__ == "__main__":
    main()
