"""Precision, recall and F1 of suggested codes against gold codings, at segment level.

The unit is a segment (speaker turn). A segment is *gold-positive* for a code
when a gold coding of that code or of one of its descendants overlaps it, and
*predicted-positive* when a suggestion of that code or a descendant overlaps
it. Per code this gives true/false positives and false negatives; ``micro``
pools them over the codes, ``macro`` averages the per-code scores (codes with
neither gold nor predicted segments are left out of the macro average).

The same scoring works for concept labels (``altena_qca/resources/codebook/eval_labels.yaml``): a
label is positive when any of its codes (or a descendant) is, and for free
passages keyed by id (:func:`score_passages`).

Examples
--------
>>> from altena_qca.model import Code, Codebook, Corpus, Document, Segment, make_codings
>>> text = "R: Geen vertrouwen.\\nR: Wel korte lijntjes."
>>> doc = Document("D", text, segments=[Segment("D", 0, "respondent", 3, 0, 19),
...                                     Segment("D", 1, "respondent", 3, 20, len(text))])
>>> corpus = Corpus({"D": doc})
>>> cb = Codebook([Code("t", "Vertrouwen"), Code("r", "Relaties")])
>>> gold = make_codings([{"document": "D", "start": 3, "end": 19, "code": "t"},
...                      {"document": "D", "start": 23, "end": 42, "code": "r"}])
>>> pred = make_codings([{"document": "D", "start": 3, "end": 19, "code": "t"},
...                      {"document": "D", "start": 3, "end": 19, "code": "r"}])
>>> score_codings(gold, pred, corpus, cb).set_index("code").loc["micro", ["precision", "recall", "f1"]].tolist()
[0.5, 0.5, 0.5]
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import yaml

from ..errors import CodebookError, Errors
from ..model import Codebook, Corpus
from ..resources import EVAL_LABELS

__all__ = ["EVAL_LABELS", "METRIC_COLUMNS", "load_eval_labels", "segment_code_sets", "score_sets",
           "score_codings", "score_labels", "score_passages", "confidence_bands"]

#: The concept labels the auto-coder is measured on, mapped to code ids.
METRIC_COLUMNS = ["code", "support", "predicted", "tp", "fp", "fn", "precision", "recall", "f1"]


def load_eval_labels(path: str | Path = EVAL_LABELS, codebook: Codebook | None = None) -> dict[str, list[str]]:
    """Read ``eval_labels.yaml``: concept label → code ids.

    Raises
    ------
    CodebookError
        [E210] when the file is not a mapping of labels to lists of code ids,
        or names a code the ``codebook`` does not have.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CodebookError(Errors.E210.format(path=path, reason="file not found")) from None
    except yaml.YAMLError as exc:
        raise CodebookError(Errors.E200.format(path=path, reason=" ".join(str(exc).split()))) from None
    labels = data.get("labels") if isinstance(data, dict) else None
    if not isinstance(labels, dict):
        raise CodebookError(Errors.E210.format(path=path, reason="expected a 'labels' mapping of label -> code ids"))
    out: dict[str, list[str]] = {}
    for label, codes in labels.items():
        codes = [codes] if isinstance(codes, str) else codes
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            raise CodebookError(Errors.E210.format(path=path, reason=f"label '{label}' must map to a list of code ids"))
        for c in codes:
            if codebook is not None and c not in codebook:
                raise CodebookError(Errors.E210.format(path=path, reason=f"label '{label}' names unknown code '{c}'"))
        out[str(label)] = list(codes)
    return out


def _rolled(codes: Iterable[str], codebook: Codebook) -> set[str]:
    out: set[str] = set()
    for c in codes:
        out.add(c)
        if c in codebook:
            out.update(codebook.ancestors(c))
    return out


