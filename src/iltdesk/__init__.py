"""ILT Desk: plan, run and record instructor-led training from one desktop app."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:  # Any: a module attribute, looked up late
    # The version is looked up on first use: importlib.metadata scans the installed
    # distributions, which costs start-up time the window does not need.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version

        try:
            return version("iltdesk")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+unknown"
    raise AttributeError(name)
