#!/usr/bin/env python3
"""Benchmarks of altena-qca: stage timings from 13 to 13,000 transcripts, and ratios measured side by side.

Run through ``python3 tasks.py bench`` (which installs the ``dask`` extra) or
directly::

    python benchmarks/run.py --sizes 13,130,1300,13000 [--quick] [--work /tmp/altena-bench]

What it measures (never part of the test suite's pass/fail):

1. **Stages** — ingest, pseudonymise, auto-code, frequencies, typology/effects,
   co-occurrence, network, report, REFI-QDA export — on seeded synthetic
   corpora of N transcripts (``benchmarks/synth.py``; mixed ``.docx``/``.txt``
   up to 1,300, ``.txt`` above). Every (stage, N) runs in a fresh
   subprocess: wall and CPU seconds of the stage alone (inputs are loaded
   first, untimed, from a pickle the ingest stage leaves), the process's peak
   resident memory (``ru_maxrss``) and its resident memory before the stage.
   One-off set-up costs (loading deduce's tables, fitting the auto-coder) are
   timed apart and left out of the scaling fit.
2. **Scaling exponents** — least squares of log(CPU seconds) on log(N) per
   stage. A stage whose predicted time at the next N exceeds ``--budget`` is
   not run there: its time is extrapolated with the fitted exponent and
   marked so.
3. **Ratios, side by side in one process** — the auto-coder against the bare
   spaCy tokenizer on the same passages (words/s; ``bench_autocoder.py`` is
   reused when present); the sparse co-occurrence (``XᵀX``) against the
   pairwise loop over codings at 10⁴, 10⁵ and 10⁶ codings (the loop only
   while it fits in ``--pairwise-budget``; extrapolated beyond).
4. **``altena-qca run``** on the bundled corpus, cold (fresh process; deduce's
   lookup tables already built once), and the CLI's import time
   (``python -X importtime``).

Results are printed as Markdown tables and written as JSON (``--json``) and
Markdown (``--markdown``); ``docs/performance.md`` quotes one such run.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import pickle
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
for p in (str(ROOT), str(BENCH)):
    if p not in sys.path:
        sys.path.insert(0, p)

SIZES = (13, 130, 1300, 13000)
QUICK_SIZES = (13, 130)
COOC_SIZES = (10_000, 100_000, 1_000_000)
QUICK_COOC_SIZES = (10_000, 100_000)
STAGES = ("ingest", "pseudonymise", "autocode", "frequencies", "typology_effects", "cooccurrence",
          "network", "report", "qdpx")
LABELS = {"ingest": "ingest (read + segment + codings.csv)", "pseudonymise": "pseudonymise",
          "autocode": "auto-code", "frequencies": "frequencies", "typology_effects": "typology/effects",
          "cooccurrence": "co-occurrence", "network": "network", "report": "report (figures + Word)",
          "qdpx": "REFI-QDA export"}
EXCEL_ROWS = 1_048_576
CACHE = ".bench"


# =========================================================================== helpers

def rss_mb() -> float:
    """Current resident memory of this process (MB)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def available_mb() -> float:
    """MemAvailable (MB): what a new process may take without pushing others out."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("inf")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Wall and CPU seconds of a block (``with Timer() as t: ...; t.wall, t.cpu``)."""

    def __enter__(self):
        self._w, self._c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self._w
        self.cpu = time.process_time() - self._c


def n_words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
                  .split()[1]) / 2**20
    except (OSError, StopIteration):
        mem = float("nan")
    versions = {}
    for mod in ("spacy", "pandas", "numpy", "scipy", "scikit-learn", "deduce", "dask", "distributed"):
        try:
            from importlib.metadata import version
            versions[mod] = version(mod)
        except Exception:  # noqa: BLE001 - not installed
            versions[mod] = None
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        head, dirty = "", False
    return {"nproc": os.cpu_count(), "ram_gib": round(mem, 1), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "load_avg_at_start": os.getloadavg(), "versions": versions,
            "git": head + ("+uncommitted changes" if dirty else "")}


def fit_exponent(ns, ts) -> float | None:
    """Least-squares slope of log(t) on log(n)."""
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts) if n > 0 and t and t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def _quiet():
    warnings.simplefilter("ignore")
    import logging
    logging.getLogger("distributed").setLevel(logging.ERROR)


# =========================================================================== stages (child side)

def _load(corpus_dir: Path):
    with open(corpus_dir / CACHE / "ingested.pkl", "rb") as fh:
        corpus, codings = pickle.load(fh)
    from altena_qca.codebook import DEFAULT_CODEBOOK, load_codebook
    from altena_qca.study import Study
    return Study(corpus=corpus, codebook=load_codebook(DEFAULT_CODEBOOK), codings=codings, data_dir=corpus_dir)


def stage_ingest(corpus_dir: Path, largest: bool) -> dict:
    from altena_qca.codebook import DEFAULT_CODEBOOK, load_codebook
    from altena_qca.ingest import load_codings, read_respondents, read_transcript
    from altena_qca.ingest.corpus import _transcript_files
    from altena_qca.model import Corpus

    cb = load_codebook(DEFAULT_CODEBOOK)
    files = _transcript_files(corpus_dir / "transcripts")
    by_suffix: dict[str, list[float]] = {}
    words = 0
    with Timer() as t_read:
        corpus = Corpus(respondents=read_respondents(corpus_dir / "respondents.csv"))
        for f in files:
            c0 = time.process_time()
            doc = read_transcript(f, f.stem, respondent=f.stem)
            s = by_suffix.setdefault(f.suffix, [0, 0.0, 0])
            s[0] += 1
            s[1] += time.process_time() - c0
            words += n_words(doc.text)
            corpus.documents[doc.id] = doc
    with Timer() as t_codings:
        codings = load_codings(corpus_dir / "codings.csv", corpus, cb)
    extra = {"documents": len(files), "words": words, "codings": len(codings),
             "read": {"wall": t_read.wall, "cpu": t_read.cpu}, "codings_check": {"wall": t_codings.wall,
                                                                                  "cpu": t_codings.cpu},
             "by_suffix": {k: {"files": v[0], "cpu": v[1]} for k, v in by_suffix.items()}}
    timing = {"wall": t_read.wall + t_codings.wall, "cpu": t_read.cpu + t_codings.cpu, "peak_mb": peak_mb()}
    (corpus_dir / CACHE).mkdir(exist_ok=True)
    with open(corpus_dir / CACHE / "ingested.pkl", "wb") as fh:  # untimed hand-off to later stages
        pickle.dump((corpus, codings), fh, protocol=pickle.HIGHEST_PROTOCOL)
    return {**timing, **extra}


