"""The offline Dutch pipeline the auto-coder reads text with.

``spacy.blank("nl")`` plus one registered component, ``altena_lemmatizer``:
spaCy's Dutch *lookup* lemmatization (the ``lemma_lookup`` table of
``spacy-lookups-data``, keyed by the lower-cased form as spaCy's
``DutchLemmatizer`` in lookup mode does) with a fallback for the forms the
table misses. Common irregular and participle forms such as *werden*, *was*
and *gedeeld* are not in the table and would come out unchanged; only where
the lookup leaves a form unchanged, `simplemma`_ is asked, and when simplemma
does not know the word either (``is_known`` is false) the head of the
compound is lemmatised with the table (*netwerkrelaties* → *netwerkrelatie*,
*uitzonderingsgrondslagen* → *uitzonderingsgrondslag*). A few domain
overrides win over all of them (``leden`` is *lid*, members of the network,
not a form of *lijden*; ``delen`` is the verb *to share*, not the plural of
*deel*). All lemmas are lower case.

Why one component and not spaCy's ``lemmatizer`` pipe followed by a fallback
pipe: spaCy's lemmatizer sets ``token.lemma_`` one token at a time in Python,
which costs more than tokenizing. This component answers each distinct form
once (a dict from the form's hash to the lemma's hash) and writes all lemmas
of a document with one :meth:`~spacy.tokens.Doc.from_array` call.

:func:`pipe_batches` goes further for the coders: it runs only the tokenizer,
reads two token attributes per passage (``ORTH``, ``IDX``) and derives every
other column of a whole batch — lemma included — from a table of forms with
numpy (:class:`FormTable`: one dense id per distinct ``ORTH`` with its
lower-case form, length, is-alphabetic flag and lemma), so many short
passages cost little more than tokenizing them. It keeps no Docs: a
:class:`Batch` makes them again only when asked (:attr:`Batch.docs`), and
:meth:`Batch.doc` writes a Doc's lemmas (for the spaCy Matcher, which the
rule coder needs only for patterns it cannot run with arrays).

No model is downloaded; the pipeline is built once per process
(:func:`get_nlp`).

Examples
--------
>>> [t.lemma_ for t in get_nlp()("Gegevens werden niet gedeeld.")]
['gegeven', 'worden', 'niet', 'delen', '.']
>>> lemmatize("Was het vertrouwen van de leden weg?")
['zijn', 'het', 'vertrouwen', 'van', 'de', 'lid', 'weg', '?']

References
----------
.. [1] A. Barbaresi, "Simplemma: a simple multilingual lemmatizer for Python",
   2023, https://github.com/adbar/simplemma

.. _simplemma: https://github.com/adbar/simplemma
"""
from __future__ import annotations

import functools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
import simplemma
import spacy
from spacy.attrs import IDX, IS_ALPHA, LEMMA, LENGTH, LOWER, ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokens import Doc

__all__ = ["FALLBACK_OVERRIDES", "BATCH_ATTRS", "FormTable", "DutchLemmatizer", "Batch", "get_nlp",
           "pipe_batches", "lemmatize"]

#: Domain forms whose table or simplemma reading is wrong in a care-network
#: text: members (not a form of *lijden*), to share (not parts), and a
#: table entry with an underscore.
FALLBACK_OVERRIDES = {"leden": "lid", "netwerkleden": "netwerklid", "delen": "delen",
                      "samenwerken": "samenwerken"}


#: Guards the growth of every :class:`FormTable` and of the coders' per-form tables.
_FORMS_LOCK = threading.RLock()


class FormTable:
    """Dense ids for the distinct token forms (``ORTH``) a lemmatizer has seen.

    Every attribute the coders need of a token but the token's position is a
    property of its form, so a batch needs one id per token and one row per
    *new* form; the columns are then numpy lookups. Ids are never reused.

    Attributes
    ----------
    orth, lower, lemma, length, is_alpha : ndarray
        One entry per form id (hashes as uint64, the length and flag as the
        values ``Doc.to_array`` gives for ``LENGTH`` and ``IS_ALPHA``).
    """

    COLUMNS = ("orth", "lower", "lemma", "length", "is_alpha")

    def __init__(self):
        self._id: dict[int, int] = {}
        self._size = 0
        self._buf = np.zeros((len(self.COLUMNS), 1024), dtype=np.uint64)

    def __len__(self) -> int:
        return self._size

    orth = property(lambda self: self._buf[0, :self._size])
    lower = property(lambda self: self._buf[1, :self._size])
    lemma = property(lambda self: self._buf[2, :self._size])
    length = property(lambda self: self._buf[3, :self._size])
    is_alpha = property(lambda self: self._buf[4, :self._size])

    def ids(self, orths: np.ndarray, add) -> np.ndarray:
        """The form ids of the ``ORTH`` hashes ``orths`` (any shape).

        ``add(orth)`` gives ``(lower, lemma, length, is_alpha)`` of a form not
        seen before.
        """
        uniq, inv = np.unique(orths, return_inverse=True)
        get = self._id.get
        ids = [get(h) for h in uniq.tolist()]
        if None in ids:
            with _FORMS_LOCK:  # coders may run in threads (the Dask engine): one writer at a time
                for k, h in enumerate(uniq.tolist()):
                    if ids[k] is None:
                        ids[k] = self._id.get(h)
                        if ids[k] is None:
                            ids[k] = self._add(h, add(h))
        return np.asarray(ids, dtype=np.int64)[inv.reshape(orths.shape)]

    def _add(self, orth: int, row: tuple) -> int:
        i = self._size
        if i == self._buf.shape[1]:
            self._buf = np.concatenate([self._buf, np.zeros_like(self._buf)], axis=1)
        self._buf[:, i] = (orth, *row)
        self._id[orth] = i
        self._size += 1
        return i


