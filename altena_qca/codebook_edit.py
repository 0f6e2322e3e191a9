"""Edit a codebook without losing a coding: rename, merge, move, delete.

Each edit takes the parsed codebook (the mapping
:func:`~altena_qca.codebook.read_codebook_file` returns) and the codings
DataFrame, and returns a new pair; the inputs are not changed. Every edit
keeps every coding row (same count, same spans, coder, origin and extra
columns; only ``code`` changes) and leaves a codebook that passes
:func:`~altena_qca.codebook.validate_codebook` — it raises
:class:`~altena_qca.errors.CodebookError` instead of producing anything else.

References follow the ids: ``parent`` links, ``rules.negation_flips_to`` and
every string in the ``analysis`` section that equals a code id (except under
label, title and ``resolve`` keys). Ids follow the dotted convention
(``effects.trust`` below ``effects``): renaming a code renames the codes below
it whose ids start with its id, and moving a code renames it (and them) after
its new parent when its id followed the old one.

:func:`edit_study_codebook` applies an edit to a codebook file and a study's
``codings.csv`` together (``altena-qca codebook rename|merge|move|delete``),
keeping the file's comments and layout and replacing both files in one atomic
step (:func:`~altena_qca._io.write_files_atomically`).

Examples
--------
>>> import pandas as pd
>>> data = {"codes": [{"id": "trust", "label_nl": "Vertrouwen"},
...                   {"id": "trust.low", "parent": "trust", "label_nl": "Laag"}]}
>>> codings = pd.DataFrame({"document": ["R01"], "start": [0], "end": [5], "code": ["trust.low"]})
>>> data, codings = rename_code(data, codings, "trust", "vertrouwen")
>>> [(e["id"], e.get("parent")) for e in data["codes"]], codings["code"].tolist()
([('vertrouwen', None), ('vertrouwen.low', 'vertrouwen')], ['vertrouwen.low'])
>>> data, codings = delete_code(data, codings, "vertrouwen.low", force=True)
>>> [e["id"] for e in data["codes"]], codings["code"].tolist()
(['vertrouwen', '_orphaned'], ['_orphaned'])
"""
from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._io import write_files_atomically
from ._yamltext import dump_yaml
from .codebook import _ID, DEFAULT_CODEBOOK, read_codebook_file, validate_codebook
from .errors import CodebookError, Errors, InputError
from .ingest.corpus import read_codings_table

__all__ = ["ORPHANED", "rename_code", "merge_codes", "move_code", "delete_code", "EDITS",
           "EditResult", "edit_study_codebook"]

#: The root code that keeps the codings of codes deleted with ``force=True``.
ORPHANED = "_orphaned"
_ORPHANED_ENTRY = {
    "id": ORPHANED, "label_nl": "Verweesde coderingen", "label_en": "Orphaned codings", "kind": "inductive",
    "definition": "Codings of deleted codes, kept so that no coding is lost; re-code or remove them.",
}
# Keys in `analysis` whose values are text, never code ids.
_TEXT_KEYS = {"label", "label_nl", "label_en", "title", "title_nl", "title_en", "resolve", "description"}


