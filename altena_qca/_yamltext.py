"""Write edited YAML data back into its file, keeping comments and layout.

PyYAML forgets comments, so an edited codebook is written by *patching* the
original text instead of dumping the data afresh: a changed scalar (an id, a
parent, a reference in ``analysis``) is replaced where it stands, a removed
code entry loses exactly its lines, an added ``parent:`` gets a line of its
own, and a new entry is inserted as a block after its predecessor. An entry
changed in any other way is re-emitted as a block (losing only comments inside
that entry).

The result is parsed again and must equal the intended data; if it does not
(or the file uses a layout the patcher does not know), the data is dumped
afresh below the file's header comment. Either way what is written is exactly
the data: patching only decides how much of the layout survives.

Examples
--------
>>> original = "# my codes\\ncodes:\\n  - id: a   # the root\\n    label_nl: A\\n"
>>> edited = {"codes": [{"__line__": 3, "id": "b", "label_nl": "A"}]}   # the entry on line 3
>>> print(dump_yaml(edited, original), end="")
# my codes
codes:
  - id: b   # the root
    label_nl: A
"""
from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ._yamllines import LINE_KEY as _LINE_KEY
from ._yamllines import strip_lines

__all__ = ["dump_yaml", "strip_lines"]   # strip_lines: re-exported from altena_qca._yamllines

_DASH = re.compile(r"^\s*-\s*$")


class _CannotPatch(Exception):
    """The original's layout is not one the patcher can edit safely."""


class _Dumper(yaml.SafeDumper):
    """Block mappings; lists of scalars in flow style, as the codebook writes
    ``lemmas: [a, b]``, and so are token patterns (lists of lists of flat
    mappings)."""


def _scalar_like(value: Any) -> bool:
    return not isinstance(value, (list, dict))


def _flat(value: list) -> bool:
    return all(_scalar_like(v) or isinstance(v, list) and all(
        _scalar_like(t) or isinstance(t, dict) and all(map(_scalar_like, t.values())) for t in v) for v in value)


_Dumper.add_representer(list, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=_flat(v)))


def _emit(value: Any) -> str:
    return yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000,
                     default_flow_style=False)


def _scalar(value: Any) -> str:
    """A scalar written so it is valid in block and flow context."""
    out = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True, width=1_000_000).strip()
    if not (out.startswith("[") and out.endswith("]")) or "\n" in out:
        raise _CannotPatch(f"cannot write {value!r} inline")
    return out[1:-1]


def _header(original: str | None) -> str:
    out = []
    for line in (original or "").splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        out.append(line)
    return "".join(out)


def dump_yaml(data: dict, original: str | None = None) -> str:
    """YAML text for ``data``, keeping the layout of ``original`` where it can.

    Parameters
    ----------
    data
        The edited data; mappings may carry ``__line__`` (the line of the
        mapping in ``original``, as :func:`altena_qca.codebook.read_codebook_file`
        records it), which is how code entries are matched to their text.
    original
        The text ``data`` was read from, or None for a fresh dump.

    Returns
    -------
    str
        Text that :func:`yaml.safe_load` reads back as ``data`` (without
        ``__line__``).
    """
    clean = strip_lines(data)
    if original is not None:
        try:
            text = _patch(original if original.endswith("\n") else original + "\n", data)
            if yaml.safe_load(text) == clean:
                return text
        except (_CannotPatch, yaml.YAMLError):
            pass
    return _header(original) + _emit(clean)


