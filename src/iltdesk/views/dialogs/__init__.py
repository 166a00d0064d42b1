"""Dialogs, each with one entry point `ask(parent, …) -> result or None`."""
