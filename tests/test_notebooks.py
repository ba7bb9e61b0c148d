"""The notebooks in notebooks/ run from top to bottom without an error, and write no file.

Each notebook is executed with nbclient in the "python3" kernel (ipykernel in this environment)
from an empty temporary working directory, against this checkout's graphkit. IPython, Jupyter,
matplotlib and graphkit keep their own files in a temporary folder too, so a run leaves nothing
behind.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tests.conftest import REPO_DIR

NOTEBOOKS_DIR = REPO_DIR / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
CELL_TIMEOUT = 120
# A last cell, run only here, that reports which Python environment the kernel runs in.
PROBE = "import sys; print(sys.prefix)"


@pytest.fixture
def quiet_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory; the kernel's own files and caches go to a sibling folder."""
    state = tmp_path / "state"
    for variable, folder in {
        "IPYTHONDIR": "ipython",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "MPLCONFIGDIR": "matplotlib",
        "GRAPHKIT_CACHE": "graphkit-cache",
    }.items():
        (state / folder).mkdir(parents=True)
        monkeypatch.setenv(variable, str(state / folder))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(REPO_DIR), os.environ.get("PYTHONPATH")]))
    )
    workdir = tmp_path / "work"
    workdir.mkdir()
    return workdir


def test_there_are_five_notebooks_stored_without_outputs():
    assert [p.name for p in NOTEBOOKS] == [
        "01-getting-started.ipynb",
        "02-sparql.ipynb",
        "03-transfer-paths.ipynb",
        "04-visualisation.ipynb",
        "05-maps-and-partners.ipynb",
    ]
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        assert code, f"{path.name} has no code"
        assert all(not c.outputs and c.execution_count is None for c in code), (
            f"{path.name} is stored with outputs; clear them before committing "
            "(jupyter nbconvert --clear-output --inplace notebooks/*.ipynb)"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_error_and_writes_no_file(path: Path, quiet_home: Path):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(quiet_home)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        pytest.fail(f"{path.name} failed:\n{error}")

    kernel_prefix = notebook.cells[-1].outputs[0]["text"].strip()
    assert kernel_prefix == sys.prefix, (
        f"the python3 kernel runs in {kernel_prefix}, not in this environment ({sys.prefix}); "
        "install ipykernel here (pip install '.[test]')"
    )
    assert not list(quiet_home.iterdir()), f"{path.name} wrote files: {list(quiet_home.iterdir())}"
    shown = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert all(o.output_type != "error" for o in shown)
    assert len(shown) >= 5, f"{path.name} shows almost nothing"
