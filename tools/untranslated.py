"""Print the msgids a catalog has not translated yet, as JSON for `tools/translate.py`.

Usage: python tools/untranslated.py de > todo.json   (plural entries as two-item lists)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "iltdesk" / "locale"


def main() -> int:
    language = sys.argv[1]
    with (ROOT / language / "LC_MESSAGES" / "iltdesk.po").open("rb") as handle:
        catalog = read_po(handle)
    todo: dict[str, object] = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings) and "fuzzy" not in message.flags:
            continue
        if isinstance(message.id, tuple):
            todo["\u0000".join(message.id)] = list(message.id)
        else:
            todo[message.id] = ""
    print(json.dumps(todo, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