class _Patcher:
    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.edits: list[tuple[int, int, str]] = []
        self._loader = yaml.SafeLoader("")

    def value(self, node: Node) -> Any:
        self._loader.constructed_objects = {}
        return self._loader.construct_object(node, deep=True)

    def last_line(self, node: Node) -> int:
        """0-based line of the node's last character."""
        if isinstance(node, ScalarNode) or getattr(node, "flow_style", False) or not node.value:
            mark = node.end_mark
            return mark.line if mark.column > 0 else mark.line - 1
        last = node.value[-1]
        return self.last_line(last[1] if isinstance(node, MappingNode) else last)

    def replace_lines(self, first: int, last: int, new: str) -> None:
        self.edits.append((self.starts[first], self.starts[last + 1], new))

    def insert_after(self, line: int, new: str) -> None:
        self.edits.append((self.starts[line + 1], self.starts[line + 1], new))

    def apply(self) -> str:
        out, pos = [], 0
        for start, end, new in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < pos:
                raise _CannotPatch("overlapping edits")
            out.append(self.text[pos:start])
            out.append(new)
            pos = end
        out.append(self.text[pos:])
        return "".join(out)

    # -- values -------------------------------------------------------------
    def patch_value(self, node: Node, new: Any) -> None:
        if self.value(node) == strip_lines(new):
            return
        if isinstance(node, ScalarNode) and not isinstance(new, (dict, list)):
            self.edits.append((node.start_mark.index, node.end_mark.index, _scalar(new)))
        elif isinstance(node, MappingNode) and isinstance(new, dict):
            keys = [self.value(k) for k, _ in node.value]
            if keys != [k for k in new if k != _LINE_KEY]:
                raise _CannotPatch("keys differ")
            for (_, v), k in zip(node.value, keys):
                self.patch_value(v, new[k])
        elif isinstance(node, SequenceNode) and isinstance(new, list) and len(new) == len(node.value):
            for v, n in zip(node.value, new):
                self.patch_value(v, n)
        else:
            raise _CannotPatch("shape differs")

    # -- code entries -------------------------------------------------------
    def item_lines(self, item: Node) -> tuple[int, int, int]:
        """(first line, last line, dash column) of a block sequence item."""
        first = item.start_mark.line
        prefix = self.lines[first][:item.start_mark.column]
        if not _DASH.match(prefix):
            raise _CannotPatch("sequence item does not start its line")
        return first, self.last_line(item), prefix.index("-")

    def emit_entry(self, entry: dict, dash: int) -> str:
        block = _emit([strip_lines(entry)])
        return "".join(" " * dash + line if line.strip() else line for line in block.splitlines(keepends=True))

    def patch_entry(self, item: Node, entry: dict) -> None:
        first, last, dash = self.item_lines(item)
        if self.value(item) == strip_lines(entry):
            return
        mark = len(self.edits)
        try:
            if not isinstance(item, MappingNode) or item.flow_style:
                raise _CannotPatch("flow entry")
            old_keys = [self.value(k) for k, _ in item.value]
            new_keys = [k for k in entry if k != _LINE_KEY]
            pairs = dict(zip(old_keys, item.value))
            for key in old_keys:
                if key not in entry:
                    self.drop_pair(*pairs[key])
            kept = [k for k in old_keys if k in entry]
            if kept != [k for k in new_keys if k in pairs]:
                raise _CannotPatch("keys reordered")
            for i, key in enumerate(new_keys):
                if key in pairs:
                    self.patch_value(pairs[key][1], entry[key])
                elif i == 0 or new_keys[i - 1] not in pairs:
                    raise _CannotPatch("new key without an old key before it")
                else:
                    self.add_pair(pairs[new_keys[i - 1]], key, entry[key])
        except _CannotPatch:
            del self.edits[mark:]
            self.replace_lines(first, last, self.emit_entry(entry, dash))

    def drop_pair(self, key: Node, value: Node) -> None:
        line = key.start_mark.line
        if self.lines[line][:key.start_mark.column].strip() or self.last_line(value) != line:
            raise _CannotPatch("pair does not own its line")
        self.replace_lines(line, line, "")

    def add_pair(self, after: tuple[Node, Node], key: str, value: Any) -> None:
        if isinstance(value, (dict, list)):
            raise _CannotPatch("structured value")
        prev_key, prev_value = after
        line = self.last_line(prev_value)
        indent = " " * prev_key.start_mark.column
        if prev_key.start_mark.line != line:
            raise _CannotPatch("previous pair spans lines")
        self.insert_after(line, f"{indent}{_scalar(key)}: {_scalar(value)}\n")

    def patch_codes(self, node: Node, entries: list) -> None:
        if not isinstance(node, SequenceNode) or node.flow_style or not node.value:
            raise _CannotPatch("codes is not a block list")
        by_line = {item.start_mark.line + 1: item for item in node.value}
        order = {id(item): i for i, item in enumerate(node.value)}
        seen: list[Node] = []
        anchor: int | None = None      # last line of the previous kept entry
        dash = self.item_lines(node.value[0])[2]
        pending: list[dict] = []       # new entries waiting for an anchor
        for entry in entries:
            item = by_line.get(entry.get(_LINE_KEY)) if isinstance(entry, dict) else None
            if item is None or item in seen:
                if not isinstance(entry, dict):
                    raise _CannotPatch("entry is not a mapping")
                if anchor is None:
                    pending.append(entry)
                else:
                    self.insert_after(anchor, self.emit_entry(entry, dash))
                continue
            if seen and order[id(item)] < order[id(seen[-1])]:
                raise _CannotPatch("entries reordered")
            seen.append(item)
            self.patch_entry(item, entry)
            first, anchor, _ = self.item_lines(item)
            if pending:
                self.edits.append((self.starts[first], self.starts[first],
                                   "".join(self.emit_entry(e, dash) for e in pending)))
                pending = []
        if pending:
            raise _CannotPatch("no kept entry to place new entries by")
        kept = {id(i) for i in seen}
        for item in node.value:
            if id(item) not in kept:
                first, last, _ = self.item_lines(item)
                self.replace_lines(first, last, "")


def _patch(original: str, data: dict) -> str:
    root = yaml.compose(original, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        raise _CannotPatch("not a mapping")
    p = _Patcher(original)
    keys = [p.value(k) for k, _ in root.value]
    if keys != [k for k in data if k != _LINE_KEY]:
        raise _CannotPatch("top-level keys differ")
    for (_, node), key in zip(root.value, keys):
        if key == "codes" and isinstance(data[key], list):
            p.patch_codes(node, data[key])
        else:
            p.patch_value(node, data[key])
    return p.apply()
