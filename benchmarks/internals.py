"""Measure graphkit at growing sizes: build, ingest limit, queries, commands, pictures, memory.

    python benchmarks/internals.py --sizes 10000,100000,1000000 --json results.json

Each size is a number of triples of synthetic data (``benchmarks/synth.py``), loaded next to the
bundled datasets so that the bundled queries' default parameters (Vienna, Taranto...) still
name real entities. Each size runs in its own process, so its peak memory is its own. See
``benchmarks/README.md`` for what each figure means and the floors they are held to.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
# Triples per synthetic row, measured on synth.py output (about 14); sizes are in triples.
TRIPLES_PER_ROW = 14
QUERY_REPEATS = 3
QUERY_TIMEOUT = 300.0
RDFLIB_TIMEOUT = 60.0
COMMAND_REPEATS = 2
COMMAND_TIMEOUT = 600.0
VIEW_NODES = 1000
NOT_AVAILABLE = "n/a (not yet available)"
FLOORS = {
    "build_vs_ingest": 2.0,
    "queries_vs_raw_median": 1.5,
    "transfers_warm_s": 2.0,
    "peak_memory_mb": 4096.0,
}


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far, in MB (ru_maxrss is in KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def _best(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs (the others only warm caches), and the last result."""
    times, value = [], None
    for _ in range(repeats):
        seconds, value = _timed(function)
        times.append(seconds)
    return min(times), value


# -- one size, in its own process -------------------------------------------------------------


