"""The one SQLite layer of altena-qca.

Every SQLite file the project writes (the coding store ``study.sqlite``, the
study cache) is opened here, so they all behave the same way:

* WAL journal: readers never block the one writer, and a process killed
  mid-write leaves the last committed state (SQLite rolls the rest back);
* ``busy_timeout``: a second writer waits for the lock instead of failing;
* foreign keys enforced;
* the file is created with mode 0600 (codings and memos are research data);
* schema versions on ``PRAGMA user_version``, applied by :func:`migrate`;
* one action, one transaction: :func:`transaction` takes the write lock up
  front (``BEGIN IMMEDIATE``), so two writers never deadlock on an upgrade
  from a read lock.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.sqlite"
>>> conn = connect(path)
>>> migrate(conn, ["CREATE TABLE t (x INTEGER)"])
1
>>> with transaction(conn):
...     _ = conn.execute("INSERT INTO t VALUES (1)")
>>> conn.execute("SELECT count(*) FROM t").fetchone()[0]
1
>>> oct(path.stat().st_mode & 0o777)
'0o600'
>>> conn.close()
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

__all__ = ["connect", "migrate", "transaction", "BUSY_TIMEOUT_MS"]

#: How long a writer waits for another writer's lock before giving up.
BUSY_TIMEOUT_MS = 30_000

Step = str | Callable[[sqlite3.Connection], None]


def _create_private(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (no race)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def connect(path: str | os.PathLike, *, readonly: bool = False,
            check_same_thread: bool = True) -> sqlite3.Connection:
    """Open (and create when missing) the SQLite database at ``path``.

    Parameters
    ----------
    path : path-like
        The database file (or ``":memory:"``). Its folder must exist. A new file is created with
        mode 0600 (``-wal``/``-shm`` side files inherit it from SQLite).
    readonly : bool
        Open read-only (``mode=ro``); the file must exist.
    check_same_thread : bool
        Passed to :func:`sqlite3.connect`; a web server that hands one
        connection to a thread pool (always under its own lock) sets False.

    Returns
    -------
    sqlite3.Connection
        In autocommit mode (``isolation_level=None``): nothing is written
        outside :func:`transaction`. Rows are :class:`sqlite3.Row`.
    """
    if os.fspath(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=check_same_thread)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        return conn
    path = Path(path)
    if readonly:
        uri = f"file:{path.resolve().as_posix()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_MS / 1000,
                               check_same_thread=check_same_thread)
    else:
        old = os.umask(0o077)
        try:
            _create_private(path)
            conn = sqlite3.connect(path, isolation_level=None,
                                   timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=check_same_thread)
        finally:
            os.umask(old)
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL: a commit survives a killed process; only an OS crash
        # or power cut can lose the last transactions (never corrupts).
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One action, one transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``.

    The write lock is taken at the start, so concurrent writers queue on
    ``busy_timeout`` instead of failing half-way. Any exception rolls the
    whole action back and is re-raised.

    Examples
    --------
    >>> conn = connect(":memory:")
    >>> _ = conn.execute("CREATE TABLE t (x INTEGER)")
    >>> try:
    ...     with transaction(conn):
    ...         _ = conn.execute("INSERT INTO t VALUES (1)")
    ...         raise RuntimeError("half-way")
    ... except RuntimeError:
    ...     pass
    >>> conn.execute("SELECT count(*) FROM t").fetchone()[0]
    0
    """
    if conn.in_transaction:
        raise RuntimeError("transaction() does not nest; one action, one transaction")
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, steps: Sequence[Step]) -> int:
    """Bring the schema up to ``len(steps)`` using ``PRAGMA user_version``.

    ``steps[i]`` moves the schema from version ``i`` to ``i + 1``; it is a SQL
    script (several statements allowed) or a function of the connection.
    Steps are append-only: never edit a released step, add a new one. Each
    step runs in its own transaction together with the version bump, so a
    crash leaves the database at a whole version.

    Parameters
    ----------
    conn : sqlite3.Connection
        From :func:`connect`.
    steps : sequence of str or callable

    Returns
    -------
    int
        The schema version after migrating.

    Raises
    ------
    RuntimeError
        When the database is newer than ``steps`` (written by a newer
        altena-qca): refusing to touch it.
    """
    target = len(steps)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > target:
            raise RuntimeError(
                f"database schema version {version} is newer than this altena-qca "
                f"knows ({target}); upgrade altena-qca")
        for i in range(version, target):
            step = steps[i]
            if callable(step):
                step(conn)
            else:
                for statement in _split_sql(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {i + 1}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return target


def _split_sql(script: str) -> list[str]:
    """Split a script into statements (``executescript`` would COMMIT)."""
    out, buf = [], ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \t\n;"):
                out.append(buf.strip())
            buf = ""
    if buf.strip(" \t\n;"):
        out.append(buf.strip())
    return out
