"""The first-party packages import each other without a cycle, function-level imports included."""

import tomllib
from pathlib import Path

import grimp

# Every first-party package: the ones import-linter's contracts cover.
PYPROJECT = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
PACKAGES = PYPROJECT["tool"]["importlinter"]["root_packages"]


def _cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append((importer, *back))
    return cycles


def test_no_module_imports_itself_through_others():
    # grimp reads imports inside function bodies too: an import deferred to dodge a cycle counts.
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _cycles(graph) == []
