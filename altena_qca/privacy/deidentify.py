"""deduce, the Dutch de-identifier: loaded once per process, its tables and annotations cached.

The lookup tables are cached in the user cache folder; annotations of a text
(offsets and tag kinds only, never the words) are cached per text, so a re-run
on unchanged transcripts needs no deduce at all.
"""
from __future__ import annotations

import functools
import gc
import hashlib
import json
import logging
import os
import pickle
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .identifiers import VERSION as IDENTIFIERS_VERSION
from .textview import normalised_view

_VIEW_VERSION = "2"  # bump when normalised_view changes what deduce sees

_DEDUCE = None  # the process's one instance (get_deduce)
_DEDUCE_LOCK = threading.Lock()
_BUILD_MESSAGE = "altena-qca: building the Dutch de-identification lookup tables once (about a minute; longer on a slow machine)..."


def deduce_cache_dir() -> Path:
    """Where deduce's lookup structures are cached: ``$XDG_CACHE_HOME`` or ``~/.cache``.

    The folder is ``<cache>/altena-qca/deduce/<deduce version>``, so an
    upgrade builds fresh tables instead of loading stale ones.
    """
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "altena-qca" / "deduce" / _deduce_version()


@functools.lru_cache(maxsize=1)
def _deduce_version() -> str:
    """deduce's installed version, looked up once per process.

    ``importlib.metadata.version`` parses the package's METADATA each time
    (≈ 2 ms); every annotation-cache lookup needs the version, and
    pseudonymising respondents' names looks up three per respondent: at 130
    respondents that was 1.6 of the 2.2 CPU seconds of a warm ``load_study``.
    """
    from importlib.metadata import version

    return version("deduce")


@contextmanager
def _root_logger_untouched() -> Iterator[None]:
    """Mute the root logger and undo what deduce does to it.

    Importing deduce calls ``logging.basicConfig(stream=sys.stdout,
    level=DEBUG)``, and building its tables logs through ``logging.info``.
    """
    root = logging.getLogger()
    handlers, level, disabled = list(root.handlers), root.level, root.disabled
    root.disabled = True
    try:
        yield
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
        root.disabled = disabled


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector off while deduce's tables are read, then frozen.

    The tables are millions of small objects (tries of names, streets and
    places); with the collector on, unpickling them re-scans the growing heap
    again and again: 7.6-8.0 s of CPU against 1.5-1.6 s with it off (same
    file, same process, measured side by side). They live as long as the
    process, so afterwards they are moved out of the collector's sight
    (``gc.freeze``): later collections, and worker processes forked from this
    one, do not walk them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def _build_deduce():
    import deduce  # slow, and reconfigures logging: only here

    cache_dir = deduce_cache_dir()
    cache_file = cache_dir / "cache" / "lookup_structs.pickle"
    if cache_file.is_file():
        try:
            with _no_gc():
                return deduce.Deduce(cache_path=cache_dir)
        except (EOFError, pickle.UnpicklingError):
            cache_file.unlink(missing_ok=True)  # an interrupted write: build again
    print(_BUILD_MESSAGE, file=sys.stderr, flush=True)
    cache_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Build into a private folder and move the result in one step, so that a
    # parallel worker or an interrupted build never leaves a half-written cache.
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=cache_dir))
    try:
        instance = deduce.Deduce(cache_path=tmp, build_lookup_structs=True)
        cache_file.parent.mkdir(exist_ok=True)
        os.replace(tmp / "cache" / "lookup_structs.pickle", cache_file)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    instance.cache_path = cache_dir
    return instance


def _add_identifier_annotator(instance):
    """Add :class:`~.identifiers.DutchIdentifierAnnotator` to deduce's ``identifiers`` group."""
    from .identifiers import DutchIdentifierAnnotator

    group = instance.processors["identifiers"]
    if "dutch_identifiers" not in group.get_names(recursive=False):
        group.add_processor("dutch_identifiers", DutchIdentifierAnnotator())
    return instance


def get_deduce():
    """The process's one ``deduce.Deduce`` instance, created on first use.

    Its lookup tables are cached in :func:`deduce_cache_dir`; building them
    (first use after an install or upgrade) takes about a minute and says so
    on stderr. The root logger is left as it was.
    """
    global _DEDUCE
    with _DEDUCE_LOCK:
        if _DEDUCE is None:
            with _root_logger_untouched():
                _DEDUCE = _add_identifier_annotator(_build_deduce())
        return _DEDUCE


def _annotation_cache_file(text: str) -> Path:
    """Cache file of deduce's annotations for ``text``.

    Keyed by the SHA-256 of the deduce version and the text, so an edited
    transcript or an upgraded deduce is annotated afresh. The file holds only
    offsets and tag kinds, never the annotated words.
    """
    version = f"{deduce_cache_dir().name}+ids{IDENTIFIERS_VERSION}+view{_VIEW_VERSION}"
    digest = hashlib.sha256(f"{version}\0{text}".encode()).hexdigest()
    return deduce_cache_dir().parent.parent / "annotations" / digest[:2] / f"{digest}.json"


def deduce_annotations(text: str, deidentifier=None) -> list[tuple[int, int, str]]:
    """deduce's annotations of ``text`` as sorted ``(start, end, KIND)``.

    deduce reads the text as a reader sees it
    (:func:`~.textview.normalised_view`: NFKC, invisible characters removed),
    so that ``P\u200diet`` or fullwidth ``Ｊａｎ`` is tagged, whole; the
    offsets are mapped back onto ``text`` as written. The shared instance
    also finds Dutch identifiers in their written forms
    (:mod:`~.identifiers`).

    With the shared deduce instance, results are cached on disk (see
    :func:`_annotation_cache_file`): re-running on unchanged transcripts
    needs no deduce at all, which saves loading its ~80 MB lookup tables.
    """
    cache = _annotation_cache_file(text) if deidentifier is None else None
    if cache is not None and cache.is_file():
        try:
            return [tuple(a) for a in json.loads(cache.read_text(encoding="utf-8"))]
        except (OSError, ValueError):
            pass  # unreadable cache entry: annotate again
    deid = deidentifier if deidentifier is not None else get_deduce()
    view = normalised_view(text)
    result = deid.deidentify(view.text, disabled={"redactor"})
    # int(): deduce's overlap resolver gives numpy integers for the parts of a
    # cut annotation ('Dorpsstraat 12-03-1980'), which json cannot write.
    found = sorted({(*view.original_span(int(a.start_char), int(a.end_char)),
                     re.sub(r"[^A-Z]+", "_", a.tag.upper()))
                    for a in result.annotations if int(a.end_char) > int(a.start_char)})
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(found), encoding="utf-8")
            os.replace(tmp, cache)
        except OSError:
            pass  # a read-only cache folder only costs speed
    return found
