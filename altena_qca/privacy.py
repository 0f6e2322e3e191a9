"""Pseudonymisation on ingest, and a guard that no known name reaches an output.

Transcripts about sharing clients' data are full of personal data: names of
clients and colleagues, villages, streets, phone numbers, dates of birth.
:class:`Pseudonymiser` replaces them, offline, by tags that are stable within
a document (``[PERSOON-1]``, ``[LOCATIE-2]``, ``[TELEFOONNUMMER-1]``, ...).
It finds them with deduce [1]_, the Dutch de-identifier, but builds the
replacement itself so that segment offsets stay exact
(:func:`apply_replacements`).

deduce tags by form, not by meaning: it reads 'Jan de Vries van Bazalt Wonen'
as one person and 'Gemeente Altena' as a person. Organisation names, laws and
programmes listed in ``codebook/privacy_allowlist.yaml`` and in the actor
gazetteer ``codebook/actors.yaml`` are *protected*: a tag that overlaps one
is cut back to the part outside it.

The key (tag -> original) stays in memory (``Pseudonymiser.key_``) and is
written only on request, and only outside the project folder
(:func:`write_key`). :func:`find_leaks` scans outputs for known names.

Examples
--------
>>> new_text, offsets = apply_replacements("Bel Piet op 06-12345678.",
...                                        [(4, 8, "[PERSOON-1]"), (12, 23, "[TELEFOONNUMMER-1]")])
>>> new_text
'Bel [PERSOON-1] op [TELEFOONNUMMER-1].'
>>> offsets(9), new_text[offsets(9)]
(16, 'o')
>>> find_leaks(["Verslag: Piet belde."], ["piet", "Jansen"])
[('<text 0>', 'piet')]

References
----------
.. [1] Menger, V., Scheepers, F., van Wijk, L. M., & Spruit, M. (2018).
   DEDUCE: A pattern matching method for automatic de-identification of Dutch
   medical text. Telematics and Informatics, 35(4), 727-736.
   https://doi.org/10.1016/j.tele.2017.08.002
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import json
import logging
import os
import pickle
import re
import shutil
import sys
import tempfile
import threading
import unicodedata
import warnings
import zipfile
from bisect import bisect_right
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import pandas as pd
import yaml

from .errors import CodebookError, Errors, InputError, Warnings
from .model import Document, Respondent

__all__ = [
    "DEFAULT_ALLOWLIST", "DEFAULT_ACTORS", "Pseudonymiser", "OffsetMap", "apply_replacements",
    "load_protected_terms", "get_deduce", "deduce_cache_dir", "write_key", "find_leaks",
]

_CODEBOOK = Path(__file__).resolve().parents[1] / "codebook"
DEFAULT_ALLOWLIST = _CODEBOOK / "privacy_allowlist.yaml"
DEFAULT_ACTORS = _CODEBOOK / "actors.yaml"

_E500, _E501, _E502 = Errors.E500, Errors.E501, Errors.E502
_W500 = Warnings.W500

_BUILD_MESSAGE = "altena-qca: building the Dutch de-identification lookup tables once (about a minute; longer on a slow machine)..."
#: Words left over at the edge where a tag was cut at a protected term.
_CONNECTORS = frozenset(
    "van bij de der den het een en of in op voor aan met via uit te ten ter tot naar door over om "
    "als namens vanuit vanaf zoals die dat".split())
#: deduce's tags for names of persons, places and institutions (cut at protected terms).
_NAME_KINDS = frozenset({"PERSOON", "PATIENT", "LOCATIE", "ZORGINSTELLING", "ZIEKENHUIS", "INSTELLING"})
_SEP = r"[\s\-\u2010\u2011\u2013\u2014]+"  # spaces and hyphens inside a term match each other
_TAG_RE = re.compile(r"\[([A-Z_]+)-(\d+)\]")
_XML_TAG_RE = re.compile(r"<[^>]*>")
_MAX_ZIP_DEPTH = 3


# --------------------------------------------------------------------------- replacements

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


# --------------------------------------------------------------------------- protected terms

def _clean_term(term: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", term)).strip()


def _terms_from_allowlist(path: Path) -> list[str]:
    if not path.is_file():
        raise CodebookError(_E501.format(path=path, reason="allowlist of protected terms not found"))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CodebookError(_E501.format(path=path, reason=f"cannot parse YAML ({exc})".replace("\n", " ")))
    if data is None:
        return []
    if not isinstance(data, dict):
        raise CodebookError(_E501.format(path=path, reason="expected a mapping of group name -> list of terms"))
    terms = []
    for group, items in data.items():
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
            raise CodebookError(_E501.format(
                path=path, reason=f"group '{group}' must be a list of non-empty strings, got {items!r}"))
        terms.extend(items)
    return terms


def _terms_from_actors(path: Path) -> list[str]:
    """Strings under ``name``/``aliases`` of the entries of ``actors`` (read defensively)."""
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        warnings.warn(_W500.format(path=path, reason=str(exc).splitlines()[0]), stacklevel=3)
        return []
    actors = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(actors, list):
        warnings.warn(_W500.format(path=path, reason="no top-level list 'actors'"), stacklevel=3)
        return []
    terms = []
    for entry in actors:
        if not isinstance(entry, dict):
            continue
        for key in ("name", "aliases"):
            value = entry.get(key)
            values = value if isinstance(value, list) else [value]
            terms.extend(v for v in values if isinstance(v, str))
    return terms


def load_protected_terms(allowlist: str | Path | None = DEFAULT_ALLOWLIST,
                         actors: str | Path | None = DEFAULT_ACTORS,
                         extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The terms that pseudonymisation must leave alone, deduplicated and sorted.

    Parameters
    ----------
    allowlist
        YAML mapping of group name -> list of terms (None: none).
    actors
        Actor gazetteer; strings under ``name`` and ``aliases`` of the entries
        of its top-level list ``actors`` are used. A missing file is skipped,
        an unreadable one skipped with a warning (None: not read).
    extra
        More terms, e.g. the respondents' function labels.

    Returns
    -------
    tuple of str
        Terms with letters and at least two characters, whitespace collapsed,
        one spelling per case-insensitive term.

    Raises
    ------
    CodebookError
        If the allowlist is missing or malformed.

    Examples
    --------
    >>> load_protected_terms(None, None, ["Bazalt  Wonen", "bazalt wonen", "12", "Wams"])
    ('Bazalt Wonen', 'Wams')
    """
    raw: list[str] = []
    if allowlist is not None:
        raw += _terms_from_allowlist(Path(allowlist))
    if actors is not None:
        raw += _terms_from_actors(Path(actors))
    raw += [t for t in extra if isinstance(t, str)]
    seen: dict[str, str] = {}
    for term in map(_clean_term, raw):
        if len(term) >= 2 and any(c.isalpha() for c in term):
            seen.setdefault(term.casefold(), term)
    return tuple(sorted(seen.values(), key=lambda t: (t.casefold(), t)))


