"""The package's layout says how data flows: imports go one way, and there is no cycle."""

from __future__ import annotations

import grimp
import networkx as nx
from importlinter.cli import lint_imports

from tests.conftest import REPO_DIR


def test_no_module_of_graphkit_imports_itself_back_through_others() -> None:
    graph = grimp.build_graph("graphkit", include_external_packages=False)
    imports = nx.DiGraph(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
    )
    cycles = [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1]
    assert cycles == []


def test_the_layers_contract_of_pyproject_holds(monkeypatch) -> None:
    monkeypatch.chdir(REPO_DIR)
    assert lint_imports(no_cache=True) == 0, "run lint-imports to see which import breaks a layer"