def segment_code_sets(codings: pd.DataFrame, corpus: Corpus, codebook: Codebook, *,
                      documents: Iterable[str] | None = None,
                      speakers: Iterable[str] | None = ("respondent", "observer")) -> dict[tuple[str, int], set[str]]:
    """Each segment's codes (with their ancestors) from the codings overlapping it.

    Parameters
    ----------
    codings : DataFrame
        Rows with ``document``, ``start``, ``end``, ``code``.
    corpus, codebook
        The documents and the code tree.
    documents : iterable of str, optional
        Documents whose segments are units; default every document in ``codings``.
    speakers : iterable of str, optional
        Only segments of these speakers are units (None: all).

    Returns
    -------
    dict
        ``(document, segment index)`` → set of code ids, every unit present
        (an uncoded segment maps to an empty set).
    """
    docs = list(documents) if documents is not None else sorted(set(codings["document"]))
    speakers = set(speakers) if speakers is not None else None
    by_doc = {d: g for d, g in codings.groupby("document", sort=False)} if len(codings) else {}
    units: dict[tuple[str, int], set[str]] = {}
    for d in docs:
        doc = corpus.documents.get(d)
        if doc is None:
            continue
        rows = by_doc.get(d)
        spans = list(zip(rows["start"], rows["end"], rows["code"])) if rows is not None else []
        for seg in doc.segments:
            if speakers is not None and seg.speaker not in speakers:
                continue
            codes = {c for s, e, c in spans if s < seg.end and e > seg.start}
            units[(d, seg.index)] = _rolled(codes, codebook)
    return units


def score_sets(gold: Mapping, predicted: Mapping, targets: Mapping[str, Iterable[str]],
               name: str = "code") -> pd.DataFrame:
    """Per-target and micro/macro scores from unit → code-set mappings.

    ``gold`` and ``predicted`` map each unit to its (ancestor-closed) code set;
    a unit is positive for a target when its set meets the target's codes.
    Units missing from ``predicted`` have no prediction.
    """
    rows = []
    units = list(gold)
    for target, codes in targets.items():
        codes = set(codes)
        g = {u for u in units if gold[u] & codes}
        p = {u for u in units if predicted.get(u, set()) & codes}
        tp, fp, fn = len(g & p), len(p - g), len(g - p)
        rows.append(_row(target, len(g), len(p), tp, fp, fn))
    df = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    tp, fp, fn = int(df["tp"].sum()), int(df["fp"].sum()), int(df["fn"].sum())
    micro = _row("micro", int(df["support"].sum()), int(df["predicted"].sum()), tp, fp, fn)
    active = df[(df["support"] > 0) | (df["predicted"] > 0)]
    macro = {"code": "macro", "support": int(df["support"].sum()), "predicted": int(df["predicted"].sum()),
             "tp": tp, "fp": fp, "fn": fn}
    for m in ("precision", "recall", "f1"):
        macro[m] = round(float(active[m].mean()), 4) if len(active) else 0.0
    df = pd.concat([df, pd.DataFrame([micro, macro], columns=METRIC_COLUMNS)], ignore_index=True)
    return df.rename(columns={"code": name})


def _row(target, support, predicted, tp, fp, fn) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"code": target, "support": support, "predicted": predicted, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def score_codings(gold: pd.DataFrame, predicted: pd.DataFrame, corpus: Corpus, codebook: Codebook, *,
             codes: Iterable[str] | None = None, documents: Iterable[str] | None = None,
             speakers: Iterable[str] | None = ("respondent", "observer")) -> pd.DataFrame:
    """Precision, recall and F1 per code and micro/macro, at segment level.

    Parameters
    ----------
    gold, predicted : DataFrame
        Codings (``document``, ``start``, ``end``, ``code``).
    corpus, codebook
        The documents and the code tree.
    codes : iterable of str, optional
        Codes to score; default the codes used in ``gold`` or ``predicted``.
    documents : iterable of str, optional
        Documents to score; default those in ``gold``.
    speakers : iterable of str, optional
        Speakers whose segments are units (None: every segment).

    Returns
    -------
    DataFrame
        :data:`METRIC_COLUMNS`, one row per code, then ``micro`` and ``macro``.
    """
    docs = list(documents) if documents is not None else sorted(set(gold["document"]))
    g = segment_code_sets(gold, corpus, codebook, documents=docs, speakers=speakers)
    p = segment_code_sets(predicted, corpus, codebook, documents=docs, speakers=speakers)
    if codes is None:
        codes = sorted(set(gold["code"]) | set(predicted["code"]))
    return score_sets(g, p, {c: {c} for c in codes})


