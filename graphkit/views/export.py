"""Export the knowledge graph for other tools: RDF, Gephi and Cytoscape, R, spreadsheets.

:func:`export_files` returns the files to write (path -> bytes); only the caller writes them, or
:func:`write_export` writes them, streaming the knowledge network's GraphML into its file
(:func:`write_knowledge_graphml`) so that a large graph is never held whole in memory.

- ``ttl``, ``nt``, ``jsonld``: the RDF graph (:func:`graphkit.graph.build.serialise`).
- ``graphml``, ``gexf``: a networkx projection (:data:`graphkit.analysis.network.PROJECTIONS`) with
  scalar attributes, so Gephi and Cytoscape open it: lists are joined with "; ", a missing text
  becomes "", and a missing number is left out so the attribute stays numeric. Edge ids are
  unique. GEXF reserves an edge's ``type`` for its direction, so there the edge attribute
  ``type`` is written as ``relation``.
- ``json``: node-link JSON (``nodes``, ``links``: the key D3, vis-network and
  ``networkx.node_link_graph(data, edges="links")`` read), lists kept as lists, missing values
  null; an edge's ``source`` attribute (its source document) is written as ``source_document``
  because ``source`` and ``target`` name the edge's ends.
- ``csv``: two tables for spreadsheets and Gephi's spreadsheet import: nodes (``id`` first)
  and edges (``source``, ``target`` first; the edge attributes ``type`` and ``source`` become
  ``relation`` and ``source_document``). ``--out results/cities.csv`` writes
  ``results/cities-nodes.csv`` and ``results/cities-edges.csv``; an ``--out`` without the
  ``.csv`` suffix is a folder that gets ``nodes.csv`` and ``edges.csv``. Files are UTF-8 with a
  BOM (so spreadsheets show "Košice"), text cells that a spreadsheet would run as a formula
  start with ``'``, and numeric columns stay numeric.
"""

from __future__ import annotations

import io
import json
import numbers
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import networkx as nx
import pandas as pd
from rdflib import Graph

from graphkit.analysis.network import (
    KNOWLEDGE_EDGE_ATTRIBUTES,
    KNOWLEDGE_NODE_ATTRIBUTES,
    KnowledgeRows,
    knowledge_rows,
    projection,
)
from graphkit.files import write_atomic, write_atomic_with
from graphkit.graph.build import serialise
from graphkit.sparql.backends import Backend
from graphkit.views.output import frame_to_csv

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

RDF_FORMATS = ("ttl", "nt", "jsonld")
NETWORK_FORMATS = ("graphml", "gexf", "json", "csv")
EXPORT_FORMATS = RDF_FORMATS + NETWORK_FORMATS
LIST_JOINER = "; "
# Column names Gephi's spreadsheet import and GEXF reserve for edges.
CSV_EDGE_RENAMES = {"type": "relation", "source": "source_document"}
GEXF_EDGE_RENAMES = {"type": "relation"}
# Node-link JSON names an edge's ends "source" and "target".
JSON_EDGE_RENAMES = {"source": "source_document"}


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _numeric_names(records: list[dict]) -> set[str]:
    """Attributes whose values, where present, are all numbers."""
    names: dict[str, bool] = {}
    for record in records:
        for name, value in record.items():
            if value is not None:
                names[name] = names.get(name, True) and _is_number(value)
    return {name for name, numeric in names.items() if numeric}


def _scalar(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_JOINER.join(str(v) for v in value)
    if isinstance(value, str | bool) or _is_number(value):
        return value
    return str(value)


def _scalar_record(record: dict, numeric: set[str], renames: dict[str, str]) -> dict:
    return {
        renames.get(name, name): _scalar(value)
        for name, value in record.items()
        if not (value is None and name in numeric)
    }


def _rebuild(
    g: nx.Graph,
    node_data: Callable[[dict], dict],
    edge_data: Callable[[dict], dict],
    unique_keys: bool,
) -> nx.Graph:
    """A copy of ``g`` with node and edge attributes mapped; in a multigraph whose edge keys
    repeat and ``unique_keys``, every key becomes ``<source>:<key>:<target>``."""
    out = g.__class__()
    for node, data in g.nodes(data=True):
        out.add_node(node, **node_data(data))
    if not g.is_multigraph():
        for u, v, data in g.edges(data=True):
            out.add_edge(u, v, **edge_data(data))
        return out
    keys = [k for *_, k in g.edges(keys=True)]
    composite = unique_keys and len(set(keys)) < len(keys)
    for u, v, key, data in g.edges(keys=True, data=True):
        out.add_edge(u, v, key=f"{u}:{key}:{v}" if composite else key, **edge_data(data))
    return out


def scalar_graph(g: nx.Graph, edge_renames: dict[str, str] | None = None) -> nx.Graph:
    """A copy of ``g`` whose attributes are all scalars (see the module docstring), with
    edge attributes renamed by ``edge_renames`` and unique edge keys in a multigraph."""
    renames = edge_renames or {}
    node_numeric = _numeric_names([d for _, d in g.nodes(data=True)])
    edge_numeric = _numeric_names([d for *_, d in g.edges(data=True)])
    return _rebuild(
        g,
        lambda data: _scalar_record(data, node_numeric, {}),
        lambda data: _scalar_record(data, edge_numeric, renames),
        unique_keys=True,
    )


GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#09;",
    }
)


