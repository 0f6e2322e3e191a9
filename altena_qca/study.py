"""A study = a folder: its description, corpus, codebook and codings, loaded in one call.

A study folder holds ``study.yaml`` (title, municipality, commissioner,
period, report language, extra speaker labels), ``respondents.csv``,
``transcripts/``, optionally ``observations/``, ``codebook.yaml``,
``actors.yaml`` and ``codings.csv`` (``docs/study-format.md``). The bundled
thesis study is one study among others. This is what notebooks and the CLI
start from::

    from altena_qca import load_study
    study = load_study("my-study")
    study.config.title, study.coding_source
    study.codings.head()

:func:`find_study` finds the folder as git finds its repository: an explicit
folder, else the nearest ``study.yaml`` in the current folder or above it.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ._io import check_input_file
from ._yamllines import LINE_KEY, load_yaml_lines
from .codebook import DEFAULT_CODEBOOK, load_codebook
from .errors import Errors, InputError, Warnings
from .ingest.corpus import load_codings
from .model import Codebook, Corpus, make_codings
from .resources import DEFAULT_DATA, is_bundled

__all__ = [
    "CODING_SOURCES",
    "DEFAULT_DATA",
    "STUDY_FILE",
    "Study",
    "StudyConfig",
    "find_study",
    "is_bundled",
    "load_config",
    "load_study",
]

#: The file that makes a folder a study.
STUDY_FILE = "study.yaml"

#: Where a study's codings come from: coded by people, the auto-coder's
#: unreviewed suggestions, or nothing at all.
CODING_SOURCES = ("manual", "suggested", "none")

#: Roles a speaker label can have (see :mod:`altena_qca.ingest.segment`).
SPEAKER_ROLES = ("interviewer", "respondent", "observer")

_LANGUAGES = ("nl",)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


@dataclass(frozen=True)
class StudyConfig:
    """What ``study.yaml`` says about a study; read by every stage.

    Attributes
    ----------
    title : str
        Title of the study (report title page).
    municipality : str
        The municipality studied (e.g. ``"Altena"``); may be empty.
    commissioner : str
        Who commissioned the study (e.g. ``"gemeente Altena"``); may be empty.
    period : str
        When the interviews were held (e.g. ``"2023"`` or ``"voorjaar 2024"``).
    language : str
        Language of the report; ``"nl"``.
    speakers : tuple of (label, role)
        Extra speaker labels or names and their role (``interviewer``,
        ``respondent``, ``observer``), on top of ``I:``/``R:`` and the other
        labels understood without configuration.
    thesis : bool
        True only for the bundled thesis study: thesis-specific wording
        (§-references, "naar Figuur 1 van de scriptie").
    reconstructed : bool
        The data are a reconstruction: every output carries a notice.
    slug : str
        Stem of output file names (``<slug>.xlsx``, ``<slug>.qdpx``).

    Examples
    --------
    >>> c = StudyConfig(title="Zorgnetwerk Heusden", municipality="Heusden")
    >>> c.slug, c.commissioner, c.speaker_roles
    ('zorgnetwerk-heusden', '', {})
    """

    title: str
    municipality: str = ""
    commissioner: str = ""
    period: str = ""
    language: str = "nl"
    speakers: tuple[tuple[str, str], ...] = ()
    thesis: bool = False
    reconstructed: bool = False
    slug: str = ""

    def __post_init__(self):
        if not self.slug:
            object.__setattr__(self, "slug", slugify(self.title))

    @property
    def speaker_roles(self) -> dict[str, str]:
        """``speakers`` as the label → role mapping the segmenter takes."""
        return dict(self.speakers)

    def protected_terms(self) -> tuple[str, ...]:
        """Names from this description that pseudonymisation leaves alone.

        The municipality as an organisation (``gemeente Heusden``) and the
        commissioner: they name the study's subject, not a person.

        >>> StudyConfig(title="T", municipality="Heusden").protected_terms()
        ('gemeente Heusden',)
        """
        terms = [f"gemeente {self.municipality}" if self.municipality else "", self.commissioner]
        return tuple(dict.fromkeys(t for t in terms if t))

    def to_yaml(self) -> str:
        """The ``study.yaml`` text for this configuration, with comments."""
        def q(value: str) -> str:
            return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6).strip() \
                .removesuffix("...").strip()
        lines = [
            "# The description of this study; read by every altena-qca stage (docs/study-format.md).",
            f"title: {q(self.title)}",
            f"municipality: {q(self.municipality)}      # the municipality studied",
            f"commissioner: {q(self.commissioner)}      # who commissioned the study (may be empty)",
            f"period: {q(self.period)}      # when the interviews were held",
            f"language: {self.language}      # language of the report (nl)",
            f"slug: {self.slug}      # stem of output file names",
            "# Extra speaker labels or names in the transcripts and their role",
            "# (interviewer, respondent, observer); I:/R:, Interviewer:/Respondent:,",
            "# Vraag:/Antwoord: and Q:/A: are understood without this.",
        ]
        if self.speakers:
            lines.append("speakers:")
            lines += [f"  {q(label)}: {role}" for label, role in self.speakers]
        else:
            lines.append("speakers: {}")
        lines += [f"thesis: {str(self.thesis).lower()}      # true only for the bundled thesis study",
                  f"reconstructed: {str(self.reconstructed).lower()}      # true: the data are a reconstruction"]
        return "\n".join(lines) + "\n"


def slugify(text: str) -> str:
    """A file-name stem from ``text``: ASCII, lower case, words joined by ``-``.

    >>> slugify("Zorg & veiligheid in 's-Hertogenbosch (2024)")
    'zorg-veiligheid-in-s-hertogenbosch-2024'
    """
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:60].strip("-")
    return slug or "studie"


_KEYS = ("title", "municipality", "commissioner", "period", "language", "speakers", "thesis", "reconstructed",
         "slug")


def load_config(folder: str | Path) -> StudyConfig:
    """Read ``<folder>/study.yaml``.

    A folder without ``study.yaml`` (made before studies had one) gets a
    configuration derived from the folder, with warning W110.

    Raises
    ------
    InputError
        E130 for unreadable YAML, E131 for a bad value, E132 for an unknown
        key, each naming file and line.
    """
    folder = Path(folder)
    path = folder / STUDY_FILE
    if not path.exists():
        config = derived_config(folder)
        warnings.warn(Warnings.W110.format(path=folder, title=config.title, municipality=config.municipality),
                      stacklevel=2)
        return config
    check_input_file(path)  # E109 for a folder or a named pipe: never read as 'no study.yaml'
    try:
        data = load_yaml_lines(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(Errors.E130.format(path=path, reason=str(exc).replace("\n", " "))) from None
    if data is None:
        data = {LINE_KEY: 1}
    if not isinstance(data, dict):
        raise InputError(Errors.E131.format(path=path, line=1, value=type(data).__name__, key="(file)",
                                            reason="expected a mapping of key: value"))
    lines = _key_lines(path)

    def bad(key, value, reason):
        return InputError(Errors.E131.format(path=path, line=lines.get(key, data.get(LINE_KEY, 1)), value=value,
                                             key=key, reason=reason))

    for key in data:
        if key != LINE_KEY and key not in _KEYS:
            raise InputError(Errors.E132.format(path=path, line=lines.get(key, 1), key=key,
                                                allowed=", ".join(_KEYS)))
    values: dict[str, Any] = {}
    for key in ("title", "municipality", "commissioner", "period", "language", "slug"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise bad(key, value, "expected text")
        values[key] = " ".join(str(value).split())
    if not values.get("title"):
        raise bad("title", data.get("title", ""), "a study needs a title")
    if values.get("language", "nl") not in _LANGUAGES:
        raise bad("language", values["language"], f"expected one of {', '.join(_LANGUAGES)}")
    if values.get("slug") and not _SLUG.match(values["slug"]):
        raise bad("slug", values["slug"], "use lower-case letters, digits, '-' and '_' (at most 60)")
    for key in ("thesis", "reconstructed"):
        if key in data and not isinstance(data[key], bool):
            raise bad(key, data[key], "expected true or false")
        values[key] = bool(data.get(key, False))
    speakers = data.get("speakers") or {}
    if not isinstance(speakers, dict):
        raise bad("speakers", speakers, "expected a mapping of label: role, e.g. 'Anna: interviewer'")
    pairs = []
    for label, role in speakers.items():
        if label == LINE_KEY:
            continue
        if not isinstance(label, str) or not label.strip() or role not in SPEAKER_ROLES:
            raise bad("speakers", f"{label}: {role}", f"role must be one of {', '.join(SPEAKER_ROLES)}")
        pairs.append((label.strip(), role))
    values["speakers"] = tuple(sorted(pairs))
    return StudyConfig(**values)


def _key_lines(path: Path) -> dict[str, int]:
    """Line of each top-level key of a YAML file (for messages)."""
    out: dict[str, int] = {}
    for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if m:
            out.setdefault(m.group(1), i)
    return out


def derived_config(folder: str | Path) -> StudyConfig:
    """A configuration for a folder without ``study.yaml``, from what it holds.

    The title is the folder name; the municipality is taken from an internal
    respondent's organisation ``Gemeente X``, when there is one; the period is
    the years of the interview dates.
    """
    folder = Path(folder)
    municipality, years = "", set()
    path = folder / "respondents.csv"
    if path.is_file():
        try:
            resp = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError):
            resp = pd.DataFrame()
        if {"side", "organisation"} <= set(resp.columns):
            orgs = resp.loc[resp["side"].str.strip().str.lower() == "intern", "organisation"]
            names = sorted({m.group(1).strip() for o in orgs if (m := re.match(r"(?i)\s*gemeente\s+(.+)", o))})
            municipality = names[0] if len(names) == 1 else ""
        if "interview_date" in resp.columns:
            years = {m.group(0) for d in resp["interview_date"] if (m := re.search(r"\b(19|20)\d\d\b", d))}
    name = folder.resolve().name or "studie"
    years_ = sorted(years)
    period = "" if not years_ else years_[0] if len(years_) == 1 else f"{years_[0]}–{years_[-1]}"
    return StudyConfig(title=name, municipality=municipality,
                       commissioner=f"gemeente {municipality}" if municipality else "",
                       period=period, slug=slugify(name))


def find_study(data: str | Path | None = None, start: str | Path | None = None, *,
               default: str | Path | None = None) -> Path:
    """The study folder to work on, found as git finds its repository.

    Parameters
    ----------
    data
        An explicit folder (``--data``); returned when it is a folder.
    start
        Where to start looking for ``study.yaml`` (default: the current
        folder); that folder and each one above it are tried.
    default
        Returned when no ``study.yaml`` is found (e.g. the bundled study for
        read-only commands); without it, that is an error.

    Raises
    ------
    InputError
        E134 when ``data`` is not a folder, E133 when no study is found.
    """
    if data is not None:
        path = Path(data)
        if not path.is_dir():
            raise InputError(Errors.E134.format(path=path, reason="folder not found"))
        return path
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / STUDY_FILE).is_file():
            return folder
    if default is not None:
        return Path(default)
    raise InputError(Errors.E133.format(start=here))


def _config_for(data_dir: Path | None) -> StudyConfig:
    if data_dir is None:
        return StudyConfig(title="Studie zonder map", slug="studie")
    return load_config(data_dir)


@dataclass
class Study:
    """Description, corpus, codebook and codings of one study (see :func:`load_study`).

    Attributes
    ----------
    config : StudyConfig
        From ``study.yaml`` (derived from the folder when it has none).
    coding_source : str
        Where ``codings`` come from: ``"manual"`` (coded by people),
        ``"suggested"`` (the auto-coder's unreviewed suggestions) or
        ``"none"`` (there are no codings). Derived from ``codings`` when not
        given.
    """

    corpus: Corpus
    codebook: Codebook
    codings: pd.DataFrame
    data_dir: Path | None = None
    config: StudyConfig | None = None
    coding_source: str | None = None
    _memo: dict = field(default_factory=dict, repr=False, compare=False)
    #: The study cache it was loaded with (:mod:`altena_qca.store.cache`), or None;
    #: results derived from the whole study may be kept there (``study_fingerprint``).
    cache: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.config is None:
            self.config = _config_for(self.data_dir)
        if self.coding_source is None:
            self.coding_source = "manual" if len(self.codings) else "none"
        if self.coding_source not in CODING_SOURCES:
            raise ValueError(f"coding_source must be one of {CODING_SOURCES}, got {self.coding_source!r}")

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """A derived result (groups, network, ...) computed once per study state.

        The result is kept with the corpus, codebook and codings it was
        computed from (the objects themselves, not their ``id``, which Python
        reuses once an object is freed); assigning any of them
        (``study.codings = ...``) computes afresh.
        """
        state = (self.corpus, self.codebook, self.codings)
        held = self._memo.get(name)
        if held is None or any(a is not b for a, b in zip(held[0], state)):
            held = (state, compute())
            self._memo[name] = held
        return held[1]


def load_study(data_dir: str | Path = DEFAULT_DATA, codebook: str | Path | None = None, *,
               pseudonymise: bool = True, engine=None, cache: bool = True) -> Study:
    """Load the description, corpus, codebook and codings of a study folder.

    Parameters
    ----------
    data_dir
        Study folder with ``study.yaml``, ``respondents.csv``,
        ``transcripts/`` and optionally ``observations/``, ``codebook.yaml``,
        ``actors.yaml`` and ``codings.csv`` (``docs/study-format.md``).
        When the folder holds a coding store ``study.sqlite`` (made by the
        workbench), the codings come from there instead of ``codings.csv``.
    codebook
        Codebook YAML; defaults to ``<data_dir>/codebook.yaml`` if present,
        else the thesis codebook ``altena_qca/resources/codebook/altena.yaml``.
    pseudonymise
        Pseudonymise transcripts on ingest (default).
    engine
        Who reads and pseudonymises the documents not in the study cache: None
        or ``"local"`` (this machine; a pool of processes when several are
        new), or an engine of :mod:`altena_qca.engine` (e.g. a Dask cluster).
    cache
        Use the study cache (:mod:`altena_qca.store.cache`, in the user's
        cache folder): unchanged documents and codings are not read again.
        The result is the same either way.
    """
    from .engine import load_corpus
    from .store.cache import open_study_cache

    data_dir = Path(data_dir)
    config = load_config(data_dir)
    if codebook is None:
        local = data_dir / "codebook.yaml"
        codebook = local if local.exists() else DEFAULT_CODEBOOK
    cb = load_codebook(codebook)
    cached = open_study_cache(data_dir) if cache and pseudonymise else None
    corpus = load_corpus(data_dir, pseudonymise=pseudonymise, speakers=config.speaker_roles or None,
                         engine=engine, cache=cached, protected=config.protected_terms())
    path = data_dir / "codings.csv"
    coding_store = data_dir / "study.sqlite"  # the coding store, once coding has started (store/codings.py)
    if coding_store.exists():
        from .store.codings import read_store_codings
        codings = read_store_codings(coding_store, corpus)
    elif not path.exists():
        codings = make_codings([])
    elif cached is not None:
        check_input_file(path)  # a named pipe would block the cache's hashing
        codings = cached.codings(path, cb, lambda: load_codings(path, corpus, cb))
    else:
        codings = load_codings(path, corpus, cb)
    if cached is not None:
        cached.corpus = corpus  # what its document keys describe
    return Study(corpus=corpus, codebook=cb, codings=codings, data_dir=data_dir, config=config, cache=cached)
