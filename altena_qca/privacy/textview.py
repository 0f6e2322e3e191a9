"""A normalised view of a text for de-identification, with offsets back to the original.

Names hide from a de-identifier behind characters a reader does not see or
reads the same: zero-width joiners and spaces (``P\\u200diet``), a soft hyphen
(``Jan\\u00adsen``), fullwidth letters (``Ｊａｎ``), a letter followed by a
combining accent (``Jose\\u0301``), a no-break space, a Cyrillic or Greek
letter that looks Latin (``\\u0408an`` with a Cyrillic Je). :func:`normalised_view`
gives the text as a reader reads it -- NFKC-normalised, invisible characters
removed, look-alike letters read as the Latin letter they look like -- and,
per character of the view, where it came from in the original, so
annotations made on the view are mapped back onto the text as written.

Examples
--------
>>> view = normalised_view("Bel P\\u200diet Ｊａｎｓｅｎ.")
>>> view.text
'Bel Piet Jansen.'
>>> view.original_span(4, 8), view.original_span(9, 15)
((4, 9), (10, 16))
>>> normalised_view("\u0408an \u0408\u0430ns\u0435n").text  # Cyrillic Je, a and ie
'Jan Jansen'
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["normalised_view", "TextView", "is_invisible", "HOMOGLYPHS"]

#: Cyrillic and Greek letters drawn like a Latin letter, and that letter: the
#: single-letter Latin entries for these scripts in Unicode's confusables
#: (UTS #39). A name typed with one of them ('\u0408an' with a Cyrillic Je)
#: reads as 'Jan' to a person and must read so to the de-identifier.
HOMOGLYPHS = {
    # Cyrillic capitals
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H", "\u041e": "O",
    "\u0420": "P", "\u0421": "C", "\u0422": "T", "\u0425": "X", "\u0423": "Y", "\u0405": "S", "\u0406": "I",
    "\u0408": "J", "\u051a": "Q", "\u051c": "W", "\u04ae": "Y", "\u04c0": "I",
    # Cyrillic small letters
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y", "\u0445": "x",
    "\u0455": "s", "\u0456": "i", "\u0458": "j", "\u04bb": "h", "\u0501": "d", "\u051b": "q", "\u051d": "w",
    "\u04cf": "l", "\u04af": "y", "\u0475": "v",
    # Greek capitals
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I", "\u039a": "K",
    "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X",
    "\u03f9": "C", "\u037f": "J",
    # Greek small letters
    "\u03bf": "o", "\u03bd": "v", "\u03b9": "i", "\u03b1": "a", "\u03c1": "p", "\u03c5": "u", "\u03f2": "c",
    "\u03f3": "j",
}
_FOLD = str.maketrans(HOMOGLYPHS)

# Invisible characters that are not of category Cf (format): the combining
# grapheme joiner, Hangul fillers, variation selectors.
_EXTRA_INVISIBLE = frozenset(
    [0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x180B, 0x180C, 0x180D, 0x180F]
    + list(range(0xFE00, 0xFE10)) + list(range(0xE0100, 0xE01F0)))


def is_invisible(char: str) -> bool:
    """Whether ``char`` is drawn as nothing (format characters, joiners, soft hyphen, selectors)."""
    return unicodedata.category(char) == "Cf" or ord(char) in _EXTRA_INVISIBLE


@dataclass(frozen=True)
class TextView:
    """The view ``text`` and, per view character, the original span it came from."""

    text: str
    starts: tuple[int, ...] | None  # None: the view is the original
    ends: tuple[int, ...] | None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covering view span ``start:end`` (``start < end``)."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _needs_view(text: str) -> bool:
    if text.isascii():
        return False
    return (not unicodedata.is_normalized("NFKC", text) or any(is_invisible(c) for c in text)
            or any(c in HOMOGLYPHS for c in text))


def normalised_view(text: str) -> TextView:
    """The NFKC view of ``text`` without invisible characters, look-alikes read as Latin; see the module docstring.

    A base character and the combining marks after it are normalised
    together (so they compose), invisible characters are dropped, a
    Cyrillic or Greek look-alike becomes its Latin letter (:data:`HOMOGLYPHS`;
    before and after normalising, as NFKC turns some symbols into letters),
    and every view character remembers the original span of its cluster.
    """
    if not _needs_view(text):
        return TextView(text, None, None)
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if is_invisible(text[i]):
            i += 1
            continue
        j = i + 1
        cluster = [text[i]]
        while j < n and (unicodedata.combining(text[j]) or is_invisible(text[j])):
            if not is_invisible(text[j]):
                cluster.append(text[j])
            j += 1
        # a cluster's end is its last visible character (a trailing invisible one is not part of it)
        last = j
        while last > i + 1 and is_invisible(text[last - 1]):
            last -= 1
        piece = unicodedata.normalize("NFKC", "".join(cluster).translate(_FOLD)).translate(_FOLD)
        out.append(piece)
        starts += [i] * len(piece)
        ends += [last] * len(piece)
        i = j
    return TextView("".join(out), tuple(starts), tuple(ends))