def _element(tag: str, attributes: dict[str, str], data: list[str], indent: str) -> str:
    """One GraphML element with its ``<data>`` lines, indented as networkx indents it."""
    head = " ".join(
        f'{name}="{value.translate(_ATTRIBUTE_ESCAPES)}"' for name, value in attributes.items()
    )
    if not data:
        return f"{indent}<{tag} {head} />\n"
    return f"{indent}<{tag} {head}>\n{''.join(data)}{indent}</{tag}>\n"


def to_graphml(g: nx.Graph) -> bytes:
    """``g`` as GraphML (UTF-8) for Gephi, Cytoscape and yEd.

    The same bytes as :func:`networkx.write_graphml` writes (without lxml) for the scalar copy
    of ``g`` (:func:`scalar_graph`), written in one pass over the nodes and edges instead of an
    element tree: a tenth of the time on a knowledge network of a million triples.
    """
    scalar = scalar_graph(g)
    xml_type = nx.readwrite.graphml.GraphMLWriter().get_xml_type  # networkx's type names
    keys: dict[tuple[str, str, str], str] = {}

    def data(scope: str, record: dict) -> list[str]:
        lines = []
        for name, value in record.items():
            key = keys.setdefault((str(name), xml_type(type(value)), scope), f"d{len(keys)}")
            text = str(value).translate(_TEXT_ESCAPES)
            lines.append(
                f'      <data key="{key}">{text}</data>\n'
                if text
                else f'      <data key="{key}" />\n'
            )
        return lines

    body = [
        _element("node", {"id": str(node)}, data("node", record), "    ")
        for node, record in scalar.nodes(data=True)
    ]
    if scalar.is_multigraph():
        edges = (
            ({"source": str(u), "target": str(v), "id": str(key)}, record)
            for u, v, key, record in scalar.edges(keys=True, data=True)
        )
    else:
        edges = (
            ({"source": str(u), "target": str(v)}, record)
            for u, v, record in scalar.edges(data=True)
        )
    body.extend(_element("edge", ends, data("edge", record), "    ") for ends, record in edges)
    declared = [
        f'  <key id="{key}" for="{scope}" attr.name="{name.translate(_ATTRIBUTE_ESCAPES)}" '
        f'attr.type="{kind}" />\n'
        for (name, kind, scope), key in reversed(keys.items())
    ]
    direction = "directed" if scalar.is_directed() else "undirected"
    graph = (
        f'  <graph edgedefault="{direction}">\n{"".join(body)}  </graph>\n'
        if body
        else f'  <graph edgedefault="{direction}" />\n'
    )
    text = GRAPHML_HEAD + "".join(declared) + graph + "</graphml>\n"
    return text.encode("utf-8", "xmlcharrefreplace")


def to_gexf(g: nx.Graph) -> bytes:
    """``g`` as GEXF 1.2 (UTF-8) for Gephi; the edge attribute ``type`` becomes ``relation``.
    The same graph gives the same bytes on any day (no modification date)."""
    buffer = io.BytesIO()
    nx.write_gexf(scalar_graph(g, GEXF_EDGE_RENAMES), buffer, encoding="utf-8")
    return _GEXF_DATE.sub(b"<meta>", buffer.getvalue(), count=1)


# The date of the day networkx stamps on <meta>.
_GEXF_DATE = re.compile(rb'<meta lastmodifieddate="[^"]*">')