class _Work:
    """A mutable copy of codebook data and coding codes that the edits change."""

    def __init__(self, data: dict, codings: pd.DataFrame, path: str):
        if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
            raise CodebookError(Errors.E210.format(path=path, reason="expected a mapping with a 'codes' list"))
        problems = validate_codebook(data, path)
        if problems:
            raise CodebookError(problems[0])
        if "code" not in codings.columns:
            raise InputError(Errors.E124.format(path="codings", missing="code", expected="a 'code' column"))
        self.data = copy.deepcopy(data)
        self.codings = codings
        self.codes = codings["code"].astype(str).to_numpy(dtype=object, copy=True)
        self.path = path
        ids = self.index()
        unknown = [i for i, c in enumerate(self.codes) if c not in ids]
        if unknown:
            raise InputError(Errors.E121.format(path="codings", line=unknown[0] + 2, code=self.codes[unknown[0]]))

    # -- looking up ---------------------------------------------------------
    @property
    def entries(self) -> list[dict]:
        return self.data["codes"]

    def index(self) -> dict[str, dict]:
        return {str(e["id"]): e for e in self.entries}

    def entry(self, code: str) -> dict:
        try:
            return self.index()[code]
        except KeyError:
            raise CodebookError(Errors.E211.format(code=code)) from None

    def children(self, code: str) -> list[str]:
        return [str(e["id"]) for e in self.entries if e.get("parent") == code]

    def subtree(self, code: str) -> list[str]:
        out, stack = [], [code]
        while stack:
            cid = stack.pop()
            out.append(cid)
            stack.extend(reversed(self.children(cid)))
        return out

    def check_new_id(self, new: str, near: str) -> None:
        if not isinstance(new, str) or not _ID.match(new):
            raise CodebookError(Errors.E209.format(path=self.path, line=self.entry(near).get("__line__", "?"), id=new))
        if new in self.index():
            raise CodebookError(Errors.E214.format(code=new))

    def result(self) -> tuple[dict, pd.DataFrame]:
        problems = validate_codebook(self.data, self.path)
        if problems:  # an edit must never produce an invalid codebook
            raise CodebookError(problems[0])
        out = self.codings.copy()
        out["code"] = self.codes
        return self.data, out

    # -- changing -----------------------------------------------------------
    def redirect(self, mapping: dict[str, str]) -> None:
        """Point every reference to a key of ``mapping`` at its value."""
        if not mapping:
            return
        for e in self.entries:
            if e.get("parent") in mapping:
                e["parent"] = mapping[e["parent"]]
            rules = e.get("rules")
            if isinstance(rules, dict) and rules.get("negation_flips_to") in mapping:
                rules["negation_flips_to"] = mapping[rules["negation_flips_to"]]
        if "analysis" in self.data:
            self.data["analysis"] = _map_refs(self.data["analysis"], mapping)
        self.codes = np.array([mapping.get(c, c) for c in self.codes], dtype=object)

    def rename(self, old: str, new: str) -> None:
        self.entry(old)
        if new == old:
            return
        self.check_new_id(new, old)
        mapping = {old: new}
        for cid in self.subtree(old)[1:]:
            if cid.startswith(old + "."):
                mapping[cid] = new + cid[len(old):]
        taken = set(self.index()) - set(mapping)
        for target in mapping.values():
            if target in taken:
                raise CodebookError(Errors.E214.format(code=target))
        for e in self.entries:
            if str(e["id"]) in mapping:
                e["id"] = mapping[str(e["id"])]
        self.redirect(mapping)

    def move(self, code: str, parent: str | None, rename: bool = True) -> str:
        entry = self.entry(code)
        if parent is not None:
            self.entry(parent)
            if parent in self.subtree(code):
                raise CodebookError(Errors.E213.format(code=code, parent=parent))
        old_parent = entry.get("parent")
        tail = code.rsplit(".", 1)[-1]
        follows = code == (f"{old_parent}.{tail}" if old_parent else tail)
        _set_parent(entry, parent)
        new = f"{parent}.{tail}" if parent else tail
        if rename and follows and new != code:
            self.rename(code, new)
            return new
        return code

    def merge(self, source: str, target: str) -> None:
        self.entry(source)
        self.entry(target)
        if source == target:
            return
        if target in self.subtree(source):
            raise CodebookError(Errors.E213.format(code=source, parent=target))
        for child in self.children(source):
            tail = child.rsplit(".", 1)[-1]
            twin = f"{target}.{tail}"
            if child == f"{source}.{tail}" and twin in self.index():
                self.merge(child, twin)      # same-named child: merge the subtrees
            else:
                self.move(child, target)
        self.data["codes"] = [e for e in self.entries if str(e["id"]) != source]
        self.redirect({source: target})

    def delete(self, code: str, force: bool) -> None:
        self.entry(code)
        doomed = self.subtree(code)
        n = int(np.isin(self.codes, doomed).sum())
        if code == ORPHANED and n:
            raise CodebookError(Errors.E210.format(
                path=self.path, reason=f"'{ORPHANED}' holds {n} coding(s); merge or re-code them before deleting it"))
        if len(doomed) > 1 and not force:
            raise CodebookError(Errors.E210.format(
                path=self.path, reason=f"code '{code}' has {len(doomed) - 1} code(s) below it "
                                       f"({', '.join(doomed[1:4])}{', ...' if len(doomed) > 4 else ''}); "
                                       "move or delete them first, or use --force to delete them too"))
        if n and not force:
            raise CodebookError(Errors.E212.format(code=code, n=n))
        users = [str(e["id"]) for e in self.entries if str(e["id"]) not in doomed
                 and isinstance(e.get("rules"), dict) and e["rules"].get("negation_flips_to") in doomed]
        where = _find_refs(self.data.get("analysis"), set(doomed))
        if users or where:
            used = [f"rules.negation_flips_to of {u}" for u in users] + [f"analysis.{w}" for w in where]
            raise CodebookError(Errors.E210.format(
                path=self.path, reason=f"cannot delete '{code}': it is used in {'; '.join(used[:5])}; change that first"))
        self.data["codes"] = [e for e in self.entries if str(e["id"]) not in doomed]
        if n:
            if ORPHANED not in self.index():
                self.entries.append(dict(_ORPHANED_ENTRY))
            self.codes = np.where(np.isin(self.codes, doomed), ORPHANED, self.codes).astype(object)


