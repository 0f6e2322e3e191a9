"""Run the per-document stages on this machine or on a Dask cluster.

Ingest, pseudonymisation and auto-coding look at one document at a time, so
they are written as pure per-document functions that wrap the library
calls (they rewrite nothing):

* :func:`ingest_document` — :func:`~altena_qca.ingest.ingest_transcript`
  (the function :func:`altena_qca.ingest.load_corpus` reads each file with:
  :func:`~altena_qca.ingest.read_transcript` with a private copy of the
  corpus's :class:`~altena_qca.privacy.Pseudonymiser`), recording the
  warnings it raised; returns the document, its pseudonym key and offset
  map, and those warnings;
* :func:`autocode_document` — :func:`~altena_qca.coding.suggest` with an
  already fitted :class:`~altena_qca.coding.AutoCoder` on one document.

An *engine* maps such a function over the documents. :class:`LocalEngine`
does it in this process, one document after the other; :class:`DaskEngine`
sends the documents to a Dask cluster — a :class:`distributed.LocalCluster`
on this machine by default, or the scheduler at ``scheduler`` — with the
shared state (pseudonymiser, fitted coder) sent to each worker once. Results
come back in document order, at most ``window`` documents in flight, so the
driver never holds more than the results it keeps.

:func:`load_study` and :func:`suggest` assemble the results exactly as
:func:`altena_qca.load_study` and :func:`altena_qca.coding.suggest` do: the
same corpus, the same codings, whichever engine ran them (tested in
``tests/test_engine_dask.py``). Everything after them (typology, effects,
co-occurrence, network, report) works on whole-corpus tables and stays on
the driver.

Dask is an optional dependency (``pip install altena-qca[dask]``) and is
imported only when the dask engine is asked for. Workers of a remote cluster
must see the transcripts under the same paths (a shared file system) and have
altena-qca installed.

Examples
--------
>>> with get_engine("local") as engine:
...     study = load_study(pseudonymise=False, engine=engine)  # doctest: +SKIP
>>> with get_engine("dask", n_workers=2) as engine:             # doctest: +SKIP
...     study = load_study(engine=engine)
...     auto = suggest(study.corpus, study.codebook, study.codings, engine=engine)
"""
from __future__ import annotations

import threading
import warnings
from collections import deque
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from .errors import AltenaError, Errors
from .ingest.corpus import IngestedDocument, _respondents_and_pseudonymiser, _transcript_tasks, ingest_transcript
from .model import Document

__all__ = ["ENGINES", "DASK_EXTRA", "LocalEngine", "DaskEngine", "get_engine", "IngestedDocument",
           "ingest_document", "autocode_document", "load_corpus", "load_study", "suggest"]

#: Names accepted by :func:`get_engine` (and ``altena-qca run --engine``).
ENGINES = ("local", "dask")
#: How to install what the dask engine needs.
DASK_EXTRA = "pip install altena-qca[dask]"

_READ_LOCK = threading.Lock()


# --------------------------------------------------------------------------- per-document functions

def ingest_document(path: str | Path, doc_id: str, *, kind: str = "interview", respondent: str | None = None,
                    speakers: Mapping[str, str] | None = None, pseudonymiser=None) -> IngestedDocument:
    """Read, segment and pseudonymise one transcript; a pure function of its arguments.

    :func:`~altena_qca.ingest.ingest_transcript`, with the warnings it
    raises recorded in the result instead (a worker's warnings would not
    reach the driver).

    Parameters
    ----------
    path, doc_id, kind, respondent, speakers, pseudonymiser
        As for :func:`~altena_qca.ingest.ingest_transcript` (the
        pseudonymiser is not changed).

    Returns
    -------
    IngestedDocument
        With ``warnings`` filled in.

    Raises
    ------
    InputError
        As :func:`~altena_qca.ingest.read_transcript`.
    """
    # catch_warnings swaps process-wide state: one reader at a time per process
    # (workers are processes with one thread each, so this costs nothing there).
    with _READ_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = ingest_transcript(path, doc_id, kind=kind, respondent=respondent, speakers=speakers,
                                   pseudonymiser=pseudonymiser)
    result.warnings = [(w.category, str(w.message)) for w in caught]
    return result


def autocode_document(document: Document, coder, *, speakers: Iterable[str] | None = ("respondent", "observer")):
    """Auto-code one document with a fitted coder; a pure function of its arguments.

    Parameters
    ----------
    document : Document
        A segmented document.
    coder : AutoCoder
        Fitted (:meth:`~altena_qca.coding.AutoCoder.fit`).
    speakers : iterable of str, optional
        Speakers whose segments are coded.

    Returns
    -------
    pandas.DataFrame
        The rows :func:`altena_qca.coding.suggest` gives for this document.
    """
    from .coding.combine import suggest as suggest_corpus
    from .model import Corpus

    return suggest_corpus(Corpus(documents={document.id: document}), coder.codebook_, coder=coder,
                          speakers=speakers)


