"""Entry point: `iltdesk` and `python -m iltdesk`."""

from __future__ import annotations

import sys


def main() -> None:
    """`python -m iltdesk`: the command line, or the window when no command is given."""
    from iltdesk.collector import hold_collector

    hold_collector()  # released once the window is shown or the command runs
    from iltdesk.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
