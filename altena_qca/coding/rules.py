"""The rule coder: the codebook's matching rules, compiled once, applied to passages.

Every code may carry ``rules`` (see ``codebook/README.md``):

* ``lemmas`` — a token whose lemma (or lower-case form) is in the list, also
  as part of a hyphenated word (*AVG-privacywetgeving*) or as the head of a
  compound (*casusregisseur* meets ``regisseur``: Dutch writes compounds as
  one word); a lemma of several words is a Matcher pattern on LEMMA and LOWER;
* ``phrases`` — a phrase matched on the lower-case text *and* on lemmas, so
  ``"niet gedeeld"`` also finds *niet delen* and *niet worden gedeeld* is not
  needed as a separate phrase;
* ``patterns`` — spaCy :class:`~spacy.matcher.Matcher` token patterns;
* ``exclude`` — phrases that veto a match they overlap or stand next to;
* ``negation`` (default true), ``window`` (default 3) and
  ``negation_flips_to`` — a negator (*geen, niet, nooit, nauwelijks, zonder,
  ...*) within ``window`` tokens before a match, not across punctuation or
  *maar*, turns the match into a suggestion of ``negation_flips_to`` ('geen
  vertrouwen' → trust declines), or suppresses it when no flip is given; a
  match that itself starts with a negator ('niet gedeeld') is not negated
  again ('niet of niet gedeeld' stays insufficient sharing). A
  token pattern is also negated by a negator inside its match after the first
  token ('de Wams maakt het *niet* beter'), since its gaps may hold one.

Each :class:`Suggestion` names the rule that fired (``phrase:geen
gegevensuitwisseling``, ``lemma:irritatie``, ``pattern#1:LOWER=geen
LEMMA=terugkoppeling``, with ``negated:`` in front for a flip), its character
span in the passage and a confidence: a constant, or — when :meth:`RuleCoder.fit`
gets coded training passages — the rule's smoothed precision on them.

Passages are read in batches (:func:`~altena_qca.coding.nlp.pipe_batches`):
phrases and single-word lemmas are found over a whole batch at once, and a
token pattern's Matcher runs only on the passages that contain every token
value the pattern cannot do without (its anchors), so the coder keeps most
of the tokenizer's speed.

Examples
--------
>>> from altena_qca.model import Code, Codebook
>>> cb = Codebook([
...     Code("trust", "Vertrouwen", rules={"lemmas": ["vertrouwen"],
...                                         "negation_flips_to": "trust.low"}),
...     Code("trust.low", "Weinig vertrouwen", parent="trust")])
>>> coder = RuleCoder().fit(cb)
>>> [(s.code, s.rule, s.start, s.end) for s in coder.predict(["Er is geen vertrouwen meer."])[0]]
[('trust.low', 'negated:lemma:vertrouwen', 6, 21)]
>>> coder.predict([""])
[[]]
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
import numpy as np
from spacy.matcher import Matcher, PhraseMatcher

from ..errors import CodebookError, Errors
from ..model import Code, Codebook
from .nlp import Batch, get_nlp, pipe_batches

__all__ = ["NEGATORS", "Suggestion", "RuleCoder", "keyword_codebook"]

#: Words that negate a following match. Kept short on purpose: each one is a
#: word a coder would read as 'not' in front of a concept.
NEGATORS = ("geen", "niet", "nooit", "nauwelijks", "zonder", "amper", "onvoldoende", "weinig")
#: Tokens a negation does not look across.
_BARRIERS = frozenset({",", ".", ";", ":", "!", "?", "(", ")", "maar", "omdat", "want", "terwijl", "dat"})
_SEP = "\x1f"


@dataclass(frozen=True)
class Suggestion:
    """One rule firing: ``code`` at ``passage[start:end]``.

    Attributes
    ----------
    code : str
        Suggested code id.
    start, end : int
        Character span in the passage.
    confidence : float
        In [0, 1].
    rule : str
        The rule that fired, e.g. ``phrase:geen gegevensuitwisseling``.
    """

    code: str
    start: int
    end: int
    confidence: float
    rule: str


def _fail(codebook: Codebook, code: Code, reason: str) -> CodebookError:
    return CodebookError(Errors.E208.format(path=codebook.path or "codebook", line=code.line or "?",
                                            id=code.id, reason=reason))


def _max_len(op) -> int | None:
    """Most tokens one pattern token with operator ``op`` can match (None: unbounded)."""
    op = "1" if op is None else str(op)
    if op in ("1", "!", "?"):
        return 1
    if op in ("+", "*"):
        return None
    inner = op.strip("{}")
    if "," not in inner:
        return int(inner) if inner.isdigit() else None
    hi = inner.split(",", 1)[1]
    return int(hi) if hi.isdigit() else None


def _render_pattern(index: int, pattern: Sequence[Mapping]) -> str:
    """A short readable name: ``pattern#2:LOWER=geen LEMMA=terugkoppeling``."""
    def value(v):
        if isinstance(v, dict):
            return ",".join(f"{k if k != 'IN' else ''}{value(x)}" for k, x in v.items())
        if isinstance(v, list):
            return "|".join(map(str, v[:3])) + ("|…" if len(v) > 3 else "")
        return str(v)
    tokens = [" ".join(f"{k}={value(v)}" for k, v in tok.items()) or "*" for tok in pattern]
    return f"pattern#{index}:" + " ".join(tokens)


