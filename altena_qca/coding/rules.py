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
  vertrouwen' → trust declines), or suppresses it when no flip is given. A
  token pattern is also negated by a negator inside its match after the first
  token ('de Wams maakt het *niet* beter'), since its gaps may hold one.

Each :class:`Suggestion` names the rule that fired (``phrase:geen
gegevensuitwisseling``, ``lemma:irritatie``, ``pattern#1:LOWER=geen
LEMMA=terugkoppeling``, with ``negated:`` in front for a flip), its character
span in the passage and a confidence: a constant, or — when :meth:`RuleCoder.fit`
gets coded training passages — the rule's smoothed precision on them.

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

from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from spacy.attrs import LEMMA, LOWER
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from ..errors import CodebookError, Errors
from ..model import Code, Codebook
from .nlp import get_nlp

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
        Rule name → code id, for every compiled rule.
    rule_confidence_ : dict
        Rule name (with ``code|`` prefix) → confidence.

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
        self.concepts = concepts
        self.negators = negators
        self.window = window
        self.confidence = confidence
        self.negated_confidence = negated_confidence
        self.prior_strength = prior_strength
        self.lemma_phrases = lemma_phrases

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
            its code (or a descendant of it).

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
        self._matcher = Matcher(nlp.vocab)
        self._keys: dict[int, tuple[str, str]] = {}
        self._single: dict[str, list[tuple[str, str]]] = {}
        self._memo: dict[tuple[int, int], tuple[tuple[str, str], ...]] = {}
        self._options: dict[str, tuple[int, bool, str | None]] = {}
        self.rules_: dict[str, str] = {}
        for code in codebook:
            if code.rules:
                self._compile(codebook, code, dict(code.rules))
        self.codebook_ = codebook
        self._active = [m for m in (self._lower, self._lemma if self.lemma_phrases else None, self._matcher)
                        if m is not None and len(m)]
        self._negators = frozenset(n.lower() for n in self.negators)
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
                    raise _fail(codebook, code, f"{field[:-1] if field != 'exclude' else field} rule {value!r} "
                                                f"must be a non-empty string")
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
            if all(not t for t in pattern):
                raise _fail(codebook, code, f"pattern {i} {pattern!r} matches every token")
            name = _render_pattern(i, pattern)
            self._add_pattern(codebook, code, self._key(code.id, name), list(pattern), f"pattern {i} {pattern!r}")

    def _add_pattern(self, codebook, code, key, pattern, what) -> None:
        try:
            self._matcher.add(key, [pattern])
        except (ValueError, TypeError, KeyError) as exc:
            reason = " ".join(str(exc).split())
            raise _fail(codebook, code, f"{what} does not compile: {reason}") from None

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
        out: list[list[Suggestion]] = []
        nonempty = [(i, t) for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
        results: dict[int, list[Suggestion]] = {}
        docs = self._nlp.pipe([t for _, t in nonempty], batch_size=256)
        for (i, _), doc in zip(nonempty, docs):
            results[i] = self._apply(doc)
        for i in range(len(texts)):
            out.append(results.get(i, []))
        return out

    def _apply(self, doc: Doc) -> list[Suggestion]:
        spans: dict[tuple[str, str, int, int], None] = {}
        if self._single:
            memo = self._memo
            for i, key in enumerate(zip(doc.to_array(LEMMA).tolist(), doc.to_array(LOWER).tolist())):
                hits = memo.get(key)
                if hits is None:
                    hits = memo[key] = self._token_hits(doc.vocab.strings[key[0]], doc.vocab.strings[key[1]])
                for code, rule in hits:
                    spans[(code, rule, i, i + 1)] = None
        for matcher in self._active:
            for match_id, start, end in matcher(doc):
                code, rule = self._keys[match_id]
                spans[(code, rule, start, end)] = None
        if not spans:
            return []
        excluded = [(c, s, e) for (c, r, s, e) in spans if r.startswith("exclude:")]
        result: dict[tuple[str, int, int], Suggestion] = {}
        for code, rule, start, end in spans:
            if rule.startswith("exclude:"):
                continue
            window, negation, flip = self._options[code]
            if any(c == code and s - window <= end and start <= e + window for c, s, e in excluded):
                continue
            neg_at = None
            if negation:
                neg_at = self._negator_before(doc, start, window)
                if neg_at is None and rule.startswith("pattern#") and self._negator_inside(doc, start, end):
                    neg_at = start
            if neg_at is not None:
                if flip is None:
                    continue
                code, rule, start = flip, f"negated:{rule}", neg_at
            conf = self.rule_confidence_.get(f"{code}|{rule}",
                                             self.negated_confidence if rule.startswith("negated:") else self.confidence)
            s = Suggestion(code, doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), conf, rule)
            key = (code, s.start, s.end)
            if key not in result or (result[key].confidence, result[key].rule) < (conf, rule):
                result[key] = s
        return sorted(result.values(), key=lambda s: (s.start, s.end, s.code, s.rule))

    def _token_hits(self, lemma: str, lower: str) -> tuple[tuple[str, str], ...]:
        """Single-word lemma rules a token meets: its lemma or form, a part of a
        hyphenated word (*AVG-privacywetgeving*), or the head of a compound
        (*casusregisseur* meets ``regisseur``; head ≥ 5, modifier ≥ 4 letters)."""
        single, hits = self._single, {}
        forms = {lemma, lower}
        for form in (lemma, lower):
            if "-" in form:
                forms.update(p for p in form.split("-") if p)
        for form in forms:
            for hit in single.get(form, ()):
                hits[hit] = None
            for i in range(4, len(form) - 4):
                for hit in single.get(form[i:], ()):
                    hits[hit] = None
        return tuple(hits)

    def _negator_inside(self, doc: Doc, start: int, end: int) -> bool:
        negators = self._negators
        return any(doc[i].lower_ in negators for i in range(start + 1, end))

    def _negator_before(self, doc: Doc, start: int, window: int) -> int | None:
        negators = self._negators
        for i in range(start - 1, max(-1, start - 1 - window), -1):
            low = doc[i].lower_
            if low in negators:
                return i
            if low in _BARRIERS:
                return None
        return None

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
