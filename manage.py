#!/usr/bin/env python
"""Django's command-line utility; the installed `lumbung` command does the same and more."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from lumbung.cli import main

if __name__ == "__main__":
    main()
