"""The moment and stance of an effect the auto-coder found only by its topic.

The rules find an effect by the words of its topic — *vertrouwen*,
*afstemming*, *besluit* — and suggest the effect's general code
(``effects.trust``). The effects tables count only the stance codes the
codebook's ``analysis.effects`` names (``effects.trust.today.negative``,
``effects.trust.wams.improves``, ...), so in a study coded by the auto-coder
alone every table would stay empty. :class:`EffectStance` reads the sentence
around the topic word with a small Dutch lexicon
(``altena_qca/resources/codebook/stance_nl.yaml``):

1. the moment: *under the Wams* when the sentence names the Wams (or a new
   law, *straks*), or when the passage names it and the sentence looks ahead
   (*zal, zou, verwacht*); *today* otherwise — unless the code already says
   (``effects.trust.today``);
2. the stance: cues for each stance of that moment counted in the sentence
   (the topic words themselves left out), a cue after a negator counting the
   other way (*niet goed*, *geen probleem*, *niet beter* under the Wams = the
   same); when a short or questioning topic sentence is silent ("Het
   vertrouwen? Dat lijdt eronder."), the next one is read.

A clear majority picks the stance code; a tie, silence, or a stance the
tables do not have (*worse under the Wams*) keeps the general code, which the
report then names as "gecodeerd zonder moment of richting". The rule name
says what happened (``stance:today.negative+lemma:vertrouwen``).

Examples
--------
>>> from altena_qca import load_codebook
>>> es = EffectStance(load_codebook())
>>> es.resolve("effects.trust", "Het vertrouwen tussen de partners lijdt eronder.", 4, 14)
'effects.trust.today.negative'
>>> es.resolve("effects.coordination", "Ik denk dat de Wams de afstemming zou verbeteren.", 23, 33)
'effects.coordination.wams.improves.tasks'
>>> es.resolve("effects.trust", "Over vertrouwen wil ik iets zeggen.", 5, 15)
'effects.trust'
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..codebook import effect_codes
from ..model import PARTS, Codebook
from ..resources import codebook_file
from .rules import Suggestion, _suggestion

__all__ = ["DEFAULT_STANCE_LEXICON", "EffectStance", "WamsMoment"]

#: The Dutch stance lexicon (cues per moment and stance, Wams and negation markers).
DEFAULT_STANCE_LEXICON = codebook_file("stance_nl.yaml")
_SENTENCE_END = re.compile(r"[.!?;]+(?=\s|$)")
_WORD = re.compile(r"\w+")
#: A topic sentence of at most this many words may take its stance from the next sentence.
_SHORT = 5
#: ... when that sentence begins by referring back to it.
_REFERS_BACK = re.compile(r"(?:dat|die|dit|het|dan|daar|daarin|daarmee|ook)\b")


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    """One regex for a list of cues, each matched at the start of a word."""
    return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")


@dataclass(frozen=True)
class _Lexicon:
    wams: re.Pattern[str]
    future: re.Pattern[str]
    doubt: re.Pattern[str]
    negator: re.Pattern[str]
    cues: dict[str, dict[str, re.Pattern[str]]]  # moment -> stance -> cue regex

    @classmethod
    def read(cls, path: str | Path) -> _Lexicon:
        """The lexicon of ``path``, parsed and compiled once per process (``suggest`` makes a
        :class:`WamsMoment` per call, and the engines call it per document)."""
        return _read_lexicon(str(path))

    @classmethod
    def _parse(cls, path: str) -> _Lexicon:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return cls(wams=_alternation(data["wams_markers"]), future=_alternation(data["future_markers"]),
                   doubt=_alternation(data["doubt_markers"]),
                   negator=_alternation(data["negators"]),
                   cues={m: {s: _alternation(p) for s, p in stances.items()}
                         for m, stances in data["stances"].items()})


@lru_cache(maxsize=8)
def _read_lexicon(path: str) -> _Lexicon:
    return _Lexicon._parse(path)


def _flip(moment: str, stance: str) -> str | None:
    """The stance a negated cue counts for."""
    return {("today", "negative"): "positive", ("today", "positive"): "negative",
            ("wams", "improves"): "same", ("wams", "same"): "improves",
            ("wams", "worse"): "same"}.get((moment, stance))


class EffectStance:
    """Resolve an effect's general code to the stance code the effects tables count.

    Parameters
    ----------
    codebook : Codebook
        Its ``analysis.effects`` says which code carries each moment and stance.
    lexicon : path, optional
        Default :data:`DEFAULT_STANCE_LEXICON`.
    learned : iterable of str, optional
        Codes a model has learned from the study's own codings. An effect
        with a learned stance code is left to that model: on the bundled
        corpus the lexicon on top of a trained model lowers the per-code
        agreement (kappa 0.83 → 0.79), while for the rules alone it raises it
        (0.57 → 0.59).
    """

    def __init__(self, codebook: Codebook, lexicon: str | Path = DEFAULT_STANCE_LEXICON,
                 learned: Iterable[str] = ()):
        self.lexicon = _Lexicon.read(lexicon)
        learned = set(learned)
        #: general code -> (stance codes per moment and stance, the moment the code fixes or None)
        self.targets: dict[str, tuple[dict[str, dict[str, str]], str | None]] = {}
        for stance_codes, general in effect_codes(codebook).values():
            if learned.intersection(c for per in stance_codes.values() for c in per.values()):
                continue
            for code, moment in general.items():
                self.targets[code] = (stance_codes, moment)

    def resolve(self, code: str, text: str, start: int, end: int) -> str:
        """The stance code for ``code`` found at ``text[start:end]``, or ``code`` when undecided."""
        return self._resolve(code, text, start, end)[0]

    def _resolve(self, code: str, text: str, start: int, end: int) -> tuple[str, str]:
        """``(code, "moment.stance")``, or ``(code, "")`` when undecided."""
        target = self.targets.get(code)
        if target is None:
            return code, ""
        stance_codes, moment = target
        sentences = _sentences(text)
        at = next((i for i, (a, b) in enumerate(sentences) if a <= start < b), None)
        if at is None:
            return code, ""
        a, b = sentences[at]
        sentence = text[a:b]
        if moment is None:
            lx = self.lexicon
            moment = "wams" if lx.wams.search(sentence.lower()) or (
                lx.wams.search(text.lower()) and lx.future.search(sentence.lower())) else "today"
        # an elliptic topic sentence ("Het vertrouwen? Dat lijdt eronder.") leaves its stance to the next one
        nxt = text[sentences[at + 1][0]:sentences[at + 1][1]].lstrip().lower() if at + 1 < len(sentences) else ""
        short = (text[a:b].rstrip().endswith("?") or len(_WORD.findall(text[a:b])) <= _SHORT) and \
            _REFERS_BACK.match(nxt) is not None
        for i in ((at, at + 1) if short else (at,)):
            if i >= len(sentences):
                break
            a, b = sentences[i]
            blank = (max(start, a) - a, max(min(end, b) - a, 0)) if i == at else (0, 0)
            stance = self._stance(moment, text[a:b], blank)
            if stance == "":
                continue
            if stance and stance in stance_codes[moment]:
                return stance_codes[moment][stance], f"{moment}.{stance}"
            return code, ""
        return code, ""

    def _stance(self, moment: str, sentence: str, blank: tuple[int, int]) -> str | None:
        """The stance the cues of ``sentence`` point to; ``""`` when it has none, None on a tie."""
        low = sentence.lower()
        low = low[:blank[0]] + " " * (blank[1] - blank[0]) + low[blank[1]:]
        votes: dict[str, int] = {}
        doubt = self.lexicon.doubt.search(low)
        for stance, cue in self.lexicon.cues.get(moment, {}).items():
            for m in cue.finditer(low):
                before = _WORD.findall(low[max(0, m.start() - 30):m.start()])[-2:]
                negated = any(self.lexicon.negator.fullmatch(w) for w in before)
                if doubt is not None and doubt.start() < m.start():
                    negated = not negated
                counted = _flip(moment, stance) if negated else stance
                if counted:
                    votes[counted] = votes.get(counted, 0) + 1
        if not votes:
            return ""
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None
        return ranked[0][0]

    def apply(self, found: list[Suggestion], text: str) -> list[Suggestion]:
        """``found`` (one passage's suggestions) with general effect codes resolved where the text decides.

        A resolved suggestion keeps its span and confidence and names the
        stance in its rule; when the stance code is already suggested for the
        passage the general one is dropped (one suggestion per code).
        """
        if not any(s.code in self.targets for s in found):
            return found
        have = {s.code for s in found}
        out = []
        for s in found:
            code, how = self._resolve(s.code, text, s.start, s.end) if s.code in self.targets else (s.code, "")
            if code == s.code:
                out.append(s)
            elif code not in have:
                have.add(code)
                out.append(_suggestion(code, s.start, s.end, s.confidence, f"stance:{how}+{s.rule}"))
        return sorted(out, key=lambda s: s.code)


class WamsMoment:
    """Keep a suggested expectation of the Wams only where the interview is about the Wams.

    The codes of the codebook's Wams branch (the top code that holds
    ``analysis.wams_other``: opinions on the Wams, the definition of
    'noodzakelijk', privacy at risk, the client's trust damaged, falling back
    on professional secrecy *under the Wams*) share their words with today's
    practice: "de GGZ geeft niets door vanwege het beroepsgeheim" is not an
    expectation of the Wams. In an interview whose parts are known, such a
    suggestion in a turn outside the parts about the Wams (1 and 4 of the
    topic list) that does not name the Wams (or a new law, *straks*) is
    dropped. A turn of unknown part (0), or a free passage, keeps it: there
    is nothing to tell by.

    Examples
    --------
    >>> from altena_qca import load_codebook
    >>> from altena_qca.coding.rules import Suggestion
    >>> wm = WamsMoment(load_codebook())
    >>> found = [Suggestion("wams.other.professional_secrecy", 0, 10, 0.7, "lemma:beroepsgeheim")]
    >>> [s.code for s in wm.keep(found, "Vanwege het beroepsgeheim geeft de GGZ niets door.", part=3)]
    []
    >>> [s.code for s in wm.keep(found, "Onder de Wams vallen we terug op het beroepsgeheim.", part=3)]
    ['wams.other.professional_secrecy']
    >>> [s.code for s in wm.keep(found, "Vanwege het beroepsgeheim geeft de GGZ niets door.", part=4)]
    ['wams.other.professional_secrecy']
    """

    def __init__(self, codebook: Codebook, lexicon: str | Path = DEFAULT_STANCE_LEXICON):
        self.lexicon = _Lexicon.read(lexicon)
        # the whole branch of the codebook the Wams expectations of analysis.wams_other sit in
        tops = {codebook.top_level(code) for code in (codebook.analysis.get("wams_other") or {}).values()
                if code in codebook}
        self.codes = {c for top in sorted(tops) for c in codebook.descendants(top)}
        #: the interview parts about the Wams (their names in the topic list say so)
        self.parts = frozenset(p for p, name in PARTS.items() if "wams" in name.lower())

    def keep(self, found: list[Suggestion], text: str, part: int) -> list[Suggestion]:
        """``found`` without the Wams expectations that this turn gives no ground for."""
        if not part or part in self.parts or not any(s.code in self.codes for s in found):
            return found
        if self.lexicon.wams.search(text.lower()):
            return found
        return [s for s in found if s.code not in self.codes]


def _sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of the sentences of ``text``."""
    out, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append((pos, m.end()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text)))
    return out
