"""The learned suggester: tf-idf lemma n-grams and one calibrated linear model per code.

Trained on coded passages (segment texts and their manual codes) plus the
codebook itself: each code's Dutch label, indicators and examples are added
as short extra passages, so a code nobody has coded yet can still be learned
from its description. A passage's features are lemma uni- and bigrams (so
*gedeeld* and *delen* are one feature, and *netwerkrelaties* is
*netwerkrelatie*), tf-idf weighted with sublinear term frequency and
L2-normalised — computed straight from the lemma arrays of a
:class:`~altena_qca.coding.nlp.Batch` (hashed, then looked up in the training
vocabulary), so features cost almost nothing beyond the pipeline. Each code
with enough positive passages gets a linear model with probabilities: a
logistic regression (its log-loss fit gives probabilities directly; the
default) or a :class:`~sklearn.svm.LinearSVC` wrapped in a sigmoid
:class:`~sklearn.calibration.CalibratedClassifierCV`. A code is suggested when
its probability reaches ``threshold``. A passage counts as positive for a code
when it is coded with that code or one of its descendants. The random state is
fixed.

Examples
--------
>>> X = ["Er is geen vertrouwen", "Het vertrouwen is groot", "Taken worden dubbel gedaan",
...      "De intake is dubbel gedaan", "Wij vertrouwen elkaar", "Niemand doet de taak"]
>>> y = [["trust"], ["trust"], ["coord"], ["coord"], ["trust"], ["coord"]]
>>> model = SuggestionModel(threshold=0.5).fit(X, y)
>>> model.classes_
['coord', 'trust']
>>> [s.code for s in model.predict(["Vertrouwen tussen collega's"])[0]]
['trust']

References
----------
.. [1] J. Platt, "Probabilistic outputs for support vector machines", in
   Advances in Large Margin Classifiers, MIT Press, 1999.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
import simplemma
import sklearn
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ..model import Codebook
from .nlp import _FORMS_LOCK, Batch, get_lemmatizer, get_nlp, pipe_batches
from .rules import RuleCoder, Suggestion, _suggestion

__all__ = ["IGNORED_LEMMAS", "SuggestionModel", "codebook_passages", "compound_parts", "sentence_units"]

#: Lemmas that are editorial marks of the reconstructed corpus, not content.
IGNORED_LEMMAS = ("parafrase",)
_BIGRAM = np.uint64(1_000_003)
#: Marks a compound part's feature hash apart from the same word's own lemma.
_PART = np.uint64(7_919)
_SENTENCE_ENDS = (".", "!", "?", "...", "…")


@functools.lru_cache(maxsize=1)
def _known_lemmas() -> frozenset:
    """Lemmas of the lookup table: the words a compound part is checked against (with simplemma)."""
    table = get_lemmatizer().table
    return frozenset(v for v in table.values() if isinstance(v, str))


@functools.lru_cache(maxsize=1)
def _simplemma_nl():
    """``w -> bool``: :func:`simplemma.is_known` for Dutch, for the lower-case alphabetic strings
    :func:`compound_parts` asks about, without its per-call checks (its Dutch dictionary looked up
    directly, as its lookup strategy does: the NFC and canonical form, then capitalised); the public
    function when simplemma's internals have moved."""
    try:
        import unicodedata

        from simplemma.strategies.dictionaries.dictionary_factory import DEFAULT_DICTIONARY_FACTORY
        from simplemma.utils import canonicalize_token

        words = DEFAULT_DICTIONARY_FACTORY.get_dictionary("nl")
    except (ImportError, AttributeError):  # pragma: no cover - another simplemma layout
        return lambda w: simplemma.is_known(w, lang="nl")
    raw = getattr(words, "_dict", None)
    if isinstance(raw, dict) and all(isinstance(k, bytes) for k in list(raw)[:10]):
        # the UTF-8 encoded words themselves (what ``MappingStrToByteString.get`` looks up), without
        # decoding the lemma found: only whether there is one matters here
        def known_raw(w: str) -> bool:
            t = canonicalize_token(unicodedata.normalize("NFC", w), "nl")
            return t.encode() in raw or (t.lower() if t[:1].isupper() else t.capitalize()).encode() in raw
        return known_raw

    def known(w: str) -> bool:
        t = canonicalize_token(unicodedata.normalize("NFC", w), "nl")
        return words.get(t) is not None or words.get(t.lower() if t[:1].isupper() else t.capitalize()) is not None
    return known


