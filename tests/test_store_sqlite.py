"""The one SQLite layer: connect, migrate, transaction."""
from __future__ import annotations

import multiprocessing as mp
import sqlite3
import stat

import pytest

from altena_qca.store._sqlite import connect, migrate, transaction


def test_connect_creates_private_wal_file(tmp_path):
    path = tmp_path / "x.sqlite"
    conn = connect(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    conn.close()


def test_connect_keeps_existing_file_mode_and_content(tmp_path):
    path = tmp_path / "x.sqlite"
    conn = connect(path)
    migrate(conn, ["CREATE TABLE t (x)"])
    conn.close()
    conn = connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    ro = connect(path, readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        ro.execute("INSERT INTO t VALUES (1)")


def test_foreign_keys_enforced(tmp_path):
    conn = connect(tmp_path / "x.sqlite")
    migrate(conn, ["CREATE TABLE p (id INTEGER PRIMARY KEY);"
                   "CREATE TABLE c (p INTEGER REFERENCES p(id));"])
    with pytest.raises(sqlite3.IntegrityError):
        with transaction(conn):
            conn.execute("INSERT INTO c VALUES (7)")


def test_migrate_runs_only_new_steps(tmp_path):
    conn = connect(tmp_path / "x.sqlite")
    calls = []

    def step2(c):
        calls.append(2)
        c.execute("ALTER TABLE t ADD COLUMN y TEXT")

    assert migrate(conn, ["CREATE TABLE t (x INTEGER); CREATE INDEX tx ON t(x);"]) == 1
    assert migrate(conn, ["CREATE TABLE t (x INTEGER); CREATE INDEX tx ON t(x);", step2]) == 2
    assert migrate(conn, ["CREATE TABLE t (x INTEGER); CREATE INDEX tx ON t(x);", step2]) == 2
    assert calls == [2]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(t)")]
    assert cols == ["x", "y"]


def test_failed_migration_leaves_previous_version(tmp_path):
    conn = connect(tmp_path / "x.sqlite")
    migrate(conn, ["CREATE TABLE t (x)"])
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, ["CREATE TABLE t (x)", "CREATE TABLE u (x); SELECT * FROM nope;"])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='u'").fetchone() is None


def test_newer_database_refused(tmp_path):
    conn = connect(tmp_path / "x.sqlite")
    migrate(conn, ["CREATE TABLE t (x)", "CREATE TABLE u (x)"])
    with pytest.raises(RuntimeError, match="newer"):
        migrate(conn, ["CREATE TABLE t (x)"])


def test_transaction_rolls_back_and_does_not_nest(tmp_path):
    conn = connect(tmp_path / "x.sqlite")
    migrate(conn, ["CREATE TABLE t (x)"])
    with pytest.raises(ValueError):
        with transaction(conn):
            conn.execute("INSERT INTO t VALUES (1)")
            raise ValueError
    assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    with transaction(conn):
        with pytest.raises(RuntimeError):
            with transaction(conn):
                pass
    assert not conn.in_transaction


def _writer(path, tag, n):
    conn = connect(path)
    for i in range(n):
        with transaction(conn):
            # read-then-write inside one action: needs the lock from the start
            k = conn.execute("SELECT count(*) FROM t").fetchone()[0]
            conn.execute("INSERT INTO t VALUES (?, ?, ?)", (tag, i, k))
    conn.close()


def test_two_processes_write_without_losing_rows(tmp_path):
    path = tmp_path / "x.sqlite"
    conn = connect(path)
    migrate(conn, ["CREATE TABLE t (tag TEXT, i INTEGER, seen INTEGER)"])
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, tag, 200)) for tag in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    rows = conn.execute("SELECT tag, i, seen FROM t").fetchall()
    assert len(rows) == 400
    # every action saw a consistent count: the 'seen' values are exactly 0..399
    assert sorted(r["seen"] for r in rows) == list(range(400))
