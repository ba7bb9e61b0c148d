"""The ``graphkit`` command line: one thin command per verb over the library.

Each command parses its options, makes one library call, formats the result and turns domain
errors into :class:`click.ClickException`. Heavy libraries are imported inside commands so that
``graphkit --help`` answers at once.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graphkit import __version__


def data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--data DIR`` (repeatable) and ``--no-bundled``: which CSV folders the graph is built from.

    The command receives ``folders``: the bundled datasets (unless ``--no-bundled``) followed by
    every ``--data`` folder.
    """

    @click.option(
        "--data",
        "data_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A folder of your own CSVs (same schema as the bundled ones); repeatable.",
    )
    @click.option(
        "--no-bundled", is_flag=True, help="Use only the --data folders, not the bundled datasets."
    )
    @functools.wraps(command)
    def wrapper(*args: Any, data_dirs: tuple[Path, ...], no_bundled: bool, **kwargs: Any) -> Any:
        from graphkit.paths import DATASETS_DIR

        if no_bundled and not data_dirs:
            raise click.UsageError("--no-bundled needs at least one --data folder.")
        folders = [*([] if no_bundled else [DATASETS_DIR]), *data_dirs]
        return command(*args, folders=folders, **kwargs)

    return wrapper


def frame_format_option(default: str = "table") -> Callable[..., Any]:
    """``--format table|csv|tsv|json|md`` for commands that print a table."""
    from graphkit.output import FRAME_FORMATS

    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FRAME_FORMATS),
        default=default,
        show_default=True,
        help="How to print the result.",
    )


def load_dataset(folders: list[Path]):
    """Load and check the datasets, turning problems into a readable CLI error."""
    from graphkit.load import DatasetError, load_datasets

    try:
        return load_datasets(folders)
    except DatasetError as exc:
        raise click.ClickException(
            f"{exc}\nFix the rows above and run the command again; nothing was written."
        ) from exc


def load_graph(folders: list[Path]):
    """The knowledge graph built from ``folders``; data problems become a readable CLI error.

    Every command that reads the graph gets it here, so how it is obtained (built in memory now,
    from a persistent store later) is decided in one place.
    """
    from graphkit.build import build_graph

    return build_graph(load_dataset(folders))


def progress(message: str) -> None:
    """Tell the user what a slow step is doing (on stderr, so stdout stays clean for data)."""
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphkit")
def main() -> None:
    """graphkit: the knowledge graph of city-level Roma and migrant inclusion in Europe.

    \b
    Start with:
      graphkit build            build the graph from the bundled data and summarise it
      graphkit validate         check the graph against the SHACL shapes
      graphkit stats            counts per class, project and source document
    """


@main.command()
@data_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file [default: graphkit.<format> in the current folder].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "jsonld"]),
    default="ttl",
    show_default=True,
    help="RDF serialisation.",
)
def build(folders: list[Path], out: Path | None, fmt: str) -> None:
    """Build the knowledge graph from the CSV datasets and write it as RDF.

    Every row is checked first; if any is wrong, all problems are listed and nothing is written.

    \b
    Example:
      graphkit build --out kg.ttl
      graphkit build --data my-cities/ --format nt --out kg.nt
    """
    from graphkit.build import build_graph, default_output, serialize
    from graphkit.output import render_frame, write_atomic
    from graphkit.stats import graph_stats

    dataset = load_dataset(folders)
    progress(f"Loaded {dataset.row_count()} rows from {len(folders)} folder(s); building…")
    graph = build_graph(dataset)
    target = write_atomic(out or default_output(fmt), serialize(graph, fmt))
    stats = graph_stats(graph)
    click.echo(f"Wrote {len(graph)} triples to {target}")
    click.echo(render_frame(stats.by_class, "table"))


@main.command()
@data_options
def validate(folders: list[Path]) -> None:
    """Validate the built graph against the SHACL shapes (ontology/shapes.ttl).

    Each violation names the CSV file, line and column behind it. Exits with status 1 when the
    graph does not conform.

    \b
    Example:
      graphkit validate
      graphkit validate --data my-cities/
    """
    from graphkit.build import build_graph
    from graphkit.validate import validate_graph

    dataset = load_dataset(folders)
    progress("Building the graph and running SHACL…")
    report = validate_graph(build_graph(dataset), dataset)
    click.echo(report.text())
    if not report.conforms:
        sys.exit(1)


@main.command()
@data_options
@frame_format_option()
@click.option(
    "--by",
    type=click.Choice(["class", "project", "source", "all"]),
    default="all",
    show_default=True,
    help="Which counts to show.",
)
def stats(folders: list[Path], fmt: str, by: str) -> None:
    """Count the graph's entities per class, the links of each project and the facts each source
    document supports.

    \b
    Example:
      graphkit stats
      graphkit stats --by source --format csv
    """
    from graphkit.output import render_frame
    from graphkit.stats import graph_stats

    result = graph_stats(load_graph(folders))
    sections = {"class": result.by_class, "project": result.by_project, "source": result.by_source}
    chosen = sections if by == "all" else {by: sections[by]}
    if fmt == "json" and by == "all":
        import json

        click.echo(
            json.dumps(
                {
                    "triples": result.triples,
                    **{k: json.loads(render_frame(v, "json")) for k, v in chosen.items()},
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for title, frame in chosen.items():
        if len(chosen) > 1 and fmt in ("table", "md"):
            click.echo(f"\nPer {title}:")
        click.echo(render_frame(frame, fmt))


@main.command("lint-data")
@click.argument("folders", nargs=-1, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Only report files that are not canonical (exit 1).")
def lint_data(folders: tuple[Path, ...], check: bool) -> None:
    """Rewrite dataset CSVs canonically: NFC, trimmed cells, rows sorted by id.

    \b
    Example:
      graphkit lint-data datasets/
      graphkit lint-data --check datasets/
    """
    from graphkit.lint import lint_folder
    from graphkit.paths import DATASETS_DIR

    changed = [p for f in (folders or (DATASETS_DIR,)) for p in lint_folder(f, write=not check)]
    for path in changed:
        click.echo(f"{'not canonical' if check else 'rewrote'}: {path}")
    if check and changed:
        sys.exit(1)
    if not changed:
        click.echo("All dataset files are canonical.")