def _terms_regex(terms: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern | None:
    """One pattern matching any term on word boundaries, longest first."""
    alts = []
    for term in sorted(set(terms), key=lambda t: (-len(t), t)):
        parts = [p for p in re.split(_SEP, term) if p]
        if parts:
            alts.append(_SEP.join(re.escape(p) for p in parts))
    if not alts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", flags)


# --------------------------------------------------------------------------- deduce

_DEDUCE = None
_DEDUCE_LOCK = threading.Lock()


def deduce_cache_dir() -> Path:
    """Where deduce's lookup structures are cached: ``$XDG_CACHE_HOME`` or ``~/.cache``.

    The folder is ``<cache>/altena-qca/deduce/<deduce version>``, so an
    upgrade builds fresh tables instead of loading stale ones.
    """
    from importlib.metadata import version

    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "altena-qca" / "deduce" / version("deduce")


@contextmanager
def _root_logger_untouched() -> Iterator[None]:
    """Mute the root logger and undo what deduce does to it.

    Importing deduce calls ``logging.basicConfig(stream=sys.stdout,
    level=DEBUG)``, and building its tables logs through ``logging.info``.
    """
    root = logging.getLogger()
    handlers, level, disabled = list(root.handlers), root.level, root.disabled
    root.disabled = True
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
        root.disabled = disabled


def _build_deduce():
    import deduce  # slow, and reconfigures logging: only here

    cache_dir = deduce_cache_dir()
    cache_file = cache_dir / "cache" / "lookup_structs.pickle"
    if cache_file.is_file():
        try:
            return deduce.Deduce(cache_path=cache_dir)
        except (EOFError, pickle.UnpicklingError):
            cache_file.unlink(missing_ok=True)  # an interrupted write: build again
    print(_BUILD_MESSAGE, file=sys.stderr, flush=True)
    cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Build into a private folder and move the result in one step, so that a
    # parallel worker or an interrupted build never leaves a half-written cache.
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_dir))
    try:
        instance = deduce.Deduce(cache_path=tmp, build_lookup_structs=True)
        cache_file.parent.mkdir(exist_ok=True)
        os.replace(tmp / "cache" / "lookup_structs.pickle", cache_file)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    instance.cache_path = cache_dir
    return instance


