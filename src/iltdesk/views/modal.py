"""Modal dialogs that do not outlive their answer.

A dialog made with its window as parent belongs to that window: run with `exec()` and then
dropped by Python, it stayed alive, hidden, until the window closed. A day of editing sessions
kept hundreds of editors (their widgets, models and rows), and every full collection of the
garbage collector walked them. `run_modal` deletes the dialog once control is back in the
event loop: the caller reads its answer (`dialog.saved`, `clickedButton()`) first.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog


def run_modal(dialog: QDialog) -> int:
    """`dialog.exec()`, then the dialog is deleted when control returns to the event loop."""
    try:
        return dialog.exec()
    finally:
        dialog.deleteLater()
