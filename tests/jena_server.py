"""A real Apache Jena SPARQL server on 127.0.0.1, the second engine of the endpoint tests (the
first is the Oxigraph server, ``tests/oxigraph_server.py``).

Two ways to run Jena, the first that is available:

- **Fuseki** (``org.apache.jena:jena-fuseki-main`` 5.6.0), when Maven has fetched it into
  ``~/.m2`` (``.ci/run`` tries: ``mvn -f tests/jena/pom.xml dependency:go-offline``); started as
  ``FusekiMainCmd --mem --update /ds`` on the class path Maven reports offline.
- **Jena ARQ** from Debian's ``libapache-jena-java`` (``apt-get install libapache-jena-java``;
  Debian packages Jena's libraries but not Fuseki) behind ``tests/jena/JenaServer.java``, a small
  server with Fuseki's URL layout whose query engine, SPARQL JSON writer and RDF parsers are Jena's.

Either way the dataset is in memory, queries run at ``/ds/query`` and the Graph Store Protocol at
``/ds/data``. :func:`running_jena` is the one entry point (the benchmarks may use it too).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.oxigraph_server import START_TIMEOUT, free_port, wait_until_answering

JENA_DIR = Path(__file__).resolve().parent / "jena"
FUSEKI_VERSION = "5.6.0"
FUSEKI_JAR = (
    Path.home()
    / ".m2/repository/org/apache/jena/jena-fuseki-main"
    / FUSEKI_VERSION
    / f"jena-fuseki-main-{FUSEKI_VERSION}.jar"
)
DEBIAN_JENA_PACKAGE = "libapache-jena-java"
DEBIAN_JAVA_DIR = Path("/usr/share/java")
# Logging bindings besides slf4j-nop: each would only add "multiple bindings" noise to the log.
_OTHER_LOGGERS = ("slf4j-jcl", "slf4j-jdk14", "slf4j-log4j12", "slf4j-simple", "slf4j-migrator")
# Seconds Jena lets a query run. More than the Oxigraph server's: ARQ takes seconds over some
# bundled queries on a busy machine (project-partners: 2-14 s on 2 shared cores).
SERVER_QUERY_TIMEOUT = 60
# Java compiles JenaServer.java at start: allow for that on a busy machine.
JENA_START_TIMEOUT = START_TIMEOUT + 40


@dataclass(frozen=True)
class JenaServer:
    """A running Jena server: its base URL, its process and which Jena it is."""

    base_url: str
    process: subprocess.Popen[bytes]
    engine: str

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 query endpoint of the dataset ``/ds``."""
        return f"{self.base_url}/ds/query"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store Protocol endpoint of the dataset ``/ds``."""
        return f"{self.base_url}/ds/data"


def java_binary() -> str | None:
    """The ``java`` launcher on the PATH."""
    return shutil.which("java")


def fuseki_fetched() -> bool:
    """Whether Maven has fetched Fuseki into ``~/.m2``."""
    return FUSEKI_JAR.is_file() and shutil.which("mvn") is not None


def debian_jena_installed() -> bool:
    """Whether Debian's Jena libraries are installed."""
    return (DEBIAN_JAVA_DIR / "jena-arq.jar").is_file()


def jena_available() -> bool:
    """Whether a Jena server can be started here (Java, and Fuseki or Debian's Jena)."""
    return java_binary() is not None and (fuseki_fetched() or debian_jena_installed())


JENA_MISSING = (
    "Java with Apache Jena is missing: apt-get install default-jre-headless libapache-jena-java, "
    "or fetch Fuseki with mvn -f tests/jena/pom.xml dependency:go-offline (.ci/run does both)"
)


