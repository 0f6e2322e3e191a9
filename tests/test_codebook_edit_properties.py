"""Property-based: random codebooks, codings and edit sequences never lose a coding.

Each example builds a codebook file (with comments, an ``analysis`` section
and ``negation_flips_to`` rules), random codings, and applies up to six
random edits the way the CLI does: read the file, edit, write it back with
:func:`dump_yaml`, read it again. Refused edits (a collision, a cycle, codings
without ``force``) must raise :class:`CodebookError` and change nothing.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from altena_qca._yamllines import load_yaml_lines
from altena_qca._yamltext import dump_yaml, strip_lines
from altena_qca.codebook import validate_codebook
from altena_qca.codebook_edit import ORPHANED, delete_code, merge_codes, move_code, rename_code
from altena_qca.errors import CodebookError

NAMES = ["x", "y", "z", "trust", "neg"]


@st.composite
def codebooks(draw):
    """(YAML text, codings) for a random valid codebook."""
    ids: list[str] = []
    parents: dict[str, str | None] = {}
    for i in range(draw(st.integers(1, 10))):
        parent = draw(st.none() | st.sampled_from(ids)) if ids else None
        name = draw(st.sampled_from(NAMES))
        dotted = draw(st.booleans()) or draw(st.booleans())          # mostly the dotted convention
        cid = f"{parent}.{name}" if parent and dotted else (f"{name}.r{i}" if not dotted and not parent else name)
        if cid in parents:
            cid = f"{cid}{i}"
        ids.append(cid)
        parents[cid] = parent
    lines = ["# Random codebook.", "analysis:", "  typology:", "    resolve: majority", "    groups:"]
    for k, cid in enumerate(draw(st.lists(st.sampled_from(ids), max_size=3))):
        lines.append(f"      - {{id: {k + 1}, code: {cid}, label_nl: Groep {k + 1}}}")
    if len(lines) == 5:
        lines[-1] = "    groups: []"
    lines.append(f"  principles: {{p: {{community: [{', '.join(draw(st.lists(st.sampled_from(ids), max_size=2)))}]}}}}")
    lines.append("codes:")
    for i, cid in enumerate(ids):
        if draw(st.booleans()):
            lines.append(f"  # --- section {i}")
        lines.append(f"  - id: {cid}" + ("   # note" if i % 3 == 0 else ""))
        if parents[cid]:
            lines.append(f"    parent: {parents[cid]}")
        lines.append(f"    label_nl: Code {i}")
        if draw(st.booleans()):
            lines.append("    definition: >-\n      A folded\n      definition.")
        if draw(st.booleans()):
            lines.append(f"    rules:\n      lemmas: [w{i}]\n      negation_flips_to: {draw(st.sampled_from(ids))}")
    text = "\n".join(lines) + "\n"
    n = draw(st.integers(0, 25))
    starts = draw(st.lists(st.integers(0, 500), min_size=n, max_size=n))
    codings = pd.DataFrame({
        "document": draw(st.lists(st.sampled_from(["R01", "R02", "R03"]), min_size=n, max_size=n)),
        "start": starts,
        "end": [s + draw(st.integers(1, 40)) for s in starts],
        "code": draw(st.lists(st.sampled_from(ids), min_size=n, max_size=n)),
        "coder": draw(st.lists(st.sampled_from(["anna", "piet"]), min_size=n, max_size=n)),
    })
    return text, codings


def _read(text):
    return load_yaml_lines(text)  # as the codebook is read


def _edit(data, codings, draw):
    ids = [e["id"] for e in data["codes"]]
    some = lambda: draw(st.sampled_from(ids))  # noqa: E731
    kind = draw(st.sampled_from(["rename", "merge", "move", "delete"]))
    if kind == "rename":
        new = draw(st.sampled_from([f"{some()}.{draw(st.sampled_from(NAMES))}", draw(st.sampled_from(NAMES)),
                                    some()]))
        return kind, rename_code(data, codings, some(), new)
    if kind == "merge":
        return kind, merge_codes(data, codings, draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2)), some())
    if kind == "move":
        return kind, move_code(data, codings, some(), draw(st.none() | st.sampled_from(ids)),
                               rename=draw(st.booleans()))
    return kind, delete_code(data, codings, some(), force=draw(st.booleans()))


def _comments(text):
    return [ln.strip() for ln in text.splitlines() if ln.lstrip().startswith("#")]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=codebooks(), data=st.data())
def test_random_edit_sequences_never_lose_a_coding(book, data):
    text, codings = book
    original = codings.copy()
    cb = _read(text)
    assert validate_codebook(cb) == []
    for _ in range(data.draw(st.integers(1, 6))):
        before_text, before_codings, before_cb = text, codings.copy(), strip_lines(cb)
        try:
            kind, (new, new_codings) = _edit(cb, codings, data.draw)
            event(f"ok {kind}")
        except CodebookError as exc:
            event(f"refused {str(exc)[:6]}")
            # refused: nothing changed
            assert strip_lines(cb) == before_cb
            pd.testing.assert_frame_equal(codings, before_codings)
            continue
        # no coding disappears: same rows, same spans, coders, order
        assert len(new_codings) == len(original)
        pd.testing.assert_frame_equal(new_codings.drop(columns="code"), original.drop(columns="code"))
        # every coding points at an existing code; the codebook is valid
        ids = [e["id"] for e in new["codes"]]
        assert set(new_codings["code"]) <= set(ids)
        assert validate_codebook(new) == []
        # codings only move between codes, never vanish from the counts
        assert sum(Counter(new_codings["code"]).values()) == len(original)
        if kind == "delete" and ORPHANED in ids:
            assert (new_codings["code"] == ORPHANED).sum() >= (codings["code"] == ORPHANED).sum()
        # written back and read again, as the CLI does; comments survive
        text = dump_yaml(new, text)
        cb = _read(text)
        assert strip_lines(cb) == strip_lines(new)
        assert _comments(text)[0] == "# Random codebook."
        if kind in ("rename", "move"):
            assert _comments(text) == _comments(before_text)
        codings = new_codings
