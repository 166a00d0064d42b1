"""Fonts for PDFs: the shipped open font (DejaVu Sans, embedded) and CJK fallbacks.

DejaVu covers Latin with any diacritics, Greek and Cyrillic, and is embedded (subset) in every
PDF. Chinese, Japanese and Korean names are set in Adobe's standard CID fonts (STSong-Light,
HeiseiKakuGo-W5, HYGothic-Medium) through reportlab: they render in any PDF viewer with the
Asian font packs (Acrobat, Preview, poppler-data) and extract as text, but they are *not*
embedded — shipping a CJK TrueType font (tens of MB) was not worth it yet.

Known limit: Arabic and Hebrew letters are in DejaVu, but reportlab neither shapes Arabic nor
reorders right-to-left text, so such names print in logical order, unshaped. A test pins this
down so the limit is seen, not discovered on paper.

Characters no shipped font has (most emoji, "🎉", "👍"; a few rare symbols) would print as the
font's empty ".notdef" box, silently. They are printed as "�" (U+FFFD, the replacement
character) instead — visibly, in every document — and the substitution is logged. Emoji
modifiers that only change how the character before them looks (skin tones, variation
selectors, zero-width joiners) are dropped with it.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
log = logging.getLogger(__name__)
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
CJK_CHINESE, CJK_JAPANESE, CJK_KOREAN = "STSong-Light", "HeiseiKakuGo-W5", "HYGothic-Medium"

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")
_CJK_RUN = re.compile(
    r"[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    r"\uf900-\ufaff\uff00-\uffef]+"
)


@cache
def register_fonts() -> tuple[str, str]:
    """Register the fonts (once) and return the names of the regular and bold faces."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    for name in (CJK_CHINESE, CJK_JAPANESE, CJK_KOREAN):
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return REGULAR, BOLD


MISSING = "\ufffd"
# Characters that only modify the one before them: dropped when that one is replaced.
_MODIFIERS = frozenset({0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)})


@cache
def _glyphs(font: str) -> frozenset[int]:
    register_fonts()
    face = getattr(pdfmetrics.getFont(font), "face", None)
    return frozenset(getattr(face, "charToGlyph", {}) or ())


def printable(text: str, font: str = REGULAR) -> str:
    """`text` with every character the fonts cannot draw replaced by "�" (see the module)."""
    if text.isascii():
        return text
    have = _glyphs(font)
    out: list[str] = []
    replaced = False
    for ch in text:
        code = ord(ch)
        if code in have or ch in "\n\t " or _CJK_RUN.match(ch):
            if replaced and code in _MODIFIERS:
                continue
            out.append(ch)
            replaced = False
        elif code in _MODIFIERS:
            continue
        else:
            out.append(MISSING)
            replaced = True
    result = "".join(out)
    if result != text:
        log.info("printed %r as %r: the fonts have no glyph for some characters", text, result)
    return result


def cjk_font(text: str) -> str | None:
    """The CID font for a text with CJK characters (by script), or None when it has none."""
    if not _CJK_RUN.search(text):
        return None
    if _HANGUL.search(text):
        return CJK_KOREAN
    if _KANA.search(text):
        return CJK_JAPANESE
    return CJK_CHINESE


def font_for(text: str, font: str) -> str:
    """`font`, or the CJK font when the text needs one (for single-font canvas strings)."""
    return cjk_font(text) or font


def markup(text: str) -> str:
    """Escaped paragraph markup, with CJK runs switched to the matching CID font."""
    text = printable(text)
    special = cjk_font(text)
    if special is None:
        return escape(text)
    parts, last = [], 0
    for match in _CJK_RUN.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f'<font name="{special}">{escape(match.group())}</font>')
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)
