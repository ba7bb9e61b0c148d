"""Read and validate graphkit's curated CSV files.

``load_datasets`` reads every table of the data dictionary (:mod:`graphkit.data.schema`) from one or
more folders, as text (``dtype=str``, ``keep_default_na=False``, UTF-8 with or without BOM, NFC),
checks them, and returns a :class:`Dataset`. It collects *every* problem before it gives up and
raises :class:`DatasetError`, whose errors each name file, line (header = line 1), column, rule
and value, so a curator can fix them all in one pass.

Run ``python -m graphkit.data.load [DIR ...]`` to check folders from the shell.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from graphkit.data.schema import (
    CONTROL_CHARACTERS,
    ID_PATTERN,
    LIST_SEPARATOR,
    TABLES,
    Table,
    fold,
)
from graphkit.errors import DatasetError
from graphkit.locations import DATASETS_DIR

DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
ISO_CODE_PATTERN = re.compile(r"^[A-Z]{2}$")
URL_PATTERN = re.compile(r"^https?://\S+$")
# Romanian s/t with cedilla are legacy mis-encodings of s/t with comma below. T-cedilla is never
# right; s-cedilla is right in Turkish (Beşiktaş), so it is only an error in Romanian rows.
T_CEDILLA = "ţŢ"
S_CEDILLA = "şŞ"
ROMANIAN_COUNTRIES = {"romania", "moldova"}

ROW_COLUMNS = ("_file", "_line")


@dataclass(frozen=True, order=True)
class LoadError:
    """One problem in one cell (or row, or file) of a dataset."""

    file: str
    line: int
    column: str
    rule: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column or '-'}"
        value = "" if self.value is None else f" (value={self.value!r})"
        return f"{where}: [{self.rule}] {self.message}{value}"


@dataclass
class Dataset:
    """Validated tables, one DataFrame per table with every column as text.

    Each DataFrame also has ``_file`` and ``_line`` columns: where the row came from.
    ``texts`` maps a bundled source's file name to its text.
    """

    tables: dict[str, pd.DataFrame]
    folders: tuple[Path, ...]
    texts: dict[str, str] = field(default_factory=dict)

    def origin(self, row_id: str) -> tuple[str, int] | None:
        """The ``(file, line)`` of the row with this id, or None."""
        for frame in self.tables.values():
            hit = frame.loc[frame["id"] == row_id]
            if len(hit):
                return str(hit["_file"].iloc[0]), int(hit["_line"].iloc[0])
        return None

    def origins(self) -> dict[str, tuple[str, int]]:
        """Every row id with its ``(file, line)``."""
        found: dict[str, tuple[str, int]] = {}
        for frame in self.tables.values():
            found.update(
                zip(frame["id"], zip(frame["_file"], frame["_line"], strict=True), strict=True)
            )
        return found

    def row_count(self) -> int:
        return sum(len(f) for f in self.tables.values())


def split_list(value: str) -> list[str]:
    """The values of a ``;``-separated list cell, stripped, empties dropped."""
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


_QUOTE_TRANSLATION = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "*": None,
    }
)


def normalise_for_quote(text: str) -> str:
    """Text as compared by the quote check: NFC, plain quotes and dashes, single spaces, no ``*``."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_TRANSLATION)
    return " ".join(text.split())


def quote_occurs(quote: str, text: str) -> bool:
    """Whether ``quote`` occurs verbatim in ``text``; ``…`` or ``...`` marks an omission."""
    return _occurs_in_normalised(quote, normalise_for_quote(text))


def _occurs_in_normalised(quote: str, haystack: str) -> bool:
    pieces = [normalise_for_quote(p) for p in re.split(r"…|\.\.\.", quote)]
    position = 0
    for piece in (p for p in pieces if p):
        found = haystack.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def check_date(value: str) -> str | None:
    """None if ``value`` is an ISO date of year, month or day precision, else what is wrong."""
    match = DATE_PATTERN.match(value)
    if not match:
        return "expected an ISO date YYYY, YYYY-MM or YYYY-MM-DD"
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        return f"month {month} does not exist; expected YYYY-MM with MM from 01 to 12"
    if day is not None:
        try:
            date(int(year), int(month), int(day))
        except ValueError:
            return f"{value} is not a day of the calendar"
    return None


