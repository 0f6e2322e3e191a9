"""Writing the pseudonym key: only on request, and never inside a project folder."""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from ..errors import Errors, InputError

_E500 = Errors.E500


def _project_root(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def write_key(mapping: Mapping[str, Mapping[str, str]], path: str | Path) -> Path:
    """Write the pseudonymisation key (``{document: {tag: original}}``) as JSON.

    Only outside the project: the key undoes the pseudonymisation.

    Parameters
    ----------
    mapping
        Usually ``Pseudonymiser.key_``.
    path
        Target file; its folders are created. The file is readable by its
        owner only.

    Returns
    -------
    Path
        The resolved path written.

    Raises
    ------
    InputError
        If ``path`` lies inside this package's project folder (the folder
        holding ``pyproject.toml`` above the package) or inside the project
        of the current working directory.
    """
    target = Path(path).expanduser().resolve()
    roots = {_project_root(Path(__file__).resolve().parent), _project_root(Path.cwd().resolve())}
    for root in sorted(r for r in roots if r is not None):
        if target == root or root in target.parents:
            raise InputError(_E500.format(path=target, root=root))
    data = {str(doc): {str(t): str(o) for t, o in sorted(tags.items())} for doc, tags in sorted(mapping.items())}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    os.chmod(target, 0o600)
    return target
