"""Property: what the loader accepts builds a graph SHACL accepts; what it rejects names a row."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from graphkit.analysis.validate import validate_graph
from graphkit.data.load import load_datasets
from graphkit.errors import DatasetError
from graphkit.graph.build import build_graph
from tests.conftest import MINI_DIR

GOOD_QUOTES = ["Vienna lies in Austria", "Theme: housing.", "Košice lies in Slovakia"]
EVENT_KINDS = ["meeting", "study_visit", "policy_transfer", "conference"]
# For each column, values the loader must reject.
CORRUPTIONS = {
    "id": ["Bad Id", "x--y", "", "kosice"],
    "name": ["", " padded"],
    "kind": ["party"],
    "city": ["atlantis"],
    "start": ["04/05/2020", "2019-02-30", "20x9", "2019-13"],
    "project": ["nonet"],
    "status": ["maybe"],
    "themes": ["housing;nothing"],
    "source": ["missing.txt"],
    "quote": ["words nobody wrote"],
}

slugs = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5})?", fullmatch=True)
names = st.text(
    alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=20
)
dates = st.one_of(
    st.just(""),
    st.dates().map(lambda d: d.isoformat()),
    st.integers(1900, 2100).map(str),
    st.tuples(st.integers(1990, 2030), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
)


@st.composite
def events(draw: st.DrawFn) -> dict[str, str]:
    """An events.csv row that is valid, or has one column corrupted (about half the time)."""
    row = {
        "id": "ev-" + draw(slugs),
        "name": draw(names),
        "kind": draw(st.sampled_from(EVENT_KINDS)),
        "city": draw(st.sampled_from(["", "vienna", "kosice"])),
        "start": draw(dates),
        "end": "",
        "project": draw(st.sampled_from(["", "testnet"])),
        "organiser": "",
        "status": draw(st.sampled_from(["", "held", "planned"])),
        "description": draw(st.one_of(st.just(""), names)),
        "themes": draw(st.sampled_from(["", "housing"])),
        "source": "fixture.txt",
        "quote": draw(st.sampled_from(GOOD_QUOTES)),
        "note": "",
    }
    column = draw(st.sampled_from([None] * len(CORRUPTIONS) + list(CORRUPTIONS)))
    if column is not None:
        row[column] = draw(st.sampled_from(CORRUPTIONS[column]))
    return row


def write_events(folder: Path, extra: list[dict[str, str]]) -> int:
    """Append ``extra`` rows to the fixture's events.csv; return the line of the first one."""
    path = folder / "events.csv"
    existing = path.read_text(encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(extra[0]), lineterminator="\n")
    writer.writerows(extra)
    path.write_text(existing + buffer.getvalue(), encoding="utf-8")
    return len(existing.splitlines()) + 1


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events(), min_size=1, max_size=3))
def test_loader_verdicts_agree_with_shacl(extra: list[dict[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "data"
        shutil.copytree(MINI_DIR, folder)
        first_line = write_events(folder, extra)
        last_line = first_line + len(extra) - 1
        try:
            dataset = load_datasets([folder])
        except DatasetError as rejected:
            event("rejected by the loader")
            assert rejected.errors
            for error in rejected.errors:
                assert error.file.endswith(".csv") and error.rule
                # Problems are in the generated rows (or in fixture rows they collide with).
                assert 1 <= error.line <= last_line, str(error)
            assert any(
                first_line <= e.line <= last_line and e.file.endswith("events.csv")
                for e in rejected.errors
            )
            return
        event("accepted by the loader")
        report = validate_graph(build_graph(dataset), dataset)
        assert report.conforms, report.text()