def fresh_annotation_cache(set_env: bool = True) -> Path:
    """Point the user cache at an empty folder that still has deduce's built tables.

    deduce's annotations of a text are cached per text (``privacy.deduce_annotations``),
    and the synthetic corpora are the same bytes every run: without this, a
    second benchmark run would time cache reads, not deduce.
    """
    from altena_qca.privacy import deduce_cache_dir

    tables = deduce_cache_dir()  # <cache>/altena-qca/deduce/<version>
    root = Path(tempfile.mkdtemp(prefix="altena-bench-xdg-"))
    (root / "altena-qca" / "deduce").mkdir(parents=True)
    if tables.exists():
        (root / "altena-qca" / "deduce" / tables.name).symlink_to(tables, target_is_directory=True)
    if set_env:
        os.environ["XDG_CACHE_HOME"] = str(root)
    return root


def stage_pseudonymise(corpus_dir: Path, largest: bool) -> dict:
    """deduce on every document with an empty annotation cache, then the same again with it warm.

    The first pass is what new transcripts cost; the second, a re-run on
    unchanged transcripts (only the replacements, no deduce). Only the first
    pass counts as the stage's time.
    """
    from altena_qca.privacy import Pseudonymiser, get_deduce

    xdg = fresh_annotation_cache()
    try:
        study = _load(corpus_dir)
        corpus, codings = study.corpus, study.codings
        originals = dict(corpus.documents)
        words = sum(n_words(d.text) for d in corpus)
        gc.collect()
        rss0 = rss_mb()
        with Timer() as t_setup:
            get_deduce()
            pseudo = Pseudonymiser.for_corpus(corpus.respondents)
        with Timer() as t_doc:
            for doc_id in list(corpus.documents):
                corpus.documents[doc_id] = pseudo.transform(corpus.documents[doc_id])
        with Timer() as t_remap:
            pseudo.remap_codings(codings)
        tags = sum(len(k) for k in pseudo.key_.values())
        again = Pseudonymiser.for_corpus(corpus.respondents)
        with Timer() as t_warm:
            same = all(again.transform(doc).text == corpus.documents[doc_id].text for doc_id, doc in originals.items())
    finally:
        shutil.rmtree(xdg, ignore_errors=True)
    return {"wall": t_doc.wall + t_remap.wall, "cpu": t_doc.cpu + t_remap.cpu, "peak_mb": peak_mb(),
            "rss_before_mb": rss0, "words": words, "words_per_s": words / t_doc.cpu if t_doc.cpu else None,
            "setup": {"wall": t_setup.wall, "cpu": t_setup.cpu}, "transform": {"wall": t_doc.wall, "cpu": t_doc.cpu},
            "remap_codings": {"wall": t_remap.wall, "cpu": t_remap.cpu}, "tags": tags,
            "rerun_cached": {"wall": t_warm.wall, "cpu": t_warm.cpu, "same_text": same}}


def fitted_autocoder():
    """The combined auto-coder trained on the bundled study (what ``altena-qca code`` uses)."""
    from altena_qca import load_study
    from altena_qca.coding import AutoCoder, training_data

    bundled = load_study(pseudonymise=False)
    X, y = training_data(bundled.corpus, bundled.codings)
    return AutoCoder().fit(X, y, codebook=bundled.codebook)


def stage_autocode(corpus_dir: Path, largest: bool) -> dict:
    from altena_qca import engine

    study = _load(corpus_dir)
    with Timer() as t_fit:
        coder = fitted_autocoder()
    speakers = ("respondent", "observer")
    words = sum(n_words(d.segment_text(s)) for d in study.corpus for s in d.segments if s.speaker in speakers)
    gc.collect()
    rss0 = rss_mb()
    with Timer() as t:
        auto = engine.suggest(study.corpus, study.codebook, coder=coder, engine="local")
    return {"wall": t.wall, "cpu": t.cpu, "peak_mb": peak_mb(), "rss_before_mb": rss0, "words": words,
            "words_per_s": words / t.cpu if t.cpu else None, "suggestions": len(auto),
            "setup": {"wall": t_fit.wall, "cpu": t_fit.cpu}}


def _pipeline_stages(study, names, out: Path) -> tuple[Timer, dict]:
    from altena_qca.pipeline import STAGES as PIPELINE

    stages = dict(PIPELINE)
    rows = {}
    with Timer() as t:
        for name in names:
            for tname, df in stages[name](study, out).items():
                rows[tname] = len(df)
    return t, rows


def _analysis_stage(names):
    def run(corpus_dir: Path, largest: bool) -> dict:
        study = _load(corpus_dir)
        gc.collect()
        rss0 = rss_mb()
        with tempfile.TemporaryDirectory() as tmp:
            t, rows = _pipeline_stages(study, names, Path(tmp))
        over = {k: v for k, v in rows.items() if v > EXCEL_ROWS}
        return {"wall": t.wall, "cpu": t.cpu, "peak_mb": peak_mb(), "rss_before_mb": rss0,
                "codings": len(study.codings), "table_rows": rows, "tables_over_excel_limit": over}
    return run


