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

:func:`pipe_batches` goes further for the coders: it runs only the tokenizer
(and only on passages with a chunk of text it has not seen: the tokens of
every chunk seen are kept in a :class:`ChunkTable`, which gives the same
tokens without a Doc), reads two token attributes per passage (``ORTH``, ``IDX``) and derives every
other column of a whole batch — lemma included — from a table of forms with
numpy (:class:`FormTable`: one dense id per distinct ``ORTH`` with its
lower-case form, length, is-alphabetic flag and lemma), so many short
passages cost little more than tokenizing them. New chunks of letters and
digits are tokenized with the pipeline's rules on a vocab that computes no
lexical attributes (:func:`chunk_tokenizer`: the same tokens, without
spaCy's per-word attribute functions). It keeps no Docs: a
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
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat
from typing import TYPE_CHECKING, cast

import numpy as np
import simplemma
import spacy
from spacy.attrs import IDX, IS_ALPHA, LEMMA, LENGTH, LOWER, ORTH
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

if TYPE_CHECKING:
    from thinc.types import Ints2d

__all__ = ["FALLBACK_OVERRIDES", "BATCH_ATTRS", "FormTable", "ChunkTable", "DutchLemmatizer", "Batch", "get_nlp", "get_lemmatizer",
           "chunk_tokenizer", "pipe_batches", "lemmatize"]

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
                rows: list[tuple] = []
                for k, h in enumerate(uniq.tolist()):
                    if ids[k] is None:
                        ids[k] = self._id.get(h)
                        if ids[k] is None:
                            ids[k] = self._size + len(rows)
                            rows.append((h, *add(h)))
                self._add(rows)
        return np.asarray(ids, dtype=np.int64)[inv.reshape(orths.shape)]

    def _add(self, rows: list[tuple]) -> None:
        """Append forms (``(orth, lower, lemma, length, is_alpha)`` each) with the next ids."""
        i, n = self._size, len(rows)
        while i + n > self._buf.shape[1]:
            self._buf = np.concatenate([self._buf, np.zeros_like(self._buf)], axis=1)
        if n:
            self._buf[:, i:i + n] = np.asarray(rows, dtype=np.uint64).T
        self._id.update(zip((row[0] for row in rows), range(i, i + n)))
        self._size += n


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
        self.chunks = ChunkTable()

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

    def _new_form(self, orth: int, strings=None) -> tuple[int, int, int, int]:
        # what the form's Lexeme says (``lower``, ``length``, ``is_alpha`` are ``str.lower``,
        # ``len`` and ``str.isalpha`` of its text), without making a Lexeme
        if strings is None:
            text = self.vocab.strings[orth]
        else:  # another vocab's form: its text joins this vocab's strings
            text = strings[orth]
            self.vocab.strings.add(text)
        lower = self.vocab.strings.add(text.lower())
        return lower, self.lemma_hash(lower), len(text), int(text.isalpha())

    def form_ids(self, orths: np.ndarray, strings=None) -> np.ndarray:
        """Ids in :attr:`forms` of the ``ORTH`` hashes ``orths`` (new forms are added).

        ``strings``: the StringStore holding the new forms' texts, when not the pipeline's.
        """
        if strings is None:
            return self.forms.ids(orths, self._new_form)
        return self.forms.ids(orths, functools.partial(self._new_form, strings=strings))

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        # One Doc: a dict lookup per token beats numpy's fixed costs.
        lowers = doc.to_array(LOWER).tolist()
        get = self._cache.get
        out = [get(h) for h in lowers]
        if None in out:
            out = [self.lemma_hash(h) if lemma is None else lemma for h, lemma in zip(lowers, out)]
        doc.from_array([LEMMA], cast("Ints2d", np.asarray(out, dtype=np.uint64).reshape(-1, 1)))
        return doc


@Language.factory("altena_lemmatizer", default_config={"overrides": FALLBACK_OVERRIDES, "lang": "nl"},
                  assigns=["token.lemma"])
def make_lemmatizer(nlp: Language, name: str, overrides: dict, lang: str) -> DutchLemmatizer:
    """spaCy factory of :class:`DutchLemmatizer` with the ``spacy-lookups-data`` table."""
    table = load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    return DutchLemmatizer(nlp.vocab, table, overrides=dict(overrides), lang=lang)


@functools.lru_cache(maxsize=1)
def chunk_tokenizer() -> Tokenizer:
    """The pipeline's tokenizer for chunks of letters and digits, on a vocab without lexical attributes.

    spaCy's tokenizer makes a Lexeme for every word it has not seen and
    computes its lexical attributes in Python (``is_stop``, ``like_url``,
    ``shape``, ... — about a quarter of its time on new text). The coders
    read only the ``ORTH`` and ``IDX`` of the tokens of a new chunk
    (:meth:`ChunkTable.learn`), so new chunks made of letters and digits
    alone (``str.isalnum``: most new words) are tokenized here: the same
    prefix, suffix and infix rules and URL match, and of the special cases
    only those whose text is letters and digits — every string the tokenizer
    looks up while cutting such a chunk is part of it, so no other special
    case can apply (which keeps building this tokenizer cheap: 5 of the
    4,670 Dutch special cases). The pipeline's own vocab gets the forms'
    texts (:meth:`DutchLemmatizer.form_ids`), and a Doc made by the pipeline
    (:meth:`Batch.doc`) has Lexemes with every attribute.
    """
    from spacy.vocab import Vocab

    tokenizer = cast(Tokenizer, get_nlp().tokenizer)
    rules = {text: case for text, case in (tokenizer.rules or {}).items() if text.isalnum()}
    return Tokenizer(Vocab(), rules=rules, prefix_search=tokenizer.prefix_search,
                     suffix_search=tokenizer.suffix_search, infix_finditer=tokenizer.infix_finditer,
                     token_match=tokenizer.token_match, url_match=tokenizer.url_match,
                     faster_heuristics=tokenizer.faster_heuristics)


def get_lemmatizer() -> DutchLemmatizer:
    """The ``altena_lemmatizer`` pipe of :func:`get_nlp` (its lookup table, form and chunk tables)."""
    return cast(DutchLemmatizer, get_nlp().get_pipe("altena_lemmatizer"))


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
        :class:`FormTable` (``get_lemmatizer().forms``).
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
    #: what a fitted coder found in this batch (key: the coder's id), so that a model using rule
    #: hits as features and the combination reading the same rules run them once
    found: dict = field(default_factory=dict, repr=False)

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
                doc.from_array([LEMMA], cast("Ints2d", self.arrays[self.first[p]:self.last[p], :1].copy()))
        return doc


#: Runs of white space and of other characters, as spaCy's tokenizer cuts a text.
_RUNS = re.compile(r"\S+|\s+")


class ChunkTable:
    """The tokens of every distinct chunk of text seen, as form ids and offsets.

    spaCy's tokenizer cuts a text into runs of white space and of other
    characters and tokenizes each run on its own (affixes and special cases;
    its only step that looks across runs applies special cases whose text
    holds white space, which span no two runs); a run of white space after a
    word loses its first character when that is a space (the word's
    ``whitespace_``: a single space between words gives no token). So a
    passage's tokens are its runs' tokens, in order, and a run (not the
    first of a passage) always gives the same tokens. :func:`pipe_batches`
    keeps them here, keyed by the run's text: a run seen before costs one dict
    lookup instead of a tokenizer run, and a passage made only of known runs
    needs no Doc at all. A passage with single spaces only is cut at them
    (``str.split``: the words are its runs). Runs' tokens are harvested from
    passages that spaCy tokenized, and only when every token lies inside one
    run and the tokens cover each run (less a dropped space).

    Attributes
    ----------
    start, count, length : ndarray
        Chunk id → its first row in :attr:`forms`/:attr:`offset`, its number
        of tokens, its length in a passage (:data:`_LEAD` not counted).
    forms, offset : ndarray
        One row per token of every chunk: form id (:class:`FormTable`) and
        character offset inside the chunk.
    """

    #: Beyond this many chunks the table starts over (bounds its memory on a very large corpus).
    MAX_CHUNKS = 2_000_000

    def __init__(self):
        self._clear()

    def _clear(self) -> None:
        self._id: dict[str, int] = {}
        self._n = self._rows = 0
        self._chunk_buf = np.zeros((3, 4096), dtype=np.int64)  # start, count, length
        self._token_buf = np.zeros((2, 8192), dtype=np.int64)  # form, offset

    def __len__(self) -> int:
        return self._n

    start = property(lambda self: self._chunk_buf[0, :self._n])
    count = property(lambda self: self._chunk_buf[1, :self._n])
    length = property(lambda self: self._chunk_buf[2, :self._n])
    forms = property(lambda self: self._token_buf[0, :self._rows])
    offset = property(lambda self: self._token_buf[1, :self._rows])

    def lookup(self, chunks: list[str]) -> list:
        """Chunk ids of ``chunks`` (None for a chunk not seen yet)."""
        return list(map(self._id.get, chunks))

    def harvest(self, chunks: list[str], begin: np.ndarray, forms: np.ndarray, idx: np.ndarray,
                length: np.ndarray) -> bool:
        """Record the tokens of a passage cut into ``chunks`` (at offsets ``begin``).

        ``forms``, ``idx`` and ``length`` are the form ids, character offsets
        and lengths of the passage's tokens, in order. Nothing is recorded
        (and False returned) unless the tokens tile the chunks.
        """
        lengths = _lengths(chunks)
        # a white-space run after a word loses a first space: it gives no token
        dropped = np.fromiter((c[0] == " " and c.isspace() for c in chunks), dtype=bool, count=len(chunks))
        which = np.searchsorted(begin, idx, side="right") - 1
        if not len(idx) or (which < 0).any() or (idx < begin[which] + dropped[which]).any() or \
                (idx + length > begin[which] + lengths[which]).any() or \
                not np.array_equal(np.bincount(which, weights=length, minlength=len(chunks)), lengths - dropped):
            return False
        if self._n + len(chunks) > self.MAX_CHUNKS:
            self._clear()
        counts = np.bincount(which, minlength=len(chunks))
        first = np.cumsum(counts) - counts
        # the chunks not recorded yet, each once (their first occurrence)
        new: dict[str, int] = {}
        get = self._id.get
        for k, chunk in enumerate(chunks):
            if get(chunk) is None and chunk not in new:
                new[chunk] = k
        if not new:
            return True
        ks = np.fromiter(new.values(), dtype=np.int64, count=len(new))
        n_tok = counts[ks]
        total = int(n_tok.sum())
        self._grow(len(ks), total)
        # every token of the new chunks: its row in the passage and its offset in its chunk
        at = np.repeat(first[ks] - np.cumsum(n_tok) + n_tok, n_tok) + np.arange(total)
        self._chunk_buf[0, self._n:self._n + len(ks)] = self._rows + np.cumsum(n_tok) - n_tok
        self._chunk_buf[1, self._n:self._n + len(ks)] = n_tok
        self._chunk_buf[2, self._n:self._n + len(ks)] = lengths[ks]
        self._token_buf[0, self._rows:self._rows + total] = forms[at]
        self._token_buf[1, self._rows:self._rows + total] = idx[at] - np.repeat(begin[ks], n_tok)
        self._id.update(zip(new, range(self._n, self._n + len(ks))))
        self._n += len(ks)
        self._rows += total
        return True

    def learn(self, chunks: list[str], tokenizer, lemmatizer: DutchLemmatizer, *, size: int = 100_000) -> None:
        """Tokenize chunks of words (no white space in them) not seen yet and record their tokens.

        The chunks are joined by single spaces into texts of about ``size``
        characters and each such text is tokenized once: spaCy tokenizes each
        chunk of it on its own, so every chunk gets the tokens it has in any
        passage, for the price of one tokenizer run over the distinct new
        chunks of a batch instead of over all of its passages.
        """
        start = 0
        while start < len(chunks):
            end, n_chars = start, 0
            while end < len(chunks) and (n_chars < size or end == start):
                n_chars += len(chunks[end]) + 1
                end += 1
            part = chunks[start:end]
            doc = tokenizer(" ".join(part))
            if len(doc):
                orth_idx = doc.to_array([ORTH, IDX])
                forms = lemmatizer.form_ids(orth_idx[:, 0], doc.vocab.strings)
                lengths = np.fromiter(map(len, part), dtype=np.int64, count=len(part))
                self.harvest(part, np.cumsum(lengths + 1) - lengths - 1, forms, orth_idx[:, 1].astype(np.int64),
                             lemmatizer.forms.length[forms].astype(np.int64))
            start = end

    def learn_spaces(self, chunks: list[str], tokenizer, lemmatizer: DutchLemmatizer) -> None:
        """Tokenize runs of white space not seen yet, each where a passage has it, and record their tokens.

        A run inside a passage always follows a word, so the runs are
        tokenized together as ``x<run>x<run>…x`` (one tokenizer run); a
        passage's first run (:data:`_LEAD` in front) on its own, at the start of
        ``<run>x``. What :meth:`harvest` records is checked as for any passage.
        """
        inner = [c for c in chunks if c[0] != _LEAD]
        texts: list[list[str]] = [["x", *chain.from_iterable((c, "x") for c in inner)]] if inner else []
        texts += [[c, "x"] for c in chunks if c[0] == _LEAD]
        for part, doc in zip(texts, tokenizer.pipe(["".join(p).lstrip(_LEAD) for p in texts])):
            if len(doc):
                orth_idx = doc.to_array([ORTH, IDX])
                forms = lemmatizer.form_ids(orth_idx[:, 0], doc.vocab.strings)
                lengths = _lengths(part)
                self.harvest(part, np.cumsum(lengths) - lengths, forms, orth_idx[:, 1].astype(np.int64),
                             lemmatizer.forms.length[forms].astype(np.int64))

    def _grow(self, chunks: int, rows: int) -> None:
        while self._n + chunks > self._chunk_buf.shape[1]:
            self._chunk_buf = np.concatenate([self._chunk_buf, np.zeros_like(self._chunk_buf)], axis=1)
        while self._rows + rows > self._token_buf.shape[1]:
            self._token_buf = np.concatenate([self._token_buf, np.zeros_like(self._token_buf)], axis=1)


#: Marks the key of a passage's first run when it is white space (kept whole, no space dropped).
_LEAD = "\x00"


def _cut(text: str) -> tuple[list[str], list[int] | None]:
    """A passage's chunks and, unless each is followed by a single space, what follows each.

    Chunks are the words between single spaces and, where the white space is
    anything else (a tab, a newline, two spaces), the runs of :data:`_RUNS`
    of that stretch; white space at either end of a passage otherwise cut at
    single spaces is one run before or after its words. A run of white space is keyed by
    its whole text (it is tokenized without a first space when it follows a
    word; a passage's first run keeps it and is keyed apart, :data:`_LEAD` in
    front). The second item is None when the passage has single spaces
    between words only, else the number of characters after each chunk
    before the next (1 between words, 0 around such a stretch).

    >>> _cut("Ja, echt niet")
    (['Ja,', 'echt', 'niet'], None)
    >>> _cut("Ja,  echt\\tniet ")
    (['Ja,', '  ', 'echt', '\\t', 'niet', ' '], [0, 0, 0, 0, 0, 0])
    >>> _cut("\\tJa, echt niet\\n")
    (['\\x00\\t', 'Ja,', 'echt', 'niet', '\\n'], [0, 1, 1, 0, 0])
    """
    pieces = text.split(" ")
    # ``isprintable`` is false for all white space but the space (and for a few
    # other characters, whose pieces are then cut into runs too: right for every text)
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return pieces, None
    core = text.strip()
    if core and core.isprintable() and "  " not in core:
        # white space only at either end (an indented paragraph): the words, with a run before and after
        lead, trail = text[:len(text) - len(text.lstrip())], text[len(core) + len(text) - len(text.lstrip()):]
        words = core.split(" ")
        return ([_LEAD + lead] if lead else []) + words + ([trail] if trail else []), \
            ([0] if lead else []) + [1] * (len(words) - 1) + [0] + ([0] if trail else [])
    n = len(pieces)
    odd = [i for i, w in enumerate(pieces) if not w or not w.isprintable()]
    after = list(accumulate(map(len, pieces)))  # where the next piece begins, less the spaces before it
    chunks: list[str] = []
    gaps: list[int] = []
    i = k = 0
    while k < len(odd):
        j = m = odd[k]
        while k + 1 < len(odd) and odd[k + 1] == m + 1:
            k, m = k + 1, m + 1
        # the words before the stretch, then the stretch (from the space after the last
        # word to the first character of the next) cut into runs
        chunks += pieces[i:j]
        gaps += [1] * (j - i - 1) + [0] if j > i else []
        begin = after[j - 1] + j - 1 if j else 0
        runs = _RUNS.findall(text[begin:after[m] + m + 1 if m + 1 < n else len(text)])
        if not begin and runs[0][0].isspace():
            runs[0] = _LEAD + runs[0]
        chunks += runs
        gaps += [0] * len(runs)
        i, k = m + 1, k + 1
    chunks += pieces[i:]
    gaps += [1] * (n - i - 1) + [0] if n > i else []
    return chunks, gaps


def _lengths(chunks: list[str]) -> np.ndarray:
    """The length in the passage of each chunk (a :data:`_LEAD` mark takes none)."""
    lengths = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
    if chunks and chunks[0][0] == _LEAD:
        lengths[0] -= 1
    return lengths


def pipe_batches(texts: Iterable[str], *, batch_size: int = 2048) -> Iterator[Batch]:
    """Lemmatised batches of passages (blank or non-string passages are left out).

    A passage whose chunks have all been seen before is read from the
    lemmatizer's :class:`ChunkTable` without running the tokenizer (the same
    tokens; see there). The others are tokenized one by one
    (``tokenizer.pipe``: one Doc per passage keeps the tokenizer's cache
    effective, which a single joined Doc would not) and their chunks
    recorded. Only ``ORTH`` and ``IDX`` are read from each Doc; the other
    columns, lemma included, come from the lemmatizer's :class:`FormTable`
    for the whole batch at once (the same values the pipeline would give).
    """
    nlp = get_nlp()
    lemmatizer = get_lemmatizer()
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    table, chunk_table = lemmatizer.forms, lemmatizer.chunks
    pending = [(i, t) for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
    for b in range(0, len(pending), batch_size):
        part = pending[b:b + batch_size]
        batch_texts = [t for _, t in part]
        cuts = [_cut(t) for t in batch_texts]
        split = [c for c, _ in cuts]
        with _FORMS_LOCK:  # the chunk table grows: one writer at a time
            flat = list(chain.from_iterable(split))
            known = chunk_table.lookup(flat)
            if None in known:  # new chunks: tokenized once each, together (words, then runs of white space)
                new = list(dict.fromkeys(c for c, k in zip(flat, known) if k is None))
                words = [c for c in new if not c[0].isspace() and c[0] != _LEAD]
                if words:  # letters and digits only: without lexical attributes (see chunk_tokenizer)
                    plain = [c for c in words if c.isalnum()]
                    if plain:
                        chunk_table.learn(plain, chunk_tokenizer(), lemmatizer)
                    if len(plain) < len(words):
                        chunk_table.learn([c for c in words if not c.isalnum()], nlp.tokenizer, lemmatizer)
                if len(words) < len(new):
                    chunk_table.learn_spaces([c for c in new if c[0].isspace() or c[0] == _LEAD], nlp.tokenizer,
                                             lemmatizer)
                known = chunk_table.lookup(flat)
            fast, k = [], 0
            for s in split:
                fast.append(None not in known[k:k + len(s)])
                k += len(s)
            slow = [p for p, f in enumerate(fast) if not f]
            spacy_rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}
            if slow:
                for p, doc in zip(slow, tokenizer.pipe([batch_texts[p] for p in slow], batch_size=256)):
                    orth_idx = doc.to_array([ORTH, IDX])
                    forms = lemmatizer.form_ids(orth_idx[:, 0]) if len(doc) else np.zeros(0, np.int64)
                    idx = orth_idx[:, 1].astype(np.int64)
                    spacy_rows[p] = (forms, idx)
                    chunks, gaps = cuts[p]
                    if len(doc):
                        lengths = _lengths(chunks)
                        gap = np.ones(len(chunks), np.int64) if gaps is None else np.asarray(gaps, np.int64)
                        chunk_table.harvest(chunks, np.cumsum(lengths + gap) - lengths - gap, forms, idx,
                                            table.length[forms].astype(np.int64))
                known = chunk_table.lookup(list(chain.from_iterable(s for p, s in enumerate(split) if fast[p])))
            cids = np.asarray(known, dtype=np.int64)
            starts, counts, tokens, offsets = chunk_table.start, chunk_table.count, chunk_table.forms, \
                chunk_table.offset
            lengths = chunk_table.length[cids]
        # the passages read from the chunk table: their chunks' ids, offsets and tokens
        n_chunks = np.asarray([len(s) if fast[p] else 0 for p, s in enumerate(split)], dtype=np.int64)
        chunk_passage = np.repeat(np.arange(len(part)), n_chunks)
        chunk_first = np.cumsum(n_chunks) - n_chunks  # each passage's first chunk
        gap = np.fromiter(chain.from_iterable(repeat(1, len(s)) if gaps is None else gaps
                                              for (s, gaps), f in zip(cuts, fast) if f), dtype=np.int64,
                          count=len(cids))
        ends = np.cumsum(lengths + gap)
        begin = ends - lengths - gap - np.r_[0, ends][chunk_first][chunk_passage]
        n_tok = counts[cids] if len(cids) else np.zeros(0, np.int64)
        lens = np.bincount(chunk_passage, weights=n_tok, minlength=len(part)).astype(np.int64)
        for p, (forms, _) in spacy_rows.items():
            lens[p] = len(forms)
        last = np.cumsum(lens)
        first = last - lens
        total = int(last[-1])
        forms = np.zeros(total, dtype=np.int64)
        idx = np.zeros(total, dtype=np.int64)
        if len(cids):
            # every token of the fast passages, in order: its chunk, its row in the table, its row here
            tok_chunk = np.repeat(np.arange(len(cids)), n_tok)
            chunk_tok = np.cumsum(n_tok) - n_tok  # first token of each chunk among these tokens
            src = starts[cids][tok_chunk] + np.arange(len(tok_chunk)) - chunk_tok[tok_chunk]
            passage_tok = np.r_[chunk_tok, len(tok_chunk)][chunk_first]  # first token of each passage
            dest = (first - passage_tok)[chunk_passage][tok_chunk] + np.arange(len(tok_chunk))
            forms[dest] = tokens[src]
            idx[dest] = begin[tok_chunk] + offsets[src]
        for p, (f, i) in spacy_rows.items():
            forms[first[p]:last[p]] = f
            idx[first[p]:last[p]] = i
        if total:
            arrays = np.column_stack([table.lemma[forms], table.lower[forms], idx.astype(np.uint64),
                                      table.length[forms], table.is_alpha[forms]])
        else:
            arrays = np.zeros((0, len(BATCH_ATTRS)), dtype=np.uint64)
        yield Batch(batch_texts, [i for i, _ in part], arrays, first, last,
                    np.repeat(np.arange(len(part)), lens), forms)


def lemmatize(text: str) -> list[str]:
    """The lemmas of ``text``, one per token.

    Examples
    --------
    >>> lemmatize("De taken werden dubbel gedaan")
    ['de', 'taak', 'worden', 'dubbel', 'doen']
    """
    return [t.lemma_ for t in get_nlp()(text)]
