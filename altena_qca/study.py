"""A study = corpus + codebook + codings, loaded in one call.

This is what notebooks and the CLI start from::

    from altena_qca import load_study
    study = load_study("data/altena")
    study.codings.head()
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from .codebook import DEFAULT_CODEBOOK, load_codebook
from .ingest.corpus import load_codings, load_corpus
from .model import Codebook, Corpus, make_codings

__all__ = ["Study", "load_study", "DEFAULT_DATA"]

#: The reconstructed Altena corpus bundled with the repository.
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "altena"


@dataclass
class Study:
    """Corpus, codebook and codings of one study (see :func:`load_study`)."""

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    data_dir: Path | None = None
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """A derived result (groups, network, ...) computed once per study state.

        The key includes the identity of the corpus, codebook and codings, so
        assigning new codings (``study.codings = ...``) computes afresh.
        """
        key = (name, id(self.corpus), id(self.codebook), id(self.codings))
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def load_study(data_dir: str | Path = DEFAULT_DATA, codebook: str | Path | None = None, *,
               pseudonymise: bool = True) -> Study:
    """Load the corpus, codebook and codings of a study folder.

    Parameters
    ----------
    data_dir
        Study folder with ``respondents.csv``, ``transcripts/`` and optionally
        ``observations/`` and ``codings.csv``.
    codebook
        Codebook YAML; defaults to ``<data_dir>/codebook.yaml`` if present,
        else the thesis codebook ``codebook/altena.yaml``.
    pseudonymise
        Pseudonymise transcripts on ingest (default).
    """
    data_dir = Path(data_dir)
    if codebook is None:
        local = data_dir / "codebook.yaml"
        codebook = local if local.exists() else DEFAULT_CODEBOOK
    cb = load_codebook(codebook)
    corpus = load_corpus(data_dir, pseudonymise=pseudonymise)
    path = data_dir / "codings.csv"
    codings = load_codings(path, corpus, cb) if path.exists() else make_codings([])
    return Study(corpus=corpus, codebook=cb, codings=codings, data_dir=data_dir)