def _set_parent(entry: dict, parent: str | None) -> None:
    """Set or remove ``parent``, keeping it right after ``id`` when added."""
    if parent is None:
        entry.pop("parent", None)
    elif "parent" in entry:
        entry["parent"] = parent
    else:
        items = list(entry.items())
        entry.clear()
        for k, v in items:
            entry[k] = v
            if k == "id":
                entry["parent"] = parent
        entry.setdefault("parent", parent)


def _map_refs(obj: Any, mapping: dict[str, str]) -> Any:
    if isinstance(obj, dict):
        return {k: v if k in _TEXT_KEYS else _map_refs(v, mapping) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_map_refs(v, mapping) for v in obj]
    if isinstance(obj, str):
        return mapping.get(obj, obj)
    return obj


def _find_refs(obj: Any, ids: set[str], where: str = "") -> list[str]:
    if isinstance(obj, dict):
        return [w for k, v in obj.items() if k not in _TEXT_KEYS and k != "__line__"
                for w in _find_refs(v, ids, f"{where}.{k}" if where else str(k))]
    if isinstance(obj, list):
        return [w for i, v in enumerate(obj) for w in _find_refs(v, ids, f"{where}[{i}]")]
    return [where] if isinstance(obj, str) and obj in ids else []


def rename_code(data: dict, codings: pd.DataFrame, old: str, new: str, *,
                path: str = "codebook") -> tuple[dict, pd.DataFrame]:
    """Give code ``old`` the id ``new``, with the codes below it and every reference.

    Parameters
    ----------
    data
        The parsed codebook (``read_codebook_file``); not changed.
    codings
        Codings with a ``code`` column; not changed.
    old, new
        Current and new id. Codes below ``old`` whose ids start with
        ``old + "."`` get ``new`` as their prefix.
    path
        Named in error messages.

    Returns
    -------
    (dict, DataFrame)
        The edited codebook and codings (same rows, in the same order).

    Raises
    ------
    CodebookError
        E211 for an unknown code, E209 for an invalid new id, E214 when a
        new id already exists.
    """
    w = _Work(data, codings, path)
    w.rename(old, new)
    return w.result()


def merge_codes(data: dict, codings: pd.DataFrame, sources: str | Iterable[str], target: str, *,
                path: str = "codebook") -> tuple[dict, pd.DataFrame]:
    """Fold ``sources`` into ``target``: their codings and references move to it.

    Codes below a source move below the target (renamed after it when they
    follow the dotted convention); where the target already has a code of
    the same name, the two are merged in turn. The target keeps its own
    labels, definition and rules.

    Raises
    ------
    CodebookError
        E211 for an unknown code, E213 when the target lies below a source.
    """
    w = _Work(data, codings, path)
    for source in [sources] if isinstance(sources, str) else list(sources):
        w.merge(source, target)
    return w.result()


def move_code(data: dict, codings: pd.DataFrame, code: str, new_parent: str | None, *,
              rename: bool = True, path: str = "codebook") -> tuple[dict, pd.DataFrame]:
    """Put ``code`` (with the codes below it) under ``new_parent`` (None: a root).

    With ``rename`` (default) a code whose id follows its old parent
    (``network.islands`` below ``network``) is renamed after the new one
    (``boundaries.islands``), as by :func:`rename_code`.

    Raises
    ------
    CodebookError
        E211 for an unknown code, E213 for a move below itself, E214 when the
        new id exists.
    """
    w = _Work(data, codings, path)
    w.move(code, new_parent, rename=rename)
    return w.result()


def delete_code(data: dict, codings: pd.DataFrame, code: str, *, force: bool = False,
                path: str = "codebook") -> tuple[dict, pd.DataFrame]:
    """Remove ``code``; refused while it has codings or codes below it.

    With ``force`` the codes below it are removed too and all their codings
    are kept under the root code :data:`ORPHANED`, created when needed. A
    code the ``analysis`` section or another code's ``negation_flips_to``
    uses is never removed.

    Raises
    ------
    CodebookError
        E212 when codings exist (without ``force``), E210 when codes lie
        below it (without ``force``) or it is still used.
    """
    w = _Work(data, codings, path)
    w.delete(code, force)
    return w.result()


#: The edits by name (the ``codebook`` command's and the workbench's): ``EDITS[name](data, codings, *args, path=...)``.
EDITS: dict[str, Callable[..., tuple[dict, pd.DataFrame]]] = {
    "rename": rename_code, "merge": merge_codes, "move": move_code, "delete": delete_code}


