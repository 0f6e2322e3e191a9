"""Cut transcript paragraphs into speaker turns and the four interview parts.

Conventions read (as researchers type transcripts):

* a speaker label opens a turn: ``I:``/``R:``, ``Interviewer:``/``Respondent:``,
  ``Vraag:``/``Antwoord:``, ``Q:``/``A:``,
  ``Observator:``, or names mapped to a role in ``speakers``;
* a paragraph without a label continues the previous turn;
* timestamps such as ``[00:12:03]`` or ``[12:03]`` are kept as metadata and
  removed from the text, as are notes such as ``[bron: scriptie r. 412]``;
  other brackets (``[…]``, ``[parafrase]``, ``[cliënt]``) are text;
* the part (1–4, see :data:`~altena_qca.model.PARTS`) comes from headings
  when present, else from the interviewer turns: the topic-list questions
  they match and, for questions worded otherwise, the topic list's cue words
  and the order of the parts (:meth:`TopicList.parts_of_questions`,
  ``altena_qca/resources/codebook/topiclist.yaml``).

The document's plain text is the paragraphs as typed (labels included,
timestamps and notes removed), one per line; a segment spans the utterance
after its label.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .._io import check_input_file
from .._yamllines import error_line, load_yaml_lines, strip_lines
from ..errors import Errors, InputError, Warnings
from ..model import Document, Segment
from ..resources import DEFAULT_TOPICS
from .text import Paragraph

__all__ = ["DEFAULT_SPEAKERS", "TOPICS_FILE", "TopicList", "load_topic_list", "study_topics", "segment_paragraphs"]

#: Speaker labels understood without configuration (case-insensitive).
DEFAULT_SPEAKERS = {
    "i": "interviewer", "int": "interviewer", "interviewer": "interviewer", "onderzoeker": "interviewer",
    "r": "respondent", "resp": "respondent", "respondent": "respondent", "geïnterviewde": "respondent",
    "o": "observer", "observator": "observer", "observer": "observer", "observatie": "observer",
    "vraag": "interviewer", "antwoord": "respondent", "q": "interviewer", "a": "respondent",
}
# A prefix that looks like a speaker label ('Vraagsteller:', 'Anna:', 'P1:') but is not one
_LABEL_LIKE_RE = re.compile(r"^(?:[A-Z][\w'’-]{0,19}|[A-Z]\d{1,2})(?: [A-Z][\w'’-]{0,19})?$")

_TIMESTAMP = r"\[(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?\]"
_TS_RE = re.compile(r"\s*" + _TIMESTAMP + r"\s*")
_NOTE_RE = re.compile(r"\s*\[(bron|source|noot|note)\s*:\s*([^\]]*)\]\s*", re.IGNORECASE)
_LABEL_RE = re.compile(r"^(?P<label>[^\W\d][\w .'’-]{0,40}?)\s*:\s*(?P<rest>.*)$", re.DOTALL)
_PART_NUM_RE = re.compile(r"\b(?:deel|categorie|part|onderdeel)\s*([1-4])\b", re.IGNORECASE)
_WORD_RE = re.compile(r"\w+", re.UNICODE)


def _norm_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return _WORD_RE.findall(text)


#: Words too common to say which part a question belongs to.
_STOP = frozenset("""aan al alle als altijd andere bij dan dat de deze die dit doen door een en er ervaar ervaart ervaren
ga gaan geen had heb hebben heeft het hier hoe hoeveel hou ik in is je jij jou jouw jullie kan kun kunnen kunt
me meer met mij mijn na naar nog nu of om ook op over te tot u uw van voor wat wel welk welke wie worden wordt
zal ze zelf zich zijn zo zou zullen denk vind vindt iets gaat doet zien waar waarom wanneer eigenlijk gewoon
kan""".split())
#: A stem is a content word's first letters: *gegevensuitwisseling* and *gegevens* meet.
_STEM = 5
#: Evidence of an interviewer turn that matches a topic-list question (overlap coefficient ≥ 0.6).
_EXACT = 10.0
#: Content words (not stop words) a turn must share with a topic-list question to be that question.
_SHARED = 2
#: ``part_evidence``'s default: ask ``part_of_question`` (None is its answer "no topic-list question").
_ASK = -1
#: Evidence at least one turn must give before any part is assigned (one cue word that names one part).
_ENOUGH = 1.0
#: Cost of going back to an earlier part (interviews mostly follow the topic list's order).
_BACK = 3.0
#: Cost per part of opening an interview after part 1.
_LATE_START = 0.5
#: Cost per part of moving on (between two equally good readings, a turn stays in the part it is in).
_FORWARD = 0.1


def _move(frm: int, to: int) -> float:
    """The cost of going from part ``frm`` to part ``to`` between two interviewer turns."""
    return _BACK * (frm - to) if frm > to else _FORWARD * (to - frm)


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in _norm_words(text) if len(w) > 2 and w not in _STOP and not w.isdigit()}


@dataclass(frozen=True)
class TopicList:
    """Topic-list questions, heading keywords and cue words, by interview part.

    Parts of an interview without headings are read from its interviewer turns
    (:meth:`parts_of_questions`): a turn that matches a topic-list question is
    strong evidence for that question's part; any other question weighs the
    words it shares with each part's questions and cue words (informative ones
    — found in fewer parts — weigh more). The sequence of parts is the one
    that best fits the evidence while mostly going forward through the list
    (a dynamic programme over the turns), so an interviewer who words the
    questions differently still gets the four parts.

    Examples
    --------
    >>> topics = load_topic_list()
    >>> topics.parts_of_questions(["Kun je iets vertellen over je rol?",
    ...                            "Met welke organisaties werk je samen rond een gezin?",
    ...                            "Wat doet het niet delen met het vertrouwen tussen jullie?",
    ...                            "Wat verwacht je van het wetsvoorstel?"])
    [1, 2, 3, 4]
    """

    questions: tuple[tuple[int, frozenset[str], str], ...]
    headings: Mapping[int, tuple[str, ...]]
    #: part -> stem -> weight (questions' and cue words' stems, weighted by rarity across parts)
    vocabulary: Mapping[int, Mapping[str, float]] = field(default_factory=dict)

    def part_of_heading(self, text: str) -> int | None:
        m = _PART_NUM_RE.search(text)
        if m:
            return int(m.group(1))
        low = " ".join(_norm_words(text))
        for part in sorted(self.headings, reverse=True):  # most specific (4) first
            if any(" ".join(_norm_words(k)) in low for k in self.headings[part]):
                return part
        return None

    def part_of_question(self, text: str, threshold: float = 0.6) -> int | None:
        """The part whose question best matches ``text`` (overlap coefficient).

        A match needs two shared words that are not stop words: a short turn
        such as "En de Wams?" shares most of its words with "Bent u al bekend
        met de Wams?" (part 1) but asks something else; its cue words place it.

        >>> load_topic_list().part_of_question("En de Wams?") is None
        True
        >>> load_topic_list().part_of_question("Wat is uw huidige functie?")
        1
        """
        words = set(_norm_words(text))
        if not words:
            return None
        best, best_score = None, threshold
        for part, qwords, _ in self.questions:
            shared = words & qwords
            if len(shared - _STOP) < _SHARED:
                continue
            score = len(shared) / min(len(words), len(qwords))
            if score > best_score or (score == best_score and best is None and score > threshold):
                best, best_score = part, score
        return best

    def part_evidence(self, text: str, exact: int | None = _ASK) -> dict[int, float]:
        """How strongly ``text`` (an interviewer turn) points to each part.

        ``exact``: what :meth:`part_of_question` gave for ``text`` (a part, or
        None for no match), when the caller has already asked it.
        """
        exact = self.part_of_question(text) if exact == _ASK else exact
        if exact is not None:
            return {exact: _EXACT}
        stems = _stems(text)
        return {part: sum(w for s, w in vocab.items() if s in stems) for part, vocab in self.vocabulary.items()}

    def parts_of_questions(self, texts: Iterable[str]) -> list[int]:
        """The part of each interviewer turn, in order; all 0 when no turn points clearly to a part."""
        return self.path_of_parts([self.part_evidence(t) for t in texts])

    def path_of_parts(self, evidence: list[dict[int, float]]) -> list[int]:
        """The best sequence of parts for the interviewer turns' :meth:`part_evidence`, in order."""
        parts = sorted(set(self.vocabulary) | {q[0] for q in self.questions})
        if not evidence or not parts or max((v for e in evidence for v in e.values()), default=0.0) < _ENOUGH:
            return [0] * len(evidence)
        # best path: score[p] = evidence so far minus the costs of going back and of a late start
        score = {p: evidence[0].get(p, 0.0) - _LATE_START * (p - parts[0]) for p in parts}
        back: list[dict[int, int]] = []
        for e in evidence[1:]:
            step, new = {}, {}
            for p in parts:
                # on a tie the earlier part: a turn stays in its part until the evidence moves it on
                prev = max(parts, key=lambda q: (score[q] - _move(q, p), -q))
                step[p] = prev
                new[p] = score[prev] - _move(prev, p) + e.get(p, 0.0)
            back.append(step)
            score = new
        last = max(parts, key=lambda p: (score[p], -p))
        path = [last]
        for step in reversed(back):
            path.append(step[path[-1]])
        return path[::-1]


