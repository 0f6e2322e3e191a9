"""The learned suggester: tf-idf features and one calibrated linear model per code.

Trained on coded passages (segment texts and their manual codes) plus the
codebook itself: each code's Dutch label, indicators and examples are added
as short extra passages, so a code nobody has coded yet can still be learned
from its description. A passage's features are word uni- and bigrams over
lemmas (so *gedeeld* and *delen* are one feature) and character 2–5-grams
within words (robust to compounds such as *persoonsgegevensuitwisseling*),
both tf-idf weighted. Each code with enough positive passages gets a
linear model with calibrated probabilities (a logistic regression, or a
:class:`~sklearn.svm.LinearSVC` wrapped in a sigmoid
:class:`~sklearn.calibration.CalibratedClassifierCV`); a code is suggested
when its probability reaches ``threshold``. A passage counts as positive for a code when it is coded with
that code or one of its descendants. The random state is fixed.

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

import re
from typing import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ..model import Codebook
from .nlp import pipe_docs
from .rules import Suggestion

__all__ = ["SuggestionModel", "codebook_passages", "clean_passage"]

_MARKERS = re.compile(r"\[(?:parafrase|bron:[^\]]*)\]\s*", re.IGNORECASE)


def clean_passage(text: str) -> str:
    """``text`` without the corpus's editorial markers (``[parafrase]``, ``[bron: ...]``)."""
    return _MARKERS.sub("", text).strip()


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
    """Suggest codes with tf-idf features and one calibrated linear model per code.

    Parameters
    ----------
    threshold : float
        Minimum calibrated probability for a suggestion.
    max_suggestions : int
        At most this many codes per passage (highest probability first).
    estimator : {"logreg", "svm"}
        ``logreg``: one :class:`~sklearn.linear_model.LogisticRegression` per
        code, whose log-loss fit gives calibrated probabilities directly (one
        fit per code, the fast default). ``svm``: a class-balanced
        :class:`~sklearn.svm.LinearSVC` with sigmoid
        :class:`~sklearn.calibration.CalibratedClassifierCV` (``cv`` fits per code).
    C : float
        Inverse regularisation strength of the linear model.
    class_weight : {None, "balanced"}
        Class weights of the logistic regression (the SVM is always balanced
        before calibration). ``"balanced"`` raises recall on rare codes at
        the price of calibration.
    min_positive : int
        Codes with fewer positive passages get no model.
    cv : int
        Folds of the sigmoid calibration (fewer when a code has fewer positives).
    use_codebook : bool
        Add the codebook's labels, indicators and examples to the training data
        (needs ``codebook`` in :meth:`fit`).
    random_state : int
        Seed of the calibration folds and the SVMs.

    Attributes
    ----------
    classes_ : list of str
        Codes that have a model, sorted.
    estimators_ : list
        One fitted :class:`~sklearn.calibration.CalibratedClassifierCV` per class.
    """

    def __init__(self, *, threshold: float = 0.5, max_suggestions: int = 3, estimator: str = "logreg",
                 C: float = 1.0, class_weight: str | None = "balanced", min_positive: int = 2, cv: int = 3,
                 use_codebook: bool = True, random_state: int = 0):
        self.threshold = threshold
        self.class_weight = class_weight
        self.estimator = estimator
        self.max_suggestions = max_suggestions
        self.C = C
        self.min_positive = min_positive
        self.cv = cv
        self.use_codebook = use_codebook
        self.random_state = random_state

    @staticmethod
    def _lemma_texts(texts: Sequence[str]) -> list[str]:
        return [" ".join(t.lemma_ for t in doc if t.is_alpha) for doc in pipe_docs(texts)]

    def _features(self, texts: Sequence[str]):
        clean = [clean_passage(t) for t in texts]
        return sp.hstack([self.word_vectorizer_.transform(self._lemma_texts(clean)),
                          self.char_vectorizer_.transform(clean)]).tocsr()

    def fit(self, X: Iterable[str], y: Iterable[Iterable[str]], codebook: Codebook | None = None) -> "SuggestionModel":
        """Train on passages ``X`` with code lists ``y``.

        Parameters
        ----------
        X : iterable of str
            Passages.
        y : iterable of iterables of str
            The codes of each passage (may be empty: a negative for every code).
        codebook : Codebook, optional
            Rolls codes up to their ancestors and adds the codebook passages.

        Returns
        -------
        SuggestionModel
            ``self``.
        """
        X, y = list(X), [list(codes) for codes in y]
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} passages but y has {len(y)} code lists")
        if codebook is not None and self.use_codebook:
            cx, cy = codebook_passages(codebook)
            X, y = X + cx, y + cy
        if codebook is not None:
            y = [sorted({a for c in codes for a in (c, *codebook.ancestors(c)) if c in codebook} |
                        {c for c in codes if c not in codebook}) for codes in y]
        clean = [clean_passage(t) for t in X]
        self.word_vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                                token_pattern=r"(?u)\b\w+\b")
        self.char_vectorizer_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                                min_df=2, lowercase=True)
        self.word_vectorizer_.fit(self._lemma_texts(clean))
        self.char_vectorizer_.fit(clean)
        features = self._features(X)
        used = {c for codes in y for c in codes}
        self.classes_, self.estimators_ = [], []
        # Small sparse problems: BLAS threads only contend (20x slower on a busy machine).
        with threadpool_limits(limits=1):
            for code in sorted(used):
                target = np.array([code in codes for codes in y], dtype=int)
                n_pos = int(target.sum())
                if n_pos < self.min_positive or n_pos == len(target):
                    continue
                self.classes_.append(code)
                self.estimators_.append(self._estimator(n_pos).fit(features, target))
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

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probability of each class (columns follow ``classes_``)."""
        check_is_fitted(self, "estimators_")
        X = list(X)
        if not X:
            return np.zeros((0, len(self.classes_)))
        features = self._features(X)
        with threadpool_limits(limits=1):
            cols = [est.predict_proba(features)[:, 1] for est in self.estimators_]
        return np.column_stack(cols) if cols else np.zeros((len(X), 0))

    def predict(self, X: Iterable[str]) -> list[list[Suggestion]]:
        """Suggestions for each passage: codes whose probability reaches ``threshold``.

        An empty or blank passage gets none. Each suggestion spans the whole
        passage and names the rule ``model:tfidf-logreg`` (or ``-svm``).
        """
        X = list(X)
        check_is_fitted(self, "estimators_")
        out: list[list[Suggestion]] = [[] for _ in X]
        idx = [i for i, t in enumerate(X) if isinstance(t, str) and clean_passage(t)]
        if not idx or not self.classes_:
            return out
        proba = self.predict_proba([X[i] for i in idx])
        for row, i in zip(proba, idx):
            order = np.argsort(-row, kind="stable")[: self.max_suggestions]
            text = X[i]
            start = len(text) - len(text.lstrip())
            end = len(text.rstrip())
            out[i] = [Suggestion(self.classes_[j], start, end, round(float(row[j]), 4), "model:tfidf-" + self.estimator)
                      for j in order if row[j] >= self.threshold]
        return out
