"""The coverage summary of the bundled transfers, against the CSV files themselves."""

from __future__ import annotations

from graphkit.data.coverage import END_MARK, START_MARK, transfer_coverage, with_coverage
from graphkit.locations import DATASETS_DIR
from tests.helpers import bundled_csv


def test_the_data_dictionary_carries_the_current_coverage_summary(bundled_dataset) -> None:
    readme = (DATASETS_DIR / "README.md").read_text(encoding="utf-8")
    summary = transfer_coverage(bundled_dataset).markdown()
    assert with_coverage(readme, summary) == readme, (
        "datasets/README.md's coverage is out of date: run python -m graphkit.data.coverage --write"
    )
    assert readme.index(START_MARK) < readme.index(END_MARK)


def test_coverage_counts_agree_with_transfers_csv(bundled_dataset) -> None:
    rows = bundled_csv("transfers")
    coverage = transfer_coverage(bundled_dataset)
    named = rows.loc[rows["target_city"] != "", "target_city"]
    assert coverage.transfers == len(rows)
    assert coverage.named_targets == named.nunique()
    assert coverage.unnamed_targets == (rows["target_city"] == "").sum()
    assert coverage.by_programme["transfers"].sum() == len(rows)
    assert coverage.by_status["transfers"].sum() == len(rows)
    mechanisms = sum(len([m for m in cell.split(";") if m.strip()]) for cell in rows["mechanism"])
    assert coverage.by_mechanism["transfers"].sum() == mechanisms


def test_the_bundled_data_covers_the_floors_of_the_public_record(bundled_dataset) -> None:
    """At least 120 transfers, 70 named target cities and 10 programmes or networks."""
    coverage = transfer_coverage(bundled_dataset)
    assert coverage.transfers >= 120
    assert coverage.named_targets >= 70
    assert coverage.projects >= 10
