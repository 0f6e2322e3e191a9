"""The actor gazetteer (``altena_qca/resources/codebook/actors.yaml``): load, validate, resolve.

A gazetteer lists the organisations, teams, laws and domains of a study with
their domain, side (intern/extern), whether they appear in Figure 1 of the
thesis, and the aliases people use for them. :func:`load_gazetteer` reads and
validates it; every problem names the file, the line and the entry
(``[E300]``). Whether a respondent works at an actor is not listed in the
file: :func:`respondent_actors` derives it from the ``organisation`` column
of ``respondents.csv``.

Finding the actors in text is :mod:`altena_qca.network.mentions`.

Examples
--------
>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "actors.yaml"
>>> _ = p.write_text('''
... actors:
... - {id: ggd, name: GGD West-Brabant, kind: organisation, side: extern,
...    domain: sociaal domein, in_figure_1: true, aliases: [GGD, wijk-GGD'er]}
... ''')
>>> gaz = load_gazetteer(p)
>>> gaz.resolve("ggd west-brabant"), gaz["ggd"].domain
('ggd', 'sociaal domein')
>>> load_gazetteer(p.with_name("missing.yaml"))
Traceback (most recent call last):
...
altena_qca.errors.CodebookError: [E300] .../missing.yaml: file not found
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .._io import check_input_file
from .._yamllines import load_yaml_lines, strip_lines
from ..errors import CodebookError, Errors
from ..model import SIDES, Corpus
from ..resources import DEFAULT_ACTORS
from ._names import normalise_name

__all__ = ["DEFAULT_ACTORS", "KINDS", "DEFAULT_DOMAINS", "Actor", "Gazetteer", "load_gazetteer",
           "validate_gazetteer", "read_gazetteer_file", "respondent_actors", "interviewed_actors",
           "normalise_name", "unresolved_organisations", "merge_study_actors", "study_gazetteer",
           "validate_study_actors", "read_study_actors"]

#: The gazetteer of the Altena study shipped with the repository.
#: What an entry can be; only organisations and teams become network nodes by default.
KINDS = ("domain", "law", "team", "organisation")
#: Domains when the file does not list its own (``gazetteer.domains``).
DEFAULT_DOMAINS = ("sociaal domein", "openbare orde en veiligheid")

_ID = re.compile(r"^[a-z0-9_]+$")
_REQUIRED = ("id", "name", "kind", "side", "domain", "in_figure_1")
_FIELDS = set(_REQUIRED) | {"also", "parent", "aliases", "cased", "generic", "type", "basis"}
_DEFAULT_NETWORK = {"node_kinds": ["organisation", "team"], "presence_cues": ["aanwezig"]}
_DEFAULT_CANDIDATES = {"cues": [], "prefixes": [], "connectors": ["van", "voor", "de"], "not_actors": []}


@dataclass(frozen=True)
class Actor:
    """One gazetteer entry; ``line`` is where it starts in its file."""

    id: str
    name: str
    kind: str
    side: str
    domain: str
    in_figure_1: bool
    also: tuple[str, ...] = ()
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    cased: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()
    #: What an organisation of this kind is called in a study of another
    #: municipality ('Woningcorporatie' for Bazalt Wonen); its generic aliases
    #: then name that type, not this organisation.
    type_name: str = ""
    basis: str = ""
    line: int | None = None

    @property
    def is_type(self) -> bool:
        """True for an entry that stands for a type of organisation ('Huisarts', 'Woningcorporatie')."""
        return bool(self.type_name) and normalise_name(self.type_name) == normalise_name(self.name)

    @property
    def domains(self) -> tuple[str, ...]:
        """The primary domain first, then the others the thesis ties it to."""
        return (self.domain, *[d for d in self.also if d != self.domain])

    @property
    def ring(self) -> int:
        """Layout ring of a Figure-1 style drawing: 0 domains, 1 laws,
        2 the gemeente and its teams, 3 external Figure-1 partners, 4 others."""
        if self.kind == "domain":
            return 0
        if self.kind == "law":
            return 1
        if self.side == "intern":
            return 2
        return 3 if self.in_figure_1 else 4


@dataclass
class Gazetteer:
    """Validated actors plus the file's ``network`` and ``candidates`` settings."""

    actors: dict[str, Actor]
    domains: tuple[str, ...] = DEFAULT_DOMAINS
    network: dict = field(default_factory=lambda: dict(_DEFAULT_NETWORK))
    candidates: dict = field(default_factory=lambda: dict(_DEFAULT_CANDIDATES))
    path: str | None = None

    def __post_init__(self) -> None:
        self._names: dict[str, str] = {}
        for a in self.actors.values():
            for alias in (a.name, *a.aliases):
                self._names.setdefault(normalise_name(alias), a.id)
        self._cache: dict[str, Any] = {}

    def __iter__(self) -> Iterator[Actor]:
        return iter(self.actors.values())

    def __len__(self) -> int:
        return len(self.actors)

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self.actors

    def __getitem__(self, actor_id: str) -> Actor:
        try:
            return self.actors[actor_id]
        except KeyError:
            raise CodebookError(Errors.E300.format(path=self.path or "gazetteer",
                                                   reason=f"unknown actor '{actor_id}'")) from None

    def resolve(self, name: str | None) -> str | None:
        """The id of the actor whose name or an alias equals ``name`` (any case), else None."""
        if name is None or (isinstance(name, float) and name != name):
            return None
        return self._names.get(normalise_name(name))

    def to_frame(self) -> pd.DataFrame:
        """One row per actor, file order, with ``domains`` and ``ring``."""
        rows = [{"id": a.id, "name": a.name, "kind": a.kind, "side": a.side, "domain": a.domain,
                 "domains": "; ".join(a.domains), "in_figure_1": a.in_figure_1, "parent": a.parent or "",
                 "ring": a.ring, "aliases": "; ".join(a.aliases), "generic": "; ".join(a.generic),
                 "basis": a.basis} for a in self]
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------- reading