class DutchLemmatizer:
    """Lookup-table lemmas, simplemma where the table leaves a form unchanged.

    Parameters
    ----------
    vocab : spacy.vocab.Vocab
        The pipeline's vocab (lemma strings are added to it).
    table : mapping of str to str
        Lower-cased form → lemma (spaCy's ``lemma_lookup`` for Dutch).
    overrides : mapping of str to str
        Form → lemma pairs that win over the table and simplemma.
    lang : str
        Language code for :func:`simplemma.lemmatize`.
    min_head : int
        Shortest compound head tried with the table.
    """

    def __init__(self, vocab, table: Mapping[str, str], overrides: Mapping[str, str] | None = None,
                 lang: str = "nl", min_head: int = 4):
        self.vocab = vocab
        self.table = table
        self.overrides = {k.lower(): v.lower() for k, v in (overrides or {}).items()}
        self.lang = lang
        self.min_head = min_head
        self._cache: dict[int, int] = {}
        self.forms = FormTable()

    def lemma(self, lower: str) -> str:
        """The lemma of a lower-cased form.

        Examples
        --------
        >>> get_nlp().get_pipe("altena_lemmatizer").lemma("gedeeld")
        'delen'
        """
        if lower in self.overrides:
            return self.overrides[lower]
        looked_up = self.table.get(lower, lower)
        if not isinstance(looked_up, str):  # a table may hold several readings
            looked_up = looked_up[0] if looked_up else lower
        looked_up = looked_up.lower()
        if looked_up != lower or not lower.isalpha():
            return looked_up
        guess = simplemma.lemmatize(lower, lang=self.lang).lower()
        if guess == lower and not simplemma.is_known(lower, lang=self.lang):
            guess = self._head_lemma(lower)
        return guess

    def _head_lemma(self, lower: str) -> str:
        for i in range(3, len(lower) - self.min_head + 1):
            head = lower[i:]
            lemma = self.table.get(head)
            if isinstance(lemma, str) and lemma != head:
                return lower[:i] + lemma.lower()
        return lower

    def lemma_hash(self, lower: int) -> int:
        """The lemma (hash) of a lower-case form (hash), computed once per form."""
        lemma = self._cache.get(lower)
        if lemma is None:
            strings = self.vocab.strings
            lemma = self._cache[lower] = strings.add(self.lemma(strings[lower]))
        return lemma

    def _new_form(self, orth: int) -> tuple[int, int, int, int]:
        lex = self.vocab[orth]
        return lex.lower, self.lemma_hash(lex.lower), len(lex.orth_), int(lex.is_alpha)

    def form_ids(self, orths: np.ndarray) -> np.ndarray:
        """Ids in :attr:`forms` of the ``ORTH`` hashes ``orths`` (new forms are added)."""
        return self.forms.ids(orths, self._new_form)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # One Doc: a dict lookup per token beats numpy's fixed costs.
        lowers = doc.to_array(LOWER).tolist()
        get = self._cache.get
        out = [get(h) for h in lowers]
        if None in out:
            out = [self.lemma_hash(h) if lemma is None else lemma for h, lemma in zip(lowers, out)]
        doc.from_array([LEMMA], np.asarray(out, dtype=np.uint64).reshape(-1, 1))
        return doc


