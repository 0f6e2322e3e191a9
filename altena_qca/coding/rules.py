"""The rule coder: the codebook's matching rules, compiled once, applied to passages.

Every code may carry ``rules`` (see ``altena_qca/resources/codebook/README.md``):

* ``lemmas`` — a token whose lemma (or lower-case form) is in the list, also
  as part of a hyphenated word (*AVG-privacywetgeving*) or as the head of a
  compound (*casusregisseur* meets ``regisseur``: Dutch writes compounds as
  one word); a lemma ending in ``*`` is a compound modifier: any word that
  begins with it (``gegevens*`` meets *gegevensuitwisseling*, ``privacy*`` meets
  *privacyrisico*); a lemma of several words is a Matcher pattern on LEMMA and LOWER;
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
  token ('de Wams maakt het *niet* beter'), since its gaps may hold one —
  unless one of its tokens asks for a negator by value ('geeft … niks … door'
  names what it finds, as a phrase beginning with a negator does).

Each :class:`Suggestion` names the rule that fired (``phrase:geen
gegevensuitwisseling``, ``lemma:irritatie``, ``pattern#1:LOWER=geen
LEMMA=terugkoppeling``, with ``negated:`` in front for a flip), its character
span in the passage and a confidence: a constant, or — when :meth:`RuleCoder.fit`
gets coded training passages — the rule's smoothed precision on them.

Passages are read in batches (:func:`~altena_qca.coding.nlp.pipe_batches`).
What a rule needs to know of a token — the single-word rules it meets,
whether it is a negator or a barrier, a pattern anchor, or can begin a
phrase — depends on its form alone, so it is worked out once per distinct
form and looked up for a whole batch with numpy. Phrases are found from the
batch's lemma column (candidates whose first two tokens can begin a phrase,
then compared token by token: the matches spaCy's PhraseMatcher on LEMMA
gives); a token pattern runs only on windows of the passages that contain
every token value the pattern cannot do without (its anchors), as a few
numpy steps over all windows at once when it uses only LEMMA/LOWER/ORTH
values and bounded operators (the matches spaCy's Matcher gives, which runs
any other pattern). Exclusion,
negation and the choice of one suggestion per code and span are array
operations over all firings of the batch, so the coder keeps most of the
tokenizer's speed.

Examples
--------
>>> from altena_qca.model import Code, Codebook
>>> cb = Codebook([
...     Code("trust", "Vertrouwen", rules={"lemmas": ["vertrouwen"],
...                                         "negation_flips_to": "trust.low"}),
...     Code("trust.low", "Weinig vertrouwen", parent="trust")])
>>> coder = RuleCoder().fit(codebook=cb)
>>> [(s.code, s.rule, s.start, s.end) for s in coder.predict(["Er is geen vertrouwen meer."])[0]]
[('trust.low', 'negated:lemma:vertrouwen', 6, 21)]
>>> coder.predict([""])
[[]]
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted
from spacy.attrs import LEMMA, LOWER
from spacy.matcher import Matcher

from ..errors import CodebookError, Errors
from ..model import Code, Codebook
from .nlp import _FORMS_LOCK, Batch, FormTable, get_lemmatizer, get_nlp, pipe_batches

__all__ = ["NEGATORS", "RANKED_CONFIDENCE", "Suggestion", "RuleCoder", "keyword_codebook"]

#: Words that negate a following match. Kept short on purpose: each one is a
#: word a coder would read as 'not' in front of a concept.
NEGATORS = ("geen", "niet", "nooit", "nauwelijks", "zonder", "amper", "onvoldoende", "weinig")
#: Confidence of a suggestion of an uncalibrated coder (a study nobody has coded yet) by the number of
#: distinct rules of its code that fire in the passage: 1, 2, 3 or more. Independent indicators of one
#: code are the one signal that ordered suggestions by precision on every set looked at (docs/evaluation.md,
#: section 4: dev half A, smoothed towards the bundled corpus with weight 10; checked on dev half B).
RANKED_CONFIDENCE = (0.7, 0.9, 0.95)
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


def _suggestion(code: str, start: int, end: int, confidence: float, rule: str, _new=object.__new__) -> Suggestion:
    """``Suggestion(code, start, end, confidence, rule)``, for the loops that make thousands.

    A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``; filling the instance ``__dict__`` directly gives
    an equal object (same fields, equality, hash and repr) at a third of the cost.
    """
    s = _new(Suggestion)
    s.__dict__.update(code=code, start=start, end=end, confidence=confidence, rule=rule)
    return s


def _pair_code(first, second):
    """A 64-bit code of a pair of token hashes (numpy arrays or ints; wraps around)."""
    with np.errstate(over="ignore"):
        return np.asarray(first, dtype=np.uint64) * np.uint64(1_000_003) + np.asarray(second, dtype=np.uint64)


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


def _total(lengths: Sequence[int | None]) -> int | None:
    """The sum of ``lengths`` (see :func:`_max_len`), None when any is unbounded."""
    return None if None in lengths else sum(n for n in lengths if n is not None)


class _TestRows:
    """Which rows of a batch pass each token test, without a (test × row) table.

    ``tests[t, f]`` says whether form ``f`` passes test ``t``. The rows that
    pass a test are found through an index of the batch's rows by form (one
    sort per batch): a test accepts few forms, so this costs far less than
    testing every row.
    """

    def __init__(self, tests: np.ndarray, forms: np.ndarray):
        self._tests, self._forms = tests, forms
        self._order = np.argsort(forms, kind="stable")
        self._sorted = forms[self._order]

    def __len__(self) -> int:
        return len(self._forms)

    def rows(self, test: int, passing: np.ndarray) -> np.ndarray:
        """The sorted rows whose form is in ``passing`` (the sorted form ids passing ``test``)."""
        lo = np.searchsorted(self._sorted, passing, side="left")
        n = np.searchsorted(self._sorted, passing, side="right") - lo
        at = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
        return np.sort(self._order[at])

    def at(self, test: int, rows: np.ndarray) -> np.ndarray:
        """Whether the tokens of ``rows`` (any shape) pass ``test``."""
        return self._tests[test][self._forms[rows]]


def _split_hits(hits: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """:meth:`RuleCoder._token_hits` on the joint table as (rule key ids, context blocks)."""
    if not hits:
        return (), ()
    return tuple(h for h in hits if h >= 0), tuple(-1 - h for h in hits if h < 0)


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
        Confidence of a rule that has not been calibrated (when ``ranked`` is None).
    negated_confidence : float
        Confidence of an uncalibrated negation flip (when ``ranked`` is None).
    ranked : sequence of float, optional
        Confidences of the suggestions of a coder that was not calibrated
        (no coded training passages), by how many distinct rules of the
        suggestion's code fire in the passage (1, 2, …; the last value for
        more): :data:`RANKED_CONFIDENCE`, so a reviewer can sort them. None:
        ``confidence`` (``negated_confidence``) for every suggestion.
    prior_strength : float
        Weight of ``confidence`` as a prior when calibrating from training
        passages: a rule that fired ``n`` times, ``k`` of them correctly, gets
        ``(k + prior_strength * confidence) / (n + prior_strength)``.
    lemma_phrases : bool
        Also match phrases on lemmas, not only on lower-case text.
    concepts : mapping of str to list of str, optional
        Concept labels (label → code ids, as in ``altena_qca/resources/codebook/eval_labels.yaml``).
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
    output_keys_ : list of (str, str)
        Every output the coder can give, as ``(code, rule)``; negated forms
        carry ``negated:<rule>``. The keys :meth:`find_batch` returns index it.

    Examples
    --------
    >>> from altena_qca.model import Code, Codebook
    >>> cb = Codebook([Code("p", "Probleem", rules={"phrases": ["niet gedeeld"]})])
    >>> [s.rule for s in RuleCoder().fit(codebook=cb).predict(["Dat werd niet gedeeld."])[0]]
    ['phrase:niet gedeeld']
    """

    def __init__(self, *, negators: Sequence[str] = NEGATORS, window: int = 3, confidence: float = 0.6,
                 negated_confidence: float = 0.5, prior_strength: float = 2.0, lemma_phrases: bool = True,
                 concepts: Mapping[str, Sequence[str]] | None = None,
                 ranked: Sequence[float] | None = RANKED_CONFIDENCE):
        self.negators = negators
        self.window = window
        self.confidence = confidence
        self.negated_confidence = negated_confidence
        self.prior_strength = prior_strength
        self.ranked = ranked
        self.lemma_phrases = lemma_phrases
        self.concepts = concepts

    # ------------------------------------------------------------------ fit
    def fit(self, X: Iterable[str] | None = None, y: Iterable[Iterable[str]] | None = None, *,
            codebook: Codebook) -> RuleCoder:
        """Compile the rules of ``codebook``; optionally calibrate confidences.

        Parameters
        ----------
        X : iterable of str, optional
            Training passages.
        y : iterable of iterables of str, optional
            The codes of each passage. A rule's confidence becomes its
            smoothed precision: the share of passages it fired in that carry
            its code (or a descendant of it; or, with ``concepts``, a code of
            the same concept).
        codebook : Codebook
            Codes with ``rules`` (keyword-only, as for every coder's ``fit``).

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
        self._patterns: list[tuple[Matcher, list, list | None, int]] = []  # matcher, anchors, steps, key id
        self._spec_ids: dict[tuple, int] = {}
        self._anchor_index: dict[tuple[int, int], list[int]] = {}
        self._anchor_cols: list[int] = []
        self._key_ids: dict[str, int] = {}          # "code<SEP>rule" → key id
        self._key_list: list[tuple[str, str]] = []  # key id → (code, rule)
        self._match_keys: dict[int, int] = {}       # Matcher match id → key id
        self._single: dict[str, list[int]] = {}
        self._lengths_cache: dict[tuple, tuple[list[int], list[int], dict]] = {}  # see _key_lengths
        self._prefixes: dict[str, list[int]] = {}  # compound modifiers: ``privacy*``
        self._phrases: dict[tuple[int, ...], list[int]] = {}  # token hashes → key ids
        self._options: dict[str, tuple[int, bool, str | None]] = {}
        self._contexts: list[tuple[dict, dict, str]] = []  # anchors (single, modifiers), scope
        self._ctx_single: dict[str, list[int]] = {}  # every block's anchors → the blocks' numbers
        self._ctx_prefixes: dict[str, list[int]] = {}
        self._key_context: dict[int, int] = {}  # key id → its context block
        self._key_negation: dict[int, bool] = {}  # key id → negation setting other than its code's
        self._own_negator: set[int] = set()  # pattern keys that name a negator themselves: see _names_negator
        self.rules_: dict[str, str] = {}
        for code in codebook:
            if code.rules:
                self._compile(codebook, code, dict(code.rules))
        self.codebook_ = codebook
        strings = nlp.vocab.strings
        self._negator_hashes = frozenset(strings.add(n.lower()) for n in self.negators)
        self._barrier_hashes = frozenset(strings.add(b) for b in _BARRIERS)
        self._sentence_end_set = frozenset(strings.add(e) for e in (".", "!", "?", "...", "…"))
        self._prepare()
        self.rule_confidence_: dict[str, float] = {}
        if X is not None and y is not None:
            self._calibrate(list(X), [set(c) for c in y])
        return self

    def _key(self, code: str, rule: str) -> str:
        key = f"{code}{_SEP}{rule}"
        if key not in self._key_ids:
            self._key_ids[key] = len(self._key_list)
            self._key_list.append((code, rule))
        self._match_keys[self._nlp.vocab.strings.add(key)] = self._key_ids[key]
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
        self._compile_words(codebook, code, rules, "lemma", "phrase")
        contexts = rules.get("context") or []
        for number, block in enumerate([contexts] if isinstance(contexts, dict) else contexts, 1):
            self._compile_context(codebook, code, block, number)
        patterns = rules.get("patterns") or []
        if not isinstance(patterns, (list, tuple)):
            raise _fail(codebook, code, f"'patterns' must be a list of token patterns, got {patterns!r}")
        for i, pattern in enumerate(patterns, 1):
            if not isinstance(pattern, (list, tuple)) or not pattern or not all(isinstance(t, dict) for t in pattern):
                raise _fail(codebook, code, f"pattern {i} {pattern!r} is not a list of token dicts")
            if all(set(t) <= {"OP"} for t in pattern):
                raise _fail(codebook, code, f"pattern {i} {pattern!r} matches every token")
            name = _render_pattern(i, pattern)
            key = self._key(code.id, name)
            self._add_pattern(codebook, code, key, list(pattern), f"pattern {i} {pattern!r}")
            if self._names_negator(pattern):
                self._own_negator.add(self._key_ids[key])

    def _names_negator(self, pattern) -> bool:
        """Whether a token of ``pattern`` asks for a negator by value ('geeft {0,3} niks|niet|geen door').

        Such a negator is part of what the pattern finds, as in a phrase that
        begins with one ('niet gedeeld'), so it does not negate the match
        from inside (a negator before the match still does).
        """
        negators = {n.lower() for n in self.negators}
        for tok in pattern:
            for attr, value in tok.items():
                if attr in ("LEMMA", "LOWER", "ORTH", "TEXT"):
                    values = [value] if isinstance(value, str) else (
                        value.get("IN", []) if isinstance(value, dict) else [])
                    if any(isinstance(v, str) and v.lower() in negators for v in values):
                        return True
        return False

    def _compile_context(self, codebook: Codebook, code: Code, block, number: int = 1) -> None:
        """A ``context`` block: words that count only where one of its anchors is near.

        ``anchors`` (single lemmas, matched as ``lemmas`` are: compound heads,
        ``x*`` modifiers), ``lemmas`` and ``phrases`` (as for a code),
        ``scope`` (``passage``, the default, or ``sentence``: where an anchor
        must occur) and ``negation`` (default: the code's). A word and its
        anchor may stand anywhere in the scope, in either order: the stance
        a speaker takes on a topic is rarely within a few words of it. The
        rules of a code's second and later blocks are named ``context#2:…``,
        so a word listed in two blocks counts in the scope of each.
        """
        if not isinstance(block, dict) or set(block) - {"anchors", "lemmas", "phrases", "scope", "negation", "__line__"}:
            raise _fail(codebook, code, f"context {block!r} must be a mapping of anchors, lemmas, phrases, "
                                        "scope, negation")
        anchors = block.get("anchors") or []
        if not isinstance(anchors, (list, tuple)) or not anchors or \
                not all(isinstance(a, str) and a.strip() and len(a.split()) == 1 for a in anchors):
            raise _fail(codebook, code, f"context anchors {anchors!r} must be a non-empty list of single words")
        scope = block.get("scope", "passage")
        if scope not in ("passage", "sentence"):
            raise _fail(codebook, code, f"context scope {scope!r} must be 'passage' or 'sentence'")
        single: dict[str, list[int]] = {}
        prefixes: dict[str, list[int]] = {}
        ctx = len(self._contexts)
        for a in anchors:
            a = a.lower()
            if a.endswith("*"):
                prefixes.setdefault(a.rstrip("*"), []).append(ctx)
                self._ctx_prefixes.setdefault(a.rstrip("*"), []).append(ctx)
            else:
                single.setdefault(a, []).append(ctx)
                self._ctx_single.setdefault(a, []).append(ctx)
        self._contexts.append((single, prefixes, scope))
        negation = bool(block.get("negation", self._options[code.id][1]))
        first = len(self._key_list)
        prefix = "context" if number == 1 else f"context#{number}"
        self._compile_words(codebook, code, block, prefix, prefix)
        for k in range(first, len(self._key_list)):
            self._key_context[k] = ctx
            self._key_negation[k] = negation

    def _compile_words(self, codebook: Codebook, code: Code, rules: dict, lemma_prefix: str,
                       phrase_prefix: str) -> None:
        """The ``lemmas``, ``phrases`` and ``exclude`` of a rule block, their rules named with the prefixes."""
        for field in ("lemmas", "phrases", "exclude"):
            values = rules.get(field) or []
            if not isinstance(values, (list, tuple)):
                raise _fail(codebook, code, f"'{field}' must be a list of strings, got {values!r}")
            for value in values:
                if not isinstance(value, str) or not value.strip():
                    raise _fail(codebook, code, f"{field.rstrip('s')} rule {value!r} must be a non-empty string")
        for lemma in rules.get("lemmas") or []:
            words = lemma.lower().split()
            rule = f"{lemma_prefix}:{lemma.lower()}"
            if len(words) == 1 and words[0].endswith("*"):  # a compound modifier: the word begins with it
                stem = words[0].rstrip("*")
                if len(stem) < 3 or "*" in stem:
                    raise _fail(codebook, code, f"lemma rule {lemma!r}: a modifier needs 3 or more letters before '*'")
                key = self._key(code.id, rule)
                self._prefixes.setdefault(stem, []).append(self._key_ids[key])
                continue
            if len(words) == 1:  # the token pass (exact, hyphen part or compound head)
                key = self._key(code.id, rule)
                self._single.setdefault(words[0], []).append(self._key_ids[key])
                continue
            key = self._key(code.id, rule)
            self._add_pattern(codebook, code, key, [{"LEMMA": w} for w in words], f"lemma rule {lemma!r}")
            self._add_pattern(codebook, code, key, [{"LOWER": w} for w in words], f"lemma rule {lemma!r}")
        for field, prefix in (("phrases", phrase_prefix), ("exclude", "exclude")):
            for phrase in rules.get(field) or []:
                key = self._key(code.id, f"{prefix}:{phrase.lower()}")
                # The token values a PhraseMatcher on LEMMA (or LOWER) would compare.
                doc = self._nlp(phrase.lower()) if self.lemma_phrases else self._nlp.make_doc(phrase.lower())
                tokens = tuple(doc.to_array([LEMMA if self.lemma_phrases else LOWER]).tolist())
                if tokens:
                    self._phrases.setdefault(tokens, []).append(self._key_ids[key])

    def _add_pattern(self, codebook, code, key, pattern, what) -> None:
        matcher = Matcher(self._nlp.vocab)
        try:
            matcher.add(key, [pattern])
        except (ValueError, TypeError, KeyError) as exc:
            reason = " ".join(str(exc).split())
            raise _fail(codebook, code, f"{what} does not compile: {reason}") from None
        self._patterns.append((matcher, self._anchors(pattern), self._steps(pattern), self._key_ids[key]))

    def _steps(self, pattern) -> list[tuple[int, bool]] | None:
        """The pattern as (token test, optional) steps for :meth:`_run_steps`, or None.

        Only patterns of LEMMA/LOWER/ORTH/TEXT values (a string or ``IN`` a
        list of strings, or no test at all) with bounded operators (``?``,
        ``{n}``, ``{n,m}``, ``{,m}``) are translated; spaCy's Matcher runs
        the others. A token test is an index into ``_specs``: attribute →
        the hashes it accepts.
        """
        strings, steps = self._nlp.vocab.strings, []
        for tok in pattern:
            spec = []
            for attr, value in tok.items():
                if attr == "OP":
                    continue
                values = [value] if isinstance(value, str) else (
                    value.get("IN") if isinstance(value, dict) and list(value) == ["IN"] else None)
                if attr not in ("LEMMA", "LOWER", "ORTH", "TEXT") or not isinstance(values, list) \
                        or not all(isinstance(v, str) for v in values):
                    return None
                spec.append(("ORTH" if attr == "TEXT" else attr, frozenset(strings.add(v) for v in values)))
            test = tuple(sorted(spec))
            if test not in self._spec_ids:
                self._spec_ids[test] = len(self._spec_ids)
            op = str(tok.get("OP", "1"))
            if op in ("1", "?"):
                low, high = (1, 1) if op == "1" else (0, 1)
            elif op.startswith("{") and op.endswith("}"):
                inner = op[1:-1]
                low_s, _, high_s = inner.partition(",") if "," in inner else (inner, ",", inner)
                if not high_s.isdigit() or not (low_s.isdigit() or low_s == ""):
                    return None
                low, high = int(low_s or 0), int(high_s)
            else:
                return None
            steps += [(self._spec_ids[test], False)] * low + [(self._spec_ids[test], True)] * (high - low)
        return steps if any(not optional for _, optional in steps) else None

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
                    out.append((anchor, _total(before), _total(after), k))
                    break
        return out

    def _prepare(self) -> None:
        """Per-key arrays for the vectorised resolution, the phrase index, empty per-form tables."""
        keys = self._key_list
        codes = sorted({c for c, _ in keys} | {o[2] for o in self._options.values() if o[2] is not None})
        code_ix = {c: i for i, c in enumerate(codes)}
        self._codes = codes
        self._key_code = np.asarray([code_ix[c] for c, _ in keys], dtype=np.int64)
        self._code_window = np.asarray([self._options.get(c, (0, False, None))[0] for c in codes], dtype=np.int64)
        self._code_negation = np.asarray([self._options.get(c, (0, False, None))[1] for c in codes], dtype=bool)
        self._key_exclude = np.asarray([r.startswith("exclude:") for _, r in keys], dtype=bool)
        # token patterns may be negated from inside their match, unless they name the negator themselves
        self._key_pattern = np.asarray([r.startswith("pattern#") and k not in self._own_negator
                                        for k, (_, r) in enumerate(keys)], dtype=bool)
        self._key_ctx = np.asarray([self._key_context.get(k, -1) for k in range(len(keys))], dtype=np.int64)
        self._key_neg = np.asarray([self._key_negation.get(k, self._options[c][1]) for k, (c, _) in enumerate(keys)],
                                   dtype=bool)
        flips = [self._options[c][2] for c, _ in keys]
        self._key_flips = np.asarray([f is not None for f in flips], dtype=bool)
        # Output keys: the n compiled (code, rule) pairs, then their negation flips (id n + k).
        self.output_keys_ = keys + [(f, f"negated:{r}") if f is not None else (c, f"negated:{r}")
                                 for (c, r), f in zip(keys, flips)]
        self._out_code = np.asarray([code_ix[c] for c, _ in self.output_keys_], dtype=np.int64)
        # the ``rule_confidence_`` key of each output key, and whether it is a negation flip
        self._out_names = [(f"{c}|{r}", i >= len(keys)) for i, (c, r) in enumerate(self.output_keys_)]
        rules = sorted({r for _, r in self.output_keys_})
        rule_rank = {r: i for i, r in enumerate(rules)}
        self._out_rule_rank = np.asarray([rule_rank[r] for _, r in self.output_keys_], dtype=np.int64)
        # Phrases of two or more tokens are found from their first two tokens:
        # sorted by the code of that pair, with their tokens (zero-padded) and key ids.
        multi = sorted(((_pair_code(t[0], t[1]), t, sorted(set(ids))) for t, ids in self._phrases.items()
                        if len(t) > 1), key=lambda x: (x[0], x[1]))
        width = max((len(t) for _, t, _ in multi), default=0)
        self._ph_pair = np.asarray([c for c, _, _ in multi], dtype=np.uint64)
        self._ph_len = np.asarray([len(t) for _, t, _ in multi], dtype=np.int64)
        self._ph_tokens = np.asarray([t + (0,) * (width - len(t)) for _, t, _ in multi],
                                     dtype=np.uint64).reshape(len(multi), width)
        self._ph_n_keys = np.asarray([len(ids) for _, _, ids in multi], dtype=np.int64)
        self._ph_keys = np.asarray([k for _, _, ids in multi for k in ids], dtype=np.int64)
        self._firsts = frozenset(t[0] for _, t, _ in multi)
        self._seconds = frozenset(t[1] for _, t, _ in multi)
        self._form_table: FormTable | None = None
        self._wildcard = self._spec_ids.get((), -1)  # the token test every token passes
        # the token tests by attribute: every hash some test of it accepts (sorted), and per hash the
        # tests accepting it, once per (attribute, values) pair of the test; a form passes a test when
        # it is accepted as often as the test has pairs (the test of no pair, ``*``, by every form)
        self._spec_n = np.zeros(len(self._spec_ids), dtype=np.int64)
        by_attr: dict[str, dict[int, list[int]]] = {}
        for spec, j in self._spec_ids.items():
            self._spec_n[j] = len(spec)
            for attr, accepted in spec:
                for h in accepted:
                    by_attr.setdefault(attr, {}).setdefault(h, []).append(j)
        self._spec_by_attr = {attr: (np.asarray(sorted(tests), dtype=np.uint64), tests)
                              for attr, tests in by_attr.items()}
        # the hashes each per-form flag tests for, as sorted arrays (one ``isin`` per batch of new forms)
        self._flag_values = {name: np.asarray(sorted(values), dtype=np.uint64) for name, values in (
            ("negator", self._negator_hashes), ("stop", self._negator_hashes | self._barrier_hashes),
            ("first", self._firsts), ("second", self._seconds), ("end", self._sentence_end_set),
            ("anchor0", {h for c, h in self._anchor_index if c == 0}),
            ("anchor1", {h for c, h in self._anchor_index if c == 1}))}
        self._one_token = {tokens[0]: tuple(ids) for tokens, ids in self._phrases.items() if len(tokens) == 1}
        # the single-word rules and the context anchors in one table (context block c as -1 - c), so
        # that one pass over a form's parts (:meth:`_token_hits`) finds both, each in its own order
        both: dict[str, list[int]] = {w: list(ids) for w, ids in self._single.items()}
        both_prefixes: dict[str, list[int]] = {w: list(ids) for w, ids in self._prefixes.items()}
        for table, blocks_of in ((both, self._ctx_single), (both_prefixes, self._ctx_prefixes)):
            for w, blocks in blocks_of.items():
                table.setdefault(w, []).extend(-1 - c for c in blocks)
        self._both = (both, both_prefixes)
        self._ctx_memo: dict[int, tuple[tuple[int, ...], tuple[int, ...]]] = {}  # hash → (rule hits, blocks)
        self._f_passing: list[np.ndarray] = []

    def _form_tables(self) -> None:
        """Extend the per-form tables to every form of the lemmatizer's :class:`FormTable`.

        What a rule needs of a token (its single-token rule hits, the pattern
        anchors it is, whether it is a negator, a barrier, or can start a
        phrase) depends on its form alone, so it is computed once per form and
        looked up per token with numpy.
        """
        nlp = get_nlp()  # the pipeline the batches come from
        table = get_lemmatizer().forms
        if self._form_table is table and len(self._f_hits) == len(table):
            return
        with _FORMS_LOCK:  # one writer at a time; readers see whole rows only (lists last)
            self._extend_form_tables(nlp, table)

    def _extend_form_tables(self, nlp, table) -> None:
        if self._form_table is not table:  # first use (or another pipeline): start over
            self._f_hits: list[tuple[int, ...]] = []
            self._f_anchors: list[tuple[int, ...]] = []
            self._f_flags = np.zeros((0, 6), dtype=bool)  # has hit, has anchor, negator, stop, phrase start, sentence end
            self._f_second = np.zeros(0, dtype=bool)
            self._f_specs = np.zeros((len(self._spec_ids), 0), dtype=bool)  # token test × form
            self._f_ctx = np.zeros((len(self._contexts), 0), dtype=bool)  # context block × form: an anchor
            self._form_table = table
        done, total = len(self._f_hits), len(table)
        if done == total:
            return
        n_new = total - done
        columns = {"LEMMA": table.lemma[done:], "LOWER": table.lower[done:], "ORTH": table.orth[done:]}
        # token tests: only the forms some test accepts are counted, one attribute at a time
        at: list[int] = []  # form row × n_specs + test, once per (attribute, values) pair passed
        n_specs = len(self._spec_ids)
        for attr, (values, tests) in self._spec_by_attr.items():
            col = columns[attr]
            rows = np.flatnonzero(np.isin(col, values))
            for r, h in zip(rows.tolist(), col[rows].tolist()):
                at += [r * n_specs + j for j in tests[h]]
        passed = np.bincount(np.asarray(at, dtype=np.int64), minlength=n_new * n_specs).reshape(n_new, n_specs)
        specs = passed == self._spec_n
        strings = nlp.vocab.strings
        one_token = self._one_token
        lower_col, lemma_col = columns["LOWER"], columns["LEMMA"]
        key_col = lemma_col if self.lemma_phrases else lower_col
        flag_values = self._flag_values

        def flag(name: str, col: np.ndarray) -> np.ndarray:
            return np.isin(col, flag_values[name])
        new_hits: list[tuple[int, ...]] = []
        new_ctx: list[tuple[int, ...]] = []
        both, both_prefixes = self._both
        lengths = self._key_lengths(both, both_prefixes)
        memo = self._ctx_memo
        lowers, lemmas = lower_col.tolist(), lemma_col.tolist()
        for lower, lemma, key in zip(lowers, lemmas, key_col.tolist()):
            got = memo.get(lemma)
            if got is None:
                got = memo[lemma] = _split_hits(self._token_hits(strings[lemma], both, both_prefixes, lengths))
            found, blocks = got
            if lower != lemma:
                got = memo.get(lower)
                if got is None:
                    got = memo[lower] = _split_hits(self._token_hits(strings[lower], both, both_prefixes, lengths))
                more, more_blocks = got
                if more:
                    found = tuple(dict.fromkeys(found + more)) if found else more
                blocks += more_blocks
            phrase = one_token.get(key)
            if phrase:
                found = tuple(dict.fromkeys(found + phrase))
            new_hits.append(found)
            new_ctx.append(blocks)
        # pattern anchors: only the forms whose lemma or lower-case form is one
        new_anchors: list[tuple[int, ...]] = [()] * n_new
        index = self._anchor_index
        for r in np.flatnonzero(flag("anchor0", lemma_col) | flag("anchor1", lower_col)).tolist():
            new_anchors[r] = tuple(dict.fromkeys(index.get((0, lemmas[r]), []) + index.get((1, lowers[r]), [])))
        flags = np.empty((n_new, 6), dtype=bool)
        flags[:, 0] = np.fromiter(map(bool, new_hits), dtype=bool, count=n_new)
        flags[:, 1] = np.fromiter(map(bool, new_anchors), dtype=bool, count=n_new)
        flags[:, 2] = flag("negator", lower_col)
        flags[:, 3] = flag("stop", lower_col)
        flags[:, 4] = flag("first", key_col)
        flags[:, 5] = flag("end", lower_col)
        self._f_specs = np.ascontiguousarray(np.concatenate([self._f_specs, specs.T], axis=1))
        ctx = np.zeros((n_new, len(self._contexts)), dtype=bool)
        for row, blocks in enumerate(new_ctx):  # the context blocks whose anchor a form is
            if blocks:
                ctx[row, list(blocks)] = True
        self._f_ctx = np.ascontiguousarray(np.concatenate([self._f_ctx, ctx.T], axis=1))
        # per test: the forms passing it (the new forms' appended to the tests some new form passes)
        if done and len(self._f_passing) == specs.shape[1]:
            passing = list(self._f_passing)
            for j in np.flatnonzero(specs.any(axis=0)).tolist():
                passing[j] = np.concatenate([passing[j], done + np.flatnonzero(specs[:, j])])
            self._f_passing = passing
        else:
            self._f_passing = [np.flatnonzero(row) for row in self._f_specs]
        self._f_flags = np.concatenate([self._f_flags, flags])
        self._f_second = np.concatenate([self._f_second, flag("second", key_col)])
        self._f_anchors = self._f_anchors + new_anchors
        self._f_hits = self._f_hits + new_hits  # last: its length says how many forms are ready

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

    def _token_hits(self, form: str, single: dict | None = None, prefixes: dict | None = None,
                    lengths: tuple | None = None) -> tuple[int, ...]:
        """Single-word lemma rules (key ids) a form meets: itself, a part of a hyphenated
        word (*AVG-privacywetgeving*), or as the head of a compound
        (*casusregisseur* meets ``regisseur``; head ≥ 5, modifier ≥ 4 letters), or
        beginning with a modifier rule (``privacy*`` meets *privacyrisico* and *privacy*).
        ``lengths`` is :meth:`_key_lengths` of ``single`` and ``prefixes`` (found when not given)."""
        single = self._single if single is None else single
        prefixes = self._prefixes if prefixes is None else prefixes
        hits: dict[int, None] = {}
        forms = {form, *(p for p in form.split("-") if p)} if "-" in form else {form}
        heads, modifiers, heads_by_n = lengths if lengths is not None else self._key_lengths(single, prefixes)
        get = single.get
        for f in forms:
            for hit in get(f, ()):
                hits[hit] = None
            n = len(f)
            # heads f[i:] for 4 <= i < n - 4, longest first — only the lengths some word has
            sizes = heads_by_n.get(n)
            if sizes is None:
                sizes = heads_by_n[n] = [size for size in heads if 4 < size <= n - 4]
            for size in sizes:
                found = get(f[n - size:])
                if found:
                    for hit in found:
                        hits[hit] = None
            # modifiers f[:i] for 3 <= i <= n, shortest first
            for size in modifiers:
                if size > n:
                    break
                for hit in prefixes.get(f[:size], ()):
                    hits[hit] = None
        return tuple(hits)

    def _key_lengths(self, single: dict, prefixes: dict) -> tuple[list[int], list[int], dict[int, list[int]]]:
        """The lengths of ``single``'s words (longest first) and of ``prefixes``' (shortest first, ≥ 3),
        and (filled as forms are met) for each form length ``n`` the heads' lengths between 5 and ``n - 4``."""
        cache = self._lengths_cache  # reset with every compile, so an id is never a freed dict's
        key = (id(single), len(single), id(prefixes), len(prefixes))
        found = cache.get(key)
        if found is None:
            found = cache[key] = (sorted({len(w) for w in single}, reverse=True),
                                  sorted(n for n in {len(w) for w in prefixes} if n >= 3), {})
        return found

    def _phrase_spans(self, batch: Batch, forms: np.ndarray) -> tuple[list[int], list[int], list[int]]:
        """(key ids, start rows, end rows) of the phrases of two or more tokens in a batch.

        What a PhraseMatcher on LEMMA (or LOWER) finds, every occurrence
        including overlapping ones. Candidates are the rows whose token can
        begin a phrase and whose next token can be a phrase's second (two
        table lookups); each candidate's pair of tokens selects the phrases
        that begin with it (a binary search on the pair's code), and each such
        (candidate, phrase) is compared token by token, within its passage —
        all with arrays.
        """
        if not len(self._ph_len) or len(forms) < 2:
            return [], [], []
        cand = np.flatnonzero(self._f_flags[forms[:-1], 4] & self._f_second[forms[1:]])
        col = batch.arrays[:, 0 if self.lemma_phrases else 1]
        code = _pair_code(col[cand], col[cand + 1])
        lo = np.searchsorted(self._ph_pair, code, side="left")
        n = np.searchsorted(self._ph_pair, code, side="right") - lo
        row = np.repeat(cand, n)
        phrase = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(int(n.sum()))
        length = self._ph_len[phrase]
        fits = row + length <= batch.last[batch.token_passage[row]]
        row, phrase, length = row[fits], phrase[fits], length[fits]
        width = self._ph_tokens.shape[1]
        at = np.minimum(row[:, None] + np.arange(width)[None, :], len(col) - 1)
        same = (col[at] == self._ph_tokens[phrase]) | (np.arange(width)[None, :] >= length[:, None])
        ok = same.all(axis=1)
        row, phrase, length = row[ok], phrase[ok], length[ok]
        # each phrase's key ids (one, unless several codes share the phrase)
        n = self._ph_n_keys[phrase]
        first_key = np.cumsum(self._ph_n_keys) - self._ph_n_keys
        keys = self._ph_keys[np.repeat(first_key[phrase] - np.cumsum(n) + n, n) + np.arange(int(n.sum()))]
        starts = np.repeat(row, n)
        return keys.tolist(), starts.tolist(), (starts + np.repeat(length, n)).tolist()

    def predict_batch(self, batch: Batch) -> dict[int, list[Suggestion]]:
        """Suggestions for the passages of one :class:`~altena_qca.coding.nlp.Batch`.

        Every firing is gathered as (rule key, start row, end row); exclusion,
        negation, the character spans and the choice of one suggestion per
        code and span are then computed with numpy for the whole batch.

        Returns
        -------
        dict
            Batch position of a passage → its suggestions (passages without
            any are left out).
        """
        return self._suggestions(self.find_batch(batch))

    def find_batch(self, batch: Batch):
        """The suggestions of a batch as arrays, or None when there are none.

        Returns
        -------
        passage, key, start, end : ndarray
            Batch position of the passage, output key (``output_keys_``: code and
            rule), character span; sorted by passage, start, end, code and rule.
        conf : ndarray
            Confidence (as float64).
        confs : list
            Confidence of each output key (index with ``key``).
        """
        check_is_fitted(self, "rules_")
        if not len(batch.arrays):
            return None
        memo = batch.found.get(id(self))
        if memo is not None and memo[0] is self.rule_confidence_ and memo[1] == len(self.rule_confidence_):
            return memo[2]
        result = self._find_batch(batch)
        batch.found[id(self)] = (self.rule_confidence_, len(self.rule_confidence_), result)
        return result

    def _find_batch(self, batch: Batch):
        self._form_tables()
        forms = batch.forms
        # single-token rules (lemmas, one-token phrases): per-form hit lists
        rows = np.flatnonzero(self._f_flags[forms, 0])
        hits = self._f_hits
        keys, starts = [], []
        for r, f in zip(rows.tolist(), forms[rows].tolist()):
            found = hits[f]
            keys += found
            starts += [r] * len(found)
        K = np.asarray(keys, dtype=np.int64)
        S = np.asarray(starts, dtype=np.int64)
        E = S + 1
        pk, ps, pe = self._phrase_spans(batch, forms)
        mk, ms, me = self._match_patterns(batch, forms) if self._patterns else ([], [], [])
        if pk or mk:
            K = np.concatenate([K, np.asarray(pk + mk, dtype=np.int64)])
            S = np.concatenate([S, np.asarray(ps + ms, dtype=np.int64)])
            E = np.concatenate([E, np.asarray(pe + me, dtype=np.int64)])
        if len(K) and self._contexts:
            K, S, E = self._in_context(batch, forms, K, S, E)
        if not len(K):
            return None
        return self._best(batch, *self._resolve(batch, forms, K, S, E))

    def _in_context(self, batch: Batch, forms: np.ndarray, K: np.ndarray, S: np.ndarray, E: np.ndarray):
        """The firings without those of a ``context`` block whose scope holds none of its anchors."""
        ctx = self._key_ctx[K]
        keep = ctx < 0
        if keep.all():
            return K, S, E
        tp = batch.token_passage
        unit = tp
        if any(scope == "sentence" for _, _, scope in self._contexts):
            ends = self._f_flags[forms, 5]
            start = np.zeros(len(forms), dtype=bool)
            start[1:] = ends[:-1]
            start[batch.first[batch.last > batch.first]] = True
            sentence = np.cumsum(start)
        for c in np.unique(ctx[~keep]).tolist():
            unit = sentence if self._contexts[c][2] == "sentence" else tp
            anchored = unit[np.flatnonzero(self._f_ctx[c][forms])]
            mine = ctx == c
            keep[mine] = np.isin(unit[S[mine]], anchored)
        return K[keep], S[keep], E[keep]

    def _match_patterns(self, batch: Batch, forms: np.ndarray) -> tuple[list[int], list[int], list[int]]:
        """Every match of the token patterns in a batch: (key ids, start rows, end rows).

        A translated pattern (:meth:`_steps`) runs on the whole batch at once
        (:meth:`_run_steps`, from the rows where its first token matches). Any
        other runs spaCy's Matcher only where it can match: on the passages
        that hold all its anchors and, when its length is bounded, only on
        windows from an occurrence of its first anchor to a later occurrence
        of its last anchor no further away than the pattern allows, widened by
        the tokens the pattern may have before the first and after the last
        anchor.
        """
        tp, first, last = batch.token_passage, batch.first, batch.last
        keys, starts, ends = [], [], []
        limit = last[tp]
        specs = _TestRows(self._f_specs, forms)  # token test × row, a test's row made when first needed
        counts: dict[int, np.ndarray] = {}  # token test → rows passing it, made when a pattern needs it
        untranslated = []
        for matcher, anchors, steps, key in self._patterns:
            if steps is None:
                untranslated.append((matcher, anchors))
                continue
            s_, e_ = self._run_steps(steps, specs, limit, counts)
            keys += [key] * len(s_)
            starts += s_
            ends += e_
        if not untranslated:
            return keys, starts, ends
        rows: dict[int, list[int]] = {}
        anchors_of = self._f_anchors
        hit = np.flatnonzero(self._f_flags[forms, 1])
        for r, f in zip(hit.tolist(), forms[hit].tolist()):
            for anchor in anchors_of[f]:
                rows.setdefault(anchor, []).append(r)
        match_keys = self._match_keys
        for matcher, anchors in untranslated:
            found = [np.asarray(rows.get(a[0], ()), dtype=np.int64) for a in anchors]
            if not anchors or any(not len(f) for f in found):
                windows = [] if anchors else [(p, 0, int(last[p] - first[p])) for p in range(len(batch.texts))]
            elif any(a[1] is None or a[2] is None for a in anchors):  # unbounded: whole passages
                cands = set(tp[found[0]].tolist())
                for f in found[1:]:
                    cands &= set(tp[f].tolist())
                windows = [(p, 0, int(last[p] - first[p])) for p in sorted(cands)]
            else:
                windows = self._windows(anchors, found, tp, first, last)
            for p, a, b in windows:
                off = int(first[p]) + a
                for match_id, start, end in matcher(batch.doc(p)[a:b]):
                    keys.append(match_keys[match_id])
                    starts.append(off + start)
                    ends.append(off + end)
        return keys, starts, ends

    def _run_steps(self, steps, specs: _TestRows, limit: np.ndarray,
                   counts: dict | None = None) -> tuple[list[int], list[int]]:
        """Every match of a translated pattern in a batch: (start rows, end rows).

        ``specs[t, r]`` says whether the token of row ``r`` passes token test
        ``t`` (``_f_specs`` of the row's form); ``limit[r]`` is the end row of
        the passage of row ``r``: a match does not cross it. What spaCy's
        Matcher gives on each passage: every distinct non-empty ``[start,
        end)`` whose tokens the pattern matches (an optional token may be taken
        or skipped; a match found on a window of a passage is one of these).
        All candidate starts are run at once: ``reach[c, k]`` says the match
        begun at candidate ``c`` can have consumed ``k`` tokens so far.
        With ``counts`` (a dict filled on demand: token test → the sorted rows
        that pass it), candidates are first narrowed to those with a token for every
        required step within reach, so a pattern that starts with a common word
        costs little where its rarer words are absent.
        """
        n_steps, n_rows = len(steps), len(specs)
        if steps[0][1]:
            cand = np.arange(n_rows)
        elif counts is not None:  # a required first token: only where it matches
            first = counts.get(steps[0][0])
            if first is None:
                first = counts[steps[0][0]] = specs.rows(steps[0][0], self._f_passing[steps[0][0]])
            cand = first
        else:
            cand = specs.rows(steps[0][0], self._f_passing[steps[0][0]])
        if not len(cand):
            return [], []
        if counts is not None:
            # a required step i after the first matches a token in rows [c + (required steps
            # before i), c + i]: keep the candidates whose window holds one (a running count)
            required = 0
            wildcard = self._wildcard
            for i, (spec, optional) in enumerate(steps):
                if optional:
                    continue
                if i and spec != wildcard:
                    rows = counts.get(spec)
                    if rows is None:
                        rows = counts[spec] = specs.rows(spec, self._f_passing[spec])
                    cand = cand[np.searchsorted(rows, cand + i + 1) > np.searchsorted(rows, cand + required)]
                    if not len(cand):
                        return [], []
                required += 1
        pos = cand[:, None] + np.arange(n_steps)[None, :]
        inside = pos < limit[cand][:, None]
        pos = np.minimum(pos, n_rows - 1)
        reach = np.zeros((len(cand), n_steps + 1), dtype=bool)
        reach[:, 0] = True
        wildcard, i = self._wildcard, 0
        k_all = np.arange(n_steps + 1)
        while i < n_steps:
            spec, optional = steps[i]
            run = 1
            while spec == wildcard and optional and i + run < n_steps and steps[i + run] == (wildcard, True):
                run += 1
            if run > 1:
                # ``run`` optional any-tokens at once: k consumed tokens are reached from
                # any of k - run .. k - 1 as long as the k-th token is inside the passage
                # (``inside`` only turns false once, so the tokens before are inside too).
                sums = np.zeros((len(cand), n_steps + 2), dtype=np.int32)
                np.cumsum(reach, axis=1, out=sums[:, 1:])
                earlier = (sums[:, k_all] - sums[:, np.maximum(k_all - run, 0)]) > 0
                reach[:, 1:] |= earlier[:, 1:] & inside
            else:
                step = np.zeros_like(reach)
                step[:, 1:] = reach[:, :-1] & inside
                if spec != wildcard:
                    step[:, 1:] &= specs.at(spec, pos)
                reach = step | reach if optional else step
            i += run
        c, k = np.nonzero(reach[:, 1:])
        return cand[c].tolist(), (cand[c] + k + 1).tolist()

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

    def _resolve(self, batch: Batch, forms: np.ndarray, K: np.ndarray, S: np.ndarray, E: np.ndarray):
        """Apply exclude and negation to the firings (key ids ``K``, rows ``[S, E)``).

        Returns the output keys (a negated firing becomes key ``n + k``: its
        code's ``negation_flips_to`` and rule ``negated:...``), the start rows
        (a flip starts at its negator), the end rows and the passage of each
        firing, for the firings that are not suppressed.

        Rows are those of the whole batch, as exclusion windows are.
        """
        n = len(self._key_list)
        tp, first = batch.token_passage, batch.first
        code = self._key_code[K]
        window = self._code_window[code]
        excl = self._key_exclude[K]
        keep = ~excl
        # exclude: a veto on the same code overlapping or within its window, in
        # the same passage (rows of a batch run on from one passage to the next)
        where = tp[S]
        for c, s, e in set(zip(code[excl].tolist(), S[excl].tolist(), E[excl].tolist())):
            keep &= ~((code == c) & (where == tp[s]) & (s - window <= E) & (S <= e + window))
        K, S, E, code, window = K[keep], S[keep], E[keep], code[keep], window[keep]
        passage = tp[S]
        negator, stop = self._f_flags[forms, 2], self._f_flags[forms, 3]
        rows = np.arange(len(forms))
        # the nearest negator or barrier before each row (-1: none)
        last_stop = np.maximum.accumulate(np.where(stop, rows, -1))
        before = np.where(S > 0, last_stop[np.maximum(S - 1, 0)], -1)
        lo = first[passage]
        neg_before = (before >= np.maximum(lo, S - window)) & negator[np.maximum(before, 0)] & (before >= 0)
        # a token pattern is also negated by a negator inside its match after the first token
        count = np.concatenate([[0], np.cumsum(negator)])
        inside = self._key_pattern[K] & (count[E] - count[S + 1] > 0)
        negated = self._key_neg[K] & ~negator[S] & (neg_before | inside)
        flips = self._key_flips[K]
        keep = ~negated | flips
        out = np.where(negated, K + n, K)
        start = np.where(neg_before, before, S)
        start = np.where(negated, start, S)
        return out[keep], start[keep], E[keep], passage[keep]

    def _confidences(self) -> tuple[list, np.ndarray]:
        """The confidence of every output key (list and array), made once per calibration."""
        cached = getattr(self, "_conf_cache", None)
        if cached is None or cached[0] is not self.rule_confidence_ or cached[1] != len(self.rule_confidence_):
            get = self.rule_confidence_.get
            confs = [get(name, self.negated_confidence if negated else self.confidence)
                     for name, negated in self._out_names]
            cached = self._conf_cache = (self.rule_confidence_, len(self.rule_confidence_), confs,
                                         np.asarray(confs, dtype=np.float64))
        return cached[2], cached[3]

    def _best(self, batch: Batch, K, S, E, passage):
        """One firing per passage, code and character span (highest confidence, then
        rule name), sorted by passage, start, end, code and rule (see :meth:`_find`)."""
        if not len(K):
            return None
        arr = batch.arrays
        s0 = arr[S, 2].astype(np.int64)
        e0 = (arr[E - 1, 2] + arr[E - 1, 3]).astype(np.int64)
        confs, conf_array = self._confidences()
        conf = conf_array[K]
        code, rank = self._out_code[K], self._out_rule_rank[K]
        slot = passage * len(self._codes) + code  # passage, then code (codes are numbered in sorted order)
        if self.ranked and not self.rule_confidence_:
            # uncalibrated: by the number of distinct rules (a flip counts as its rule) of the code in the passage
            n_keys = len(self._key_list)
            pairs = np.unique(slot * n_keys + K % n_keys)
            slots, counts = np.unique(pairs // n_keys, return_counts=True)
            levels = np.asarray(self.ranked, dtype=np.float64)
            conf = levels[np.minimum(counts[np.searchsorted(slots, slot)], len(levels)) - 1]
        order = np.lexsort((rank, conf, e0, s0, slot))
        group = np.stack([slot, s0, e0])[:, order]
        best = order[np.r_[np.any(group[:, 1:] != group[:, :-1], axis=0), True]]
        # codes are numbered in sorted order, so the code number sorts like the code
        best = best[np.lexsort((rank[best], code[best], e0[best], s0[best], passage[best]))]
        return passage[best], K[best], s0[best], e0[best], conf[best], confs

    def _suggestions(self, found) -> dict[int, list[Suggestion]]:
        """:meth:`_find`'s arrays as lists of :class:`Suggestion` per batch position."""
        out: dict[int, list[Suggestion]] = {}
        if found is None:
            return out
        passage, key, start, end, conf, _ = found
        keys = self.output_keys_
        for p, k, a, b, q in zip(passage.tolist(), key.tolist(), start.tolist(), end.tolist(), conf.tolist()):
            c, r = keys[k]
            found_p = out.get(p)
            if found_p is None:
                found_p = out[p] = []
            found_p.append(_suggestion(c, a, b, q, r))
        return out

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