def read_gazetteer_file(path: str | Path) -> dict:
    """Parse a gazetteer YAML file, keeping line numbers (``__line__``).

    Raises
    ------
    CodebookError
        If the file is missing, not UTF-8, not YAML or has no ``actors`` list.
    """
    path = Path(path)

    def fail(reason: str):
        return CodebookError(Errors.E300.format(path=path, reason=reason))

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail("file not found") from None
    except UnicodeDecodeError as exc:
        raise fail(f"not UTF-8 ({exc})") from None
    try:
        data = load_yaml_lines(text)
    except yaml.YAMLError as exc:
        raise fail("cannot parse YAML (" + " ".join(str(exc).split()) + ")") from None
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise fail("expected a mapping with a top-level 'actors' list")
    return data


def _str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _check_entry(entry: dict, domains: tuple[str, ...], where: str) -> list[str]:
    out = []
    for key in sorted(set(entry) - _FIELDS - {"__line__"}, key=str):
        close = difflib.get_close_matches(str(key), sorted(_FIELDS), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed: {sorted(_FIELDS)}"
        out.append(f"{where}: unknown field '{key}'{hint}")
    for key in _REQUIRED:
        if entry.get(key) in (None, ""):
            out.append(f"{where}: missing required field '{key}'")
    if entry.get("kind") not in (None, "") and entry["kind"] not in KINDS:
        out.append(f"{where}: kind '{entry['kind']}' is not one of {list(KINDS)}")
    if entry.get("side") not in (None, "") and entry["side"] not in SIDES:
        out.append(f"{where}: side '{entry['side']}' is not one of {list(SIDES)}")
    if entry.get("domain") not in (None, "") and entry["domain"] not in domains:
        out.append(f"{where}: domain '{entry['domain']}' is not one of {list(domains)}")
    if "type" in entry and not (isinstance(entry["type"], str) and entry["type"].strip()):
        out.append(f"{where}: 'type' must be a non-empty name, got {entry['type']!r}")
    if "in_figure_1" in entry and not isinstance(entry["in_figure_1"], bool):
        out.append(f"{where}: in_figure_1 must be true or false, got {entry['in_figure_1']!r}")
    for key in ("aliases", "cased", "generic", "also"):
        if key in entry and not _str_list(entry[key]):
            out.append(f"{where}: '{key}' must be a list of non-empty strings, got {entry[key]!r}")
    if _str_list(entry.get("also", [])):
        for d in entry.get("also", []):
            if d not in domains:
                out.append(f"{where}: domain '{d}' in 'also' is not one of {list(domains)}")
    aliases = entry.get("aliases") or []
    names = {entry.get("name"), *(aliases if _str_list(aliases) else [])}
    for key in ("cased", "generic"):
        if _str_list(entry.get(key, [])):
            missing = [v for v in entry.get(key, []) if v not in names]
            if missing:
                out.append(f"{where}: '{key}' lists {missing}, which are not the name or an alias")
    return out


def validate_gazetteer(data: dict, path: str | Path = "actors.yaml") -> list[str]:
    """Every problem in a parsed gazetteer, as ``[E300]`` messages naming file, line and entry."""
    problems: list[str] = []

    def add(reason: str) -> None:
        problems.append(Errors.E300.format(path=path, reason=reason))

    meta = data.get("gazetteer") or {}
    domains = tuple(meta.get("domains") or DEFAULT_DOMAINS) if isinstance(meta, dict) else DEFAULT_DOMAINS
    if not all(isinstance(d, str) for d in domains):
        add("gazetteer.domains must be a list of strings")
        domains = DEFAULT_DOMAINS
    first: dict[str, int] = {}
    alias_owner: dict[str, tuple[str, str]] = {}
    parents: list[tuple[str, str, str]] = []
    for i, entry in enumerate(data.get("actors") or []):
        if not isinstance(entry, dict):
            add(f"actors entry {i + 1} is not a mapping (got {entry!r})")
            continue
        line = entry.get("__line__", "?")
        aid = entry.get("id")
        where = f"line {line}, actor '{aid}'" if aid is not None else f"line {line}, actor entry {i + 1}"
        for reason in _check_entry(entry, domains, where):
            add(reason)
        if aid is None:
            continue
        aid = str(aid)
        if not _ID.match(aid):
            add(f"{where}: invalid id (use lowercase letters, digits and '_')")
        if aid in first:
            add(f"{where}: duplicate id (first defined on line {first[aid]})")
            continue
        first[aid] = line
        if entry.get("parent") is not None:
            parents.append((aid, str(entry["parent"]), where))
        aliases = entry.get("aliases") or []
        for alias in [entry.get("name"), *(aliases if _str_list(aliases) else [])]:
            if not isinstance(alias, str):
                continue
            key = normalise_name(alias)
            owner = alias_owner.get(key)
            if owner and owner[0] != aid:
                add(f"{where}: alias '{alias}' is also an alias of actor '{owner[0]}' ({owner[1]}); "
                    f"an alias must point at one actor")
            alias_owner.setdefault(key, (aid, where))
    for aid, parent, where in parents:
        if parent not in first:
            add(f"{where}: unknown parent '{parent}'")
        elif parent == aid:
            add(f"{where}: an actor cannot be its own parent")
    for section, keys in (("network", ("node_kinds", "presence_cues")),
                          ("candidates", ("cues", "prefixes", "connectors", "not_actors"))):
        spec = data.get(section)
        if spec is None:
            continue
        if not isinstance(spec, dict):
            add(f"'{section}' must be a mapping")
            continue
        for key in sorted(set(spec) - set(keys) - {"__line__"}, key=str):
            add(f"line {spec.get('__line__', '?')}: unknown setting '{section}.{key}'; allowed: {list(keys)}")
        for key in keys:
            if key in spec and not _str_list(spec[key]):
                add(f"{section}.{key} must be a list of non-empty strings")
        kinds = spec.get("node_kinds") if section == "network" else None
        if kinds and _str_list(kinds) and set(kinds) - set(KINDS):
            add(f"network.node_kinds lists unknown kind(s) {sorted(set(kinds) - set(KINDS))}; "
                f"allowed: {list(KINDS)}")
    for key in sorted(set(data) - {"gazetteer", "network", "candidates", "actors", "__line__"}, key=str):
        add(f"unknown top-level section '{key}'; allowed: gazetteer, network, candidates, actors")
    if not first and not problems:
        add("the 'actors' list is empty")
    return problems


def load_gazetteer(path: str | Path = DEFAULT_ACTORS) -> Gazetteer:
    """Read and validate an actor gazetteer.

    Parameters
    ----------
    path
        The YAML file; defaults to ``altena_qca/resources/codebook/actors.yaml``.

    Returns
    -------
    Gazetteer

    Raises
    ------
    CodebookError
        ``[E300]`` naming the file, the line and the actor of the first problem
        (and how many more there are).
    """
    path = Path(path)
    data = read_gazetteer_file(path)
    problems = validate_gazetteer(data, path)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CodebookError(problems[0] + more)
    actors = {}
    for e in data["actors"]:
        actors[str(e["id"])] = Actor(
            id=str(e["id"]), name=str(e["name"]).strip(), kind=e["kind"], side=e["side"],
            domain=e["domain"], in_figure_1=e["in_figure_1"], also=tuple(e.get("also") or ()),
            parent=e.get("parent"), aliases=tuple(e.get("aliases") or ()), cased=tuple(e.get("cased") or ()),
            generic=tuple(e.get("generic") or ()), type_name=str(e.get("type") or "").strip(),
            basis=" ".join(str(e.get("basis", "")).split()), line=e.get("__line__"))
    meta = strip_lines(data.get("gazetteer") or {})
    network = {**_DEFAULT_NETWORK, **strip_lines(data.get("network") or {})}
    candidates = {**_DEFAULT_CANDIDATES, **strip_lines(data.get("candidates") or {})}
    return Gazetteer(actors, domains=tuple(meta.get("domains") or DEFAULT_DOMAINS), network=network,
                     candidates=candidates, path=str(path))


def _resolve_organisation(org: str, gazetteer: Gazetteer) -> str | None:
    actor = gazetteer.resolve(org)
    if actor is None:
        from .mentions import find_mentions
        found = find_mentions(str(org), gazetteer)
        # a type word inside a longer name ('GGZ Oost Brabant') does not say which organisation it is
        specific = ~found["generic"] & ~found["actor"].map(lambda a: gazetteer[a].is_type).astype(bool)
        found = found[specific]["actor"].unique().tolist()
        actor = found[0] if len(found) == 1 else None
    return actor


def respondent_actors(corpus: Corpus, gazetteer: Gazetteer,
                      source: str | Path = "respondents.csv") -> dict[str, str]:
    """Map each respondent with an ``organisation`` to the actor it resolves to.

    The organisation is looked up by name and alias (any case); if that
    fails, the actors named inside it are tried, and a single specific one is
    taken (``'Mentor bij Smo Breda'`` → ``smo_breda``). Organisations that do
    not resolve are left out: they are findings, not errors
    (:func:`unresolved_organisations` lists them; the network analysis warns
    and adds them to the gazetteer candidates).
    """
    out: dict[str, str] = {}
    for rid, resp in corpus.respondents.items():
        org = resp.organisation
        if org is None or not str(org).strip():
            continue
        actor = _resolve_organisation(org, gazetteer)
        if actor is not None:
            out[rid] = actor
    return out


def unresolved_organisations(corpus: Corpus, gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Organisations in ``respondents.csv`` that are not in the gazetteer: name → respondent ids."""
    out: dict[str, list[str]] = {}
    for rid, resp in sorted(corpus.respondents.items()):
        org = resp.organisation
        if org and str(org).strip() and _resolve_organisation(org, gazetteer) is None:
            out.setdefault(" ".join(str(org).split()), []).append(rid)
    return out


# --------------------------------------------------------------------------- a study's own actors

#: Fields of an entry in a study's own ``actors.yaml`` (only ``name`` is required).
STUDY_ACTOR_FIELDS = ("name", "aliases", "domain", "side", "kind", "id")
#: Domain of a study's actor that names none.
OTHER_DOMAIN = "overig"


def _study_actor_problems(data: Any, path: Path, base: Gazetteer) -> list[str]:
    problems: list[str] = []

    def add(line, reason):
        problems.append(Errors.E300.format(path=path, reason=f"line {line}: {reason}" if line else reason))

    if data is None:
        return problems
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        add(None, "expected a top-level list 'actors' with one '- name: ...' entry per organisation")
        return problems
    for key in sorted(set(data) - {"actors", "__line__"}, key=str):
        add(data.get("__line__"), f"unknown top-level key '{key}'; a study's actors.yaml has only 'actors'")
    seen: dict[str, int] = {}
    for i, entry in enumerate(data["actors"], start=1):
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict):
            add(None, f"actors entry {i} is not a name or a mapping (got {entry!r})")
            continue
        line = entry.get("__line__")
        for key in sorted(set(entry) - set(STUDY_ACTOR_FIELDS) - {"__line__"}, key=str):
            close = difflib.get_close_matches(str(key), STUDY_ACTOR_FIELDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed: {', '.join(STUDY_ACTOR_FIELDS)}"
            add(line, f"unknown field '{key}'{hint}")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            add(line, "every actor needs a 'name'")
            continue
        if "aliases" in entry and not _str_list(entry["aliases"]):
            add(line, f"'aliases' must be a list of names, got {entry['aliases']!r}")
        if entry.get("side") not in (None, *SIDES):
            add(line, f"side '{entry['side']}' is not one of {list(SIDES)}")
        if entry.get("kind") not in (None, *KINDS):
            add(line, f"kind '{entry['kind']}' is not one of {list(KINDS)}")
        if entry.get("domain") is not None and entry["domain"] not in (*base.domains, OTHER_DOMAIN):
            add(line, f"domain '{entry['domain']}' is not one of {[*base.domains, OTHER_DOMAIN]} (or leave it out)")
        if entry.get("id") is not None and not _ID.match(str(entry["id"])):
            add(line, f"invalid id '{entry['id']}' (use lowercase letters, digits and '_')")
        for alias in [name, *(entry.get("aliases") or [] if _str_list(entry.get("aliases") or []) else [])]:
            key = normalise_name(alias)
            if key in seen and seen[key] != i:
                add(line, f"'{alias}' is listed twice")
            seen.setdefault(key, i)
    return problems


def read_study_actors(path: str | Path) -> Any:
    """Parse a study's ``actors.yaml`` keeping line numbers (E300 when unreadable, E109 when no file)."""
    path = check_input_file(path)
    try:
        return load_yaml_lines(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, OSError) as exc:
        raise CodebookError(Errors.E300.format(path=path, reason=f"cannot read ({exc})")) from None
    except yaml.YAMLError as exc:
        raise CodebookError(Errors.E300.format(path=path, reason="cannot parse YAML (" + " ".join(str(exc).split())
                                               + ")")) from None


def validate_study_actors(path: str | Path, base: Gazetteer) -> list[str]:
    """Every problem in a study's own ``actors.yaml``, as ``[E300]`` messages with file and line."""
    path = Path(path)
    try:
        data = read_study_actors(path)
    except CodebookError as exc:
        return [str(exc)]
    return _study_actor_problems(data, path, base)


def merge_study_actors(base: Gazetteer, path: str | Path) -> Gazetteer:
    """``base`` plus the organisations of a study's own ``actors.yaml``.

    A study lists only names; aliases, ``domain`` (default ``overig``),
    ``side`` (default ``extern``), ``kind`` (default ``organisation``) and
    ``id`` (default: from the name) are optional::

        actors:
          - name: GGZ Oost Brabant
            aliases: [GGZ-OB]
            domain: gezondheid
          - Wijkteam Heusden

    An entry whose name or an alias is already in ``base`` adds its other
    names as aliases of that actor. The result's ``path`` names both files.

    Raises
    ------
    CodebookError
        ``[E300]`` naming the file and line of the first problem.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "actors.yaml"
    >>> _ = p.write_text("actors:\\n  - name: GGZ Oost Brabant\\n    aliases: [GGZ-OB]\\n  - Wijkteam Heusden\\n")
    >>> base = Gazetteer({}, path="base.yaml")
    >>> gaz = merge_study_actors(base, p)
    >>> gaz.resolve("ggz-ob"), gaz["wijkteam_heusden"].domain, gaz["wijkteam_heusden"].side
    ('ggz_oost_brabant', 'overig', 'extern')
    """
    from dataclasses import replace

    path = Path(path)
    data = read_study_actors(path)
    problems = _study_actor_problems(data, path, base)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CodebookError(problems[0] + more)
    actors = dict(base.actors)
    domains = base.domains
    for entry in (data or {}).get("actors") or []:
        entry = {"name": entry} if isinstance(entry, str) else strip_lines(entry)
        name = " ".join(entry["name"].split())
        aliases = tuple(" ".join(a.split()) for a in entry.get("aliases") or ())
        known = next((base.resolve(n) for n in (name, *aliases) if base.resolve(n)), None)
        if known is not None:
            old = actors[known]
            extra = tuple(n for n in (name, *aliases) if n not in (old.name, *old.aliases))
            actors[known] = replace(old, aliases=old.aliases + extra)
            continue
        aid = str(entry.get("id") or re.sub(r"[^a-z0-9]+", "_", normalise_name(
            unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode())).strip("_") or "actor")
        while aid in actors:
            aid += "_2"
        domain = entry.get("domain") or OTHER_DOMAIN
        if domain not in domains:
            domains = (*domains, domain)
        actors[aid] = Actor(id=aid, name=name, kind=entry.get("kind") or "organisation",
                            side=entry.get("side") or "extern", domain=domain, in_figure_1=False,
                            aliases=aliases, basis=f"{path.name} of the study")
    return Gazetteer(actors, domains=domains, network=dict(base.network), candidates=dict(base.candidates),
                     path=f"{base.path} + {path}")


def _without_thesis_specifics(gazetteer: Gazetteer) -> Gazetteer:
    """The package gazetteer for a study of another municipality.

    The thesis municipality (the internal organisation with the generic alias
    'gemeente') and its teams (their role words, 'Wmo-consulent' → Team
    Toegang, hold only there) are left out; "gemeente <name>" is cut from the
    other names ('Politie gemeente Altena' → 'Politie') and aliases naming it
    are dropped; Figure-1 places are dropped. Generic aliases ('woningcorporatie',
    'de GGZ') name the entry's ``type`` instead (and are no longer generic: in
    this study they mean that type): an entry whose name is its type
    ('Huisarts', 'Wijkteam') keeps them; for a named organisation (Bazalt Wonen)
    they move to an actor of its type ('Woningcorporatie'), so another study's
    'de woningcorporatie' is a node without being called Bazalt Wonen. Entries
    without a type lose their generic aliases.
    """
    from dataclasses import replace

    home = [a for a in gazetteer if a.side == "intern" and a.parent is None and a.kind == "organisation"
            and "gemeente" in {normalise_name(g) for g in a.generic}]
    drop = {a.id for a in home}
    drop |= {a.id for a in gazetteer if a.parent in drop}
    local = [re.compile(r"\s*\b" + re.escape(a.name) + r"\b", re.IGNORECASE) for a in home]
    actors = {}
    for aid, a in gazetteer.actors.items():
        if aid in drop:
            continue
        generic = set(a.generic)
        name = a.name
        for pattern in local:
            name = pattern.sub("", name).strip() or a.name
        keep = tuple(x for x in a.aliases if x not in generic and not any(p.search(x) for p in local))
        own_type = bool(a.type_name) and normalise_name(a.type_name) == normalise_name(name)
        if own_type:
            keep = tuple(dict.fromkeys(keep + a.generic))
        actors[aid] = replace(a, name=name, in_figure_1=False, generic=(),
                              aliases=keep, cased=tuple(x for x in a.cased if x in keep or x == name),
                              parent=None if a.parent in drop else a.parent)
        if a.type_name and not own_type and a.generic:
            tid = "type_" + re.sub(r"[^a-z0-9]+", "_", normalise_name(a.type_name)).strip("_")
            aliases = tuple(dict.fromkeys((a.type_name, *a.generic)))
            actors.setdefault(tid, Actor(
                id=tid, name=a.type_name, kind=a.kind, side=a.side, domain=a.domain, in_figure_1=False,
                also=a.also, aliases=aliases, cased=tuple(x for x in a.cased if x in aliases),
                type_name=a.type_name,
                basis=f"the type of {a.name} in the package gazetteer, for a study of another municipality"))
    return replace(gazetteer, actors=actors)


def study_gazetteer(data_dir: str | Path | None, base: str | Path = DEFAULT_ACTORS, *,
                    municipality: str = "", thesis: bool = True) -> Gazetteer:
    """The package gazetteer merged with ``<data_dir>/actors.yaml`` when the study has one.

    For another study than the thesis (``thesis=False``) the package's entries
    lose what only holds in the Altena interviews: their generic aliases ('de
    GGZ', 'gemeente', 'wijkagent' mean *some* organisation of that type, not
    GGZ-Breburg or gemeente Altena) and their place in Figure 1 of the
    thesis (so the partner network holds the organisations the study names,
    not the thesis's fifteen partners). The study's own municipality
    (``study.yaml``) is an actor too: ``Gemeente <municipality>``, side
    intern, with 'gemeente' as its generic alias, when no entry names it.
    """
    from dataclasses import replace

    gazetteer = load_gazetteer(base)
    if not thesis:
        gazetteer = _without_thesis_specifics(gazetteer)
    local = Path(data_dir) / "actors.yaml" if data_dir is not None else None
    if local is not None and local.exists():
        gazetteer = merge_study_actors(gazetteer, local)
    name = f"Gemeente {' '.join(municipality.split())}" if municipality and municipality.strip() else None
    if name and gazetteer.resolve(name) is None:
        aid = "gemeente_" + re.sub(r"[^a-z0-9]+", "_", normalise_name(unicodedata.normalize("NFKD", municipality)
                                                                      .encode("ascii", "ignore").decode())).strip("_")
        domain = gazetteer.domains[0] if gazetteer.domains else OTHER_DOMAIN
        actors = dict(gazetteer.actors)
        generic = ("gemeente",) if not thesis and gazetteer.resolve("gemeente") is None else ()
        actors[aid] = Actor(id=aid, name=name, kind="organisation", side="intern", domain=domain,
                            in_figure_1=False, aliases=(f"gemeente {municipality.strip()}", *generic),
                            generic=generic, basis="the municipality of study.yaml")
        gazetteer = replace(gazetteer, actors=actors)
    return gazetteer


def interviewed_actors(mapping: Mapping[str, str]) -> dict[str, list[str]]:
    """Invert :func:`respondent_actors`: actor id → sorted respondent ids."""
    out: dict[str, list[str]] = {}
    for rid, aid in sorted(mapping.items()):
        out.setdefault(aid, []).append(rid)
    return out

