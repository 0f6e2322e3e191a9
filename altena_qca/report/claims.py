"""Check a study's published claims against what its data compute.

A study folder may hold a ``claims.yaml``: every checkable claim of the text
it reproduces (for the bundled study: chapters 3–5 of the thesis), each with
its section, line, wording, how it is *measured* on the study and what the
text *expects*. :func:`check_claims` computes every measure and returns one
row per claim with status ``reproduced``, ``differs`` or ``not
reconstructable`` (with the reason the YAML gives). Nothing here knows a
finding: the claims are data, the values are computed.

Measures (``measure:`` in the YAML)
-----------------------------------
``respondents: {code, all_codes, not_code, group, side, has_organisation}``
    The respondents who carry a coding of ``code`` (one id or a list: any
    of them; a code counts with the codes below it), of every code in
    ``all_codes``, none of ``not_code``, in typology ``group`` (an id or a
    list), on ``side`` (intern/extern) and, with ``has_organisation``,
    whose employer respondents.csv names; ``part`` counts only codings in
    that interview part (1-4). Every key is optional.
``observation_date: first``
    The date in the first observation's file name (``YYYY-MM-DD``).
``interviews_with_parts: [1, 2, 3, 4]``
    The respondents whose interview has segments in every listed part.
``observation_parties: count``
    Organisations present at an observed meeting (the partner network).
``codebook_kinds: [deductive, inductive]``
    Whether the codebook has codes of every listed kind (``ja``/``nee``).
``rhodes: classification``
    The Rhodes reading of the partner network (needs the network).
``figure_partners: supported``
    Of the actors flagged ``in_figure_1`` on the extern side, those with at
    least one mention or tie in the corpus (needs the network).
``observations: count`` / ``observation_says: PHRASE``
    Number of observation documents / whether an observation states the
    phrase (case-insensitive).
``interview_dates: first | last``
    The first or last interview date.
``codebook_children: CODE``
    How many codes sit directly below ``CODE``.
``study: FIELD``
    A field of the study's ``study.yaml`` (e.g. ``commissioner``).

Expectations (``expect:``)
--------------------------
``count: N``, ``labels: [...]`` (exactly these respondents, by label),
``all_except: [...]`` (every respondent but these), ``at_least: N``,
``between: [lo, hi]`` (a vague quantifier such as "een aantal"),
``value: X``.

Examples
--------
>>> claim = {"id": "x", "measure": {"observations": "count"}, "expect": {"count": 1}}
>>> sorted(claim)
['expect', 'id', 'measure']
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["CLAIM_COLUMNS", "STATUS_NL", "load_claims", "check_claims", "claims_summary"]

CLAIM_COLUMNS = ["id", "section", "line", "claim", "expected", "computed", "status", "reason"]
#: Dutch names of the three statuses (report, notebooks).
STATUS_NL = {"reproduced": "gereproduceerd", "differs": "wijkt af", "not reconstructable": "niet te reconstrueren"}


def load_claims(path: str | Path) -> list[dict]:
    """The claims of a ``claims.yaml`` (a list under ``claims:``).

    Raises
    ------
    InputError
        E138 naming file and line for unreadable YAML (also a key given twice
        in one claim, or nesting too deep), a claim without an id, an id
        given twice, or a claim with neither ``measure`` + ``expect`` nor
        ``not_reconstructable``.
    """
    import yaml

    from .._io import check_input_file
    from .._yamllines import LINE_KEY, error_line, load_yaml_lines, strip_lines
    from ..errors import Errors, InputError

    path = check_input_file(path)
    try:
        data = load_yaml_lines(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Errors.E138.format(path=path, line=1, reason=f"cannot read ({exc})")) from None
    except yaml.YAMLError as exc:
        line, reason = error_line(exc)
        raise InputError(Errors.E138.format(path=path, line=line or "?",
                                            reason=f"cannot parse YAML ({reason})")) from None
    data = data or {}
    claims = data.get("claims") if isinstance(data, dict) else None
    if claims is None:
        return []
    if not isinstance(claims, list):
        raise InputError(Errors.E138.format(path=path, line=data.get(LINE_KEY, 1),
                                            reason="'claims' must be a list of claims"))
    seen: dict[Any, Any] = {}
    for c in claims:
        where: Any = c.get(LINE_KEY, "?") if isinstance(c, dict) else "?"
        if not isinstance(c, dict) or "id" not in c:
            raise InputError(Errors.E138.format(path=path, line=where, reason="every claim needs an id"))
        if c["id"] in seen:
            raise InputError(Errors.E138.format(path=path, line=where, reason=(
                f"claim id {c['id']!r} occurs twice (first on line {seen[c['id']]})")))
        seen[c["id"]] = where
        if "not_reconstructable" not in c and ("measure" not in c or "expect" not in c):
            raise InputError(Errors.E138.format(path=path, line=where, reason=(
                f"claim {c['id']!r} needs measure and expect, or not_reconstructable")))
    return strip_lines(claims)


class _Context:
    """What the measures need, computed once."""

    def __init__(self, study, groups: pd.DataFrame | None, network):
        from ..analysis.frequencies import attach_respondents
        self.study = study
        self.corpus, self.codebook = study.corpus, study.codebook
        resp = self.corpus.respondents_frame()
        self.label = dict(zip(resp["id"], resp["label"]))
        self.side = dict(zip(resp["id"], resp["side"]))
        self.dates = sorted(d for d in resp["interview_date"].dropna() if isinstance(d, str))
        c = attach_respondents(study.codings, self.corpus)
        self.codings = c[c["respondent"].notna()]
        if groups is None and (self.codebook.analysis.get("typology") or {}).get("groups"):
            from ..analysis.typology import assign_groups
            groups = assign_groups(self.corpus, self.codebook, study.codings)
        self.group = {} if groups is None else {r: g for r, g in zip(groups["respondent"], groups["group"])
                                                if pd.notna(g)}
        self._network = network

    @property
    def network(self):
        if callable(self._network):
            self._network = self._network()
        if self._network is None or self._network is True:
            from ..network import analyse_network
            self._network = analyse_network(self.study)
        return self._network

    def having(self, codes: Iterable[str], part: int | None = None) -> set[str]:
        wanted = set()
        for code in codes:
            if code not in self.codebook:
                raise ValueError(f"unknown code {code!r}")
            wanted |= set(self.codebook.descendants(code))
        c = self.codings[self.codings["code"].isin(wanted)]
        if part is not None:
            from ..model import segment_of
            docs = self.corpus.documents
            keep = []
            for d, s, e in zip(c["document"], c["start"], c["end"]):
                seg = segment_of(docs[d], int(s), int(e))
                keep.append(seg is not None and seg.part == part)
            c = c[keep]
        return set(c["respondent"])


def _as_list(x) -> list:
    return [] if x is None else list(x) if isinstance(x, (list, tuple)) else [x]


def _measure(ctx: _Context, m: dict) -> Any:
    (kind, arg), = m.items()
    if kind == "respondents":
        arg = arg or {}
        ids = set(ctx.label)
        part = int(arg["part"]) if "part" in arg else None
        if "code" in arg:
            ids &= ctx.having(_as_list(arg["code"]), part)
        for code in _as_list(arg.get("all_codes")):
            ids &= ctx.having([code], part)
        if "not_code" in arg:
            ids -= ctx.having(_as_list(arg["not_code"]), part)
        if "group" in arg:
            gs = {int(g) for g in _as_list(arg["group"])}
            ids = {i for i in ids if i in ctx.group and int(ctx.group[i]) in gs}
        if "side" in arg:
            ids = {i for i in ids if ctx.side.get(i) == arg["side"]}
        if arg.get("has_organisation"):
            ids = {i for i in ids if ctx.corpus.respondents[i].organisation}
        return ids
    if kind == "interviews_with_parts":
        want = {int(p) for p in _as_list(arg)}
        return {d.respondent for d in ctx.corpus if d.respondent in ctx.label
                and want <= {s.part for s in d.segments}}
    if kind == "observation_parties":
        G = ctx.network.graph
        return sum(1 for n, d in G.nodes(data=True) if int(d.get("present", 0) or 0) > 0)
    if kind == "codebook_kinds":
        kinds = set(ctx.codebook.to_frame()["kind"])
        return "ja" if set(_as_list(arg)) <= kinds else "nee"
    if kind == "rhodes":
        return str(ctx.network.rhodes.classification)
    if kind == "figure_partners":
        from ..network import tie_graph
        G = ctx.network.graph
        H = tie_graph(G)
        fig = [n for n, d in G.nodes(data=True) if d.get("in_figure_1") and d.get("side") == "extern"
               and d.get("kind", "organisation") == "organisation"]
        if arg == "all":
            return {G.nodes[n].get("label", n) for n in fig}
        return {G.nodes[n].get("label", n) for n in fig
                if int(G.nodes[n].get("mentions", 0) or 0) > 0 or (n in H and H.degree(n) > 0)}
    if kind == "observation_date":
        import re
        for d in ctx.corpus:
            if d.kind == "observation":
                date = re.search(r"\d{4}-\d{2}-\d{2}", d.id)
                if date:
                    return date.group(0)
        return ""
    if kind == "observations":
        return sum(1 for d in ctx.corpus if d.kind == "observation")
    if kind == "observation_says":
        phrase = str(arg).casefold()
        return "ja" if any(phrase in d.text.casefold() for d in ctx.corpus if d.kind == "observation") else "nee"
    if kind == "interview_dates":
        return (ctx.dates[0] if arg == "first" else ctx.dates[-1]) if ctx.dates else ""
    if kind == "codebook_children":
        return sum(1 for c in ctx.codebook.to_frame().itertuples(index=False) if c.parent == arg)
    if kind == "study":
        from .text import report_text
        cfg = getattr(ctx.study, "config", None) or report_text(ctx.study)
        return str(getattr(cfg, arg, "") or "")
    raise ValueError(f"unknown measure {kind!r}")


def _labels(ctx: _Context, ids: set[str]) -> list[str]:
    return sorted((ctx.label.get(i, i) for i in ids), key=str.casefold)


def _compare(ctx: _Context, value: Any, expect: dict) -> tuple[bool, str, str]:
    """(matches, expected as text, computed as text)."""
    if isinstance(value, set):
        labels = _labels(ctx, value)
        computed = f"{len(value)}: " + ", ".join(labels) if value else "0"
        k = len(value)
        if "labels" in expect:
            want = sorted(map(str, expect["labels"]), key=str.casefold)
            return ({x.casefold() for x in labels} == {x.casefold() for x in want},
                    f"{len(want)}: " + ", ".join(want), computed)
        if "all_except" in expect:
            out = sorted(map(str, expect["all_except"]), key=str.casefold)
            rest = {v.casefold() for v in ctx.label.values()} - {x.casefold() for x in out}
            return ({x.casefold() for x in labels} == rest,
                    f"{len(ctx.label) - len(out)}: alle behalve " + ", ".join(out), computed)
        value = k
        shown = computed
    else:
        shown = str(value)
    if "count" in expect:
        return value == int(expect["count"]), str(expect["count"]), shown
    if "at_least" in expect:
        return value >= int(expect["at_least"]), f"minstens {expect['at_least']}", shown
    if "between" in expect:
        lo, hi = (int(x) for x in expect["between"])
        return lo <= value <= hi, f"{lo} tot {hi}", shown
    if "value" in expect:
        return str(value).casefold() == str(expect["value"]).casefold(), str(expect["value"]), shown
    raise ValueError(f"unknown expectation {sorted(expect)}")


def check_claims(study, claims: list[dict] | str | Path | None = None, *, groups: pd.DataFrame | None = None,
                 network=None) -> pd.DataFrame:
    """Compute every claim of a study and compare it with what the text states.

    Parameters
    ----------
    study : Study
        From :func:`altena_qca.load_study`.
    claims : list of dict, path, or None
        The claims; by default ``<study folder>/claims.yaml``.
    groups : DataFrame, optional
        Typology groups already computed.
    network : optional
        A network analysis already computed, or a function returning one
        (called, or the network computed, only when a claim needs it).

    Returns
    -------
    pandas.DataFrame
        :data:`CLAIM_COLUMNS`, one row per claim in file order; empty when
        the study has no claims.
    """
    if claims is None:
        path = Path(study.data_dir or ".") / "claims.yaml"
        claims = load_claims(path) if path.exists() else []
    elif not isinstance(claims, list):
        claims = load_claims(claims)
    if not claims:
        return pd.DataFrame(columns=CLAIM_COLUMNS)
    ctx = _Context(study, groups, network)
    rows = []
    for c in claims:
        base = {"id": str(c["id"]), "section": str(c.get("section", "")), "line": str(c.get("line", "")),
                "claim": " ".join(str(c.get("claim", "")).split())}
        if "not_reconstructable" in c:
            rows.append({**base, "expected": str(c.get("expected", "")), "computed": "",
                         "status": "not reconstructable", "reason": " ".join(str(c["not_reconstructable"]).split())})
            continue
        ok, expected, computed = _compare(ctx, _measure(ctx, c["measure"]), c["expect"])
        reason = "" if ok else " ".join(str(c.get("if_differs") or "").split())
        rows.append({**base, "expected": expected, "computed": computed,
                     "status": "reproduced" if ok else "differs", "reason": reason})
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def claims_summary(table: pd.DataFrame) -> str:
    """'61 van de 66 beweringen gereproduceerd (92 %); 3 wijken af, 2 niet te reconstrueren.'"""
    n = len(table)
    if not n:
        return "Geen beweringen om te controleren."
    counts = table["status"].value_counts()
    k = int(counts.get("reproduced", 0))
    share = round(100 * k / n)
    rest = []
    for status, word in (("differs", "wijken af"), ("not reconstructable", "niet te reconstrueren")):
        m = int(counts.get(status, 0))
        if m:
            rest.append(f"{m} {word if m > 1 else word.replace('wijken', 'wijkt')}")
    return (f"{k} van de {n} beweringen gereproduceerd ({share} %)"
            + (("; " + " en ".join(rest)) if rest else "") + ".")