def _date_key(value: str) -> int:
    """A sortable number for a valid date: a year sorts before its months, a month before its days."""
    year, month, day = [*(int(p) for p in value.split("-")), 0, 0][:3]
    return (year * 100 + month) * 100 + day


def map_distinct(values: pd.Series, function: Callable[[str], Any]) -> pd.Series:
    """``function`` of every cell of ``values``, calling it once per distinct value.

    Args:
        values: a column of text.
        function: what to compute from one cell.

    Returns:
        A Series (object dtype, same index as ``values``) of the results.
    """
    codes, distinct = pd.factorize(values)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [function(value) for value in distinct]
    return pd.Series(results[codes], index=values.index, dtype=object)


def list_items(values: pd.Series) -> pd.Series:
    """The values of the ``;``-separated list cells of ``values``, as :func:`split_list` gives them.

    Args:
        values: a column of list cells.

    Returns:
        One entry per value, indexed by the row (index label of ``values``) it comes from.
    """
    parts = values.str.split(LIST_SEPARATOR).explode().str.strip()
    return parts.loc[parts.notna() & (parts != "")]


def _list_parts(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """One row per value of a list column, with the file and line it comes from."""
    items = list_items(frame[column])
    return frame[list(ROW_COLUMNS)].loc[items.index].assign(value=items.to_numpy())


def _is_nfc(values: pd.Series) -> bool:
    # NUL is a starter that composes with nothing, so the joined text is NFC iff every cell is.
    return unicodedata.is_normalized("NFC", "\0".join(values.to_numpy(dtype=object)))


class _Collector:
    def __init__(self) -> None:
        self.errors: list[LoadError] = []

    def add(
        self, file: str, line: int, column: str, rule: str, message: str, value: str | None = None
    ) -> None:
        self.errors.append(LoadError(file, line, column, rule, message, value))

    def add_mask(
        self, frame: pd.DataFrame, mask: pd.Series, column: str, rule: str, message: str
    ) -> None:
        """One error per row of ``frame`` selected by ``mask``, with the cell's value."""
        if mask.any():
            hit = frame.loc[mask]
            self.add_rows(hit, column, rule, message, hit[column])

    def add_rows(
        self,
        rows: pd.DataFrame,
        column: str,
        rule: str,
        message: str | Iterable[str],
        values: str | Iterable[str | None] | None,
    ) -> None:
        """One error per row of ``rows``; ``message`` and ``values`` are one for all, or per row."""
        count = len(rows)
        messages = repeat(message, count) if isinstance(message, str) else message
        cells = repeat(values, count) if values is None or isinstance(values, str) else values
        self.errors.extend(
            LoadError(file, int(line), column, rule, text, value)
            for file, line, text, value in zip(
                rows["_file"], rows["_line"], messages, cells, strict=True
            )
        )


def _decode(raw: bytes, shown: str, out: _Collector) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        out.add(
            shown,
            line,
            "",
            "encoding",
            f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8",
            None,
        )
        return None
    return text.removeprefix("\ufeff")


# The longest cell a dataset may hold (characters): far above any quote or note, and a clear
# limit instead of the csv module's 131,072.
MAX_CELL = 1_000_000


def _records(text: str, shown: str, out: _Collector) -> list[tuple[int, int]] | None:
    """The line each CSV record starts on and its number of cells (header included), or None
    after reporting why the file cannot be read as CSV (bare carriage returns, an overlong
    cell, a broken quote): one error at the line where reading stopped."""
    bare_cr = re.search(r"\r(?!\n)", text)
    if bare_cr:
        line = text.count("\n", 0, bare_cr.start()) + 1
        out.add(
            shown,
            line,
            "",
            "line-ends",
            "a carriage return without a line feed (old Mac line ends?); save the file with "
            "LF or CRLF line ends",
        )
        return None
    previous = csv.field_size_limit(MAX_CELL)
    reader = csv.reader(io.StringIO(text))
    records: list[tuple[int, int]] = []
    previous_end = 0
    try:
        for record in reader:
            records.append((previous_end + 1, len(record)))
            previous_end = reader.line_num
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a cell is longer than {MAX_CELL:,} characters, the limit"
        out.add(shown, reader.line_num, "", "csv", f"cannot read the file as CSV: {message}")
        return None
    finally:
        csv.field_size_limit(previous)
    return records


def file_errors(path: Path, table: Table) -> list[LoadError]:
    """The problems that stop ``path`` from being read as ``table``: encoding, line ends, CSV
    syntax, cell counts and header (what ``lint-data`` checks before it rewrites a file)."""
    out = _Collector()
    read_table(path, table, out, _shown_path(path))
    return out.errors


def read_table(
    path: Path, table: Table, out: _Collector, shown: str | None = None
) -> pd.DataFrame | None:
    """Read one CSV file as text, checking encoding and header; None if it cannot be used."""
    shown = shown or str(path)
    text = _decode(path.read_bytes(), shown, out)
    if text is None:
        return None
    records = _records(text, shown, out)
    if records is None:
        return None
    if not records:
        out.add(shown, 1, "", "csv", "the file is empty; it needs at least its header line")
        return None
    width = records[0][1]
    ragged = [(line, cells) for line, cells in records[1:] if cells not in (0, width)]
    for line, cells in ragged:
        out.add(
            shown,
            line,
            "",
            "cell-count",
            f"the row has {cells} cells where the header has {width}; "
            "quote cells that contain commas",
            str(cells),
        )
    if ragged:
        return None
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=True
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        out.add(shown, 1, "", "csv", f"cannot parse the file as CSV: {exc}")
        return None
    header = [str(c) for c in frame.columns]
    # Optional columns a file leaves out are read as empty; the others keep their order.
    expected = [c.name for c in table.columns if c.name in header or not c.optional]
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    for col in missing:
        out.add(
            shown,
            1,
            col,
            "missing-column",
            f"column {col!r} is missing; the header must be: {','.join(expected)}",
        )
    for col in unknown:
        out.add(
            shown,
            1,
            col,
            "unknown-column",
            f"column {col!r} is not in the data dictionary for {table.file_name}; "
            f"expected: {','.join(table.header)}",
            col,
        )
    if missing or unknown:
        return None
    if header != expected:
        out.add(
            shown,
            1,
            "",
            "column-order",
            f"columns are out of order; the header must be: {','.join(expected)}",
            ",".join(header),
        )
    starts = [line for line, cells in records if cells]
    frame = frame.reindex(columns=list(table.header), fill_value="")
    frame["_file"] = shown
    frame["_line"] = (
        starts[1 : len(frame) + 1] if len(starts) > len(frame) else range(2, len(frame) + 2)
    )
    return frame


def _check_cells(frame: pd.DataFrame, table: Table, out: _Collector) -> pd.DataFrame:
    """Per-cell checks that need no other table; returns the frame with NFC text."""
    for col in table.columns:
        values = frame[col.name]
        if not _is_nfc(values):
            nfc = map_distinct(values, lambda v: unicodedata.normalize("NFC", v))
            nfc = nfc.astype(values.dtype)
            out.add_mask(
                frame,
                values != nfc,
                col.name,
                "not-nfc",
                "text is not in Unicode NFC (decomposed accents); re-save it NFC-normalised",
            )
            frame[col.name] = nfc
            values = nfc
        stripped = values.str.strip()
        out.add_mask(
            frame,
            values != stripped,
            col.name,
            "whitespace",
            "value has leading or trailing spaces",
        )
        out.add_mask(
            frame,
            values.str.contains(CONTROL_CHARACTERS.pattern, regex=True),
            col.name,
            "control-character",
            "text holds a control character (NUL, an escape, a bidirectional override, …) that "
            "would reach the graph and the user's terminal; delete it",
        )
        out.add_mask(
            frame,
            values.str.contains(f"[{T_CEDILLA}]", regex=True),
            col.name,
            "cedilla",
            "t with cedilla (ţ) is a mis-encoding of Romanian ț (comma below)",
        )
        empty = stripped == ""
        if col.required:
            out.add_rows(
                frame.loc[empty], col.name, "required", f"{col.name} is required and empty", ""
            )
        present = ~empty
        if col.kind == "id":
            bad = present & ~values.str.fullmatch(ID_PATTERN.pattern)
            out.add_mask(
                frame,
                bad,
                col.name,
                "id-form",
                "id must be a lower-case slug like 'cluj-napoca' (a-z, 0-9, single hyphens)",
            )
        elif col.kind in ("enum", "list_enum"):
            if col.is_list:
                parts = _list_parts(frame.loc[present], col.name)
            else:
                parts = frame.loc[present, list(ROW_COLUMNS)].assign(value=stripped[present])
            bad = parts.loc[~parts["value"].isin(set(col.enum or ()))]
            out.add_rows(
                bad, col.name, "enum", f"expected one of: {', '.join(col.enum or ())}", bad["value"]
            )
        elif col.kind == "date":
            problems = map_distinct(values[present], check_date)
            wrong = problems.notna()
            out.add_rows(
                frame.loc[present].loc[wrong],
                col.name,
                "date",
                problems[wrong],
                values[present][wrong],
            )
        elif col.kind == "int":
            bad = present & ~values.str.fullmatch(r"[1-9][0-9]*")
            out.add_mask(frame, bad, col.name, "number", "expected a whole number of 1 or more")
        elif col.kind == "decimal":
            # The canonical form only (no trailing zeros): stores such as Oxigraph rewrite 2.50
            # as 2.5, and the graph must read back exactly as it was built.
            bad = present & ~values.str.fullmatch(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?")
            out.add_mask(
                frame,
                bad,
                col.name,
                "number",
                "expected a decimal number like 639179 or 2.5 (no thousands separators, "
                "no trailing zeros after the point)",
            )
    for first, second in (("start", "end"),):
        if first in frame.columns and second in frame.columns:
            both = frame.loc[(frame[first] != "") & (frame[second] != "")]
            a, b = both[first], both[second]
            valid = map_distinct(a, check_date).isna() & map_distinct(b, check_date).isna()
            a, b, both = a[valid], b[valid], both.loc[valid]
            reversed_ = map_distinct(b, _date_key) < map_distinct(a, _date_key)
            out.add_rows(
                both.loc[reversed_],
                second,
                "date-order",
                (f"end is before start ({v})" for v in a[reversed_]),
                b[reversed_],
            )
    return frame


def _check_row_rules(frame: pd.DataFrame, table: Table, out: _Collector) -> None:
    for group in table.exactly_one:
        filled = sum((frame[c] != "").astype(int) for c in group)
        wrong = frame.loc[filled != 1]
        out.add_rows(
            wrong,
            group[0],
            "one-of",
            f"exactly one of {' / '.join(group)} must be given",
            _joined(wrong, group),
        )
    for group in table.at_least_one:
        filled = sum((frame[c] != "").astype(int) for c in group)
        out.add_rows(
            frame.loc[filled == 0],
            group[0],
            "one-of",
            f"at least one of {' / '.join(group)} must be given",
            "",
        )


def _joined(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The cells of ``columns`` joined with `` / `` in each row."""
    joined = frame[columns[0]]
    for name in columns[1:]:
        joined = joined + " / " + frame[name]
    return joined


def _repeats(rows: pd.DataFrame, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows whose ``key`` was already seen, and for each the row where it was first seen."""
    later = rows[key].duplicated(keep="first")
    again = rows.loc[later]
    first = rows.loc[~later].set_index(key)
    return again, first.loc[again[key]]


def _check_ids(tables: dict[str, pd.DataFrame], out: _Collector) -> None:
    rows = pd.concat([frame[["id", *ROW_COLUMNS]] for frame in tables.values()], ignore_index=True)
    again, where = _repeats(rows.loc[rows["id"] != ""], "id")
    if again.empty:
        return
    out.add_rows(
        again,
        "id",
        "duplicate-id",
        (
            f"id is already used at {file}:{int(line)}; ids must be unique across all files"
            for file, line in zip(where["_file"], where["_line"], strict=True)
        ),
        again["id"],
    )


def _check_references(tables: dict[str, pd.DataFrame], out: _Collector) -> None:
    ids_by_table = {name: set(frame["id"].tolist()) for name, frame in tables.items()}
    every_id = set().union(*ids_by_table.values()) if ids_by_table else set()
    for name, frame in tables.items():
        for col in TABLES[name].columns:
            if not col.is_reference:
                continue
            if col.targets == ("*",):
                allowed, expected = every_id, "an id of any file"
            else:
                allowed = set().union(*(ids_by_table.get(t, set()) for t in col.targets))
                expected = "an id in " + " or ".join(f"{t}.csv" for t in col.targets)
            filled = frame.loc[frame[col.name] != ""]
            if col.is_list:
                parts = _list_parts(filled, col.name)
            else:
                parts = filled[list(ROW_COLUMNS)].assign(value=filled[col.name])
            dangling = parts.loc[~parts["value"].isin(allowed)]
            out.add_rows(
                dangling,
                col.name,
                "dangling-reference",
                f"refers to an id that does not exist; expected {expected}",
                dangling["value"],
            )


def _check_sources(
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    records: dict[str, PageRecord],
    out: _Collector,
) -> None:
    sources = tables.get("sources")
    if sources is None:
        return
    by_locator: dict[str, dict[str, Any]] = {}
    for row in sources.to_dict("records"):
        loc = row["locator"]
        if loc in by_locator:
            out.add(
                row["_file"],
                int(row["_line"]),
                "locator",
                "duplicate-source",
                f"locator is already used at {by_locator[loc]['_file']}:{by_locator[loc]['_line']}",
                loc,
            )
            continue
        by_locator[loc] = row
        if row["kind"] == "web_page":
            if not URL_PATTERN.match(loc):
                out.add(
                    row["_file"],
                    int(row["_line"]),
                    "locator",
                    "source-locator",
                    "a web_page source needs an http(s) URL as locator",
                    loc,
                )
            if row["record"] and row["record"] not in texts:
                out.add(
                    row["_file"],
                    int(row["_line"]),
                    "record",
                    "source-file",
                    "no bundled file of that name in any sources/ folder",
                    row["record"],
                )
            elif row["record"] in records:
                _check_record(row, records[row["record"]], out)
        elif row["kind"] == "source_document" and loc not in texts:
            out.add(
                row["_file"],
                int(row["_line"]),
                "locator",
                "source-file",
                "no bundled file of that name in any sources/ folder",
                loc,
            )
    text_names = {
        loc: loc if row["kind"] == "source_document" else row["record"]
        for loc, row in by_locator.items()
    }
    haystacks: dict[str, str] = {}
    for name, frame in tables.items():
        if not TABLES[name].cited:
            continue
        _check_quotes(frame, "source", "quote", text_names, texts, haystacks, out)
    transfers = tables.get("transfers")
    if transfers is not None and len(transfers):
        evidence = transfers.assign(
            status_source=transfers["status_source"].where(
                transfers["status_source"] != "", transfers["source"]
            )
        )
        evidence = evidence.loc[evidence["status_quote"] != ""]
        _check_quotes(evidence, "status_source", "status_quote", text_names, texts, haystacks, out)


def _check_record(source: dict[str, Any], record: PageRecord, out: _Collector) -> None:
    """A web page's record names the page it records: its URL, title and retrieval date."""
    where = f"sources/{record.path}"
    for key in RECORD_FIELDS:
        if not record.fields.get(key):
            out.add(
                source["_file"],
                int(source["_line"]),
                "record",
                "record-header",
                f"{where} has no '{key}:' line; a record starts with url:, title: and "
                "retrieved: lines, then a blank line, then the excerpts",
                source["record"],
            )
    url = record.fields.get("url", "")
    if url and url != source["locator"]:
        out.add(
            source["_file"],
            int(source["_line"]),
            "record",
            "record-url",
            f"{where} line {record.field_lines['url']} records {url}, not this row's locator",
            source["record"],
        )
    retrieved = record.fields.get("retrieved", "")
    if retrieved and (len(retrieved) != 10 or check_date(retrieved) is not None):
        out.add(
            source["_file"],
            int(source["_line"]),
            "record",
            "record-header",
            f"{where} line {record.field_lines['retrieved']}: retrieved must be a day, YYYY-MM-DD",
            retrieved,
        )
    if not record.body.strip():
        out.add(
            source["_file"],
            int(source["_line"]),
            "record",
            "record-header",
            f"{where} holds no excerpts after its header",
            source["record"],
        )


def _check_quotes(
    frame: pd.DataFrame,
    source_column: str,
    quote_column: str,
    text_names: dict[str, str],
    texts: dict[str, str],
    haystacks: dict[str, str],
    out: _Collector,
) -> None:
    """Every quote of ``quote_column`` occurs in the text of its row's ``source_column``."""
    cited = frame.loc[frame[source_column] != ""]
    known = cited[source_column].isin(list(text_names))
    unknown = cited.loc[~known]
    out.add_rows(
        unknown,
        source_column,
        "unknown-source",
        "source is not the locator of any row of sources.csv (add the document or URL there first)",
        unknown[source_column],
    )
    quoted = cited.loc[known & (cited[quote_column] != "")]
    quoted = quoted.assign(text_name=quoted[source_column].map(text_names))
    quoted = quoted.loc[quoted["text_name"].isin(list(texts))]

    def occurs(key: str) -> bool:
        quote, text_name = key.rsplit("\x1f", 1)
        if text_name not in haystacks:
            haystacks[text_name] = normalise_for_quote(texts[text_name])
        return _occurs_in_normalised(quote, haystacks[text_name])

    # A unit separator, not NUL: pandas string concatenation drops NUL characters.
    found = map_distinct(quoted[quote_column] + "\x1f" + quoted["text_name"], occurs)
    missing = quoted.loc[~found.astype(bool)]
    out.add_rows(
        missing,
        quote_column,
        "quote-not-in-source",
        (f"quote does not occur in {t}; quote it verbatim" for t in missing["text_name"]),
        missing[quote_column],
    )


def _check_transfers(transfers: pd.DataFrame, out: _Collector) -> None:
    """A transfer goes between two cities, and a known status comes with the quote that shows it."""
    same = transfers.loc[
        (transfers["target_city"] != "") & (transfers["target_city"] == transfers["origin_city"])
    ]
    out.add_rows(
        same,
        "target_city",
        "self-transfer",
        "the target city is the origin city; a transfer goes from one city to another",
        same["target_city"],
    )
    known = transfers["status"].isin(["", "unknown"])
    unshown = transfers.loc[~known & (transfers["status_quote"] == "")]
    out.add_rows(
        unshown,
        "status_quote",
        "status-evidence",
        (
            f"status {v} needs a status_quote from the source that shows it"
            for v in unshown["status"]
        ),
        "",
    )
    stray = transfers.loc[(transfers["status_source"] != "") & (transfers["status_quote"] == "")]
    out.add_rows(
        stray,
        "status_source",
        "status-evidence",
        "a status_source needs a status_quote from it",
        stray["status_source"],
    )


def _check_romanian_cedilla(tables: dict[str, pd.DataFrame], out: _Collector) -> None:
    cities = tables.get("cities")
    if cities is None:
        return
    romanian = cities.loc[cities["country"].isin(ROMANIAN_COUNTRIES)]
    for col in ("name", "local_names", "alt_names"):
        out.add_mask(
            romanian,
            romanian[col].str.contains(f"[{S_CEDILLA}]", regex=True),
            col,
            "cedilla",
            "s with cedilla (ş) is a mis-encoding of Romanian ș (comma below)",
        )


def _check_name_collisions(tables: dict[str, pd.DataFrame], out: _Collector) -> None:
    for name, frame in tables.items():
        label = TABLES[name].label_column
        if not label or name in ("lessons", "objectives"):
            continue
        rows = frame.assign(key=map_distinct(frame[label], fold))
        again, where = _repeats(rows.loc[rows["key"] != ""], "key")
        if again.empty:
            continue
        clash = again["id"].to_numpy() != where["id"].to_numpy()
        again, where = again.loc[clash], where.loc[clash]
        out.add_rows(
            again,
            label,
            "name-collision",
            (
                f"same name as {other_id!r} at {other_file}:{int(other_line)} (ignoring case "
                "and accents); merge the rows or make the names distinct"
                for other_id, other_file, other_line in zip(
                    where["id"], where["_file"], where["_line"], strict=True
                )
            ),
            again[label],
        )


def _check_iso_codes(tables: dict[str, pd.DataFrame], out: _Collector) -> None:
    countries = tables.get("countries")
    if countries is not None:
        bad = (countries["iso_code"] != "") & ~countries["iso_code"].str.fullmatch(
            ISO_CODE_PATTERN.pattern
        )
        out.add_mask(
            countries,
            bad,
            "iso_code",
            "iso-code",
            "expected an ISO 3166-1 alpha-2 code in capitals, like HU",
        )


GEONAMES_ID_PATTERN = r"[1-9][0-9]*"
REGION_CODE_PATTERN = r"[A-Z]{2}\.[0-9A-Za-z]+"
COORDINATE_RANGES = {"latitude": 90, "longitude": 180}


def _check_places(tables: dict[str, pd.DataFrame], out: _Collector) -> None:
    """A city's GeoNames columns: an id of digits, coordinates in range and in pairs, a region
    code of its own country, and a population with its source."""
    cities = tables.get("cities")
    if cities is None or not len(cities):
        return
    filled = {c: cities[c] != "" for c in ("geonames_id", "latitude", "longitude", "population")}
    out.add_mask(
        cities,
        filled["geonames_id"] & ~cities["geonames_id"].str.fullmatch(GEONAMES_ID_PATTERN),
        "geonames_id",
        "geonames-id",
        "expected a GeoNames id: digits only, like 724443 (https://sws.geonames.org/724443/)",
    )
    for column, limit in COORDINATE_RANGES.items():
        number = pd.to_numeric(cities[column].where(filled[column]), errors="coerce")
        out.add_mask(
            cities,
            number.notna() & (number.abs() > limit),
            column,
            "coordinate",
            f"expected WGS84 decimal degrees from -{limit} to {limit}",
        )
    for column, other in (("latitude", "longitude"), ("longitude", "latitude")):
        out.add_mask(
            cities,
            filled[column] & ~filled[other],
            other,
            "coordinate",
            f"{column} is given, so {other} is needed too",
        )
    code = cities["region_code"]
    prefix = code.str.split(".", n=1).str[0]
    countries = tables.get("countries")
    iso = cities["country"].map(
        dict(zip(countries["id"], countries["iso_code"], strict=True))
        if countries is not None
        else {}
    )
    bad_form = (code != "") & ~code.str.fullmatch(REGION_CODE_PATTERN)
    out.add_mask(
        cities,
        bad_form,
        "region_code",
        "region-code",
        "expected a GeoNames first-level region code: the country's ISO code, a dot and the "
        "GeoNames admin1 code, like FR.11",
    )
    foreign = (code != "") & ~bad_form & iso.notna() & (prefix != iso)
    out.add_rows(
        cities.loc[foreign],
        "region_code",
        "region-code",
        (f"the region code is not of the city's country ({c})" for c in iso[foreign]),
        code[foreign],
    )
    unsourced = filled["population"] & (cities["population_source"] == "")
    out.add_mask(
        cities,
        unsourced,
        "population_source",
        "population-source",
        "a population needs its population_source (the dataset or document it comes from)",
    )
    unidentified = filled["population"] & ~filled["geonames_id"]
    out.add_mask(
        cities,
        unidentified,
        "population",
        "population-source",
        "population is GeoNames' figure for the city: give its geonames_id too (a population "
        "that another source states goes to quantities.csv, measure inhabitants)",
    )
    stray = ~filled["population"] & (
        (cities["population_as_of"] != "") | (cities["population_source"] != "")
    )
    out.add_mask(
        cities,
        stray,
        "population",
        "population-source",
        "population_as_of and population_source describe a population; give the population",
    )


RECORDS_FOLDER = "records"
RECORD_FIELDS = ("url", "title", "retrieved")


@dataclass(frozen=True)
class PageRecord:
    """The offline record of a web page: its header fields and the excerpts read from it.

    A record file starts with ``key: value`` lines (``url``, ``title``, ``retrieved`` and
    optionally ``publisher`` and ``date``), then a blank line, then the excerpts exactly as read.
    """

    path: str
    fields: dict[str, str]
    field_lines: dict[str, int]
    body: str


def parse_record(text: str, path: str) -> PageRecord:
    """Split a record file's text into its header fields and its excerpts."""
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            body_start = number + 1
            break
        key, sep, value = line.partition(":")
        if not sep or not re.fullmatch(r"[a-z_]+", key.strip()):
            body_start = number
            break
        fields[key.strip()] = value.strip()
        field_lines[key.strip()] = number + 1
    else:
        body_start = len(lines)
    return PageRecord(path, fields, field_lines, "\n".join(lines[body_start:]))


def read_source_texts(
    folders: Iterable[Path], records: dict[str, PageRecord] | None = None
) -> dict[str, str]:
    """The bundled source texts of every folder's ``sources/`` subfolder, by file name.

    Records of web pages in ``sources/records/`` are keyed ``records/<file name>`` and give only
    their excerpts; pass ``records`` when :func:`read_page_records` has read them already.
    """
    folders = list(folders)
    texts: dict[str, str] = {}
    for record in (read_page_records(folders) if records is None else records).values():
        texts[record.path] = record.body
    for folder in folders:
        source_dir = Path(folder) / "sources"
        if source_dir.is_dir():
            for path in sorted(source_dir.iterdir()):
                if path.is_file():
                    texts[path.name] = unicodedata.normalize(
                        "NFC", path.read_text(encoding="utf-8-sig")
                    )
    return texts


def read_page_records(folders: Iterable[Path]) -> dict[str, PageRecord]:
    """Every web-page record of every folder's ``sources/records/``, by ``records/<name>``."""
    records: dict[str, PageRecord] = {}
    for folder in folders:
        record_dir = Path(folder) / "sources" / RECORDS_FOLDER
        if record_dir.is_dir():
            for path in sorted(record_dir.iterdir()):
                if path.is_file():
                    name = f"{RECORDS_FOLDER}/{path.name}"
                    text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig"))
                    records[name] = parse_record(text, name)
    return records


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_datasets(folders: Sequence[Path | str] | None = None) -> Dataset:
    """Read and check every dataset file in ``folders`` (default: the bundled datasets).

    Tables of the same name in several folders are concatenated; ids must be unique across all
    of them. Raises :class:`DatasetError` listing every problem; returns a :class:`Dataset`.
    """
    paths = tuple(Path(f) for f in (folders if folders else [DATASETS_DIR]))
    out = _Collector()
    for folder in paths:
        if not folder.is_dir():
            out.add(str(folder), 0, "", "missing-folder", "data folder does not exist")
    if out.errors:
        raise DatasetError(out.errors)
    records = read_page_records(paths)
    texts = read_source_texts(paths, records)
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
    unreadable = False
    for folder in paths:
        known = {t.file_name for t in TABLES.values()}
        for stray in sorted(folder.glob("*.csv")):
            if stray.name not in known:
                out.add(
                    _shown_path(stray),
                    1,
                    "",
                    "unknown-file",
                    f"not a dataset file; expected one of: {', '.join(sorted(known))}",
                )
        for name, table in TABLES.items():
            path = folder / table.file_name
            if not path.exists():
                continue
            frame = read_table(path, table, out, _shown_path(path))
            if frame is None:
                unreadable = True
            else:
                parts[name].append(_check_cells(frame, table, out))
    tables = {
        name: pd.concat(frames, ignore_index=True) if frames else _empty(TABLES[name])
        for name, frames in parts.items()
    }
    for name, frame in tables.items():
        _check_row_rules(frame, TABLES[name], out)
    if unreadable:
        # Checks across files would report every reference into the unread file as missing:
        # the file's own error comes first, alone.
        raise DatasetError(out.errors)
    _check_ids(tables, out)
    _check_references(tables, out)
    _check_sources(tables, texts, records, out)
    _check_transfers(tables["transfers"], out)
    _check_romanian_cedilla(tables, out)
    _check_name_collisions(tables, out)
    _check_iso_codes(tables, out)
    _check_places(tables, out)
    if out.errors:
        raise DatasetError(out.errors)
    for name, table in TABLES.items():
        for col in table.columns:
            if col.default:
                frame = tables[name]
                frame.loc[frame[col.name] == "", col.name] = col.default
    return Dataset(tables=tables, folders=paths, texts=texts)


def _empty(table: Table) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=str) for c in (*table.header, *ROW_COLUMNS)})


def main(argv: Sequence[str] | None = None) -> int:
    """Check the folders named on the command line (default: the bundled datasets)."""
    folders = list(argv if argv is not None else sys.argv[1:])
    try:
        dataset = load_datasets([Path(f) for f in folders] or None)
    except DatasetError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"ok: {dataset.row_count()} rows in {len(dataset.tables)} tables")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
