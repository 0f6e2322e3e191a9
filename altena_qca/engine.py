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
does it in this process, one document after the other; :class:`ProcessEngine`
in a pool of processes on this machine (what :func:`load_corpus` uses by
itself when several documents are new); :class:`DaskEngine` sends the
documents to a Dask cluster — a :class:`distributed.LocalCluster` on this
machine by default, or the scheduler at ``scheduler`` — with the shared state
(pseudonymiser, fitted coder) sent to each worker once. Results come back in
document order, at most ``window`` documents in flight, so the driver never
holds more than the results it keeps.

:func:`load_corpus` (which :func:`altena_qca.load_study` calls with its
``engine``) and :func:`suggest` assemble the results exactly as
:func:`altena_qca.ingest.load_corpus` and :func:`altena_qca.coding.suggest`
do: the same corpus, the same codings, whichever engine ran them (tested in
``tests/test_engine_dask.py``). Everything after them (typology, effects,
co-occurrence, network, report) works on whole-corpus tables and stays on
the driver.

Dask is an optional dependency (``pip install altena-qca[dask]``) and is
imported only when the dask engine is asked for. Workers of a remote cluster
must see the transcripts under the same paths (a shared file system) and have
altena-qca installed.

Examples
--------
>>> from altena_qca import load_study
>>> with get_engine("dask", n_workers=2) as engine:             # doctest: +SKIP
...     study = load_study(engine=engine)
...     auto = suggest(study.corpus, study.codebook, study.codings, engine=engine)
"""
from __future__ import annotations

import copy
import multiprocessing
import os
import threading
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import AltenaError, Errors
from .ingest.corpus import (
    IngestedDocument,
    _neutral_ids,
    _respondents_and_pseudonymiser,
    _study_topic_list,
    _transcript_tasks,
    ingest_transcript,
)
from .ingest.segment import TopicList
from .model import Document

__all__ = ["ENGINES", "DASK_EXTRA", "POOL_MIN_DOCUMENTS", "LocalEngine", "ProcessEngine", "DaskEngine",
           "BackgroundCall", "in_background", "can_fork", "PROCESSES_ENV", "get_engine", "IngestedDocument", "ingest_document", "autocode_document", "load_corpus", "suggest"]

#: Names accepted by :func:`get_engine` (``altena-qca run --engine`` offers local and dask).
ENGINES = ("local", "processes", "dask")
#: From this many documents to read on, ``load_corpus`` reads them in a pool of processes.
POOL_MIN_DOCUMENTS = 4
#: How to install what the dask engine needs.
DASK_EXTRA = "pip install altena-qca[dask]"

_READ_LOCK = threading.RLock()


# --------------------------------------------------------------------------- per-document functions

def ingest_document(path: str | Path, doc_id: str, *, kind: str = "interview", respondent: str | None = None,
                    speakers: Mapping[str, str] | None = None, pseudonymiser=None,
                    topics: TopicList | str | Path | None = None) -> IngestedDocument:
    """Read, segment and pseudonymise one transcript; a pure function of its arguments.

    :func:`~altena_qca.ingest.ingest_transcript`, with the warnings it
    raises recorded in the result instead (a worker's warnings would not
    reach the driver).

    Parameters
    ----------
    path, doc_id, kind, respondent, speakers, pseudonymiser, topics
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
                                   pseudonymiser=pseudonymiser, topics=topics)
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

def _in_order(submit: Callable, items: Iterable, window: int) -> Iterator:
    """The results of ``submit(item)`` futures, in the order of ``items``, at most ``window`` in flight.

    The one loop of every pool (:class:`ProcessEngine`, :class:`DaskEngine`):
    an exception of an item is raised here, for the first failing item in
    order; futures not yet taken are cancelled when the caller stops early.
    """
    pending: deque = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()


class LocalEngine:
    """Run per-document functions in this process, in order."""

    name = "local"

    def map(self, fn: Callable, items: Iterable[tuple], **shared) -> Iterator:
        """``fn(*item, **shared)`` for each item, lazily, in order."""
        for item in items:
            yield fn(*item, **shared)

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return "LocalEngine()"