@dataclass
class EditResult:
    """What :func:`edit_study_codebook` changed."""

    codebook: Path
    codings: Path | None
    codes_before: int
    codes_after: int
    codings_changed: int
    written: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        files = ", ".join(str(p) for p in self.written) or "nothing (no change)"
        return (f"{self.codes_before} -> {self.codes_after} codes; {self.codings_changed} coding(s) "
                f"re-coded; wrote {files}")


def edit_study_codebook(edit: str, *args, data_dir: str | Path, codebook: str | Path | None = None,
                        in_place: bool = False, **params) -> EditResult:
    """Apply one edit to a study's codebook file and ``codings.csv`` at once.

    The codebook is the one :func:`~altena_qca.study.load_study` would use
    (``codebook``, else ``<data_dir>/codebook.yaml``, else the thesis
    codebook). Both files are checked before anything is written; the
    codebook keeps its comments and layout (:func:`~altena_qca._yamltext.dump_yaml`);
    every other column of ``codings.csv`` is written back as read. Both files
    are replaced in one atomic step (see
    :func:`~altena_qca._io.write_files_atomically`): after an error both are
    as before.

    Nothing inside the installed package is ever written unless
    ``in_place``: editing the bundled thesis study (or the package's
    codebook) is refused (E135). A study without its own ``codebook.yaml``
    gets one: the edited copy of the thesis codebook is written there, the
    package's file is left alone.

    Parameters
    ----------
    edit
        ``rename``, ``merge``, ``move`` or ``delete``.
    *args, **params
        Passed to :func:`rename_code`, :func:`merge_codes`,
        :func:`move_code` or :func:`delete_code`.

    Raises
    ------
    CodebookError, InputError
        Naming the file, line or code, before anything is written.
    """
    from .study import is_bundled

    data_dir = Path(data_dir)
    source: Path | None = None
    if codebook is None:
        local = data_dir / "codebook.yaml"
        codebook = local
        if not local.exists():  # start the study's own copy from the thesis codebook
            source = DEFAULT_CODEBOOK
    codebook = Path(codebook)
    codings_path = data_dir / "codings.csv"
    if not in_place:
        for target in (codebook, codings_path):
            if is_bundled(target):
                raise CodebookError(Errors.E135.format(path=target, action=f"edit ({edit})"))
    func = EDITS[edit]
    data = read_codebook_file(source or codebook)
    original = (source or codebook).read_text(encoding="utf-8")
    has_codings = codings_path.exists()
    if has_codings:
        codings = read_codings_table(codings_path, required=("code",))
    else:
        codings = pd.DataFrame({"code": pd.Series(dtype=str)})
    try:
        new_data, new_codings = func(data, codings, *args, path=str(codebook), **params)
    except InputError as exc:  # name the real codings file
        raise InputError(str(exc).replace("] codings", f"] {codings_path}", 1)) from None
    # the coding store (study.sqlite, the workbench's) follows the same edit, checked before writing
    store_path = data_dir / "study.sqlite"
    store_mapping: dict[str, str] = {}
    if store_path.exists():
        from .store.codings import CodingStore
        store = CodingStore.open(store_path)
        stored = pd.DataFrame({"code": [r["code"] for r in store.conn.execute("SELECT code FROM codings")]},
                              dtype=str)
        try:
            _, new_stored = func(data, stored, *args, path=str(codebook), **params)
        except InputError as exc:
            store.close()
            raise InputError(str(exc).replace("] codings", f"] {store_path}", 1)) from None
        store_mapping = {o: n for o, n in zip(stored["code"], new_stored["code"]) if o != n}
    files: dict[Path, bytes] = {}
    text = dump_yaml(new_data, original)
    if text != original or source is not None:
        files[codebook] = text.encode("utf-8")
    changed = int((new_codings["code"].to_numpy() != codings["code"].to_numpy()).sum())
    if has_codings and changed:
        files[codings_path] = new_codings.to_csv(index=False, lineterminator="\n").encode("utf-8")
    try:
        written = write_files_atomically(files) if files else []
    except OSError as exc:
        raise CodebookError(Errors.E210.format(path=codebook, reason=f"nothing changed; could not write: {exc}")) from None
    if store_path.exists():
        with contextlib.closing(store):
            changed += store.recode(store_mapping, coder="altena-qca codebook",
                                    summary=f"codebook {edit} {' '.join(map(str, args))}")
    return EditResult(codebook, codings_path if has_codings else None, len(data["codes"]), len(new_data["codes"]), changed, written)
