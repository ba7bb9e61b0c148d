"""Time graphkit's commands as a user runs them, beside what the engine underneath takes.

    python benchmarks/run.py                                  # 10k and 100k synthetic rows
    python benchmarks/run.py --sizes 0,10000,100000,1000000 --markdown table.md --json out.json

Each size is a number of synthetic rows (``benchmarks/synth.py``, seed 1), read next to the
bundled datasets so that names such as Vienna and Taranto resolve; size 0 is the bundled data
alone. For each size, in this order, every figure is one process started as a user starts it:

- ``python -c "import click, pyoxigraph"``: the bare start of a Python program on this stack;
- ``graphkit build --store DIR --out graph.nt`` from scratch (no store yet);
- pyoxigraph's own bulk load of that ``graph.nt`` into a new on-disk store, then its
  serialisation back to N-Triples: what the engine alone takes for the same triples;
- every analysis command on the warm store (transfers, paths, explain, query, stats in each
  ``--by`` mode, network summary, centrality, brokers, communities, cascades, export graphml,
  visualise: the transfers, an ego view and a project view), best of ``--repeats`` runs (a run
  over 10 s is not repeated);
- on each SPARQL server of ``--endpoints`` (the Oxigraph server; Fuseki, else Jena's ARQ behind
  the tests' Jena server), started empty: ``graphkit push`` of the store into it, then every
  analysis command again with ``--endpoint``, so the analysis runs on that engine.

Printed: seconds, the ratio to the bare start and to the engine's load + serialisation, the
peak resident memory of the process, and the growth exponent from one size to the next
(``log(t2/t1) / log(n2/n1)``: 1 is linear). A command still running after ``--limit`` seconds is
stopped and reported as such.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BENCHMARKS_DIR = Path(__file__).resolve().parent
BARE = "bare start"
ENGINE = "pyoxigraph load + dump"
BUILD = "build --store --out x.nt"
BULK_LOAD = "pyoxigraph bulk load"
# The engine alone: bulk-load an N-Triples file into a new on-disk store, write it back out;
# prints the seconds of the load (with its flush) alone.
ENGINE_CODE = """
import sys, time, pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
store.flush()
print(time.perf_counter() - start, len(store))
store.dump(sys.argv[3], format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
"""
# SPARQL servers the commands also run against (--endpoint), after a 'graphkit push'.
ENDPOINTS = ("oxigraph", "jena")


# Commands run as in a user's installation, whose modules' bytecode is cached (pip compiles it
# at install time): a PYTHONDONTWRITEBYTECODE set here would have every command compile every
# module it imports, every time.
USER_ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Timing:
    """One command at one size: best wall seconds (None if it failed or ran out of time)."""

    name: str
    seconds: float | None
    peak_mb: float
    note: str = ""


def _graphkit() -> list[str]:
    script = Path(sys.executable).with_name("graphkit")
    return [str(script)] if script.exists() else [sys.executable, "-c", _MAIN]


_MAIN = "import sys; from graphkit.cli import main; sys.argv[0] = 'graphkit'; main()"


def run_once(
    argv: list[str], limit: float, cwd: Path, stdout: Path | None = None
) -> tuple[float | None, float, str]:
    """Run ``argv`` once: wall seconds (None past ``limit`` or on failure), peak MB, a note.
    Its output is discarded, or written to ``stdout``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        cwd=cwd,
        env=USER_ENVIRONMENT,
        stdout=stdout.open("wb") if stdout else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so a stop reaches its children too
    )
    try:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > limit:
                os.killpg(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = -9
                return None, usage.ru_maxrss / 1024, f"> {limit:g} s (stopped)"
            time.sleep(0.01)
    except BaseException:  # interrupted: stop the command too (it runs in its own session)
        os.killpg(process.pid, signal.SIGKILL)
        raise
    seconds = time.perf_counter() - start
    peak = usage.ru_maxrss / 1024  # KB on Linux
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    error = process.stderr.read().decode("utf-8", "replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if code:
        last = error.strip().splitlines()[-1:] or [f"exit {code}"]
        return None, peak, f"failed: {last[0][:120]}"
    return seconds, peak, ""


def timed(
    name: str,
    argv: list[str],
    limit: float,
    cwd: Path,
    repeats: int = 1,
    stdout: Path | None = None,
) -> Timing:
    """The best of ``repeats`` runs of ``argv`` (a run over 10 s is not repeated)."""
    best, peak, note = None, 0.0, ""
    for _ in range(repeats):
        seconds, used, note = run_once(argv, limit, cwd, stdout)
        peak = max(peak, used)
        if seconds is None:
            return Timing(name, None, peak, note)
        best = seconds if best is None else min(best, seconds)
        if seconds > 10:
            break
    print(f"  {name}: {best:.2f} s, {peak:.0f} MB", file=sys.stderr, flush=True)
    return Timing(name, best, peak, note)


def commands(work: Path) -> dict[str, list[str]]:
    """The analysis commands, by the name the tables give them."""
    out = work / "out"
    return {
        "transfers": ["transfers"],
        "paths Vienna Taranto": ["paths", "Vienna", "Taranto"],
        "explain Vienna": ["explain", "Vienna"],
        "query transfers-into-city": ["query", "transfers-into-city", "--param", "city=Taranto"],
        "stats --by class": ["stats", "--by", "class"],
        "stats --by project": ["stats", "--by", "project"],
        "stats --by source": ["stats", "--by", "source"],
        "stats --by all": ["stats", "--by", "all"],
        "network summary": ["network", "summary"],
        "network centrality": ["network", "centrality"],
        "network brokers": ["network", "brokers"],
        "network communities": ["network", "communities"],
        "cascades": ["cascades"],
        "export graphml": ["export", "--format", "graphml", "--out", str(out / "graph.graphml")],
        # Every node drawn: at 100k rows the transfers view is above the page's default limit.
        "visualise": [
            *("visualise", "--view", "transfers", "--max-nodes", "10000000"),
            *("--out", str(out / "transfers.html")),
        ],
        # A view of a few entities of a large graph: read around them, never the whole network.
        "visualise ego Vienna": [
            *("visualise", "--view", "ego", "--center", "Vienna", "--depth", "2"),
            *("--out", str(out / "vienna.html")),
        ],
        "visualise project ROMA-NET": [
            *("visualise", "--view", "project", "--project", "ROMA-NET"),
            *("--out", str(out / "roma-net.html")),
        ],
    }


def measure(
    rows: int,
    work: Path,
    limit: float,
    repeats: int,
    seed: int,
    build_limit: float,
    chosen: set[str] | None = None,
    endpoints: tuple[str, ...] = (),
) -> dict:
    """Every figure at ``rows`` synthetic rows (0: the bundled data alone), locally and on each
    SPARQL server of ``endpoints``."""
    data: list[str] = []
    if rows:
        synth = work / "synth"
        options = ["--rows", str(rows), "--seed", str(seed), "--out", str(synth)]
        subprocess.run(
            [sys.executable, str(BENCHMARKS_DIR / "synth.py"), *options],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        data = ["--data", str(synth)]
    store, nt = work / "store", work / "graph.nt"
    (work / "out").mkdir(exist_ok=True)
    base = [*data, "--store", str(store)]
    graphkit = _graphkit()
    timings = [timed(BARE, [sys.executable, "-c", "import click, pyoxigraph"], limit, work, 3)]
    shutil.rmtree(store, ignore_errors=True)
    timings.append(timed(BUILD, [*graphkit, "build", *base, "--out", str(nt)], build_limit, work))
    triples = None
    if nt.exists():
        engine_store, dumped, said = work / "engine-store", work / "engine.nt", work / "engine.out"
        argv = [sys.executable, "-c", ENGINE_CODE, str(nt), str(engine_store), str(dumped)]
        engine = timed(ENGINE, argv, build_limit, work, stdout=said)
        if engine.seconds is not None:
            load = float(said.read_text(encoding="utf-8").split()[0])
            note = "timed inside the engine's process: open, bulk load, flush"
            timings.append(Timing(BULK_LOAD, load, engine.peak_mb, note))
        timings.append(engine)
        triples = sum(1 for _ in nt.open("rb"))
        shutil.rmtree(engine_store, ignore_errors=True)
        dumped.unlink(missing_ok=True)
    chosen_commands = {
        name: args
        for name, args in commands(work).items()
        if chosen is None or name in chosen or name.split()[0] in chosen
    }
    for name, args in chosen_commands.items():
        timings.append(timed(name, [*graphkit, *args, *base], limit, work, repeats))
    servers = []
    for engine_name in endpoints:
        found = on_endpoint(engine_name, work, base, chosen_commands, limit, repeats, build_limit)
        servers.append(found["server"])
        timings += found["timings"]
    return {
        "rows": rows,
        "triples": triples,
        "servers": servers,
        "timings": [asdict(t) for t in timings],
    }


def endpoint_available(engine: str) -> str | None:
    """Why the SPARQL server ``engine`` cannot be started here, or None if it can."""
    _import_servers()
    from tests.jena_server import JENA_MISSING, jena_available
    from tests.oxigraph_server import oxigraph_binary

    if engine == "oxigraph":
        return None if oxigraph_binary() else "the oxigraph binary is missing: pip install oxigraph"
    return None if jena_available() else JENA_MISSING


def _import_servers() -> None:
    root = str(BENCHMARKS_DIR.parent)  # the tests' server starters, shared with the benchmark
    if root not in sys.path:
        sys.path.insert(0, root)


def on_endpoint(
    engine: str,
    work: Path,
    base: list[str],
    chosen: dict[str, list[str]],
    limit: float,
    repeats: int,
    build_limit: float,
) -> dict:
    """Start the SPARQL server ``engine`` (empty), time ``graphkit push`` of the built store into
    it, then each chosen command with ``--endpoint``: the analysis runs on the server."""
    _import_servers()
    from tests.jena_server import running_jena
    from tests.oxigraph_server import running_oxigraph

    folder = work / f"server-{engine}"
    folder.mkdir()
    starter = running_oxigraph if engine == "oxigraph" else running_jena
    graphkit = _graphkit()
    with starter(folder, query_timeout=math.ceil(limit)) as server:
        described = getattr(server, "engine", "Oxigraph server (oxigraph serve)")
        label = "Oxigraph server" if engine == "oxigraph" else _short(described)
        push = [
            *(*graphkit, "push", *base, "--endpoint", server.store_url),
            *("--query-endpoint", server.query_url, "--replace"),
        ]
        timings = [timed(f"push -> {label}", push, build_limit, work)]
        for name, args in chosen.items():
            argv = [*graphkit, *args, "--endpoint", server.query_url]
            timings.append(timed(f"{name} @ {label}", argv, limit, work, repeats))
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "server": {"engine": engine, "label": label, "described": described},
        "timings": timings,
    }


def _short(described: str) -> str:
    return "Fuseki" if "Fuseki" in described else "Jena ARQ"


# -- the report ---------------------------------------------------------------------------------


def _seconds(timing: dict) -> str:
    if timing["seconds"] is not None:
        return f"{timing['seconds']:.2f}"
    return timing["note"].split(":")[0]  # "failed" or "> N s (stopped)"; printed in full below


def _ratio(value: float | None, reference: float | None) -> str:
    return f"{value / reference:.1f}x" if value and reference else "-"


def exponent(t1: float | None, t2: float | None, n1: int, n2: int) -> float | None:
    """The growth exponent of a time from size ``n1`` to ``n2`` (1: linear, 2: quadratic)."""
    if not (t1 and t2 and n1 and n2 and n1 != n2):
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def table(results: list[dict]) -> list[list[str]]:
    """Header and rows: per size, seconds, x bare start, x engine, peak MB; then exponents."""
    header = ["command"]
    for r in results:
        size = f"{r['rows']:,} rows" if r["rows"] else "bundled"
        header += [f"{size}: s", "x start", "x engine", "MB"]
    pairs = list(itertools.pairwise(results))
    header += [f"growth {a['rows']:,}->{b['rows']:,}" for a, b in pairs]
    names = list(dict.fromkeys(t["name"] for r in results for t in r["timings"]))
    rows = []
    for name in names:
        row = [name]
        for r in results:
            found = {t["name"]: t for t in r["timings"]}
            timing = found.get(name, {"seconds": None, "note": "-", "peak_mb": 0})
            bare = found[BARE]["seconds"]
            engine = found.get(ENGINE, {}).get("seconds")
            row += [
                _seconds(timing),
                _ratio(timing["seconds"], bare),
                _ratio(timing["seconds"], engine),
                f"{timing['peak_mb']:,.0f}",
            ]
        for a, b in pairs:
            ta = {t["name"]: t["seconds"] for t in a["timings"]}.get(name)
            tb = {t["name"]: t["seconds"] for t in b["timings"]}.get(name)
            found_exponent = exponent(ta, tb, a["rows"], b["rows"])
            row.append(f"{found_exponent:.2f}" if found_exponent is not None else "-")
        rows.append(row)
    triples = ["triples"]
    for r in results:
        triples += [f"{r['triples']:,}" if r["triples"] else "-", "", "", ""]
    triples += [""] * len(pairs)
    return [header, triples, *rows]


def plain(lines: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in lines) for i in range(len(lines[0]))]
    out = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in lines
    ]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown(lines: list[list[str]]) -> str:
    header, *rows = lines
    out = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="synthetic rows, comma-separated (0: bundled data only)",
    )
    parser.add_argument("--limit", type=float, default=600.0, help="seconds a command may run")
    parser.add_argument(
        "--build-limit", type=float, default=3600.0, help="seconds the build and the engine may run"
    )
    parser.add_argument("--repeats", type=int, default=2, help="runs per analysis command (best)")
    parser.add_argument(
        "--commands",
        default="all",
        help="analysis commands to time, comma-separated by name or first word (e.g. "
        "'transfers,stats,network summary'); 'none' times only the build and the engine",
    )
    parser.add_argument(
        "--endpoints",
        default=",".join(ENDPOINTS),
        help="SPARQL servers to push the graph to and run the commands against, comma-separated "
        "(oxigraph: the Oxigraph server; jena: Fuseki, else Jena ARQ); 'none' for none",
    )
    parser.add_argument(
        "--endpoint-max-rows",
        type=int,
        default=None,
        help="time the servers only at sizes up to this many rows [default: every size]",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic data")
    parser.add_argument("--markdown", type=Path, help="also write the table as markdown here")
    parser.add_argument("--json", type=Path, help="also write every figure as JSON here")
    parser.add_argument("--workdir", type=Path, help="scratch folder [default: a temporary one]")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    chosen = None if args.commands == "all" else {c.strip() for c in args.commands.split(",")}
    endpoints = []
    for engine in filter(None, (e.strip() for e in args.endpoints.split(","))):
        if engine == "none":
            continue
        if engine not in ENDPOINTS:
            parser.error(f"unknown endpoint {engine!r}; expected {', '.join(ENDPOINTS)} or none")
        missing = endpoint_available(engine)
        if missing:
            print(f"not timed on {engine}: {missing}", file=sys.stderr)
        else:
            endpoints.append(engine)
    results = []
    with tempfile.TemporaryDirectory(prefix="graphkit-bench-") as scratch:
        root = args.workdir or Path(scratch)
        for rows in sizes:
            work = root / f"rows-{rows}"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            print(f"{rows:,} synthetic rows…", file=sys.stderr, flush=True)
            figures = measure(
                rows,
                work,
                args.limit,
                args.repeats,
                args.seed,
                args.build_limit,
                chosen,
                tuple(endpoints)
                if args.endpoint_max_rows is None or rows <= args.endpoint_max_rows
                else (),
            )
            results.append(figures)
            if args.json:  # what is measured so far, in case a later size is stopped
                args.json.write_text(json.dumps({"sizes": results}, indent=1), encoding="utf-8")
            shutil.rmtree(work, ignore_errors=True)
    lines = table(results)
    machine = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_end": os.getloadavg(),
    }
    print(plain(lines))
    for r in results:
        for server in r.get("servers", []):
            print(f"{r['rows']:,} rows, {server['label']}: {server['described']}")
        for t in r["timings"]:
            if t["note"]:
                print(f"{r['rows']:,} rows, {t['name']}: {t['note']}")
    print(f"\n{machine}")
    if args.markdown:
        args.markdown.write_text(markdown(lines), encoding="utf-8")
    if args.json:
        document = {"machine": machine, "sizes": results}
        args.json.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
