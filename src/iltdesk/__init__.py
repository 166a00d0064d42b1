"""ILT Desk: plan, run and record instructor-led training from one desktop app."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("iltdesk")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