def score_labels(gold: pd.DataFrame, predicted: pd.DataFrame, corpus: Corpus, codebook: Codebook,
                    labels: Mapping[str, Iterable[str]] | None = None, **kwargs) -> pd.DataFrame:
    """Like :func:`score_codings`, per concept label (``eval_labels.yaml``)."""
    labels = labels if labels is not None else load_eval_labels(codebook=codebook)
    docs = kwargs.get("documents")
    docs = list(docs) if docs is not None else sorted(set(gold["document"]))
    speakers = kwargs.get("speakers", ("respondent", "observer"))
    g = segment_code_sets(gold, corpus, codebook, documents=docs, speakers=speakers)
    p = segment_code_sets(predicted, corpus, codebook, documents=docs, speakers=speakers)
    return score_sets(g, p, labels, name="label")


def score_passages(gold: pd.DataFrame, predicted: pd.DataFrame, codebook: Codebook, *,
                      labels: Mapping[str, Iterable[str]] | None = None,
                      codes: Iterable[str] | None = None) -> pd.DataFrame:
    """Score suggestions for free passages against a gold table keyed by id.

    Parameters
    ----------
    gold : DataFrame
        ``id`` and ``code`` (one row per passage and gold code; a passage with
        no code has one row with an empty ``code``).
    predicted : DataFrame
        ``id`` and ``code_id`` (the ``altena-qca code --input`` output).
    labels : mapping, optional
        Score per concept label instead of per code.
    """
    gsets: dict = {}
    for pid, code in zip(gold["id"].astype(str), gold["code"]):
        gsets.setdefault(pid, set())
        if isinstance(code, str) and code:
            gsets[pid] |= _rolled([code], codebook)
    psets: dict = {}
    for pid, code in zip(predicted["id"].astype(str), predicted["code_id"]):
        psets.setdefault(pid, set()).update(_rolled([code], codebook))
    if labels is not None:
        return score_sets(gsets, psets, labels, name="label")
    if codes is None:
        codes = sorted({c for c in gold["code"] if isinstance(c, str) and c} | set(predicted["code_id"]))
    return score_sets(gsets, psets, {c: {c} for c in codes})


def confidence_bands(suggestions: Iterable[tuple[str, str, float]], gold: Mapping[str, Iterable[str]],
                     labels: Mapping[str, Iterable[str]], codebook: Codebook) -> pd.DataFrame:
    """Reliability of suggestion confidences: the precision of the suggestions in each confidence band.

    A suggestion ``(passage id, code, confidence)`` is correct when a concept
    label its code (or an ancestor) falls under is among the passage's
    ``gold`` labels; suggestions of codes under no label are not counted.

    Returns
    -------
    DataFrame
        ``confidence, suggestions, correct, precision``, one row per distinct confidence, ascending.

    Examples
    --------
    >>> from altena_qca.model import Code, Codebook
    >>> cb = Codebook([Code("t", "Vertrouwen"), Code("x", "Overig")])
    >>> confidence_bands([("a", "t", 0.7), ("b", "t", 0.7), ("b", "x", 0.9), ("c", "t", 0.9)],
    ...                  {"a": ["trust"], "b": [], "c": ["trust"]}, {"trust": ["t"]}, cb)
       confidence  suggestions  correct  precision
    0         0.7            2        1        0.5
    1         0.9            1        1        1.0
    """
    label_sets = {label: set(codes) for label, codes in labels.items()}
    counts: dict[float, list[int]] = {}
    for pid, code, confidence in suggestions:
        codes = {code, *codebook.ancestors(code)} if code in codebook else {code}
        found = {label for label, ids in label_sets.items() if codes & ids}
        if not found:
            continue
        row = counts.setdefault(float(confidence), [0, 0])
        row[0] += 1
        row[1] += bool(found & set(gold.get(pid, ())))
    rows = [{"confidence": c, "suggestions": n, "correct": k, "precision": round(k / n, 4)}
            for c, (n, k) in sorted(counts.items())]
    return pd.DataFrame(rows, columns=["confidence", "suggestions", "correct", "precision"])