#: Environment variable: how many processes altena-qca may use (``1``: everything in one process).
PROCESSES_ENV = "ALTENA_QCA_PROCESSES"


def _cpus() -> int:
    """Cores this process may use, or ``$ALTENA_QCA_PROCESSES`` when set (``1`` = no pool, no background stage)."""
    own = os.environ.get(PROCESSES_ENV, "").strip()
    if own.isdigit() and int(own) > 0:
        return int(own)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_POOL_SHARED: dict = {}


def _pool_init(fn: Callable, shared: dict) -> None:
    _POOL_SHARED.clear()
    _POOL_SHARED.update(fn=fn, shared=shared)


def _pool_call(item: tuple):
    return _POOL_SHARED["fn"](*item, **_POOL_SHARED["shared"])


class ProcessEngine:
    """Run per-document functions in a pool of worker processes on this machine.

    Workers are forked from this process (where the platform allows), so they
    start with its imported modules — and with deduce's tables when this
    process has loaded them; otherwise each worker loads deduce when it first
    meets a text not in the annotation cache. Shared arguments reach each
    worker once. Results come back in order, at most ``window`` in flight.

    Parameters
    ----------
    processes : int, optional
        Number of workers (default: one per core).
    window : int
        At most this many documents in flight.
    """

    name = "processes"

    def __init__(self, processes: int | None = None, *, window: int = 64):
        self.processes = max(1, int(processes or _cpus()))
        self.window = max(1, int(window))

    def map(self, fn: Callable, items: Iterable[tuple], **shared) -> Iterator:
        """``fn(*item, **shared)`` for each item in the pool, lazily, in order."""
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ProcessPoolExecutor(self.processes, mp_context=context, initializer=_pool_init,
                                 initargs=(fn, shared)) as pool:
            yield from _in_order(lambda item: pool.submit(_pool_call, tuple(item)), items, self.window)

    def close(self) -> None:
        pass

    def __enter__(self) -> ProcessEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ProcessEngine({self.processes})"


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
        try:
            yield from _in_order(lambda item: self.client.submit(fn, *item, **scattered, pure=False), items,
                                 self.window)
        finally:
            for f in scattered.values():
                f.release()

    def close(self) -> None:
        if self._own:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()

    def __enter__(self) -> DaskEngine:
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
    if name == "processes":
        return ProcessEngine(**options)
    if name == "dask":
        return DaskEngine(scheduler, **options)
    raise AltenaError(Errors.E700.format(name=name, known=", ".join(ENGINES)))


def can_fork() -> bool:
    """True where a process can be forked (Linux, macOS with fork available) and this machine has 2+ cores."""
    return "fork" in multiprocessing.get_all_start_methods() and _cpus() > 1


def _background_child(fn: Callable, args: tuple, kwargs: dict, conn) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value, error = fn(*args, **kwargs), None
        except BaseException as exc:  # sent to the parent, raised there
            value, error = None, exc
    found = [(w.category, str(w.message)) for w in caught]
    try:
        conn.send((value, error, found))
    except Exception as exc:  # e.g. a result that does not pickle: the parent computes it itself
        conn.send((None, RuntimeError(f"background result not sent: {exc}"), []))
    conn.close()


