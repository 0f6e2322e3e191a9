"""Compile every matching rule of a codebook and find rules that can never match.

``altena-qca codebook validate`` and ``altena-qca check`` call
:func:`rule_problems`: every spaCy token pattern is compiled (all problems
are listed, not only the first, as the rule coder would raise), then the rule
coder itself is fitted once. Rules that compile but can never match are
warnings: a ``LEMMA``, ``LOWER`` or ``NORM`` value with capitals (lemmas and
lower-case forms are lower case), or an empty ``IN`` list.

Examples
--------
>>> from altena_qca.model import Code, Codebook
>>> cb = Codebook([Code("wams", "Wams", rules={"patterns": [[{"LEMMA": "Wams"}]]}, line=3)], path="cb.yaml")
>>> errors, warns = rule_problems(cb)
>>> errors, warns[0].split(";")[0]
([], "[W120] cb.yaml, line 3: code 'wams', pattern 1: LEMMA 'Wams' has capitals, but lemma values are lower case (write 'wams')")
"""
from __future__ import annotations

import re

from .errors import CodebookError, Errors, Warnings
from .model import Codebook

__all__ = ["rule_problems"]

_LOWER_ATTRS = ("LEMMA", "LOWER", "NORM")


def _values(spec):
    """The string values a token attribute spec compares with (plain or ``IN``/``==``)."""
    if isinstance(spec, str):
        return [spec], False
    if isinstance(spec, dict):
        out, empty_in = [], False
        for op, value in spec.items():
            if op in ("IN", "NOT_IN") and isinstance(value, list):
                empty_in = empty_in or (op == "IN" and not value)
                out += [v for v in value if isinstance(v, str) and op == "IN"]
            elif op == "==" and isinstance(value, str):
                out.append(value)
        return out, empty_in
    return [], False


def _never_matches(pattern) -> list[str]:
    """Why a token pattern can never match (empty list: it can)."""
    reasons = []
    for token in pattern:
        if not isinstance(token, dict):
            continue
        optional = str(token.get("OP", "1")) in ("?", "*", "!") or str(token.get("OP", "")).startswith("{0")
        for attr in _LOWER_ATTRS:
            if attr not in token:
                continue
            values, empty_in = _values(token[attr])
            upper = [v for v in values if v != v.lower()]
            if empty_in and not optional:
                reasons.append(f"{attr} IN [] matches no token")
            if upper and not optional and (not isinstance(token[attr], dict) or len(upper) == len(values)):
                reasons.append(f"{attr} {upper[0]!r} has capitals, but {attr.lower()} values are lower case "
                               f"(write {upper[0].lower()!r})")
    return reasons


def rule_problems(codebook: Codebook, *, fit: bool = True) -> tuple[list[str], list[str]]:
    """Errors (rules that do not compile) and warnings (rules that never match).

    Parameters
    ----------
    codebook
    fit
        Also fit the rule coder once (a few seconds), which checks what the
        token patterns do not (e.g. a multi-word lemma).

    Returns
    -------
    errors : list of str
        ``[E208]`` messages naming file, line and code, one per bad pattern.
    warnings : list of str
        ``[W120]`` messages for patterns that compile but can never match.
    """
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

    vocab = Vocab()
    path = codebook.path or "codebook"
    errors: list[str] = []
    warns: list[str] = []
    for code in codebook:
        rules = code.rules or {}
        patterns = rules.get("patterns") or []
        for i, pattern in enumerate(patterns if isinstance(patterns, list) else [], 1):
            what = f"pattern {i}"
            try:
                Matcher(vocab).add("x", [pattern])
            except (ValueError, TypeError, KeyError, re.error) as exc:  # re.error: a bad REGEX
                errors.append(Errors.E208.format(path=path, line=code.line or "?", id=code.id,
                                                 reason=f"{what} does not compile: {' '.join(str(exc).split())}"))
                continue
            for reason in _never_matches(pattern):
                warns.append(Warnings.W120.format(path=path, line=code.line or "?", code=code.id,
                                                  rule=what, reason=reason))
    if fit and not errors:
        from .coding.rules import RuleCoder
        try:
            RuleCoder().fit(codebook=codebook)
        except CodebookError as exc:
            errors.append(str(exc))
    return errors, warns
