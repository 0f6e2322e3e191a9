"""Protected terms: organisation names, laws and programmes that are never pseudonymised.

They come from ``altena_qca/resources/codebook/privacy_allowlist.yaml`` and the actor gazetteer
``altena_qca/resources/codebook/actors.yaml``; a tag that overlaps one is cut back to the part outside it.
"""
from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable
from pathlib import Path

import yaml

from ..errors import CodebookError, Errors, Warnings
from ..resources import DEFAULT_ACTORS, DEFAULT_ALLOWLIST

#: libyaml's safe loader where PyYAML has it (about 10× faster), else the pure-Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_E501 = Errors.E501
_W500 = Warnings.W500
_SEP = r"[\s\-\u2010\u2011\u2013\u2014]+"  # spaces and hyphens inside a term match each other


def _clean_term(term: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", term)).strip()


def _terms_from_allowlist(path: Path) -> list[str]:
    if not path.is_file():
        raise CodebookError(_E501.format(path=path, reason="allowlist of protected terms not found"))
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - safe
    except yaml.YAMLError as exc:
        raise CodebookError(_E501.format(path=path, reason=f"cannot parse YAML ({exc})".replace("\n", " ")))
    if data is None:
        return []
    if not isinstance(data, dict):
        raise CodebookError(_E501.format(path=path, reason="expected a mapping of group name -> list of terms"))
    terms = []
    for group, items in data.items():
        if items is None:
            continue
        if not isinstance(items, list) or not all(isinstance(t, str) and t.strip() for t in items):
            raise CodebookError(_E501.format(
                path=path, reason=f"group '{group}' must be a list of non-empty strings, got {items!r}"))
        terms.extend(items)
    return terms


def _terms_from_actors(path: Path) -> list[str]:
    """Strings under ``name``/``aliases`` of the entries of ``actors`` (read defensively)."""
    if not path.is_file():
        return []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - safe
    except (yaml.YAMLError, OSError, UnicodeDecodeError) as exc:
        warnings.warn(_W500.format(path=path, reason=str(exc).splitlines()[0]), stacklevel=3)
        return []
    actors = data.get("actors") if isinstance(data, dict) else None
    if not isinstance(actors, list):
        warnings.warn(_W500.format(path=path, reason="no top-level list 'actors'"), stacklevel=3)
        return []
    terms: list[str] = []
    for entry in actors:
        if isinstance(entry, str):  # a study's actors.yaml may list bare names
            terms.append(entry)
            continue
        if not isinstance(entry, dict):
            continue
        for key in ("name", "aliases"):
            value = entry.get(key)
            values = value if isinstance(value, list) else [value]
            terms.extend(v for v in values if isinstance(v, str))
    return terms


def load_protected_terms(allowlist: str | Path | None = DEFAULT_ALLOWLIST,
                         actors: str | Path | None = DEFAULT_ACTORS,
                         extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The terms that pseudonymisation must leave alone, deduplicated and sorted.

    Parameters
    ----------
    allowlist
        YAML mapping of group name -> list of terms (None: none).
    actors
        Actor gazetteer; strings under ``name`` and ``aliases`` of the entries
        of its top-level list ``actors`` are used. A missing file is skipped,
        an unreadable one skipped with a warning (None: not read).
    extra
        More terms, e.g. the respondents' function labels.

    Returns
    -------
    tuple of str
        Terms with letters and at least two characters, whitespace collapsed,
        one spelling per case-insensitive term.

    Raises
    ------
    CodebookError
        If the allowlist is missing or malformed.

    Examples
    --------
    >>> load_protected_terms(None, None, ["Bazalt  Wonen", "bazalt wonen", "12", "Wams"])
    ('Bazalt Wonen', 'Wams')
    """
    raw: list[str] = []
    if allowlist is not None:
        raw += _terms_from_allowlist(Path(allowlist))
    if actors is not None:
        raw += _terms_from_actors(Path(actors))
    raw += [t for t in extra if isinstance(t, str)]
    seen: dict[str, str] = {}
    for term in map(_clean_term, raw):
        if len(term) >= 2 and any(c.isalpha() for c in term):
            seen.setdefault(term.casefold(), term)
    return tuple(sorted(seen.values(), key=lambda t: (t.casefold(), t)))


def _terms_regex(terms: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern | None:
    """One pattern matching any term on word boundaries, longest first."""
    alts = []
    for term in sorted(set(terms), key=lambda t: (-len(t), t)):
        parts = [p for p in re.split(_SEP, term) if p]
        if parts:
            alts.append(_SEP.join(re.escape(p) for p in parts))
    if not alts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", flags)