#: The file name of a study's own topic list, in the study folder (used instead of the thesis's).
TOPICS_FILE = "topiclist.yaml"
_TOPIC_SECTIONS = ("headings", "cues", "parts")


def study_topics(folder: str | Path) -> Path | None:
    """The study's own ``topiclist.yaml`` when its folder has one, else None (the thesis's topic list).

    >>> import tempfile
    >>> study_topics(tempfile.mkdtemp()) is None
    True
    """
    path = Path(folder) / TOPICS_FILE
    return path if path.is_file() else None


def load_topic_list(path: str | Path | None = None) -> TopicList:
    """Read a topic list (the thesis's, Bijlage 1, by default): questions, headings and ``cues`` per part.

    Parsed once per content (an edited file is read afresh).

    Raises
    ------
    InputError
        E109 for an unreadable file, E130 for broken YAML, E139 for a list
        that is not parts 1–4 with lists of phrases.

    Examples
    --------
    >>> topics = load_topic_list()
    >>> sorted(topics.headings)
    [1, 2, 3, 4]
    """
    if path is None:
        return _thesis_topics()
    path = check_input_file(path)  # E106, E109: no file, a folder, a named pipe
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputError(Errors.E109.format(path=path, reason=exc.strerror or type(exc).__name__)) from None
    return _parse_topic_list(content, str(path))