@functools.lru_cache(maxsize=200_000)
def _is_word(w: str) -> bool:
    """Whether ``w`` is a word: a lemma of the lookup table or known to simplemma (asked once per string:
    the parts tried for one compound recur in many others, *-heid*, *-ing*, *werk*)."""
    return w in _known_lemmas() or _simplemma_nl()(w)


@functools.lru_cache(maxsize=200_000)
def compound_parts(lemma: str, *, min_part: int = 4) -> tuple[str | None, str | None]:
    """The modifier and head of a Dutch compound lemma, or ``(None, None)``.

    The split keeps the longest head whose modifier is itself a word (a
    linking *s* or *en* dropped); failing that, the longest head of at least
    five letters that is a word. Words are the lookup table's lemmas and
    simplemma's vocabulary.

    >>> compound_parts("gegevensuitwisseling")
    ('gegevens', 'uitwisseling')
    >>> compound_parts("vertrouwensband")
    ('vertrouwen', 'band')
    >>> compound_parts("delen")
    (None, None)

    Not every split is a compound (*vertrouwen* gives *vert* + *rouwen*); such
    a split only repeats the word's own feature under two more names.
    """
    if len(lemma) < 2 * min_part or not lemma.isalpha():
        return None, None
    is_word = _is_word
    fallback = None
    for i in range(min_part, len(lemma) - min_part + 1):
        head = lemma[i:]
        if not is_word(head):
            continue
        mod = lemma[:i]
        for m in (mod, mod[:-1] if mod.endswith("s") else None, mod[:-2] if mod.endswith("en") else None):
            if m and len(m) >= 3 and is_word(m):
                return m, head
        if fallback is None and len(head) >= 5:
            fallback = head
    return None, fallback


def sentence_units(batch: Batch) -> tuple[np.ndarray, np.ndarray]:
    """Sentence units of a batch: (unit of every token row, batch passage of every unit).

    A unit starts at a passage's first token and after every ``.``, ``!``,
    ``?`` or ellipsis; units are numbered in row order.
    """
    n = len(batch.forms)
    start = np.zeros(n, dtype=bool)
    if not n:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    start[batch.first[batch.last > batch.first]] = True
    strings = get_nlp().vocab.strings
    ends = np.asarray([strings.add(e) for e in _SENTENCE_ENDS], dtype=np.uint64)
    after = np.flatnonzero(np.isin(batch.arrays[:-1, 1], ends)) + 1
    start[after] = True
    unit = np.cumsum(start) - 1
    return unit, batch.token_passage[start]


def codebook_passages(codebook: Codebook) -> tuple[list[str], list[list[str]]]:
    """Short training passages from the codebook: label, indicators, examples.

    Returns
    -------
    X : list of str
    y : list of list of str
        One code per passage.
    """
    X, y = [], []
    for code in codebook:
        for text in (code.label_nl, *code.indicators, *code.examples):
            if text and text.strip():
                X.append(text.strip())
                y.append([code.id])
    return X, y


