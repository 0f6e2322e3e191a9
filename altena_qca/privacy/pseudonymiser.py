"""The :class:`Pseudonymiser`: deduce's tags, cut at protected terms, as stable per-document tags."""
from __future__ import annotations

import dataclasses
import inspect
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import pandas as pd

from .._io import unique_name
from ..errors import Warnings
from ..model import Document, Respondent
from .deidentify import deduce_annotations
from .replacements import OffsetMap, apply_replacements
from .terms import _SEP, DEFAULT_ACTORS, DEFAULT_ALLOWLIST, _clean_term, _terms_regex, load_protected_terms

#: Words left over at the edge where a tag was cut at a protected term.
_CONNECTORS = frozenset(
    "van bij de der den het een en of in op voor aan met via uit te ten ter tot naar door over om "
    "als namens vanuit vanaf zoals die dat".split())
#: deduce's tags for names of persons, places and institutions (cut at protected terms).
_NAME_KINDS = frozenset({"PERSOON", "PATIENT", "LOCATIE", "ZORGINSTELLING", "ZIEKENHUIS", "INSTELLING"})
_TAG_RE = re.compile(r"\[([A-Z_]+)-(\d+)\]")
_DATE_RE = re.compile(r"\d{1,2}[-./]\d{1,2}[-./](?:\d{2}|\d{4})")
#: Kinds left in file names and respondents' fields (see Pseudonymiser.clean_name).
_KEPT_IN_NAMES = frozenset({"DATUM", "LEEFTIJD", "LOCATIE", "ZORGINSTELLING", "ZIEKENHUIS", "INSTELLING"})
#: Tags of persons: never shortened by a one-word protected term ('Carlos Rivas', 'Truus Mee').
_PERSON_KINDS = frozenset({"PERSOON", "PATIENT"})


#: A capitalised word right after a person's name: the surname deduce left out
#: because it is also a word or an organisation ('Truus Mee', 'Anna Rivas').
_SURNAME_AFTER_RE = re.compile(r"[ \u00a0]((?:[A-Z][a-z\u00df-\u00ff'\u2019]+)(?:-[A-Z][a-z\u00df-\u00ff]+)?)(?!\w)")


def _extend_surname(text: str, start: int, end: int, blocked: bytearray) -> int:
    """``end`` moved over a capitalised word that directly follows a person's name."""
    m = _SURNAME_AFTER_RE.match(text, end)
    if m is None or m.group(1).casefold() in _CONNECTORS or any(blocked[m.start(1):m.end(1)]):
        return end
    return m.end(1)


def _is_multi_word(term: str) -> bool:
    """'Bazalt Wonen', 'GGZ-Breburg': yes; 'Rivas', 'MEE': no."""
    return len([p for p in re.split(_SEP, term) if p]) > 1


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


def _split_camel_case(name: str) -> tuple[str, list[int]]:
    """``name`` with a space before each capital that follows a small letter or a
    digit, and per character of the result its index in ``name``.

    >>> _split_camel_case("InterviewJanJansen")[0], _split_camel_case("R01JanJansen")[0]
    ('Interview Jan Jansen', 'R01 Jan Jansen')
    """
    out: list[str] = []
    where: list[int] = []
    for i, c in enumerate(name):
        if i and c.isupper() and (name[i - 1].islower() or name[i - 1].isdigit()):
            out.append(" ")
            where.append(i)
        out.append(c)
        where.append(i)
    return "".join(out), where


