"""Tiny synthetic studies for the analysis tests (typology, effects, frequencies, co-occurrence).

The codebook uses its own code ids and group ids on purpose: the analyses
must read every rule from ``Codebook.analysis``, never from the thesis's ids.
"""
from __future__ import annotations

from altena_qca.model import Code, Codebook, Corpus, Document, Respondent, Segment, make_codings

CODE_TREE = [
    # id, parent
    ("prob", None), ("prob.few", "prob"), ("prob.few.slow", "prob.few"), ("prob.many", "prob"),
    ("prob.none", "prob"),
    ("eff", None), ("eff.trust", "eff"), ("eff.trust.now", "eff.trust"),
    ("eff.trust.now.neg", "eff.trust.now"), ("eff.trust.now.neg.avoid", "eff.trust.now.neg"),
    ("eff.trust.now.pos", "eff.trust.now"), ("eff.trust.later", "eff.trust"),
    ("eff.trust.later.up", "eff.trust.later"), ("eff.trust.later.same", "eff.trust.later"),
    ("eff.coord", "eff"), ("eff.coord.now.neg", "eff.coord"), ("eff.coord.now.pos", "eff.coord"),
    ("eff.coord.later.up", "eff.coord"), ("eff.coord.later.up.approach", "eff.coord.later.up"),
    ("eff.coord.later.same", "eff.coord"),
    ("other", None), ("other.privacy", "other"), ("other.secrecy", "other"),
    ("legal", None),
]

TYPOLOGY = {
    "resolve": "majority",
    "groups": [
        {"id": 7, "code": "prob.few", "label_nl": "Te weinig"},
        {"id": 8, "code": "prob.many", "label_nl": "Te veel"},
        {"id": 9, "code": "prob.none", "label_nl": "Geen"},
    ],
}

EFFECTS = {
    "trust": {"label_nl": "Vertrouwen",
              "today": {"negative": "eff.trust.now.neg", "positive": "eff.trust.now.pos"},
              "wams": {"improves": "eff.trust.later.up", "same": "eff.trust.later.same"}},
    "coordination": {"label_nl": "Coördinatie",
                     "today": {"negative": "eff.coord.now.neg", "positive": "eff.coord.now.pos"},
                     "wams": {"improves": "eff.coord.later.up", "same": "eff.coord.later.same"}},
}


def codebook(typology: dict | None = None, effects: dict | None = None, extra: dict | None = None) -> Codebook:
    """The synthetic codebook; ``typology``/``effects`` replace the defaults."""
    codes = [Code(id=cid, label_nl=cid.replace(".", " "), parent=parent) for cid, parent in CODE_TREE]
    analysis = {"typology": TYPOLOGY if typology is None else typology,
                "effects": EFFECTS if effects is None else effects,
                "wams_details": {"coordination_approach": "eff.coord.later.up.approach"},
                "wams_other": {"privacy_risk": "other.privacy", "professional_secrecy": "other.secrecy"}}
    analysis.update(extra or {})
    return Codebook(codes, analysis=analysis, path="synthetic.yaml")


def corpus(respondents: list[tuple[str, str, str]], length: int = 400, observation: bool = False) -> Corpus:
    """One document per (id, label, side); first half of each text is part 3, second half part 4.

    The text is a repeating alphabet so every span has distinct, checkable text.
    """
    text = "".join(chr(97 + i % 26) for i in range(length))
    half = length // 2
    c = Corpus()
    ids = [r[0] for r in respondents] + (["OBS"] if observation else [])
    for rid in ids:
        segs = [Segment(rid, 0, "respondent", 3, 0, half), Segment(rid, 1, "respondent", 4, half, length)]
        c.documents[rid] = Document(rid, text, kind="observation" if rid == "OBS" else "interview",
                                    respondent=None if rid == "OBS" else rid, segments=segs)
    for rid, label, side in respondents:
        c.respondents[rid] = Respondent(rid, label, label, side)
    return c


def codings(*rows: tuple) -> pd.DataFrame:  # noqa: F821
    """Codings from (document, start, end, code[, coder]) tuples."""
    out = []
    for r in rows:
        d = {"document": r[0], "start": r[1], "end": r[2], "code": r[3]}
        if len(r) > 4:
            d["coder"] = r[4]
        out.append(d)
    return make_codings(out)