class SuggestionModel(BaseEstimator):
    """Suggest codes with tf-idf lemma n-grams and one linear model per code.

    Parameters
    ----------
    threshold : float
        Minimum probability for a suggestion.
    max_suggestions : int
        At most this many codes per passage (highest probability first).
    estimator : {"logreg", "svm"}
        ``logreg``: one :class:`~sklearn.linear_model.LogisticRegression` per
        code (one fit per code; the fast default). ``svm``: a class-balanced
        :class:`~sklearn.svm.LinearSVC` with sigmoid
        :class:`~sklearn.calibration.CalibratedClassifierCV` (``cv`` fits per code).
    C : float
        Inverse regularisation strength of the linear model.
    class_weight : {None, "balanced"}
        Class weights of the logistic regression. ``"balanced"`` raises recall
        on rare codes; probabilities then overstate a rare code's base rate,
        which ``threshold`` is tuned for.
    ngrams : int
        Longest lemma n-gram (1 or 2).
    min_positive : int
        Codes with fewer positive passages get no model.
    cv : int
        Folds of the sigmoid calibration of ``svm`` (fewer when a code has fewer positives).
    use_codebook : bool
        Add the codebook's labels, indicators and examples to the training data
        (needs ``codebook`` in :meth:`fit`).
    compounds : bool
        Also count the modifier and head of a compound lemma as lemmas
        (:func:`compound_parts`: *gegevensuitwisseling* adds *uitwisseling*),
        so a concept carries across the compounds Dutch makes of it.
    sentences : bool
        Decide per sentence and suggest a code for a passage when any of its
        sentences reaches ``threshold`` (the maximum probability): a long
        passage is not diluted, so the decision does not depend on how long
        the training passages were.
    rule_features : bool
        Also count, per passage (per sentence when deciding), one feature for
        every code the codebook's rules suggest there and for each of its
        ancestors (``rule:<code>``): wording the training passages never used
        still meets the rules. Used when :meth:`fit` gets a ``codebook`` or a
        ``rule_coder`` (otherwise lemma features only). Chosen by
        template-grouped cross-validation (``docs/evaluation.md``: the model
        alone 0.65 → 0.70 label F1, its quotes 0.59 → 0.78).
    random_state : int
        Seed of the solvers and calibration folds.

    Attributes
    ----------
    classes_ : list of str
        Codes that have a model, sorted.
    estimators_ : list
        One fitted classifier per class.
    vocabulary_ : ndarray
        Sorted hashes of the lemma n-grams seen in training.
    idf_ : ndarray
        Inverse document frequency of each vocabulary entry.
    rule_coder_ : RuleCoder or None
        The rule coder whose suggestions are features (``rule_features``).
    """

    # Per-form tables over the lemmatizer's FormTable, made on first use (neither parameters nor learned)
    _parts_of: object
    _p_mod: np.ndarray
    _p_head: np.ndarray
    _forms_of: object
    _f_kept: np.ndarray
    _f_col: np.ndarray
    _f_parts: np.ndarray
    rule_coder_: RuleCoder | None
    _rule_feats: tuple[np.ndarray, np.ndarray]

    def __init__(self, *, threshold: float = 0.5, max_suggestions: int = 3, estimator: str = "logreg",
                 C: float = 1.0, class_weight: str | None = "balanced", ngrams: int = 2, min_positive: int = 2,
                 cv: int = 3, use_codebook: bool = True, compounds: bool = True, sentences: bool = True,
                 rule_features: bool = True, random_state: int = 0):
        self.threshold = threshold
        self.max_suggestions = max_suggestions
        self.estimator = estimator
        self.C = C
        self.class_weight = class_weight
        self.ngrams = ngrams
        self.min_positive = min_positive
        self.cv = cv
        self.use_codebook = use_codebook
        self.compounds = compounds
        self.sentences = sentences
        self.rule_features = rule_features
        self.random_state = random_state

    # ------------------------------------------------------------ features
    def _hashes(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """(batch passage position, n-gram hash) for every feature occurrence."""
        arr, tp = batch.arrays, batch.token_passage
        ignored = np.asarray([get_nlp().vocab.strings.add(w) for w in IGNORED_LEMMAS], dtype=np.uint64)
        keep = (arr[:, 4] == 1) & ~np.isin(arr[:, 0], ignored)
        lem, pos = arr[keep, 0].astype(np.uint64), tp[keep]
        rows, feats = [pos], [lem]
        if self.ngrams >= 2 and len(lem) > 1:
            same = pos[:-1] == pos[1:]
            rows.append(pos[:-1][same])
            with np.errstate(over="ignore"):
                feats.append(lem[:-1][same] * _BIGRAM + lem[1:][same])
        if self.compounds:
            mod, head = self._parts()
            forms = batch.forms[keep]
            for part in (mod[forms], head[forms]):
                has = part != 0
                rows.append(pos[has])
                feats.append(part[has])
        if getattr(self, "rule_coder_", None) is not None:
            r_row, r_feat = self._rule_hashes(batch)
            rows.append(batch.token_passage[r_row])
            feats.append(r_feat)
        return np.concatenate(rows), np.concatenate(feats)

    def _rule_hashes(self, batch: Batch) -> tuple[np.ndarray, np.ndarray]:
        """(token row, feature hash) of every code the rules suggest in a batch, with its ancestors.

        The row is the first token of the rule's span (so a sentence unit can be found for it).
        """
        coder = self.rule_coder_
        found = coder.find_batch(batch) if coder is not None else None
        if found is None:
            return np.zeros(0, np.int64), np.zeros(0, np.uint64)
        passage, key, start = found[0], found[1], found[2]
        # the row of each span's first token: the last row of its passage starting at or before it
        where = (batch.token_passage.astype(np.int64) << 32) | batch.arrays[:, 2].astype(np.int64)
        rows = np.searchsorted(where, (passage.astype(np.int64) << 32) | start.astype(np.int64), side="right") - 1
        rows = np.maximum(rows, batch.first[passage])
        ptr, flat = self._rule_feats
        counts = ptr[key + 1] - ptr[key]
        at = np.repeat(ptr[key] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        return np.repeat(rows, counts), flat[at]

    def _parts(self) -> tuple[np.ndarray, np.ndarray]:
        """Lemma hashes of the compound modifier and head of every form of the form table (0: none)."""
        table = get_lemmatizer().forms
        if getattr(self, "_parts_of", None) is not table or len(self._p_head) < len(table):
            with _FORMS_LOCK:
                if getattr(self, "_parts_of", None) is not table:
                    self._p_mod, self._p_head = np.zeros(0, np.uint64), np.zeros(0, np.uint64)
                    self._parts_of = table
                done = len(self._p_head)
                strings = get_nlp().vocab.strings
                mods, heads = [], []
                for lemma in table.lemma[done:].tolist():
                    m, h = compound_parts(strings[lemma])
                    mods.append(strings.add(m) if m else 0)
                    heads.append(strings.add(h) if h else 0)
                self._p_mod = np.concatenate([self._p_mod, np.asarray(mods, dtype=np.uint64)])
                self._p_head = np.concatenate([self._p_head, np.asarray(heads, dtype=np.uint64)])
        return self._p_mod, self._p_head

    def _batch_counts(self, batch: Batch, unit: np.ndarray | None = None, n_units: int | None = None):
        """The count matrix of a batch over ``vocabulary_``: ``_matrix(*_hashes(batch), ...)``, faster.

        A unigram's column (and its compound parts' columns) depends on the
        token's form alone, so it is looked up once per form of the
        lemmatizer's :class:`~altena_qca.coding.nlp.FormTable` and gathered
        per token; only the bigrams are searched in the vocabulary. Rows are
        the batch's passages, or ``n_units`` units given by ``unit`` (the unit
        of every token row, e.g. :func:`sentence_units`).
        """
        vocabulary, n_vocab = self.vocabulary_, len(self.vocabulary_)
        if unit is None:
            n_rows = len(batch.index)
        elif n_units is None:
            raise ValueError("n_units is needed with unit")
        else:
            n_rows = n_units
        if not n_vocab or not len(batch.forms):
            return sp.csr_matrix((n_rows, n_vocab))
        table = get_lemmatizer().forms
        if getattr(self, "_forms_of", None) is not table or len(self._f_col) < len(table):
            with _FORMS_LOCK:  # one writer at a time (coders may run in threads)
                if getattr(self, "_forms_of", None) is not table:  # first use (or another pipeline)
                    self._f_kept, self._f_col = np.zeros(0, bool), np.zeros(0, np.int64)
                    self._f_parts = np.zeros((0, 2), np.int64)
                    self._forms_of = table
                done = len(self._f_col)
                lemma = table.lemma[done:]
                ignored = np.asarray([get_nlp().vocab.strings.add(w) for w in IGNORED_LEMMAS], dtype=np.uint64)
                kept = (table.is_alpha[done:] == 1) & ~np.isin(lemma, ignored)
                col = np.minimum(np.searchsorted(vocabulary, lemma), n_vocab - 1)
                if self.compounds:
                    parts = []
                    for part in self._parts():
                        part = part[done:len(table)]
                        pcol = np.minimum(np.searchsorted(vocabulary, part), n_vocab - 1)
                        parts.append(np.where(kept & (part != 0) & (vocabulary[pcol] == part), pcol, -1))
                    self._f_parts = np.concatenate([self._f_parts, np.column_stack(parts)])
                self._f_kept = np.concatenate([self._f_kept, kept])
                # last: its length says how many forms are ready
                self._f_col = np.concatenate([self._f_col, np.where(kept & (vocabulary[col] == lemma), col, -1)])
        kept = self._f_kept[batch.forms]
        forms = batch.forms[kept]
        pos = (batch.token_passage if unit is None else unit)[kept]
        col = self._f_col[forms]
        known = col >= 0
        keys = [pos[known] * n_vocab + col[known]]
        if self.compounds:
            for k in range(2):
                pcol = self._f_parts[forms, k]
                has = pcol >= 0
                keys.append(pos[has] * n_vocab + pcol[has])
        if self.ngrams >= 2 and len(forms) > 1:
            same = pos[:-1] == pos[1:]
            lemma = table.lemma[forms]
            with np.errstate(over="ignore"):
                feats = lemma[:-1][same] * _BIGRAM + lemma[1:][same]
            uniq, inv = np.unique(feats, return_inverse=True)
            ucol = np.minimum(np.searchsorted(vocabulary, uniq), n_vocab - 1)
            bcol, bknown = ucol[inv], (vocabulary[ucol] == uniq)[inv]
            keys.append(pos[:-1][same][bknown] * n_vocab + bcol[bknown])
        if getattr(self, "rule_coder_", None) is not None:
            r_row, r_feat = self._rule_hashes(batch)
            if len(r_row):
                r_pos = (batch.token_passage if unit is None else unit)[r_row]
                rcol = np.minimum(np.searchsorted(vocabulary, r_feat), n_vocab - 1)
                rknown = vocabulary[rcol] == r_feat
                keys.append(r_pos[rknown] * n_vocab + rcol[rknown])
        key, counts = np.unique(np.concatenate(keys), return_counts=True)
        indptr = np.searchsorted(key, np.arange(n_rows + 1, dtype=np.int64) * n_vocab)
        return sp.csr_matrix((counts.astype(np.float64), (key % n_vocab).astype(np.int32), indptr),
                             shape=(n_rows, n_vocab))

    def _counts(self, texts: Sequence[str], vocabulary: np.ndarray | None):
        """Count matrix (passages × vocabulary) or, without a vocabulary, raw hashes."""
        row_parts, feat_parts = [], []
        for batch in pipe_batches(texts):
            r, f = self._hashes(batch)
            row_parts.append(np.asarray(batch.index, dtype=np.int64)[r])
            feat_parts.append(f)
        rows = np.concatenate(row_parts) if row_parts else np.zeros(0, np.int64)
        feats = np.concatenate(feat_parts) if feat_parts else np.zeros(0, np.uint64)
        if vocabulary is None:
            return rows, feats
        return self._matrix(rows, feats, len(texts), vocabulary)

    @staticmethod
    def _matrix(rows, feats, n_rows, vocabulary):
        """Counts of the known features per row, as a canonical CSR matrix.

        Built directly in canonical form (columns sorted within a row,
        duplicates summed), which is what ``coo → csr`` plus
        ``sum_duplicates`` gives, at a fraction of the cost. Each distinct
        hash is looked up once: numpy's binary search is several times faster
        on sorted needles.
        """
        n_vocab = len(vocabulary)
        if not n_vocab or not len(feats):
            return sp.csr_matrix((n_rows, n_vocab))
        uniq, inv = np.unique(feats, return_inverse=True)
        ucol = np.minimum(np.searchsorted(vocabulary, uniq), n_vocab - 1)
        col, known = ucol[inv], (vocabulary[ucol] == uniq)[inv]
        key, counts = np.unique(rows[known].astype(np.int64) * n_vocab + col[known], return_counts=True)
        indptr = np.searchsorted(key, np.arange(n_rows + 1, dtype=np.int64) * n_vocab)
        return sp.csr_matrix((counts.astype(np.float64), (key % n_vocab).astype(np.int32), indptr),
                             shape=(n_rows, n_vocab))

    def _tfidf(self, counts):
        m = counts.tocsr().astype(np.float64)  # a copy: the data are changed in place below
        # Sublinear tf times idf, element by element (the same products as ``m @ diags(idf_)``).
        m.data = (1.0 + np.log(m.data)) * self.idf_[m.indices]
        return normalize(m, norm="l2", copy=False)

    # ----------------------------------------------------------------- fit
    def fit(self, X: Iterable[str], y: Iterable[Iterable[str]], *,
            codebook: Codebook | None = None, rule_coder: RuleCoder | None = None) -> SuggestionModel:
        """Train on passages ``X`` with code lists ``y``.

        Parameters
        ----------
        X : iterable of str
            Passages.
        y : iterable of iterables of str
            The codes of each passage (may be empty: a negative for every code).
        codebook : Codebook, optional
            Rolls codes up to their ancestors and adds the codebook passages.
            A top-level code that no passage carries directly (a category such
            as *effects*) is never suggested.
        rule_coder : RuleCoder, optional
            The fitted rule coder whose suggestions are features (with
            ``rule_features``; default one compiled from ``codebook``).

        Returns
        -------
        SuggestionModel
            ``self``.
        """
        X, y = list(X), [list(codes) for codes in y]
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} passages but y has {len(y)} code lists")
        # A top-level category nobody codes directly ('effects', 'boundaries') is
        # suggested for any passage near its many children, off-topic talk included:
        # it keeps its model (and its place among a passage's best) but is not suggested.
        direct = {c for codes in y for c in codes}
        if codebook is not None and self.use_codebook:
            cx, cy = codebook_passages(codebook)
            X, y = X + cx, [*y, *cy]
        vague = ({c.id for c in codebook if c.parent is None and c.id not in direct}
                 if codebook is not None else set())
        if codebook is not None:
            y = [sorted({a for c in codes if c in codebook for a in (c, *codebook.ancestors(c))} |
                        {c for c in codes if c not in codebook}) for codes in y]
        self.rule_coder_ = None
        if self.rule_features and (rule_coder is not None or codebook is not None):
            if rule_coder is None:
                assert codebook is not None
                rule_coder = RuleCoder().fit(codebook=codebook)
            self.rule_coder_ = rule_coder
            strings = get_nlp().vocab.strings
            feats = [[strings.add(f"\x1frule:{a}") for a in
                      ([code, *codebook.ancestors(code)] if codebook is not None and code in codebook else [code])]
                     for code, _ in rule_coder.output_keys_]
            # the features of output key k: flat[ptr[k]:ptr[k + 1]]
            self._rule_feats = (np.r_[0, np.cumsum([len(f) for f in feats])].astype(np.int64),
                                np.asarray([h for f in feats for h in f], dtype=np.uint64))
        rows, feats = self._counts(X, None)
        self.vocabulary_ = np.unique(feats)
        counts = self._matrix(rows, feats, len(X), self.vocabulary_)
        df = np.bincount(counts.indices, minlength=len(self.vocabulary_))
        self.idf_ = np.log((1 + len(X)) / (1 + df)) + 1.0
        features = self._tfidf(counts)
        self.classes_, self.estimators_ = [], []
        # Small sparse problems: BLAS threads only contend (20x slower on a busy machine).
        # One fit per code, thousands per cross-validation: skip scikit-learn's
        # per-call parameter and finiteness checks (tf-idf values are finite, the
        # parameters were checked when the first estimator was built).
        with threadpool_limits(limits=1), sklearn.config_context(assume_finite=True,
                                                                 skip_parameter_validation=True):
            for code in sorted({c for codes in y for c in codes}):
                target = np.array([code in codes for codes in y], dtype=int)
                n_pos = int(target.sum())
                if n_pos < self.min_positive or n_pos == len(target):
                    continue
                self.classes_.append(code)
                self.estimators_.append(self._estimator(n_pos).fit(features, target))
        self._unsuggested = np.asarray([c in vague for c in self.classes_], dtype=bool)
        if self.estimator == "logreg" and self.estimators_:
            # Dense: a sparse × dense product is several times faster than sparse × sparse
            # and adds the same terms in the same order (identical logits).
            self._coef = np.ascontiguousarray(np.vstack([e.coef_[0] for e in self.estimators_]).T)
            self._intercept = np.array([e.intercept_[0] for e in self.estimators_])
        return self

    def _estimator(self, n_pos: int):
        if self.estimator == "logreg":
            return LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear",
                                      random_state=self.random_state)
        if self.estimator == "svm":
            folds = StratifiedKFold(n_splits=min(self.cv, n_pos), shuffle=True, random_state=self.random_state)
            svm = LinearSVC(C=self.C, class_weight="balanced", random_state=self.random_state)
            return CalibratedClassifierCV(svm, method="sigmoid", cv=folds)
        raise ValueError(f"estimator must be 'logreg' or 'svm', got {self.estimator!r}")

    # ------------------------------------------------------------- predict
    def _proba(self, counts) -> np.ndarray:
        features = self._tfidf(counts)
        if not self.estimators_:
            return np.zeros((features.shape[0], 0))
        if self.estimator == "logreg":
            logits = np.asarray(features @ self._coef) + self._intercept
            return 1.0 / (1.0 + np.exp(-logits))
        with threadpool_limits(limits=1):
            return np.column_stack([est.predict_proba(features)[:, 1] for est in self.estimators_])

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Probability of each class (columns follow ``classes_``); with ``sentences``, its best sentence's."""
        check_is_fitted(self, "estimators_")
        X = list(X)
        out = np.zeros((len(X), len(self.classes_)))
        for batch in pipe_batches(X):
            out[batch.index] = self._batch_proba(batch)
        return out

    def _batch_proba(self, batch: Batch) -> np.ndarray:
        """Probabilities of the passages of a batch (passages × classes)."""
        if not self.sentences:
            return self._proba(self._batch_counts(batch))
        unit, unit_passage = sentence_units(batch)
        proba = np.zeros((len(batch.index), len(self.classes_)))
        if len(unit_passage) and len(self.classes_):
            per_unit = self._proba(self._batch_counts(batch, unit, len(unit_passage)))
            starts = np.r_[0, np.flatnonzero(np.diff(unit_passage)) + 1]
            proba[unit_passage[starts]] = np.maximum.reduceat(per_unit, starts, axis=0)
        return proba

    def _batch_hits(self, batch: Batch) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(passage, class, probability) of every pair of a batch at or above ``threshold``.

        What ``np.nonzero(_batch_proba(batch) >= threshold)`` gives, with the
        same probabilities, but the sigmoid is taken only where it can reach
        the threshold: for the logistic regression a passage's best sentence
        is the one with the largest logit (the sigmoid is increasing), so the
        maximum is taken over logits and only the few pairs whose logit comes
        near the threshold's are turned into probabilities.
        """
        if self.estimator != "logreg" or not self.sentences or not self.estimators_:
            proba = self._batch_proba(batch)
            hit_p, hit_c = np.nonzero(proba >= self.threshold)
            return hit_p, hit_c, proba[hit_p, hit_c]
        unit, unit_passage = sentence_units(batch)
        if not len(unit_passage):
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        features = self._tfidf(self._batch_counts(batch, unit, len(unit_passage)))
        logits = np.asarray(features @ self._coef) + self._intercept
        starts = np.r_[0, np.flatnonzero(np.diff(unit_passage)) + 1]
        best = np.maximum.reduceat(logits, starts, axis=0)
        t = self.threshold
        cut = -np.inf if t <= 0 else (np.inf if t >= 1 else np.log(t / (1 - t)) - 1e-6)
        row, hit_c = np.nonzero(best >= cut)
        values = 1.0 / (1.0 + np.exp(-best[row, hit_c]))
        ok = values >= t
        return unit_passage[starts][row[ok]], hit_c[ok], values[ok]

    def find_batch(self, batch: Batch):
        """The suggested (passage, class) pairs of a batch, or None when there are none.

        Returns
        -------
        passage, klass : ndarray
            Batch position and class index (into ``classes_``), sorted by
            passage, then probability descending, then class.
        proba : list of float
            The probabilities (unrounded).
        """
        check_is_fitted(self, "estimators_")
        # Only the few (passage, class) pairs at or above the threshold are
        # looked at, in the order of a stable argsort of ``-row`` (whose first
        # ``max_suggestions`` were kept per passage, all at the top).
        hit_p, hit_c, values = self._batch_hits(batch)
        if not len(hit_p):
            return None
        order = np.lexsort((hit_c, -values, hit_p))
        hit_p, hit_c, values = hit_p[order], hit_c[order], values[order]
        cut = self.max_suggestions
        if cut is not None:  # ``[:cut]`` of each passage's list
            starts = np.r_[0, np.flatnonzero(np.diff(hit_p)) + 1]
            sizes = np.diff(np.r_[starts, len(hit_p)])
            rank = np.arange(len(hit_p)) - np.repeat(starts, sizes)
            size = np.repeat(sizes, sizes)
            keep = rank < (cut if cut >= 0 else size + cut)
            hit_p, hit_c, values = hit_p[keep], hit_c[keep], values[keep]
        unsuggested = getattr(self, "_unsuggested", None)
        if unsuggested is not None and unsuggested.any():  # after the cut: the other suggestions stay as they were
            keep = ~unsuggested[hit_c]
            hit_p, hit_c, values = hit_p[keep], hit_c[keep], values[keep]
        return (hit_p, hit_c, values.tolist()) if len(hit_p) else None

    @staticmethod
    def passage_span(text: str) -> tuple[int, int]:
        """The passage without its surrounding white space: the span of a model suggestion."""
        return len(text) - len(text.lstrip()), len(text.rstrip())

    def predict_batch(self, batch: Batch) -> dict[int, list[Suggestion]]:
        """Suggestions for the passages of one batch (batch position → suggestions)."""
        found = self.find_batch(batch)
        out: dict[int, list[Suggestion]] = {}
        if found is None:
            return out
        rule = "model:tfidf-" + self.estimator
        classes = self.classes_
        for p, j, v in zip(found[0].tolist(), found[1].tolist(), found[2]):
            found_p = out.get(p)
            if found_p is None:
                found_p = out[p] = []
                start, end = self.passage_span(batch.text(p))
            # ``round`` on Python floats (``tolist``): the same value as on numpy floats, much faster.
            found_p.append(_suggestion(classes[j], start, end, round(v, 4), rule))
        return out

    def predict(self, X: Iterable[str]) -> list[list[Suggestion]]:
        """Suggestions for each passage: codes whose probability reaches ``threshold``.

        An empty or blank passage gets none. Each suggestion spans the whole
        passage and names the rule ``model:tfidf-logreg`` (or ``-svm``).
        """
        check_is_fitted(self, "estimators_")
        X = list(X)
        out: list[list[Suggestion]] = [[] for _ in X]
        for batch in pipe_batches(X):
            for p, found in self.predict_batch(batch).items():
                out[batch.index[p]] = found
        return out
