"""The scikit-learn estimator contract for the auto-coder's estimators and the Pseudonymiser.

RuleCoder, SuggestionModel and AutoCoder behave like scikit-learn
estimators, so they can be cloned, cross-validated and put in a grid search:
``get_params``/``clone`` round trip, ``fit`` returns ``self``, predicting
before ``fit`` raises ``NotFittedError``, ``__init__`` only stores its
parameters, everything ``fit`` learns ends in ``_``, one argument order
``fit(X, y, *, codebook)``, and AutoCoder works through its parts' public
interface only.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from altena_qca.codebook import load_codebook
from altena_qca.coding import AutoCoder, RuleCoder, SuggestionModel

X = ["Er wordt te weinig informatie gedeeld tussen de partners.",
     "Het vertrouwen tussen de organisaties is groot.",
     "We hebben het over het weer gehad."] * 4
Y = [["problems.insufficient"], ["effects.trust.today.positive"], []] * 4

ESTIMATORS = {
    "RuleCoder": (lambda: RuleCoder(window=2),
                  lambda est, cb: est.fit(codebook=cb)),
    "SuggestionModel": (lambda: SuggestionModel(threshold=0.4, cv=2),
                        lambda est, cb: est.fit(X, Y)),
    "AutoCoder": (lambda: AutoCoder(method="combined", model=SuggestionModel(cv=2)),
                  lambda est, cb: est.fit(X, Y, codebook=cb)),
}
CODERS = (RuleCoder, SuggestionModel, AutoCoder)


@pytest.fixture(scope="module")
def codebook():
    return load_codebook()


@pytest.fixture(params=sorted(ESTIMATORS))
def case(request):
    make, fit = ESTIMATORS[request.param]
    return make, fit


def test_get_params_and_clone_round_trip(case):
    make, _ = case
    est = make()
    params = est.get_params(deep=False)
    twin = clone(est)
    assert twin is not est and twin.get_params(deep=False).keys() == params.keys()
    for name, value in params.items():
        other = twin.get_params(deep=False)[name]
        assert (other.get_params() == value.get_params()) if hasattr(value, "get_params") else other == value
    assert type(est)(**params).get_params(deep=False).keys() == params.keys()
    est.set_params(**params)


def test_init_only_stores_parameters(case):
    make, _ = case
    est = make()
    assert set(vars(est)) == set(est.get_params(deep=False))
    assert not [a for a in vars(est) if a.endswith("_")]


def test_predict_before_fit_raises_not_fitted(case):
    make, _ = case
    with pytest.raises(NotFittedError):
        make().predict(["Er wordt niets gedeeld."])


def test_fit_returns_self_and_learns_only_underscore_attributes(case, codebook):
    make, fit = case
    est = make()
    before = dict(vars(est))
    assert fit(est, codebook) is est
    learned = [a for a in vars(est) if a not in before and not a.startswith("_")]
    assert learned, "fit learned nothing visible"
    assert all(a.endswith("_") for a in learned), learned
    assert {k: v for k, v in vars(est).items() if k in before} == before  # parameters untouched
    out = est.predict(X[:3])
    assert len(out) == 3


def test_fitted_clone_is_unfitted(case, codebook):
    make, fit = case
    est = fit(make(), codebook)
    with pytest.raises(NotFittedError):
        clone(est).predict(X[:1])


@pytest.mark.parametrize("cls", CODERS, ids=lambda c: c.__name__)
def test_one_fit_argument_order(cls):
    params = inspect.signature(cls.fit).parameters
    names = list(params)
    assert names[:3] == ["self", "X", "y"], names
    assert params["codebook"].kind is inspect.Parameter.KEYWORD_ONLY


def test_autocoder_uses_only_public_parts_of_its_coders():
    import altena_qca.coding.combine as combine
    source = Path(combine.__file__).read_text(encoding="utf-8")
    private = re.findall(r"\b(?:rule_coder_|model_|rule_coder|model)\.(_[a-z]\w*)", source)
    assert not private, f"AutoCoder reaches into its parts: {sorted(set(private))}"


# --------------------------------------------------------------------------- the Pseudonymiser


class _Tags:
    """A stand-in for deduce: tags the given strings wherever they occur."""

    def __init__(self, tags):
        self.tags = tags

    def deidentify(self, text, disabled=None):
        from types import SimpleNamespace
        found = [SimpleNamespace(start_char=m.start(), end_char=m.end(), tag=tag, text=m.group(0))
                 for original, tag in self.tags.items() for m in re.finditer(re.escape(original), text)]
        return SimpleNamespace(annotations=found)


def _pseudonymiser():
    from altena_qca.privacy import Pseudonymiser
    return Pseudonymiser(allowlist=None, actors=None, deidentifier=_Tags({"Jan de Vries": "persoon"}))


def _doc():
    from altena_qca.model import Document, Segment
    text = "Ik bel met Jan de Vries."
    return Document("R99", text, segments=[Segment("R99", 0, "respondent", 3, 0, len(text))])


def test_pseudonymiser_contract():
    pseudo = _pseudonymiser()
    assert set(vars(pseudo)) == set(pseudo.get_params(deep=False))           # __init__ stores parameters only
    assert clone(pseudo).get_params(deep=False).keys() == pseudo.get_params(deep=False).keys()
    with pytest.raises(NotFittedError):
        pseudo.transform(_doc())
    assert pseudo.fit() is pseudo
    learned = [a for a in vars(pseudo) if not a.startswith("_") and a not in pseudo.get_params(deep=False)]
    assert learned and all(a.endswith("_") for a in learned)
    before = {k: (dict(v) if isinstance(v, dict) else v) for k, v in vars(pseudo).items()}
    new = pseudo.transform(_doc())
    assert "[PERSOON-1]" in new.text and "Jan" not in new.text
    after = {k: (dict(v) if isinstance(v, dict) else v) for k, v in vars(pseudo).items()}
    assert after == before                                                    # transform changes nothing
    assert pseudo(_doc()).text == new.text and pseudo.key_["R99"] == {"[PERSOON-1]": "Jan de Vries"}


def test_pseudonymiser_is_an_estimator_without_importing_scikit_learn():
    """Every command makes a Pseudonymiser: it must not pay for importing scikit-learn and SciPy (≈ 1 s)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from altena_qca.privacy import Pseudonymiser\n"
            "p = Pseudonymiser(allowlist=None, actors=None, propagate=False).fit()\n"
            "assert repr(p) == 'Pseudonymiser(actors=None, allowlist=None, propagate=False)', repr(p)\n"
            "p.set_params(propagate=True)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy'}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    pseudo = _pseudonymiser()
    assert pseudo.set_params(propagate=False) is pseudo and pseudo.get_params()["propagate"] is False
    with pytest.raises(ValueError, match="Invalid parameter 'nope'"):
        pseudo.set_params(nope=1)
    twin = clone(pseudo)
    assert {k: v for k, v in twin.get_params().items() if k != "deidentifier"} == \
        {k: v for k, v in pseudo.get_params().items() if k != "deidentifier"}
    assert type(twin.deidentifier) is type(pseudo.deidentifier) and twin.deidentifier is not pseudo.deidentifier
