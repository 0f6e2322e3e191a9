"""The study cache: a study's parsed, pseudonymised documents and checked codings, kept between runs.

Every command starts by loading the study (:func:`altena_qca.load_study`):
reading each transcript, cutting it into speaker turns, pseudonymising it and
checking the codings against it. On an unchanged study that work gives the
same result every time, so it is kept here, one SQLite file per study folder
(on the one SQLite layer, :mod:`altena_qca.store._sqlite`), in the user's
cache folder (``$XDG_CACHE_HOME/altena-qca/studies`` or
``~/.cache/altena-qca/studies``; ``$ALTENA_QCA_STUDY_CACHE`` names another
folder, or ``off``) — never in the study folder or the project.

What is kept, per document: the *pseudonymised* text, its segments (speaker,
part, offsets, timestamp and source notes), the offset map from the original
text to the pseudonymised one (numbers only), the document's metadata (file
name, encoding) and the warnings its reading raised. Per study: the checked
codings (document, offsets, code, coder, origin, confidence); tables derived
from the whole study (``run``'s auto-coding tables, :meth:`StudyCache.results`,
keyed by :func:`study_fingerprint`); and marks that an input file passed
``altena-qca check`` without a problem or warning (a key and a count, no text). Never kept: the
pseudonym key (tag → original name), respondents, the original text. The file
is created with mode 0600 in a folder of mode 0700.

When it is used, and when not
-----------------------------
A document's entry is used only when its *key* matches: the SHA-256 of the
file's bytes, its id, kind, respondent and path, together with the study's
*settings* — the pseudonymiser's parameters (all protected terms: the
allowlist, the actor gazetteer, the respondents' labels), extra speaker
labels, deduce's version and altena-qca's version with a fingerprint of its
source and the topic list. A changed transcript is read again, alone; a
changed setting reads every document again. The codings' key is the bytes of
``codings.csv``, the codebook's code ids and every document's key. Nothing is
cached without pseudonymisation, for a custom de-identifier, or for codings
with extra columns (free text).

Lazy loading: a cached document's text and segments are read from the file
when first used, so an analysis that needs only the codings (co-occurrence,
typology) never reads the texts. The pseudonym key of a cached document is
rebuilt on first use by reading and pseudonymising its file again (deduce's
annotations are cached, so this needs no deduce).

Examples
--------
>>> import altena_qca
>>> study = altena_qca.load_study()            # doctest: +SKIP
>>> study = altena_qca.load_study()            # doctest: +SKIP
>>> # the second call reads the documents and codings from the cache
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import threading
import warnings
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..model import CODING_COLUMNS, Document, Segment
from ._sqlite import connect, migrate, transaction

__all__ = ["StudyCache", "CachedDocument", "LazyMapping", "open_study_cache", "study_cache_dir",
           "code_fingerprint", "study_fingerprint", "tables_blob", "tables_from_blob", "ENV"]

#: Environment variable: another cache folder, or ``off`` to switch the cache off.
ENV = "ALTENA_QCA_STUDY_CACHE"
#: Version of what is stored; part of every key (a new format reads everything again).
FORMAT = 1

_SCHEMA = [
    """
    CREATE TABLE documents (
        id         TEXT PRIMARY KEY,
        key        TEXT NOT NULL,
        kind       TEXT NOT NULL,
        respondent TEXT,
        path       TEXT,
        meta       TEXT NOT NULL,
        text       TEXT NOT NULL,
        segments   TEXT NOT NULL,
        offsets    BLOB,
        warnings   TEXT NOT NULL
    );
    CREATE TABLE codings (
        source TEXT PRIMARY KEY,
        key    TEXT NOT NULL,
        frame  BLOB NOT NULL
    );
    """,
    """
    CREATE TABLE results (
        name   TEXT PRIMARY KEY,
        key    TEXT NOT NULL,
        tables BLOB NOT NULL
    );
    CREATE TABLE checks (
        name  TEXT PRIMARY KEY,
        key   TEXT NOT NULL,
        value INTEGER NOT NULL
    );
    """,
]


# --------------------------------------------------------------------------- where, and which version

def study_cache_dir() -> Path | None:
    """The folder of the study cache files, or None when switched off (``$ALTENA_QCA_STUDY_CACHE=off``)."""
    own = os.environ.get(ENV, "")
    if own.strip().lower() in {"off", "0", "no", "false"}:
        return None
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "altena-qca" / "studies"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """altena-qca's version plus a hash of its source files and the default topic list.

    An upgrade, or any edit of the code in a development install, gives a new
    fingerprint, so nothing parsed by other code is used.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        own = version("altena-qca")
    except PackageNotFoundError:
        own = "unknown"
    try:
        deduce = version("deduce")
    except PackageNotFoundError:
        deduce = "none"
    h = hashlib.sha256(f"{FORMAT}\0{own}\0{deduce}".encode())
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    resources = package / "resources" / "codebook"  # the default codebook, gazetteer, labels, allowlist
    for path in sorted(resources.glob("*.yaml")):
        h.update(b"resource\0" + path.name.encode() + b"\0" + path.read_bytes())
    from ..ingest import segment
    topics = segment.DEFAULT_TOPICS
    try:
        h.update(b"topics\0" + Path(topics).read_bytes())
    except (OSError, TypeError):
        h.update(b"topics\0" + topics.read_bytes())  # an importlib.resources Traversable
    return f"{own}+{h.hexdigest()[:16]}"