def _fuseki_command(folder: Path, port: int, query_timeout: int) -> list[str] | None:
    """The command that starts Fuseki, or ``None`` where Maven cannot resolve it offline."""
    classpath = folder / "classpath.txt"
    resolved = subprocess.run(
        [
            *("mvn", "-o", "-q", "-B", "-f", str(JENA_DIR / "pom.xml")),
            *("dependency:build-classpath", f"-Dmdep.outputFile={classpath}"),
        ],
        capture_output=True,
        check=False,
    )
    if resolved.returncode != 0 or not classpath.is_file():
        return None
    return [
        *(java_binary() or "java", "-cp", classpath.read_text(encoding="utf-8").strip()),
        "org.apache.jena.fuseki.main.cmds.FusekiMainCmd",
        *("--localhost", f"--port={port}", f"--timeout={query_timeout * 1000}"),
        *("--mem", "--update", "/ds"),
    ]


def _installed_closure(package: str) -> list[str]:
    """``package`` and every installed package it depends on, directly or not (from dpkg's own
    records, so it works without apt's package lists)."""
    listed = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${Status}\t${Depends}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    depends = {}
    for line in listed.splitlines():
        name, status, needs = line.split("\t", 2)
        if status.endswith(" installed"):
            depends[name] = re.findall(r"(?:^|[,|])\s*([a-z0-9][a-z0-9+.-]+)", needs)
    found, waiting = set(), [package]
    while waiting:
        name = waiting.pop()
        if name in depends and name not in found:
            found.add(name)
            waiting.extend(depends[name])
    return sorted(found)


def _debian_jars() -> list[str]:
    """The jars of Debian's Jena and of the packages it depends on, by their unversioned names."""
    listed = subprocess.run(
        ["dpkg", "-L", *_installed_closure(DEBIAN_JENA_PACKAGE)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    jars = []
    for line in listed.splitlines():
        path = Path(line)
        if path.parent != DEBIAN_JAVA_DIR or path.suffix != ".jar":
            continue
        if re.search(r"-\d", path.stem):
            continue  # a versioned name: the unversioned link to the same jar is listed too
        if not path.stem.startswith(_OTHER_LOGGERS):
            jars.append(line)
    return sorted(set(jars))


def _xerces_messages(folder: Path) -> Path:
    """A folder with the message files of the XML Schema datatypes Jena bundles, where its
    classes look for them.

    Debian's ``jena-core.jar`` moves the bundled Xerces classes back to the package ``xerces``
    but leaves their message files under ``org/apache/jena/ext/xerces``; Jena then fails at
    start-up ("internal error" while defining the XSD datatypes).
    """
    target = folder / "xerces-messages"
    prefix = "org/apache/jena/ext/"
    with zipfile.ZipFile(DEBIAN_JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(prefix + "xerces/") and name.endswith(".properties"):
                copy = target / name.removeprefix(prefix)
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_bytes(jar.read(name))
    return target


def _debian_command(folder: Path, port: int, query_timeout: int) -> list[str]:
    classpath = ":".join([str(_xerces_messages(folder)), *_debian_jars()])
    return [
        *(java_binary() or "java", "-cp", classpath, str(JENA_DIR / "JenaServer.java")),
        *(str(port), str(query_timeout)),
    ]


@contextlib.contextmanager
def running_jena(folder: Path, query_timeout: int = SERVER_QUERY_TIMEOUT) -> Iterator[JenaServer]:
    """Start Fuseki (or, where it has not been fetched, Debian's Jena behind
    ``tests/jena/JenaServer.java``) with an empty in-memory dataset ``/ds``, wait until it
    answers, and kill it on exit. Its files and log go in ``folder``; a query runs at most
    ``query_timeout`` seconds.

    Raises:
        RuntimeError: Java or Jena is missing, or the server did not start.
    """
    if not jena_available():
        raise RuntimeError(JENA_MISSING)
    port = free_port()
    command = _fuseki_command(folder, port, query_timeout) if fuseki_fetched() else None
    engine = f"Apache Jena Fuseki {FUSEKI_VERSION}"
    if command is None:
        command = _debian_command(folder, port, query_timeout)
        engine = "Apache Jena ARQ (Debian's libapache-jena-java) behind tests/jena/JenaServer.java"
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    server = JenaServer(f"http://127.0.0.1:{port}", process, engine)
    try:
        wait_until_answering(server.query_url, process, log, engine, JENA_START_TIMEOUT)
        yield server
    finally:
        process.kill()
        process.wait()
