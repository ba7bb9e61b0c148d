"""Regenerate graphkit/static/map/europe-outlines.json from the npm package ``world-atlas``.

The package holds Natural Earth's country borders (public domain) as TopoJSON. This script
decodes its 50m countries, keeps the parts within a box around Europe (clipping rings at the
box), simplifies them (Douglas-Peucker) and writes longitude/latitude rings with two decimals,
so graphkit ships a small file and draws maps offline, with no GIS library::

    npm install --no-save world-atlas@2.0.2
    python scripts/europe_outlines.py node_modules/world-atlas/countries-50m.json

The map's projection (graphkit.views.maps.project) is applied when a map is drawn.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "graphkit" / "static" / "map" / "europe-outlines.json"
VERSION = "2.0.2"
# Longitude and latitude bounds of what is kept: wider than any map graphkit draws, so the cut
# edges stay outside the picture (the Canary Islands to the Urals, Crete to the North Cape).
WEST, EAST, SOUTH, NORTH = -32.0, 60.0, 26.0, 72.0
TOLERANCE = 0.04  # degrees: the largest shift simplification may make to a border
DECIMALS = 2


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The arcs of a quantized TopoJSON topology as longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """A ring joined from arcs (a negative index ~i is arc i reversed)."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def clip(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the ring cut to the box (WEST, EAST, SOUTH, NORTH)."""

    def cut(pts, inside, cross):
        out = []
        for i, current in enumerate(pts):
            previous = pts[i - 1]
            if inside(current):
                if not inside(previous):
                    out.append(cross(previous, current))
                out.append(current)
            elif inside(previous):
                out.append(cross(previous, current))
        return out

    def at_x(x):
        return lambda p, q: (x, p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0]))

    def at_y(y):
        return lambda p, q: (p[0] + (q[0] - p[0]) * (y - p[1]) / (q[1] - p[1]), y)

    for inside, cross in (
        (lambda p: p[0] >= WEST, at_x(WEST)),
        (lambda p: p[0] <= EAST, at_x(EAST)),
        (lambda p: p[1] >= SOUTH, at_y(SOUTH)),
        (lambda p: p[1] <= NORTH, at_y(NORTH)),
    ):
        if not points:
            break
        points = cut(points, inside, cross)
    return points


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification of a polyline."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    length = math.hypot(x2 - x1, y2 - y1)
    far, index = 0.0, 0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        if length:
            distance = abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length
        else:
            distance = math.hypot(x - x1, y - y1)
        if distance > far:
            far, index = distance, i
    if far <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: index + 1], tolerance)[:-1] + simplify(points[index:], tolerance)


def outlines(topology: dict) -> list[dict]:
    """Each country with land in the box: its name, ISO 3166-1 numeric code and rings."""
    arcs = decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}
        rings = []
        for polygon in polygons.get(geometry.get("type"), []):
            for indexes in polygon:
                kept = clip(ring(arcs, indexes))
                if len(kept) < 4:
                    continue
                # Simplify the two halves apart, so a ring's start and end stay put.
                half = len(kept) // 2
                points = simplify(kept[: half + 1], TOLERANCE)[:-1] + simplify(
                    kept[half:], TOLERANCE
                )
                rounded = [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in points]
                deduplicated = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
                if len(deduplicated) >= 4:
                    rings.append(deduplicated)
        if rings:
            countries.append(
                {
                    "name": geometry.get("properties", {}).get("name", ""),
                    "iso_n3": str(geometry.get("id", "")),
                    "rings": rings,
                }
            )
    return sorted(countries, key=lambda country: country["name"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas's countries-50m.json")
    parser.add_argument("--out", type=Path, default=OUT)
    arguments = parser.parse_args()
    topology = json.loads(arguments.topojson.read_text(encoding="utf-8"))
    document = {
        "source": f"Natural Earth 1:50m countries via the npm package world-atlas {VERSION} "
        "(countries-50m.json), clipped and simplified by scripts/europe_outlines.py",
        "licence": "Natural Earth: public domain; world-atlas: ISC",
        "bounds": [WEST, SOUTH, EAST, NORTH],
        "countries": outlines(topology),
    }
    arguments.out.write_text(
        json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    print(f"Wrote {arguments.out}: {len(document['countries'])} countries")


if __name__ == "__main__":
    main()
