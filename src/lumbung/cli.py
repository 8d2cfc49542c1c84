"""The `lumbung` command: Lumbung's own commands plus every Django management command.

    lumbung demo [--host H] [--port P] [--data-dir DIR] [--no-serve] [--no-worker]
    lumbung serve [--host H] [--port P] [--no-worker]
    lumbung import innovations|units|people FILE [--dry-run] [--valid-only]
    lumbung db_worker                        (background tasks, when not run by serve)
    lumbung export innovations [--format csv|xlsx|json] [--output FILE]
    lumbung createadmin
    lumbung backup [--output FILE]           (database and uploads, one archive)
    lumbung restore ARCHIVE                  (into a new data folder or an empty database)
    lumbung migrate | shell | ...   (any Django management command)

`--data-dir DIR` may be given to any command: the database, uploads and the secret key
live there, so separate folders give separate instances.
"""

from __future__ import annotations

import os
import sys


def _pop_data_dir(argv: list[str]) -> list[str]:
    """Take `--data-dir DIR` (or `--data-dir=DIR`) out of argv and export it for settings."""
    out: list[str] = []
    it = iter(range(len(argv)))
    skip = False
    for i in it:
        if skip:
            skip = False
            continue
        arg = argv[i]
        if arg == "--data-dir" and i + 1 < len(argv):
            os.environ["LUMBUNG_DATA_DIR"] = os.path.abspath(os.path.expanduser(argv[i + 1]))
            skip = True
        elif arg.startswith("--data-dir="):
            value = arg.split("=", 1)[1]
            os.environ["LUMBUNG_DATA_DIR"] = os.path.abspath(os.path.expanduser(value))
        else:
            out.append(arg)
    return out


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv = _pop_data_dir(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lumbung.settings")
    from django.core.management import execute_from_command_line

    if len(argv) > 0:
        argv[0] = "lumbung"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