def get_deduce():
    """The process's one ``deduce.Deduce`` instance, created on first use.

    Its lookup tables are cached in :func:`deduce_cache_dir`; building them
    (first use after an install or upgrade) takes about a minute and says so
    on stderr. The root logger is left as it was.
    """
    global _DEDUCE
    with _DEDUCE_LOCK:
        if _DEDUCE is None:
            with _root_logger_untouched():
                _DEDUCE = _build_deduce()
        return _DEDUCE


def _annotation_cache_file(text: str) -> Path:
    """Cache file of deduce's annotations for ``text``.

    Keyed by the SHA-256 of the deduce version and the text, so an edited
    transcript or an upgraded deduce is annotated afresh. The file holds only
    offsets and tag kinds, never the annotated words.
    """
    digest = hashlib.sha256(f"{deduce_cache_dir().name}\0{text}".encode("utf-8")).hexdigest()
    return deduce_cache_dir().parent.parent / "annotations" / digest[:2] / f"{digest}.json"


def deduce_annotations(text: str, deidentifier=None) -> list[tuple[int, int, str]]:
    """deduce's annotations of ``text`` as sorted ``(start, end, KIND)``.

    With the shared deduce instance, results are cached on disk (see
    :func:`_annotation_cache_file`): re-running on unchanged transcripts
    needs no deduce at all, which saves loading its ~80 MB lookup tables.
    """
    cache = _annotation_cache_file(text) if deidentifier is None else None
    if cache is not None and cache.is_file():
        try:
            return [tuple(a) for a in json.loads(cache.read_text(encoding="utf-8"))]
        except (OSError, ValueError):
            pass  # unreadable cache entry: annotate again
    deid = deidentifier if deidentifier is not None else get_deduce()
    result = deid.deidentify(text, disabled={"redactor"})
    found = sorted((a.start_char, a.end_char, re.sub(r"[^A-Z]+", "_", a.tag.upper()))
                   for a in result.annotations)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(found), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only cache folder only costs speed
    return found


# --------------------------------------------------------------------------- pseudonymiser

def _strip_cut_edge(text: str, s: int, e: int, left: bool) -> tuple[int, int]:
    """Remove punctuation, spaces and connecting words at a cut edge of ``text[s:e]``."""
    edge_punct, edge_word = (r"^[\W_]+", r"^\w+") if left else (r"[\W_]+$", r"\w+$")
    while s < e:
        m = re.search(edge_punct, text[s:e])
        if m is None:
            m = re.search(edge_word, text[s:e])
            if m is None or m.group(0).casefold() not in _CONNECTORS:
                break
        if left:
            s += len(m.group(0))
        else:
            e -= len(m.group(0))
    return s, e


