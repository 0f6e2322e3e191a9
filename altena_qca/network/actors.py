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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd
import yaml

from .._yamllines import load_yaml_lines, strip_lines
from ..errors import CodebookError, Errors, InputError
from ..model import SIDES, Corpus
from ..resources import DEFAULT_ACTORS

__all__ = ["DEFAULT_ACTORS", "KINDS", "DEFAULT_DOMAINS", "Actor", "Gazetteer", "load_gazetteer",
           "validate_gazetteer", "read_gazetteer_file", "respondent_actors", "interviewed_actors",
           "normalise_name"]

#: The gazetteer of the Altena study shipped with the repository.
#: What an entry can be; only organisations and teams become network nodes by default.
KINDS = ("domain", "law", "team", "organisation")
#: Domains when the file does not list its own (``gazetteer.domains``).
DEFAULT_DOMAINS = ("sociaal domein", "openbare orde en veiligheid")

_ID = re.compile(r"^[a-z0-9_]+$")
_REQUIRED = ("id", "name", "kind", "side", "domain", "in_figure_1")
_FIELDS = set(_REQUIRED) | {"also", "parent", "aliases", "cased", "generic", "basis"}
_DEFAULT_NETWORK = {"node_kinds": ["organisation", "team"], "presence_cues": ["aanwezig"]}
_DEFAULT_CANDIDATES = {"cues": [], "prefixes": [], "connectors": ["van", "voor", "de"], "not_actors": []}


def normalise_name(text: str) -> str:
    """Case-folded, NFC, one space between words, one kind of apostrophe and hyphen.

    >>> normalise_name("  Smo  Breda E.O. ") == normalise_name("smo breda e.o.")
    True
    """
    text = unicodedata.normalize("NFC", str(text)).replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010\u2011\u2013\u2014]", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


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
    basis: str = ""
    line: int | None = None

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
        if _str_list(kinds or []) and set(kinds or []) - set(KINDS):
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
            generic=tuple(e.get("generic") or ()), basis=" ".join(str(e.get("basis", "")).split()),
            line=e.get("__line__"))
    meta = strip_lines(data.get("gazetteer") or {})
    network = {**_DEFAULT_NETWORK, **strip_lines(data.get("network") or {})}
    candidates = {**_DEFAULT_CANDIDATES, **strip_lines(data.get("candidates") or {})}
    return Gazetteer(actors, domains=tuple(meta.get("domains") or DEFAULT_DOMAINS), network=network,
                     candidates=candidates, path=str(path))


def respondent_actors(corpus: Corpus, gazetteer: Gazetteer,
                      source: str | Path = "respondents.csv") -> dict[str, str]:
    """Map each respondent with an ``organisation`` to the actor it resolves to.

    The organisation is looked up by name and alias (any case); if that
    fails, the actors named inside it are tried, and a single specific one is
    taken (``'Mentor bij Smo Breda'`` → ``smo_breda``).

    Raises
    ------
    InputError
        ``[E300]`` naming the respondent, the organisation and ``source`` when
        an organisation cannot be resolved: add it to the gazetteer.
    """
    out: dict[str, str] = {}
    for rid, resp in corpus.respondents.items():
        org = resp.organisation
        if org is None or not str(org).strip():
            continue
        actor = gazetteer.resolve(org)
        if actor is None:
            from .mentions import find_mentions
            found = find_mentions(str(org), gazetteer)
            found = found[~found["generic"]]["actor"].unique().tolist()
            actor = found[0] if len(found) == 1 else None
        if actor is None:
            raise InputError(Errors.E300.format(
                path=source, reason=f"organisation '{org}' of respondent {rid} is not in the gazetteer "
                                    f"{gazetteer.path or ''}; add it as an actor name or alias"))
        out[rid] = actor
    return out


def interviewed_actors(mapping: Mapping[str, str]) -> dict[str, list[str]]:
    """Invert :func:`respondent_actors`: actor id → sorted respondent ids."""
    out: dict[str, list[str]] = {}
    for rid, aid in sorted(mapping.items()):
        out.setdefault(aid, []).append(rid)
    return out

