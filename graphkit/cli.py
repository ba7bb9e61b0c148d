"""The ``graphkit`` command line: one thin command per verb over the library.

Each command parses its options, makes one library call, formats the result and turns domain
errors into :class:`click.ClickException`. Heavy libraries are imported inside commands so that
``graphkit --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from graphkit import __version__

STORE_KEY = "graphkit.store_dir"
ENDPOINT_KEY = "graphkit.endpoint"
SOURCE_KEY = "graphkit.source"


def data_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--data DIR`` (repeatable) and ``--no-bundled``: which CSV folders the graph is built from;
    ``--store DIR``: where the persistent graph store lives.

    The command receives ``folders``: the bundled datasets (unless ``--no-bundled``) followed by
    every ``--data`` folder. The store folder goes to the click context, for :func:`load_graph`.
    """

    @click.option(
        "--data",
        "data_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="A folder of your own CSVs (same schema as the bundled ones); repeatable.",
    )
    @click.option(
        "--no-bundled",
        is_flag=True,
        help="Use only the --data folders, not the bundled datasets (your rows may then refer "
        "only to ids in your own folders).",
    )
    @click.option(
        "--store",
        "store_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Folder of the persistent graph store, rebuilt when the data changes "
        "[default: one per set of data folders, in graphkit's cache folder].",
    )
    @functools.wraps(command)
    def wrapper(
        *args: Any,
        data_dirs: tuple[Path, ...],
        no_bundled: bool,
        store_dir: Path | None,
        **kwargs: Any,
    ) -> Any:
        from graphkit.locations import DATASETS_DIR

        if no_bundled and not data_dirs:
            raise click.UsageError(
                "--no-bundled needs at least one --data folder, e.g. --no-bundled --data my-data/."
            )
        click.get_current_context().meta[STORE_KEY] = store_dir
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
    from graphkit.errors import DatasetError
    from graphkit.load import load_datasets

    try:
        return load_datasets(folders)
    except DatasetError as exc:
        raise data_problems(exc) from exc


def data_problems(exc: Exception) -> click.ClickException:
    """The CLI error for a :class:`graphkit.errors.DatasetError`: every problem, then what to do."""
    return click.ClickException(
        f"{exc}\nFix the rows above and run the command again; nothing was written."
    )


def endpoint_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--endpoint URL`` and ``--endpoint-graph IRI``: read the graph from a SPARQL 1.1
    endpoint instead of the local store (see :func:`graph_source`)."""

    @click.option(
        "--endpoint",
        metavar="URL",
        help="Run against this SPARQL 1.1 endpoint (Fuseki, GraphDB, Virtuoso, Neptune, an "
        "Oxigraph server...) instead of the local store; only the part of the graph the "
        "command needs is fetched. Credentials may be given as https://user:password@host/...",
    )
    @click.option(
        "--endpoint-graph",
        metavar="IRI",
        help="With --endpoint: the named graph holding graphkit's data (e.g. the --graph of "
        "'graphkit push') [default: the endpoint's default graph].",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, endpoint: str | None, endpoint_graph: str | None, **kwargs: Any) -> Any:
        if endpoint_graph and not endpoint:
            raise click.UsageError("--endpoint-graph needs --endpoint URL.")
        click.get_current_context().meta[ENDPOINT_KEY] = (endpoint, endpoint_graph)
        return command(*args, **kwargs)

    return wrapper


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of commands that read the graph from the local store or an endpoint."""
    return data_options(endpoint_options(command))


def graph_source(folders: list[Path]):
    """Where the command's graph lives: the ``--endpoint`` (a :class:`graphkit.remote.Endpoint`)
    or else the persistent store of ``folders``, built first if the data changed. Opened once
    per command."""
    context = click.get_current_context(silent=True)
    if context is None:
        return _open_source(folders)
    key = (SOURCE_KEY, tuple(map(str, folders)))
    if key not in context.meta:
        context.meta[key] = _open_source(folders)
    return context.meta[key]


