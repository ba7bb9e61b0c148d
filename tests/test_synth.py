"""The benchmark data generator writes valid datasets of the real schema, the same for a seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.synth import CORPUS, WEB_RECORD, generate
from graphkit.analysis.validate import validate_graph
from graphkit.data.load import load_datasets
from graphkit.data.schema import TABLES
from graphkit.graph.build import build_graph
from graphkit.locations import DATASETS_DIR
from tests.conftest import REPO_DIR


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    generate(300, 5, out)
    return out


def test_every_file_of_the_schema_is_written_with_its_header(synthetic: Path) -> None:
    for table in TABLES.values():
        header = (synthetic / table.file_name).read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(table.header)
    assert {p.name for p in (synthetic / "sources").iterdir()} == {CORPUS, WEB_RECORD}


def test_synthetic_data_loads_and_conforms_to_the_shapes(synthetic: Path) -> None:
    dataset = load_datasets([synthetic])
    assert all(len(frame) for frame in dataset.tables.values())
    report = validate_graph(build_graph(dataset), dataset)
    assert report.conforms, report.text()


def test_synthetic_data_loads_next_to_the_bundled_data(synthetic: Path) -> None:
    dataset = load_datasets([DATASETS_DIR, synthetic])
    ids = set(dataset.tables["cities"]["id"])
    assert "kosice" in ids and any(i.startswith("city-") for i in ids)


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(200, 11, first)
    generate(200, 11, again)
    generate(200, 12, other)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert (first / "memberships.csv").read_bytes() != (other / "memberships.csv").read_bytes()


def test_row_count_follows_the_rows_asked_for(tmp_path: Path) -> None:
    for rows in (500, 5000):
        counts = generate(rows, 1, tmp_path / str(rows))
        assert 0.8 * rows <= sum(counts.values()) <= 1.1 * rows


def test_partnerships_follow_a_power_law_with_hub_cities(tmp_path: Path) -> None:
    generate(5000, 3, tmp_path)
    members = pd.read_csv(tmp_path / "memberships.csv", dtype=str, keep_default_na=False)
    in_projects = members.loc[members["group"].str.startswith("project-")]
    sizes = in_projects.groupby("group").size()
    assert sizes.max() >= 5 * sizes.median()
    cities = members.loc[members["member"].str.startswith("city-"), "member"].value_counts()
    assert cities.iloc[0] >= 5 * cities.median()


def test_transfers_span_years_and_some_go_to_unnamed_cities(synthetic: Path) -> None:
    transfers = pd.read_csv(synthetic / "transfers.csv", dtype=str, keep_default_na=False)
    unnamed = transfers["target_count"] != ""
    assert 0 < unnamed.sum() < len(transfers)
    assert (transfers.loc[unnamed, "target_city"] == "").all()
    assert transfers["start"].str[:4].nunique() >= 5


def test_command_line_writes_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    result = subprocess.run(
        [sys.executable, "benchmarks/synth.py", "--rows", "150", "--seed", "2", "--out", str(out)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"to {out}" in result.stdout
    assert (out / "transfers.csv").exists()
