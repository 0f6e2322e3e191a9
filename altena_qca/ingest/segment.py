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
  when present, else from the topic-list questions matched in interviewer
  turns (``altena_qca/resources/codebook/topiclist.yaml``).

The document's plain text is the paragraphs as typed (labels included,
timestamps and notes removed), one per line; a segment spans the utterance
after its label.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import Errors, InputError, Warnings
from ..model import Document, Segment
from ..resources import DEFAULT_TOPICS
from .text import Paragraph

__all__ = ["DEFAULT_SPEAKERS", "TopicList", "load_topic_list", "segment_paragraphs"]

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


@dataclass(frozen=True)
class TopicList:
    """Topic-list questions and heading keywords, by interview part."""

    questions: tuple[tuple[int, frozenset[str], str], ...]
    headings: Mapping[int, tuple[str, ...]]

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
        """The part whose question best matches ``text`` (overlap coefficient)."""
        words = set(_norm_words(text))
        if not words:
            return None
        best, best_score = None, threshold
        for part, qwords, _ in self.questions:
            score = len(words & qwords) / min(len(words), len(qwords))
            if score > best_score or (score == best_score and best is None and score > threshold):
                best, best_score = part, score
        return best


@lru_cache(maxsize=8)
def load_topic_list(path: str | Path = DEFAULT_TOPICS) -> TopicList:
    """Read ``topiclist.yaml`` (cached)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    questions = []
    for part, items in (data.get("parts") or {}).items():
        for q in items:
            w = frozenset(_norm_words(q))
            if w:
                questions.append((int(part), w, q))
    headings = {int(k): tuple(v) for k, v in (data.get("headings") or {}).items()}
    return TopicList(tuple(questions), headings)


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
