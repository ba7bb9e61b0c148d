"""Option values are checked before anything runs: finite, positive, within a stated range."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from graphkit.cli import MAX_RESOLUTION, MAX_TIMEOUT, main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("value", ["inf", "-inf", "1e308", "nan", "0", "-1", "soon"])
def test_a_timeout_must_be_a_finite_positive_number(value: str) -> None:
    result = run("query", "--timeout", value, "cities-by-country")
    assert result.exit_code == 2
    assert "Invalid value for '--timeout'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("value", ["nan", "inf", "0", f"{MAX_RESOLUTION * 2:g}"])
def test_a_resolution_must_be_a_finite_positive_number(value: str) -> None:
    result = run("network", "communities", "--resolution", value)
    assert result.exit_code == 2
    assert "Invalid value for '--resolution'" in result.output


def test_the_largest_allowed_timeout_is_accepted() -> None:
    result = run("query", "--timeout", f"{MAX_TIMEOUT:g}", "cities-by-country")
    assert result.exit_code == 0, result.output


def test_text_from_a_graph_is_shown_with_its_control_characters_escaped() -> None:
    """A label with a terminal escape (from an endpoint or a hand-made graph, since the loader
    refuses them in CSVs) is printed escaped, never raw: in tables and in transfer blocks."""
    import pandas as pd

    from graphkit.analysis.transfers import TRANSFER_COLUMNS, transfers_text
    from graphkit.views.output import render_frame

    evil = "Evil\x1b]0;owned\x07town\u202e"
    shown = "Evil\\x1b]0;owned\\x07town\\u202e"
    table = render_frame(pd.DataFrame({"label": [evil]}), "table")
    row = dict.fromkeys(TRANSFER_COLUMNS, "")
    row.update(practice=evil, origin="Vienna", target="Taranto", year=pd.NA)
    block = transfers_text(pd.DataFrame([row], columns=TRANSFER_COLUMNS))
    for text in (table, block):
        assert "\x1b" not in text and "\u202e" not in text
        assert shown in text


def test_a_wide_table_wraps_its_cells_to_100_columns_and_cuts_nothing() -> None:
    """Long cells wrap inside their column (rows then stand apart by a blank line); a table
    with too many wide columns prints each row as a block of ``name  value`` lines."""
    from graphkit.views.output import render_rows

    long = "a transfer of practice between two cities " * 6
    for columns in (["id", "text"], [f"column{n}" for n in range(9)]):
        rows = [[f"row-{r}"] + [f"{long}{r}"] * (len(columns) - 1) for r in range(3)]
        table = render_rows(columns, rows, "table")
        assert max(len(line) for line in table.splitlines()) <= 100
        printed = "".join(table.split())  # wrapped lines joined, spaces aside
        for row in rows:
            for cell in row:
                assert "".join(cell.split()) in printed
