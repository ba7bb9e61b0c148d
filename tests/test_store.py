"""The persistent graph store is reused while its inputs stay the same, and never used damaged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from graphkit.cli import main
from graphkit.data.load import load_datasets
from graphkit.errors import DatasetError
from graphkit.graph.build import build_graph, node
from graphkit.graph.store import MARKER, graph_from_store, input_key, open_store
from tests.conftest import REPO_DIR
from tests.helpers import replace_in


class Builds:
    """Counts the store builds announced through ``on_build``."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, message: str) -> None:
        self.messages.append(message)

    @property
    def count(self) -> int:
        return len(self.messages)


def marker(store_dir: Path) -> dict:
    return json.loads((store_dir / MARKER).read_text(encoding="utf-8"))


def databases(store_dir: Path) -> list[str]:
    return sorted(p.name for p in store_dir.iterdir() if p.is_dir())


def without_blank_nodes(graph: Graph) -> set:
    return {t for t in graph if not any(isinstance(term, BNode) for term in t)}


def test_graph_from_store_is_the_built_graph(mini_dir: Path, tmp_path: Path) -> None:
    built = build_graph(load_datasets([mini_dir]))
    stored = graph_from_store([mini_dir], tmp_path / "store")
    assert len(stored) == len(built)
    assert without_blank_nodes(stored) == without_blank_nodes(built)
    assert isomorphic(stored, built)


def test_second_open_reuses_the_store_without_rebuilding(mini_dir: Path, tmp_path: Path) -> None:
    store_dir, builds = tmp_path / "store", Builds()
    first = open_store([mini_dir], store_dir, on_build=builds)
    written = (store_dir / MARKER).stat().st_mtime_ns
    second = open_store([mini_dir], store_dir, on_build=builds)
    assert builds.count == 1
    assert (store_dir / MARKER).stat().st_mtime_ns == written
    assert len(first) == len(second) == marker(store_dir)["triples"]
    assert len(databases(store_dir)) == 1


def test_changing_a_csv_rebuilds_the_store(mini_copy: Path, tmp_path: Path) -> None:
    store_dir, builds = tmp_path / "store", Builds()
    open_store([mini_copy], store_dir, on_build=builds)
    key = marker(store_dir)["key"]
    replace_in(mini_copy / "cities.csv", "taranto,Taranto,", "taranto,Tarentum,")
    graph = graph_from_store([mini_copy], store_dir, on_build=builds)
    assert builds.count == 2
    assert marker(store_dir)["key"] != key
    assert graph.value(node("taranto"), RDFS.label) == Literal("Tarentum")


def test_key_covers_source_texts_and_ignores_unrelated_files(mini_copy: Path) -> None:
    key = input_key([mini_copy])
    (mini_copy / "notes.txt").write_text("not a dataset file", encoding="utf-8")
    assert input_key([mini_copy]) == key
    with (mini_copy / "sources" / "fixture.txt").open("a", encoding="utf-8") as handle:
        handle.write("One more sentence.\n")
    assert input_key([mini_copy]) != key


def test_truncated_database_is_detected_and_rebuilt(mini_dir: Path, tmp_path: Path) -> None:
    store_dir, builds = tmp_path / "store", Builds()
    count = len(open_store([mini_dir], store_dir, on_build=builds))
    damaged = store_dir / marker(store_dir)["data"]
    tables = list(damaged.glob("*.sst"))
    assert tables
    for table in tables:
        with table.open("r+b") as handle:
            handle.truncate(64)
    store = open_store([mini_dir], store_dir, on_build=builds)
    assert builds.count == 2
    assert len(store) == count
    assert marker(store_dir)["data"] != damaged.name