def _open_source(folders: list[Path]):
    from graphkit.errors import DatasetError, StoreError
    from graphkit.locations import DATASETS_DIR
    from graphkit.store import open_backend

    context = click.get_current_context(silent=True)
    endpoint, endpoint_graph = (
        context.meta.get(ENDPOINT_KEY, (None, None)) if context else (None, None)
    )
    if endpoint:
        from graphkit.remote import Endpoint

        if list(folders) != [DATASETS_DIR] or store_option() is not None:
            raise click.UsageError(
                "--endpoint reads the graph from the endpoint: --data, --no-bundled and --store "
                "do not apply (use 'graphkit push' to upload your data first)."
            )
        with domain_errors():
            return Endpoint(endpoint, graph=endpoint_graph)
    try:
        return open_backend(folders, store_option(), on_build=progress)
    except DatasetError as exc:
        raise data_problems(exc) from exc
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def load_graph(
    folders: list[Path], need: str | tuple[str, ...] | None = None, bindings: dict | None = None
):
    """The knowledge graph of ``folders`` (or the part of it a command needs), as rdflib graph.

    Every command that reads the graph gets it here: from the persistent store (``--store``),
    which is built first when the data, ontology or graphkit changed since it was written, or
    from the ``--endpoint``. ``need`` names the subgraph queries of
    ``graphkit/queries/subgraphs/`` whose union is wanted (``None``: the whole graph),
    ``bindings`` their parameters.
    """
    from graphkit.backends import StoreBackend, subgraph
    from graphkit.store import to_rdflib

    source = graph_source(folders)
    with domain_errors():
        if need is None and isinstance(source, StoreBackend):
            import pyoxigraph as ox

            return to_rdflib(source.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        names = (need,) if isinstance(need, str) else need or ("everything",)
        graph = subgraph(source, names[0], bindings)
        for name in names[1:]:
            graph += subgraph(source, name, bindings)
        return graph


def store_option() -> Path | None:
    """The ``--store`` folder of the running command (None: the default one)."""
    context = click.get_current_context(silent=True)
    return context.meta.get(STORE_KEY) if context else None


def progress(message: str) -> None:
    """Tell the user what a slow step is doing (on stderr, so stdout stays clean for data)."""
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphkit")
def main() -> None:
    """graphkit: the knowledge graph of city-level Roma and migrant inclusion in Europe.

    Every fact carries its source document and a verbatim quote. Names work in any language
    and without accents ("Wien", "kosice"). 'graphkit COMMAND --help' shows the options and
    examples of each command.

    \b
    Start with:
      graphkit transfers            which practices travelled from which city to which
      graphkit paths Wien Taranto   how two cities are connected
      graphkit explain Taranto      everything the graph says about an entity, with sources
      graphkit queries              the bundled research questions ('graphkit query' runs one)
      graphkit build                build the graph from the bundled data and summarise it
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
    The graph store that the other commands read (--store) is brought up to date as well.

    \b
    Example:
      graphkit build --out kg.ttl
      graphkit build --data my-cities/ --format nt --out kg.nt
    """
    from graphkit.build import build_graph, default_output, serialise
    from graphkit.errors import StoreError
    from graphkit.output import render_frame, write_atomic
    from graphkit.stats import graph_stats
    from graphkit.store import open_store

    dataset = load_dataset(folders)
    progress(f"Loaded {dataset.row_count()} rows from {len(folders)} folder(s); building…")
    graph = build_graph(dataset)
    target = write_atomic(out or default_output(fmt), serialise(graph, fmt))
    try:
        open_store(folders, store_option(), dataset=dataset, on_build=progress)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
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
    from graphkit.locations import DATASETS_DIR

    changed = [p for f in (folders or (DATASETS_DIR,)) for p in lint_folder(f, write=not check)]
    for path in changed:
        click.echo(f"{'not canonical' if check else 'rewrote'}: {path}")
    if check and changed:
        sys.exit(1)
    if not changed:
        click.echo("All dataset files are canonical.")


# --- Practice transfers, networks and exports ----------------------------------------------

NETWORK_GRAPHS = ("cities", "transfers", "organisations", "actors")
EXPORT_GRAPHS = ("knowledge", *NETWORK_GRAPHS)
EXPORT_FORMATS = ("ttl", "nt", "jsonld", "graphml", "gexf", "json", "csv")
# The subgraphs (graphkit/queries/subgraphs/NAME.rq) each network, export and view needs.
NETWORK_SUBGRAPHS: dict[str, tuple[str, ...]] = {
    "cities": ("actors",),
    "organisations": ("actors",),
    "actors": ("actors",),
    "transfers": ("transfers",),
}
# Exports and pictures also show the sources, quotes and themes of the transfer network's nodes.
EXPORT_SUBGRAPHS = {
    **NETWORK_SUBGRAPHS,
    "transfers": ("transfers", "transfer-network"),
    "knowledge": ("everything",),
}
VIEW_SUBGRAPHS = {
    **EXPORT_SUBGRAPHS,
    "full": ("everything",),
    "ego": ("everything",),
    "project": ("everything",),
}


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn a problem with the user's data, names, query or options into a readable CLI error."""
    from graphkit.errors import GraphkitError

    try:
        yield
    except (GraphkitError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


def network_graph_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--graph cities|transfers|organisations|actors``: which network to measure."""
    return click.option(
        "--graph",
        "kind",
        type=click.Choice(NETWORK_GRAPHS),
        default="cities",
        show_default=True,
        help="cities / organisations: linked by shared projects and events; transfers: "
        "cities linked by practice transfers; actors: who took part in which project or event.",
    )(command)


def seed_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--seed N``: the seed of anything random, so results repeat."""
    return click.option(
        "--seed", type=int, default=42, show_default=True, help="Random seed (results repeat)."
    )(command)


def top_option(default: int | None) -> Callable[..., Any]:
    """``--top N``: how many rows (or communities) to show."""
    return click.option(
        "--top",
        type=click.IntRange(min=1),
        default=default,
        show_default=default is not None,
        help="Show only the first N." if default is not None else "Show only the N largest.",
    )


def exact_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--exact``: exact betweenness even on large graphs."""
    return click.option(
        "--exact",
        is_flag=True,
        help="Compute betweenness exactly even on large graphs (slower; otherwise graphs of "
        "over 1000 nodes are sampled with the seed).",
    )(command)


@main.command("transfers")
@source_options
@click.option("--from", "origin", metavar="CITY", help="Only transfers from this city.")
@click.option("--to", "target", metavar="CITY", help="Only transfers to this (named) city.")
@click.option("--project", metavar="PROJECT", help="Only transfers through this project.")
@click.option("--practice", metavar="PRACTICE", help="Only transfers of (or resulting in) it.")
@click.option("--theme", metavar="THEME", help="Only practices with this theme (or narrower).")
@click.option("--since", type=int, metavar="YEAR", help="Only transfers in or after YEAR.")
@click.option("--until", type=int, metavar="YEAR", help="Only transfers in or before YEAR.")
@frame_format_option()
def transfers_command(
    folders: list[Path],
    origin: str | None,
    target: str | None,
    project: str | None,
    practice: str | None,
    theme: str | None,
    since: int | None,
    until: int | None,
    fmt: str,
) -> None:
    """Which practices travelled from which city to which, how, and with what result.

    One entry per transfer: practice, origin city, receiving city (or "4 unnamed cities" where
    the sources do not name them, with the candidates if a source lists them), project and
    event, mechanism, year, status, resulting practice, outcome, source document and quote.
    The default table prints one block per transfer; csv, tsv, json and md print one row per
    transfer with every column.

    Names match by id or any name, ignoring case and accents ("kosice", "Wien", "Torino");
    an unknown name stops with the closest matches. A year filter leaves out transfers
    whose year is unknown.

    \b
    Example:
      graphkit transfers
      graphkit transfers --from Wien --to Taranto
      graphkit transfers --project MiStra --format csv > mistra-transfers.csv
      graphkit transfers --theme housing --since 2015
    """
    import shutil

    from graphkit.output import render_frame
    from graphkit.transfers import transfers_table, transfers_text

    source = graph_source(folders)  # read as rows with SELECT queries, no rdflib graph
    with domain_errors():
        table = transfers_table(
            source,
            origin=origin,
            target=target,
            project=project,
            practice=practice,
            theme=theme,
            since=since,
            until=until,
        )
    if fmt == "table":
        width = min(max(shutil.get_terminal_size((100, 24)).columns, 60), 120)
        click.echo(transfers_text(table, width=width))
    else:
        click.echo(render_frame(table, fmt))


@main.command()
@source_options
@click.argument("origin", metavar="FROM")
@click.argument("target", metavar="TO")
@frame_format_option()
def paths(folders: list[Path], origin: str, target: str, fmt: str) -> None:
    """How practices could travel from city FROM to city TO.

    Lists the chains of practice transfers from FROM to TO (a chain never goes back in time
    where years are known). If there is none, shows the shortest connections through the
    projects and events both took part in, hop by hop, e.g.
    "Košice —partner in→ ROMA-NET ←lead partner— Budapest". csv, tsv, json and md give one
    row per hop, with its source document.

    \b
    Example:
      graphkit paths Wien Taranto
      graphkit paths Kosice Budapest --format csv
    """
    from graphkit.output import render_frame
    from graphkit.transfers import transfer_paths

    graph = load_graph(folders, "paths")
    with domain_errors():
        result = transfer_paths(graph, origin, target)
    click.echo(result.text() if fmt == "table" else render_frame(result.frame(), fmt))


@main.group()
def network() -> None:
    """Network measures: who is central, who brokers, which groups form.

    \b
    Networks (--graph):
      cities         cities linked by the projects and events they share (weight = how many)
      organisations  organisations linked the same way
      transfers      cities linked by practice transfers (directed)
      actors         cities, organisations and people with their projects and events

    \b
    Example:
      graphkit network summary
      graphkit network brokers --graph organisations
    """


@network.command("summary")
@source_options
@network_graph_option
@frame_format_option()
def network_summary(folders: list[Path], kind: str, fmt: str) -> None:
    """Size and shape of a network: nodes, edges, density, components, diameter.

    \b
    Example:
      graphkit network summary
      graphkit network summary --graph transfers --format json
    """
    from graphkit.network import projection, summary
    from graphkit.output import render_frame

    click.echo(
        render_frame(summary(projection(load_graph(folders, NETWORK_SUBGRAPHS[kind]), kind)), fmt)
    )


@network.command("centrality")
@source_options
@network_graph_option
@top_option(20)
@exact_option
@seed_option
@frame_format_option()
def network_centrality(
    folders: list[Path], kind: str, top: int, exact: bool, seed: int, fmt: str
) -> None:
    """Degree, betweenness, PageRank and reach of every node, most connected first.

    Reach is how many nodes a node is connected to, directly or not (in the transfer network:
    how many cities its practices reached, following transfers).

    \b
    Example:
      graphkit network centrality --top 10
      graphkit network centrality --graph transfers --format csv > transfer-centrality.csv
    """
    from graphkit.network import centrality, projection
    from graphkit.output import render_frame

    result = centrality(
        projection(load_graph(folders, NETWORK_SUBGRAPHS[kind]), kind), exact=exact, seed=seed
    )
    if result.betweenness_sample:
        progress(f"Betweenness estimated from {result.betweenness_sample} sampled nodes.")
    click.echo(render_frame(result.table.head(top), fmt))


@network.command("brokers")
@source_options
@network_graph_option
@top_option(10)
@exact_option
@seed_option
@frame_format_option()
def network_brokers(
    folders: list[Path], kind: str, top: int, exact: bool, seed: int, fmt: str
) -> None:
    """The brokers: nodes on many shortest paths between others, whose contacts are not
    linked to each other (high betweenness, low Burt constraint).

    \b
    Example:
      graphkit network brokers
      graphkit network brokers --graph organisations --top 5
    """
    from graphkit.network import brokers, projection
    from graphkit.output import render_frame

    network_graph = projection(load_graph(folders, NETWORK_SUBGRAPHS[kind]), kind)
    progress(f"Measuring brokerage in the {kind} network…")
    result = brokers(network_graph, exact=exact, seed=seed)
    if result.betweenness_sample:
        progress(f"Betweenness estimated from {result.betweenness_sample} sampled nodes.")
    click.echo(render_frame(result.table.head(top), fmt))


@network.command("communities")
@source_options
@network_graph_option
@top_option(None)
@click.option(
    "--resolution",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Above 1: more, smaller communities; below 1: fewer, larger ones.",
)
@seed_option
@frame_format_option()
def network_communities(
    folders: list[Path], kind: str, top: int | None, resolution: float, seed: int, fmt: str
) -> None:
    """Communities (Louvain): groups of nodes linked more to each other than to the rest.

    One row per node with its community (1 = the largest) and the community's size; the
    modularity of the partition is printed on stderr. The same seed gives the same answer.

    \b
    Example:
      graphkit network communities
      graphkit network communities --graph organisations --resolution 1.5 --top 3
    """
    from graphkit.network import communities, projection
    from graphkit.output import render_frame

    result = communities(
        projection(load_graph(folders, NETWORK_SUBGRAPHS[kind]), kind),
        resolution=resolution,
        seed=seed,
    )
    count = int(result.table["community"].max()) if len(result.table) else 0
    modularity = "undefined (no links)" if result.modularity is None else result.modularity
    progress(f"{count} communities, modularity {modularity}")
    table = result.table if top is None else result.table[result.table["community"] <= top]
    click.echo(render_frame(table, fmt))


@main.command()
@source_options
@frame_format_option("csv")
def cascades(folders: list[Path], fmt: str) -> None:
    """Practice adoption cascades: one row per practice and adopting city, with the year, the
    city it came from and the project.

    The origin city of a practice comes first (no source city). An unnamed group of
    receiving cities is one row ("4 unnamed cities"). This is the long format R's
    NetworkInference reads (cascade = practice_id, node = city_id, event time = year):

    \b
      df <- read.csv("cascades.csv", fileEncoding = "UTF-8-BOM")
      df <- df[!is.na(df$year), ]
      casc <- NetworkInference::as_cascade_long(df, cascade_node_name = "city_id",
                event_time = "year", cascade_id = "practice_id")

    \b
    Example:
      graphkit cascades > cascades.csv
      graphkit cascades --format json
    """
    from graphkit.output import render_frame
    from graphkit.transfers import cascades as practice_cascades

    click.echo(render_frame(practice_cascades(load_graph(folders, "transfers")), fmt))


@main.command()
@source_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="graphml",
    show_default=True,
    help="ttl, nt, jsonld: the RDF graph; graphml, gexf (Gephi, Cytoscape), json (node-link), "
    "csv (nodes and edges tables): a network.",
)
@click.option(
    "--graph",
    "kind",
    type=click.Choice(EXPORT_GRAPHS),
    default=None,
    help="Which network to export [default: knowledge]; not for RDF formats.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Output file [default: graphkit-<graph>.<format>]. For csv: x.csv writes "
    "x-nodes.csv and x-edges.csv; a path without .csv is a folder for nodes.csv and edges.csv.",
)
def export(folders: list[Path], fmt: str, kind: str | None, out: Path | None) -> None:
    """Export the graph or one of its networks for Gephi, Cytoscape, R or a spreadsheet.

    GraphML and GEXF attributes are plain values (lists joined with "; "). CSV files are
    UTF-8 with a BOM, so spreadsheets show "Košice", and text cells that would run as a
    formula start with '. The knowledge network has every entity and link; see
    "graphkit network --help" for the others.

    \b
    Example:
      graphkit export --format gexf --graph transfers --out transfers.gexf
      graphkit export --format csv --graph cities --out cities.csv
      graphkit export --format ttl --out graphkit.ttl
    """
    from graphkit.export import RDF_FORMATS, export_files
    from graphkit.output import write_atomic

    if kind is not None and fmt in RDF_FORMATS:
        raise click.UsageError("--graph applies to graphml, gexf, json and csv, not to RDF.")
    kind = kind or "knowledge"
    graph = load_graph(folders, None if fmt in RDF_FORMATS else EXPORT_SUBGRAPHS[kind])
    files = export_files(graph, fmt, kind, out)
    for path, content in files.items():
        click.echo(f"Wrote {write_atomic(path, content)}")


# --- Pictures ------------------------------------------------------------------------------


def visualise_setting(name: str) -> Any:
    """A constant of :mod:`graphkit.visualise` (a light import) for an option's choices."""
    import graphkit.visualise

    return getattr(graphkit.visualise, name)


@main.command()
@source_options
@click.option(
    "--view",
    type=click.Choice(visualise_setting("VIEWS")),
    default="full",
    show_default=True,
    help="full: every entity; transfers: cities and the practices that travelled between them; "
    "actors: who took part in which project or event; cities / organisations: linked by shared "
    "projects and events; ego: the neighbourhood of --center; project: all around --project.",
)
@click.option("--center", metavar="NAME", help="The entity at the centre of the ego view.")
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="How many links from --center (ego view) or --project (project view).",
)
@click.option("--project", metavar="PROJECT", help="Only what belongs to this project.")
@click.option("--theme", metavar="THEME", help="Only what has this theme (or a narrower one).")
@click.option("--since", type=int, metavar="YEAR", help="Only transfers in or after YEAR.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(visualise_setting("PICTURE_FORMATS")),
    default=None,
    help="html: interactive page; svg, png: static figure for papers [default: from --out's "
    "suffix, else html].",
)
@click.option(
    "--size-by",
    type=click.Choice(visualise_setting("SIZE_MEASURES")),
    default="degree",
    show_default=True,
    help="What node size shows.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=visualise_setting("DEFAULT_MAX_NODES"),
    show_default=True,
    help="Refuse larger views (they would freeze a browser); narrow them with filters instead.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file [default: graphkit-<view>.<format>].",
)
def visualise(
    folders: list[Path],
    view: str,
    center: str | None,
    depth: int,
    project: str | None,
    theme: str | None,
    since: int | None,
    fmt: str | None,
    size_by: str,
    max_nodes: int,
    out: Path | None,
) -> None:
    """Draw a network view as an interactive page or a static figure.

    The page is one self-contained HTML file that works offline: colour and shape by type
    with a legend, size by degree (or --size-by), transfers as arrows labelled with the
    practice, tooltips with the facts and their source, and menus to filter by type, project
    and theme. Names are ids or any label ("Wien" finds Vienna).

    \b
    Example:
      graphkit visualise --view transfers --out transfers.html
      graphkit visualise --view ego --center Košice --depth 2
      graphkit visualise --view cities --project ROMA-NET --out roma-net.svg
    """
    from graphkit.output import write_atomic
    from graphkit.visualise import PICTURE_FORMATS, draw_view

    suffix = out.suffix.lower().lstrip(".") if out else ""
    if fmt and out and suffix in PICTURE_FORMATS and suffix != fmt:
        raise click.UsageError(f"--out {out.name} does not match --format {fmt}.")
    fmt = fmt or (suffix if suffix in PICTURE_FORMATS else "html")
    graph = load_graph(folders, VIEW_SUBGRAPHS[view])
    if fmt != "html":
        progress(f"Laying out and drawing the {view} view as {fmt.upper()}…")
    with domain_errors():
        picture = draw_view(
            graph,
            view,
            center=center,
            depth=depth,
            project=project,
            theme=theme,
            since=since,
            fmt=fmt,
            size_by=size_by,
            max_nodes=max_nodes,
        )
    target = write_atomic(out or Path(f"graphkit-{view}.{fmt}"), picture.content)
    click.echo(f"Wrote {picture.title}: {picture.nodes} nodes, {picture.edges} edges, to {target}")


# --- SPARQL queries, explanations and the endpoint -------------------------------------------

# The query engines of graphkit.query.ENGINES and its defaults (kept here so --help stays fast).
QUERY_ENGINES = ("oxigraph", "rdflib")
QUERY_TIMEOUT = 30.0
QUERY_ROW_CAP = 10_000


def query_run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine``, ``--timeout`` and ``--limit``: how queries run and how much they return."""
    command = click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=QUERY_ROW_CAP,
        show_default=True,
        help="Row cap: at most this many rows are returned, and a note says when more exist.",
    )(command)
    command = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=QUERY_TIMEOUT,
        show_default=True,
        help="Seconds a query may run before it is stopped.",
    )(command)
    return click.option(
        "--engine",
        type=click.Choice(QUERY_ENGINES),
        default=QUERY_ENGINES[0],
        show_default=True,
        help="SPARQL engine: Oxigraph (fast) or rdflib's own.",
    )(command)


def _parameter_values(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise click.UsageError(f"--param {pair!r}: write it as NAME=VALUE, e.g. city=Taranto.")
        if name.strip() in values:
            raise click.UsageError(f"--param {name.strip()} is given twice.")
        values[name.strip()] = value
    return values


@main.command("query")
@source_options
@click.argument("query_text", metavar="QUERY")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value (repeatable). Entities are found by id or any name (Wien, kosice); "
    "values are bound as RDF terms, never pasted into the query.",
)
@frame_format_option()
@query_run_options
def query_command(
    folders: list[Path],
    query_text: str,
    params: tuple[str, ...],
    fmt: str,
    engine: str,
    timeout: float,
    limit: int,
) -> None:
    """Run a SPARQL query over the graph and print the result.

    QUERY is the name of a bundled query (see 'graphkit queries'), a path to a .rq file, or
    SPARQL text (graphkit's prefixes gk:, gkr:, rdfs:, skos:, ... are predeclared). Only SELECT,
    ASK, CONSTRUCT and DESCRIBE run; SERVICE, FROM and updates are refused before anything runs.

    \b
    Example:
      graphkit query transfers-into-city --param city=Taranto
      graphkit query project-partners --param project=MiStra --format csv > mistra.csv
      graphkit query "SELECT ?c WHERE { ?c a gk:City }" --limit 5
    """
    from graphkit.output import render_frame
    from graphkit.query import compact_frame, run_query_with_values

    values = _parameter_values(params)
    # Oxigraph answers on the store (or endpoint) itself; rdflib's engine needs the rdflib graph.
    source = load_graph(folders) if engine == "rdflib" else graph_source(folders)
    with domain_errors():
        result = run_query_with_values(
            query_text, values, source, engine=engine, timeout=timeout, max_rows=limit
        )
    frame = result.frame()
    click.echo(render_frame(compact_frame(frame) if fmt in ("table", "md") else frame, fmt))
    if result.truncated:
        progress(result.truncation_message())


@main.command("queries")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="How to print the list.",
)
def queries_command(fmt: str) -> None:
    """List the bundled queries: name, the research question each answers, and its parameters.

    \b
    Example:
      graphkit queries
      graphkit queries --format json
    """
    import json

    from graphkit.query import bundled_queries

    listing = bundled_queries()
    if fmt == "json":
        click.echo(
            json.dumps([q.as_dict() for q in listing.values()], ensure_ascii=False, indent=2)
        )
        return
    for item in listing.values():
        click.echo(f"{item.name}\n  {item.question}")
        for parameter in item.parameters:
            default = f", default {parameter.default}" if parameter.default else ""
            click.echo(
                f"  --param {parameter.name}=…  ({parameter.type}{default}) {parameter.description}"
            )
        click.echo()


@main.command("explain")
@source_options
@click.argument("entity")
@frame_format_option()
def explain_command(folders: list[Path], entity: str, fmt: str) -> None:
    """Show everything the graph says about an entity, each fact with its source and quote.

    ENTITY is an id or any name of a city, organisation, project, practice, person, event,
    source...: case, accents and language do not matter ("kosice", "Wien", "MiStra").

    \b
    Example:
      graphkit explain Taranto
      graphkit explain vienna-integrationshaus --format json
    """
    import json

    from graphkit.explain import explain
    from graphkit.names import entity_id, source_name_index
    from graphkit.output import render_frame
    from graphkit.query import compact_frame

    with domain_errors():
        found = source_name_index(graph_source(folders)).resolve(entity)
    graph = load_graph(folders, "explain", {"entity": found})  # all explain shows, no more
    with domain_errors():
        result = explain(graph, entity_id(found))
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    if fmt in ("table", "md"):
        click.echo(f"{result.label} ({result.kind}, {result.entity})\n")
        click.echo(render_frame(compact_frame(result.facts), fmt))
        return
    click.echo(render_frame(result.facts, fmt))


@main.command("serve")
@data_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default keeps the endpoint to this machine.",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=7878, show_default=True, help="TCP port."
)
@click.option(
    "--cors",
    "cors_origin",
    metavar="ORIGIN",
    help="Let web pages from ORIGIN call the endpoint (sends CORS headers; off by default).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="HOST:PORT",
    help="Also accept requests addressed to this Host header (e.g. behind a proxy).",
)
@query_run_options
def serve_command(
    folders: list[Path],
    host: str,
    port: int,
    cors_origin: str | None,
    allow_hosts: tuple[str, ...],
    engine: str,
    timeout: float,
    limit: int,
) -> None:
    """Serve the graph as a read-only SPARQL endpoint with a query page.

    The endpoint is /sparql (SPARQL 1.1 Protocol: GET, POST form, POST
    application/sparql-query; JSON, XML, CSV, TSV, Turtle, N-Triples and JSON-LD answers).
    Updates, SERVICE and FROM are refused. The page at / works without internet.

    \b
    Example:
      graphkit serve
      graphkit serve --port 8080 --timeout 10
    """
    from graphkit.serve import endpoint_url, is_loopback, make_server

    graph = graph_source(folders).store if engine == "oxigraph" else load_graph(folders)
    try:
        server = make_server(
            graph,
            host,
            port,
            engine=engine,
            timeout=timeout,
            max_rows=limit,
            cors_origin=cors_origin,
            allow_hosts=allow_hosts,
        )
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc}") from exc
    if not is_loopback(host):
        progress(f"Warning: listening on {host}: other machines can query this endpoint.")
    url = endpoint_url(server)
    click.echo(f"Serving {len(graph)} triples at {url} (SPARQL endpoint {url}sparql).")
    click.echo("Press Ctrl+C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()


# --- Uploading the graph to a SPARQL server ---------------------------------------------------


@main.command("push")
@data_options
@click.option(
    "--endpoint",
    "store_url",
    required=True,
    metavar="URL",
    help="The server's SPARQL 1.1 Graph Store Protocol URL (Oxigraph: http://HOST:7878/store; "
    "Fuseki: http://HOST:3030/DATASET/data). Credentials may be given as "
    "https://user:password@host/...",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    help="Upload into this named graph [default: the server's default graph]; query it with "
    "--endpoint-graph IRI.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=50_000,
    show_default=True,
    help="Triples per request.",
)
@click.option(
    "--query-endpoint",
    metavar="URL",
    help="Count the uploaded triples with a COUNT query at this SPARQL endpoint of the same "
    "server (Oxigraph: http://HOST:7878/query) [default: download the graph and count].",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace what the graph holds (the first request is a PUT) instead of adding to it.",
)
def push_command(
    folders: list[Path],
    store_url: str,
    graph_iri: str | None,
    batch_size: int,
    query_endpoint: str | None,
    replace: bool,
) -> None:
    """Upload the built graph to a SPARQL server and check that all of it arrived.

    The graph goes in batches of N-Triples (SPARQL 1.1 Graph Store Protocol), with progress
    on stderr; then the server's triple count is compared with the number pushed, and a
    difference ends with exit status 1 and both numbers. Uploads add to what the graph
    holds: to push again into the same graph, use --replace.

    \b
    Example:
      graphkit push --endpoint http://localhost:7878/store --replace
      graphkit push --endpoint http://localhost:7878/store --graph https://example.org/graphkit \\
          --query-endpoint http://localhost:7878/query
    """
    from graphkit.remote import push_graph

    store = graph_source(folders).store
    with domain_errors():
        report = push_graph(
            store,
            store_url,
            graph=graph_iri,
            batch_size=batch_size,
            replace=replace,
            query_url=query_endpoint,
            on_progress=progress,
        )
    if not report.verified:
        raise click.ClickException(report.message())
    click.echo(report.message())
