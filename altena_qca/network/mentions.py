"""Find the gazetteer's organisations in text, and names it does not know yet.

A blank Dutch spaCy pipeline (tokenizer that also splits hyphenated words,
so ``Thebe-wijkverpleegkundige`` and ``wijk-GGD'er`` show their organisation;
the package's one Dutch lemmatiser, :mod:`altena_qca.coding.nlp`; a
sentencizer) feeds three ``PhraseMatcher`` s:

* ``cased`` on ``ORTH`` for aliases that are ordinary words in lower case
  (``MEE``, ``CIT``, ``AP``),
* ``lower`` on ``LOWER`` for every other alias,
* ``lemma`` on ``LEMMA`` so inflected forms match (``wijkagenten``,
  ``huisartsenpraktijken``).

Overlapping matches are resolved longest first (``GGZ-Breburg`` beats
``GGZ``). Whitespace runs, line breaks included, count as one space, so names
broken over lines in PDF text are found; offsets always point into the
original text.

:func:`find_candidates` reports capitalised, organisation-like names the
gazetteer does not know: sequences of two or more capitalised words (joined
by ``van``, ``de``, ...), unknown acronyms, and single compounds headed by a
cue such as ``-groep`` or ``-zorg`` (``Zorggroep``, ``Jeugdzorgteam``) — never
a sentence's first word alone, and never across a line break or tab.

Examples
--------
>>> from altena_qca.network.actors import load_gazetteer
>>> gaz = load_gazetteer()
>>> m = find_mentions("Ik belde de wijkagenten en een consulent MEE; we gaan mee.", gaz)
>>> m[["text", "actor", "matcher"]].values.tolist()
[['wijkagenten', 'politie', 'lemma'], ['consulent MEE', 'mee', 'cased']]
>>> find_candidates("Daarna belde ik Stichting Humanitas en het CJIB.", gaz)["text"].tolist()
['Stichting Humanitas', 'CJIB']
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import pandas as pd

from ..model import Corpus
from ._names import normalise_name

if TYPE_CHECKING:
    from .actors import Gazetteer

__all__ = ["MENTION_COLUMNS", "CANDIDATE_COLUMNS", "make_nlp", "find_mentions", "extract_mentions",
           "find_candidates", "corpus_candidates", "mentions_and_candidates"]

MENTION_COLUMNS = ["document", "segment", "speaker", "respondent", "start", "end", "actor", "alias",
                   "text", "matcher", "generic"]
CANDIDATE_COLUMNS = ["text", "count", "documents", "reason", "example_document", "example_start"]
_PRIORITY = {"cased": 0, "lower": 1, "lemma": 2}
_TAG = re.compile(r"\[[A-Z]+-\d+\]|\[[a-z]+\]")  # pseudonymisation tags, [parafrase]


# --------------------------------------------------------------------------- pipeline

@lru_cache(maxsize=1)
def make_nlp():
    """The blank Dutch pipeline used for actor mentions (cached).

    Returns
    -------
    spacy.language.Language
        ``spacy.blank("nl")`` with hyphens between letters split off as
        tokens, plus ``sentencizer`` and the lemmatiser of
        :mod:`altena_qca.coding.nlp` (lookup table, overrides, simplemma,
        compound heads), so a gazetteer alias and a transcript word get the
        same lemma as the auto-coder gives them.
    """
    from spacy.lang.nl import Dutch, DutchDefaults

    class ActorDefaults(DutchDefaults):
        infixes = list(DutchDefaults.infixes) + [r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])"]

    class DutchActors(Dutch):
        """Dutch with hyphens between letters split off ('Thebe-wijkverpleegkundige')."""
        Defaults = ActorDefaults

    from ..coding.nlp import make_lemmatizer  # noqa: F401 - registers the "altena_lemmatizer" factory

    nlp = DutchActors()
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("altena_lemmatizer")  # the auto-coder's lemmatiser: one set of Dutch lemmas in the package
    return nlp


def _matchers(gazetteer: Gazetteer):
    cached = gazetteer._cache.get("matchers")
    if cached is not None:
        return cached
    from spacy.matcher import PhraseMatcher

    nlp = make_nlp()
    cased = PhraseMatcher(nlp.vocab, attr="ORTH")
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
    keys: dict[str, tuple[str, str, bool]] = {}
    for actor in gazetteer:
        generic = {normalise_name(g) for g in actor.generic}
        cased_forms = set(actor.cased)
        seen: set[str] = set()
        for alias in (actor.name, *actor.aliases):
            # One pattern per spelling; a case-insensitive alias covers its
            # other capitalisations (the name 'Wijkteam' is the generic 'wijkteam').
            form = alias if alias in cased_forms else normalise_name(alias)
            if form in seen:
                continue
            seen.add(form)
            key = f"{actor.id}|{alias}"
            keys[key] = (actor.id, alias, normalise_name(alias) in generic)
            doc = nlp(_normalise(alias)[0])
            if alias in cased_forms:
                cased.add(key, [doc])
            else:
                lower.add(key, [doc])
                lemma.add(key, [doc])
    cached = (nlp, {"cased": cased, "lower": lower, "lemma": lemma}, keys)
    gazetteer._cache["matchers"] = cached
    return cached


_ODD_SPACE = re.compile(r"\s\s|[^\S ]")  # a whitespace run, or whitespace other than a space
_SAME_LENGTH = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})


def _normalise(text: str) -> tuple[str, list[int]]:
    """Collapse whitespace runs to one space and unify apostrophes and hyphens.

    ``index[i]`` is the position in ``text`` that character ``i`` of the result
    came from, so spans map back to the original.
    """
    text = text.translate(_SAME_LENGTH)
    if not _ODD_SPACE.search(text):  # nothing to collapse: the common case, kept cheap
        return text, list(range(len(text) + 1))
    chars, index, space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            if space:
                continue
            chars.append(" ")
            space = True
        else:
            chars.append(ch)
            space = False
        index.append(i)
    index.append(len(text))
    return "".join(chars), index


def _doc_mentions(doc, matchers, keys, index) -> list[dict]:
    from spacy.util import filter_spans

    found = []
    for name, matcher in matchers.items():
        for match_id, s, e in matcher(doc):
            span = doc[s:e]
            span.label_ = f"{name}|{doc.vocab.strings[match_id]}"
            found.append(span)
    found.sort(key=lambda sp: (sp.start, -(sp.end - sp.start), _PRIORITY[sp.label_.split("|")[0]], sp.label_))
    rows = []
    for span in filter_spans(found):
        matcher, key = span.label_.split("|", 1)
        actor, alias, generic = keys[key]
        start, end = index[span.start_char], index[span.end_char - 1] + 1
        rows.append({"start": start, "end": end, "actor": actor, "alias": alias, "matcher": matcher,
                     "generic": generic})
    return rows


def find_mentions(text: str, gazetteer: Gazetteer) -> pd.DataFrame:
    """The gazetteer's actors in one text, with character spans.

    Parameters
    ----------
    text
        Any Dutch text.
    gazetteer
        From :func:`~altena_qca.network.actors.load_gazetteer`.

    Returns
    -------
    pandas.DataFrame
        ``start, end, actor, alias, text, matcher, generic`` in text order;
        ``text[start:end]`` is the matched text, ``alias`` the gazetteer
        alias it matched, ``matcher`` one of ``cased, lower, lemma``.
    """
    nlp, matchers, keys = _matchers(gazetteer)
    norm, index = _normalise(text)
    rows = _doc_mentions(nlp(norm), matchers, keys, index)
    for r in rows:
        r["text"] = text[r["start"]:r["end"]]
    cols = ["start", "end", "actor", "alias", "text", "matcher", "generic"]
    return pd.DataFrame(rows, columns=cols).astype({"generic": bool})


def extract_mentions(corpus: Corpus, gazetteer: Gazetteer,
                     speakers: Iterable[str] | None = None) -> pd.DataFrame:
    """Every actor mention in every segment of a corpus.

    Parameters
    ----------
    corpus
        The study's corpus.
    gazetteer
        The actor gazetteer.
    speakers
        Only segments of these speakers (default: all).

    Returns
    -------
    pandas.DataFrame
        :data:`MENTION_COLUMNS`: ``document, segment`` (segment index),
        ``speaker, respondent`` (the document's respondent or None), the
        span ``start, end`` in the document's text, and ``actor, alias, text,
        matcher, generic`` as :func:`find_mentions`. Sorted by document and
        offset.
    """
    return _scan(corpus, gazetteer, speakers, False)[0]


def mentions_and_candidates(corpus: Corpus, gazetteer: Gazetteer, speakers: Iterable[str] | None = None,
                            candidate_speakers: Iterable[str] | None = ("respondent", "observer", "other")
                            ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`extract_mentions` and :func:`corpus_candidates` in one pass over the corpus.

    Each segment is tokenized, lemmatised and matched once for both (the
    network analysis needs both; reading the corpus twice doubled its cost).
    """
    return _scan(corpus, gazetteer, speakers, candidate_speakers)


def _scan(corpus: Corpus, gazetteer: Gazetteer, mention_speakers, candidate_speakers
          ) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Mentions of segments by ``mention_speakers`` and candidates in those by
    ``candidate_speakers`` (None: every speaker; ``False``: skip that part)."""
    nlp, matchers, keys = _matchers(gazetteer)
    want_m, want_c = mention_speakers is not False, candidate_speakers is not False
    m_sp = set(mention_speakers) if want_m and mention_speakers is not None else None
    c_sp = set(candidate_speakers) if want_c and candidate_speakers is not None else None
    # sentence starts matter only to candidates
    disabled = [] if want_c else ["sentencizer"]
    rows, hits = [], []
    with nlp.select_pipes(disable=disabled):
        for doc in corpus:
            todo = []
            for seg in doc.segments:
                m = want_m and (m_sp is None or seg.speaker in m_sp)
                c = want_c and (c_sp is None or seg.speaker in c_sp)
                if m or c:
                    todo.append((seg, m, c, doc.segment_text(seg)))
            texts = [_normalise(t) for *_, t in todo]
            for (seg, m, c, raw), (_, index), sdoc in zip(todo, texts, nlp.pipe(t for t, _ in texts)):
                found = _doc_mentions(sdoc, matchers, keys, index)
                if m:
                    for r in found:
                        start, end = seg.start + r["start"], seg.start + r["end"]
                        rows.append({"document": doc.id, "segment": seg.index, "speaker": seg.speaker,
                                     "respondent": doc.respondent, "start": start, "end": end,
                                     "actor": r["actor"], "alias": r["alias"], "text": doc.text[start:end],
                                     "matcher": r["matcher"], "generic": r["generic"]})
                if c:
                    known = [(r["start"], r["end"]) for r in found]
                    for r in _doc_candidates(sdoc, raw, index, gazetteer, known):
                        hits.append({"document": doc.id, "start": seg.start + r["start"], "text": r["text"],
                                     "reason": r["reason"]})
    mentions = None
    if want_m:
        mentions = pd.DataFrame(rows, columns=MENTION_COLUMNS)
        mentions = mentions.astype({"segment": "int64", "start": "int64", "end": "int64", "generic": bool})
        mentions = mentions.sort_values(["document", "start", "end"], kind="mergesort").reset_index(drop=True)
    return mentions, (_candidate_table(hits) if want_c else None)


# --------------------------------------------------------------------------- candidates

def _is_cap(tok) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and any(c.isalpha() for c in t)


def _is_acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return 2 <= len(letters) <= 8 and all(c.isupper() for c in letters) and text.replace("&", "").isalnum()


def _has_cue(word: str, cues: list[str], prefixes: list[str]) -> bool:
    """Dutch compounds put the head last: 'Zorggroep', 'Voedselbank', 'Welzijnswerk'.

    The bare cue ('Zorg', 'Werk') is a common word, not a name.
    """
    w = word.casefold()
    return any(w.endswith(c) and len(w) > len(c) for c in cues) or any(
        w.startswith(p) and len(w) > len(p) for p in prefixes)


def _doc_candidates(doc, text: str, index: list[int], gazetteer: Gazetteer,
                    known: list[tuple[int, int]]) -> list[dict]:
    spec = gazetteer.candidates
    cues = [c.casefold() for c in spec.get("cues", [])]
    prefixes = [c.casefold() for c in spec.get("prefixes", [])]
    connectors = {c.casefold() for c in spec.get("connectors", [])}
    not_actors = {c.casefold() for c in spec.get("not_actors", [])}
    masked = [(m.start(), m.end()) for m in _TAG.finditer(doc.text)]
    sent_starts = {s.start for s in doc.sents}

    def usable(tok) -> bool:
        return _is_cap(tok) and not any(a <= tok.idx < b for a, b in masked)

    def joined(a, b) -> bool:
        """No line break or tab between tokens a and b in the original text."""
        gap = text[index[a.idx + len(a) - 1] + 1:index[b.idx]]
        return "\n" not in gap and "\t" not in gap

    def joiner(tok) -> bool:
        return tok.lower_ in connectors or tok.text in ("-", "\u2010")

    runs, i, n = [], 0, len(doc)
    while i < n:
        if not usable(doc[i]):
            i += 1
            continue
        j = i + 1
        while j < n and joined(doc[j - 1], doc[j]):
            if usable(doc[j]):
                j += 1
                continue
            k = j
            while k < n and joiner(doc[k]) and joined(doc[k - 1], doc[k]):
                k += 1
            if k > j and k < n and usable(doc[k]) and joined(doc[k - 1], doc[k]):
                j = k + 1
            else:
                break
        runs.append((i, j))
        i = j
    out = []
    for s, e in runs:
        toks = list(doc[s:e])
        if s in sent_starts and not _is_acronym(toks[0].text) and not _has_cue(toks[0].text, cues, prefixes):
            toks = toks[1:]

        def droppable(t) -> bool:
            return joiner(t) or t.is_stop or t.lower_ in not_actors or not t.text[:1].isalnum()

        while toks and droppable(toks[0]):
            toks = toks[1:]
        while toks and droppable(toks[-1]):
            toks = toks[:-1]
        if not toks:
            continue
        caps = [t for t in toks if _is_cap(t)]
        phrase = doc.text[toks[0].idx:toks[-1].idx + len(toks[-1])]
        if phrase.casefold() in not_actors:
            continue
        if len(caps) >= 2:
            reason = "multiword"
        elif _is_acronym(phrase):
            reason = "acronym"
        elif len(toks) == 1 and _has_cue(phrase, cues, prefixes):
            reason = "cue"
        else:
            continue
        start, end = index[toks[0].idx], index[toks[-1].idx + len(toks[-1]) - 1] + 1
        if any(a < end and start < b for a, b in known):
            continue
        out.append({"start": start, "end": end, "text": text[start:end], "reason": reason})
    return out


def find_candidates(text: str, gazetteer: Gazetteer) -> pd.DataFrame:
    """Organisation-like names in ``text`` that the gazetteer does not know.

    Parameters
    ----------
    text
        Any Dutch text.
    gazetteer
        Its ``candidates`` section gives the cue words, connectors and
        capitalised terms that are no organisation (``Wams``, ``AVG``).

    Returns
    -------
    pandas.DataFrame
        ``start, end, text, reason`` with reason ``multiword``, ``acronym``
        or ``cue``; spans that overlap a known actor are left out.
    """
    nlp, matchers, keys = _matchers(gazetteer)
    norm, index = _normalise(text)
    doc = nlp(norm)
    known = [(r["start"], r["end"]) for r in _doc_mentions(doc, matchers, keys, index)]
    rows = _doc_candidates(doc, text, index, gazetteer, known)
    return pd.DataFrame(rows, columns=["start", "end", "text", "reason"])


def corpus_candidates(corpus: Corpus, gazetteer: Gazetteer,
                      speakers: Iterable[str] | None = ("respondent", "observer", "other")) -> pd.DataFrame:
    """Candidates for the gazetteer over a corpus, one row per distinct name.

    Returns
    -------
    pandas.DataFrame
        :data:`CANDIDATE_COLUMNS`, most frequent first: the name, how often
        and in how many documents it occurs, why it looks like an
        organisation, and where it occurs first.
    """
    return _scan(corpus, gazetteer, False, speakers)[1]


def _candidate_table(hits: list[dict]) -> pd.DataFrame:
    """One row per distinct candidate name (see :func:`corpus_candidates`)."""
    if not hits:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    h = pd.DataFrame(hits)
    h["key"] = h["text"].map(lambda t: " ".join(t.split()))
    # one sort, then per name: its first occurrence, count and documents
    h = h.sort_values(["key", "document", "start"], kind="mergesort")
    g = h.groupby("key", sort=True)
    first = g.head(1).set_index("key")
    out = pd.DataFrame({"text": first.index, "count": g.size().reindex(first.index).to_numpy(),
                        "documents": g["document"].nunique().reindex(first.index).to_numpy(),
                        "reason": first["reason"].to_numpy(), "example_document": first["document"].to_numpy(),
                        "example_start": first["start"].astype(int).to_numpy()}, columns=CANDIDATE_COLUMNS)
    return out.sort_values(["count", "text"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
