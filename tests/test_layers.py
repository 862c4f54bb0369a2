"""The layers of docs/architecture.md, enforced: a module imports only from its own layer and the
layers above it (lazy imports inside functions included). The layers are a table here rather
than folders, so a private import path stays what tests, benchmarks and docs name; what can
import what is the part that matters, and this test fails on a module that breaks it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "interventions"

LAYERS: list[tuple[str, set[str]]] = [
    ("model", {"_version", "_errors", "_model", "_decision", "_memo"}),
    (
        "reading text",
        {
            "_scripts",
            "_confusables",
            "_confusables_data",
            "_function_words",
            "_normalize",
            "_segment",
        },
    ),
    ("reading rules", {"_yaml", "_regex_risk", "_anchors", "_loader", "_schema"}),
    ("compiling", {"_compile", "_flat", "_artifact"}),
    ("matching", {"_match", "_reference"}),
    ("deciding", {"_cards", "_engine"}),
    ("tools", {"_testing", "_lint", "_tables", "_batch", "_diff", "_report", "tools"}),
    (
        "edges",
        {
            "__init__",
            "__main__",
            "_cli",
            "arrow",
            "spark",
            "_openapi",
            "_server",
            "server",
            "_metrics",
            "_prometheus",
            "metrics",
            "_shadow",
            "shadow",
        },
    ),
]
RANK = {name: rank for rank, (_, names) in enumerate(LAYERS) for name in names}


def _modules() -> list[tuple[str, Path]]:
    """Every module of the package by its top-level name (a sub-package counts as one)."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        out.append((top, path))
    return out


def _imported(path: Path) -> set[str]:
    """The package's top-level modules that ``path`` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "interventions":
                if len(parts) > 1:
                    found.add(parts[1])
                else:  # from interventions import X: X is a module or a public name
                    found.update(a.name for a in node.names if a.name in RANK)
                    if any(a.name not in RANK for a in node.names):
                        found.add("__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "interventions" and len(parts) > 1:
                    found.add(parts[1])
    return found


def test_every_module_has_a_layer() -> None:
    missing = sorted({top for top, _ in _modules()} - RANK.keys())
    assert not missing, f"add these modules to a layer in tests/test_layers.py: {missing}"


@pytest.mark.parametrize(("top", "path"), _modules(), ids=str)
def test_a_module_imports_only_its_layer_and_the_layers_above(top: str, path: Path) -> None:
    rank = RANK.get(top)
    if rank is None:
        pytest.fail(f"{top} has no layer")
    below = sorted(
        f"{name} ({LAYERS[RANK[name]][0]})"
        for name in _imported(path)
        if name in RANK and RANK[name] > rank
    )
    assert not below, (
        f"{path.relative_to(PACKAGE)} ({LAYERS[rank][0]}) imports from a layer below: {below}"
    )


def test_the_import_reader_sees_lazy_imports_and_the_loader_stays_above_the_compiler() -> None:
    """The reader counts imports inside functions (the engine reads artefacts lazily); the
    loader asks ``_anchors`` (its own layer) whether a near term can be indexed, not the
    compiler below it."""
    assert "_artifact" in _imported(PACKAGE / "_engine.py")
    loader = _imported(PACKAGE / "_loader.py")
    assert "_anchors" in loader and "_compile" not in loader