def stage_report(corpus_dir: Path, largest: bool) -> dict:
    from altena_qca.report.figures import write_figures
    from altena_qca.report.results import compute_results

    study = _load(corpus_dir)
    gc.collect()
    rss0 = rss_mb()
    parts = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Timer() as t1:
            results = compute_results(study, network=False)
        with Timer() as t2:
            figs = write_figures(results, Path(tmp) / "figures")
        parts = {"results": {"wall": t1.wall, "cpu": t1.cpu}, "figures": {"wall": t2.wall, "cpu": t2.cpu}}
        wall, cpu = t1.wall + t2.wall, t1.cpu + t2.cpu
        if not largest:
            from altena_qca.report.docx_report import write_report
            with Timer() as t3:
                write_report(study, results, Path(tmp) / "report.docx", figures=figs)
            parts["word"] = {"wall": t3.wall, "cpu": t3.cpu, "bytes": (Path(tmp) / "report.docx").stat().st_size}
            wall, cpu = wall + t3.wall, cpu + t3.cpu
    return {"wall": wall, "cpu": cpu, "peak_mb": peak_mb(), "rss_before_mb": rss0, "parts": parts,
            "word_report": not largest, "network_figure": False}


CHILD_STAGES = {
    "ingest": stage_ingest,
    "pseudonymise": stage_pseudonymise,
    "autocode": stage_autocode,
    "frequencies": _analysis_stage(["overview", "code_document"]),
    "typology_effects": _analysis_stage(["groups", "effects"]),
    "cooccurrence": _analysis_stage(["cooccurrence"]),
    "network": _analysis_stage(["network"]),
    "report": stage_report,
    "qdpx": _analysis_stage(["qdpx"]),
}


# =========================================================================== ratios (child side)

def _codings_sample(n: int, corpus_dirs: list[Path], seed: int):
    """At least ``n`` synthetic codings, whole documents, from the largest corpus (else generated)."""
    import pandas as pd

    for d in sorted(corpus_dirs, key=lambda p: -json.loads((p / "SYNTH.json").read_text())["codings"]):
        if json.loads((d / "SYNTH.json").read_text())["codings"] >= n:
            df = pd.read_csv(d / "codings.csv", nrows=n + 2000, dtype={"document": str, "code": str})
            last = df["document"].iloc[n - 1]
            return df[(df.index < n) | (df["document"] == last)].reset_index(drop=True)
    import synth
    src = synth.load_sources()
    rows, i = [], 0
    while len(rows) < n:
        i += 1
        doc, _ = synth.make_transcript(src, i, seed)
        rows += [(doc.id, s, e, c) for s, e, c in doc.codings]
    return pd.DataFrame(rows, columns=["document", "start", "end", "code"])


def ratio_cooccurrence(sizes, corpus_dirs, seed, budget) -> dict:

    from altena_qca.analysis.cooccurrence import _cooccurrence_pairwise, _cooccurrence_sparse

    out = []
    last = None  # (codings, seconds) of the last pairwise run, per level
    for n in sizes:
        codings = _codings_sample(n, corpus_dirs, seed)
        m = len(codings)
        for level in ("segment", "document"):
            best = float("inf")
            for _ in range(3):
                with Timer() as t:
                    sparse = _cooccurrence_sparse(codings, level)
                best = min(best, t.wall)
            row = {"codings": m, "documents": int(codings["document"].nunique()), "level": level,
                   "sparse_s": best, "pairs": len(sparse)}
            prev = last.get(level) if last else None
            predicted = prev[1] * m / prev[0] if prev else 0.0
            if predicted <= budget:
                with Timer() as t:
                    pairwise = _cooccurrence_pairwise(codings, level)
                row["pairwise_s"] = t.wall
                row["equal"] = bool(sparse.reset_index(drop=True).equals(pairwise.reset_index(drop=True)))
                last = {**(last or {}), level: (m, t.wall)}
            else:
                row["pairwise_s"] = predicted
                row["pairwise_extrapolated"] = True
            row["ratio"] = row["pairwise_s"] / best if best else None
            out.append(row)
        del codings
        gc.collect()
    return {"rows": out, "peak_mb": peak_mb()}


def ratio_autocoder(corpus_dir: Path, max_words: int) -> dict:
    """Words/s of the auto-coder against the bare spaCy tokenizer on the same passages."""
    import warnings as _w

    from altena_qca.coding.nlp import get_nlp
    from altena_qca.coding.rules import RuleCoder
    from altena_qca.ingest import read_transcript
    from altena_qca.ingest.corpus import _transcript_files

    texts, words = [], 0
    for f in _transcript_files(corpus_dir / "transcripts"):
        with _w.catch_warnings():
            _w.simplefilter("ignore")
            doc = read_transcript(f, f.stem)
        for s in doc.segments:
            if s.speaker == "respondent":
                texts.append(doc.segment_text(s))
                words += n_words(texts[-1])
        if words >= max_words:
            break
    try:  # the coding team's benchmark, when it is there
        import bench_autocoder  # noqa: F401
        reused = True
    except ImportError:
        reused = False
    coder = fitted_autocoder()
    rules = RuleCoder().fit(codebook=coder.codebook_)
    tokenizer = get_nlp().tokenizer
    contenders = {
        "bare spaCy tokenizer": lambda: sum(len(d) for d in tokenizer.pipe(texts, batch_size=256)),
        "spaCy pipeline (tokenizer + lemmas)": lambda: sum(len(d) for d in get_nlp().pipe(texts, batch_size=256)),
        "rule coder": lambda: len(rules.predict(texts)),
        "auto-coder (rules + model)": lambda: len(coder.predict(texts)),
    }
    best = {k: float("inf") for k in contenders}
    for _ in range(3):  # interleaved: the same load for each
        for name, fn in contenders.items():
            with Timer() as t:
                fn()
            best[name] = min(best[name], t.cpu)
    base = words / best["bare spaCy tokenizer"]
    rows = [{"what": k, "cpu_s": v, "words_per_s": words / v, "vs_tokenizer": (words / v) / base}
            for k, v in best.items()]
    return {"words": words, "passages": len(texts), "rows": rows, "bench_autocoder_present": reused}


# =========================================================================== cold run and imports (parent side)

def _run_rusage(cmd: list[str], env: dict, cwd: Path) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS of the child (os.wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": time.perf_counter() - t0, "cpu": ru.ru_utime + ru.ru_stime, "peak_mb": ru.ru_maxrss / 1024,
            "rc": proc.returncode, "stderr_tail": err.decode("utf-8", "replace")[-600:]}