def _topic_items(data, path: str) -> dict[str, dict[int, list[str]]]:
    """The sections of a parsed topic list, checked: ``{section: {part: [phrase, ...]}}``."""
    def bad(reason: str) -> InputError:
        return InputError(Errors.E139.format(path=path, reason=reason))

    if not isinstance(data, dict):
        raise bad("expected a mapping with 'parts:', 'cues:' and/or 'headings:'")
    unknown = sorted(str(k) for k in data if k not in _TOPIC_SECTIONS)
    if unknown:
        raise bad(f"unknown section(s) {', '.join(unknown)} (allowed: {', '.join(_TOPIC_SECTIONS)})")
    out: dict[str, dict[int, list[str]]] = {}
    for section in _TOPIC_SECTIONS:
        value = data.get(section) or {}
        if not isinstance(value, dict):
            raise bad(f"'{section}:' must map the parts 1-4 to lists of phrases")
        out[section] = {}
        for part, items in value.items():
            if not isinstance(part, int) or isinstance(part, bool) or part not in range(1, 5):
                raise bad(f"'{section}:' has part {part!r}; the interview parts are 1, 2, 3 and 4")
            items = [items] if isinstance(items, str) else (items or [])
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                raise bad(f"'{section}:' part {part}: expected a list of phrases (text), got {items!r}")
            out[section][part] = items
    if not any(out.values()):
        raise bad("no questions, cues or headings; delete the file to use the thesis's topic list")
    return out


