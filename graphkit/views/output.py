"""Tables for people or tools: safe CSV cells and DataFrames rendered as text, CSV, JSON, ...

Every command formats its DataFrame with :func:`render_frame`, or its plain rows with
:func:`render_rows` (no pandas needed, so warm commands start fast), and writes files with
:func:`graphkit.files.write_atomic`, so a failed run never leaves a half-written file behind.
Text tables fit :data:`TABLE_WIDTH` columns: long cells wrap onto more lines.
"""

from __future__ import annotations

import io
import json
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from graphkit.data.schema import escape_controls, fits_as_is

if TYPE_CHECKING:  # pandas is imported where it is used, so `graphkit --help` stays instant.
    import pandas as pd

FRAME_FORMATS = ("table", "csv", "tsv", "json", "md")
# The width of text tables: they read in a terminal of 100 columns, cells wrapping as needed.
TABLE_WIDTH = 100
COLUMN_GAP = 2
MIN_COLUMN_WIDTH = 12
# A table whose wrapped columns would be narrower than this prints its rows as records.
READABLE_COLUMN_WIDTH = 16
# A record's field names take at most this many columns (longer ones wrap).
MAX_FIELD_WIDTH = 24
# OWASP CSV injection: cells starting with these are read as formulas by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading ``'``.

    Numbers stay numbers (``-12.5`` is a value, not a formula); only text is changed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are safe to open in a spreadsheet.

    Numeric columns are left as they are, so counts stay ``1`` and do not become ``1.0``.
    """
    import pandas as pd

    safe = frame.copy()
    for column in safe.columns:
        values = safe[column]
        if not pd.api.types.is_numeric_dtype(values):
            safe[column] = pd.Series(
                [neutralise_cell(v) for v in values], index=values.index, dtype=values.dtype
            )
    return safe


def frame_to_csv(frame: pd.DataFrame, *, sep: str = ",", bom: bool = False) -> str:
    """``frame`` as CSV text with formula-looking cells neutralised (and a BOM if asked)."""
    buffer = io.StringIO()
    neutralise_frame(frame).to_csv(buffer, index=False, sep=sep, lineterminator="\n")
    return ("\ufeff" if bom else "") + buffer.getvalue()


def is_missing(value: object) -> bool:
    """Whether a cell is empty: None, NaN, or pandas' NA / NaT."""
    if value is None or (isinstance(value, float) and value != value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _cell_text(value: object) -> str:
    if is_missing(value):
        return ""
    return escape_controls(" ".join(str(value).split()))


def column_widths(
    natural: Sequence[int], width: int = TABLE_WIDTH, keep: Iterable[int] = ()
) -> list[int]:
    """Widths for columns whose widest cells are ``natural`` so that the table, with a gap of
    :data:`COLUMN_GAP` between columns, fits ``width``: the columns ``keep`` (by index) and
    those that fit their share keep their width; the wider ones get :data:`MIN_COLUMN_WIDTH`
    each and share what is left in proportion to how much wider they are."""
    room = width - COLUMN_GAP * (len(natural) - 1)
    widths = list(natural)
    wide = set(range(len(natural))) - set(keep)
    while wide and sum(widths) > room:
        left = room - sum(widths[i] for i in range(len(natural)) if i not in wide)
        extra = max(left - MIN_COLUMN_WIDTH * len(wide), 0)
        weight = sum(natural[i] - MIN_COLUMN_WIDTH for i in wide)
        shares = {
            i: MIN_COLUMN_WIDTH + extra * (natural[i] - MIN_COLUMN_WIDTH) // max(weight, 1)
            for i in wide
        }
        fitting = {i for i in wide if natural[i] <= shares[i]}
        if fitting:
            wide -= fitting  # they keep their width; the others share what is left
            continue
        spare = left - sum(shares.values())
        for rank, i in enumerate(sorted(wide, key=lambda i: (-natural[i], i))):
            widths[i] = shares[i] + (1 if rank < spare else 0)  # rounding's rest to the widest
        break
    return widths


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` as the lines of a ``width``-column cell."""
    if fits_as_is(text, width):
        return [text]
    return textwrap.wrap(text, width) or [""]


def rows_to_table(
    columns: Sequence[object], rows: Iterable[Sequence[object]], width: int = TABLE_WIDTH
) -> str:
    """``rows`` under ``columns`` as an aligned plain-text table at most ``width`` characters
    wide: cells too long for their column wrap onto more lines, and then a blank line
    separates the rows. Where a wrapped column would be narrower than
    :data:`READABLE_COLUMN_WIDTH`, each row is printed as a record instead: one line per
    column, name then value."""
    headers = [str(c) for c in columns]
    cells = [[_cell_text(v) for v in row] for row in rows]
    if not cells:
        return "(no rows)"
    natural = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    # Columns of single words (ids, numbers) keep their width where they can: text wraps.
    words = [i for i in range(len(headers)) if not any(" " in r[i] for r in cells)]
    for keep in (words, []):
        widths = column_widths(natural, width, keep)
        fits = sum(widths) + COLUMN_GAP * (len(widths) - 1) <= width
        if fits and all(
            w >= min(n, READABLE_COLUMN_WIDTH) for w, n in zip(widths, natural, strict=True)
        ):
            break
    else:
        return _records_text(headers, cells, width)
    wrapped = [[_wrapped(c, w) for c, w in zip(r, widths, strict=True)] for r in [headers, *cells]]
    gap = " " * COLUMN_GAP

    def lines_of(row: list[list[str]]) -> list[str]:
        height = max(len(parts) for parts in row)
        return [
            gap.join(
                (parts[n] if n < len(parts) else "").ljust(w)
                for parts, w in zip(row, widths, strict=True)
            ).rstrip()
            for n in range(height)
        ]

    spaced = any(len(parts) > 1 for row in wrapped[1:] for parts in row)
    lines = [*lines_of(wrapped[0]), gap.join("-" * w for w in widths)]
    for number, row in enumerate(wrapped[1:]):
        if spaced and number:
            lines.append("")
        lines += lines_of(row)
    return "\n".join(lines)


def _records_text(headers: list[str], cells: list[list[str]], width: int) -> str:
    """Each row as a block of ``name  value`` lines under ``-[ N ]---``, values wrapped and
    empty fields left out."""
    name_width = min(max(len(h) for h in headers), MAX_FIELD_WIDTH)
    value_width = max(width - name_width - COLUMN_GAP, MIN_COLUMN_WIDTH)
    blocks = []
    for number, row in enumerate(cells, start=1):
        title = f"-[ {number} ]"
        lines = [title + "-" * (width - len(title))]
        for header, cell in zip(headers, row, strict=True):
            if not cell:
                continue  # an empty field says nothing: left out
            names, values = _wrapped(header, name_width), _wrapped(cell, value_width)
            for n in range(max(len(names), len(values))):
                name = names[n] if n < len(names) else ""
                value = values[n] if n < len(values) else ""
                lines.append(f"{name.ljust(name_width)}{' ' * COLUMN_GAP}{value}".rstrip())
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def frame_to_table(frame: pd.DataFrame, width: int = TABLE_WIDTH) -> str:
    """``frame`` as an aligned plain-text table for the terminal (see :func:`rows_to_table`)."""
    return rows_to_table(frame.columns, frame.itertuples(index=False), width)


def rows_to_markdown(columns: Sequence[object], rows: Iterable[Sequence[object]]) -> str:
    """``rows`` under ``columns`` as a GitHub-flavoured Markdown table (pipes escaped)."""
    headers = [str(c) for c in columns]

    def cell(value: object) -> str:
        return _cell_text(value).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)


def frame_to_markdown(frame: pd.DataFrame) -> str:
    """``frame`` as a GitHub-flavoured Markdown table (pipes in cells escaped)."""
    return rows_to_markdown(frame.columns, frame.itertuples(index=False))


def frame_to_json(frame: pd.DataFrame) -> str:
    """``frame`` as a JSON list of objects (one per row), UTF-8 text kept as is."""
    records = [
        {str(k): (None if is_missing(v) else v) for k, v in rec.items()}
        for rec in frame.to_dict(orient="records")
    ]
    return json.dumps(records, ensure_ascii=False, indent=2, default=str)


def render_frame(frame: pd.DataFrame, fmt: str = "table") -> str:
    """``frame`` rendered as ``table``, ``csv``, ``tsv``, ``json`` or ``md``."""
    if fmt == "table":
        return frame_to_table(frame)
    if fmt == "csv":
        return frame_to_csv(frame).rstrip("\n")
    if fmt == "tsv":
        return frame_to_csv(frame, sep="\t").rstrip("\n")
    if fmt == "json":
        return frame_to_json(frame)
    if fmt == "md":
        return frame_to_markdown(frame)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FRAME_FORMATS)}")


# The formats :func:`render_rows` writes itself; the others go through a DataFrame.
ROW_FORMATS = ("table", "md")


def render_rows(columns: Sequence[object], rows: Iterable[Sequence[object]], fmt: str) -> str:
    """Plain rows under ``columns`` rendered as :func:`render_frame` renders their DataFrame:
    without pandas for ``table`` and ``md``; the other formats build the DataFrame."""
    if fmt == "table":
        return rows_to_table(columns, rows)
    if fmt == "md":
        return rows_to_markdown(columns, rows)
    import pandas as pd

    return render_frame(pd.DataFrame.from_records(list(rows), columns=list(columns)), fmt)


def render_sections(
    sections: dict[str, pd.DataFrame], fmt: str = "table", totals: dict[str, object] | None = None
) -> str:
    """Several tables as one text: each under a "Per NAME:" heading in a table or Markdown,
    one after the other in csv or tsv; in JSON, several tables become one object of
    ``totals`` and the tables by name."""
    if fmt == "json" and len(sections) > 1:
        content = {
            **(totals or {}),
            **{k: json.loads(frame_to_json(v)) for k, v in sections.items()},
        }
        return json.dumps(content, ensure_ascii=False, indent=2)
    parts = []
    for title, frame in sections.items():
        if len(sections) > 1 and fmt in ("table", "md"):
            parts.append(f"\nPer {title}:")
        parts.append(render_frame(frame, fmt))
    return "\n".join(parts)
