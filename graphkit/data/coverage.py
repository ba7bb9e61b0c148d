"""What the curated practice transfers cover: rows per programme, mechanism and status.

Read from the validated tables (no graph needed), so curators can see the coverage of their data
as soon as it loads. ``datasets/README.md`` carries the summary of the bundled data;
``tests/test_coverage.py`` checks it is up to date.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from graphkit.data.load import Dataset, split_list


@dataclass(frozen=True)
class Coverage:
    """Counts of the transfers of a dataset.

    ``by_programme`` has one row per project or network (``project``, ``transfers``,
    ``named_targets``, ``sources``); ``by_mechanism`` and ``by_status`` count transfers per
    value (a transfer with two mechanisms counts for both); ``direction`` counts transfers whose
    direction is stated and those inferred from roles.
    """

    transfers: int
    named_targets: int
    unnamed_targets: int
    projects: int
    by_programme: pd.DataFrame
    by_mechanism: pd.DataFrame
    by_status: pd.DataFrame
    direction: pd.DataFrame

    def markdown(self) -> str:
        """The summary as Markdown: a sentence, then one table per count."""
        lines = [
            f"{self.transfers} transfers to {self.named_targets} distinct named target cities "
            f"(and {self.unnamed_targets} to unnamed groups of cities), through "
            f"{self.projects} projects and networks.",
        ]
        for title, frame in (
            ("By project or network", self.by_programme),
            ("By mechanism", self.by_mechanism),
            ("By status", self.by_status),
            ("By direction", self.direction),
        ):
            lines += ["", f"**{title}**", "", _markdown_table(frame)]
        return "\n".join(lines)


def _markdown_table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.to_numpy().tolist()]
    return "\n".join([header, rule, *rows])


def _counts(values: list[str], column: str) -> pd.DataFrame:
    counted = Counter(values)
    ordered = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
    return pd.DataFrame(ordered, columns=[column, "transfers"])


def transfer_coverage(dataset: Dataset) -> Coverage:
    """Count the transfers of ``dataset`` by project, mechanism, status and direction.

    A transfer that went through an event only is counted under the event's project, or under
    "(no project)".
    """
    transfers = dataset.tables["transfers"]
    projects = dataset.tables["projects"].set_index("id")
    event_projects = dict(
        zip(dataset.tables["events"]["id"], dataset.tables["events"]["project"], strict=True)
    )
    project_of = [
        project or event_projects.get(event, "")
        for project, event in zip(transfers["project"], transfers["event"], strict=True)
    ]
    shown = [
        (projects.loc[p, "acronym"] or projects.loc[p, "name"]) if p else "(no project)"
        for p in project_of
    ]
    frame = pd.DataFrame(
        {
            "project": shown,
            "project_id": project_of,
            "target": transfers["target_city"],
            "source": transfers["source"],
        }
    )
    by_programme = (
        frame.groupby(["project", "project_id"], sort=False)
        .agg(
            transfers=("target", "size"),
            named_targets=("target", lambda t: t[t != ""].nunique()),
            sources=("source", "nunique"),
        )
        .reset_index()
        .sort_values(["transfers", "project"], ascending=[False, True])
        .rename(columns={"project_id": "id"})
        .reset_index(drop=True)
    )
    mechanisms = [m for cell in transfers["mechanism"] for m in split_list(cell)]
    statuses = [s or "unknown" for s in transfers["status"]]
    directions = [d or "stated" for d in transfers["direction"]]
    named = transfers["target_city"] != ""
    return Coverage(
        transfers=len(transfers),
        named_targets=transfers.loc[named, "target_city"].nunique(),
        unnamed_targets=int((~named).sum()),
        projects=len({p for p in project_of if p}),
        by_programme=by_programme,
        by_mechanism=_counts(mechanisms, "mechanism"),
        by_status=_counts(statuses, "status"),
        direction=_counts(directions, "direction"),
    )


START_MARK = "<!-- coverage: start (python -m graphkit.data.coverage --write) -->"
END_MARK = "<!-- coverage: end -->"


def with_coverage(readme: str, summary: str) -> str:
    """``readme`` with the text between the coverage marks replaced by ``summary``."""
    head, rest = readme.split(START_MARK, 1)
    _, tail = rest.split(END_MARK, 1)
    return f"{head}{START_MARK}\n{summary}\n{END_MARK}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Print the coverage of the bundled data, or with ``--write`` update datasets/README.md."""
    import sys

    from graphkit.data.load import load_datasets
    from graphkit.files import write_atomic
    from graphkit.locations import DATASETS_DIR

    args = sys.argv[1:] if argv is None else argv
    summary = transfer_coverage(load_datasets()).markdown()
    if "--write" in args:
        readme = DATASETS_DIR / "README.md"
        text = with_coverage(readme.read_text(encoding="utf-8"), summary)
        write_atomic(readme, text.encode("utf-8"))
    else:
        print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
