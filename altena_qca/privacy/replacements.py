"""Replace spans of a text and keep a map from old offsets to new ones."""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import Errors

if TYPE_CHECKING:
    from ..model import Corpus

__all__ = ["OffsetMap", "apply_replacements", "to_typed_offsets", "to_corpus_offsets"]

_E502 = Errors.E502


class OffsetMap:
    """Where each character offset of an old text lies in the replaced text.

    Built by :func:`apply_replacements`. ``offset_map(i)`` is the new offset of
    old offset ``i`` (``0 <= i <= len(old)``); an offset strictly inside a
    replaced span maps to the start of its replacement with ``side="start"``
    and to its end with ``side="end"``, so a span that cuts a name in two
    grows to cover the whole tag.

    Parameters
    ----------
    edits
        ``(old_start, old_end, new_start, new_end)`` of each replacement, sorted.
    old_length, new_length
        Lengths of the old and the new text.
    """

    def __init__(self, edits: Sequence[tuple[int, int, int, int]], old_length: int, new_length: int):
        self.edits = tuple(edits)
        self.old_length = old_length
        self.new_length = new_length
        self._starts = [e[0] for e in self.edits]

    def __call__(self, pos: int, side: str = "start") -> int:
        if not 0 <= pos <= self.old_length:
            raise IndexError(f"offset {pos} outside the old text (length {self.old_length})")
        k = bisect_right(self._starts, pos) - 1
        if k < 0:
            return pos
        old_start, old_end, new_start, new_end = self.edits[k]
        if pos == old_start:
            return new_start
        if pos < old_end:
            return new_start if side == "start" else new_end
        return new_end + (pos - old_end)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The new ``(start, end)`` of the old span ``start:end``."""
        return self(start, "start"), max(self(start, "start"), self(end, "end"))

    def __repr__(self) -> str:
        return f"OffsetMap({len(self.edits)} edits, {self.old_length} -> {self.new_length} chars)"


def apply_replacements(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """Replace non-overlapping spans of ``text`` and map the old offsets.

    Parameters
    ----------
    text
        The original text.
    spans
        ``(start, end, replacement)`` with ``0 <= start < end <= len(text)``,
        in any order; spans may touch but not overlap.

    Returns
    -------
    new_text : str
    offset_map : OffsetMap
        ``offset_map(i)`` is where old offset ``i`` lies in ``new_text``.

    Raises
    ------
    ValueError
        For a span outside the text, an empty span, or overlapping spans.

    Examples
    --------
    >>> new, m = apply_replacements("Jan woont in Almkerk.", [(13, 20, "[LOCATIE-1]"), (0, 3, "[PERSOON-1]")])
    >>> new
    '[PERSOON-1] woont in [LOCATIE-1].'
    >>> m.span(4, 9), new[slice(*m.span(4, 9))]
    ((12, 17), 'woont')
    """
    ordered = sorted(spans, key=lambda s: (s[0], s[1]))
    pieces: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    pos = new_pos = 0
    for start, end, replacement in ordered:
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            raise ValueError(_E502.format(reason=f"span {start}-{end} is empty or outside the text "
                                                 f"(length {len(text)})"))
        if start < pos:
            raise ValueError(_E502.format(reason=f"span {start}-{end} overlaps the span before it "
                                                 f"(ending at {pos})"))
        pieces.append(text[pos:start])
        new_pos += start - pos
        pieces.append(replacement)
        edits.append((start, end, new_pos, new_pos + len(replacement)))
        new_pos += len(replacement)
        pos = end
    pieces.append(text[pos:])
    new_text = "".join(pieces)
    return new_text, OffsetMap(edits, len(text), len(new_text))


_SPANS = (("start", "end"), ("match_start", "match_end"))  # a coding, and the evidence of a suggestion


def to_corpus_offsets(table: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Offsets as in ``codings.csv`` (the transcripts as typed) moved onto the corpus's texts.

    The pseudonymiser's ``remap_codings`` (a span starting or ending inside
    a replaced name grows to the whole tag), applied to ``start/end`` and,
    when present, ``match_start/match_end``. Unchanged without pseudonymisation.
    """
    pseudo = getattr(corpus, "pseudonymiser", None)
    if pseudo is None or not getattr(pseudo, "offsets_", None) or not len(table):
        return table
    out = table.copy()
    for s, e in _SPANS:
        if s in out.columns and e in out.columns:
            ok = pd.to_numeric(out[s], errors="coerce").notna() & pd.to_numeric(out[e], errors="coerce").notna()
            if ok.any():
                moved = pseudo.remap_codings(pd.DataFrame({"document": out.loc[ok, "document"],
                                                           "start": out.loc[ok, s].astype("int64"),
                                                           "end": out.loc[ok, e].astype("int64")}))
                out.loc[ok, s], out.loc[ok, e] = moved["start"].to_numpy(), moved["end"].to_numpy()
    return out


def to_typed_offsets(codings: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """Codings on pseudonymised texts moved back onto the transcripts as typed.

    The inverse of :meth:`altena_qca.privacy.Pseudonymiser.remap_codings`: an
    offset inside a replacement tag goes to the start (for ``start``) or the
    end (for ``end``) of the name it replaced. ``match_start/match_end`` (the
    evidence of a suggestion) move too. Codings of documents that were not
    pseudonymised are returned unchanged.
    """
    offsets = getattr(getattr(corpus, "pseudonymiser", None), "offsets_", None) or {}
    out = codings.copy()
    for doc_id, omap in offsets.items():
        mask = out["document"] == doc_id
        if not mask.any():
            continue
        for s, e in _SPANS:
            if s not in out.columns:
                continue
            for col, side in ((s, "start"), (e, "end")):
                out.loc[mask, col] = [q if pd.isna(q) or q == "" else _typed(omap, int(q), side)
                                      for q in out.loc[mask, col]]
    return out


def _typed(omap, q: int, side: str) -> int:
    """Original offset of pseudonymised offset ``q`` under an ``OffsetMap``'s edits."""
    prev_old_end = prev_new_end = 0
    for old_start, old_end, new_start, new_end in omap.edits:
        if q < new_start:
            break
        if q < new_end or (q == new_end and side == "end" and q > new_start):
            return old_start if side == "start" or q == new_start else old_end
        prev_old_end, prev_new_end = old_end, new_end
    return prev_old_end + (q - prev_new_end)
