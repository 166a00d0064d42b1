"""Entry point: `iltdesk` and `python -m iltdesk`."""

from __future__ import annotations

import sys


def main() -> None:
    from iltdesk.cli import run

    sys.exit(run())


if __name__ == "__main__":
    main()