def _digest(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _plain(value: Any) -> Any:
    """A JSON-able stand-in for a parameter value (paths as strings, sets sorted)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return repr(value)


def settings_key(pseudonymiser, speakers=None, topics=None) -> str | None:
    """What, besides a file's bytes, decides its parsed and pseudonymised form; None: do not cache.

    The pseudonymiser's parameters and fitted protected terms (everything
    but its key, offsets and compiled patterns), the extra speaker labels,
    the study's own topic list (``topics``, a path; its bytes) and
    :func:`code_fingerprint`.
    """
    if pseudonymiser is None or getattr(pseudonymiser, "deidentifier", None) is not None:
        return None
    params = {k: _plain(v) for k, v in sorted(vars(pseudonymiser).items())
              if not k.startswith("_") and k not in {"key_", "offsets_", "deidentifier"}}
    return _digest(type(pseudonymiser).__qualname__, json.dumps(params, sort_keys=True),
                   json.dumps(_plain(speakers or {}), sort_keys=True), code_fingerprint(),
                   *([b"topics", Path(topics).read_bytes()] if topics is not None else []))


# --------------------------------------------------------------------------- lazy pieces

class LazyMapping(MutableMapping):
    """A dict whose values for some keys are computed on first use.

    Used for the pseudonymiser's ``key_`` and ``offsets_`` of cached
    documents. Iteration order is insertion order, as a dict's.
    """

    _PENDING = object()

    def __init__(self, load: Callable[[str], Any]):
        self._load = load
        self._data: dict = {}
        self._lock = threading.Lock()

    def defer(self, key: str) -> None:
        """``key`` is present; its value is computed on first use."""
        self._data[key] = self._PENDING

    def __getitem__(self, key):
        value = self._data[key]
        if value is self._PENDING:
            with self._lock:
                value = self._data[key]
                if value is self._PENDING:
                    value = self._data[key] = self._load(key)
        return value

    def __setitem__(self, key, value) -> None:
        self._data[key] = value

    def __delitem__(self, key) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key) -> bool:
        return key in self._data

    def __repr__(self) -> str:
        pending = sum(v is self._PENDING for v in self._data.values())
        return f"LazyMapping({len(self._data)} entries, {pending} not loaded)"

    def __reduce__(self):  # a copy (pickle, deepcopy) holds every value
        return dict, (dict(self.items()),)


class CachedDocument(Document):
    """A :class:`~altena_qca.model.Document` whose text and segments are read from the cache when first used.

    It equals, copies and pickles as the plain Document it stands for.
    """

    def _fields(self) -> tuple:
        return (self.id, self.text, self.kind, self.respondent, self.segments, self.path, self.meta)

    def __reduce__(self):
        return Document, self._fields()

    def __eq__(self, other) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return self._fields() == (other.id, other.text, other.kind, other.respondent, other.segments,
                                  other.path, other.meta)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as Document (eq dataclass); mypy rejects the idiom

    @classmethod
    def lazy(cls, store: StudyCache, id: str, kind: str, respondent: str | None, path: str | None,
             meta: dict) -> CachedDocument:
        doc = cls.__new__(cls)
        doc.__dict__.update(id=id, kind=kind, respondent=respondent, path=path, meta=meta,
                            _store=store, _text=None, _segments=None)
        return doc

    def _fill(self) -> None:
        text, segments = self.__dict__["_store"]._read_body(self.id)
        if self.__dict__.get("_text") is None:
            self.__dict__["_text"] = text
        if self.__dict__.get("_segments") is None:
            self.__dict__["_segments"] = segments

    @property
    def text(self) -> str:
        if self.__dict__.get("_text") is None:
            self._fill()
        return self.__dict__["_text"]

    @text.setter
    def text(self, value: str) -> None:
        self.__dict__["_text"] = value

    @property
    def segments(self) -> list[Segment]:
        if self.__dict__.get("_segments") is None:
            self._fill()
        return self.__dict__["_segments"]

    @segments.setter
    def segments(self, value: list[Segment]) -> None:
        self.__dict__["_segments"] = value


# --------------------------------------------------------------------------- encodings (no pickle)

def _segments_json(segments: list[Segment]) -> str:
    return json.dumps([[s.index, s.speaker, s.part, s.start, s.end, dict(s.meta)] for s in segments],
                      ensure_ascii=False, separators=(",", ":"))


def _segments_from_json(doc_id: str, raw: str) -> list[Segment]:
    return [Segment(doc_id, i, speaker, part, start, end, meta)
            for i, speaker, part, start, end, meta in json.loads(raw)]


def _offsets_blob(offsets) -> bytes | None:
    if offsets is None:
        return None
    flat = [offsets.old_length, offsets.new_length] + [x for edit in offsets.edits for x in edit]
    return np.asarray(flat, dtype="<i8").tobytes()


def _offsets_from_blob(blob: bytes | None):
    if blob is None:
        return None
    from ..privacy.replacements import OffsetMap
    flat = np.frombuffer(blob, dtype="<i8").tolist()
    edits = [tuple(flat[i:i + 4]) for i in range(2, len(flat), 4)]
    return OffsetMap(edits, flat[0], flat[1])


def _frame_blob(frame: pd.DataFrame) -> bytes:
    """The coding columns as little-endian arrays (strings as codes + labels) behind a JSON header."""
    header, chunks = [], []
    for col in CODING_COLUMNS:
        values = frame[col]
        if col in ("start", "end"):
            data, labels = values.to_numpy(dtype="<i8").tobytes(), None
        elif col == "confidence":
            data, labels = values.to_numpy(dtype="<f8").tobytes(), None
        else:
            codes, uniques = pd.factorize(values.astype(str), sort=False)
            data, labels = codes.astype("<i4").tobytes(), [str(u) for u in uniques]
        header.append({"name": col, "bytes": len(data), "labels": labels})
        chunks.append(data)
    head = json.dumps({"rows": len(frame), "columns": header}, ensure_ascii=False).encode("utf-8")
    return len(head).to_bytes(8, "little") + head + b"".join(chunks)


def _frame_from_blob(blob: bytes) -> pd.DataFrame:
    n = int.from_bytes(blob[:8], "little")
    head = json.loads(blob[8:8 + n].decode("utf-8"))
    pos, columns = 8 + n, {}
    for col in head["columns"]:
        data = blob[pos:pos + col["bytes"]]
        pos += col["bytes"]
        if col["labels"] is None:
            is_float = col["name"] == "confidence"
            values = np.frombuffer(data, dtype="<f8" if is_float else "<i8")
            columns[col["name"]] = values.astype("float64" if is_float else "int64")
        else:
            labels = np.asarray(col["labels"], dtype=object)
            codes = np.frombuffer(data, dtype="<i4")
            columns[col["name"]] = labels[codes] if len(labels) else np.asarray([], dtype=object)
    frame = pd.DataFrame(columns, columns=CODING_COLUMNS)
    return frame.astype({"document": str, "code": str, "coder": str, "origin": str})


# --------------------------------------------------------------------------- any table, exactly (no pickle)

#: dtypes stored as raw little-endian arrays; every other column is stored as JSON values
_RAW = {"int64": "<i8", "float64": "<f8", "int32": "<i4", "bool": "|b1"}


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        value = value.item()
    if isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not kept in the cache: {type(value).__name__}")


def tables_blob(tables: dict[str, pd.DataFrame]) -> bytes | None:
    """Named tables as bytes (JSON header + column arrays), or None when they would not come back exactly.

    Numeric and boolean columns are stored as raw arrays, other columns
    (``str``, nullable ``Int64``, object of plain values) as JSON values
    with their dtype. Only tables with a default index and string column
    names are accepted, and the encoding is checked by decoding it: any
    difference in a value, dtype or index, and nothing is kept.
    """
    header, chunks = [], []
    try:
        for name, frame in tables.items():
            if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
                return None
            if not all(isinstance(c, str) for c in frame.columns) or frame.columns.has_duplicates:
                return None
            columns = []
            for col in frame.columns:
                values = frame[col]
                dtype = str(values.dtype)
                if dtype in _RAW:
                    data = values.to_numpy(dtype=_RAW[dtype]).tobytes()
                else:
                    data = json.dumps([_json_value(v) for v in values.tolist()], ensure_ascii=False,
                                      allow_nan=False).encode("utf-8")
                columns.append({"name": col, "dtype": dtype, "bytes": len(data)})
                chunks.append(data)
            header.append({"name": str(name), "rows": len(frame), "columns": columns})
    except (TypeError, ValueError):
        return None
    head = json.dumps(header, ensure_ascii=False).encode("utf-8")
    blob = len(head).to_bytes(8, "little") + head + b"".join(chunks)
    try:
        back = tables_from_blob(blob)
        if list(back) != list(tables):
            return None
        for name, frame in tables.items():
            pd.testing.assert_frame_equal(back[name], frame, check_exact=True)
    except (AssertionError, TypeError, ValueError):
        return None
    return blob


def tables_from_blob(blob: bytes) -> dict[str, pd.DataFrame]:
    """The tables of :func:`tables_blob`."""
    n = int.from_bytes(blob[:8], "little")
    pos, out = 8 + n, {}
    for table in json.loads(blob[8:8 + n].decode("utf-8")):
        columns = {}
        for col in table["columns"]:
            data = blob[pos:pos + col["bytes"]]
            pos += col["bytes"]
            dtype = col["dtype"]
            if dtype in _RAW:
                columns[col["name"]] = pd.Series(np.frombuffer(data, dtype=_RAW[dtype]).astype(dtype), dtype=dtype)
            else:
                columns[col["name"]] = pd.Series(json.loads(data.decode("utf-8")), dtype=dtype)
        out[table["name"]] = pd.DataFrame(columns, index=pd.RangeIndex(table["rows"]),
                                          columns=[c["name"] for c in table["columns"]])
    return out


# --------------------------------------------------------------------------- the cache of one study

class StudyCache:
    """The cache file of one study folder (see the module docstring).

    Use :func:`open_study_cache`; every method fails soft: a cache that cannot
    be read or written costs time, never a result.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._pid = os.getpid()
        self._conn = connect(self.path, check_same_thread=False)
        try:
            migrate(self._conn, _SCHEMA)
        except (RuntimeError, sqlite3.DatabaseError):  # newer or damaged: start afresh
            self._conn.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._conn = connect(self.path, check_same_thread=False)
            migrate(self._conn, _SCHEMA)
        #: document id -> key of the documents of the last :meth:`lookup` / :meth:`put_document`
        self.document_keys: dict[str, str] = {}
        #: the corpus those keys describe (set by :func:`altena_qca.load_study`)
        self.corpus: Any = None

    @property
    def conn(self) -> sqlite3.Connection:
        """This process's connection: a process forked from the one that opened the cache opens its own.

        (A SQLite connection must not cross a fork: a pool worker or the
        background stage of ``run`` reading cached texts would share the
        parent's file locks and page cache.)
        """
        if os.getpid() != self._pid:
            with self._lock:
                if os.getpid() != self._pid:
                    self._conn = connect(self.path, check_same_thread=False)
                    self._pid = os.getpid()
        return self._conn

    # -- documents
    @staticmethod
    def document_key(settings: str, path: Path, doc_id: str, kind: str, respondent: str | None) -> str:
        """The key of one input file: its bytes and how it is read."""
        return _digest(settings, doc_id, kind, respondent or "", os.fspath(path), Path(path).read_bytes())

    def lookup(self, keys: dict[str, str]) -> dict[str, CachedDocument]:
        """The cached documents whose key matches, lazily loaded; records ``keys``."""
        self.document_keys = dict(keys)
        found: dict[str, CachedDocument] = {}
        with self._lock:
            rows = self.conn.execute("SELECT id, key, kind, respondent, path, meta, warnings FROM documents").fetchall()
        for row in rows:
            if keys.get(row["id"]) != row["key"]:
                continue
            doc = CachedDocument.lazy(self, row["id"], row["kind"], row["respondent"], row["path"],
                                      json.loads(row["meta"]))
            doc.__dict__["_warnings"] = [tuple(w) for w in json.loads(row["warnings"])]
            found[row["id"]] = doc
        return found

    def _read_body(self, doc_id: str) -> tuple[str, list[Segment]]:
        with self._lock:
            row = self.conn.execute("SELECT text, segments FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(f"document {doc_id!r} left the study cache {self.path} while in use")
        return row["text"], _segments_from_json(doc_id, row["segments"])

    def offsets(self, doc_id: str):
        """The offset map of a cached document."""
        with self._lock:
            row = self.conn.execute("SELECT offsets FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return _offsets_from_blob(row["offsets"]) if row is not None else None

    def put_documents(self, items: list[tuple[str, Any]], keep: set[str]) -> None:
        """Store ``(key, IngestedDocument)`` pairs; forget documents not in ``keep``."""
        rows = []
        for key, result in items:
            doc = result.document
            warned = [[getattr(c, "__name__", str(c)), m] for c, m in result.warnings]
            rows.append((doc.id, key, doc.kind, doc.respondent, doc.path,
                         json.dumps(doc.meta, ensure_ascii=False, sort_keys=True), doc.text,
                         _segments_json(doc.segments), _offsets_blob(result.offsets),
                         json.dumps(warned, ensure_ascii=False)))
        try:
            with self._lock, transaction(self.conn):
                self.conn.executemany("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
                stale = [(i,) for (i,) in self.conn.execute("SELECT id FROM documents") if i not in keep]
                self.conn.executemany("DELETE FROM documents WHERE id = ?", stale)
        except sqlite3.Error:
            pass  # a full disk or a read-only cache costs time next run, not this result

    # -- codings
    def codings(self, source: Path, codebook, load: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The codings of ``source`` checked against the corpus: from the cache, or ``load()`` and kept."""
        source = Path(source)
        key = _digest(FORMAT, code_fingerprint(), source.read_bytes(), "\x1f".join(sorted(codebook.codes)),
                      json.dumps(sorted(self.document_keys.items())))
        name = source.name
        with self._lock:
            row = self.conn.execute("SELECT key, frame FROM codings WHERE source = ?", (name,)).fetchone()
        if row is not None and row["key"] == key:
            try:
                return _frame_from_blob(row["frame"])
            except (ValueError, KeyError, IndexError):
                pass  # damaged entry: check the file again
        frame = load()
        if list(frame.columns) == CODING_COLUMNS:  # extra columns may hold free text: not cached
            try:
                with self._lock, transaction(self.conn):
                    self.conn.execute("INSERT OR REPLACE INTO codings VALUES (?,?,?)", (name, key, _frame_blob(frame)))
            except sqlite3.Error:
                pass
        return frame

    # -- derived results (e.g. the auto-coding tables of ``run``)
    def results(self, name: str, key: str, compute: Callable[[], dict[str, pd.DataFrame]]) -> dict[str, pd.DataFrame]:
        """The tables ``compute()`` gives, kept under ``name`` while ``key`` is unchanged.

        ``key`` must cover every input of ``compute`` (see
        :func:`study_fingerprint`). Tables are kept only when they come back
        from the cache exactly as they are (values, dtypes, index; see
        :func:`tables_blob`); otherwise they are computed every time.
        """
        with self._lock:
            row = self.conn.execute("SELECT key, tables FROM results WHERE name = ?", (name,)).fetchone()
        if row is not None and row["key"] == key:
            try:
                return tables_from_blob(row["tables"])
            except (ValueError, KeyError, IndexError, TypeError):
                pass  # damaged entry: compute again
        tables = compute()
        blob = tables_blob(tables)
        if blob is not None:
            try:
                with self._lock, transaction(self.conn):
                    self.conn.execute("INSERT OR REPLACE INTO results VALUES (?,?,?)", (name, key, blob))
            except sqlite3.Error:
                pass
        return tables

    # -- clean checks (altena_qca.check): "this input, checked so, had no problem and no warning"
    def clean_marks(self) -> dict[str, tuple[str, int]]:
        """Every recorded clean check: name → (key, value)."""
        try:
            with self._lock:
                return {r["name"]: (r["key"], r["value"]) for r in self.conn.execute("SELECT * FROM checks")}
        except sqlite3.Error:
            return {}

    def mark_clean(self, marks: dict[str, tuple[str, int]]) -> None:
        """Record clean checks (name → (key, value)); only facts and counts, never a message or a text."""
        try:
            with self._lock, transaction(self.conn):
                self.conn.executemany("INSERT OR REPLACE INTO checks VALUES (?,?,?)",
                                      [(name, key, int(value)) for name, (key, value) in marks.items()])
        except sqlite3.Error:
            pass

    def has_results(self, name: str, key: str) -> bool:
        """True when :meth:`results` would answer ``name`` from the cache (it may still find it damaged)."""
        try:
            with self._lock:
                row = self.conn.execute("SELECT key FROM results WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error:
            return False
        return row is not None and row["key"] == key

    def close(self) -> None:
        with self._lock:
            if os.getpid() == self._pid:
                self._conn.close()

    def __repr__(self) -> str:
        return f"StudyCache({str(self.path)!r})"


def _versions(names: tuple[str, ...]) -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in names:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=none")
    return ",".join(found)


#: Libraries whose version can change a derived result (fitted models, lemmas, agreement statistics).
RESULT_LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "spacy", "spacy-lookups-data", "simplemma",
                    "krippendorff", "networkx")


@functools.lru_cache(maxsize=1)
def _library_versions() -> str:
    return _versions(RESULT_LIBRARIES)


def study_fingerprint(study) -> str | None:
    """A key for results computed from the whole study as loaded, or None when none can be vouched for.

    It covers every document's cache key (file bytes, id, kind, respondent,
    path, the pseudonymiser's settings, :func:`code_fingerprint`), the
    respondents, the codebook (codes with their rules, analysis settings),
    the codings as they are in memory (any source: ``codings.csv``, the
    workbench store, suggestions), the coding source and the versions of
    :data:`RESULT_LIBRARIES`. None when the study has no cache or its corpus
    is not the one loaded with it (replaced since).
    """
    cache = getattr(study, "cache", None)
    if cache is None or cache.corpus is None or study.corpus is not cache.corpus:
        return None
    keys = cache.document_keys
    if not keys or len(keys) != len(study.corpus.documents):
        return None
    codings = study.codings
    hashed = pd.util.hash_pandas_object(codings, index=True).to_numpy(dtype="<u8").tobytes() if len(codings) else b""
    cb = study.codebook
    return _digest(FORMAT, code_fingerprint(), _library_versions(), json.dumps(sorted(keys.items())),
                   repr(sorted(study.corpus.respondents.items())),
                   repr(list(cb.codes.values())), json.dumps(_plain(cb.analysis), sort_keys=True),
                   json.dumps(_plain(cb.meta), sort_keys=True),
                   json.dumps([[str(c), str(t)] for c, t in codings.dtypes.items()]), hashed,
                   str(study.coding_source))


def open_study_cache(data_dir: str | Path) -> StudyCache | None:
    """The cache of the study at ``data_dir``, or None when it is off or unusable.

    The file is ``<study_cache_dir()>/<hash of the folder's absolute path>.sqlite``;
    a cache folder inside the study folder is refused (None).
    """
    folder = study_cache_dir()
    if folder is None:
        return None
    data_dir = Path(data_dir).resolve()
    try:
        folder = folder.resolve()
        if folder == data_dir or data_dir in folder.parents:
            return None
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return StudyCache(folder / f"{_digest(os.fspath(data_dir))[:24]}.sqlite")
    except (OSError, sqlite3.Error) as exc:
        warnings.warn(f"study cache not used ({exc})", RuntimeWarning, stacklevel=2)
        return None
