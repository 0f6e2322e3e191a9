"""Load and validate a codebook (``altena_qca/resources/codebook/altena.yaml``).

A codebook file has a ``codes`` list (flat; the tree is given by ``parent``)
and an ``analysis`` section. :func:`validate_codebook` reports every problem —
duplicate ids, unknown parents, cycles, empty labels, unknown kinds, invalid
rules, analysis settings pointing at unknown codes — with the file and line;
:func:`load_codebook` raises on the first.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "cb.yaml"
>>> _ = p.write_text("codes:\\n- id: a\\n  label_nl: A\\n- id: a.b\\n  parent: a\\n  label_nl: B\\n")
>>> load_codebook(p).descendants("a")
['a', 'a.b']
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ._io import check_input_file
from ._yamllines import load_yaml_lines, strip_lines
from .errors import CodebookError, Errors
from .model import Code, Codebook
from .resources import DEFAULT_CODEBOOK

__all__ = ["load_codebook", "validate_codebook", "read_codebook_file", "effect_codes", "DEFAULT_CODEBOOK"]


_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_KINDS = ("deductive", "inductive")
_RULE_KEYS = {"lemmas", "phrases", "patterns", "window", "negation", "negation_flips_to", "exclude", "context"}


def read_codebook_file(path: str | Path) -> dict:
    """Parse a codebook YAML file, keeping line numbers (``__line__``)."""
    path = Path(path)
    if path.exists():
        check_input_file(path)  # E109 for a folder or a named pipe (reading one would block)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CodebookError(Errors.E210.format(path=path, reason="file not found")) from None
    except UnicodeDecodeError as exc:
        raise CodebookError(Errors.E200.format(path=path, reason=f"not UTF-8: {exc}")) from None
    except OSError as exc:  # a folder, a named pipe, no permission
        raise CodebookError(Errors.E210.format(path=path, reason=f"cannot read ({exc.strerror or exc})")) from None
    try:
        data = load_yaml_lines(text)
    except yaml.YAMLError as exc:
        raise CodebookError(Errors.E200.format(path=path, reason=str(exc).replace("\n", " "))) from None
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        raise CodebookError(Errors.E210.format(path=path, reason="expected a mapping with a 'codes' list"))
    return data


def _check_rules(rules: Any) -> str | None:
    """Return why ``rules`` are invalid, or None. Token patterns are compiled
    by the auto-coder; here we check shape so errors come early."""
    if not isinstance(rules, dict):
        return "rules must be a mapping"
    unknown = set(rules) - _RULE_KEYS - {"__line__"}
    if unknown:
        return f"unknown rule key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}"
    for key in ("lemmas", "phrases", "exclude"):
        if key in rules:
            val = rules[key]
            if not isinstance(val, list) or not all(isinstance(v, str) and v.strip() for v in val):
                return f"'{key}' must be a list of non-empty strings"
    if "patterns" in rules:
        pats = rules["patterns"]
        if not isinstance(pats, list) or not all(isinstance(p, list) and p and all(isinstance(t, dict) for t in p)
                                                   for p in pats):
            return "'patterns' must be a list of spaCy Matcher patterns (lists of token dicts)"
    if "window" in rules and (not isinstance(rules["window"], int) or rules["window"] < 0):
        return "'window' must be a non-negative integer"
    if "negation" in rules and not isinstance(rules["negation"], bool):
        return "'negation' must be true or false"
    if "context" in rules:
        blocks = rules["context"] if isinstance(rules["context"], list) else [rules["context"]]
        for block in blocks:
            if not isinstance(block, dict) or not isinstance(block.get("anchors"), list) or not block["anchors"]:
                return "'context' must be a mapping (or a list of mappings) with a non-empty 'anchors' list"
            unknown = set(block) - {"anchors", "lemmas", "phrases", "scope", "negation", "__line__"}
            if unknown:
                return f"unknown context key(s) {sorted(unknown)}; allowed: anchors, lemmas, phrases, scope, negation"
    return None


def _yaml_kind(value: Any) -> str:
    """What YAML made of an unquoted value, for messages (``id: 1.10`` is the number 1.1)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, dict)):
        return "a list" if isinstance(value, list) else "a mapping"
    return f"a {type(value).__name__}"  # a date, a timestamp