def run_breakdown() -> dict:
    """Where the time of ``altena-qca run`` goes, in one fresh process (CPU and wall per step)."""
    import time as _t
    steps = []

    def step(name, fn):
        c0, w0 = _t.process_time(), _t.perf_counter()
        value = fn()
        steps.append({"step": name, "cpu": _t.process_time() - c0, "wall": _t.perf_counter() - w0})
        return value

    step("import altena_qca.cli", lambda: __import__("altena_qca.cli"))
    step("import pandas, spacy, sklearn, matplotlib, docx, networkx",
         lambda: [__import__(m) for m in ("pandas", "spacy", "sklearn", "matplotlib", "docx", "networkx")])

    def deduce():
        from altena_qca.privacy import get_deduce
        return get_deduce()
    step("load deduce lookup tables", deduce)

    def study():
        from altena_qca.study import load_study
        return load_study()
    s = step("load_study (ingest + pseudonymise + codings)", study)
    from altena_qca._io import write_csv, write_workbook
    from altena_qca.pipeline import STAGES as PIPELINE
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        tables = {}
        for name, fn in PIPELINE:
            tables.update(step(f"stage {name}", lambda fn=fn: fn(s, out)))
        step("write tables (CSV + xlsx)", lambda: ([write_csv(df, out / "tables" / f"{k}.csv") for k, df in tables.items()],
                                                   write_workbook(tables, out / "altena-qca.xlsx")))
    return {"steps": steps, "total_cpu": sum(x["cpu"] for x in steps), "total_wall": sum(x["wall"] for x in steps)}


def engine_compare(corpus_dir: Path, workers: int) -> dict:
    """Ingest + pseudonymisation and auto-coding of one corpus: local engine against a local Dask cluster."""
    import pandas as pd

    from altena_qca import engine as E
    from altena_qca import load_study
    from altena_qca.privacy import get_deduce

    # Each engine starts from an empty annotation cache, so both run deduce on
    # every document (the workers inherit XDG_CACHE_HOME when the cluster starts).
    caches = [fresh_annotation_cache()]
    get_deduce()  # the driver's copy, as in a local run; workers load their own
    coder = fitted_autocoder()
    out = {"workers": workers}
    with Timer() as t:
        local = load_study(corpus_dir, engine=E.LocalEngine(), cache=False)
    out["local_load"] = {"wall": t.wall, "cpu": t.cpu}
    with Timer() as t:
        local_auto = E.suggest(local.corpus, local.codebook, coder=coder, engine="local")
    out["local_autocode"] = {"wall": t.wall, "cpu": t.cpu}
    caches.append(fresh_annotation_cache())
    with Timer() as t:
        runner = E.get_engine("dask", n_workers=workers, threads_per_worker=1)
    out["cluster_start"] = {"wall": t.wall}
    try:
        with Timer() as t:
            dist = load_study(corpus_dir, engine=runner, cache=False)
        out["dask_load"] = {"wall": t.wall, "cpu_driver": t.cpu}
        with Timer() as t:
            dist_auto = E.suggest(dist.corpus, dist.codebook, coder=coder, engine=runner)
        out["dask_autocode"] = {"wall": t.wall, "cpu_driver": t.cpu}
    finally:
        runner.close()
        for c in caches:
            shutil.rmtree(c, ignore_errors=True)
    out["same_codings"] = bool(local.codings.equals(dist.codings))
    out["same_texts"] = all(local.corpus.documents[k].text == d.text for k, d in dist.corpus.documents.items())
    try:
        pd.testing.assert_frame_equal(local_auto, dist_auto)
        out["same_autocodings"] = True
    except AssertionError:
        out["same_autocodings"] = False
    out["documents"] = len(local.corpus)
    return out


def cli_command() -> list[str]:
    script = Path(sys.executable).with_name("altena-qca")
    return [str(script)] if script.exists() else [sys.executable, "-m", "altena_qca.cli"]


