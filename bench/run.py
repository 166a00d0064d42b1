"""Run every bench/bench_*.py in its own process; each prints JSON lines (`#` lines are notes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"# {script.name}", flush=True)
        result = subprocess.run(
            [sys.executable, str(script)], cwd=HERE, capture_output=True, text=True
        )
        sys.stderr.write(result.stderr)
        for line in result.stdout.splitlines():
            print(line, flush=True)
            if line.startswith("{") and not json.loads(line).get("ok", True):
                failed.append(f"{script.name}: {json.loads(line)['bench']}")
        if result.returncode:
            failed.append(f"{script.name} exited {result.returncode}")
    if failed:
        print("# missed targets: " + "; ".join(failed), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