def validate_codebook(data: dict, path: str | Path = "codebook") -> list[str]:
    """Every problem in a parsed codebook, as messages naming file and line."""
    problems: list[str] = []
    first_line: dict[str, int | str] = {}  # line number, or '?' when the YAML has none
    parents: dict[str, str | None] = {}
    for entry in data.get("codes", []):
        line = entry.get("__line__", "?") if isinstance(entry, dict) else "?"
        if not isinstance(entry, dict):
            problems.append(Errors.E210.format(path=path, reason=f"code entry near line {line} is not a mapping"))
            continue
        cid = entry.get("id")
        if cid is None:
            problems.append(Errors.E205.format(path=path, line=line, field="id"))
            continue
        not_text = next(((field, value) for field, value in (("id", cid), ("parent", entry.get("parent")))
                         if value is not None and not isinstance(value, str)), None)
        if not_text is not None:
            field, value = not_text
            problems.append(Errors.E215.format(path=path, line=line, field=field, value=value,
                                               kind=_yaml_kind(value)))
            continue
        if not _ID.match(cid):
            problems.append(Errors.E209.format(path=path, line=line, id=cid))
        if cid in first_line:
            problems.append(Errors.E201.format(path=path, line=line, id=cid, first=first_line[cid]))
            continue
        first_line[cid] = line
        parents[cid] = entry.get("parent")
        label = entry.get("label_nl")
        if label is None:
            problems.append(Errors.E205.format(path=path, line=line, field="label_nl"))
        elif not str(label).strip():
            problems.append(Errors.E204.format(path=path, line=line, id=cid, field="label_nl"))
        kind = entry.get("kind", "deductive")
        if kind not in _KINDS:
            problems.append(Errors.E206.format(path=path, line=line, id=cid, kind=kind))
        if entry.get("rules") is not None:
            why = _check_rules(entry["rules"])
            if why:
                problems.append(Errors.E208.format(path=path, line=line, id=cid, reason=why))
            else:
                flip = entry["rules"].get("negation_flips_to")
                if flip is not None and flip not in {str(e.get("id")) for e in data["codes"] if isinstance(e, dict)}:
                    problems.append(Errors.E208.format(path=path, line=line, id=cid,
                                                       reason=f"negation_flips_to names unknown code '{flip}'"))
    for cid, parent in parents.items():
        if parent is not None and parent not in parents:
            problems.append(Errors.E202.format(path=path, line=first_line[cid], id=cid, parent=parent))
    # Cycles: walk up from every code; a revisit means a loop.
    reported: set[frozenset] = set()
    for cid in parents:
        seen: list[str] = []
        cur: str | None = cid
        while cur is not None and cur in parents:
            if cur in seen:
                loop = seen[seen.index(cur):] + [cur]
                key = frozenset(loop)
                if key not in reported:
                    reported.add(key)
                    problems.append(Errors.E203.format(
                        path=path, cycle=" -> ".join(f"{c} (line {first_line[c]})" for c in loop)))
                break
            seen.append(cur)
            cur = parents[cur]
    problems.extend(_check_analysis(data.get("analysis") or {}, set(parents), path))
    return problems