def to_node_link_json(g: nx.Graph) -> str:
    """``g`` as node-link JSON: ``{"directed", "multigraph", "graph", "nodes", "links"}``
    (``links`` is what D3 and most JavaScript graph libraries read); an edge's ``source``
    attribute (its source document) is written as ``source_document``."""
    renamed = _rebuild(
        g,
        dict,
        lambda data: {JSON_EDGE_RENAMES.get(k, k): v for k, v in data.items()},
        unique_keys=False,
    )
    data = nx.node_link_data(renamed, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _table(records: list[dict], first: list[str]) -> pd.DataFrame:
    numeric = _numeric_names(records)
    frame = pd.DataFrame([{k: _scalar(v) for k, v in r.items()} for r in records])
    if frame.empty:
        return pd.DataFrame(columns=first)
    for name in frame.columns:
        if name in numeric:
            values = frame[name].replace("", None)
            whole = all(float(v).is_integer() for v in values.dropna())
            frame[name] = values.astype("Int64" if whole else "Float64")
        else:
            frame[name] = frame[name].fillna("")
    return frame[first + [c for c in frame.columns if c not in first]]


def to_csv_tables(g: nx.Graph) -> tuple[str, str]:
    """``g`` as a nodes table and an edges table, CSV text with a BOM and safe cells."""
    nodes = _table([{"id": n, **d} for n, d in g.nodes(data=True)], ["id"])
    edge_records = []
    for u, v, *rest in g.edges(keys=True, data=True) if g.is_multigraph() else g.edges(data=True):
        data = rest[-1]
        record = {"source": u, "target": v}
        if g.is_multigraph():
            record["key"] = rest[0]
        record.update({CSV_EDGE_RENAMES.get(k, k): value for k, value in data.items()})
        edge_records.append(record)
    edges = _table(edge_records, ["source", "target"])
    return frame_to_csv(nodes, bom=True), frame_to_csv(edges, bom=True)


def csv_paths(out: Path) -> tuple[Path, Path]:
    """Where the nodes and edges tables go: ``x.csv`` -> ``x-nodes.csv`` and ``x-edges.csv``
    beside it; a path without ``.csv`` is a folder holding ``nodes.csv`` and ``edges.csv``."""
    if out.suffix.lower() == ".csv":
        return out.with_name(f"{out.stem}-nodes.csv"), out.with_name(f"{out.stem}-edges.csv")
    return out / "nodes.csv", out / "edges.csv"


def default_output(fmt: str, kind: str) -> Path:
    """Where ``graphkit export`` writes without ``--out``: ``graphkit-<graph>.<format>``
    (``graphkit.<format>`` for RDF)."""
    if fmt in RDF_FORMATS:
        return Path(f"graphkit.{fmt}")
    return Path(f"graphkit-{kind}.{fmt}")


def export_files(
    graph: Graph | Backend, fmt: str, kind: str = "knowledge", out: Path | None = None
) -> dict[Path, bytes]:
    """The files that export ``graph`` in ``fmt``, as ``{path: content}``.

    Args:
        graph: a graph built by :func:`graphkit.graph.build.build_graph` (or, for the networks
            read with SELECT queries, the backend of a store or endpoint).
        fmt: one of :data:`EXPORT_FORMATS`.
        kind: the projection for graphml, gexf, json and csv (a key of
            :data:`graphkit.analysis.network.PROJECTIONS`); RDF formats always export the whole graph.
        out: the output path (default: :func:`default_output`); for csv see :func:`csv_paths`.

    Returns:
        One entry, or two for csv (nodes, edges).
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    target = out if out is not None else default_output(fmt, kind)
    if fmt in RDF_FORMATS:
        return {target: serialise(graph, fmt)}
    if fmt == "graphml" and kind == "knowledge":
        buffer = io.BytesIO()
        write_knowledge_graphml(knowledge_rows(graph), buffer)
        return {target: buffer.getvalue()}
    g = projection(graph, kind)
    if fmt == "graphml":
        return {target: to_graphml(g)}
    if fmt == "gexf":
        return {target: to_gexf(g)}
    if fmt == "json":
        return {target: to_node_link_json(g).encode("utf-8")}
    nodes_path, edges_path = csv_paths(target)
    nodes, edges = to_csv_tables(g)
    return {nodes_path: nodes.encode("utf-8"), edges_path: edges.encode("utf-8")}


def write_export(
    graph: Graph | Backend, fmt: str, kind: str = "knowledge", out: Path | None = None
) -> list[Path]:
    """Write the files of :func:`export_files` (each through a temporary file, renamed once
    complete: :func:`graphkit.files.write_atomic`) and return their paths.

    The knowledge network as GraphML is streamed into its file as it is written
    (:func:`write_knowledge_graphml`), so a large graph is never held as text in memory.
    """
    if fmt == "graphml" and kind == "knowledge":
        network = knowledge_rows(graph)
        target = out if out is not None else default_output(fmt, kind)
        return [write_atomic_with(target, lambda temp: write_knowledge_graphml(network, temp))]
    return [
        write_atomic(path, content) for path, content in export_files(graph, fmt, kind, out).items()
    ]


def _declared_keys(names: list[tuple[str, str]]) -> tuple[str, dict[tuple[str, str], str]]:
    """The ``<key>`` lines for text attributes ``(name, scope)`` numbered in this order, and
    their ids; declared last first, as :func:`to_graphml` declares them."""
    keys = {name: f"d{i}" for i, name in enumerate(names)}
    lines = [
        f'  <key id="{key}" for="{scope}" attr.name="{name.translate(_ATTRIBUTE_ESCAPES)}" '
        f'attr.type="string" />\n'
        for (name, scope), key in reversed(keys.items())
    ]
    return "".join(lines), keys


def _text_data(keys: list[str], values: tuple[object, ...]) -> list[str]:
    lines = []
    for key, value in zip(keys, values, strict=True):
        text = (value if type(value) is str else str(_scalar(value))).translate(_TEXT_ESCAPES)
        lines.append(
            f'      <data key="{key}">{text}</data>\n' if text else f'      <data key="{key}" />\n'
        )
    return lines


def _batches(elements: Iterable[str], size: int = 4096) -> Iterator[bytes]:
    batch: list[str] = []
    for element in elements:
        batch.append(element)
        if len(batch) == size:
            yield "".join(batch).encode("utf-8", "xmlcharrefreplace")
            batch = []
    yield "".join(batch).encode("utf-8", "xmlcharrefreplace")


def write_knowledge_graphml(network: KnowledgeRows, out: BinaryIO) -> None:
    """Write the knowledge network ``network`` (:func:`graphkit.analysis.network.knowledge_rows`)
    to ``out`` as GraphML, element by element.

    The same bytes as :func:`to_graphml` of :func:`graphkit.analysis.network.knowledge_graph`
    (so as networkx writes), without building either graph: the nodes come from the rows and
    the edges stream from the sorted link table, so memory holds the node attributes and a few
    integers per link, and never the whole text.
    """
    names = [(name, "node") for name in KNOWLEDGE_NODE_ATTRIBUTES] if network.nodes else []
    if network.edge_count:
        names += [(name, "edge") for name in KNOWLEDGE_EDGE_ATTRIBUTES]
    declared, keys = _declared_keys(names)
    node_keys = [keys[name, "node"] for name in KNOWLEDGE_NODE_ATTRIBUTES] if network.nodes else []
    edge_keys = (
        [keys[name, "edge"] for name in KNOWLEDGE_EDGE_ATTRIBUTES] if network.edge_count else []
    )
    out.write((GRAPHML_HEAD + declared).encode("utf-8", "xmlcharrefreplace"))
    if not network.nodes:
        out.write(b'  <graph edgedefault="directed" />\n</graphml>\n')
        return
    out.write(b'  <graph edgedefault="directed">\n')
    for chunk in _batches(_node_elements(network, node_keys)):
        out.write(chunk)

    for chunk in _batches(_edge_elements(network, edge_keys)):
        out.write(chunk)
    out.write(b"  </graph>\n</graphml>\n")


def _node_elements(network: KnowledgeRows, node_keys: list[str]) -> Iterator[str]:
    """The ``<node>`` elements of :func:`write_knowledge_graphml`, as :func:`_element` writes
    them (every node has data)."""
    for row in network.nodes:
        head = f'    <node id="{str(row[0]).translate(_ATTRIBUTE_ESCAPES)}">\n'
        yield head + "".join(_text_data(node_keys, row[1:])) + "    </node>\n"


def _edge_elements(network: KnowledgeRows, edge_keys: list[str]) -> Iterator[str]:
    """The ``<edge>`` elements of :func:`write_knowledge_graphml`, as :func:`_element` writes
    them, with each node's id escaped once and each property's data lines written once (links
    far outnumber nodes, and share a few dozen properties)."""
    escaped: dict[str, str] = {}
    data: dict[tuple[str, str], str] = {}

    def attribute(text: str) -> str:
        found = escaped.get(text)
        if found is None:
            found = escaped[text] = text.translate(_ATTRIBUTE_ESCAPES)
        return found

    for u, v, key, values in network.edges():
        lines = data.get(values)
        if lines is None:
            lines = data[values] = "".join(_text_data(edge_keys, values))
        source, target = attribute(u), attribute(v)
        edge = f"{source}:{attribute(key)}:{target}" if network.keys_repeat else attribute(key)
        head = f'    <edge source="{source}" target="{target}" id="{edge}"'
        yield f"{head}>\n{lines}    </edge>\n" if lines else f"{head} />\n"
