"""The import graph follows the data flow: no back-edges between layers, no import cycles.

The layer rule (docs/ARCHITECTURE.md, "Layers"): a module may import only
from its own layer or a layer below it, and modules never import each other
in a circle. Imports inside functions count too: a function-level import is
still a dependency, so it cannot be used to hide a cycle. Imports under
``if TYPE_CHECKING:`` are annotations only and are not counted.
"""
from __future__ import annotations

import ast
from pathlib import Path

import altena_qca

PACKAGE = Path(altena_qca.__file__).resolve().parent

#: Low to high. The first part of a module's dotted name below altena_qca decides its layer.
LAYERS: list[tuple[str, set[str]]] = [
    ("base", {"errors", "resources", "_io", "_cells", "_staging", "_yamllines", "_yamltext", "model"}),
    ("codebook", {"codebook"}),
    ("privacy", {"privacy"}),
    ("ingest", {"ingest"}),
    ("interchange", {"refi"}),
    ("store", {"store"}),
    ("code", {"coding"}),
    ("study", {"engine", "study"}),
    ("analyse", {"analysis"}),
    ("network", {"network"}),
    ("report", {"report"}),
    ("applications", {"codebook_edit", "rule_check", "check", "init", "pipeline", "workbench", "cli", "__main__"}),
]
LAYER_OF = {top: i for i, (_, tops) in enumerate(LAYERS) for top in tops}


def _module_name(path: Path) -> str:
    parts = list(path.with_suffix("").relative_to(PACKAGE.parent).parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skip


def _resolve(target: str, names: list[str], modules: dict[str, Path]) -> list[str]:
    """The package modules an ``from target import names`` brings in."""
    out = []
    for name in names:
        full = f"{target}.{name}"
        if full in modules:
            out.append(full)
        elif target == "altena_qca" and name in getattr(altena_qca, "_LAZY", {}):
            out.append(f"altena_qca.{altena_qca._LAZY[name]}")
        elif target in modules:
            out.append(target)
    return out or ([target] if target in modules else [])


def import_edges() -> list[tuple[str, str, int]]:
    """``(importer, imported, line)`` for every import of a package module by another."""
    modules = _modules()
    edges = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_nodes(tree)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.split(".")[0] == "altena_qca":
                    for imported in _resolve(target, [a.name for a in node.names], modules):
                        edges.append((name, imported, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "altena_qca" and alias.name in modules:
                        edges.append((name, alias.name, node.lineno))
    return [(a, b, line) for a, b, line in edges if a != b]


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYER_OF.get(parts[1]) if len(parts) > 1 else None


def test_every_module_has_a_layer():
    missing = sorted({m.split(".")[1] for m in _modules() if "." in m and _layer(m) is None})
    assert not missing, f"add these to LAYERS (and docs/ARCHITECTURE.md): {missing}"


def test_no_import_runs_against_the_data_flow():
    back = [f"{PACKAGE.name}/{a.replace('.', '/').removeprefix('altena_qca/')}.py:{line} imports {b} "
            f"({LAYERS[_layer(a)][0]} -> {LAYERS[_layer(b)][0]})"
            for a, b, line in import_edges()
            if _layer(a) is not None and _layer(b) is not None and _layer(b) > _layer(a)]
    assert not back, "back-edges:\n" + "\n".join(back)


def _cycles(edges: list[tuple[str, str, int]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b, _ in edges:
        if b.startswith(a + "."):  # a package importing its own submodules (re-exports) is not a cycle
            continue
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert _cycles(import_edges()) == []


def test_the_checks_can_fail():
    """The detectors find a planted back-edge and a planted cycle."""
    planted = [("altena_qca.ingest.corpus", "altena_qca.report.results", 1)]
    assert _layer(planted[0][1]) > _layer(planted[0][0])
    assert _cycles([("altena_qca.a", "altena_qca.b", 1), ("altena_qca.b", "altena_qca.a", 2)]) == [
        ["altena_qca.a", "altena_qca.b"]]


def test_architecture_states_the_layer_rule():
    text = (PACKAGE.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert "## Layers" in text
    for name, tops in LAYERS:
        for top in tops - {"__main__"}:
            assert f"`{top}`" in text, f"docs/ARCHITECTURE.md does not place `{top}` in a layer"


def test_readme_lists_every_module():
    """README's "Where things live" names every module of the package."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Where things live", 1)[1].split("```", 2)[1]
    missing = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if p.name != "__init__.py" and p.name not in block]
    folders = {p.parent.name for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    missing += [f"{f}/" for f in sorted(folders) if f"{f}/" not in block]
    assert not missing, f"README 'Where things live' does not name: {missing}"


def test_the_analysis_layer_stays_light():
    """groups, cooccurrence and effects import the analysis layer on every call: it must not pull in the
    auto-coder's spaCy and scikit-learn (seconds per command), even where it shares the codebook's logic
    (co-occurrence needs scipy.sparse, which is fine)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "import altena_qca.analysis.effects, altena_qca.analysis.cooccurrence, altena_qca.analysis.typology\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'spacy', 'sklearn', 'matplotlib'}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