# --------------------------------------------------------------------------- engines

class LocalEngine:
    """Run per-document functions in this process, in order."""

    name = "local"

    def map(self, fn: Callable, items: Iterable[tuple], **shared) -> Iterator:
        """``fn(*item, **shared)`` for each item, lazily, in order."""
        for item in items:
            yield fn(*item, **shared)

    def close(self) -> None:
        pass

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return "LocalEngine()"


def _import_distributed():
    try:
        import dask  # noqa: F401
        import distributed
    except ImportError as exc:
        raise AltenaError(Errors.E701.format(missing=exc.name or "dask")) from None
    return distributed


class DaskEngine:
    """Run per-document functions on a Dask cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``). None starts a
        :class:`distributed.LocalCluster` on this machine, closed with the engine.
    n_workers : int, optional
        Workers of the local cluster (default: one per core).
    threads_per_worker : int
        Threads per local worker. spaCy and deduce hold the GIL, so one
        thread per worker process is the useful setting.
    processes : bool
        Local workers as processes (default) or as threads of this process.
    window : int
        At most this many documents in flight; results are taken in order.
    client : distributed.Client, optional
        Use this client instead (not closed with the engine).

    Raises
    ------
    AltenaError
        [E701] when dask or distributed is not installed, [E702] when the
        scheduler cannot be reached.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, *, n_workers: int | None = None, threads_per_worker: int = 1,
                 processes: bool = True, window: int = 256, client=None):
        distributed = _import_distributed()
        self.window = max(1, int(window))
        self._own = client is None
        self._cluster = None
        if client is not None:
            self.client = client
        elif scheduler:
            try:
                self.client = distributed.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError) as exc:
                raise AltenaError(Errors.E702.format(address=scheduler, reason=str(exc) or type(exc).__name__)) from None
        else:
            with warnings.catch_warnings():  # its HTTP endpoint moves to a free port if 8787 is taken
                warnings.filterwarnings("ignore", message="Port .* is already in use")
                self._cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                                                         processes=processes, dashboard_address=None)
            self.client = distributed.Client(self._cluster)

    def map(self, fn: Callable, items: Iterable[tuple], **shared) -> Iterator:
        """``fn(*item, **shared)`` for each item on the cluster, lazily, in order.

        ``shared`` values are sent to every worker once. An exception raised
        by ``fn`` is raised here, for the first failing item in order.
        """
        # scatter([v]): a list or dict given alone would be scattered element by element
        scattered = {k: self.client.scatter([v], broadcast=True, hash=False)[0] for k, v in shared.items()}
        pending: deque = deque()
        try:
            for item in items:
                pending.append(self.client.submit(fn, *item, **scattered, pure=False))
                if len(pending) >= self.window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()
            for f in scattered.values():
                f.release()

    def close(self) -> None:
        if self._own:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DaskEngine({self.client.scheduler.address!r})"


def get_engine(name: str = "local", scheduler: str | None = None, **options):
    """The engine called ``name`` (``local`` or ``dask``); use it as a context manager.

    Parameters
    ----------
    name : {"local", "dask"}
    scheduler : str, optional
        Dask scheduler address; None starts a local cluster.
    **options
        Passed to :class:`DaskEngine` (``n_workers``, ``processes``, ...).

    Raises
    ------
    AltenaError
        [E700] for an unknown name, [E701] when the dask extra is missing.

    Examples
    --------
    >>> with get_engine("local") as engine:
    ...     list(engine.map(lambda a, b=0: a + b, [(1,), (2,)], b=10))
    [11, 12]
    """
    if name == "local":
        return LocalEngine()
    if name == "dask":
        return DaskEngine(scheduler, **options)
    raise AltenaError(Errors.E700.format(name=name, known=", ".join(ENGINES)))


@contextmanager
def _using(engine) -> Iterator:
    """The engine to use: an engine object as given, else a new one (closed after use)."""
    if engine is None or isinstance(engine, str):
        with get_engine(engine or "local") as made:
            yield made
    else:
        yield engine


# --------------------------------------------------------------------------- whole corpus

def _ingest_task(path, doc_id, kind, respondent, speakers, pseudonymiser=None) -> IngestedDocument:
    return ingest_document(path, doc_id, kind=kind, respondent=respondent, speakers=speakers,
                           pseudonymiser=pseudonymiser)


def load_corpus(data_dir: str | Path, *, pseudonymise: bool = True, speakers: Mapping[str, str] | None = None,
                require_all: bool = True, engine=None):
    """:func:`altena_qca.ingest.load_corpus` with the documents read by an engine.

    The study folder is checked (E112, E113, E114) before any transcript is
    read; then each transcript is read and pseudonymised by
    :func:`ingest_document` on the engine, and the pseudonym keys and offset
    maps are collected in the corpus's pseudonymiser, so codings are
    remapped as :func:`altena_qca.ingest.load_codings` expects.

    Parameters
    ----------
    engine : LocalEngine, DaskEngine, str or None
        None or ``"local"``: this process.

    Returns
    -------
    Corpus
    """
    from .model import Corpus

    data_dir = Path(data_dir)
    respondents, pseudonymiser = _respondents_and_pseudonymiser(data_dir, pseudonymise)
    # all tasks first: the whole folder is checked before any transcript is read
    speakers = dict(speakers) if speakers else None
    tasks = [(*task, speakers) for task in _transcript_tasks(data_dir, respondents, require_all=require_all)]
    corpus = Corpus(respondents=respondents, pseudonymiser=pseudonymiser)
    shared = {"pseudonymiser": pseudonymiser} if pseudonymiser is not None else {}
    with _using(engine) as runner:
        for result in runner.map(_ingest_task, tasks, **shared):
            for category, message in result.warnings:
                warnings.warn(message, category, stacklevel=2)
            result.add_to(corpus)
    return corpus


def load_study(data_dir: str | Path | None = None, codebook: str | Path | None = None, *,
               pseudonymise: bool = True, engine=None):
    """:func:`altena_qca.load_study` with ingest and pseudonymisation run by an engine.

    Same arguments and result as :func:`altena_qca.load_study`, plus
    ``engine`` (see :func:`load_corpus`).
    """
    from .codebook import DEFAULT_CODEBOOK, load_codebook
    from .ingest import load_codings
    from .model import make_codings
    from .study import DEFAULT_DATA, Study, load_config

    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA
    config = load_config(data_dir)
    if codebook is None:
        local = data_dir / "codebook.yaml"
        codebook = local if local.exists() else DEFAULT_CODEBOOK
    cb = load_codebook(codebook)
    corpus = load_corpus(data_dir, pseudonymise=pseudonymise, speakers=config.speaker_roles or None, engine=engine)
    path = data_dir / "codings.csv"
    store = data_dir / "study.sqlite"  # the coding store (store/codings.py), as in study.load_study
    if store.exists():
        from .store.codings import read_store_codings
        codings = read_store_codings(store, corpus)
    else:
        codings = load_codings(path, corpus, cb) if path.exists() else make_codings([])
    return Study(corpus=corpus, codebook=cb, codings=codings, data_dir=data_dir, config=config)


def _autocode_task(document, coder=None, speakers=None):
    return autocode_document(document, coder, speakers=speakers)


def suggest(corpus, codebook, codings=None, *, coder=None, documents: Iterable[str] | None = None,
            train_documents: Iterable[str] | None = None,
            speakers: Iterable[str] | None = ("respondent", "observer"), engine=None):
    """:func:`altena_qca.coding.suggest` with the documents coded by an engine.

    The coder is fitted here, on the driver (training needs every coding),
    exactly as :func:`~altena_qca.coding.suggest` fits it; then each document
    is coded by :func:`autocode_document` on the engine. Same arguments and
    result as :func:`~altena_qca.coding.suggest`, plus ``engine``.
    """
    import pandas as pd
    from sklearn.base import clone

    from .coding.combine import AutoCoder, training_data
    from .coding.combine import suggest as suggest_corpus
    from .model import Corpus, make_codings

    coder = coder if coder is not None else AutoCoder()
    if codings is not None:
        X, y = training_data(corpus, codings, documents=train_documents, speakers=speakers)
        coder = clone(coder).fit(X, y, codebook=codebook)
    elif not hasattr(coder, "codebook_"):
        coder = clone(coder).fit(codebook=codebook)
    ids = list(documents) if documents is not None else list(corpus.documents)
    speakers = list(speakers) if speakers is not None else None
    with _using(engine) as runner:
        frames = list(runner.map(_autocode_task, [(corpus.documents[d],) for d in ids],
                                 coder=coder, speakers=speakers))
    if not frames:  # nothing to code: the empty frame, with its columns
        frames = [suggest_corpus(Corpus(), codebook, coder=coder, speakers=speakers)]
    out = make_codings(pd.concat(frames, ignore_index=True))
    return out.astype({"segment": "int64", "match_start": "int64", "match_end": "int64"})
