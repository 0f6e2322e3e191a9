"""Read YAML keeping the line of every mapping, so messages can name it.

The codebook (:mod:`altena_qca.codebook`) and the actor gazetteer
(:mod:`altena_qca.network.actors`) are read with :func:`load_yaml_lines`:
every mapping gets a ``__line__`` key, the 1-based line where it starts, and
their validators name that line. :func:`strip_lines` removes the keys again
before the data is used. Reading the file and wording the errors stays with
each caller.

Examples
--------
>>> data = load_yaml_lines("codes:\\n  - id: a\\n    label_nl: A\\n")
>>> data["codes"][0]["__line__"], strip_lines(data)
(2, {'codes': [{'id': 'a', 'label_nl': 'A'}]})
"""
from __future__ import annotations

from typing import Any

import yaml

__all__ = ["LINE_KEY", "MAX_DEPTH", "YAMLInputError", "check_depth", "error_line", "load_yaml_lines", "strip_lines"]

#: The key :func:`load_yaml_lines` adds to every mapping.
LINE_KEY = "__line__"


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that records the line of every mapping as ``__line__``.

    On libyaml's parser where PyYAML has it (7× faster on the codebook: 12 ms
    against 91 ms CPU; the same data), else the pure-Python one.
    """


#: Deepest nesting of lists and mappings a file may have (the codebook needs 8).
MAX_DEPTH = 100


class YAMLInputError(yaml.YAMLError):
    """A YAML file that parses but is refused: a duplicate key, or nesting too deep.

    Its text names the line; callers put it into their own numbered message,
    as for any :class:`yaml.YAMLError`. ``line`` and ``reason`` hold the two
    parts (``line`` None when unknown).
    """

    def __init__(self, line: int | None, reason: str):
        super().__init__(f"line {line}: {reason}" if line is not None else reason)
        self.line, self.reason = line, reason


def error_line(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """(1-based line or None, reason without the line) of any YAML error, for messages."""
    if isinstance(exc, YAMLInputError):
        return exc.line, exc.reason
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
    return (mark.line + 1 if mark is not None else None), reason


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct_mapping(loader, node, deep=False):
    first: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
            continue  # '<<' merges may be overridden on purpose
        key = loader.construct_object(key_node)
        line = key_node.start_mark.line + 1
        if key in first:
            raise YAMLInputError(line, f"duplicate key {key!r} (first on line {first[key]}); "
                                       "a key may appear once per mapping")
        first[key] = line
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse YAML nested deeper than ``limit`` before a parser sees it.

    PyYAML's composer recurses once per level: a codebook nested 10^5 deep
    crashes the interpreter (libyaml) or overflows the stack, and libyaml takes
    minutes on deep flow collections. One linear pass bounds both kinds of
    nesting from above: open flow brackets (``[``, ``{``; counted everywhere,
    so a bracket inside a quoted string can only make the bound higher), and
    block indentation levels plus ``- `` entries opened on one line.

    >>> check_depth("a:\\n  b: [1, [2, 3]]\\n")
    >>> check_depth("x: " + "[" * 200)
    Traceback (most recent call last):
    ...
    altena_qca._yamllines.YAMLInputError: line 1: nested deeper than 100 levels
    """
    flow = 0
    indents: list[int] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#") and flow == 0:
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            dashes = 0
            while stripped[dashes * 2:dashes * 2 + 2] in ("- ", "? "):
                dashes += 1
            if len(indents) + dashes > limit:
                raise YAMLInputError(number, f"nested deeper than {limit} levels")
        for char in line:
            if char in "[{":
                flow += 1
                if flow + len(indents) > limit:
                    raise YAMLInputError(number, f"nested deeper than {limit} levels")
            elif char in "]}" and flow:
                flow -= 1


def load_yaml_lines(text: str) -> Any:
    """Parse YAML text safely, adding ``__line__`` to every mapping.

    A key repeated in one mapping (YAML parsers keep the last, silently) and
    nesting deeper than :data:`MAX_DEPTH` are refused with
    :class:`YAMLInputError` naming the line.

    Parameters
    ----------
    text : str
        The YAML document.

    Returns
    -------
    Any
        What :func:`yaml.safe_load` returns, with ``__line__`` (the 1-based
        line where the mapping starts) in every mapping.

    Raises
    ------
    yaml.YAMLError
        When ``text`` is not valid YAML, repeats a key in a mapping or is
        nested too deeply (:class:`YAMLInputError`).

    Examples
    --------
    >>> load_yaml_lines("title: A\\nperiod: 2024\\ntitle: B\\n")
    Traceback (most recent call last):
    ...
    altena_qca._yamllines.YAMLInputError: line 3: duplicate key 'title' (first on line 1); a key may appear once per mapping
    """
    check_depth(text)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except RecursionError:  # aliases can still nest what the text does not
        raise YAMLInputError(None, f"nested deeper than Python can read (over {MAX_DEPTH} levels)") from None


def strip_lines(obj: Any, _done: dict[int, Any] | None = None) -> Any:
    """``obj`` without the ``__line__`` keys :func:`load_yaml_lines` adds.

    An object reached twice (a YAML alias, ``*name``) is copied once and
    shared again, so a file of nested aliases ("billion laughs") costs no more
    than its text.
    """
    if not isinstance(obj, (dict, list)):
        return obj
    done = {} if _done is None else _done
    if id(obj) in done:
        return done[id(obj)]
    if isinstance(obj, dict):
        out: Any = {}
        done[id(obj)] = out
        out.update((k, strip_lines(v, done)) for k, v in obj.items() if k != LINE_KEY)
    else:
        out = []
        done[id(obj)] = out
        out.extend(strip_lines(v, done) for v in obj)
    return out