def _merge_spans(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Overlapping spans joined into one (of the longest one's kind), sorted."""
    out: list[tuple[int, int, str]] = []
    longest: list[int] = []
    for s, e, kind in sorted(spans, key=lambda f: (f[0], -f[1])):
        if out and s < out[-1][1]:
            ps, pe, pkind = out[-1]
            kind = kind if e - s > longest[-1] else pkind
            out[-1] = (ps, max(pe, e), kind)
            longest[-1] = max(longest[-1], e - s)
        else:
            out.append((s, e, kind))
            longest.append(e - s)
    return out


def _norm_key(original: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", original)).strip().casefold()


def _same(value, default) -> bool:
    """True when a parameter still has its default value (shown in no repr)."""
    if value is default:
        return True
    try:
        return type(value) is type(default) and bool(value == default)
    except Exception:  # e.g. an array: ambiguous truth value
        return False


class _Estimator:
    """scikit-learn's estimator API — ``get_params``, ``set_params``, repr — without importing scikit-learn.

    Every command makes a :class:`Pseudonymiser` (a warm study load compares
    its settings), and importing ``sklearn.base`` imports SciPy's ``stats``:
    ≈ 0.85 s CPU per command for a base class. ``sklearn.base.clone``, grid
    searches and pipelines need only these methods (duck typing); they behave
    as ``BaseEstimator``'s. scikit-learn is imported when scikit-learn itself
    asks for the estimator's tags, or to raise ``NotFittedError``.
    """

    @classmethod
    def _get_param_names(cls) -> list[str]:
        params = [p for p in inspect.signature(cls.__init__).parameters.values()
                  if p.name != "self" and p.kind is not p.VAR_KEYWORD]
        if any(p.kind is p.VAR_POSITIONAL for p in params):
            raise RuntimeError(f"{cls.__name__}: estimators name every parameter in __init__ (no *args)")
        return sorted(p.name for p in params)

    def get_params(self, deep: bool = True) -> dict:
        """Parameter names mapped to their values (with ``deep``, also of nested estimators, as ``a__b``)."""
        out: dict = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params):
        """Set parameters (``a__b`` sets ``b`` of the nested estimator ``a``); returns self."""
        if not params:
            return self
        valid = self.get_params(deep=True)
        nested: dict[str, dict] = {}
        for key, value in params.items():
            name, delim, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self}. "
                                 f"Valid parameters are: {self._get_param_names()!r}.")
            if delim:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        defaults = {n: p.default for n, p in inspect.signature(type(self).__init__).parameters.items()}
        changed = [f"{n}={v!r}" for n, v in self.get_params(deep=False).items() if not _same(v, defaults.get(n))]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        from sklearn.base import BaseEstimator  # only when scikit-learn asks, so it is loaded already

        return BaseEstimator.__sklearn_tags__(self)

    def _check_fitted(self, attribute: str) -> None:
        """Raise scikit-learn's ``NotFittedError`` when ``attribute`` is not set (as ``check_is_fitted``)."""
        if not hasattr(self, attribute):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with "
                                 "appropriate arguments before using this estimator.")


