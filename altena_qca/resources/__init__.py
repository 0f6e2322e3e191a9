"""The package's own data files, found with :mod:`importlib.resources`.

altena-qca ships two kinds of data inside the package, so that ``pip install
altena-qca`` works from any folder (no checkout needed):

* ``codebook/``: the thesis codebook (``altena.yaml``), the actor gazetteer
  (``actors.yaml``), the topic list for segmenting (``topiclist.yaml``), the
  privacy allowlist (``privacy_allowlist.yaml``), the concept labels used for
  evaluation (``eval_labels.yaml``) and a README describing the format;
* ``studies/altena/``: the bundled, reconstructed thesis study (transcripts,
  observation notes, ``respondents.csv``, ``codings.csv``, ``SOURCE.md``).

Code never builds these paths from ``__file__``; it asks this module. The
files are read-only: a command that changes a codebook or a study works on a
copy in the researcher's own folder.

Examples
--------
>>> codebook_file("altena.yaml").name
'altena.yaml'
>>> (bundled_study() / "codings.csv").is_file()
True
>>> sorted(p.name for p in codebook_dir().glob("*.yaml"))[:2]
['actors.yaml', 'altena.yaml']
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["codebook_dir", "codebook_file", "bundled_study", "is_bundled", "DEFAULT_CODEBOOK", "DEFAULT_ACTORS",
           "DEFAULT_TOPICS", "DEFAULT_ALLOWLIST", "EVAL_LABELS", "DEFAULT_DATA"]


def _resource_dir(*parts: str) -> Path:
    """The directory ``parts`` under this package as a real file-system path.

    A wheel is installed unpacked, so the resources are plain files; a
    zip-imported package would have no paths to hand to pandas, python-docx
    or spaCy, and is refused with a clear message instead of failing later.
    """
    res = files(__name__).joinpath(*parts)
    path = Path(str(res))
    if not path.is_dir():
        raise FileNotFoundError(f"altena-qca's bundled data is missing: {path} (reinstall the package; "
                                "it must be installed as files, not imported from a zip)")
    return path


def codebook_dir() -> Path:
    """The folder of the bundled codebook files (``altena_qca/resources/codebook``)."""
    return _resource_dir("codebook")


def codebook_file(name: str) -> Path:
    """One bundled codebook file, e.g. ``codebook_file("actors.yaml")``."""
    return codebook_dir() / name


def bundled_study(name: str = "altena") -> Path:
    """The folder of a bundled study (``altena_qca/resources/studies/<name>``)."""
    return _resource_dir("studies", name)


DEFAULT_CODEBOOK = codebook_file("altena.yaml")
DEFAULT_ACTORS = codebook_file("actors.yaml")
DEFAULT_TOPICS = codebook_file("topiclist.yaml")
DEFAULT_ALLOWLIST = codebook_file("privacy_allowlist.yaml")
EVAL_LABELS = codebook_file("eval_labels.yaml")
DEFAULT_DATA = bundled_study()


def is_bundled(path: str | Path) -> bool:
    """Whether ``path`` lies inside the installed package or its bundled data (never to be written).

    >>> is_bundled(DEFAULT_DATA / "codings.csv"), is_bundled("/tmp/my-study/codings.csv")
    (True, False)
    """
    p = Path(path).resolve()
    roots = {Path(__file__).resolve().parent.parent, DEFAULT_DATA.resolve(), DEFAULT_CODEBOOK.resolve().parent}
    return any(p == root or root in p.parents for root in roots)