class BackgroundCall:
    """``fn(*args, **kwargs)`` running in a forked copy of this process (see :func:`in_background`)."""

    def __init__(self, fn: Callable, args: tuple, kwargs: dict):
        context = multiprocessing.get_context("fork")
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._recv, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_background_child, args=(fn, args, kwargs, send), daemon=True)
        self._process.start()
        send.close()

    def result(self):
        """Wait for the value (re-raising the call's exception, repeating its warnings in order).

        When the forked process died without an answer (killed, out of
        memory), the call is made again here, so a result is never lost.
        """
        try:
            value, error, found = self._recv.recv()
        except (EOFError, OSError):
            self.cancel()
            return self._fn(*self._args, **self._kwargs)
        finally:
            self._recv.close()
        self._process.join()
        for category, message in found:
            warnings.warn(message, category, stacklevel=2)
        if isinstance(error, RuntimeError) and str(error).startswith("background result not sent"):
            return self._fn(*self._args, **self._kwargs)
        if error is not None:
            raise error
        return value

    def cancel(self) -> None:
        """Stop the forked process if it still runs."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def in_background(fn: Callable, *args, **kwargs) -> BackgroundCall | None:
    """Start ``fn(*args, **kwargs)`` in a forked copy of this process; None where that is not possible.

    The copy starts with everything this process holds (no pickling of the
    arguments), so it suits a pure function of a loaded study that runs
    beside other work on a second core: :func:`altena_qca.pipeline.run` runs
    its auto-coding stage so. Only the result (and the warnings raised) is
    sent back. None on one core or where processes cannot be forked: call
    ``fn`` yourself then.

    Examples
    --------
    >>> call = in_background(sum, [1, 2, 3])
    >>> (call.result() if call is not None else sum([1, 2, 3]))
    6
    """
    if not can_fork():
        return None
    return BackgroundCall(fn, args, kwargs)


@contextmanager
def _using(engine) -> Iterator:
    """The engine to use: an engine object as given, else a new one (closed after use)."""
    if engine is None or isinstance(engine, str):
        with get_engine(engine or "local") as made:
            yield made
    else:
        yield engine


# --------------------------------------------------------------------------- whole corpus

def _ingest_task(path, doc_id, kind, respondent, speakers, pseudonymiser=None, topics=None) -> IngestedDocument:
    return ingest_document(path, doc_id, kind=kind, respondent=respondent, speakers=speakers,
                           pseudonymiser=pseudonymiser, topics=topics)


def _runner_for(engine, n_new: int):
    """The engine for ``n_new`` documents to read: a pool of processes when several, unless one was given."""
    if engine is None or engine == "local":
        workers = min(_cpus(), n_new)
        return ProcessEngine(workers) if n_new >= POOL_MIN_DOCUMENTS and workers > 1 else None
    return engine


def load_corpus(data_dir: str | Path, *, pseudonymise: bool = True, speakers: Mapping[str, str] | None = None,
                require_all: bool = True, engine=None, cache=None, protected=(), topics=None):
    """Load a study folder's corpus: unchanged documents from the study cache, the others read by an engine.

    The study folder is checked (E112, E113, E114) before any transcript is
    read. Documents whose study-cache entry matches (:mod:`altena_qca.store.cache`)
    are taken from it, their texts loaded when first used; every other
    transcript is read and pseudonymised by :func:`ingest_document` on the
    engine and stored in the cache. Pseudonym keys and offset maps are
    collected in the corpus's pseudonymiser, so codings are remapped as
    :func:`altena_qca.ingest.load_codings` expects. The result equals
    :func:`altena_qca.ingest.load_corpus` (tested), whichever way each
    document came.

    Parameters
    ----------
    data_dir, pseudonymise, speakers, require_all, protected, topics
        As for :func:`altena_qca.ingest.load_corpus`.
    engine : LocalEngine, ProcessEngine, DaskEngine, str or None
        None or ``"local"``: this machine — in this process, or in a pool of
        processes (:class:`ProcessEngine`, one per core) when
        :data:`POOL_MIN_DOCUMENTS` or more documents are to be read. An engine
        object is used as given.
    cache : StudyCache or None
        The study's cache (:func:`altena_qca.store.cache.open_study_cache`);
        None reads every document. Not used without pseudonymisation.

    Returns
    -------
    Corpus
    """
    from .model import Corpus
    from .store.cache import LazyMapping, settings_key

    data_dir = Path(data_dir)
    topics_file, topic_list = _study_topic_list(data_dir, topics)  # parsed once, sent to the readers once
    respondents, pseudonymiser = _respondents_and_pseudonymiser(data_dir, pseudonymise, protected)
    # all tasks first: the whole folder is checked before any transcript is read
    speakers = dict(speakers) if speakers else None
    plain_tasks, respondents = _neutral_ids(list(_transcript_tasks(data_dir, respondents, require_all=require_all)),
                                            respondents, pseudonymiser)
    tasks = [(*task, speakers) for task in plain_tasks]
    corpus = Corpus(respondents=respondents, pseudonymiser=pseudonymiser)
    settings = settings_key(pseudonymiser, speakers, topics_file) if cache is not None else None
    keys: dict[str, str] = {}
    cached: dict = {}
    if settings is not None:
        keys = {doc_id: cache.document_key(settings, path, doc_id, kind, respondent)
                for path, doc_id, kind, respondent, _ in tasks}
        cached = cache.lookup(keys)
        tasks_by_id = {task[1]: task for task in tasks}
        pseudonymiser.key_ = LazyMapping(lambda doc_id: _key_again(tasks_by_id[doc_id], pseudonymiser, topic_list))
        pseudonymiser.offsets_ = LazyMapping(cache.offsets)
    new = [task for task in tasks if task[1] not in cached]
    # the readers get a copy without the corpus's key and offsets (those stay here)
    shared = {"pseudonymiser": _bare(pseudonymiser)} if pseudonymiser is not None else {}
    if topic_list is not None:
        shared["topics"] = topic_list
    stored = []
    with _using(_runner_for(engine, len(new))) as runner:
        results = runner.map(_ingest_task, new, **shared)
        for task in tasks:
            doc = cached.get(task[1])
            if doc is None:
                result = next(results)
                result.add_to(corpus)
                if settings is not None:
                    stored.append((keys[task[1]], result))
                found = result.warnings
            else:
                corpus.documents[doc.id] = doc
                pseudonymiser.key_.defer(doc.id)
                pseudonymiser.offsets_.defer(doc.id)
                found = [(_category(name), message) for name, message in doc.__dict__["_warnings"]]
            for category, message in found:
                warnings.warn(message, category, stacklevel=2)
    if settings is not None and (stored or len(keys) != len(cached)):
        cache.put_documents(stored, keep=set(keys))
    return corpus


def _bare(pseudonymiser):
    bare = copy.copy(pseudonymiser)
    bare.key_, bare.offsets_ = {}, {}
    return bare


def _key_again(task, pseudonymiser, topics=None) -> dict[str, str]:
    """The pseudonym key of a cached document: its file read and pseudonymised again (in memory only).

    The warnings of that reading are dropped: they were given when the
    document was first read (and are kept with it in the cache).
    """
    path, doc_id, kind, respondent, speakers = task
    return _ingest_task(path, doc_id, kind, respondent, speakers, pseudonymiser=pseudonymiser,
                        topics=topics).key or {}  # None only without a pseudonymiser


def _category(name: str) -> type[Warning]:
    import builtins

    from . import errors
    found = getattr(errors, name, None) or getattr(builtins, name, None)
    return found if isinstance(found, type) and issubclass(found, Warning) else UserWarning


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

    from .coding.combine import fitted_coder
    from .coding.combine import suggest as suggest_corpus
    from .model import Corpus, make_codings

    coder = fitted_coder(corpus, codebook, codings, coder=coder, train_documents=train_documents,
                         speakers=speakers)
    ids = list(documents) if documents is not None else list(corpus.documents)
    speakers = list(speakers) if speakers is not None else None
    with _using(engine) as runner:
        frames = list(runner.map(_autocode_task, [(corpus.documents[d],) for d in ids],
                                 coder=coder, speakers=speakers))
    if not frames:  # nothing to code: the empty frame, with its columns
        frames = [suggest_corpus(Corpus(), codebook, coder=coder, speakers=speakers)]
    out = make_codings(pd.concat(frames, ignore_index=True))
    return out.astype({"segment": "int64", "match_start": "int64", "match_end": "int64"})