def _build_figures(folders: list[Path], store_dir: Path, work: Path) -> dict[str, Any]:
    """Build (CSV to store) from scratch, then the ingest limit on the same triples."""
    import pyoxigraph as ox

    from graphkit.data.load import load_datasets
    from graphkit.graph.build import dataset_ntriples, vocabulary_graph
    from graphkit.graph.store import open_store

    shutil.rmtree(store_dir, ignore_errors=True)
    build_s, store = _timed(lambda: open_store(folders, store_dir))
    triples = len(store)
    figures: dict[str, Any] = {
        "triples": triples,
        "build_s": build_s,
        "build_triples_per_s": triples / build_s,
        "build_peak_mb": _peak_mb(),
    }
    dump = work / "graph.nt"
    store.dump(str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    ingest_dir = work / "ingest"
    shutil.rmtree(ingest_dir, ignore_errors=True)

    def ingest() -> int:
        target = ox.Store(str(ingest_dir))
        target.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
        target.flush()
        return len(target)

    ingest_s, ingested = _timed(ingest)
    shutil.rmtree(ingest_dir, ignore_errors=True)
    figures.update(
        ingest_s=ingest_s,
        ingest_triples=ingested,
        ingest_triples_per_s=ingested / ingest_s,
        build_vs_ingest=build_s / ingest_s,
        ntriples_mb=dump.stat().st_size / 1e6,
    )
    # Where the build's time goes: checking the CSVs, then making the N-Triples text.
    load_s, dataset = _timed(lambda: load_datasets(folders))
    vocab = vocabulary_graph()
    figures["load_and_check_s"] = load_s
    figures["ntriples_s"] = _timed(lambda: sum(map(len, dataset_ntriples(dataset, vocab))))[0]
    figures["warm_open_s"] = _best(lambda: len(open_store(folders, store_dir)), 3)[0]
    dump.unlink()
    return figures


def _oxigraph_term(term: Any) -> Any:
    import pyoxigraph as ox
    from rdflib import URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def _count(result: Any) -> int:
    """Rows (SELECT), triples (CONSTRUCT, DESCRIBE) or 1 (ASK) of a graphkit query result."""
    return 1 if result.boolean is not None else len(result.terms)


def _query_figures(store: Any, graph: Any) -> dict[str, Any]:
    """Every bundled query on graphkit's engine and on raw pyoxigraph, both on the persistent
    store that commands use, and on rdflib's engine (on the rdflib graph of the same triples).

    "Ours" is ``graphkit.analysis.query.run_query`` as a command runs it: checked, parameters bound,
    under the default timeout (so in a child process that can be killed), every row returned
    as terms. "Raw" is ``store.query`` with every row read. "frame" adds turning the rows into
    the DataFrame that ``graphkit.query()`` returns.
    """
    import pyoxigraph as ox

    try:
        from graphkit.analysis import query as gq

        names = sorted(gq.bundled_queries())
    except (ImportError, AttributeError):
        return {"queries": NOT_AVAILABLE}
    rows = []
    for name in names:
        text, bundled = gq.resolve_query(name)
        checked = gq.check_query(text)
        terms = gq.bind_parameters(checked, bundled, None)
        substitutions = {ox.Variable(k): _oxigraph_term(v) for k, v in terms.items()}

        def raw(text: str = text, substitutions: dict = substitutions) -> int:
            answer = store.query(text, prefixes=gq.NAMESPACES, substitutions=substitutions)
            return len(list(answer)) if not isinstance(answer, ox.QueryBoolean) else 1

        def ours(name: str = name) -> int:
            return _count(gq.run_query(name, graph=store, max_rows=None))

        def frame(name: str = name) -> int:
            return len(gq.run_query(name, graph=store, max_rows=None).frame())

        raw_s, raw_rows = _best(raw, QUERY_REPEATS)
        ours_s, ours_rows = _best(ours, QUERY_REPEATS)
        frame_s, _ = _best(frame, QUERY_REPEATS)
        row: dict[str, Any] = {
            "query": name,
            "rows": raw_rows,
            "raw_ms": raw_s * 1000,
            "ours_ms": ours_s * 1000,
            "ours_vs_raw": ours_s / raw_s,
            "frame_ms": frame_s * 1000,
            "frame_vs_raw": frame_s / raw_s,
            "same_rows": ours_rows == raw_rows,
        }
        try:

            def rdflib(name: str = name) -> int:
                return _count(
                    gq.run_query(
                        name, graph=graph, engine="rdflib", max_rows=None, timeout=RDFLIB_TIMEOUT
                    )
                )

            rdflib_s, rdflib_rows = _timed(rdflib)
            if rdflib_s < 2:  # fast enough to repeat like the others
                rdflib_s, rdflib_rows = _best(rdflib, QUERY_REPEATS)
            row.update(
                rdflib_ms=rdflib_s * 1000,
                rdflib_vs_raw=rdflib_s / raw_s,
                same_rows=row["same_rows"] and rdflib_rows == raw_rows,
            )
        except gq.QueryTimeoutError:
            row.update(rdflib_ms=None, rdflib_vs_raw=None, rdflib=f"> {RDFLIB_TIMEOUT:g} s")
        rows.append(row)
    rdflib_ratios = [r["rdflib_vs_raw"] for r in rows if r.get("rdflib_vs_raw")]
    return {
        "queries": rows,
        "queries_vs_raw_median": statistics.median(r["ours_vs_raw"] for r in rows),
        "frames_vs_raw_median": statistics.median(r["frame_vs_raw"] for r in rows),
        "rdflib_vs_raw_median": statistics.median(rdflib_ratios) if rdflib_ratios else None,
        "rdflib_timeouts": sum(1 for r in rows if r["rdflib_ms"] is None),
    }


def _command_figures(synth: Path, store_dir: Path) -> dict[str, Any]:
    """``graphkit transfers``, ``paths`` and ``network brokers`` end to end, store warm."""
    from graphkit import cli

    base = ["--data", str(synth), "--store", str(store_dir)]
    commands = {
        "transfers": ["transfers", *base],
        "paths": ["paths", "Vienna", "Taranto", *base],
        "network_brokers": ["network", "brokers", *base],
    }
    graphkit = Path(sys.executable).with_name("graphkit")
    runner = [str(graphkit)] if graphkit.exists() else [sys.executable, "-m", "graphkit.cli"]
    figures: dict[str, Any] = {}
    for name, args in commands.items():
        if args[0] not in cli.main.commands:
            figures[f"{name}_s"] = NOT_AVAILABLE
            continue

        def run(args: list[str] = args) -> int:
            done = subprocess.run(
                [*runner, *args],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                check=False,
                timeout=COMMAND_TIMEOUT,
            )
            if done.returncode:
                raise RuntimeError(f"graphkit {' '.join(args)} failed: {done.stderr.decode()}")
            return done.returncode

        try:
            seconds, _ = _timed(run)
            if seconds * COMMAND_REPEATS < COMMAND_TIMEOUT:  # a second run only when affordable
                seconds = min(seconds, _best(run, COMMAND_REPEATS - 1)[0])
            figures[f"{name}_s"] = seconds
        except subprocess.TimeoutExpired:
            figures[f"{name}_s"] = f"> {COMMAND_TIMEOUT:g} s"
    figures["command_peak_mb"] = _peak_mb(resource.RUSAGE_CHILDREN)
    return figures


def _html_figures(graph: Any) -> dict[str, Any]:
    """HTML for a view of 1,000 nodes: the best-connected entities of the knowledge graph."""
    try:
        from graphkit.analysis.network import knowledge_graph
        from graphkit.views.visualise import render_html
    except ImportError:
        return {"html_1000_nodes_s": NOT_AVAILABLE}
    whole = knowledge_graph(graph)
    busiest = sorted(whole.degree, key=lambda item: (-item[1], str(item[0])))[:VIEW_NODES]
    view = whole.subgraph(node for node, _ in busiest).copy()
    view.graph["title"] = f"The {view.number_of_nodes()} best-connected entities"
    seconds, page = _best(lambda: render_html(view), 2)
    return {
        "html_1000_nodes_s": seconds,
        "html_nodes": view.number_of_nodes(),
        "html_edges": view.number_of_edges(),
        "html_mb": len(page.encode("utf-8")) / 1e6,
    }


def measure_size(size: int, seed: int, work: Path) -> dict[str, Any]:
    """Every figure for one size; run in a fresh process (see :func:`main`)."""
    from graphkit.graph.store import graph_from_store, open_store
    from graphkit.locations import DATASETS_DIR

    synth = work / "synth"
    rows = max(50, round(size / TRIPLES_PER_ROW))
    generate_s, _ = _timed(
        lambda: subprocess.run(
            [
                *(sys.executable, str(BENCHMARKS_DIR / "synth.py")),
                *("--rows", str(rows), "--seed", str(seed), "--out", str(synth)),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    )
    folders = [DATASETS_DIR, synth]
    store_dir = work / "store"
    figures: dict[str, Any] = {"size": size, "rows": rows, "generate_s": generate_s}
    figures.update(_build_figures(folders, store_dir, work))
    graph_s, graph = _timed(lambda: graph_from_store(folders, store_dir))
    figures["rdflib_graph_from_store_s"] = graph_s
    figures.update(_query_figures(open_store(folders, store_dir), graph))
    figures.update(_html_figures(graph))
    figures.update(_command_figures(synth, store_dir))
    figures["peak_mb"] = max(_peak_mb(), figures["command_peak_mb"])
    return figures


# -- the whole run ------------------------------------------------------------------------------


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def floors(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's floors, checked on the largest size measured."""
    if not results:
        return []
    top = max(results, key=lambda r: r["size"])
    checks = [
        ("build within 2x of the bulk-load limit", top["build_vs_ingest"], "build_vs_ingest"),
        (
            "bundled queries within 1.5x of raw pyoxigraph (median)",
            top.get("queries_vs_raw_median"),
            "queries_vs_raw_median",
        ),
        ("graphkit transfers from a warm store under 2 s", top["transfers_s"], "transfers_warm_s"),
        ("peak memory under 4 GB", top["peak_mb"], "peak_memory_mb"),
    ]
    return [
        {
            "floor": text,
            "size": top["size"],
            "measured": value,
            "limit": FLOORS[key],
            "met": isinstance(value, float | int) and value <= FLOORS[key],
        }
        for text, value, key in checks
    ]


def report(results: list[dict[str, Any]]) -> str:
    """The tables printed at the end of a run."""
    summary = _table(
        [
            "triples",
            "build s",
            "triples/s",
            "ingest s",
            "build/ingest",
            "check s",
            "warm open s",
            "rdflib graph s",
            "query ours/raw",
            "rdflib/raw",
            "transfers s",
            "paths s",
            "brokers s",
            "html 1k s",
            "peak MB",
        ],
        [
            [
                _fmt(r["triples"]),
                _fmt(r["build_s"]),
                _fmt(r["build_triples_per_s"], 0),
                _fmt(r["ingest_s"]),
                _fmt(r["build_vs_ingest"]),
                _fmt(r["load_and_check_s"]),
                _fmt(r["warm_open_s"], 3),
                _fmt(r["rdflib_graph_from_store_s"]),
                _fmt(r.get("queries_vs_raw_median")),
                _fmt(r.get("rdflib_vs_raw_median"), 1),
                _fmt(r["transfers_s"]),
                _fmt(r["paths_s"]),
                _fmt(r["network_brokers_s"]),
                _fmt(r["html_1000_nodes_s"]),
                _fmt(r["peak_mb"], 0),
            ]
            for r in results
        ],
    )
    parts = [summary]
    for r in results:
        if isinstance(r.get("queries"), list):
            parts.append(f"\nBundled queries at {r['triples']:,} triples (ms; ratios to raw):")
            parts.append(
                _table(
                    ["query", "rows", "raw", "ours", "ours/raw", "frame", "rdflib", "rdflib/raw"],
                    [
                        [
                            q["query"],
                            _fmt(q["rows"]),
                            _fmt(q["raw_ms"], 1),
                            _fmt(q["ours_ms"], 1),
                            _fmt(q["ours_vs_raw"]),
                            _fmt(q.get("frame_ms"), 1),
                            q.get("rdflib") or _fmt(q["rdflib_ms"], 1),
                            _fmt(q["rdflib_vs_raw"], 1),
                        ]
                        for q in r["queries"]
                    ],
                )
            )
    parts.append("\nFloors (largest size):")
    for check in floors(results):
        verdict = "met" if check["met"] else "NOT met"
        parts.append(f"  {check['floor']}: {_fmt(check['measured'])} -> {verdict}")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--sizes 10000,100000 [--json OUT] [--seed S] [--workdir DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="triples, comma-separated")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic data")
    parser.add_argument("--workdir", type=Path, help="scratch folder [default: a temporary one]")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one size
    args = parser.parse_args(argv)
    if args.one is not None:
        figures = measure_size(args.one, args.seed, args.workdir)
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="graphkit-bench-") as scratch:
        root = args.workdir or Path(scratch)
        for size in sizes:
            work = root / f"size-{size}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            part = work / "figures.json"
            print(f"measuring {size:,} triples…", file=sys.stderr, flush=True)
            subprocess.run(
                [
                    *(sys.executable, __file__, "--one", str(size), "--seed", str(args.seed)),
                    *("--workdir", str(work), "--json", str(part)),
                ],
                check=True,
            )
            results.append(json.loads(part.read_text(encoding="utf-8")))
            shutil.rmtree(work, ignore_errors=True)
    print(report(results))
    if args.json:
        document = {
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "load_average": os.getloadavg(),
            },
            "floors": floors(results),
            "sizes": results,
        }
        args.json.write_text(json.dumps(document, indent=1), encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
