"""The offline Dutch pipeline the auto-coder reads text with.

``spacy.blank("nl")`` with spaCy's lookup lemmatizer (the Dutch table of
``spacy-lookups-data``) and one registered component,
``altena_lemma_fallback``, that fills the lemmas the table misses with
`simplemma <https://github.com/adbar/simplemma>`_: common irregular and
participle forms such as *werden*, *was* and *gedeeld* are not in the table
and come out unchanged. The fallback only touches tokens whose lemma the
lookup left equal to the lower-cased form; when simplemma does not know the
word either, it lemmatises the head of the compound with the lookup table
(*netwerkrelaties* → *netwerkrelatie*, *uitzonderingsgrondslagen* →
*uitzonderingsgrondslag*). Every answer is cached in a dict (a word costs one
dict look-up after its first occurrence) and all lemmas are lower-cased, so
rules can be written in lower case. A few domain overrides win over
both (``leden`` is *lid*, members of the network, not a form of *lijden*).

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
"""
from __future__ import annotations

import functools
from typing import Iterable, Iterator, Mapping

import simplemma
import spacy
from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["FALLBACK_OVERRIDES", "LemmaFallback", "get_nlp", "lemmatize", "pipe_docs"]

#: Domain forms whose simplemma reading is wrong in a care-network text.
FALLBACK_OVERRIDES = {"leden": "lid", "netwerkleden": "netwerklid"}


class LemmaFallback:
    """Fill lemmas the lookup table left unchanged: simplemma, then the compound's head.

    Parameters
    ----------
    overrides
        Form → lemma pairs that win over the lookup table and simplemma.
    lang
        Language code passed to :func:`simplemma.lemmatize`.
    table
        The lookup table (form → lemma); used to lemmatise the head of a
        compound that neither source knows (simplemma's ``is_known`` is false) (*netwerkrelaties* → *netwerk* +
        *relatie*, *casusregisseurs* → *casusregisseur*).
    min_head
        Shortest head tried when splitting a compound.
    """

    def __init__(self, overrides: dict[str, str] | None = None, lang: str = "nl",
                 table: Mapping[str, str] | None = None, min_head: int = 4):
        self.overrides = {k.lower(): v.lower() for k, v in (overrides or {}).items()}
        self.lang = lang
        self.table = table
        self.min_head = min_head
        self._cache: dict[str, str] = dict(self.overrides)

    def _head_lemma(self, lower: str) -> str:
        if self.table is None:
            return lower
        for i in range(3, len(lower) - self.min_head + 1):
            head = lower[i:]
            lemma = self.table.get(head)
            if lemma is not None and lemma != head:
                return lower[:i] + lemma.lower()
        return lower

    def lemma(self, lower: str, looked_up: str) -> str:
        """The lemma of the lower-cased form ``lower`` given the table's answer."""
        if lower in self.overrides:
            return self.overrides[lower]
        if looked_up != lower:
            return looked_up
        cached = self._cache.get(lower)
        if cached is None:
            cached = lower
            if lower.isalpha():
                cached = simplemma.lemmatize(lower, lang=self.lang).lower()
                if cached == lower and not simplemma.is_known(lower, lang=self.lang):
                    cached = self._head_lemma(lower)
            self._cache[lower] = cached
        return cached

    def __call__(self, doc: Doc) -> Doc:
        cache, overrides = self._cache, self.overrides
        for token in doc:
            lower = token.lower_
            looked_up = token.lemma_.lower()
            if looked_up != lower and lower not in overrides:
                if looked_up != token.lemma_:
                    token.lemma_ = looked_up
                continue
            new = cache.get(lower)
            if new is None:
                new = self.lemma(lower, looked_up)
            if new != token.lemma_:
                token.lemma_ = new
        return doc


@Language.factory("altena_lemma_fallback", default_config={"overrides": FALLBACK_OVERRIDES, "lang": "nl"},
                  assigns=["token.lemma"], requires=["token.lemma"])
def make_lemma_fallback(nlp: Language, name: str, overrides: dict, lang: str) -> LemmaFallback:
    """spaCy factory of :class:`LemmaFallback` (``nlp.add_pipe("altena_lemma_fallback")``).

    The compound-head table is the lookup lemmatizer's, attached by
    :func:`get_nlp` after ``nlp.initialize()`` has loaded it.
    """
    return LemmaFallback(overrides=dict(overrides), lang=lang)


@functools.lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The Dutch pipeline: blank tokenizer, lookup lemmatizer, simplemma fallback.

    Built once per process and cached; callers must not add pipes to it.

    Returns
    -------
    spacy.language.Language
        Pipes ``lemmatizer`` (lookup mode) and ``altena_lemma_fallback``.
    """
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    fallback = nlp.add_pipe("altena_lemma_fallback")
    nlp.initialize()
    fallback.table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
    return nlp


def pipe_docs(texts: Iterable[str], batch_size: int = 256) -> Iterator[Doc]:
    """Run the pipeline over ``texts`` in batches (``nlp.pipe``)."""
    return get_nlp().pipe(texts, batch_size=batch_size)


def lemmatize(text: str) -> list[str]:
    """The lemmas of ``text``, one per token.

    Examples
    --------
    >>> lemmatize("De taken werden dubbel gedaan")
    ['de', 'taak', 'worden', 'dubbel', 'doen']
    """
    return [t.lemma_ for t in get_nlp()(text)]
