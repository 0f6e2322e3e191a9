#!/usr/bin/env python3
"""Seeded synthetic corpus generator for the benchmarks: N interviews of 50-60 minutes.

Writes a study folder that ``altena-qca run --data`` and :func:`altena_qca.load_study`
read like the bundled one::

    OUT/respondents.csv           id, function, label, side, interview_date, organisation
    OUT/transcripts/R000001.txt   (or .docx) one per respondent
    OUT/codings.csv               document, start, end, code, coder, origin, confidence
    OUT/SYNTH.json                parameters and totals (words, codings, density)

How a transcript is made
------------------------
* Length: 7,000-9,000 words (uniform), the length of a 50-60 minute interview
  at about 140-160 spoken words a minute (the thesis's interviews took 50-60
  minutes). Every interviewer turn carries a ``[hh:mm:ss]`` timestamp at that
  speaking rate; ingest moves it to the segment metadata.
* Structure: ``I:``/``R:`` turns. The interviewer asks every question of the
  topic list (``altena_qca/resources/codebook/topiclist.yaml``, Bijlage 1) in order, part 1 to 4,
  with an occasional follow-up question; answers are 1-12 sentences.
* Sentences: real ones, recombined. About half of the answer sentences are the
  statements of the reconstructed corpus (``altena_qca/resources/studies/altena/source/statements_*.csv``,
  drawn from the statements of the same interview part), the rest are
  sentences of the seed documents ``shared/seeds/001-004`` (Dutch reports on
  the Wams and data sharing; sentence-split), plus now and then a sentence
  naming a (fictitious) person or village, so pseudonymisation has work to do.
* Codings: each statement sentence keeps its codes (span = the sentence, as
  in ``altena_qca/resources/studies/altena/codings.csv``); then whole answers are coded with codes
  drawn from that part's code distribution until the document has the
  reconstructed density: ``codings per 1000 words`` of ``altena_qca/resources/studies/altena``
  (measured at run time, about 31), so codings overlap as real codings do.
* Respondents: function, label, side and organisation of one of the 13
  respondents of Tabel 3 (so the actor gazetteer knows every organisation),
  interview dates in 2023-2024.

Determinism: document *i* is generated from ``random.Random(f"{seed}:{i}")``
alone, so the same N and seed always give the same bytes (``.docx`` files are
written with fixed metadata and zip timestamps), and the corpus of N is the
first N documents of any larger corpus with the same seed. Nothing is held
but the document being written: transcripts and codings are streamed to disk.

The seed documents live outside the repository (``shared/seeds``, or
``$ALTENA_SHARED/seeds``); without them the answers use statements only and
``SYNTH.json`` says so (``seed_sentences: 0``).

Usage::

    python benchmarks/synth.py 130 /tmp/altena-synth-130 [--seed 9] [--format mixed|txt|docx] [--check 3]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "altena_qca" / "resources" / "studies" / "altena"
TOPICS = ROOT / "altena_qca" / "resources" / "codebook" / "topiclist.yaml"
SHARED = Path(os.environ.get("ALTENA_SHARED", ROOT.parent / "shared"))
SEED_FILES = ("001_*.txt", "002_*.txt", "003_*.txt", "004_*.txt")

#: Words of a 50-60 minute interview.
MIN_WORDS, MAX_WORDS = 7_000, 9_000
#: Share of answer sentences taken from the reconstructed statements (the rest from the seeds).
STATEMENT_SHARE = 0.5
#: Chance that an answer sentence names a fictitious person or place.
NAME_SHARE = 0.03
CODER = "synth"
FORMATS = ("mixed", "txt", "docx")

_WORD_RE = re.compile(r"\w+")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00C0-\u00DE‘'\"(])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BRACKET_META = re.compile(r"\[|\]")

FOLLOW_UPS = (
    "Kunt u daar een voorbeeld van geven?", "Wat bedoelt u daar precies mee?", "Hoe komt dat, denkt u?",
    "En hoe ging dat toen verder?", "Kunt u dat wat verder toelichten?", "Merkt u dat ook in de praktijk?",
    "Is dat bij andere partners anders?", "Wat zou daarvoor nodig zijn?",
)
OPENERS = ("", "", "", "Ja. ", "Nou ja. ", "Ja, goed. ", "Dat is een goede vraag. ", "Hm. ")
FIRST_NAMES = ("Anna", "Bram", "Daan", "Emma", "Fleur", "Jan", "Joost", "Lotte", "Marieke", "Noah", "Pieter",
               "Sanne", "Sophie", "Thijs", "Ingrid", "Kees", "Wim", "Yvonne")
LAST_NAMES = ("de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
              "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Verhoeven")
PLACES = ("Almkerk", "Woudrichem", "Werkendam", "Sleeuwijk", "Giessen", "Andel", "Dussen", "Nieuwendijk",
          "Hank", "Uitwijk")
NAME_TEMPLATES = (
    "Toen heb ik {first} {last} gebeld om te overleggen.",
    "Mevrouw {last} uit {place} had al eerder hulp gevraagd.",
    "Ik had contact met {first} van het wijkteam in {place}.",
    "Meneer {last} woont sinds kort in {place} en kende niemand.",
    "Mijn collega {first} {last} had de zaak eerder opgepakt.",
    "De familie {last} in {place} kreeg van drie kanten hulp.",
)


# --------------------------------------------------------------------------- sources

@dataclass
class Sources:
    """Sentences and code distributions the generator draws from (read once)."""

    statements: dict[int, list[tuple[str, tuple[str, ...]]]]
    seed_sentences: list[str]
    questions: dict[int, list[str]]
    part_codes: dict[int, tuple[list[str], list[int]]]
    profiles: list[dict]
    density: float
    meta: dict = field(default_factory=dict)


def _clean(text: str) -> str:
    """One line of plain text that ingest keeps as it is (no breaks, brackets or double spaces)."""
    text = _CONTROL.sub(" ", text)
    text = _BRACKET_META.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> int:
    """Number of words (``\\w+`` runs), the unit of every density and throughput here."""
    return len(_WORD_RE.findall(text))


def _seed_sentences(folder: Path) -> list[str]:
    out: dict[str, None] = {}
    for pattern in SEED_FILES:
        for path in sorted(folder.glob(pattern)):
            raw = path.read_text(encoding="utf-8", errors="replace")
            for para in re.split(r"\n\s*\n", raw):
                for sent in _SENT_SPLIT.split(_clean(para.replace("\n", " "))):
                    sent = sent.strip()
                    n = words(sent)
                    letters = sum(c.isalpha() for c in sent)
                    if (8 <= n <= 45 and sent[-1:] in ".!?" and sent[:1].isupper() and "|" not in sent
                            and "http" not in sent and "www." not in sent and not re.search(r"\d{5,}", sent)
                            and letters >= 0.75 * len(sent.replace(" ", ""))):
                        out.setdefault(sent, None)
    return list(out)


def _bundled_density(data: Path) -> tuple[float, dict]:
    """Codings per 1000 words of the bundled transcripts (as ingest reads them)."""
    import warnings

    from altena_qca.ingest import read_transcript

    n_words = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted((data / "transcripts").iterdir()):
            if path.suffix.lower() in (".docx", ".txt"):
                n_words += words(read_transcript(path, path.stem).text)
    with (data / "codings.csv").open(encoding="utf-8-sig", newline="") as fh:
        n_codings = sum(1 for _ in csv.DictReader(fh))
    return 1000.0 * n_codings / n_words, {"bundled_words": n_words, "bundled_codings": n_codings}


def load_sources(seeds: Path | None = None, data: Path = DATA) -> Sources:
    """Read statements, seed sentences, topic list, respondents and the target density."""
    import yaml

    statements: dict[int, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for path in sorted((data / "source").glob("statements_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                part = int(row["part"])
                codes = tuple(c.strip() for c in row["codes"].split(";") if c.strip())
                statements[part].append((_clean(row["text"]), codes))
                for c in codes:
                    counts[part][c] = counts[part].get(c, 0) + 1
    part_codes = {p: (sorted(c), [c[k] for k in sorted(c)]) for p, c in counts.items()}
    topics = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))
    questions = {int(p): [_clean(q) for q in qs] for p, qs in topics["parts"].items()}
    with (data / "respondents.csv").open(encoding="utf-8-sig", newline="") as fh:
        profiles = [dict(r) for r in csv.DictReader(fh)]
    seed_dir = Path(seeds) if seeds else SHARED / "seeds"
    seed_sentences = _seed_sentences(seed_dir) if seed_dir.is_dir() else []
    density, meta = _bundled_density(data)
    meta.update({"statements": sum(len(v) for v in statements.values()), "seed_sentences": len(seed_sentences),
                 "seed_dir": str(seed_dir) if seed_sentences else None})
    return Sources(dict(statements), seed_sentences, questions, part_codes, profiles, density, meta)


# --------------------------------------------------------------------------- one document

@dataclass
class Transcript:
    """One generated interview: file paragraphs, ingested text, codings."""

    id: str
    paragraphs: list[str]
    text: str
    codings: list[tuple[int, int, str]]
    words: int


def _respondent(src: Sources, rng: random.Random, doc_id: str) -> dict:
    p = src.profiles[rng.randrange(len(src.profiles))]
    day = rng.randrange(730)
    y, d = (2023, day) if day < 365 else (2024, day - 365)
    month_days = (31, 28 + (y == 2024), 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    m = 0
    while d >= month_days[m]:
        d -= month_days[m]
        m += 1
    return {"id": doc_id, "function": p["function"], "label": p["label"], "side": p["side"],
            "interview_date": f"{y}-{m + 1:02d}-{d + 1:02d}", "organisation": p["organisation"]}


def _timestamp(n_words: int, wpm: float) -> str:
    s = int(n_words / wpm * 60)
    return f"[{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}]"


def make_transcript(src: Sources, index: int, seed: int, resp: dict | None = None) -> tuple[Transcript, dict]:
    """Generate document ``index`` (1-based) of the corpus with ``seed``."""
    rng = random.Random(f"{seed}:{index}")
    doc_id = f"R{index:06d}"
    resp = resp or _respondent(src, rng, doc_id)
    target = rng.randint(MIN_WORDS, MAX_WORDS)
    wpm = rng.uniform(140, 160)
    paragraphs: list[str] = []   # as written to the file
    lines: list[str] = []        # as ingest will give them (timestamps removed)
    offset = 0
    n_words = 0
    codings: list[tuple[int, int, str]] = []
    turns: list[tuple[int, int, int]] = []  # respondent turns: (start, end, part)

    def add(file_line: str, text_line: str) -> int:
        nonlocal offset, n_words
        start = offset
        paragraphs.append(file_line)
        lines.append(text_line)
        offset += len(text_line) + 1
        n_words += words(text_line)
        return start

    add(f"Interview {resp['label']} ({resp['side']})", f"Interview {resp['label']} ({resp['side']})")
    add(f"Datum interview: {resp['interview_date']}", f"Datum interview: {resp['interview_date']}")
    note = (f"Synthetisch transcript (altena-qca benchmarks/synth.py, seed {seed}): zinnen uit de "
            f"gereconstrueerde Altena-data en openbare rapporten over de Wams, willekeurig gecombineerd.")
    add(note, note)
    asks: list[tuple[int, str]] = []
    for part in sorted(src.questions):
        for question in src.questions[part]:
            asks.append((part, question))
            if rng.random() < 0.3:
                asks.append((part, rng.choice(FOLLOW_UPS)))
    for k, (part, q) in enumerate(asks):
        pool = src.statements.get(part) or [s for v in src.statements.values() for s in v]
        budget = (target - n_words) / (len(asks) - k) * rng.uniform(0.6, 1.4) - words(q) - 2
        q_line = f"I: {q}"
        add(f"I: {_timestamp(n_words, wpm)} {q}", q_line)
        body: list[str] = []
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        pos = len("R: ")
        opener = rng.choice(OPENERS)
        got = 0
        while got < budget or not body:
            r = rng.random()
            if r < NAME_SHARE:
                sent, codes = rng.choice(NAME_TEMPLATES).format(
                    first=rng.choice(FIRST_NAMES), last=rng.choice(LAST_NAMES), place=rng.choice(PLACES)), ()
            elif r < STATEMENT_SHARE or not src.seed_sentences:
                sent, codes = rng.choice(pool)
            else:
                sent, codes = rng.choice(src.seed_sentences), ()
            skip = len(opener) if not body else 0
            sent = opener + sent if skip else sent
            if body:
                pos += 1  # the joining space
            if codes:
                spans.append((pos + skip, pos + len(sent), codes))
            body.append(sent)
            pos += len(sent)
            got += words(sent)
            if len(body) >= 12:
                break
        r_line = "R: " + " ".join(body)
        start = add(r_line, r_line)
        turns.append((start + 3, start + len(r_line), part))
        for s, e, codes in spans:
            codings += [(start + s, start + e, c) for c in codes]
    text = "\n".join(lines)
    # Reach the reconstructed density exactly: code whole answers, or drop codings.
    want = round(n_words * src.density / 1000.0)
    have = set(codings)
    if len(have) > want:
        keep = sorted(have)
        rng.shuffle(keep)
        have = set(keep[:want])
    attempts = 0
    while len(have) < want and attempts < 50 * want:
        attempts += 1
        s, e, part = turns[rng.randrange(len(turns))]
        codes, weights = src.part_codes.get(part) or src.part_codes[3]
        have.add((s, e, rng.choices(codes, weights)[0]))
    return Transcript(doc_id, paragraphs, text, sorted(have), n_words), resp


# --------------------------------------------------------------------------- writing

def _write_docx(paragraphs: list[str], path: Path) -> None:
    import datetime as dt

    import docx

    from altena_qca._io import normalise_zip

    document = docx.Document()
    props = document.core_properties
    props.author = props.last_modified_by = "altena-qca"
    props.created = props.modified = props.last_printed = dt.datetime(2024, 1, 1)
    props.title = "Synthetisch transcript"
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(buf.getvalue())
    normalise_zip(path)


def _suffix(fmt: str, index: int) -> str:
    if fmt == "mixed":
        return ".docx" if index % 2 == 0 else ".txt"
    return "." + fmt


def write_corpus(n: int, out: str | Path, *, seed: int = 9, fmt: str = "mixed", sources: Sources | None = None,
                 log=lambda msg: None) -> dict:
    """Write a synthetic study folder of ``n`` transcripts; return its summary.

    Parameters
    ----------
    n : int
        Number of transcripts (respondents).
    out : str or Path
        Folder to write; must be empty or absent.
    seed : int
        Same ``n`` and ``seed``: same bytes.
    fmt : {"mixed", "txt", "docx"}
        ``mixed`` writes every even-numbered transcript as ``.docx``, the others as ``.txt``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty")
    src = sources or load_sources()
    (out / "transcripts").mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    total_words = total_codings = total_bytes = 0
    resp_cols = ["id", "function", "label", "side", "interview_date", "organisation"]
    with (out / "respondents.csv").open("w", encoding="utf-8", newline="") as rf, \
            (out / "codings.csv").open("w", encoding="utf-8", newline="") as cf:
        rw = csv.DictWriter(rf, fieldnames=resp_cols, lineterminator="\n")
        rw.writeheader()
        cw = csv.writer(cf, lineterminator="\n")
        cw.writerow(["document", "start", "end", "code", "coder", "origin", "confidence"])
        for i in range(1, n + 1):
            doc, resp = make_transcript(src, i, seed)
            rw.writerow(resp)
            path = out / "transcripts" / f"{doc.id}{_suffix(fmt, i)}"
            if path.suffix == ".docx":
                _write_docx(doc.paragraphs, path)
            else:
                path.write_bytes(("\n".join(doc.paragraphs) + "\n").encode("utf-8"))
            total_bytes += path.stat().st_size
            cw.writerows((doc.id, s, e, c, CODER, "manual", "1.0") for s, e, c in doc.codings)
            total_words += doc.words
            total_codings += len(doc.codings)
            if i % 1000 == 0:
                log(f"  synth: {i}/{n} transcripts ({time.perf_counter() - t0:.0f} s)")
    summary = {"n": n, "seed": seed, "format": fmt, "words": total_words, "codings": total_codings,
               "transcript_bytes": total_bytes, "words_per_transcript": round(total_words / max(n, 1)),
               "codings_per_1000_words": round(1000 * total_codings / max(total_words, 1), 3),
               "target_codings_per_1000_words": round(src.density, 3),
               **{k: v for k, v in src.meta.items() if k != "seed_dir"}}
    # Only what the bytes depend on goes into the file (no timings, no local paths).
    (out / "SYNTH.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {**summary, "seconds": round(time.perf_counter() - t0, 1), "seed_dir": src.meta.get("seed_dir")}


def check_corpus(out: str | Path, k: int = 3, *, seed: int | None = None, sources: Sources | None = None) -> int:
    """Ingest the first ``k`` transcripts and check text and codings; return the number checked.

    Raises
    ------
    AssertionError
        If ingest does not give the generated text, or a coding leaves its document.
    """
    import warnings

    from altena_qca.ingest import read_transcript

    out = Path(out)
    meta = json.loads((out / "SYNTH.json").read_text(encoding="utf-8"))
    src = sources or load_sources()
    seed = meta["seed"] if seed is None else seed
    files = sorted((out / "transcripts").iterdir())[:k]
    for i, path in enumerate(files, 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            doc = read_transcript(path, path.stem)
        gen, _ = make_transcript(src, i, seed)
        assert doc.text == gen.text, f"{path.name}: ingest gives another text than generated"
        parts = {s.part for s in doc.segments}
        assert parts >= {1, 2, 3, 4}, f"{path.name}: interview parts found {sorted(parts)}"
        for s, e, _ in gen.codings:
            assert 0 <= s < e <= len(doc.text), f"{path.name}: coding {s}-{e} outside the text"
    return len(files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of transcripts")
    ap.add_argument("out", type=Path, help="study folder to write (empty or absent)")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--format", choices=FORMATS, default="mixed")
    ap.add_argument("--check", type=int, default=0, metavar="K", help="then ingest K transcripts and verify them")
    args = ap.parse_args(argv)
    summary = write_corpus(args.n, args.out, seed=args.seed, fmt=args.format,
                           log=lambda m: print(m, file=sys.stderr, flush=True))
    print(json.dumps(summary, indent=2, sort_keys=True))
    if args.check:
        print(f"checked {check_corpus(args.out, args.check)} transcripts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