class Pseudonymiser(_Estimator):
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
        YAML file of protected terms (``altena_qca/resources/codebook/privacy_allowlist.yaml``).
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
    ids_ : dict of str to str
        ``{original id: new id}`` of documents whose file name (and
        respondent id) held personal data ('Overleg met Jan Pietersen' ->
        'Overleg met PERSOON-1'), with warning W501; filled by the corpus
        loader from :meth:`clean_ids`; codings follow the new id.

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
    def for_corpus(cls, respondents: Mapping[str, Respondent], **params) -> Pseudonymiser:
        """A fitted pseudonymiser that also protects the respondents' labels.

        The function, label and organisation of each respondent are not
        personal data ('Mentor bij Smo Breda', 'wijk-GGD'er'); pass them
        through :meth:`clean_respondents` first, so that a name typed into
        one ('contact: Sanne Verbeek') is neither protected nor shown.
        """
        terms = [value for r in respondents.values()
                 for value in (r.function, r.label, r.organisation) if value]
        terms += list(params.pop("protected", ()))
        return cls(protected=tuple(terms), **params).fit()

    def clean_name(self, name: str, *, file_name: bool = False) -> tuple[str, list[str]]:
        """``name`` with persons, places and identifiers replaced by ``KIND-n``; and the kinds found.

        For names that end up in outputs without being a text: a document
        id taken from a file name, a respondent's function. Dates, ages,
        places and institutions are kept (an observation named after the day
        of a meeting, an organisation named after its town are no personal
        data); an address with a house number is not.

        ``_`` and ``+`` are read as spaces (``R01_Jan_Jansen``). With
        ``file_name``, a name written in lower case (``interview_jan_jansen``)
        or run together (``InterviewJanJansen``) is found too: the words are
        also read with a capital first letter and split at a capital inside
        a word, and every person found any way is replaced.
        """
        if not hasattr(self, "protected_terms_"):
            self.fit()
        view = re.sub(r"[_+]", " ", name)
        spans = self._name_spans(view)
        if file_name:
            titled = "".join(c.upper() if (i == 0 or not view[i - 1].isalnum()) and len(c.upper()) == 1 else c
                             for i, c in enumerate(view))
            if titled != view:
                spans = _merge_spans(spans + [f for f in self._name_spans(titled) if f[2] in _PERSON_KINDS])
            split, where = _split_camel_case(view)
            if split != view:
                spans = _merge_spans(spans + [(where[s], where[e - 1] + 1, k) for s, e, k in self._name_spans(split)
                                              if k in _PERSON_KINDS])
        if not spans:
            return name, []
        counters: dict[str, int] = {}
        seen: dict[str, str] = {}
        out = []
        for s, e, kind in spans:
            norm = _norm_key(view[s:e])
            if norm not in seen:
                counters[kind] = counters.get(kind, 0) + 1
                seen[norm] = f"{kind}-{counters[kind]}"
            out.append((s, e, seen[norm]))
        new, _ = apply_replacements(name, out)
        return new, sorted({k for _, _, k in spans})

    def _name_spans(self, name: str) -> list[tuple[int, int, str]]:
        """What :meth:`clean_name` replaces in ``name``: persons, addresses, identifiers."""
        doc = Document("name", name, segments=[])
        found = self._found(doc)
        dates = {s: e for s, e, k in found if k == "DATUM"}
        out = []
        for s, e, k in found:
            # places and institutions name organisations here ('Gemeente Heusden',
            # 'Buurtzorg Vlijmen-Oost'); an address (with a number) is still personal --
            # unless its 'house number' is the day of the date after it ('Overleg 12-03-2024')
            if k in _KEPT_IN_NAMES and not (k == "LOCATIE" and any(c.isdigit() for c in name[s:e])):
                continue
            day = re.search(r"\d{1,2}$", name[s:e]) if k == "LOCATIE" and e in dates else None
            if day and _DATE_RE.fullmatch(name[s + day.start():dates[e]]):
                continue
            out.append((s, e, k))
        return out

    def clean_ids(self, ids: Iterable[tuple[str, str]]) -> dict[str, str]:
        """New, neutral ids for the document ids that hold personal data.

        Document ids are file names (``observations/Overleg met Jan
        Pietersen.txt``, ``transcripts/R01_Jan_Jansen.docx``, a source name
        of an imported ``.qdpx``) and reach every output. Each id goes
        through :meth:`clean_name` (``file_name=True``); one that changes is
        renamed (``'Overleg met PERSOON-1'``), with warning W501, and made
        unique: a new id never equals another document's id, old or new.

        Parameters
        ----------
        ids : iterable of (str, str)
            ``(id, what)`` in a fixed order, ``what`` saying where the id
            comes from for the warning ('observation file name').

        Returns
        -------
        dict of str to str
            ``{old id: new id}`` of the renamed ids only.
        """
        ids = list(ids)
        taken = {i for i, _ in ids}
        renamed: dict[str, str] = {}
        for old, what in ids:
            new, kinds = self.clean_name(old, file_name=True)
            if not kinds:
                continue
            new = unique_name(new, taken)
            renamed[old] = new
            warnings.warn(Warnings.W501.format(what=what, kinds=", ".join(kinds), new=new), stacklevel=2)
        return renamed

    def clean_respondents(self, respondents: Mapping[str, Respondent],
                          path: str | Path = "respondents.csv") -> dict[str, Respondent]:
        """Respondents whose function, label and organisation hold no personal data.

        Each field goes through :meth:`clean_name`; a field that changed is
        reported with warning W502 (its line in ``path``; the warning shows
        the cleaned value only).
        """
        out = {}
        for line, (rid, r) in enumerate(respondents.items(), start=2):
            changes = {}
            for column in ("function", "label", "organisation"):
                value = getattr(r, column)
                if not value:
                    continue
                new, kinds = self.clean_name(value)
                if kinds:
                    changes[column] = new
                    warnings.warn(Warnings.W502.format(path=path, line=line, column=column,
                                                       kinds=", ".join(kinds), new=new), stacklevel=2)
            out[rid] = dataclasses.replace(r, **changes) if changes else r
        return out

    def fit(self, documents: Iterable[Document] | None = None) -> Pseudonymiser:
        """Load the protected terms; ``documents`` is ignored. Returns self."""
        self.protected_terms_ = load_protected_terms(self.allowlist, self.actors, self.protected)
        self._protected_re = _terms_regex(self.protected_terms_)
        # Persons are cut only at multi-word names: a surname may equal a
        # one-word organisation ('Carlos Rivas', 'Truus Mee').
        self._multi_word_re = _terms_regex([t for t in self.protected_terms_ if _is_multi_word(t)])
        self._single_words = frozenset(t.casefold() for t in self.protected_terms_ if not _is_multi_word(t))
        self.key_: dict[str, dict[str, str]] = {}
        self.offsets_: dict[str, OffsetMap] = {}
        self.ids_: dict[str, str] = {}
        return self

    def _annotations(self, text: str) -> list[tuple[int, int, str]]:
        return deduce_annotations(text, self.deidentifier)

    def _found(self, document: Document) -> list[tuple[int, int, str]]:
        """deduce's annotations of ``document``, cut and propagated, without overlaps, sorted."""
        text = document.text
        tagged = [m.span() for m in _TAG_RE.finditer(text)]
        bounds = sorted(tagged + [(p, p) for p in {p for s in document.segments for p in (s.start, s.end)}])
        protected = [m.span() for m in self._protected_re.finditer(text)] if self._protected_re else []
        holes = sorted(protected + bounds)
        multi = getattr(self, "_multi_word_re", self._protected_re)
        person_holes = sorted(([m.span() for m in multi.finditer(text)] if multi else []) + bounds)

        blocked = bytearray(len(text))  # multi-word protected names and segment boundaries
        for s, e in person_holes:
            blocked[max(s - 1, 0) if s == e else s:e] = b"\x01" * ((e - s) or 1)
        found: list[tuple[int, int, str]] = []
        for start, end, kind in self._annotations(text):
            # Only name-like tags are cut at protected terms: the 'bazalt' of
            # 'j.devries@bazalt.nl' is part of an e-mail address.
            if kind in _PERSON_KINDS:
                # a person tag that is nothing but a one-word organisation ('Rivas',
                # 'MEE') is deduce's misreading; any longer one is kept whole
                pieces = [(s, _extend_surname(text, s, e, blocked)) for s, e in _cut(start, end, text, person_holes)
                          if _clean_term(text[s:e]).casefold() not in self._single_words]
            else:
                pieces = _cut(start, end, text, holes if kind in _NAME_KINDS else bounds)
            found += [(s, e, kind) for s, e in pieces]
        if self.propagate:
            found = self._propagate(text, found, holes, person_holes)

        # Resolve overlaps (first, then longest wins) and number the tags.
        taken: list[tuple[int, int, str]] = []
        for s, e, kind in sorted(found, key=lambda f: (f[0], -f[1])):
            if not taken or s >= taken[-1][1]:
                taken.append((s, e, kind))
        return taken

    def transform(self, document: Document) -> Document:
        """Pseudonymise one document; the pseudonymiser itself does not change.

        Parameters
        ----------
        document
            A segmented document (segments may be empty).

        Returns
        -------
        Document
            A new document: same attributes, pseudonymised text, remapped
            segments, ``meta["pseudonymised"] = True``; the id is kept (ids
            are the corpus loader's: :meth:`clean_ids`).

        Raises
        ------
        sklearn.exceptions.NotFittedError
            Before :meth:`fit`.

        See Also
        --------
        pseudonymise : the same, with the key and offset map.
        __call__ : transform and record the key (how ingest uses it).
        """
        self._check_fitted("protected_terms_")
        return self.pseudonymise(document)[0]

    def __call__(self, document: Document) -> Document:
        """Pseudonymise ``document`` and record its key and offset map.

        The ingest hook (:func:`altena_qca.ingest.read_transcript` calls it):
        ``key_`` and ``offsets_`` collect what each document needs to
        map codings between the typed and the pseudonymised text. Fits first
        when not yet fitted.
        """
        if not hasattr(self, "protected_terms_"):
            self.fit()
        new, key, offsets = self.pseudonymise(document)
        self.key_[new.id] = key
        self.offsets_[new.id] = offsets
        return new

    def pseudonymise(self, document: Document) -> tuple[Document, dict[str, str], OffsetMap]:
        """The pseudonymised document, its key (tag → original) and its offset map.

        Records nothing (see :meth:`__call__`).
        """
        self._check_fitted("protected_terms_")
        text = document.text
        taken = self._found(document)
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
        meta = {**document.meta, "pseudonymised": True}
        new = dataclasses.replace(document, text=new_text, segments=segments, meta=meta)
        return new, key, offsets

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
        ids = getattr(self, "ids_", None)
        if ids:  # documents renamed because their file name held a name
            out["document"] = out["document"].map(lambda d: ids.get(d, d))
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
                   holes: Sequence[tuple[int, int]],
                   person_holes: Sequence[tuple[int, int]] | None = None) -> list[tuple[int, int, str]]:
        kinds: dict[str, str] = {}
        for s, e, kind in found:
            original = _clean_term(text[s:e])
            if kind in _NAME_KINDS and any(c.isupper() for c in original):
                kinds.setdefault(original, kind)
        pattern = _terms_regex(kinds, flags=0)
        if pattern is None:
            return found
        by_norm = {re.sub(_SEP, " ", t): k for t, k in kinds.items()}
        person_holes = holes if person_holes is None else person_holes
        covered, person_covered = bytearray(len(text)), bytearray(len(text))
        for s, e, _ in found:
            covered[s:e] = person_covered[s:e] = b"\x01" * (e - s)
        for s, e in holes:
            covered[s:e] = b"\x01" * (e - s)
        for s, e in person_holes:
            person_covered[s:e] = b"\x01" * (e - s)
        extra = []
        for m in pattern.finditer(text):
            kind = by_norm.get(re.sub(_SEP, " ", m.group(0)), "PERSOON")
            person = kind in _PERSON_KINDS
            if any((person_covered if person else covered)[m.start():m.end()]):
                continue
            extra += [(s, e, kind) for s, e in _cut(m.start(), m.end(), text, person_holes if person else holes)]
        return found + extra
