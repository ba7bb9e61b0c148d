"""Tables for people or tools: safe CSV cells and DataFrames rendered as text, CSV, JSON, ...

Every command formats its DataFrame with :func:`render_frame` (and writes files with
:func:`graphkit.files.write_atomic`, so a failed run never leaves a half-written file behind).
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from graphkit.data.schema import escape_controls

if TYPE_CHECKING:  # pandas is imported where it is used, so `graphkit --help` stays instant.
    import pandas as pd

FRAME_FORMATS = ("table", "csv", "tsv", "json", "md")
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


def frame_to_table(frame: pd.DataFrame, max_width: int = 60) -> str:
    """``frame`` as an aligned plain-text table for the terminal."""
    if frame.empty:
        return "(no rows)"
    columns = [str(c) for c in frame.columns]
    rows = [[_cell_text(v) for v in record] for record in frame.itertuples(index=False)]
    rows = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in rows]
    widths = [max(len(col), *(len(r[i]) for r in rows)) for i, col in enumerate(columns)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines)


def frame_to_markdown(frame: pd.DataFrame) -> str:
    """``frame`` as a GitHub-flavoured Markdown table (pipes in cells escaped)."""
    columns = [str(c) for c in frame.columns]

    def cell(value: object) -> str:
        return _cell_text(value).replace("|", "\\|")

    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(" --- " for _ in columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in r) + " |" for r in frame.itertuples(index=False)]
    return "\n".join(lines)


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
