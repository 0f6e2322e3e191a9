"""A normalised view of a text for de-identification, with offsets back to the original.

Names hide from a de-identifier behind characters a reader does not see or
reads the same: zero-width joiners and spaces (``P\\u200diet``), a soft hyphen
(``Jan\\u00adsen``), fullwidth letters (``Ｊａｎ``), a letter followed by a
combining accent (``Jose\\u0301``), a no-break space. :func:`normalised_view`
gives the text as a reader reads it -- NFKC-normalised, invisible characters
removed -- and, per character of the view, where it came from in the
original, so annotations made on the view are mapped back onto the text
as written.

Examples
--------
>>> view = normalised_view("Bel P\\u200diet Ｊａｎｓｅｎ.")
>>> view.text
'Bel Piet Jansen.'
>>> view.original_span(4, 8), view.original_span(9, 15)
((4, 9), (10, 16))
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["normalised_view", "TextView", "is_invisible"]

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
    return not unicodedata.is_normalized("NFKC", text) or any(is_invisible(c) for c in text)


def normalised_view(text: str) -> TextView:
    """The NFKC view of ``text`` without invisible characters; see the module docstring.

    A base character and the combining marks after it are normalised
    together (so they compose), invisible characters are dropped, and every
    view character remembers the original span of its cluster.
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
        piece = unicodedata.normalize("NFKC", "".join(cluster))
        out.append(piece)
        starts += [i] * len(piece)
        ends += [last] * len(piece)
        i = j
    return TextView("".join(out), tuple(starts), tuple(ends))
