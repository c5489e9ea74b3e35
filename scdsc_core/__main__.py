"""``python -m scdsc_core``: the command-line entry point."""
# SPDX-License-Identifier: GPL-2.0-or-later
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
