"""The data dictionary curators read (datasets/README.md) says what the loader checks."""

from __future__ import annotations

import re

import pytest

from graphkit.data.schema import TABLES
from graphkit.locations import DATASETS_DIR


def dictionary() -> dict[str, list[tuple[str, bool, str]]]:
    """Each documented file with its rows: (column, required, meaning), in order."""
    text = (DATASETS_DIR / "README.md").read_text(encoding="utf-8")
    tables: dict[str, list[tuple[str, bool, str]]] = {}
    for name, body in re.findall(r"^## (\w+)\.csv[^\n]*\n(.*?)(?=^## |\Z)", text, re.M | re.S):
        rows = tables.setdefault(name, [])
        for line in body.splitlines():
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            if len(cells) < 4 or cells[0] in ("column", "---"):
                continue
            names, marks = cells[0].split(", "), cells[2].split(",")
            for index, column in enumerate(names):
                mark = marks[index].strip() if index < len(marks) else ""
                rows.append((column, mark == "R", cells[3]))
    return tables


def test_every_file_of_the_schema_is_documented_and_nothing_else() -> None:
    assert set(dictionary()) == set(TABLES)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_documented_columns_are_the_header_in_order(name: str) -> None:
    assert [row[0] for row in dictionary()[name]] == list(TABLES[name].header)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_documented_required_marks_match_the_loader(name: str) -> None:
    documented = {column for column, required, _ in dictionary()[name] if required}
    assert documented == {c.name for c in TABLES[name].columns if c.required}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_allowed_value_is_documented(name: str) -> None:
    meanings = {column: meaning for column, _, meaning in dictionary()[name]}
    for column in TABLES[name].columns:
        for value in column.enum or ():
            assert f"`{value}`" in meanings[column.name], f"{name}.{column.name}: {value}"