@lru_cache(maxsize=1)
def _thesis_topics() -> TopicList:
    return _parse_topic_list(DEFAULT_TOPICS.read_bytes(), str(DEFAULT_TOPICS))


@lru_cache(maxsize=8)
def _parse_topic_list(content: bytes, path: str) -> TopicList:
    try:
        data = strip_lines(load_yaml_lines(content.decode("utf-8-sig")))
    except UnicodeDecodeError as exc:
        raise InputError(Errors.E130.format(path=path, reason=f"not UTF-8 text ({exc.reason})")) from None
    except yaml.YAMLError as exc:
        line, reason = error_line(exc)
        where = f"line {line}: " if line is not None else ""
        raise InputError(Errors.E130.format(path=path, reason=where + reason)) from None
    sections = _topic_items(data, path)
    questions = []
    words: dict[int, set[str]] = {}
    for part, items in sections["parts"].items():
        for q in items:
            w = frozenset(_norm_words(q))
            if w:
                questions.append((int(part), w, q))
            words.setdefault(int(part), set()).update(_stems(q))
    cues: dict[int, set[str]] = {}
    for part, items in sections["cues"].items():
        for cue in items:
            cues.setdefault(part, set()).update(_stems(cue))
    headings = {part: tuple(v) for part, v in sections["headings"].items()}
    for part, keys in headings.items():
        for k in keys:
            cues.setdefault(part, set()).update(_stems(k))
    # a cue word weighs by how few parts it names; a word of the thesis's own questions a quarter of that
    vocabulary: dict[int, dict[str, float]] = {}
    for sets, weight in ((cues, 1.0), (words, 0.25)):
        n_parts = len(sets)
        spread: dict[str, int] = {}
        for ws in sets.values():
            for st in ws:
                spread[st] = spread.get(st, 0) + 1
        for part, ws in sets.items():
            vocab = vocabulary.setdefault(part, {})
            for st in ws:
                if spread[st] < n_parts:
                    vocab[st] = round(vocab.get(st, 0.0) + weight * (n_parts / spread[st] - 1.0), 6)
    vocabulary = {p: dict(sorted(v.items())) for p, v in sorted(vocabulary.items())}
    return TopicList(tuple(questions), headings, vocabulary)


_SPACES_RE = re.compile(r"[ \t]{2,}|\t")


