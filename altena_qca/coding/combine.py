"""Combine the rule coder and the learned suggester into auto-codings.

:class:`AutoCoder` fits both on a codebook and (optionally) coded passages and
gives at most one suggestion per code and passage: a code both methods
suggest gets the noisy-or of their confidences and keeps the rule's span and
name (``phrase:korte lijntjes+model:tfidf-logreg``); a code is dropped when one
of its descendants is suggested for the same passage. Both suggesters hand
over a batch's findings as arrays and the combination is done on arrays, so
only the suggestions kept become objects. :func:`suggest` turns
the suggestions for a corpus into codings with origin ``auto`` and coder
``altena-qca``; :func:`merge_codings` adds them to the manual codings without
touching a manual row. :func:`code_passages` codes free passages (the
``altena-qca code --input`` interface).

Examples
--------
>>> from altena_qca.model import Code, Codebook
>>> cb = Codebook([Code("p", "Probleem", rules={"phrases": ["niet gedeeld"]})])
>>> coder = AutoCoder(method="rules").fit(codebook=cb)
>>> import pandas as pd
>>> code_passages(pd.DataFrame({"id": ["a", "b"], "text": ["Het werd niet gedeeld.", ""]}), coder)
  id code_id  confidence  start  end                 rule
0  a       p         0.7      9   21  phrase:niet gedeeld
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_is_fitted

from ..errors import Errors, InputError
from ..model import Codebook, Corpus, make_codings
from .learn import SuggestionModel
from .nlp import pipe_batches
from .rules import RuleCoder, Suggestion, _suggestion
from .stance import EffectStance, WamsMoment

__all__ = ["AUTO_CODER", "PASSAGE_COLUMNS", "PASSAGE_MIN_RULE_CONFIDENCE", "PASSAGE_MODEL_ONLY_THRESHOLD", "AutoCoder", "default_concepts",
           "passages_frame", "training_data", "uncoded_documents", "fitted_coder", "suggest", "merge_codings", "read_passages", "code_passages",
           "code_file"]

#: The ``coder`` of auto-codings.
AUTO_CODER = "altena-qca"
#: Columns of the ``altena-qca code --input`` output.
PASSAGE_COLUMNS = ["id", "code_id", "confidence", "start", "end", "rule"]
_METHODS = ("rules", "model", "combined")


class AutoCoder(BaseEstimator):
    """Rule coder plus learned suggester, one suggestion per code and passage.

    Parameters
    ----------
    method : {"combined", "rules", "model"}
        Which suggesters to use.
    rule_coder : RuleCoder, optional
        Template of the rule coder (cloned in :meth:`fit`); default a
        :class:`RuleCoder` calibrated at concept level (:func:`default_concepts`).
    model : SuggestionModel, optional
        Template of the learned suggester (cloned in :meth:`fit`).
    min_rule_confidence : float
        Rule suggestions below this (calibrated) confidence are dropped.
    calibrate_rules : bool
        Calibrate rule confidences on the training passages.
    model_only_threshold : float, optional
        A suggestion of the learned model that no rule makes for the same
        passage and code counts only when its probability reaches this
        (default: the model's own ``threshold``). For text unlike the
        training passages (:data:`PASSAGE_MODEL_ONLY_THRESHOLD`).
    effect_stance : bool
        Resolve an effect's general code (``effects.trust``) to the moment and
        stance the sentence states (:class:`~altena_qca.coding.stance.EffectStance`),
        so that the effects tables can count it — for the effects whose stance
        codes the model has not learned from the study's own codings.

    Attributes
    ----------
    rule_coder_ : RuleCoder or None
    model_ : SuggestionModel or None
        None when ``method`` does not use it or :meth:`fit` got no coded passages.
    """

    def __init__(self, *, method: str = "combined", rule_coder: RuleCoder | None = None,
                 model: SuggestionModel | None = None, min_rule_confidence: float = 0.4,
                 calibrate_rules: bool = True, model_only_threshold: float | None = None,
                 effect_stance: bool = True):
        self.method = method
        self.effect_stance = effect_stance
        self.model_only_threshold = model_only_threshold
        self.rule_coder = rule_coder
        self.model = model
        self.min_rule_confidence = min_rule_confidence
        self.calibrate_rules = calibrate_rules

    def fit(self, X: Iterable[str] | None = None, y: Iterable[Iterable[str]] | None = None, *,
            codebook: Codebook) -> AutoCoder:
        """Compile the rules and, given coded passages, train the model.

        Raises
        ------
        ValueError
            For an unknown ``method``.
        CodebookError
            For a rule that does not compile (E208).
        """
        if self.method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {self.method!r}")
        X = list(X) if X is not None else None
        y = [list(c) for c in y] if y is not None else None
        self.codebook_ = codebook
        self.rule_coder_ = None
        self.model_ = None
        if self.method in ("rules", "combined"):
            coder = clone(self.rule_coder) if self.rule_coder is not None else RuleCoder(
                concepts=default_concepts(codebook))
            if self.calibrate_rules and X is not None:
                coder.fit(X, y, codebook=codebook)
            else:
                coder.fit(codebook=codebook)
            self.rule_coder_ = coder
        if self.method in ("model", "combined"):
            model = clone(self.model) if self.model is not None else SuggestionModel()
            if X and y is not None:  # without coded passages nothing to learn from but the labels: rules only
                if getattr(model, "rule_features", False) and self.rule_coder_ is not None:
                    self.model_ = model.fit(X, y, codebook=codebook, rule_coder=self.rule_coder_)
                else:
                    self.model_ = model.fit(X, y, codebook=codebook)
        self.stance_ = EffectStance(codebook, learned=self.model_.classes_ if self.model_ is not None else ()) \
            if self.effect_stance else None
        self._index_codes()
        return self

    def refit(self, study, *, documents: Iterable[str] | None = None,
              speakers: Iterable[str] | None = ("respondent", "observer")) -> AutoCoder:
        """Fit again on a study's accepted codings: its manual codings as they are now.

        What a researcher accepted (review import, the workbench) is stored as
        a manual coding, and what they rejected is simply not coded, so a
        segment of a coded document without a coding is a negative for every
        code. The rules are compiled from ``study.codebook`` and recalibrated,
        the model is trained on the coded segments; on the bundled corpus this
        takes about half a second. Suggestions for the documents not yet coded
        then come from :meth:`predict` (or
        ``suggest(study.corpus, study.codebook, coder=coder, documents=uncoded_documents(study))``).

        Parameters
        ----------
        study
            Anything with ``corpus``, ``codebook`` and ``codings`` (a :class:`~altena_qca.study.Study`).
        documents : iterable of str, optional
            Train on these documents only (default every document with a manual coding).
        speakers : iterable of str, optional
            Speakers whose segments are training passages.

        Returns
        -------
        AutoCoder
            ``self``, refitted.

        Examples
        --------
        >>> from altena_qca import load_study
        >>> study = load_study(pseudonymise=False)  # doctest: +SKIP
        >>> coder = AutoCoder().refit(study)  # doctest: +SKIP
        >>> suggest(study.corpus, study.codebook, coder=coder, documents=uncoded_documents(study))  # doctest: +SKIP
        """
        X, y = training_data(study.corpus, study.codings, documents=documents, speakers=speakers)
        return self.fit(X=X, y=y, codebook=study.codebook)

    def _index_codes(self) -> None:
        """Number every code either suggester can name (sorted, so numbers sort like codes).

        Also each rule output key's and each model class's code number, and
        for every code number the numbers of its ancestors.
        """
        cb = self.codebook_
        rule_codes = [c for c, _ in self.rule_coder_.output_keys_] if self.rule_coder_ is not None else []
        classes = list(self.model_.classes_) if self.model_ is not None else []
        named = set(rule_codes) | set(classes)
        codes = sorted(named | {a for c in named if c in cb for a in cb.ancestors(c)})
        number = {c: i for i, c in enumerate(codes)}
        self._codes = codes
        self._rule_code = np.asarray([number[c] for c in rule_codes], dtype=np.int64)
        self._class_code = np.asarray([number[c] for c in classes], dtype=np.int64)
        ancestors = [[number[a] for a in cb.ancestors(c)] if c in cb else [] for c in codes]
        self._n_ancestors = np.asarray([len(a) for a in ancestors], dtype=np.int64)
        self._ancestors = np.asarray([a for anc in ancestors for a in anc], dtype=np.int64)
        self._ancestor_ptr = np.r_[0, np.cumsum(self._n_ancestors)]

    def predict(self, X: Iterable[str]) -> list[list[Suggestion]]:
        """At most one suggestion per code for each passage, sorted by code.

        Both suggesters read the same lemmatised batches
        (:func:`~altena_qca.coding.nlp.pipe_batches`); an empty passage gets
        no suggestion.
        """
        check_is_fitted(self, "codebook_")
        X = list(X)
        out: list[list[Suggestion]] = [[] for _ in X]
        for batch in pipe_batches(X):
            for p, found in self._combine(batch).items():
                i = batch.index[p]
                out[i] = self.stance_.apply(found, X[i]) if self.stance_ is not None else found
        return out

    def _combine(self, batch) -> dict[int, list[Suggestion]]:
        """Both suggesters' findings for one batch, combined with arrays (batch position → list).

        Per passage and code: the rule suggestion with the highest confidence
        of those reaching ``min_rule_confidence`` (the first by position on a
        tie), merged with the model's suggestion of that code (noisy-or, the
        rule's span, both names); codes that are an ancestor of another
        suggested code are dropped. Only the kept suggestions become objects.
        """
        n_codes = len(self._codes)
        parts = []  # (passage × n_codes + code, source, index into the source's arrays)
        rules = None
        rule_keys: list[tuple[str, str]] = []
        if self.rule_coder_ is not None:
            rules, rule_keys = self.rule_coder_.find_batch(batch), self.rule_coder_.output_keys_
        if rules is not None:
            r_passage, r_key, r_start, r_end, r_conf, _ = rules
            ok = np.flatnonzero(r_conf >= self.min_rule_confidence)
            code = self._rule_code[r_key[ok]]
            # best per (passage, code): highest confidence, then first in the sorted order
            order = ok[np.lexsort((ok, -r_conf[ok], code, r_passage[ok]))]
            slot = r_passage[order] * n_codes + self._rule_code[r_key[order]]
            first = np.ones(len(slot), dtype=bool)
            first[1:] = slot[1:] != slot[:-1]
            parts.append((slot[first], np.zeros(int(first.sum()), dtype=np.int64), order[first]))
        model, model_rule = None, ""
        if self.model_ is not None:
            model, model_rule = self.model_.find_batch(batch), "model:tfidf-" + self.model_.estimator
        if model is not None:
            m_passage, m_class, m_proba = model
            slot = m_passage * n_codes + self._class_code[m_class]
            at = np.arange(len(slot))
            if self.model_only_threshold is not None and len(slot):
                # a model suggestion no rule makes counts only at the higher threshold
                ruled = np.isin(slot, parts[0][0]) if parts else np.zeros(len(slot), dtype=bool)
                at = at[ruled | (np.asarray(m_proba) >= self.model_only_threshold)]
            parts.append((slot[at], np.ones(len(at), dtype=np.int64), at))
        if not parts:
            return {}
        slot, source, index = (np.concatenate(a) for a in zip(*parts))
        order = np.lexsort((source, slot))  # by passage, code; a rule before the model
        slot, source, index = slot[order], source[order], index[order]
        passage, code = slot // n_codes, slot % n_codes
        # drop a code when one of its descendants is suggested for the same passage
        counts = self._n_ancestors[code]
        at = np.repeat(self._ancestor_ptr[code] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        covered = np.repeat(passage, counts) * n_codes + self._ancestors[at]
        keep = ~np.isin(slot, covered)
        slot, source, index = slot[keep], source[keep], index[keep]
        # a rule row followed by the model's row of the same slot: the two merge (the
        # rule's row makes the suggestion); every other row is a suggestion of its own
        n_rows = len(slot)
        merges = np.zeros(n_rows, dtype=bool)
        merges[:-1] = (slot[1:] == slot[:-1])
        made = np.ones(n_rows, dtype=bool)
        made[1:] = ~merges[:-1]
        from_rule = source == 0
        passage_l = (slot[made] // n_codes).tolist()
        code_l = (slot[made] % n_codes).tolist()
        kind_l = (from_rule[made].astype(np.int64) + merges[made]).tolist()  # 0 model, 1 rule, 2 both
        index_m = index[made]
        if rules is not None:
            at = np.where(from_rule[made], index_m, 0)
            key_l = r_key[at].tolist()
            start_l, end_l = r_start[at].tolist(), r_end[at].tolist()
            rconf_l = r_conf[at].tolist()
        else:
            key_l = start_l = end_l = [0] * len(passage_l)
            rconf_l = [0.0] * len(passage_l)
        if model is not None:
            # the model's row of each suggestion: its own, or the next one for a merge
            m_at = np.flatnonzero(made)
            m_at = np.where(merges[made], m_at + 1, m_at)
            proba_l = [m_proba[i] for i in np.where(source[m_at] == 1, index[m_at], 0).tolist()]
        else:
            proba_l = [0.0] * len(passage_l)
        out: dict[int, list[Suggestion]] = {}
        codes = self._codes
        spans: dict[int, tuple[int, int]] = {}
        for p, c, kind, k, a, b, m, r_c in zip(passage_l, code_l, kind_l, key_l, start_l, end_l, proba_l, rconf_l):
            if kind == 1:
                code, name = rule_keys[k]
                found = _suggestion(code, a, b, r_c, name)
            elif kind == 2:
                m_conf = round(m, 4)
                found = _suggestion(codes[c], a, b, round(1 - (1 - r_c) * (1 - m_conf), 4),
                                    f"{rule_keys[k][1]}+{model_rule}")
            else:
                span = spans.get(p)
                if span is None:
                    assert self.model_ is not None  # a row of the model alone comes from a fitted model
                    span = spans[p] = self.model_.passage_span(batch.text(p))
                found = _suggestion(codes[c], span[0], span[1], round(m, 4), model_rule)
            found_p = out.get(p)
            if found_p is None:
                found_p = out[p] = []
            found_p.append(found)
        return out


def default_concepts(codebook: Codebook) -> dict[str, list[str]] | None:
    """The concept labels of ``altena_qca/resources/codebook/eval_labels.yaml`` restricted to ``codebook``'s codes.

    Used to calibrate rules at concept level; None when the file is missing or
    none of its codes is in the codebook.
    """
    from .evaluate import EVAL_LABELS, load_eval_labels

    if not EVAL_LABELS.exists():
        return None
    labels = {label: [c for c in codes if c in codebook] for label, codes in load_eval_labels(EVAL_LABELS).items()}
    labels = {label: codes for label, codes in labels.items() if codes}
    return labels or None


def passages_frame(corpus: Corpus, *, documents: Iterable[str] | None = None,
                   speakers: Iterable[str] | None = ("respondent", "observer")) -> pd.DataFrame:
    """One row per segment to code: document, segment, speaker, part, start, end, text."""
    docs = list(documents) if documents is not None else list(corpus.documents)
    speakers = set(speakers) if speakers is not None else None
    rows = []
    for d in docs:
        doc = corpus.documents[d]
        for seg in doc.segments:
            if speakers is None or seg.speaker in speakers:
                rows.append({"document": d, "segment": seg.index, "speaker": seg.speaker, "part": seg.part,
                             "start": seg.start, "end": seg.end, "text": doc.text[seg.start:seg.end]})
    return pd.DataFrame(rows, columns=["document", "segment", "speaker", "part", "start", "end", "text"])


def training_data(corpus: Corpus, codings: pd.DataFrame, *, documents: Iterable[str] | None = None,
                  speakers: Iterable[str] | None = ("respondent", "observer")) -> tuple[list[str], list[list[str]]]:
    """Segment texts and their manual codes, from the documents that have codings.

    Segments of coded documents without a coding are negatives for every code.
    Only ``origin == "manual"`` codings are used.
    """
    manual = codings[codings["origin"] == "manual"] if "origin" in codings.columns else codings
    coded = set(manual["document"])
    docs = [d for d in (documents if documents is not None else corpus.documents) if d in coded]
    frame = passages_frame(corpus, documents=docs, speakers=speakers)
    by_doc = {d: list(zip(g["start"], g["end"], g["code"])) for d, g in manual.groupby("document")}
    X, y = [], []
    for row in frame.itertuples(index=False):
        codes = sorted({c for s, e, c in by_doc.get(row.document, []) if s < row.end and e > row.start})
        X.append(row.text)
        y.append(codes)
    return X, y


def uncoded_documents(study) -> list[str]:
    """The study's documents without any manual coding (those a refitted coder should suggest for)."""
    codings = study.codings
    manual = codings[codings["origin"] == "manual"] if "origin" in codings.columns else codings
    coded = set(manual["document"]) if len(manual) else set()
    return [d for d in study.corpus.documents if d not in coded]


def fitted_coder(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame | None = None, *,
                 coder: AutoCoder | None = None, train_documents: Iterable[str] | None = None,
                 speakers: Iterable[str] | None = None) -> AutoCoder:
    """The coder :func:`suggest` (and the engines) code with.

    With ``codings``: a clone of ``coder`` (default :class:`AutoCoder`)
    trained on them; without: ``coder`` as given when it is fitted, else a
    clone fitted on the codebook's rules alone. ``coder`` itself is never
    changed.
    """
    coder = coder if coder is not None else AutoCoder()
    if codings is not None:
        X, y = training_data(corpus, codings, documents=train_documents, speakers=speakers)
        return clone(coder).fit(X, y, codebook=codebook)
    if not hasattr(coder, "codebook_"):
        return clone(coder).fit(codebook=codebook)
    return coder


def suggest(corpus: Corpus, codebook: Codebook, codings: pd.DataFrame | None = None, *,
            coder: AutoCoder | None = None, documents: Iterable[str] | None = None,
            train_documents: Iterable[str] | None = None,
            speakers: Iterable[str] | None = ("respondent", "observer")) -> pd.DataFrame:
    """Auto-code the segments of a corpus.

    Parameters
    ----------
    corpus, codebook
        What to code and with which codes.
    codings : DataFrame, optional
        Manual codings to train the learned suggester and calibrate the rules on.
    coder : AutoCoder, optional
        Default ``AutoCoder()``; a fitted coder is used as is when ``codings`` is None.
    documents : iterable of str, optional
        Documents to code (default all).
    train_documents : iterable of str, optional
        Documents whose codings are used for training (default all coded ones).
    speakers : iterable of str, optional
        Speakers whose segments are coded.

    Returns
    -------
    DataFrame
        Codings (one per segment and code, spanning the segment) with origin
        ``auto``, coder ``altena-qca``, a confidence and extra columns
        ``segment``, ``rule``, ``match_start``, ``match_end`` (the evidence).
        An expectation of the Wams in a turn outside the interview's parts
        about the Wams that does not name it is left out
        (:class:`~altena_qca.coding.stance.WamsMoment`).
    """
    coder = fitted_coder(corpus, codebook, codings, coder=coder, train_documents=train_documents,
                         speakers=speakers)
    frame = passages_frame(corpus, documents=documents, speakers=speakers)
    moment = WamsMoment(codebook)  # an interview's parts say where the Wams is talked about
    rows = []
    for row, found in zip(frame.itertuples(index=False), coder.predict(frame["text"].tolist())):
        for s in moment.keep(found, row.text, row.part):
            rows.append({"document": row.document, "start": row.start, "end": row.end, "code": s.code,
                         "coder": AUTO_CODER, "origin": "auto", "confidence": s.confidence,
                         "segment": row.segment, "rule": s.rule,
                         "match_start": row.start + s.start, "match_end": row.start + s.end})
    out = make_codings(pd.DataFrame(rows, columns=["document", "start", "end", "code", "coder", "origin",
                                                   "confidence", "segment", "rule", "match_start", "match_end"]))
    return out.astype({"segment": "int64", "match_start": "int64", "match_end": "int64"})


def merge_codings(manual: pd.DataFrame, suggestions: pd.DataFrame) -> pd.DataFrame:
    """Manual codings plus the suggestions that do not repeat one.

    Every manual row is kept unchanged; a suggestion with the same document,
    span and code as an existing coding is left out.
    """
    key = ["document", "start", "end", "code"]
    have = set(map(tuple, manual[key].itertuples(index=False, name=None)))
    new = suggestions[[tuple(r) not in have for r in suggestions[key].itertuples(index=False, name=None)]]
    return make_codings(pd.concat([manual, new], ignore_index=True))


def read_passages(path: str | Path) -> pd.DataFrame:
    """Read passages from JSON lines: one object per line with ``id`` and ``text``.

    ``text`` must be a string (an empty one gets no suggestion); ``id`` a
    string or a whole number, unique in the file. The file is decoded like a
    transcript (UTF-8, a byte-order mark removed, else cp1252 with a warning;
    binary data refused). Blank lines are skipped.

    Raises
    ------
    InputError
        [E106] for a missing file, [E109] for a folder or named pipe,
        [E103] for binary or undecodable content, [E100] when the file holds
        no passage, and [E125] naming the line of one that is not a JSON
        object with a string ``text`` and a unique string or whole-number
        ``id``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "p.jsonl"
    >>> _ = p.write_text('{"id": "a", "text": "Wij delen te weinig."}\\n{"id": 2, "text": ""}\\n')
    >>> read_passages(p).to_dict("records")
    [{'id': 'a', 'text': 'Wij delen te weinig.'}, {'id': '2', 'text': ''}]
    >>> _ = p.write_text('{"id": "a", "text": "x"}\\n{"id": "a", "text": "y"}\\n')
    >>> read_passages(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    altena_qca.errors.InputError: [E125] ...p.jsonl, line 2: invalid value 'a' for 'id' (duplicate id; first on line 1)
    """
    from ..ingest.text import check_input_file, decode_text

    path = check_input_file(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Errors.E109.format(path=path, reason=exc.strerror or type(exc).__name__)) from None
    text, _ = decode_text(data, path)

    def bad(n: int, value, column: str, reason: str) -> InputError:
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return InputError(Errors.E125.format(path=path, line=n, value=shown[:40], column=column, reason=reason))

    rows = []
    first: dict[str, int] = {}
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            raise bad(n, line, "(line)", f"not JSON: {why}") from None
        if not isinstance(obj, dict) or "id" not in obj or "text" not in obj:
            raise bad(n, line, "(line)", "expected an object with 'id' and 'text'")
        pid, ptext = obj["id"], obj["text"]
        if not isinstance(ptext, str):
            raise bad(n, ptext, "text", f"the text must be a string, not {_json_type(ptext)}")
        if isinstance(pid, bool) or not isinstance(pid, (str, int)) or isinstance(pid, str) and not pid.strip():
            raise bad(n, pid, "id", f"an id is a non-empty string or a whole number, not {_json_type(pid)}")
        pid = str(pid)
        if pid in first:
            raise bad(n, pid, "id", f"duplicate id; first on line {first[pid]}")
        first[pid] = n
        rows.append({"id": pid, "text": ptext})
    if not rows:
        raise InputError(Errors.E100.format(path=path))
    return pd.DataFrame(rows, columns=["id", "text"])


def _json_type(value) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "an empty string" if value == "" else "a string"


def code_passages(passages: pd.DataFrame, coder: AutoCoder) -> pd.DataFrame:
    """Suggestions for free passages (``id``, ``text``) with a fitted coder.

    Returns
    -------
    DataFrame
        :data:`PASSAGE_COLUMNS`; ``start``/``end`` are character offsets in the
        passage. An empty passage gets no row.
    """
    rows = []
    for pid, found in zip(passages["id"], coder.predict(passages["text"].tolist())):
        for s in found:
            rows.append({"id": pid, "code_id": s.code, "confidence": s.confidence, "start": s.start,
                         "end": s.end, "rule": s.rule})
    return pd.DataFrame(rows, columns=PASSAGE_COLUMNS)


#: Rule confidence below which free passages get no rule suggestion. 0: every
#: rule counts. The corpus-tuned 0.4 of :class:`AutoCoder` drops rules whose
#: precision on the manual codings is low because the thesis codes a statement
#: only for its main point (a statement on trust that names 'niet gedeeld' is
#: not coded as insufficient sharing); on free passages, coded by concept, those
#: rules are what finds the concept. The calibrated confidence is still reported.
PASSAGE_MIN_RULE_CONFIDENCE = 0.0

#: Probability a learned-model suggestion that no rule makes must reach on free
#: passages. The model learns the bundled study's paraphrases; on other text its
#: uncorroborated suggestions were wrong more often than right: on the dev half of
#: the evaluation set 0.6 (chosen on dev half A; 0.6–0.9 give the same) removes
#: every one of them there and none of its correct suggestions (half B: combined
#: micro-F1 0.802 → 0.812). Suggestions a rule also makes keep the model's
#: confidence (noisy-or).
PASSAGE_MODEL_ONLY_THRESHOLD = 0.6


def code_file(input_path: str | Path, out_path: str | Path, study, *, method: str = "combined",
              min_rule_confidence: float = PASSAGE_MIN_RULE_CONFIDENCE,
              model_only_threshold: float | None = PASSAGE_MODEL_ONLY_THRESHOLD) -> pd.DataFrame:
    """Code the passages of a JSON-lines file and write the suggestions CSV.

    Parameters
    ----------
    input_path : str or Path
        JSON lines, one object per passage with ``id`` and ``text``.
    out_path : str or Path
        CSV to write, columns :data:`PASSAGE_COLUMNS`.
    study : Study
        The study whose manual codings and codebook train the coder
        (``altena_qca.load_study``; the caller loads it, so the coder
        does not depend on how studies are found).
    method : {"combined", "rules", "model"}
        Which suggesters to use.
    min_rule_confidence : float
        See :data:`PASSAGE_MIN_RULE_CONFIDENCE`.
    model_only_threshold : float, optional
        See :data:`PASSAGE_MODEL_ONLY_THRESHOLD`.

    Returns
    -------
    DataFrame
        The rows written.
    """
    from .._io import write_csv

    passages = read_passages(input_path)
    X, y = training_data(study.corpus, study.codings)
    coder = AutoCoder(method=method, min_rule_confidence=min_rule_confidence,
                      model_only_threshold=model_only_threshold).fit(X, y, codebook=study.codebook)
    out = code_passages(passages, coder)
    write_csv(out, out_path)
    return out