@Language.factory("altena_lemmatizer", default_config={"overrides": FALLBACK_OVERRIDES, "lang": "nl"},
                  assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str, overrides: dict, lang: str) -> DutchLemmatizer:
    """spaCy factory of :class:`DutchLemmatizer` with the ``spacy-lookups-data`` table."""
    table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    return DutchLemmatizer(nlp.vocab, table, overrides=dict(overrides), lang=lang)


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The Dutch pipeline: blank tokenizer and ``altena_lemmatizer``.

    Built once per process and cached; callers must not add pipes to it.
    """
    nlp = spacy.blank("nl")
    nlp.add_pipe("altena_lemmatizer")
    return nlp


#: Token attributes gathered for a batch, in the column order of :attr:`Batch.arrays`.
BATCH_ATTRS = (LEMMA, LOWER, IDX, LENGTH, IS_ALPHA)


@dataclass
class Batch:
    """Lemmatised passages with their token attributes stacked in one array.

    Attributes
    ----------
    texts : list of str
        The passages.
    index : list of int
        For each passage of the batch, its position in the caller's list.
    arrays : ndarray
        All tokens of all passages, one row each; columns :data:`BATCH_ATTRS`
        (lemma hash, lower-case hash, character offset in the passage,
        length, is-alphabetic).
    first, last : ndarray
        Rows of passage ``p`` are ``arrays[first[p]:last[p]]``.
    token_passage : ndarray
        For every row, the batch position of its passage.
    forms : ndarray
        For every row, the id of its form in the lemmatizer's
        :class:`FormTable` (``get_nlp().get_pipe("altena_lemmatizer").forms``).
    """

    texts: list
    index: list
    arrays: np.ndarray
    first: np.ndarray
    last: np.ndarray
    token_passage: np.ndarray
    forms: np.ndarray
    _docs: dict = field(default_factory=dict, repr=False)  # batch position → Doc, made on demand
    _lemmatised: set = field(default_factory=set, repr=False)

    def text(self, p: int) -> str:
        """The text of the passage at batch position ``p``."""
        return self.texts[p]

    @property
    def docs(self) -> list:
        """One Doc per passage, tokens only (lemmas are in :attr:`arrays`; :meth:`doc` sets them).

        Made when first asked for, by tokenizing a passage again (the same
        tokens): :func:`pipe_batches` does not keep its Docs, which would cost
        more than most callers ever need.
        """
        return [self._doc(p) for p in range(len(self.texts))]

    def _doc(self, p: int) -> Doc:
        doc = self._docs.get(p)
        if doc is None:
            doc = self._docs[p] = get_nlp().tokenizer(self.texts[p])
        return doc

    def doc(self, p: int) -> Doc:
        """The Doc of the passage at batch position ``p``, with its lemmas set."""
        doc = self._doc(p)
        if p not in self._lemmatised:  # (``Doc.has_annotation`` would visit every token)
            self._lemmatised.add(p)
            if len(doc):
                doc.from_array([LEMMA], self.arrays[self.first[p]:self.last[p], :1].copy())
        return doc


def pipe_batches(texts: Iterable[str], *, batch_size: int = 512) -> Iterator[Batch]:
    """Lemmatised batches of passages (blank or non-string passages are left out).

    Passages are tokenized one by one (``tokenizer.pipe``): one Doc per
    passage keeps the tokenizer's cache effective, which a single joined Doc
    would not (a special case such as an abbreviation switches caching off
    for the rest of a Doc). Only ``ORTH`` and ``IDX`` are read from each Doc;
    the other columns, lemma included, come from the lemmatizer's
    :class:`FormTable` for the whole batch at once (the same values the
    pipeline would give).
    """
    nlp = get_nlp()
    lemmatizer = nlp.get_pipe("altena_lemmatizer")
    pending = [(i, t) for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
    for b in range(0, len(pending), batch_size):
        chunk = pending[b:b + batch_size]
        lens, parts = [], []
        for doc in nlp.tokenizer.pipe([t for _, t in chunk], batch_size=batch_size):
            lens.append(len(doc))
            parts.append(doc.to_array([ORTH, IDX]))
        lens = np.asarray(lens, dtype=np.int64)
        last = np.cumsum(lens)
        first = last - lens
        if int(last[-1]):
            orth_idx = np.concatenate(parts)
            forms = lemmatizer.form_ids(orth_idx[:, 0])
            table = lemmatizer.forms
            arrays = np.column_stack([table.lemma[forms], table.lower[forms], orth_idx[:, 1],
                                      table.length[forms], table.is_alpha[forms]])
        else:
            forms = np.zeros(0, dtype=np.int64)
            arrays = np.zeros((0, len(BATCH_ATTRS)), dtype=np.uint64)
        yield Batch([t for _, t in chunk], [i for i, _ in chunk], arrays, first, last,
                    np.repeat(np.arange(len(chunk)), lens), forms)


def lemmatize(text: str) -> list[str]:
    """The lemmas of ``text``, one per token.

    Examples
    --------
    >>> lemmatize("De taken werden dubbel gedaan")
    ['de', 'taak', 'worden', 'dubbel', 'doen']
    """
    return [t.lemma_ for t in get_nlp()(text)]
