#!/usr/bin/env python3
"""Generate the reconstructed Altena corpus from its source tables.

The original transcripts are confidential (thesis, Bijlage 3). This script
turns ``altena_qca/resources/studies/altena/source/statements_*.csv`` — every quote the thesis
attributes to a respondent and a first-person paraphrase of every finding
that names them, each with its thesis line and codes — into:

* ``altena_qca/resources/studies/altena/transcripts/<id>.docx``: one Word transcript per respondent,
  typed as researchers do (``I:``/``R:`` turns, topic-list questions between
  answers, ``[bron: scriptie r. N]`` source notes, ``[parafrase]`` markers);
* ``altena_qca/resources/studies/altena/observations/MaSS-2023-04-06.txt``: the observation notes;
* ``altena_qca/resources/studies/altena/codings.csv``: one coding per statement and code, with the
  coded text, at the character offsets that ingest produces.

Run it after editing the source tables::

    python scripts/build_corpus.py [--check]

``--check`` rebuilds in memory and fails if the committed files differ.
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from altena_qca._io import normalise_zip, write_text  # noqa: E402
from altena_qca.ingest import load_topic_list, read_respondents, read_transcript  # noqa: E402

DATA = ROOT / "altena_qca" / "resources" / "studies" / "altena"
SOURCE = DATA / "source"
PART_TITLES = {1: "Kennismaking", 2: "Rol van gegevensuitwisseling", 3: "Afwegingen, problemen en effecten",
               4: "Mogelijke effecten van de Wams"}
NOTICE = ("[Reconstructie: dit is geen origineel transcript. Citaten zijn letterlijk overgenomen uit de "
          "gepubliceerde scriptie; zinnen gemarkeerd met [parafrase] zijn door de makers van altena-qca "
          "geformuleerd op basis van bevindingen die deze respondent noemen.]")
CODER = "thesis"


def read_statements() -> list[dict]:
    rows = []
    for path in sorted(SOURCE.glob("statements_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                row = {k: (v or "").strip() for k, v in row.items()}
                row["_where"] = f"{path.name}:{line}"
                row["part"] = int(row["part"])
                rows.append(row)
    return rows


def first_question(part: int) -> str:
    topics = load_topic_list()
    return next(q for p, _, q in topics.questions if p == part)


def transcript_paragraphs(respondent, statements: list[dict]) -> list[tuple[str, str]]:
    """(style, text) paragraphs of one transcript, statements in part order."""
    paras = [("Title", f"Interview {respondent.label} ({respondent.side})"),
             ("Normal", f"Datum interview: {respondent.interview_date}"),
             ("Normal", NOTICE)]
    by_part: dict[int, list[dict]] = defaultdict(list)
    for s in statements:
        by_part[s["part"]].append(s)
    for part in sorted(by_part):
        last_q = None
        for i, s in enumerate(by_part[part]):
            q = s.get("question") or (first_question(part) if i == 0 else "")
            if q and q != last_q:
                paras.append(("Normal", f"I: {q}"))
                last_q = q
            marker = "[parafrase] " if s["kind"] == "paraphrase" else ""
            paras.append(("Normal", f"R: {marker}{s['text']} [bron: scriptie r. {s['thesis_line']}]"))
    return paras


def write_docx(paragraphs: list[tuple[str, str]], path: Path, date: str | None) -> None:
    import datetime as dt

    import docx

    document = docx.Document()
    stamp = dt.datetime(2023, 7, 1)
    props = document.core_properties
    props.author, props.last_modified_by = "altena-qca", "altena-qca"
    props.created = props.modified = props.last_printed = stamp
    props.title = "Gereconstrueerd transcript"
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    buf = io.BytesIO()
    document.save(buf)
    from altena_qca._io import write_bytes
    write_bytes(path, buf.getvalue())
    normalise_zip(path)


def build(check: bool = False) -> int:
    respondents = read_respondents(DATA / "respondents.csv")
    statements = read_statements()
    by_resp: dict[str, list[dict]] = defaultdict(list)
    for s in statements:
        if s["respondent"] not in respondents:
            raise SystemExit(f"{s['_where']}: unknown respondent {s['respondent']}")
        by_resp[s["respondent"]].append(s)
    (DATA / "transcripts").mkdir(parents=True, exist_ok=True)
    codings = []
    problems = []
    for rid, resp in respondents.items():
        stmts = sorted(by_resp[rid], key=lambda s: s["part"])  # stable: keeps file order within a part
        path = DATA / "transcripts" / f"{rid}.docx"
        if not check:
            write_docx(transcript_paragraphs(resp, stmts), path, resp.interview_date)
        doc = read_transcript(path, rid, respondent=rid)
        turns = [s for s in doc.segments if s.speaker == "respondent"]
        if len(turns) != len(stmts):
            problems.append(f"{rid}: {len(stmts)} statements but {len(turns)} respondent turns")
            continue
        for seg, st in zip(turns, stmts):
            seg_text = doc.segment_text(seg)
            body = seg_text.removeprefix("[parafrase] ")
            start = seg.start + (len(seg_text) - len(body))
            if body != st["text"]:
                problems.append(f"{st['_where']}: segment text differs from statement")
            if seg.part != st["part"]:
                problems.append(f"{st['_where']}: ingest put this in part {seg.part}, source says {st['part']}")
            if seg.meta.get("source") != f"scriptie r. {st['thesis_line']}":
                problems.append(f"{st['_where']}: source note lost")
            for code in [c.strip() for c in st["codes"].split(";") if c.strip()]:
                codings.append({"document": rid, "start": start, "end": start + len(body), "code": code,
                                "coder": CODER, "origin": "manual", "confidence": "1.0", "text": body})
    src_obs = SOURCE / "observation.txt"
    if src_obs.exists() and not check:
        write_text(DATA / "observations" / "MaSS-2023-04-06.txt", src_obs.read_text(encoding="utf-8"))
    codings.sort(key=lambda c: (c["document"], c["start"], c["end"], c["code"]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["document", "start", "end", "code", "coder", "origin",
                                             "confidence", "text"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(codings)
    target = DATA / "codings.csv"
    if check:
        if not target.exists() or target.read_text(encoding="utf-8") != out.getvalue():
            problems.append("codings.csv is out of date: run scripts/build_corpus.py")
    else:
        write_text(target, out.getvalue())
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{len(respondents)} transcripts, {len(statements)} statements, {len(codings)} codings"
          + (" (checked)" if check else " written"))
    return 1 if problems else 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the committed corpus is up to date")
    sys.exit(build(ap.parse_args().check))