def _strip_meta(text: str, meta: dict) -> str:
    if "[" not in text:  # the common case: nothing to strip (fast path for large files)
        return _SPACES_RE.sub(" ", text).strip() if ("  " in text or "\t" in text) else text.strip()
    ts = _TS_RE.search(text)
    if ts and "timestamp" not in meta:
        meta["timestamp"] = ts.group(0).strip()[1:-1]
    text = _TS_RE.sub(" ", text)
    for m in _NOTE_RE.finditer(text):
        meta["source"] = m.group(2).strip()
    text = _NOTE_RE.sub(" ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def segment_paragraphs(paragraphs: Iterable[Paragraph], doc_id: str, path: str | Path = "",
                       speakers: Mapping[str, str] | None = None, topics: TopicList | None = None,
                       kind: str = "interview", respondent: str | None = None) -> Document:
    """Build a :class:`~altena_qca.model.Document` from transcript paragraphs.

    Parameters
    ----------
    paragraphs
        As read by :func:`read_docx_paragraphs` or :func:`read_text_paragraphs`.
    doc_id
        The document id (normally the respondent id).
    speakers
        Extra label → role mapping (e.g. ``{"Anna": "interviewer"}``), on top
        of :data:`DEFAULT_SPEAKERS`.
    topics
        Topic list for part detection; defaults to the thesis's Bijlage 1.

    Raises
    ------
    InputError
        If no paragraph carries a speaker label.

    Examples
    --------
    >>> from altena_qca.ingest.text import Paragraph
    >>> doc = segment_paragraphs([Paragraph("I: Wat is uw huidige functie?", 1),
    ...                           Paragraph("R: [00:01:02] Ik ben wijkverpleegkundige.", 2)], "R08")
    >>> [(s.speaker, s.part, doc.segment_text(s)) for s in doc.segments]
    [('interviewer', 1, 'Wat is uw huidige functie?'), ('respondent', 1, 'Ik ben wijkverpleegkundige.')]
    >>> doc.segments[1].meta["timestamp"]
    '00:01:02'
    """
    roles = dict(DEFAULT_SPEAKERS)
    roles.update({k.strip().lower(): v for k, v in (speakers or {}).items()})
    topics = topics or load_topic_list()

    lines: list[str] = []
    offset = 0
    # A turn under construction: [speaker, label, start, end, part, meta, first paragraph]
    turns: list[list] = []
    part = 0
    saw_heading_part = False
    saw_label = False
    unknown_labels: dict[str, int] = {}
    questions: list[tuple[int, dict[int, float]]] = []  # (turn number, part evidence) of the interviewer turns

    for para in paragraphs:
        meta: dict = {}
        text = _strip_meta(para.text, meta)
        if not text:
            continue
        if para.heading:
            p = topics.part_of_heading(text)
            if p is not None:
                part, saw_heading_part = p, True
            lines.append(text)
            offset += len(text) + 1
            continue
        m = _LABEL_RE.match(text)
        role = roles.get(m.group("label").strip().lower()) if m else None
        if m is not None and role is not None:
            saw_label = True
            # A timestamp may also follow the label: 'R: [00:12:03] ...'.
            rest = _strip_meta(m.group("rest"), meta)
            label = m.group("label").strip()
            line = f"{label}: {rest}" if rest else f"{label}:"
            if role == "interviewer" and not saw_heading_part:
                p = topics.part_of_question(rest)
                if p is not None:
                    part = p
                questions.append((len(turns), topics.part_evidence(rest, exact=p)))
            start = offset + len(label) + 2
            lines.append(line)
            turns.append([role, label, start, offset + len(line), part, meta, para.number])
            offset += len(line) + 1
        elif m and _LABEL_LIKE_RE.match(m.group("label").strip()) and len(m.group("rest").split()) > 1:
            unknown_labels.setdefault(m.group("label").strip(), para.number)
            lines.append(text)
            if turns:  # read as part of the turn before, as without a label
                turns[-1][3] = offset + len(text)
            offset += len(text) + 1
        elif turns:
            # Continuation of the previous turn.
            lines.append(text)
            turns[-1][3] = offset + len(text)
            for k, v in meta.items():
                turns[-1][5].setdefault(k, v)
            offset += len(text) + 1
        else:
            lines.append(text)  # preamble (title, date line) before the first turn
            offset += len(text) + 1
    if not saw_label:
        raise InputError(Errors.E104.format(path=path or doc_id))
    if unknown_labels:
        shown = ", ".join(f"'{k}:' (line {v})" for k, v in list(unknown_labels.items())[:5])
        warnings.warn(Warnings.W107.format(path=path or doc_id, labels=shown), stacklevel=2)
    if not saw_heading_part and questions:
        # no part headings: the parts follow from all interviewer turns at once (TopicList.parts_of_questions)
        at = dict(zip((i for i, _ in questions), topics.path_of_parts([e for _, e in questions])))
        current = 0
        for i, turn in enumerate(turns):
            current = at.get(i, current)
            turn[4] = current
    if kind == "interview" and not any(t[4] for t in turns):
        warnings.warn(Warnings.W102.format(path=path or doc_id), stacklevel=2)
    text = "\n".join(lines)
    segments = []
    for index, (role, _label, start, end, seg_part, meta, number) in enumerate(turns):
        meta = dict(meta)
        meta["paragraph"] = str(number)
        # An empty turn ('R:' alone) has start > end; give it an empty span.
        segments.append(Segment(doc_id, index, role, seg_part, min(start, end), end, meta))
    return Document(id=doc_id, text=text, kind=kind, respondent=respondent, segments=segments,
                    path=str(path) if path else None)