def _touch_tables(store_dir: Path) -> None:
    """Give the store's data files another modification time, their bytes unchanged."""
    for table in (store_dir / marker(store_dir)["data"]).glob("*.sst"):
        stat = table.stat()
        os.utime(table, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_store_files_changed_since_the_build_are_counted_again(
    mini_dir: Path, tmp_path: Path
) -> None:
    """A warm open trusts the count the build recorded only while the store's files are as the
    build left them; otherwise it counts the triples, and rebuilds when they differ."""
    store_dir, builds = tmp_path / "store", Builds()
    count = len(open_store([mini_dir], store_dir, on_build=builds))
    recorded = marker(store_dir)
    assert recorded["files"]  # the fingerprint the build recorded
    # Files touched, same bytes: counted, the count holds, no rebuild.
    _touch_tables(store_dir)
    assert len(open_store([mini_dir], store_dir, on_build=builds)) == count
    assert builds.count == 1
    assert marker(store_dir)["files"] != recorded["files"]  # the files as found, recorded
    # Files touched and a marker that records another count: not trusted, rebuilt.
    (store_dir / MARKER).write_text(json.dumps({**marker(store_dir), "triples": count + 1}))
    _touch_tables(store_dir)
    assert len(open_store([mini_dir], store_dir, on_build=builds)) == count
    assert builds.count == 2
    assert marker(store_dir)["triples"] == count


def test_half_written_build_is_never_used_and_is_cleaned_up(mini_dir: Path, tmp_path: Path) -> None:
    store_dir, builds = tmp_path / "store", Builds()
    leftover = store_dir / "building-killed"
    leftover.mkdir(parents=True)
    (leftover / "000001.sst").write_bytes(b"half")
    (store_dir / MARKER).write_text('{"key": "', encoding="utf-8")  # cut off mid-write
    store = open_store([mini_dir], store_dir, on_build=builds)
    assert builds.count == 1
    assert len(store) == len(build_graph(load_datasets([mini_dir])))
    assert not leftover.exists()


def test_bad_data_raises_and_leaves_the_store_as_it_was(mini_copy: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    open_store([mini_copy], store_dir)
    before = (store_dir / MARKER).read_bytes()
    replace_in(mini_copy / "cities.csv", "taranto,Taranto,,,italy", "taranto,Taranto,,,itly")
    with pytest.raises(DatasetError):
        open_store([mini_copy], store_dir)
    assert (store_dir / MARKER).read_bytes() == before


def test_database_in_use_survives_a_rebuild(mini_copy: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    old = open_store([mini_copy], store_dir)
    old_database = marker(store_dir)["data"]
    replace_in(mini_copy / "cities.csv", "taranto,Taranto,", "taranto,Tarentum,")
    open_store([mini_copy], store_dir)
    assert old_database in databases(store_dir)
    assert len(old) > 0


BUILDER = """
import sys
from graphkit.graph.store import open_store
builds = []
store = open_store([sys.argv[1]], sys.argv[2], on_build=builds.append)
print(len(store), len(builds))
"""


def test_two_concurrent_builders_build_once_and_agree(mini_dir: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", BUILDER, str(mini_dir), str(store_dir)],
            cwd=REPO_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    counts, builds = zip(*(map(int, out.split()) for out, _ in outputs), strict=True)
    assert counts[0] == counts[1] == marker(store_dir)["triples"]
    assert sorted(builds) == [0, 1]
    assert len(databases(store_dir)) == 1


def test_cli_store_option_builds_once_then_reuses(mini_dir: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "cli-store"
    args = ["stats", "--by", "class", "--no-bundled", "--data", str(mini_dir)]
    first = CliRunner().invoke(main, [*args, "--store", str(store_dir)])
    second = CliRunner().invoke(main, [*args, "--store", str(store_dir)])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "Building the graph store" in first.stderr
    assert "Building the graph store" not in second.stderr
    assert first.stdout == second.stdout and "gk:PracticeTransfer" in first.stdout
    assert (store_dir / MARKER).exists()


def test_build_command_writes_the_store(mini_dir: Path, tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    args = ["build", "--no-bundled", "--data", str(mini_dir), "--store", str(store_dir)]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "kg.ttl")])
    assert result.exit_code == 0, result.output
    assert marker(store_dir)["triples"] == len(Graph().parse(tmp_path / "kg.ttl"))


def _same_size_edit(path: Path, settled: bool) -> None:
    """Change one letter of ``path`` (same size); ``settled``: and date it a minute back, as if
    edited long before the store last looked at it."""
    *rows, last = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    cells = last.split(",")
    cells[1] = cells[1].swapcase()  # the name of the last city: vIENNA for Vienna
    path.write_text("\n".join([*rows, ",".join(cells)]) + "\n", encoding="utf-8")
    if settled:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - 60_000_000_000))


@pytest.mark.parametrize("settled", [False, True])
def test_an_edit_that_keeps_the_size_is_seen(
    mini_copy: Path, tmp_path: Path, settled: bool
) -> None:
    """The store keeps its inputs' digests by size and time, so that a warm start need not read
    them all; an edit of the same size is still seen, right after the last run (same clock
    tick) or dated back."""
    store_dir, builds = tmp_path / "store", Builds()
    open_store([mini_copy], store_dir, on_build=builds)
    open_store([mini_copy], store_dir, on_build=builds)
    assert builds.count == 1
    target = mini_copy / "cities.csv"
    _same_size_edit(target, settled=settled)
    store = open_store([mini_copy], store_dir, on_build=builds)
    assert builds.count == 2
    assert input_key([mini_copy]) == marker(store_dir)["key"]
    assert len(store) > 0


def _prefetching() -> list[str]:
    import threading

    return [t.name for t in threading.enumerate() if t.name == "graphkit-store-open"]


def test_a_prefetched_store_is_used_only_when_it_is_still_the_right_one(
    mini_copy: Path, tmp_path: Path
) -> None:
    """The store a command starts opening early is the one it gets when nothing changed; when
    the data changed meanwhile, the store is rebuilt and the early handle let go."""
    from graphkit.graph.store import prefetch_store

    store_dir, builds = tmp_path / "store", Builds()
    count = len(open_store([mini_copy], store_dir, on_build=builds))
    prefetch_store([mini_copy], store_dir)
    assert len(open_store([mini_copy], store_dir, on_build=builds)) == count
    assert builds.count == 1
    assert not _prefetching()
    first = marker(store_dir)["data"]
    prefetch_store([mini_copy], store_dir)
    _same_size_edit(mini_copy / "cities.csv", settled=False)
    store = open_store([mini_copy], store_dir, on_build=builds)
    assert builds.count == 2
    assert marker(store_dir)["data"] != first
    assert not _prefetching()
    names = {
        b["n"].value
        for b in store.query(
            "SELECT ?n WHERE { ?c a <https://w3id.org/graphkit/ontology#City> ; "
            "<http://www.w3.org/2000/01/rdf-schema#label> ?n }"
        )
    }
    assert "vIENNA" in names  # the rebuilt store, with the edit (swapped case)


def test_kept_tables_made_in_parallel_processes_are_those_made_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large store makes its kept tables (transfer rows, participation, names database) in
    processes of their own: the same content, byte for byte, as made in the building process."""
    from graphkit.graph import store
    from graphkit.graph.store import _write_database

    made_in: list[str] = []
    monkeypatch.setattr(store.os, "cpu_count", lambda: 2)  # parallel on a one-core machine too
    in_processes = store._kept_tables_in_processes
    monkeypatch.setattr(
        store,
        "_kept_tables_in_processes",
        lambda *args: made_in.append("processes") or in_processes(*args),
    )
    from graphkit.analysis.kept import KEPT_TABLES
    from graphkit.locations import DATASETS_DIR

    folders = (DATASETS_DIR,)
    serial = _write_database(tmp_path / "one", folders, None, KEPT_TABLES, parallel_from=10**12)
    parallel = _write_database(tmp_path / "two", folders, None, KEPT_TABLES, parallel_from=0)
    assert set(parallel[1]) == set(KEPT_TABLES)
    assert all(parallel[1].values())
    assert made_in == ["processes"]  # the second only
    assert parallel == serial


@pytest.mark.slow
def test_a_script_without_a_main_guard_builds_a_large_store_with_its_tables_in_parallel(
    tmp_path: Path,
) -> None:
    """A researcher's plain script (no ``if __name__ == "__main__"``) opening a graph large
    enough for the kept tables to be made in processes of their own: those processes must not
    run the script again (they would wait for the build's lock forever)."""
    from benchmarks.synth import generate
    from graphkit.graph.store import PARALLEL_TABLES_FROM

    data = tmp_path / "data"
    generate(40_000, 1, data)
    script = tmp_path / "analysis.py"
    script.write_text(
        "import os\n"
        "os.cpu_count = lambda: 2  # the parallel tables on a one-core machine too\n"
        "import graphkit\n"
        f"kg = graphkit.open({str(data)!r}, store={str(tmp_path / 'store')!r})\n"
        "print(len(kg.store), len(kg.transfers()))\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    triples, transfers = map(int, done.stdout.split())
    assert triples >= PARALLEL_TABLES_FROM  # large enough for the tables' own processes
    assert transfers > 1000  # read from the kept transfer rows


def _failing_table(store) -> None:
    raise ValueError("no such column: 'x'")


def test_a_kept_table_that_fails_in_its_process_fails_the_build_naming_it(tmp_path: Path) -> None:
    from graphkit.analysis.kept import KEPT_TABLES
    from graphkit.errors import StoreError
    from graphkit.graph import store
    from graphkit.locations import DATASETS_DIR

    database = tmp_path / "db"
    store._write_database(database, (DATASETS_DIR,), None, {}, parallel_from=10**12)
    makers = {"broken": _failing_table, "transfer-rows": KEPT_TABLES["transfer-rows"]}
    with pytest.raises(StoreError, match=r"'broken'.*ValueError: no such column: 'x'"):
        store._kept_tables_in_processes(database, makers)
    # A maker a new interpreter cannot import (a lambda) is made in the building process.
    made = store._kept_tables_in_processes(
        database, {"count": lambda s: len(s), "transfer-rows": KEPT_TABLES["transfer-rows"]}
    )
    finished = store.ox.Store.read_only(str(database))
    assert json.loads(made["count"]) == len(finished) > 1000
    serial = store._kept_tables(finished, {"transfer-rows": KEPT_TABLES["transfer-rows"]})
    assert made["transfer-rows"] == serial["transfer-rows"]


def test_the_stores_key_covers_the_code_of_every_module_a_build_imports(tmp_path: Path) -> None:
    """A store is rebuilt when the code that decides what it holds changes: the modules a build
    imports in a new interpreter (loading the data, writing the store, making the kept tables)
    are exactly BUILDER_MODULES, whose code is in the key, and the documented infrastructure.
    A module the build comes to need but the key leaves out would leave stale stores."""
    from graphkit.graph.store import BUILD_INFRASTRUCTURE, BUILDER_MODULES

    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from graphkit.analysis.kept import KEPT_TABLES\n"
        "from graphkit.graph.store import open_store_database\n"
        "store, database = open_store_database(None, Path(sys.argv[1]), tables=KEPT_TABLES)\n"
        "assert database.with_name(database.name + '.participation.json').is_file()\n"
        "import graphkit\n"
        "package = Path(graphkit.__file__).parent\n"
        "files = [getattr(m, '__file__', None) for n, m in list(sys.modules.items())\n"
        "         if n.split('.')[0] == 'graphkit']\n"
        "print(json.dumps(sorted(Path(f).relative_to(package).as_posix() for f in files if f)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "store")],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    # Relative to the package the new interpreter imported: an installed copy, or this checkout.
    imported = set(json.loads(done.stdout))
    assert not set(BUILDER_MODULES) & set(BUILD_INFRASTRUCTURE)
    # So the network measures' module, which no build imports, does not rebuild the stores.
    assert imported - set(BUILD_INFRASTRUCTURE) == set(BUILDER_MODULES)
