#!/usr/bin/env python3
"""Whole-process benchmarks of altena-qca commands, with and without the study cache, side by side.

Each measurement is one fresh ``altena-qca`` process, timed from start to
exit: wall seconds, CPU seconds (user + system, the process and the pool
workers it waited for) and peak resident memory (``os.wait4``). Three
variants of every (command, N) are run *interleaved*, repeat after repeat, so
that a busy machine slows them alike and their ratios stay fair:

* ``no cache`` — the study cache switched off (``ALTENA_QCA_STUDY_CACHE=off``):
  every transcript read, segmented and pseudonymised, codings checked, as
  before the cache existed;
* ``cold`` — an empty study cache (the run fills it);
* ``warm`` — the study cache filled by an earlier run on the same study;
* ``cold serial`` and ``warm serial`` — the same with
  ``ALTENA_QCA_PROCESSES=1``: no pool of processes for new documents and no
  background auto-coding stage in ``run`` (serial against parallel, side by
  side; ask for them with ``--variants``).

deduce's annotation cache is warm in all three (a first, untimed run fills
it), so no variant runs deduce; the *first run on new text* is measured
apart: ``altena-qca run`` on a copy of the bundled study with a warm study
cache after three transcripts were changed (a new sentence, different in
every repeat, so deduce must be loaded and run on them).

Usage::

    python benchmarks/bench_commands.py --sizes 13,130,1300 --commands groups,cooccurrence,run \\
        --repeat 3 --work /tmp/altena-bench --json results.json --markdown results.md

Corpora are ``benchmarks/synth.py``'s (seed 9, mixed ``.docx``/``.txt``),
written once to ``--work``. Never part of the test suite; timings are what
this machine gave at that moment (see the load average in the output).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import run as R  # noqa: E402  (benchmarks/run.py: machine(), _run_rusage, cli_command, ensure_corpus)

VARIANTS = ("no cache", "cold", "warm", "cold serial", "warm serial")
DEFAULT_VARIANTS = ("no cache", "cold", "warm")
SERIAL = {"ALTENA_QCA_PROCESSES": "1"}
COMMANDS = ("groups", "cooccurrence", "run")


def _args(command: str, data: Path | None, out: Path) -> list[str]:
    data_args = ["--data", str(data)] if data is not None else []
    if command == "run":
        return ["run", *data_args, "--out", str(out / "out")]
    return [command, *data_args, "--out", str(out / f"{command}.csv")]


def _once(command: str, data: Path | None, env: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-cmd-") as tmp:
        r = R._run_rusage(R.cli_command() + _args(command, data, Path(tmp)), env, Path(tmp))
    if r["rc"] != 0:
        raise RuntimeError(f"{command} on {data} failed ({r['rc']}): {r['stderr_tail']}")
    r.pop("stderr_tail", None)
    return r


def _summary(runs: list[dict]) -> dict:
    loads = [r["load_avg"] for r in runs if "load_avg" in r]
    return {"runs": runs, "median_wall": statistics.median(r["wall"] for r in runs),
            "median_cpu": statistics.median(r["cpu"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs), "n": len(runs),
            "load_avg": [min(loads), max(loads)] if loads else None}


def bench_command(command: str, data: Path | None, repeat: int, base_env: dict, log,
                  variants=DEFAULT_VARIANTS, warm_dir: Path | None = None, fill_is_cold: bool = False) -> dict:
    """The variants of one command on one study, interleaved ``repeat`` times.

    ``warm_dir``: a study cache folder to use (and fill) for ``warm``; default a new one.
    ``fill_is_cold``: the run that fills the warm cache starts from an empty one
    (``warm_dir`` is emptied first) and is reported as the first ``cold`` run
    (one cold run fewer: for ``run`` at N = 1,300, most of an hour).
    """
    caches = Path(tempfile.mkdtemp(prefix="bench-study-cache-"))
    try:
        warm_dir = warm_dir or caches / "warm"
        runs: dict[str, list[dict]] = {v: [] for v in variants}
        fill_is_cold = fill_is_cold and "cold" in variants
        if fill_is_cold:
            shutil.rmtree(warm_dir, ignore_errors=True)
            warm_dir.mkdir(parents=True)
        first = _once(command, data, dict(base_env, ALTENA_QCA_STUDY_CACHE=str(warm_dir)))  # fills it (+ annotations)
        if fill_is_cold:
            first["load_avg"] = os.getloadavg()[0]
            runs["cold"].append(first)
            log(f"  {command} cold     #1: {first['wall']:.2f} s wall, {first['cpu']:.2f} s CPU, "
                f"{first['peak_mb']:.0f} MB (load {first['load_avg']:.1f}; it filled the warm cache)")
        for i in range(repeat):
            for variant in variants:
                if variant == "cold" and len(runs["cold"]) > i:
                    continue
                if variant == "no cache":
                    env = dict(base_env, ALTENA_QCA_STUDY_CACHE="off")
                elif variant.startswith("cold"):
                    env = dict(base_env, ALTENA_QCA_STUDY_CACHE=str(caches / f"{variant}-{i}"))
                else:
                    env = dict(base_env, ALTENA_QCA_STUDY_CACHE=str(warm_dir))
                if variant.endswith("serial"):
                    env.update(SERIAL)
                r = _once(command, data, env)
                r["load_avg"] = os.getloadavg()[0]
                runs[variant].append(r)
                log(f"  {command} {variant:8s} #{i + 1}: {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, "
                    f"{r['peak_mb']:.0f} MB (load {r['load_avg']:.1f})")
        out = {v: _summary(rs) for v, rs in runs.items()}
        if "no cache" in out and "warm" in out:
            out["ratio_wall_nocache_over_warm"] = out["no cache"]["median_wall"] / out["warm"]["median_wall"]
            out["ratio_cpu_nocache_over_warm"] = out["no cache"]["median_cpu"] / out["warm"]["median_cpu"]
        return out
    finally:
        shutil.rmtree(caches, ignore_errors=True)


def _append_turn(path: Path, sentence: str) -> None:
    """A new respondent turn at the end of a transcript (.docx or .txt)."""
    if path.suffix.lower() == ".docx":
        import docx
        d = docx.Document(str(path))
        d.add_paragraph(f"R: {sentence}")
        d.save(str(path))
    else:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\nR: {sentence}\n")


def bench_new_text(repeat: int, changed: int, base_env: dict, work: Path, bundled: Path, log,
                   serial: bool = False) -> dict:
    """``altena-qca run`` on the bundled study after ``changed`` transcripts got a new sentence; warm study cache.

    With ``serial``, each repeat is measured twice, interleaved: as is and
    with ``ALTENA_QCA_PROCESSES=1`` (each on its own copy, warmed alike).
    """
    kinds = ["as is"] + (["1 process"] if serial else [])
    runs: dict[str, list[dict]] = {k: [] for k in kinds}
    for i in range(repeat):
        for kind in kinds:
            study = work / "bundled-copy"
            if study.exists():
                shutil.rmtree(study)
            shutil.copytree(bundled, study)
            for p in study.rglob("*"):
                p.chmod(p.stat().st_mode | 0o200)
            cache = Path(tempfile.mkdtemp(prefix="bench-study-cache-"))
            env = dict(base_env, ALTENA_QCA_STUDY_CACHE=str(cache), **(SERIAL if kind == "1 process" else {}))
            try:
                _once("run", study, env)  # warm study cache for this copy
                stamp = f"{time.time_ns()}"
                for k, path in enumerate(sorted((study / "transcripts").iterdir())[:changed]):
                    _append_turn(path, f"Op dag {stamp[-6:]}-{k} belde Mevrouw Hendrika van Wijngaarden uit "
                                       f"Giessenburg over het dossier {stamp[-4:]}{k}.")
                r = _once("run", study, env)
                r["load_avg"] = os.getloadavg()[0]
                runs[kind].append(r)
                log(f"  run after {changed} transcripts changed ({kind}) #{i + 1}: {r['wall']:.2f} s wall, "
                    f"{r['cpu']:.2f} s CPU, {r['peak_mb']:.0f} MB (load {r['load_avg']:.1f})")
            finally:
                shutil.rmtree(cache, ignore_errors=True)
    out = _summary(runs["as is"])
    if serial:
        out["serial"] = _summary(runs["1 process"])
    return out



def _write_report(report: dict, args) -> int:
    """Print the markdown tables and write them (and the JSON) where the arguments say."""
    text = markdown(report)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1, default=str), encoding="utf-8")
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    return 0

def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}, "
             f"{m['platform']}; code: {report['code']}; load average at start {m['load_avg_at_start'][0]:.1f}. "
             f"Command: `{report['command']}`.", ""]
    used = [k for k in VARIANTS if any(k in row["result"] for row in report["commands"])]
    lines += ["| command | N | codings | " + " | ".join(f"{k}: CPU s (wall s)" for k in used)
              + " | peak MB " + " / ".join(used) + " | no cache ÷ warm, CPU (wall) | load avg |",
              "|---|---:|---:|" + "---:|" * len(used) + "---:|---:|---|"]
    for row in report["commands"]:
        v = row["result"]
        cells = [f"{v[k]['median_cpu']:.2f} ({v[k]['median_wall']:.2f})" if k in v else "–" for k in used]
        peaks = " / ".join(f"{v[k]['peak_mb']:.0f}" if k in v else "–" for k in used)
        ratio = (f"{v['ratio_cpu_nocache_over_warm']:.1f}× ({v['ratio_wall_nocache_over_warm']:.1f}×)"
                 if "ratio_wall_nocache_over_warm" in v else "–")
        loads = [x for k in used if k in v and v[k].get("load_avg") for x in v[k]["load_avg"]]
        load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "–"
        lines.append(f"| `{row['command']}` | {row['label']} | {row['codings']:,} | {' | '.join(cells)} | {peaks} | "
                     f"{ratio} | {load} |")
    nt = report.get("new_text")
    if nt:
        def one(x: dict, what: str) -> str:
            load = f", load {x['load_avg'][0]:.1f}–{x['load_avg'][1]:.1f}" if x.get("load_avg") else ""
            return (f"{what}: median {x['median_cpu']:.2f} s CPU, {x['median_wall']:.2f} s wall, peak "
                    f"{x['peak_mb']:.0f} MB ({x['n']} runs: " + ", ".join(f"{r['cpu']:.1f}" for r in x["runs"])
                    + f" s CPU{load})")
        text = one(nt, "as is")
        if "serial" in nt:
            text += "; " + one(nt["serial"], "one process (ALTENA_QCA_PROCESSES=1)")
        lines += ["", f"First run on new text: `altena-qca run` on the bundled study after {report['changed']} "
                      f"transcripts changed (warm study cache; deduce loaded and run on those three): {text}."]
    return "\n".join(lines) + "\n"


def headline(args, env: dict, work: Path, bundled: Path, report: dict, log) -> int:
    """The rows the targets of issue 19 are judged on (``--headline``)."""
    report["command"] += "  (headline rows)"
    with open(bundled / "codings.csv", encoding="utf-8") as fh:
        bundled_codings = sum(1 for _ in fh) - 1
    log("run on the bundled study")
    report["commands"].append({"command": "run", "label": "13 (bundled)", "codings": bundled_codings,
                               "result": bench_command("run", None, 2, env, log,
                                                       variants=("cold", "warm", "cold serial"))})
    d = R.ensure_corpus(1300, work, args.seed, log)
    warm = work / "warm-caches" / "n1300-synth"
    if not warm.exists():
        log(f"no warm cache at {warm} yet: filling it (reads and pseudonymises 1,300 transcripts: long)")
    warm.mkdir(parents=True, exist_ok=True)
    log("cooccurrence on N=1,300, warm")
    report["commands"].append({"command": "cooccurrence", "label": "1,300",
                               "codings": json.loads((d / "SYNTH.json").read_text())["codings"],
                               "result": bench_command("cooccurrence", d, 3, env, log, variants=("warm",),
                                                       warm_dir=warm)})
    log("first run on new text")
    report["new_text"] = bench_new_text(2, args.changed, env, work, bundled, log)
    return _write_report(report, args)


def _code_at(rev: str, work: Path) -> Path:
    """A frozen copy of the package at git revision ``rev`` (``git archive``), reused when present."""
    import subprocess

    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=R.ROOT, capture_output=True, text=True,
                         check=True).stdout.strip()
    dest = work / f"code-{sha}"
    if not (dest / "altena_qca").is_dir():
        dest.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "altena_qca"], cwd=R.ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def versions(args, env: dict, work: Path, studies: list, report: dict, log) -> int:
    """``--versions A,B``: the warm commands on two revisions of the code, interleaved (A/B order alternating).

    Each revision has its own study cache (filled first, untimed): the cache
    keys hold a fingerprint of the code, so two versions would evict each other.
    """
    revs = [r.strip() for r in args.versions.split(",")]
    if len(revs) != 2:
        raise SystemExit("--versions takes two git revisions: A,B")
    code = {rev: _code_at(rev, work) for rev in revs}
    caches = Path(tempfile.mkdtemp(prefix="bench-versions-"))
    commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    rows: dict[tuple[str, str], dict[str, list[dict]]] = {}

    def once(rev: str, command: str, data: Path | None) -> dict:
        e = dict(env, PYTHONPATH=str(code[rev]), ALTENA_QCA_STUDY_CACHE=str(caches / f"{revs.index(rev)}"))
        return _once(command, data, e)

    try:
        for _, data, _, _ in studies:
            for rev in revs:
                once(rev, commands[0], data)
        for i in range(args.repeat):
            for label, data, codings, _ in studies:
                for command in commands:
                    for rev in revs if i % 2 == 0 else revs[::-1]:
                        r = once(rev, command, data)
                        r["load_avg"] = os.getloadavg()[0]
                        rows.setdefault((command, label), {}).setdefault(rev, []).append(r)
                        log(f"  {command} N={label} {rev} #{i + 1}: {r['wall']:.2f} s wall, {r['cpu']:.2f} s CPU, "
                            f"{r['peak_mb']:.0f} MB (load {r['load_avg']:.1f})")
    finally:
        shutil.rmtree(caches, ignore_errors=True)
    a, b = revs
    lines = [f"Warm study cache, {args.repeat} interleaved repeats, medians; `{report['command']}`.", "",
             f"| command | N | {a}: CPU s (wall s) | {b}: CPU s (wall s) | CPU {a} − {b} | peak MB {a} / {b} "
             "| load avg |", "|---|---|---:|---:|---:|---:|---|"]
    for (command, label), by in rows.items():
        sa, sb = _summary(by[a]), _summary(by[b])
        loads = sa["load_avg"] + sb["load_avg"]
        lines.append(f"| `{command}` | {label} | {sa['median_cpu']:.2f} ({sa['median_wall']:.2f}) | "
                     f"{sb['median_cpu']:.2f} ({sb['median_wall']:.2f}) | {sa['median_cpu'] - sb['median_cpu']:.2f} | "
                     f"{sa['peak_mb']:.0f} / {sb['peak_mb']:.0f} | {min(loads):.1f}–{max(loads):.1f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text, encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps({f"{c} {n}": v for (c, n), v in rows.items()}, indent=1,
                                              default=str), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="13,130,1300")
    ap.add_argument("--commands", default=",".join(COMMANDS))
    ap.add_argument("--bundled", action=argparse.BooleanOptionalAction, default=True,
                    help="also the bundled study (N=13 real transcripts)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--repeat-large", type=int, default=1, help="repeats of `run` at N >= 1300")
    ap.add_argument("--new-text", type=int, default=3, metavar="REPEATS", help="0: skip the first-run case")
    ap.add_argument("--changed", type=int, default=3)
    ap.add_argument("--variants", default=",".join(DEFAULT_VARIANTS), help="subset of: " + ", ".join(VARIANTS))
    ap.add_argument("--serial-new-text", action="store_true",
                    help="first run on new text also with ALTENA_QCA_PROCESSES=1, interleaved")
    ap.add_argument("--warm-only", default="", metavar="COMMANDS",
                    help="commands measured warm only (sharing the study cache the others filled)")
    ap.add_argument("--fill-is-cold", action="store_true",
                    help="time the run that fills the warm cache (from empty) as the first cold run")
    ap.add_argument("--keep-warm", action="store_true",
                    help="keep each study's warm study cache under WORK/warm-caches (for --headline)")
    ap.add_argument("--headline", action="store_true",
                    help="only the headline rows, in a few minutes on a quiet machine: bundled `run` cold, warm "
                         "and cold in one process; first run on new text (2); `cooccurrence` warm at N=1,300 "
                         "(its warm cache from an earlier --keep-warm run, else filled first: long)")
    ap.add_argument("--versions", default=None, metavar="A,B",
                    help="warm --commands on two git revisions of the code, interleaved (e.g. main,HEAD)")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--work", default=os.environ.get("ALTENA_BENCH_DIR", str(Path(tempfile.gettempdir())
                                                                           / "altena-bench")))
    ap.add_argument("--snapshot", choices=("head", "worktree", "none"), default="head",
                    help="measure a frozen copy of the last commit (default), of the working tree, or it live")
    ap.add_argument("--json", default=None)
    ap.add_argument("--markdown", default=None)
    args = ap.parse_args(argv)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONHASHSEED="0")
    code, code_label = R.snapshot(args.snapshot, work, [], log)
    if args.snapshot != "none":  # the commands import the frozen copy, not the working tree
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    bundled = code / "altena_qca" / "resources" / "studies" / "altena"
    report = {"machine": R.machine(), "code": code_label, "commands": [], "changed": args.changed,
              "command": "python benchmarks/bench_commands.py " + " ".join(sys.argv[1:] if argv is None else argv)}
    studies: list[tuple[str, Path | None, int, int]] = []
    if args.bundled:
        with open(bundled / "codings.csv", encoding="utf-8") as fh:
            studies.append(("13 (bundled)", None, sum(1 for _ in fh) - 1, 13))
    for n in (int(x) for x in args.sizes.split(",") if x.strip()):
        d = R.ensure_corpus(n, work, args.seed, log)
        studies.append((f"{n:,}", d, json.loads((d / "SYNTH.json").read_text())["codings"], n))
    variants = tuple(v for v in VARIANTS if v in {x.strip() for x in args.variants.split(",")})
    warm_only = {c.strip() for c in args.warm_only.split(",") if c.strip()}
    if args.headline:
        return headline(args, env, work, bundled, report, log)
    if args.versions:
        return versions(args, env, work, studies, report, log)
    for label, data, codings, n in studies:
        if args.keep_warm:  # kept between invocations: a later --headline finds the big study's cache warm
            shared = work / "warm-caches" / f"n{n}-{'bundled' if data is None else 'synth'}"
            shared.mkdir(parents=True, exist_ok=True)
        else:
            shared = Path(tempfile.mkdtemp(prefix="bench-shared-cache-"))
        for command in (c.strip() for c in args.commands.split(",") if c.strip()):
            repeat = args.repeat_large if command == "run" and n >= 1300 else args.repeat
            log(f"{command} on N={label}")
            result = bench_command(command, data, repeat, env, log,
                                   variants=("warm",) if command in warm_only else variants, warm_dir=shared,
                                   fill_is_cold=args.fill_is_cold)
            report["commands"].append({"command": command, "label": label, "codings": codings, "result": result})
        if not args.keep_warm:
            shutil.rmtree(shared, ignore_errors=True)
    if args.new_text:
        log("first run on new text")
        report["new_text"] = bench_new_text(args.new_text, args.changed, env, work, bundled, log,
                                            serial=args.serial_new_text)
    return _write_report(report, args)


if __name__ == "__main__":
    sys.exit(main())