class RuleCoder(BaseEstimator):
    """Suggest codes from the codebook's rules (lemmas, phrases, token patterns).

    Parameters
    ----------
    negators : sequence of str
        Lower-case words that negate a following match.
    window : int
        Default number of tokens before a match searched for a negator (a
        code's ``rules.window`` overrides it).
    confidence : float
        Confidence of a rule that has not been calibrated.
    negated_confidence : float
        Confidence of an uncalibrated negation flip.
    prior_strength : float
        Weight of ``confidence`` as a prior when calibrating from training
        passages: a rule that fired ``n`` times, ``k`` of them correctly, gets
        ``(k + prior_strength * confidence) / (n + prior_strength)``.
    lemma_phrases : bool
        Also match phrases on lemmas, not only on lower-case text.
    concepts : mapping of str to list of str, optional
        Concept labels (label → code ids, as in ``codebook/eval_labels.yaml``).
        When calibrating, a firing also counts as correct when its code and a
        code of the passage fall under the same label: a rule that finds
        'the Wams makes it better' under ``wams.opinion.positive`` is right
        about a passage coded ``effects.goals.wams.improves``.

    Attributes
    ----------
    codebook_ : Codebook
        The codebook the rules were compiled from.
    rules_ : dict
        ``code|rule`` → code id, for every compiled rule.
    rule_confidence_ : dict
        ``code|rule`` → calibrated confidence (rules seen in training only).

    Examples
    --------
    >>> from altena_qca.model import Code, Codebook
    >>> cb = Codebook([Code("p", "Probleem", rules={"phrases": ["niet gedeeld"]})])
    >>> [s.rule for s in RuleCoder().fit(cb).predict(["Dat werd niet gedeeld."])[0]]
    ['phrase:niet gedeeld']
    """

    def __init__(self, *, negators: Sequence[str] = NEGATORS, window: int = 3, confidence: float = 0.6,
                 negated_confidence: float = 0.5, prior_strength: float = 2.0, lemma_phrases: bool = True,
                 concepts: Mapping[str, Sequence[str]] | None = None):
        self.negators = negators
        self.window = window
        self.confidence = confidence
        self.negated_confidence = negated_confidence
        self.prior_strength = prior_strength
        self.lemma_phrases = lemma_phrases
        self.concepts = concepts

    # ------------------------------------------------------------------ fit
    def fit(self, codebook: Codebook, X: Iterable[str] | None = None,
            y: Iterable[Iterable[str]] | None = None) -> "RuleCoder":
        """Compile the rules of ``codebook``; optionally calibrate confidences.

        Parameters
        ----------
        codebook : Codebook
            Codes with ``rules``.
        X : iterable of str, optional
            Training passages.
        y : iterable of iterables of str, optional
            The codes of each passage. A rule's confidence becomes its
            smoothed precision: the share of passages it fired in that carry
            its code (or a descendant of it; or, with ``concepts``, a code of
            the same concept).

        Returns
        -------
        RuleCoder
            ``self``.

        Raises
        ------
        CodebookError
            [E208] naming the code and the rule that does not compile.
        """
        nlp = get_nlp()
        self._nlp = nlp
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._patterns: list[tuple[Matcher, list[tuple[int, int | None, int | None, int]]]] = []
        self._anchor_index: dict[tuple[int, int], list[int]] = {}
        self._anchor_cols: list[int] = []
        self._keys: dict[int, tuple[str, str]] = {}
        self._single: dict[str, list[tuple[str, str]]] = {}
        self._memo: dict[int, tuple[tuple[str, str], ...]] = {}
        self._options: dict[str, tuple[int, bool, str | None]] = {}
        self.rules_: dict[str, str] = {}
        for code in codebook:
            if code.rules:
                self._compile(codebook, code, dict(code.rules))
        self.codebook_ = codebook
        self._anchor_values = {col: np.asarray(sorted(h for c, h in self._anchor_index if c == col), dtype=np.uint64)
                               for col in (0, 1)}
        # Lemmas are a function of the lower-case form, so every lower-case
        # phrase match is also a lemma match: with lemma phrases on, one
        # PhraseMatcher (on LEMMA) finds both.
        chosen = self._lemma if self.lemma_phrases else self._lower
        self._phrase_matchers = [chosen] if len(chosen) else []
        strings = nlp.vocab.strings
        self._negator_hashes = frozenset(strings.add(n.lower()) for n in self.negators)
        self._barrier_hashes = frozenset(strings.add(b) for b in _BARRIERS)
        self.rule_confidence_: dict[str, float] = {}
        if X is not None and y is not None:
            self._calibrate(list(X), [set(c) for c in y])
        return self

    def _key(self, code: str, rule: str) -> str:
        key = f"{code}{_SEP}{rule}"
        self._keys[self._nlp.vocab.strings.add(key)] = (code, rule)
        self.rules_[f"{code}|{rule}"] = code
        return key

    def _compile(self, codebook: Codebook, code: Code, rules: dict) -> None:
        flip = rules.get("negation_flips_to")
        if flip is not None and flip not in codebook:
            raise _fail(codebook, code, f"negation_flips_to names unknown code '{flip}'")
        window = rules.get("window", self.window)
        if not isinstance(window, int) or isinstance(window, bool) or window < 0:
            raise _fail(codebook, code, f"window {window!r} must be a non-negative integer")
        self._options[code.id] = (window, bool(rules.get("negation", True)), flip)
        for field in ("lemmas", "phrases", "exclude"):
            values = rules.get(field) or []
            if not isinstance(values, (list, tuple)):
                raise _fail(codebook, code, f"'{field}' must be a list of strings, got {values!r}")
            for value in values:
                if not isinstance(value, str) or not value.strip():
                    raise _fail(codebook, code, f"{field.rstrip('s')} rule {value!r} must be a non-empty string")
        for lemma in rules.get("lemmas") or []:
            words = lemma.lower().split()
            rule = f"lemma:{lemma.lower()}"
            if len(words) == 1:  # the token pass (exact, hyphen part or compound head)
                self._key(code.id, rule)
                self._single.setdefault(words[0], []).append((code.id, rule))
                continue
            key = self._key(code.id, rule)
            self._add_pattern(codebook, code, key, [{"LEMMA": w} for w in words], f"lemma rule {lemma!r}")
            self._add_pattern(codebook, code, key, [{"LOWER": w} for w in words], f"lemma rule {lemma!r}")
        for field, prefix in (("phrases", "phrase"), ("exclude", "exclude")):
            for phrase in rules.get(field) or []:
                key = self._key(code.id, f"{prefix}:{phrase.lower()}")
                self._lower.add(key, [self._nlp.make_doc(phrase.lower())])
                if self.lemma_phrases:
                    self._lemma.add(key, [self._nlp(phrase.lower())])
        patterns = rules.get("patterns") or []
        if not isinstance(patterns, (list, tuple)):
            raise _fail(codebook, code, f"'patterns' must be a list of token patterns, got {patterns!r}")
        for i, pattern in enumerate(patterns, 1):
            if not isinstance(pattern, (list, tuple)) or not pattern or not all(isinstance(t, dict) for t in pattern):
                raise _fail(codebook, code, f"pattern {i} {pattern!r} is not a list of token dicts")
            if all(set(t) <= {"OP"} for t in pattern):
                raise _fail(codebook, code, f"pattern {i} {pattern!r} matches every token")
            name = _render_pattern(i, pattern)
            self._add_pattern(codebook, code, self._key(code.id, name), list(pattern), f"pattern {i} {pattern!r}")

    def _add_pattern(self, codebook, code, key, pattern, what) -> None:
        matcher = Matcher(self._nlp.vocab)
        try:
            matcher.add(key, [pattern])
        except (ValueError, TypeError, KeyError) as exc:
            reason = " ".join(str(exc).split())
            raise _fail(codebook, code, f"{what} does not compile: {reason}") from None
        self._patterns.append((matcher, self._anchors(pattern)))

    def _anchors(self, pattern) -> list[tuple[int, int | None, int | None, int]]:
        """Token values a match cannot do without.

        One entry per required pattern token with a LEMMA/LOWER/ORTH value:
        (anchor id, most tokens a match can have before it, most after it —
        None = unbounded —, its token position in the pattern). The anchor's
        values are indexed in ``_anchor_index``.
        """
        strings, out = self._nlp.vocab.strings, []
        lengths = [_max_len(tok.get("OP")) for tok in pattern]
        for k, tok in enumerate(pattern):
            op = str(tok.get("OP", "1"))
            if op in ("?", "*", "!") or op.startswith("{0") or op.startswith("{,"):
                continue
            for attr, col, fold in (("LEMMA", 0, False), ("LOWER", 1, False), ("ORTH", 1, True), ("TEXT", 1, True)):
                value = tok.get(attr)
                values = [value] if isinstance(value, str) else (value.get("IN") if isinstance(value, dict) else None)
                if values and all(isinstance(v, str) for v in values):
                    anchor = len(self._anchor_cols)
                    self._anchor_cols.append(col)
                    for h in {strings.add(v.lower() if fold else v) for v in values}:
                        self._anchor_index.setdefault((col, h), []).append(anchor)
                    before, after = lengths[:k], lengths[k + 1:]
                    out.append((anchor, None if None in before else sum(before),
                                None if None in after else sum(after), k))
                    break
        return out

    def _calibrate(self, X: list[str], y: list[set[str]]) -> None:
        cb = self.codebook_
        fired: dict[str, int] = {}
        hits: dict[str, int] = {}
        concepts = {label: set(codes) for label, codes in (self.concepts or {}).items()}

        def labels_of(codes: set[str]) -> set[str]:
            return {label for label, ids in concepts.items() if codes & ids}

        for suggestions, gold in zip(self._raw(X), y):
            rolled = {a for c in gold if c in cb for a in (c, *cb.ancestors(c))}
            gold_labels = labels_of(rolled)
            for code, rule in {(s.code, s.rule) for s in suggestions}:
                key = f"{code}|{rule}"
                fired[key] = fired.get(key, 0) + 1
                right = code in rolled or bool(gold_labels and labels_of({code, *cb.ancestors(code)}) & gold_labels)
                hits[key] = hits.get(key, 0) + right
        for key, n in sorted(fired.items()):
            prior = self.negated_confidence if "|negated:" in key else self.confidence
            self.rule_confidence_[key] = round((hits[key] + self.prior_strength * prior) / (n + self.prior_strength), 4)

    # -------------------------------------------------------------- predict
    def _raw(self, texts: list[str]) -> list[list[Suggestion]]:
        out: list[list[Suggestion]] = [[] for _ in texts]
        for batch in pipe_batches(texts):
            for p, found in self.predict_batch(batch).items():
                out[batch.index[p]] = found
        return out

    def _token_hits(self, form: str) -> tuple[tuple[str, str], ...]:
        """Single-word lemma rules a form meets: itself, a part of a hyphenated
        word (*AVG-privacywetgeving*), or as the head of a compound
        (*casusregisseur* meets ``regisseur``; head ≥ 5, modifier ≥ 4 letters)."""
        single, hits = self._single, {}
        forms = {form, *(p for p in form.split("-") if p)} if "-" in form else {form}
        for f in forms:
            for hit in single.get(f, ()):
                hits[hit] = None
            for i in range(4, len(f) - 4):
                for hit in single.get(f[i:], ()):
                    hits[hit] = None
        return tuple(hits)

    def predict_batch(self, batch: Batch) -> dict[int, list[Suggestion]]:
        """Suggestions for the passages of one :class:`~altena_qca.coding.nlp.Batch`.

        Returns
        -------
        dict
            Batch position of a passage → its suggestions (passages without
            any are left out).
        """
        check_is_fitted(self, "rules_")
        arr, tp, first = batch.arrays, batch.token_passage, batch.first
        spans: dict[tuple[str, str, int, int], None] = {}  # (code, rule, start row, end row)
        if self._single and len(arr):
            memo, strings = self._memo, self._nlp.vocab.strings
            for col in (0, 1):
                uniq, inv = np.unique(arr[:, col], return_inverse=True)
                hits_of = []
                for h in uniq.tolist():
                    hits = memo.get(h)
                    if hits is None:
                        hits = memo[h] = self._token_hits(strings[h])
                    hits_of.append(hits)
                has = np.fromiter((bool(h) for h in hits_of), dtype=bool, count=len(hits_of))
                for i in np.flatnonzero(has[inv]).tolist():
                    for code, rule in hits_of[inv[i]]:
                        spans[(code, rule, i, i + 1)] = None
        if self._phrase_matchers:
            keys = self._keys
            for p, doc in enumerate(batch.docs):
                off = int(first[p])
                for matcher in self._phrase_matchers:
                    for match_id, start, end in matcher(doc):
                        code, rule = keys[match_id]
                        spans[(code, rule, off + start, off + end)] = None
        if self._patterns:
            self._match_patterns(batch, spans)
        out: dict[int, dict] = {}
        excluded = {(c, s, e) for (c, r, s, e) in spans if r.startswith("exclude:")}
        lower = arr[:, 1] if len(arr) else arr
        for (code, rule, start, end) in spans:
            if rule.startswith("exclude:"):
                continue
            p = int(tp[start])
            found = self._resolve(lower, code, rule, start, end, int(first[p]), excluded)
            if found is None:
                continue
            code, rule, start = found
            default = self.negated_confidence if rule.startswith("negated:") else self.confidence
            conf = self.rule_confidence_.get(f"{code}|{rule}", default)
            s0, e0 = int(arr[start, 2]), int(arr[end - 1, 2] + arr[end - 1, 3])
            found_p = out.setdefault(p, {})
            best = found_p.get((code, s0, e0))
            if best is None or (best.confidence, best.rule) < (conf, rule):
                found_p[(code, s0, e0)] = Suggestion(code, s0, e0, conf, rule)
        return {p: sorted(d.values(), key=lambda s: (s.start, s.end, s.code, s.rule)) for p, d in out.items()}

    def _match_patterns(self, batch: Batch, spans: dict) -> None:
        """Run each pattern's Matcher only where it can match.

        A pattern runs on the passages that hold all its anchors. When its
        length is bounded, it runs only on windows from an occurrence of its
        first anchor to a later occurrence of its last anchor no further away
        than the pattern allows, widened by the tokens the pattern may have
        before the first and after the last anchor.
        """
        arr, tp, first, last = batch.arrays, batch.token_passage, batch.first, batch.last
        rows: dict[int, list[int]] = {}
        for col, values in self._anchor_values.items():
            if not len(values) or not len(arr):
                continue
            column = arr[:, col]
            pos = np.clip(np.searchsorted(values, column), 0, len(values) - 1)
            hit = np.flatnonzero(values[pos] == column)
            for r, h in zip(hit.tolist(), column[hit].tolist()):
                for anchor in self._anchor_index[(col, h)]:
                    rows.setdefault(anchor, []).append(r)
        for matcher, anchors in self._patterns:
            found = [np.asarray(rows.get(a[0], ()), dtype=np.int64) for a in anchors]
            if not anchors or any(not len(f) for f in found):
                windows = [] if anchors else [(p, 0, int(last[p] - first[p])) for p in range(len(batch.docs))]
            elif any(a[1] is None or a[2] is None for a in anchors):  # unbounded: whole passages
                cands = set(tp[found[0]].tolist())
                for f in found[1:]:
                    cands &= set(tp[f].tolist())
                windows = [(p, 0, int(last[p] - first[p])) for p in sorted(cands)]
            else:
                windows = self._windows(anchors, found, tp, first, last)
            for p, a, b in windows:
                off = int(first[p]) + a
                for match_id, start, end in matcher(batch.docs[p][a:b]):
                    code, rule = self._keys[match_id]
                    spans[(code, rule, off + start, off + end)] = None

    @staticmethod
    def _windows(anchors, found, tp, first, last) -> list[tuple[int, int, int]]:
        """(passage, start, end) token windows that can hold a match of a bounded pattern.

        From each occurrence ``i`` of the first anchor, the last anchor must
        occur at ``j`` with ``i < j <= i + after`` (``after``: the most tokens
        the pattern has after its first anchor) in the same passage, and every
        other anchor in between; the window is ``[i - before, j_max + 1 + after_last)``.
        """
        (_, before_a, after_a, _), (_, _, after_b, _) = anchors[0], anchors[-1]
        rows = [f.tolist() for f in found]
        ends, middle = rows[-1], rows[1:-1]
        out: list[tuple[int, int, int]] = []
        for i in rows[0]:
            p = int(tp[i])
            lo, hi = int(first[p]), int(last[p])
            if len(anchors) == 1:
                a, b = i - before_a, i + 1 + after_a
            else:
                k = bisect_right(ends, min(i + after_a, hi - 1)) - 1
                if k < 0 or ends[k] <= i:
                    continue
                j = ends[k]
                if not all(bisect_left(f, i) < bisect_right(f, j) for f in middle):
                    continue
                a, b = i - before_a, j + 1 + after_b
            a, b = max(lo, a), min(hi, b)
            if out and out[-1][0] == p and out[-1][2] >= a - lo:
                out[-1] = (p, out[-1][1], b - lo)
            else:
                out.append((p, a - lo, b - lo))
        return out

    def _resolve(self, lower: np.ndarray, code: str, rule: str, start: int, end: int, lo: int,
                 excluded) -> tuple | None:
        """Apply exclude and negation: (code, rule, start row) or None when suppressed."""
        window, negation, flip = self._options[code]
        if excluded and any(c == code and s - window <= end and start <= e + window for c, s, e in excluded):
            return None
        if not negation:
            return code, rule, start
        neg_at = None
        negators, barriers = self._negator_hashes, self._barrier_hashes
        if int(lower[start]) in negators:  # the rule is itself negative ('geen gegevensuitwisseling')
            return code, rule, start
        for i in range(start - 1, max(lo - 1, start - 1 - window), -1):
            h = int(lower[i])
            if h in negators:
                neg_at = i
                break
            if h in barriers:
                break
        if neg_at is None and rule.startswith("pattern#") and any(
                int(h) in negators for h in lower[start + 1:end].tolist()):
            neg_at = start
        if neg_at is None:
            return code, rule, start
        if flip is None:
            return None
        return flip, f"negated:{rule}", neg_at

    def predict(self, X: Iterable[str]) -> list[list[Suggestion]]:
        """Suggestions for each passage.

        Parameters
        ----------
        X : iterable of str
            Passages (segment texts). Empty or blank passages give no suggestion.

        Returns
        -------
        list of list of Suggestion
            One list per passage, sorted by position; at most one suggestion
            per code and span.
        """
        check_is_fitted(self, "rules_")
        return self._raw(list(X))