def _check_analysis(analysis: dict, ids: set[str], path) -> list[str]:
    analysis = strip_lines(analysis)
    out = []

    def need(code, where):
        if code not in ids:
            out.append(Errors.E207.format(path=path, code=code, where=where))

    typ = analysis.get("typology") or {}
    for g in typ.get("groups", []):
        need(g.get("code"), f"typology group {g.get('id')}")
    if typ and typ.get("resolve", "majority") not in ("majority", "precedence"):
        out.append(Errors.E210.format(path=path, reason=f"typology.resolve must be majority or precedence, "
                                                        f"got {typ.get('resolve')!r}"))
    for effect, spec in (analysis.get("effects") or {}).items():
        for when in ("today", "wams"):
            for stance, code in (spec.get(when) or {}).items():
                need(code, f"effects.{effect}.{when}.{stance}")
    for section in ("wams_other", "wams_details"):
        for name, code in (analysis.get(section) or {}).items():
            need(code, f"{section}.{name}")
    for code in analysis.get("source_caveats") or {}:
        need(code, "source_caveats")
    return out


def load_codebook(path: str | Path = DEFAULT_CODEBOOK) -> Codebook:
    """Read, validate and build a :class:`~altena_qca.model.Codebook`.

    Raises
    ------
    CodebookError
        On the first problem :func:`validate_codebook` finds (all are listed
        by ``altena-qca codebook validate``).
    """
    path = Path(path)
    data = read_codebook_file(path)
    problems = validate_codebook(data, path)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'altena-qca codebook validate')" if len(problems) > 1 else ""
        raise CodebookError(problems[0] + more)
    codes = []
    for e in data["codes"]:
        codes.append(Code(
            id=str(e["id"]), label_nl=str(e["label_nl"]).strip(), label_en=str(e.get("label_en", "")).strip(),
            parent=e.get("parent"), kind=e.get("kind", "deductive"),
            definition=str(e.get("definition", "")).strip(),
            indicators=tuple(str(x) for x in e.get("indicators", []) or []),
            examples=tuple(str(x) for x in e.get("examples", []) or []),
            rules=strip_lines(e["rules"]) if e.get("rules") else None,
            line=e.get("__line__"),
        ))
    return Codebook(codes, analysis=strip_lines(data.get("analysis") or {}),
                    meta=strip_lines(data.get("codebook") or {}), path=str(path))


def effect_codes(codebook: Codebook) -> dict[str, tuple[dict[str, dict[str, str]], dict[str, str | None]]]:
    """Per effect of the codebook's ``analysis.effects``: its stance codes, and the codes that name it without.

    Returns
    -------
    dict
        effect → ``(stance codes, general codes)``: the stance codes by moment
        and stance (``{"today": {"negative": "effects.trust.today.negative", ...}, "wams": {...}}``),
        and the codes that name the effect but no stance — its own code (the
        nearest code above all its stance codes) and the codes between it and
        a stance code — each with the moment it fixes (``effects.trust.today``
        → ``"today"``) or None.

    Examples
    --------
    >>> from altena_qca import load_codebook
    >>> stance, general = effect_codes(load_codebook())["trust"]
    >>> general
    {'effects.trust': None, 'effects.trust.today': 'today', 'effects.trust.wams': 'wams'}
    """
    out = {}
    for effect, spec in (codebook.analysis.get("effects") or {}).items():
        stance_codes = {m: {str(s): c for s, c in ((spec or {}).get(m) or {}).items() if c in codebook}
                        for m in ("today", "wams")}
        all_codes = [c for per in stance_codes.values() for c in per.values()]
        if not all_codes:
            continue
        chains = [[c, *codebook.ancestors(c)] for c in all_codes]
        common = [a for a in chains[0] if all(a in ch for ch in chains[1:])]
        if not common:
            continue
        root = common[0]
        general: dict[str, str | None] = {root: None}
        for moment, per in stance_codes.items():
            for code in per.values():
                chain = [code, *codebook.ancestors(code)]
                for between in chain[1:chain.index(root)]:
                    # effects.trust.today fixes the moment; so does effects.coordination.wams.improves
                    general.setdefault(between, moment)
        for code in all_codes:
            general.pop(code, None)
        out[str(effect)] = (stance_codes, general)
    return out
