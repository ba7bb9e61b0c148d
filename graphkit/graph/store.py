"""A persistent on-disk Oxigraph store of the built graph, rebuilt only when its inputs change.

Building the graph means reading and checking every CSV row; on a large programme database that
takes a while. The store keeps the built graph (data, ontology and vocabulary, in the default
graph) in an on-disk Oxigraph database, keyed by a content hash of everything the graph depends
on: the dataset CSVs and source texts of every folder, the ontology files, the graphkit version
and the code that builds the graph. A command whose inputs did not change opens it at once.

Layout of a store folder (by default one per combination of data folders, under
:func:`graphkit.locations.cache_dir`; ``--store DIR`` chooses one)::

    graphkit-store.json    completion marker: key, triple count, data folder (written last)
    data-<key>-<nonce>/    the Oxigraph (RocksDB) database the marker points to
    lock                   serialises builders; builders wait for each other, then reuse

A store is trusted only if the marker names the current key, its database opens and holds the
number of triples the marker recorded; anything else (a build killed half-way, a truncated file)
is rebuilt, never used. Databases stay read-only once written: a rebuild writes a new folder and
then replaces the marker, so processes still reading the old one are not disturbed, and old
folders are removed once no process has them open.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import io
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TypedDict, Unpack

import pyoxigraph as ox

from graphkit import __version__
from graphkit.errors import StoreError
from graphkit.graph.terms import store_to_rdflib, to_rdflib
from graphkit.locations import DATASETS_DIR, ONTOLOGY_FILE, PACKAGE_DIR, VOCAB_FILE, cache_dir

if TYPE_CHECKING:  # a warm command opens the store without rdflib
    from rdflib import Graph

try:
    import fcntl
except ImportError:  # Windows: builders still exclude each other (see _exclusive)
    fcntl = None  # type: ignore[assignment]

MARKER = "graphkit-store.json"
LOCK = "lock"
# Bump when the store's layout or content changes in a way the key would not notice.
STORE_FORMAT = 3
# The modules whose code decides what the built graph and its kept tables hold: every module
# a build imports, in a new interpreter, to load the data, write the store and make the tables
# of graphkit.analysis.kept (tests/test_store.py checks the list against such a build), but
# BUILD_INFRASTRUCTURE. A change to any of them rebuilds the stores; a change elsewhere (the
# network measures, the views, the command line) does not.
BUILDER_MODULES = (
    "analysis/geo.py",
    "analysis/kept.py",
    "analysis/names.py",
    "analysis/transfers.py",
    "data/load.py",
    "data/schema.py",
    "graph/build.py",
    "graph/iris.py",
    "graph/namespaces.py",
    "graph/store.py",
    "graph/terms.py",
    "graph/turtle.py",
    "sparql/backends.py",
    "sparql/checked.py",
    "sparql/results.py",
    "sparql/timeouts.py",
)
# What a build imports that decides nothing of what it holds: the version (in the key itself),
# the packages' docstrings, error messages, file locations and the writing of files.
BUILD_INFRASTRUCTURE = (
    "__init__.py",
    "analysis/__init__.py",
    "data/__init__.py",
    "graph/__init__.py",
    "sparql/__init__.py",
    "errors.py",
    "files.py",
    "locations.py",
)
# A table kept beside the database, made from the freshly built store (see open_store's tables).
TableMaker = Callable[[ox.Store], Any]

# Shared locks on the databases this process has open, so no other process deletes them.
_IN_USE: dict[Path, IO[bytes]] = {}


def _folders(folders: Sequence[Path | str] | None) -> tuple[Path, ...]:
    return tuple(Path(f) for f in (folders if folders else [DATASETS_DIR]))


def default_store_dir(folders: Sequence[Path | str] | None = None) -> Path:
    """Where the store of ``folders`` lives unless ``--store`` says otherwise.

    One store per combination of data folders, so switching between datasets does not rebuild.
    """
    names = "\n".join(str(f.resolve()) for f in _folders(folders))
    return cache_dir() / "store" / hashlib.sha256(names.encode("utf-8")).hexdigest()[:16]


# A file's digest is taken from the record of an earlier run only if the file was last changed
# this many nanoseconds before that record was made (a change within the same tick of the
# file system's clock could otherwise keep its size and time).
_SETTLED_NS = 2_000_000_000
DIGESTS = "input-digests.json"


def _file_digest(path: Path, known: Mapping[str, Any], found: dict[str, list]) -> str:
    """The SHA-256 of ``path``'s bytes; from ``known`` (path -> [size, mtime_ns, recorded_ns,
    digest]) where the file's size and time are those recorded and were settled when it was
    recorded. The entry used or made goes into ``found``."""
    stat = path.stat()
    entry = known.get(str(path))
    if not (
        isinstance(entry, list)
        and len(entry) == 4
        and entry[:2] == [stat.st_size, stat.st_mtime_ns]
        and isinstance(entry[2], int)
        and stat.st_mtime_ns < entry[2] - _SETTLED_NS
    ):
        with path.open("rb") as handle:
            content = hashlib.file_digest(handle, "sha256").hexdigest()
        entry = [stat.st_size, stat.st_mtime_ns, time.time_ns(), content]
    found[str(path)] = entry
    return str(entry[3])


def input_key(
    folders: Sequence[Path | str] | None = None, known: dict[str, list] | None = None
) -> str:
    """The content hash the store of ``folders`` is keyed by.

    It covers every CSV and source text of every folder (names and bytes, in folder order), the
    ontology and vocabulary files, the graphkit version and the code of the builder modules.
    ``known``: the files' digests from an earlier run, by path with their size and modification
    time; a file whose size or time differs is read again. It is replaced by the entries of the
    files read now.
    """
    digest = hashlib.sha256(f"graphkit-store {STORE_FORMAT} {__version__}\n".encode())
    found: dict[str, list] = {}

    def add(label: str, path: Path) -> None:
        digest.update(f"{label}\t{_file_digest(path, known or {}, found)}\n".encode())

    for name in BUILDER_MODULES:
        add(f"code/{name}", PACKAGE_DIR / name)
    for path in sorted((PACKAGE_DIR / "queries" / "tables").glob("*.rq")):
        add(f"table/{path.name}", path)
    add("ontology", ONTOLOGY_FILE)
    add("vocab", VOCAB_FILE)
    for number, folder in enumerate(_folders(folders)):
        digest.update(f"folder {number}\n".encode())
        for path in sorted(folder.glob("*.csv")):
            add(f"csv/{path.name}", path)
        sources = folder / "sources"
        if sources.is_dir():
            for path in sorted(p for p in sources.rglob("*") if p.is_file()):
                add(f"source/{path.relative_to(sources).as_posix()}", path)
    if known is not None:
        known.clear()
        known.update(found)
    return digest.hexdigest()


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold the store's lock file exclusively (one builder at a time, across processes)."""
    with path.open("a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        else:  # pragma: no cover - Windows
            import msvcrt

            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _hold(database: Path) -> bool:
    """Mark ``database`` as in use by this process (until :func:`_release` or the process ends).

    Returns whether this call marked it (False if it already was, or cannot be).
    """
    if fcntl is None or database in _IN_USE:
        return False
    handle = database.with_name(database.name + ".inuse").open("a+b")
    fcntl.flock(handle, fcntl.LOCK_SH)
    _IN_USE[database] = handle
    return True


def _release(database: Path) -> None:
    handle = _IN_USE.pop(database, None)
    if handle is not None:
        handle.close()


def _remove_unused(store_dir: Path, keep: Path) -> None:
    """Delete databases other than ``keep`` that no process has open, and unfinished builds."""
    for path in store_dir.iterdir():
        if path.name.startswith("building-") and path.is_file():
            path.unlink(missing_ok=True)  # a kept table of a build that did not finish
        if path == keep or not path.is_dir():
            continue
        if path.name.startswith("building-"):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith("data-") and path not in _IN_USE:
            flag = path.with_name(path.name + ".inuse")
            with flag.open("a+b") as handle:
                if fcntl is not None:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        continue  # another process is reading it
                shutil.rmtree(path, ignore_errors=True)
                for table in path.parent.glob(f"{path.name}.*"):  # its kept tables and files
                    if table != flag:
                        table.unlink(missing_ok=True)
            flag.unlink(missing_ok=True)


def _read_marker(store_dir: Path) -> dict[str, Any] | None:
    try:
        marker = json.loads((store_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return marker if isinstance(marker, dict) else None


# Files a read-only open may write to (RocksDB's own log and lock), left out of the fingerprint.
_UNSTABLE_FILES = ("LOG", "LOCK")


def database_fingerprint(database: Path) -> dict[str, list[int]]:
    """Each data file of the database folder with its size and modification time: as written
    by the build, these stay the same for as long as the store is only read."""
    found = {}
    for path in sorted(database.iterdir()):
        if path.name.startswith(_UNSTABLE_FILES) or not path.is_file():
            continue
        stat = path.stat()
        found[path.name] = [stat.st_size, stat.st_mtime_ns]
    return found


def _write_json(path: Path, content: Any, *, quiet: bool = False) -> None:
    """Replace ``path`` with ``content`` as JSON at once (never half-written); with ``quiet``,
    a folder that cannot be written (a store shared read-only) is left as it is."""
    temporary = path.with_name(f"{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_text(json.dumps(content, indent=1), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        if not quiet:
            raise


def _write_marker(store_dir: Path, marker: dict[str, Any], *, quiet: bool = False) -> None:
    """Replace the store's marker (see :func:`_write_json`)."""
    _write_json(store_dir / MARKER, marker, quiet=quiet)


def _marked_database(store_dir: Path, marker: dict[str, Any] | None) -> Path | None:
    """The database folder ``marker`` names in ``store_dir``, if it names one that exists."""
    if not marker or not isinstance(marker.get("data"), str):
        return None
    database = store_dir / marker["data"]
    if (
        database.parent != store_dir
        or not database.name.startswith("data-")
        or not database.is_dir()
    ):
        return None
    return database


# The first RocksDB store a process opens costs some 35 ms (RocksDB starts its threads), as
# much as graphkit's own start; a command starts opening the store it will most likely use in a
# thread (prefetch_store) while it imports its modules and checks its inputs.
_PREFETCHED: dict[Path, tuple[threading.Thread, dict[str, Any]]] = {}


def prefetch_store(
    folders: Sequence[Path | str] | None = None, store_dir: Path | str | None = None
) -> None:
    """Start opening, read-only and in a thread, the database the marker of the store of
    ``folders`` names; :func:`open_store_database` takes it if its checks then pass (inputs
    unchanged, files as built), and opens or rebuilds as usual otherwise."""
    paths = _folders(folders)
    found = Path(store_dir) if store_dir is not None else default_store_dir(paths)
    database = _marked_database(found, _read_marker(found))
    if database is None or database in _PREFETCHED:
        return
    result: dict[str, Any] = {}

    def run() -> None:
        # On failure it is opened again by open_store_database, which reports or rebuilds.
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            result["store"] = ox.Store.read_only(str(database))

    thread = threading.Thread(target=run, name="graphkit-store-open", daemon=True)
    _PREFETCHED[database] = (thread, result)
    thread.start()


def _read_only(database: Path) -> ox.Store:
    """``database`` opened read-only: the prefetched handle if there is one."""
    found = _PREFETCHED.pop(database, None)
    if found is not None:
        thread, result = found
        thread.join()
        if "store" in result:
            return result["store"]
    return ox.Store.read_only(str(database))


@atexit.register
def _drop_prefetched() -> None:
    """Wait for the prefetches nobody took and let their handles go (before a rebuild, a
    fork, or the end of the process: never a thread inside RocksDB then)."""
    while _PREFETCHED:
        thread, _ = _PREFETCHED.popitem()[1]
        thread.join()


def _open_verified(store_dir: Path, key: str) -> tuple[ox.Store, Path] | None:
    """The finished store for ``key`` and its database folder, or None if it is missing,
    stale or damaged."""
    marker = _read_marker(store_dir)
    if not marker or marker.get("key") != key:
        return None
    database = _marked_database(store_dir, marker)
    if database is None:
        return None
    # Held before opening, so that no rebuild elsewhere deletes it while it is being opened.
    held_here = _hold(database)
    try:
        store = _read_only(database)
        # Counting the triples reads the whole store; it is needed only when a file is not as
        # the build left it (damaged, truncated, replaced), which its size or time then shows.
        fingerprint = database_fingerprint(database)
        if marker.get("files") != fingerprint:
            if len(store) != marker.get("triples"):
                raise OSError(f"{database} does not hold the triples its marker records")
            _write_marker(store_dir, {**marker, "files": fingerprint}, quiet=True)
    except (OSError, RuntimeError, ValueError):
        if held_here:
            _release(database)
        return None
    return store, database


def _table_path(database: Path, name: str) -> Path:
    return database.with_name(f"{database.name}.{name}.json")


def _file_path(database: Path, name: str) -> Path:
    return database.with_name(f"{database.name}.{name}")


def kept_file(database: Path, name: str) -> Path | None:
    """The file kept as ``name`` (bytes a table maker returned, e.g. a SQLite database) beside
    the store ``database`` when it was built; ``None`` if there is none."""
    path = _file_path(database, name)
    return path if path.is_file() else None


def kept_content(database: Path, name: str) -> Any:
    """What was kept as ``name`` beside the store ``database`` when it was built (see
    :func:`open_store`'s ``tables``), as read from its JSON; ``None`` if there is none or it
    cannot be read (callers then compute it)."""
    try:
        return json.loads(_table_path(database, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def kept_records(database: Path, name: str) -> tuple[list[str], list[dict[str, Any]]] | None:
    """The columns and rows (one mapping each) of the table ``name`` kept beside the store
    ``database`` when it was built (see :func:`kept_content`); ``None`` if there is none or it
    cannot be read (callers then compute it)."""
    try:
        content = kept_content(database, name)
        columns, rows = list(content["columns"]), content["rows"]
        if not all(isinstance(row, dict) for row in rows):
            return None
        return columns, rows
    except (OSError, ValueError, KeyError, TypeError):
        return None


def kept_table(database: Path, name: str) -> Any:
    """:func:`kept_records` as a DataFrame; ``None`` if there is no such table."""
    import pandas as pd

    kept = kept_records(database, name)
    return None if kept is None else pd.DataFrame(kept[1], columns=kept[0])


def _kept_tables(store: ox.Store, makers: Mapping[str, TableMaker]) -> dict[str, str | bytes]:
    """What ``makers`` make from a freshly written store (see :func:`_kept_content`)."""
    return {name: _kept_content(make(store)) for name, make in makers.items()}


def _kept_content(made: Any) -> str | bytes:
    """A kept table as it is written: a DataFrame as JSON text of its columns and rows (read
    back by :func:`kept_records`), bytes as they are (a file of their own: :func:`kept_file`),
    anything else as JSON text of it."""
    if isinstance(made, bytes):
        return made
    content = (
        {"columns": list(made.columns), "rows": made.to_dict("records")}
        if hasattr(made, "to_dict")
        else made
    )
    return json.dumps(content, ensure_ascii=False, default=_plain)


# A store of at least this many triples makes its kept tables in parallel processes, each
# opening the finished database read-only; below it, starting them costs more than it saves.
PARALLEL_TABLES_FROM = 500_000


def _maker_name(make: TableMaker) -> str | None:
    """``module:name`` of a maker a new interpreter can import, else ``None``."""
    module, name = getattr(make, "__module__", None), getattr(make, "__qualname__", "")
    if not module or module == "__main__" or not name.isidentifier():
        return None  # a lambda, a nested function or one of the running script's own
    return f"{module}:{name}"


def kept_table_worker(argv: Sequence[str]) -> None:
    """Make one kept table in a new interpreter (see :func:`_kept_tables_in_processes`):
    ``argv`` is the ``sys.path`` to use (JSON), the database, the maker's ``module:name`` and
    the file to write the table to (a ``b`` or ``s`` byte for bytes or text, then the
    content)."""
    import importlib
    import sys

    path, database, maker, out = argv
    sys.path[:] = json.loads(path)
    module, name = maker.split(":")
    made = _kept_content(
        getattr(importlib.import_module(module), name)(ox.Store.read_only(database))
    )
    tagged = b"b" + made if isinstance(made, bytes) else b"s" + made.encode("utf-8")
    Path(out).write_bytes(tagged)


def _kept_tables_in_processes(
    database: Path, makers: Mapping[str, TableMaker]
) -> dict[str, str | bytes]:
    """:func:`_kept_tables` of the closed ``database``, each table made in a process of its own
    (the makers are independent and mostly Python: one process each uses every core).

    Each process is a new interpreter started with ``python -c``, so it runs nothing of the
    program that builds (multiprocessing's "spawn" would run an unguarded script's top level
    again in each of them, which opens this same store and waits for this build forever).
    Makers a new interpreter cannot import by name are made here, one after the other.
    """
    import subprocess
    import sys
    import tempfile

    names = {name: _maker_name(make) for name, make in makers.items()}
    made: dict[str, str | bytes] = {}
    code = "import sys; from graphkit.graph.store import kept_table_worker as w; w(sys.argv[1:])"
    with tempfile.TemporaryDirectory(prefix="graphkit-tables-") as scratch:
        running: dict[str, tuple[subprocess.Popen[bytes], Path]] = {}
        try:
            for i, (name, maker) in enumerate(names.items()):
                if maker is None:
                    continue
                out = Path(scratch) / f"table-{i}"
                argv = [json.dumps(sys.path), str(database), maker, str(out)]
                command = [sys.executable, "-c", code, *argv]
                with out.with_suffix(".err").open("wb") as errors:  # no pipe to fill up
                    running[name] = (subprocess.Popen(command, stderr=errors), out)
            here = [name for name, maker in names.items() if maker is None]
            if here:  # made in this process while the others run
                store = ox.Store.read_only(str(database))
                made.update(_kept_tables(store, {name: makers[name] for name in here}))
                del store
            for name, (process, out) in running.items():
                if process.wait() != 0:
                    error = out.with_suffix(".err").read_text("utf-8", "replace")
                    last = error.strip().splitlines()[-1:] or ["-"]
                    raise StoreError(
                        f"Making the kept table {name!r} of the store failed in its process "
                        f"(exit status {process.returncode}): {last[0]}"
                    )
                tagged = out.read_bytes()
                made[name] = tagged[1:] if tagged[:1] == b"b" else tagged[1:].decode("utf-8")
        finally:
            for process, _ in running.values():
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return {name: made[name] for name in makers}


def _plain(value: Any) -> Any:
    """NumPy scalars and missing values as JSON values."""
    import pandas as pd

    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else str(value)


class _ChunkReader(io.RawIOBase):
    """A binary stream over text chunks, so Oxigraph can parse N-Triples while they are made
    (each chunk is also written to ``copy``, if given, as it is read)."""

    def __init__(self, chunks: Iterable[str], copy: BinaryIO | None = None):
        self._chunks = iter(chunks)
        self._buffer = memoryview(b"")
        self._copy = copy

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            data = chunk.encode("utf-8")
            if self._copy is not None:
                self._copy.write(data)
            self._buffer = memoryview(data)
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]  # a view: no copy of the rest of the chunk
        return size


# Bytes handed to the parser at a time.
_READ_SIZE = 1 << 20


def _write_database(
    database: Path,
    folders: tuple[Path, ...],
    dataset: Any,
    makers: Mapping[str, TableMaker],
    copy: BinaryIO | None = None,
    parallel_from: int = PARALLEL_TABLES_FROM,
) -> tuple[int, dict[str, str | bytes]]:
    """Bulk-load the graph of ``dataset`` (plus ontology and vocabulary) into a new database;
    return its triple count and the tables ``makers`` make from it (in parallel processes from
    ``parallel_from`` triples). ``copy``: a binary stream that also gets the graph as
    N-Triples, the text the store is loaded from (:func:`graphkit.graph.build.graph_ntriples`),
    written as it is read."""
    from graphkit.data.load import load_datasets
    from graphkit.graph.build import dataset_ntriples, ontology_ntriples, ontology_triples

    dataset = dataset if dataset is not None else load_datasets(folders)
    store = ox.Store(str(database))
    # Added as terms, not parsed from text, to keep the stable labels of the ontology's blank
    # nodes (a parser would give them new random ones).
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in ontology_triples())
    if copy is not None:
        copy.write(ontology_ntriples().encode("utf-8"))
    stream = io.BufferedReader(_ChunkReader(dataset_ntriples(dataset), copy), _READ_SIZE)
    store.bulk_load(input=stream, format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    # A bulk load leaves many overlapping files; compacted once, every later join over the
    # store seeks in far fewer of them (at 1M rows the kept tables' queries run 4-6x faster,
    # and so does every command, which opens the store read-only and never compacts it).
    store.optimize()
    count = len(store)
    if count < parallel_from or len(makers) < 2 or (os.cpu_count() or 1) < 2:
        tables = _kept_tables(store, makers)
        del store  # closes the database before it is renamed
        return count, tables
    del store  # closed, so that each process can open it read-only
    return count, _kept_tables_in_processes(database, makers)


class BuildOptions(TypedDict, total=False):
    """How :func:`open_store` builds a store that is missing or out of date."""

    dataset: Any
    on_build: Callable[[str], None] | None
    tables: Mapping[str, TableMaker] | None


def open_store(
    folders: Sequence[Path | str] | None = None,
    store_dir: Path | str | None = None,
    **options: Unpack[BuildOptions],
) -> ox.Store:
    """The persistent store of the graph of ``folders``, built first if needed.

    Args:
        folders: the data folders (default: the bundled datasets).
        store_dir: the store folder (default: :func:`default_store_dir` of ``folders``).
        options: how to build it if needed (:class:`BuildOptions`):
        dataset: the already loaded :class:`graphkit.data.load.Dataset` of ``folders``, to save
            loading it again when the store has to be built.
        on_build: called with a message when the store is (re)built, e.g. to show progress.
        tables: tables to keep beside a newly built store, by name (read back with
            :func:`kept_table`): each function gets the new store and returns a DataFrame (or
            any JSON-ready value, read back with :func:`kept_content`). The
            code of the modules that make them must be in :data:`BUILDER_MODULES`.

    Returns:
        A read-only :class:`pyoxigraph.Store` holding the data, ontology and vocabulary.

    Raises:
        graphkit.errors.DatasetError: the data has problems (the store is left as it was).
        StoreError: the store folder cannot be written.
    """
    return open_store_database(folders, store_dir, **options)[0]


def open_store_database(
    folders: Sequence[Path | str] | None = None,
    store_dir: Path | str | None = None,
    *,
    dataset: Any = None,
    on_build: Callable[[str], None] | None = None,
    tables: Mapping[str, TableMaker] | None = None,
    ntriples_copy: BinaryIO | None = None,
) -> tuple[ox.Store, Path]:
    """:func:`open_store`, also returning the database folder (for :func:`kept_table`).

    ``ntriples_copy``: if the store has to be built, the N-Triples it is loaded from are also
    written to this binary stream (nothing is written to it when the store is up to date)."""
    paths = _folders(folders)
    store_dir = Path(store_dir) if store_dir is not None else default_store_dir(paths)
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the store folder {store_dir}: {exc}") from exc
    key = _input_key_recorded(paths, store_dir)
    opened = _open_verified(store_dir, key)
    _drop_prefetched()  # one that was not the store to open (a rebuild or another folder)
    if opened is not None:
        return opened
    try:
        return _build(store_dir, key, paths, dataset, on_build, tables or {}, ntriples_copy)
    except OSError as exc:
        raise StoreError(f"cannot write the graph store in {store_dir}: {exc}") from exc


def _input_key_recorded(paths: tuple[Path, ...], store_dir: Path) -> str:
    """:func:`input_key`, with the digests of unchanged files taken from the record kept in
    ``store_dir`` (brought up to date there when a file was read again)."""
    record = store_dir / DIGESTS
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    if not isinstance(known, dict):
        known = {}
    before = dict(known)
    key = input_key(paths, known)
    if known != before:  # only a record: a read-only folder goes without
        _write_json(record, known, quiet=True)
    return key


def _build(
    store_dir: Path,
    key: str,
    paths: tuple[Path, ...],
    dataset: Any,
    on_build: Callable[[str], None] | None,
    makers: Mapping[str, TableMaker],
    copy: BinaryIO | None = None,
) -> tuple[ox.Store, Path]:
    with _exclusive(store_dir / LOCK):
        # Another process may have built it while this one waited for the lock.
        opened = _open_verified(store_dir, key)
        if opened is not None:
            return opened
        if on_build:
            on_build(f"Building the graph store in {store_dir} (first use or inputs changed)…")
        building = store_dir / f"building-{uuid.uuid4().hex}"
        try:
            count, tables = _write_database(building, paths, dataset, makers, copy)
            database = store_dir / f"data-{key[:16]}-{uuid.uuid4().hex[:8]}"
            for name, content in tables.items():
                if isinstance(content, bytes):  # a file of its own, kept as it is
                    written = _file_path(building, name)
                    written.write_bytes(content)
                    written.replace(_file_path(database, name))
                    continue
                written = _table_path(building, name)
                written.write_text(content, encoding="utf-8")
                written.replace(_table_path(database, name))
            building.rename(database)
            marker = {
                "key": key,
                "triples": count,
                "data": database.name,
                "graphkit": __version__,
                "files": database_fingerprint(database),
            }
            _write_marker(store_dir, marker)
        finally:
            shutil.rmtree(building, ignore_errors=True)
        opened = _open_verified(store_dir, key)
        if opened is None:
            raise StoreError(f"the store in {store_dir} could not be read back after building it")
        _remove_unused(store_dir, keep=database)
        return opened


def graph_from_store(
    folders: Sequence[Path | str] | None = None,
    store_dir: Path | str | None = None,
    *,
    construct: str | None = None,
    on_build: Callable[[str], None] | None = None,
) -> Graph:
    """The graph of ``folders`` as an rdflib graph, read from the persistent store.

    Args:
        folders: the data folders (default: the bundled datasets).
        store_dir: the store folder (default: :func:`default_store_dir` of ``folders``).
        construct: a SPARQL CONSTRUCT query: fetch only the subgraph it builds (default: all of
            the graph, the same triples as :func:`graphkit.graph.build.build_graph`).
        on_build: called with a message when the store has to be built first.

    Returns:
        The graph (or subgraph), with graphkit's prefixes bound.
    """
    store = open_store(folders, store_dir, on_build=on_build)
    if construct is None:
        return store_to_rdflib(store)
    return to_rdflib(store.query(construct))


# The RDF formats a store is written in by Oxigraph itself (JSON-LD goes through rdflib).
_DUMP_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}


def write_graph(store: ox.Store, path: Path | str, fmt: str = "ttl") -> Path:
    """Write the default graph of ``store`` to ``path`` in ``fmt`` (ttl, nt or jsonld), whole or
    not at all (:func:`graphkit.files.write_atomic_with`).

    Turtle and N-Triples are serialised by Oxigraph straight from the store, in the store's own
    order (by term, so each subject's triples stay together and Turtle groups them), with
    graphkit's prefixes in Turtle: the same graph gives the same bytes, at any size. JSON-LD goes
    through rdflib (:func:`graphkit.graph.build.serialise`).

    Returns:
        The path written.
    """
    from graphkit.files import write_atomic, write_atomic_with
    from graphkit.graph.build import serialise
    from graphkit.graph.namespaces import PREFIXES

    if fmt not in (*_DUMP_FORMATS, "jsonld"):
        raise ValueError(f"unknown format {fmt!r}; expected ttl, nt or jsonld")
    if fmt == "jsonld":
        return write_atomic(path, serialise(store_to_rdflib(store), fmt))
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}

    def dump(output: IO[bytes]) -> None:
        store.dump(
            output,
            format=_DUMP_FORMATS[fmt],
            from_graph=ox.DefaultGraph(),
            prefixes=prefixes if fmt == "ttl" else None,
        )

    return write_atomic_with(path, dump)
