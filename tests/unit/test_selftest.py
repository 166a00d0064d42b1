"""`iltdesk --self-test`: one line per check, exit 0 only if every check passed."""

from __future__ import annotations

import io
import os
import subprocess
import sys

from iltdesk import selftest


def test_self_test_passes_from_the_source_tree():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "iltdesk", "--self-test"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert sum(line.startswith("ok ") for line in lines) == len(selftest.CHECKS)
    assert lines[-1].startswith(f"{len(selftest.CHECKS)}/{len(selftest.CHECKS)} checks passed")


def test_a_failing_check_fails_the_self_test_and_the_rest_still_run(monkeypatch, qapp):
    def broken(_state):
        raise RuntimeError("fonts folder is empty")

    checks = (("bundled fonts", broken), ("time-zone data", selftest._zones))
    monkeypatch.setattr(selftest, "CHECKS", checks)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    text = out.getvalue()
    assert "FAIL  bundled fonts: RuntimeError: fonts folder is empty" in text
    assert "ok    time-zone data" in text
    assert text.rstrip().endswith("1/2 checks passed: 1 of 2 failed")


def test_a_check_whose_input_an_earlier_failure_left_out_says_which_check_failed(monkeypatch, qapp):
    def broken(_state):
        raise RuntimeError("the disk is full")

    checks = (("database and migrations", broken), ("demo data", selftest._demo))
    monkeypatch.setattr(selftest, "CHECKS", checks)
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    assert "FAIL  demo data: RuntimeError: no database: its check failed" in out.getvalue()


def test_the_qt_binding_keeps_reference_counts(qapp, tmp_path):
    """PySide6 6.12.0 on Python 3.11 gave back True from emit() and None from void methods
    without their reference: the suite aborted ("deallocating True") after enough signals."""
    assert selftest._qt_binding(selftest._State(tmp_path)).endswith("reference counts kept")