def _cut(start: int, end: int, text: str, holes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cut ``start:end`` around protected spans and at segment boundaries.

    ``holes`` are sorted spans to cut out (zero-width at a boundary). A piece
    keeps its original edges; at a cut edge it loses punctuation and
    connecting words, and a cut piece survives only if it has two or more
    letters or digits, one of them a capital or a digit (a leftover such as
    'collega' of 'collega van Veilig Thuis', or the 'I' of a speaker label,
    is deduce's misreading, not a name).
    """
    pieces = [(start, end, False, False)]
    for h_start, h_end in holes:
        if h_start >= end:
            break
        out = []
        for s, e, cut_left, cut_right in pieces:
            if h_end <= s or h_start >= e or (h_start == h_end and h_start in (s, e)):
                out.append((s, e, cut_left, cut_right))
                continue
            if s < h_start:
                out.append((s, h_start, cut_left, True))
            if h_end < e:
                out.append((h_end, e, True, cut_right))
        pieces = out
    kept = []
    for s, e, cut_left, cut_right in pieces:
        if cut_left:
            s, e = _strip_cut_edge(text, s, e, left=True)
        if cut_right:
            s, e = _strip_cut_edge(text, s, e, left=False)
        piece = text[s:e]
        if not any(c.isalnum() for c in piece):
            continue
        if (cut_left or cut_right) and (sum(c.isalnum() for c in piece) < 2
                                        or not any(c.isupper() or c.isdigit() for c in piece)):
            continue
        kept.append((s, e))
    return kept


def _norm_key(original: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", original)).strip().casefold()


class Pseudonymiser:
    """Replace personal data in documents by tags that are stable per document.

    A callable from :class:`~altena_qca.model.Document` to a new Document
    whose text is pseudonymised and whose segment offsets are remapped. deduce
    finds persons, places and addresses, phone numbers, e-mail addresses,
    URLs, dates, ages, BSN and other ids, and care institutions; each
    distinct original (compared case-insensitively) gets one tag, numbered
    per kind in order of appearance: ``[PERSOON-1]``, ``[LOCATIE-1]``, ...

    Parameters
    ----------
    protected : tuple of str, default=()
        Extra protected terms (on top of the allowlist and the actors), e.g.
        the respondents' function labels; see :meth:`for_corpus`.
    allowlist : str or Path or None, default=DEFAULT_ALLOWLIST
        YAML file of protected terms (``codebook/privacy_allowlist.yaml``).
    actors : str or Path or None, default=DEFAULT_ACTORS
        Actor gazetteer whose names and aliases are protected, if it exists.
    propagate : bool, default=True
        Also replace every other occurrence in the document of a tagged name
        or place that has a capital letter, exactly as written: deduce reads
        context, so it may tag 'Piet' in one sentence and miss him in the next.
    deidentifier : object or None, default=None
        Something with deduce's ``deidentify(text, disabled=...)`` returning
        annotations; None uses the shared :func:`get_deduce` instance.

    Attributes
    ----------
    protected_terms_ : tuple of str
        All protected terms, set by :meth:`fit`.
    key_ : dict of str to dict of str to str
        ``{document id: {tag: original}}`` of every document transformed.
        It holds the personal data: never write it next to outputs (see
        :func:`write_key`).
    offsets_ : dict of str to OffsetMap
        ``{document id: OffsetMap}``: where offsets into each original text
        lie in the pseudonymised one (see :meth:`remap_codings`).

    See Also
    --------
    find_leaks : check that no original reached an output.

    Notes
    -----
    A deduce annotation that overlaps a protected term is cut back to the
    part outside it (leftover connecting words and punctuation dropped); an
    annotation that spans a segment boundary is split there, so every
    segment's text is the pseudonymised text of the original segment. Text
    already tagged (``[PERSOON-3]``) is left alone and numbering continues
    after the highest tag present.

    Examples
    --------
    >>> from altena_qca.model import Document, Segment
    >>> doc = Document("R13", "R: Ik bel met Jan de Vries van Bazalt Wonen.",
    ...                segments=[Segment("R13", 0, "respondent", 3, 3, 44)])
    >>> pseudo = Pseudonymiser.for_corpus({})
    >>> new = pseudo(doc)  # doctest: +SKIP
    >>> new.segment_text(new.segments[0])  # doctest: +SKIP
    'Ik bel met [PERSOON-1] van Bazalt Wonen.'
    >>> pseudo.key_["R13"]  # doctest: +SKIP
    {'[PERSOON-1]': 'Jan de Vries'}
    """

    def __init__(self, *, protected: Sequence[str] = (), allowlist: str | Path | None = DEFAULT_ALLOWLIST,
                 actors: str | Path | None = DEFAULT_ACTORS, propagate: bool = True, deidentifier=None):
        self.protected = protected
        self.allowlist = allowlist
        self.actors = actors
        self.propagate = propagate
        self.deidentifier = deidentifier

    @classmethod
    def for_corpus(cls, respondents: Mapping[str, Respondent], **params) -> "Pseudonymiser":
        """A fitted pseudonymiser that also protects the respondents' labels.

        The function, label and organisation of each respondent are not
        personal data ('Mentor bij Smo Breda', 'wijk-GGD'er').
        """
        terms = [value for r in respondents.values()
                 for value in (r.function, r.label, r.organisation) if value]
        terms += list(params.pop("protected", ()))
        return cls(protected=tuple(terms), **params).fit()

    def fit(self, documents: Iterable[Document] | None = None) -> "Pseudonymiser":
        """Load the protected terms; ``documents`` is ignored. Returns self."""
        self.protected_terms_ = load_protected_terms(self.allowlist, self.actors, self.protected)
        self._protected_re = _terms_regex(self.protected_terms_)
        self.key_: dict[str, dict[str, str]] = {}
        self.offsets_: dict[str, OffsetMap] = {}
        return self

    def _annotations(self, text: str) -> list[tuple[int, int, str]]:
        return deduce_annotations(text, self.deidentifier)

    def transform(self, document: Document) -> Document:
        """Pseudonymise one document; record its key in ``key_``.

        Parameters
        ----------
        document
            A segmented document (segments may be empty).

        Returns
        -------
        Document
            A new document: same id and attributes, pseudonymised text,
            remapped segments, ``meta["pseudonymised"] = True``.
        """
        if not hasattr(self, "protected_terms_"):
            self.fit()
        text = document.text
        tagged = [m.span() for m in _TAG_RE.finditer(text)]
        bounds = sorted(tagged + [(p, p) for p in {p for s in document.segments for p in (s.start, s.end)}])
        protected = [m.span() for m in self._protected_re.finditer(text)] if self._protected_re else []
        holes = sorted(protected + bounds)

        found: list[tuple[int, int, str]] = []
        for start, end, kind in self._annotations(text):
            # Only name-like tags are cut at protected terms: the 'bazalt' of
            # 'j.devries@bazalt.nl' is part of an e-mail address.
            cuts = holes if kind in _NAME_KINDS else bounds
            found += [(s, e, kind) for s, e in _cut(start, end, text, cuts)]
        if self.propagate:
            found = self._propagate(text, found, holes)

        # Resolve overlaps (first, then longest wins) and number the tags.
        taken: list[tuple[int, int, str]] = []
        for s, e, kind in sorted(found, key=lambda f: (f[0], -f[1])):
            if not taken or s >= taken[-1][1]:
                taken.append((s, e, kind))
        counters: dict[str, int] = {}
        for m in _TAG_RE.finditer(text):
            counters[m.group(1)] = max(counters.get(m.group(1), 0), int(m.group(2)))
        tags: dict[str, str] = {}
        key: dict[str, str] = {}
        spans = []
        for s, e, kind in taken:
            original = text[s:e]
            norm = _norm_key(original)
            if norm not in tags:
                counters[kind] = counters.get(kind, 0) + 1
                tags[norm] = f"[{kind}-{counters[kind]}]"
                key[tags[norm]] = original
            spans.append((s, e, tags[norm]))

        new_text, offsets = apply_replacements(text, spans)
        segments = []
        for seg in document.segments:
            start, end = offsets.span(seg.start, seg.end)
            segments.append(dataclasses.replace(seg, start=start, end=end, meta=dict(seg.meta)))
        self.key_[document.id] = key
        self.offsets_[document.id] = offsets
        return dataclasses.replace(document, text=new_text, segments=segments,
                                   meta={**document.meta, "pseudonymised": True})

    __call__ = transform

    def remap_codings(self, codings: pd.DataFrame) -> pd.DataFrame:
        """Codings made on original texts, moved onto the pseudonymised texts.

        Rows of documents this pseudonymiser did not transform are kept as
        they are. A coding that starts or ends inside a replaced name grows
        to cover the whole tag.

        Parameters
        ----------
        codings
            A frame with ``document``, ``start`` and ``end`` columns.

        Returns
        -------
        DataFrame
            A copy with ``start`` and ``end`` remapped.
        """
        out = codings.copy()
        if not len(out):
            return out
        starts, ends = out["start"].to_numpy().copy(), out["end"].to_numpy().copy()
        # one pass over the codings grouped by document (not one scan per document)
        for doc_id, rows in out.groupby("document", sort=False).indices.items():
            offsets = self.offsets_.get(doc_id)
            if offsets is None:
                continue
            for i in rows.tolist():
                starts[i], ends[i] = offsets.span(int(starts[i]), int(ends[i]))
        out["start"], out["end"] = starts, ends
        return out

    @staticmethod
    def _propagate(text: str, found: list[tuple[int, int, str]],
                   holes: Sequence[tuple[int, int]]) -> list[tuple[int, int, str]]:
        kinds: dict[str, str] = {}
        for s, e, kind in found:
            original = _clean_term(text[s:e])
            if kind in _NAME_KINDS and any(c.isupper() for c in original):
                kinds.setdefault(original, kind)
        pattern = _terms_regex(kinds, flags=0)
        if pattern is None:
            return found
        by_norm = {re.sub(_SEP, " ", t): k for t, k in kinds.items()}
        covered = bytearray(len(text))
        for s, e in [(s, e) for s, e, _ in found] + list(holes):
            covered[s:e] = b"\x01" * (e - s)
        extra = []
        for m in pattern.finditer(text):
            if any(covered[m.start():m.end()]):
                continue
            kind = by_norm.get(re.sub(_SEP, " ", m.group(0)), "PERSOON")
            extra += [(s, e, kind) for s, e in _cut(m.start(), m.end(), text, holes)]
        return found + extra


# --------------------------------------------------------------------------- the key

def _project_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def write_key(mapping: Mapping[str, Mapping[str, str]], path: str | Path) -> Path:
    """Write the pseudonymisation key (``{document: {tag: original}}``) as JSON.

    Only outside the project: the key undoes the pseudonymisation.

    Parameters
    ----------
    mapping
        Usually ``Pseudonymiser.key_``.
    path
        Target file; its folders are created. The file is readable by its
        owner only.

    Returns
    -------
    Path
        The resolved path written.

    Raises
    ------
    InputError
        If ``path`` lies inside this package's project folder (the folder
        holding ``pyproject.toml`` above the package) or inside the project
        of the current working directory.
    """
    target = Path(path).expanduser().resolve()
    roots = {_project_root(Path(__file__).resolve().parent), _project_root(Path.cwd().resolve())}
    for root in sorted(r for r in roots if r is not None):
        if target == root or root in target.parents:
            raise InputError(_E500.format(path=target, root=root))
    data = {str(doc): {str(t): str(o) for t, o in sorted(tags.items())} for doc, tags in sorted(mapping.items())}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    os.chmod(target, 0o600)
    return target


# --------------------------------------------------------------------------- the guard

def _decode(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _variants(text: str) -> Iterator[str]:
    """The text as written, and as read with XML tags and escapes undone."""
    text = unicodedata.normalize("NFC", text)
    yield text
    if "\\u" in text:
        yield re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text or "<" in text:
        plain = html.unescape(text)
        yield plain
        if "<" in text:
            # Word splits a word over runs ('<w:t>Ja</w:t>...<w:t>n</w:t>'):
            # join the pieces; and separate them, for words in adjacent cells.
            yield html.unescape(_XML_TAG_RE.sub("", text))
            yield html.unescape(_XML_TAG_RE.sub(" ", text))


def _scan_bytes(data: bytes, where: str, depth: int) -> Iterator[tuple[str, str]]:
    if data[:4] == b"PK\x03\x04" and depth < _MAX_ZIP_DEPTH:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            archive = None
        if archive is not None:
            with archive:
                for info in archive.infolist():
                    inner = f"{where}!{info.filename}"
                    yield inner, info.filename
                    if not info.is_dir():
                        yield from _scan_bytes(archive.read(info), inner, depth + 1)
            return
    yield where, _decode(data)


def _sources(items: Iterable) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every string, file, zip member and file name."""
    for i, item in enumerate(items):
        if isinstance(item, str):
            yield f"<text {i}>", item
            continue
        path = Path(item)
        if not path.exists():
            raise InputError(f"[E106] {path}: file not found")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            yield f"{f} (file name)", f.name
            yield from _scan_bytes(f.read_bytes(), str(f), 0)


def find_leaks(texts_or_paths: str | os.PathLike | Iterable[str | os.PathLike],
               terms: Iterable[str]) -> list[tuple[str, str]]:
    """Where any of ``terms`` occurs in strings or files (the output guard).

    Parameters
    ----------
    texts_or_paths
        Strings (scanned as text) and paths (files, or folders scanned
        recursively). Zip containers (``.docx``, ``.xlsx``, ``.qdpx``,
        ``.zip``, ...) are opened and their members scanned, nested zips
        too; XML (docx/xlsx parts, ``.svg``, ``.graphml``) is also read with
        its tags and escapes removed, so a name split over Word runs is
        found. File and member names are scanned as well.
    terms
        Names or other originals, e.g. the values of ``Pseudonymiser.key_``;
        matched case-insensitively on word boundaries, any whitespace or
        hyphen between words.

    Returns
    -------
    list of (str, str)
        ``(where, term)`` once per place and term, in scan order. ``where`` is
        ``<text i>`` for the i-th string, else the path, with ``!member``
        for zip members.

    Raises
    ------
    InputError
        If a path does not exist.

    Notes
    -----
    Text drawn as outlines (matplotlib's default ``svg.fonttype='path'``)
    and compressed PDF streams cannot be read: render figures with
    ``svg.fonttype='none'`` for the guard to see their text.

    Examples
    --------
    >>> find_leaks(["In januari belde Jan.", "Geen namen hier."], ["Jan", "de Vries"])
    [('<text 0>', 'Jan')]
    """
    if isinstance(texts_or_paths, (str, os.PathLike)):
        texts_or_paths = [texts_or_paths]
    patterns = {}
    for term in terms:
        term = _clean_term(term)
        if term and term not in patterns:
            pattern = _terms_regex([term])
            if pattern is not None:
                patterns[term] = pattern
    found: dict[tuple[str, str], None] = {}
    for where, text in _sources(texts_or_paths):
        for variant in _variants(text):
            for term, pattern in patterns.items():
                if (where, term) not in found and pattern.search(variant):
                    found[(where, term)] = None
    return list(found)
