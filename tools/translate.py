"""Fill translations into a catalog from a JSON file of {msgid: msgstr} (plural: lists).

Usage: python tools/translate.py de translations.json
Keeps everything else in the catalog as it is; reports msgids it did not find.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent / "src" / "iltdesk" / "locale"


def main() -> int:
    language, source = sys.argv[1], Path(sys.argv[2])
    path = ROOT / language / "LC_MESSAGES" / "iltdesk.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    catalog.fuzzy = False
    for key, value in json.loads(source.read_text(encoding="utf-8")).items():
        message = catalog.get(key) or catalog.get(tuple(key.split("\u0000")))
        if message is None:
            print(f"not in catalog: {key!r}", file=sys.stderr)
            continue
        message.string = tuple(value) if isinstance(value, list) else value
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, sort_output=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