def cold_run(repeats: int, env: dict) -> dict:
    """``altena-qca run`` in fresh processes: with deduce's annotations of the
    bundled transcripts cached (a re-run), and once with an empty annotation
    cache (first run on these transcripts: deduce is loaded and run)."""
    def once(run_env):
        with tempfile.TemporaryDirectory() as tmp:
            r = _run_rusage(cli_command() + ["run", "--out", str(Path(tmp) / "out")], run_env, Path(tmp))
            r["files"] = sorted(p.relative_to(Path(tmp) / "out").as_posix()
                                for p in (Path(tmp) / "out").rglob("*") if p.is_file())
        return r

    once(env)  # fills the annotation cache if it is empty
    runs = [once(env) for _ in range(repeats)]
    xdg = fresh_annotation_cache(set_env=False)
    try:
        first = once(dict(env, XDG_CACHE_HOME=str(xdg)))
    finally:
        shutil.rmtree(xdg, ignore_errors=True)
    files = runs[-1].pop("files") if runs else []
    for r in runs:
        r.pop("files", None)
    first.pop("files", None)
    ok = [r for r in runs if r["rc"] == 0]
    walls = sorted(r["wall"] for r in ok)
    return {"runs": runs, "best_wall": walls[0] if walls else None,
            "median_wall": walls[len(walls) // 2] if walls else None, "first_run": first,
            "outputs": files, "word_report": any(f.endswith(".docx") for f in files),
            "figures": sum(f.endswith(".png") for f in files)}


def import_time(env: dict) -> dict:
    res = subprocess.run([sys.executable, "-X", "importtime", "-c", "import altena_qca.cli"], env=env,
                         capture_output=True, text=True, cwd=tempfile.gettempdir())
    rows = []
    for line in res.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((m.group(4), int(m.group(2)) / 1e6, len(m.group(3)) - 1))
    total = next((t for name, t, _ in rows if name == "altena_qca.cli"), None)
    heavy = ("pandas", "numpy", "spacy", "sklearn", "matplotlib", "docx", "networkx", "deduce", "scipy",
             "openpyxl", "dask", "distributed", "yaml")
    loaded = sorted({name.split(".")[0] for name, _, _ in rows} & set(heavy))
    top = sorted(((n, t) for n, t, d in rows if d <= 2 and not n.startswith("altena_qca")), key=lambda x: -x[1])[:8]
    helps = []
    for _ in range(5):
        r = _run_rusage(cli_command() + ["--help"], env, Path(tempfile.gettempdir()))
        helps.append(r["wall"])
    return {"import_s": total, "heavy_loaded": loaded, "top": top, "help_wall_best": min(helps),
            "help_wall_median": sorted(helps)[2]}


# =========================================================================== parent

def _child(args: list[str], env: dict, timeout: float | None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        result = Path(fh.name)
    code = Path(env.get("ALTENA_BENCH_CODE", ROOT))
    cmd = [sys.executable, str(code / "benchmarks" / "run.py"), "--_child", *args, "--_result", str(result)]
    try:
        proc = subprocess.run(cmd, env=env, cwd=code, timeout=timeout, capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    try:
        if proc.returncode != 0:
            return {"error": (proc.stderr or proc.stdout)[-1500:]}
        return json.loads(result.read_text())
    finally:
        result.unlink(missing_ok=True)


def ensure_corpus(n: int, work: Path, seed: int, log) -> Path:
    import synth

    fmt = "mixed" if n <= 1300 else "txt"
    d = work / f"synth-{n}-seed{seed}-{fmt}"
    meta = d / "SYNTH.json"
    if meta.exists():
        m = json.loads(meta.read_text())
        if m.get("n") == n and m.get("seed") == seed and m.get("format") == fmt:
            return d
    if d.exists():
        shutil.rmtree(d)
    log(f"writing synthetic corpus N={n} ({fmt}) to {d}")
    s = synth.write_corpus(n, d, seed=seed, fmt=fmt, log=log)
    log(f"  {s['words']:,} words, {s['codings']:,} codings, {s['transcript_bytes'] / 2**20:.0f} MB, {s['seconds']} s")
    if n <= 130:
        synth.check_corpus(d, 3)
    return d


SNAPSHOT_PATHS = ("altena_qca", "benchmarks", "pyproject.toml")


def snapshot(kind: str, work: Path, overlay: list[str], log) -> tuple[Path, str]:
    """A frozen copy of the code to measure, so edits made during a long run do not mix in.

    ``head``: the committed tree (``git archive HEAD``) plus the ``overlay``
    files as they are in the working tree; ``worktree``: the working tree as
    it is now; ``none``: measure the working tree live.
    """
    if kind == "none":
        return ROOT, "working tree (live)"
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True).stdout.strip()
    dest = work / f"code-{kind}-{head}-{time.strftime('%Y%m%d-%H%M%S')}"
    dest.mkdir(parents=True)
    if kind == "head":
        archive = subprocess.run(["git", "archive", "HEAD", *SNAPSHOT_PATHS], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
        for rel in overlay:
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, target)
        label = f"commit {head}" + (f" + working-tree {', '.join(overlay)}" if overlay else "")
    else:
        for rel in SNAPSHOT_PATHS:
            src = ROOT / rel
            (shutil.copytree(src, dest / rel, ignore=shutil.ignore_patterns("__pycache__", ".bench"))
             if src.is_dir() else shutil.copy2(src, dest / rel))
        label = f"working tree at {time.strftime('%Y-%m-%d %H:%M')} (HEAD {head})"
    # the benchmark scripts themselves always come from here
    for f in ("run.py", "synth.py"):
        shutil.copy2(BENCH / f, dest / "benchmarks" / f)
    log(f"measuring a snapshot of the code: {label} in {dest}")
    return dest, label


def run_all(args) -> dict:
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    code, code_label = snapshot(args.snapshot, work, args.overlay, log)
    env = dict(os.environ, PYTHONHASHSEED="0",
               PYTHONPATH=os.pathsep.join([str(code)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
    env["ALTENA_BENCH_CODE"] = str(code)
    smoke = subprocess.run([sys.executable, "-c", "import altena_qca.pipeline, altena_qca.coding, altena_qca.network, "
                            "altena_qca.privacy, altena_qca.engine, altena_qca.report.results"],
                           env=env, cwd=tempfile.gettempdir(), capture_output=True, text=True)
    if smoke.returncode:
        raise SystemExit(f"the code to measure does not import:\n{smoke.stderr[-2000:]}")
    sizes = sorted(args.sizes)
    report = {"machine": machine(), "code": code_label,
              "command": " ".join(["python", "benchmarks/run.py"] + sys.argv[1:]),
              "sizes": sizes, "seed": args.seed, "stages": {}, "corpora": {}}
    stages = [s for s in STAGES if s in args.stages]
    dirs = []
    for n in sizes:
        d = ensure_corpus(n, work, args.seed, log)
        dirs.append(d)
        report["corpora"][n] = json.loads((d / "SYNTH.json").read_text())
    largest = sizes[-1]
    for n, d in zip(sizes, dirs):
        for stage in stages:
            hist = report["stages"].setdefault(stage, {})
            done = [(m, r["cpu"], r["wall"]) for m, r in sorted(hist.items()) if "cpu" in r and not r.get("extrapolated")]
            if stage != "ingest" and "error" in report["stages"]["ingest"].get(n, {}):
                hist[n] = {"error": "no ingest"}
                continue
            if done and stage != "ingest":
                k = max(1.0, fit_exponent([m for m, _, _ in done], [c for _, c, _ in done]) or 1.0)
                predicted = done[-1][2] * (n / done[-1][0]) ** k
                if predicted > args.budget:
                    hist[n] = {"extrapolated": True, "cpu": done[-1][1] * (n / done[-1][0]) ** k,
                               "wall": predicted, "exponent_used": k}
                    log(f"N={n:>6} {stage:<17} skipped: predicted {predicted:,.0f} s > budget {args.budget:,.0f} s")
                    continue
            mem = [(m, r["peak_mb"]) for m, r in sorted(hist.items()) if "peak_mb" in r]
            if len(mem) >= 2:  # linear in N beyond the largest size measured
                (m0, p0), (m1, p1) = mem[-2], mem[-1]
                want = p1 + (p1 - p0) / (m1 - m0) * (n - m1)
                if want > args.memory_share * available_mb():
                    hist[n] = {"extrapolated": True, "skipped_for_memory_mb": want,
                               **({"cpu": done[-1][1] * n / done[-1][0], "wall": done[-1][2] * n / done[-1][0]}
                                  if done else {})}
                    log(f"N={n:>6} {stage:<17} skipped: predicted peak {want:,.0f} MB > "
                        f"{args.memory_share:.0%} of the {available_mb():,.0f} MB available")
                    continue
            log(f"N={n:>6} {stage:<17} ...")
            tries = []
            for _ in range(args.repeat if n <= 130 else 1):  # small sizes: best of k (a shared machine is noisy)
                load0 = os.getloadavg()[0]
                r = _child(["stage", stage, str(d), "largest" if n == largest and n > 1300 else "-"], env,
                           timeout=args.budget * 3)
                r["load_avg"] = [load0, os.getloadavg()[0]]
                tries.append(r)
            ok = [t for t in tries if "cpu" in t]
            r = min(ok, key=lambda t: t["cpu"]) if ok else tries[-1]
            if len(tries) > 1:
                r["tries_cpu"] = [t.get("cpu") for t in tries]
            hist[n] = r
            if "error" in r:
                log(f"   FAILED: {r['error'][-400:]}")
            else:
                log(f"   {r['wall']:,.1f} s wall, {r['cpu']:,.1f} s CPU, peak {r['peak_mb']:,.0f} MB")
            json_out(report, args)
    for stage, hist in report["stages"].items():
        pts = [(n, r["cpu"]) for n, r in sorted(hist.items()) if "cpu" in r and not r.get("extrapolated")]
        report.setdefault("exponents", {})[stage] = {
            "fit": fit_exponent([n for n, _ in pts], [c for _, c in pts]),
            "last_step": fit_exponent([n for n, _ in pts[-2:]], [c for _, c in pts[-2:]]) if len(pts) >= 2 else None,
            "points": len(pts)}
    if not args.skip_ratios:
        log("ratio: auto-coder vs bare tokenizer ...")
        report["autocoder_ratio"] = _child(["autocoder", str(dirs[min(1, len(dirs) - 1)]),
                                            str(40_000 if args.quick else 200_000)], env, None)
        log("ratio: sparse vs pairwise co-occurrence ...")
        report["cooccurrence_ratio"] = _child(["cooc", ",".join(map(str, args.cooc_sizes)),
                                               ",".join(map(str, dirs)), str(args.seed), str(args.pairwise_budget)],
                                              env, None)
        json_out(report, args)
    if args.engine_compare:
        n = args.engine_compare
        log(f"engines: local against a {os.cpu_count()}-worker local Dask cluster, N={n} ...")
        report["engine_compare"] = _child(["engine", str(ensure_corpus(n, work, args.seed, log)),
                                           str(os.cpu_count() or 2)], env, None)
        json_out(report, args)
    if not args.skip_run:
        log("altena-qca run on the bundled corpus, cold ...")
        report["cold_run"] = cold_run(1 if args.quick else 3, env)
        report["cold_breakdown"] = _child(["breakdown"], env, None)
        log("import time ...")
        report["import"] = import_time(env)
    json_out(report, args)
    return report


def json_out(report: dict, args) -> None:
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n")


# =========================================================================== Markdown

def _f(x, digits=1):
    if x is None:
        return "–"
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return "–"
    return f"{x:,.{digits}f}"


def markdown(report: dict) -> str:
    m = report["machine"]
    load = ("per run, below" if report.get("parts") else
            ", ".join(f"{x:.1f}" for x in m["load_avg_at_start"]))
    out = [f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}, "
           f"{m['platform']}; load average at start {load}; "
           f"code measured: {report.get('code') or m.get('git') or '?'}.",
           f"Command: `{report['command']}`", ""]
    if report.get("parts"):
        out[-2:] = ["Merged from these runs (`--merge`):", ""]
        for part in report["parts"]:
            what = ", ".join(f"{k} at N={','.join(map(str, v))}" for k, v in part["stages"].items())
            extra = ", ".join(part["ratios"])
            load = part.get("load_avg_at_start")
            load = f" (load average at start {load[0]:.1f})" if load else ""
            out.append(f"- `{part['command']}` — {part['code']}{load}: {what or '–'}{'; ' + extra if extra else ''}")
        out.append("")
    sizes = report["sizes"]
    out += ["| N | words | codings | transcript MB |", "|---:|---:|---:|---:|"]
    for n in sizes:
        c = report["corpora"][n] if n in report["corpora"] else report["corpora"][str(n)]
        out.append(f"| {n:,} | {c['words']:,} | {c['codings']:,} | {c['transcript_bytes'] / 2**20:,.0f} |")
    out += ["", "CPU seconds of each stage (wall seconds in brackets); *italic* = extrapolated, not run.", "",
            "| stage | " + " | ".join(f"N={n:,}" for n in sizes) + " | exponent (fit) | last step |",
            "|---|" + "---:|" * len(sizes) + "---:|---:|"]
    for stage, hist in report["stages"].items():
        cells = []
        for n in sizes:
            r = hist.get(n) or hist.get(str(n)) or {}
            if "error" in r:
                cells.append("failed")
            elif r.get("extrapolated"):
                cells.append(f"*{_f(r['cpu'], 0)}*")
            elif "cpu" in r:
                cells.append(f"{_f(r['cpu'], 2 if r['cpu'] < 10 else 1)} ({_f(r['wall'], 1)})")
            else:
                cells.append("–")
        e = report.get("exponents", {}).get(stage, {})
        out.append(f"| {LABELS.get(stage, stage)} | " + " | ".join(cells) + f" | {_f(e.get('fit'), 2)} | "
                   f"{_f(e.get('last_step'), 2)} |")
    out += ["", "Peak resident memory of the stage's process, MB (inputs included).", "",
            "| stage | " + " | ".join(f"N={n:,}" for n in sizes) + " |", "|---|" + "---:|" * len(sizes)]
    for stage, hist in report["stages"].items():
        cells = []
        for n in sizes:
            r = hist.get(n) or hist.get(str(n)) or {}
            cells.append(_f(r.get("peak_mb"), 0) if "peak_mb" in r else "–")
        out.append(f"| {LABELS.get(stage, stage)} | " + " | ".join(cells) + " |")
    ps = report["stages"].get("pseudonymise", {})
    rr = [(n, r) for n, r in sorted(ps.items(), key=lambda x: int(x[0])) if "rerun_cached" in r]
    if rr:
        out += ["", "Pseudonymisation, deduce's speed (first pass, empty annotation cache) and a re-run on "
                    "unchanged transcripts (annotations read from the cache; same text: checked).", "",
                "| N | deduce words/s | first pass CPU s | re-run CPU s | same text |", "|---:|---:|---:|---:|---|"]
        out += [f"| {int(n):,} | {_f(r['words_per_s'], 0)} | {_f(r['transform']['cpu'])} | "
                f"{_f(r['rerun_cached']['cpu'])} | {'yes' if r['rerun_cached']['same_text'] else 'NO'} |"
                for n, r in rr]
    a = report.get("autocoder_ratio")
    if a and "rows" in a:
        out += ["", f"Auto-coder against the bare spaCy tokenizer, same {a['passages']:,} passages "
                    f"({a['words']:,} words), best of 3 interleaved (CPU time).", "",
                "| what | words/s | × tokenizer |", "|---|---:|---:|"]
        out += [f"| {r['what']} | {_f(r['words_per_s'], 0)} | {_f(r['vs_tokenizer'], 2)} |" for r in a["rows"]]
    c = report.get("cooccurrence_ratio")
    if c and "rows" in c:
        out += ["", "Co-occurrence: sparse (`XᵀX`) against the pairwise loop, wall seconds; *italic* = "
                    "extrapolated (linear in codings at this density).", "",
                "| codings | documents | level | sparse s | pairwise s | ratio | same table |",
                "|---:|---:|---|---:|---:|---:|---|"]
        for r in c["rows"]:
            pw = f"*{_f(r['pairwise_s'], 1)}*" if r.get("pairwise_extrapolated") else _f(r["pairwise_s"], 2)
            out.append(f"| {r['codings']:,} | {r['documents']:,} | {r['level']} | {_f(r['sparse_s'], 3)} | {pw} | "
                       f"{_f(r['ratio'], 0)}× | {'yes' if r.get('equal') else ('–' if 'equal' not in r else 'NO')} |")
    cr = report.get("cold_run")
    if cr:
        r0 = cr["runs"][0] if cr["runs"] else {}
        out += ["", f"`altena-qca run` on the bundled corpus, cold: best {_f(cr['best_wall'])} s, median "
                    f"{_f(cr['median_wall'])} s wall of {len(cr['runs'])}; CPU {_f(r0.get('cpu'))} s, peak "
                    f"{_f(r0.get('peak_mb'), 0)} MB; Word report: {'yes' if cr['word_report'] else 'no'}, "
                    f"figures (PNG): {cr['figures']}."]
        fr = cr.get("first_run")
        if fr:
            out += ["", f"The same with an empty annotation cache (first run on these transcripts: deduce is "
                        f"loaded and run): {_f(fr['wall'])} s wall, CPU {_f(fr['cpu'])} s, peak "
                        f"{_f(fr['peak_mb'], 0)} MB{'' if fr['rc'] == 0 else ' — FAILED'}."]
    bd = report.get("cold_breakdown")
    if bd and "steps" in bd:
        out += ["", "Where the cold run's time goes (one fresh process, steps in order):", "",
                "| step | CPU s | wall s |", "|---|---:|---:|"]
        out += [f"| {x['step']} | {_f(x['cpu'], 2)} | {_f(x['wall'], 2)} |" for x in bd["steps"]]
        out.append(f"| total | {_f(bd['total_cpu'], 2)} | {_f(bd['total_wall'], 2)} |")
    ec = report.get("engine_compare")
    if ec and "local_load" in ec:
        out += ["", f"Engines on N={ec['documents'] - 0:,} documents (wall seconds): local against a local Dask "
                    f"cluster of {ec['workers']} worker processes (cluster start {_f(ec['cluster_start']['wall'])} s, "
                    f"not included); each engine starts with an empty deduce annotation cache.", "",
                "| step | local | dask | speed-up |", "|---|---:|---:|---:|",
                f"| ingest + pseudonymise + codings | {_f(ec['local_load']['wall'])} | {_f(ec['dask_load']['wall'])} | "
                f"{_f(ec['local_load']['wall'] / ec['dask_load']['wall'], 2)}× |",
                f"| auto-code | {_f(ec['local_autocode']['wall'])} | {_f(ec['dask_autocode']['wall'])} | "
                f"{_f(ec['local_autocode']['wall'] / ec['dask_autocode']['wall'], 2)}× |",
                "", f"Same codings: {ec['same_codings']}; same texts: {ec['same_texts']}; same auto-codings: "
                    f"{ec['same_autocodings']}."]
    imp = report.get("import")
    if imp:
        out += [f"`import altena_qca.cli`: {_f(imp['import_s'], 3)} s; heavy libraries loaded: "
                f"{', '.join(imp['heavy_loaded']) or 'none'}; `altena-qca --help`: {_f(imp['help_wall_best'], 2)} s "
                f"(best of 5)."]
    return "\n".join(out) + "\n"


def merge_reports(reports: list[dict]) -> dict:
    """Several runs' results as one report: later runs fill in the stage results, corpora
    and ratios earlier ones lack (a measured result also replaces an extrapolated
    or failed one); exponents are fitted again over all points.

    For a long benchmark split into parts (a stage re-measured after a change,
    the largest size of a slow stage run on its own); every part keeps its
    command and code under ``parts``.
    """
    out = json.loads(json.dumps(reports[0]))
    out["parts"] = []
    for r in reports:
        out["parts"].append({"command": r.get("command"), "code": r.get("code"),
                             "load_avg_at_start": (r.get("machine") or {}).get("load_avg_at_start"),
                             "stages": {k: sorted(map(int, v)) for k, v in r.get("stages", {}).items()},
                             "ratios": [k for k in ("autocoder_ratio", "cooccurrence_ratio", "engine_compare",
                                                    "cold_run", "cold_breakdown", "import") if k in r]})
    for r in reports[1:]:
        for stage, hist in r.get("stages", {}).items():
            for n, res in hist.items():
                have = out["stages"].setdefault(stage, {}).get(str(n))
                if "error" not in res and not res.get("extrapolated") and (
                        have is None or "error" in have or have.get("extrapolated")):
                    out["stages"][stage][str(n)] = res
        for n, c in r.get("corpora", {}).items():
            out["corpora"].setdefault(str(n), c)
        for key in ("autocoder_ratio", "cooccurrence_ratio", "engine_compare", "cold_run", "cold_breakdown",
                    "import"):
            if key in r and key not in out:
                out[key] = r[key]
    out["stages"] = {st: {str(n): out["stages"][st][str(n)] for n in sorted(map(int, out["stages"][st]))}
                     for st in [x for x in STAGES if x in out["stages"]]}
    out["sizes"] = sorted({int(n) for h in out["stages"].values() for n in h})
    out["corpora"] = {str(n): out["corpora"][str(n)] for n in out["sizes"] if str(n) in out["corpora"]}
    out["exponents"] = {}
    for stage, hist in out["stages"].items():
        pts = [(int(n), r["cpu"]) for n, r in hist.items() if "cpu" in r and not r.get("extrapolated")]
        out["exponents"][stage] = {
            "fit": fit_exponent([n for n, _ in pts], [c for _, c in pts]),
            "last_step": fit_exponent([n for n, _ in pts[-2:]], [c for _, c in pts[-2:]]) if len(pts) >= 2 else None,
            "points": len(pts)}
    out["command"] = " + ".join(p["command"] or "?" for p in out["parts"])
    out["code"] = "; ".join(sorted({p["code"] or "?" for p in out["parts"]}))
    return out


# =========================================================================== entry points

def child_main(argv: list[str]) -> int:
    _quiet()
    result_path = Path(argv[argv.index("--_result") + 1])
    argv = argv[:argv.index("--_result")]
    kind = argv[0]
    if kind == "stage":
        stage, corpus_dir, largest = argv[1], Path(argv[2]), argv[3] == "largest"
        res = CHILD_STAGES[stage](corpus_dir, largest)
    elif kind == "engine":
        res = engine_compare(Path(argv[1]), int(argv[2]))
    elif kind == "breakdown":
        res = run_breakdown()
    elif kind == "autocoder":
        res = ratio_autocoder(Path(argv[1]), int(argv[2]))
    elif kind == "cooc":
        res = ratio_cooccurrence([int(x) for x in argv[1].split(",")], [Path(p) for p in argv[2].split(",")],
                                 int(argv[3]), float(argv[4]))
    else:
        raise SystemExit(f"unknown child task {kind}")
    result_path.write_text(json.dumps(res, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # These measurements read every document (as before the study cache existed);
    # benchmarks/bench_commands.py measures the cache, cold and warm.
    os.environ.setdefault("ALTENA_QCA_STUDY_CACHE", "off")
    if argv and argv[0] == "--_child":
        return child_main(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=None, help="comma-separated N (default 13,130,1300,13000)")
    ap.add_argument("--quick", action="store_true", help="N=13,130, co-occurrence up to 10^5, one cold run")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of " + ",".join(STAGES))
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--work", default=os.environ.get("ALTENA_BENCH_DIR", str(Path(tempfile.gettempdir())
                                                                              / "altena-bench")),
                    help="where synthetic corpora are written and kept between runs")
    ap.add_argument("--budget", type=float, default=3600.0,
                    help="skip (and extrapolate) a stage predicted to take longer than this many seconds")
    ap.add_argument("--repeat", type=int, default=3, help="runs per stage for N <= 130 (the best counts)")
    ap.add_argument("--memory-share", type=float, default=0.6,
                    help="skip a stage whose predicted peak exceeds this share of the available memory")
    ap.add_argument("--pairwise-budget", type=float, default=600.0)
    ap.add_argument("--cooc-sizes", default=None, help="codings for the co-occurrence ratio (default 1e4,1e5,1e6)")
    ap.add_argument("--snapshot", choices=("head", "worktree", "none"), default="worktree",
                    help="measure a frozen copy of the code: the last commit, the working tree now (default), "
                         "or the live working tree")
    ap.add_argument("--overlay", default="", help="with --snapshot head: comma-separated files taken from the "
                                                  "working tree")
    ap.add_argument("--skip-ratios", action="store_true")
    ap.add_argument("--engine-compare", type=int, default=130, metavar="N",
                    help="time the local engine against a local Dask cluster on the N corpus (0: skip)")
    ap.add_argument("--skip-run", action="store_true", help="skip the cold run and import timing")
    ap.add_argument("--json", default=None, help="write the results here (default WORK/results.json)")
    ap.add_argument("--markdown", default=None, help="also write the tables here")
    ap.add_argument("--merge", nargs="+", metavar="JSON", default=None,
                    help="print the Markdown of several runs' JSON results merged (later files fill in what "
                         "earlier ones lack or only extrapolated); runs nothing")
    args = ap.parse_args(argv)
    if args.merge:
        merged = merge_reports([json.loads(Path(f).read_text()) for f in args.merge])
        if args.json:
            Path(args.json).write_text(json.dumps(merged, indent=1, default=str) + "\n")
        md = markdown(merged)
        print(md)
        if args.markdown:
            Path(args.markdown).write_text(md)
        return 0
    args.sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else list(QUICK_SIZES if args.quick else SIZES)
    args.cooc_sizes = ([int(float(x)) for x in args.cooc_sizes.split(",")] if args.cooc_sizes
                       else list(QUICK_COOC_SIZES if args.quick else COOC_SIZES))
    args.stages = set(args.stages.split(","))
    args.overlay = [x for x in args.overlay.split(",") if x]
    args.json = args.json or str(Path(args.work) / "results.json")
    report = run_all(args)
    md = markdown(report)
    print(md)
    if args.markdown:
        Path(args.markdown).write_text(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
