"""Write dataset CSVs in their canonical form: NFC, trimmed cells, rows sorted by id, LF line ends.

Canonical files keep curators' diffs small; ``tests/test_datasets.py`` checks the bundled files are
canonical.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from graphkit.data.load import file_errors
from graphkit.data.schema import TABLES
from graphkit.errors import DatasetError
from graphkit.files import write_atomic


def canonical_text(text: str) -> str:
    """The canonical form of one dataset CSV's text."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        return ""
    header, body = rows[0], rows[1:]
    clean = [[unicodedata.normalize("NFC", cell).strip() for cell in row] for row in body]
    key = header.index("id") if "id" in header else 0
    clean.sort(key=lambda row: row[key] if key < len(row) else "")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([h.strip() for h in header])
    writer.writerows(clean)
    return buffer.getvalue()


def lint_folder(folder: Path, *, write: bool = False) -> list[Path]:
    """The dataset files in ``folder`` that are not canonical; rewrite them when ``write``.

    Raises:
        DatasetError: a file cannot be read as its table (encoding, line ends, CSV syntax, cell
            counts, header), with the same errors ``graphkit build`` gives; nothing is rewritten.
    """
    paths = {
        table.file_name: (Path(folder) / table.file_name, table)
        for table in TABLES.values()
        if (Path(folder) / table.file_name).exists()
    }
    problems = [e for path, table in paths.values() for e in file_errors(path, table)]
    if problems:
        raise DatasetError(problems)
    changed = []
    for path, _table in paths.values():
        text = path.read_text(encoding="utf-8-sig")
        canonical = canonical_text(text)
        if canonical != path.read_bytes().decode("utf-8", errors="replace"):
            changed.append(path)
            if write:
                write_atomic(path, canonical)
    return changed
