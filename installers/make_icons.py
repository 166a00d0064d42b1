"""Render the one SVG app icon to the PNG sizes, the Windows .ico and the macOS .icns.

Usage: python installers/make_icons.py OUTPUT_FOLDER
The SVG is `src/iltdesk/resources/icons/iltdesk.svg` (the window uses the same file).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "src" / "iltdesk" / "resources" / "icons" / "iltdesk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(folder: Path) -> dict[int, Path]:
    """Draw the app icon at each size Linux and Windows want; returns size → PNG file."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtGui import QImage
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {SVG}")
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = folder / f"iltdesk-{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"cannot write {path}")
        written[size] = path
    del app
    return written


def main() -> int:
    """Write the PNGs, .ico and .icns into the folder given (or build/icons)."""
    from PIL import Image

    folder = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build" / "icons")
    pngs = render(folder)
    biggest = Image.open(pngs[512]).convert("RGBA")
    biggest.save(folder / "iltdesk.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    biggest.save(folder / "iltdesk.icns")
    (folder / "iltdesk.png").write_bytes(pngs[256].read_bytes())
    print(f"icons written to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