def keyword_codebook(codebook: Codebook, min_length: int = 4) -> Codebook:
    """The plain keyword baseline: each code's label words as its only rules.

    Every content word of a code's Dutch label (lemmatised, spaCy's Dutch stop
    words and words shorter than ``min_length`` dropped) becomes a ``lemmas``
    rule; nothing else (no phrases, patterns or negation).

    Examples
    --------
    >>> from altena_qca.model import Code, Codebook
    >>> keyword_codebook(Codebook([Code("t", "Vertrouwen neemt af")]))["t"].rules
    {'lemmas': ['vertrouwen', 'nemen'], 'negation': False}
    """
    from spacy.lang.nl.stop_words import STOP_WORDS

    nlp = get_nlp()
    codes = []
    for code in codebook:
        words: list[str] = []
        for tok in nlp(code.label_nl):
            lemma = tok.lemma_
            if (tok.is_alpha and len(tok.text) >= min_length and tok.lower_ not in STOP_WORDS
                    and lemma not in STOP_WORDS and lemma not in words):
                words.append(lemma)
        rules = {"lemmas": words, "negation": False} if words else None
        codes.append(Code(id=code.id, label_nl=code.label_nl, label_en=code.label_en, parent=code.parent,
                          kind=code.kind, definition=code.definition, rules=rules, line=code.line))
    return Codebook(codes, analysis=codebook.analysis, meta=codebook.meta, path=codebook.path)
