"""Synthetic graphkit datasets of any size, deterministic by seed, for benchmarks.

Writes every file of the data dictionary (:data:`graphkit.data.schema.TABLES`) plus a ``sources/``
folder whose two synthetic texts contain every quote the rows cite, so the folder passes all of
the loader's checks and builds a graph that conforms to the SHACL shapes::

    python benchmarks/synth.py --rows 100000 --seed 1 --out /tmp/synth-100k

The shape follows real programme databases (Interreg, URBACT): cities in countries, projects whose
partnership sizes follow a power law (a few large networks, many small projects), hub cities that
take part in many projects, practices that travel between cities over the years (some to cities
the source does not name), events, lessons, objectives, quantities, policies and policy links.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from graphkit.data.schema import TABLES

CORPUS = "synthetic-corpus.txt"
WEB_URL = "https://example.org/synthetic-programme-database"
WEB_RECORD = "synthetic-web.txt"
QUOTES_PER_SOURCE = 400
YEARS = (2000, 2025)
# The largest EU project partnerships (Interreg, URBACT, Horizon) have tens of partners.
MAX_PARTNERS = 80

# Share of the rows (after the small fixed tables) that each table gets. Memberships dominate, as
# partner lists do in real programme databases.
SHARES = {
    "memberships": 0.30,
    "cities": 0.05,
    "organisations": 0.07,
    "people": 0.02,
    "projects": 0.04,
    "events": 0.05,
    "practices": 0.07,
    "transfers": 0.07,
    "lessons": 0.07,
    "objectives": 0.05,
    "quantities": 0.07,
    "policies": 0.01,
    "policy_links": 0.05,
}

SYLLABLES = np.array(
    [
        "ko",
        "ši",
        "ce",
        "bra",
        "ti",
        "sla",
        "va",
        "ná",
        "gy",
        "kál",
        "ló",
        "al",
        "me",
        "ría",
        "tim",
        "ișo",
        "ara",
        "tur",
        "in",
        "vie",
        "nna",
        "ta",
        "ran",
        "to",
        "cluj",
        "na",
        "po",
        "ca",
        "ze",
        "ga",
        "bu",
        "da",
        "pest",
        "be",
        "ograd",
        "so",
        "fia",
        "lju",
        "bl",
        "ja",
        "ost",
        "ra",
        "va",
        "gra",
        "z",
        "lin",
        "ců",
        "ma",
        "lö",
        "dz",
    ]
)
WORDS = np.array(
    [
        "housing",
        "education",
        "employment",
        "health",
        "inclusion",
        "mediation",
        "outreach",
        "participation",
        "training",
        "community",
        "school",
        "youth",
        "women",
        "desegregation",
        "integration",
        "welcome",
        "network",
        "local",
        "regional",
        "strategy",
        "plan",
        "action",
        "support",
        "mentoring",
        "exchange",
        "transfer",
        "lab",
        "centre",
        "programme",
    ]
)


def _enum(table: str, column: str) -> np.ndarray:
    return np.array(TABLES[table].column(column).enum or ())


def _ids(prefix: str, count: int) -> np.ndarray:
    width = len(str(max(count - 1, 0)))
    return np.array([f"{prefix}-{i:0{width}d}" for i in range(count)], dtype=object)


class _Generator:
    """Draws every table from one seeded random generator, in a fixed order."""

    def __init__(self, rows: int, seed: int):
        self.rng = np.random.default_rng(seed)
        self.rows = rows
        self.quotes = {
            CORPUS: [
                f"Synthetic record {k}: partners from {self._word(k)} cities shared "
                f"their {self._word(k + 7)} practice."
                for k in range(QUOTES_PER_SOURCE)
            ],
            WEB_RECORD: [
                f"Programme database entry {k} lists a {self._word(k + 3)} project with "
                f"city partners in {self._word(k + 11)}."
                for k in range(QUOTES_PER_SOURCE)
            ],
        }

    @staticmethod
    def _word(k: int) -> str:
        return str(WORDS[(k * 7919) % len(WORDS)])

    # -- building blocks ---------------------------------------------------------------------

    def pick(self, values: np.ndarray, count: int, weights: np.ndarray | None = None) -> np.ndarray:
        """``count`` values drawn with replacement (by ``weights`` when given)."""
        if len(values) == 0:
            return np.full(count, "", dtype=object)
        if weights is None:
            return np.asarray(values, dtype=object)[self.rng.integers(0, len(values), count)]
        return np.asarray(values, dtype=object)[
            self.rng.choice(len(values), count, p=weights / weights.sum())
        ]

    def earlier(self, ids: np.ndarray, share: float) -> np.ndarray:
        """For each row, with probability ``share``, the id of a random earlier row (else empty):
        parents are always earlier, so hierarchies never loop."""
        n = len(ids)
        has = (np.arange(n) > 0) & (self.rng.random(n) < share)
        earlier = ids[(self.rng.random(n) * np.maximum(np.arange(n), 1)).astype(int)]
        return np.where(has, earlier, "").astype(object)

    def maybe(self, values: np.ndarray, share: float) -> np.ndarray:
        """``values`` with each cell kept with probability ``share`` and emptied otherwise."""
        keep = self.rng.random(len(values)) < share
        return np.where(keep, values, "").astype(object)

    def names(self, count: int, suffix: str = "") -> np.ndarray:
        """Distinct proper names: two or three syllables, capitalised, with a running number."""
        parts = self.pick(SYLLABLES, count * 3).reshape(count, 3)
        three = self.rng.random(count) < 0.4
        return np.array(
            [
                f"{(a + b + (c if t else '')).capitalize()}{suffix} {i}"
                for i, (a, b, c, t) in enumerate(zip(*parts.T, three, strict=True))
            ],
            dtype=object,
        )

    def phrases(self, count: int, words: int = 6) -> np.ndarray:
        """Short descriptions made of domain words."""
        drawn = self.pick(WORDS, count * words).reshape(count, words)
        return np.array([" ".join(row).capitalize() + "." for row in drawn], dtype=object)

    def years(self, count: int) -> np.ndarray:
        return self.rng.integers(YEARS[0], YEARS[1], count)

    def dates(self, years: np.ndarray) -> np.ndarray:
        """Dates at year, month or day precision in the given years."""
        count = len(years)
        precision = self.rng.integers(0, 3, count)
        months = self.rng.integers(1, 13, count)
        days = self.rng.integers(1, 29, count)
        return np.array(
            [
                str(y) if p == 0 else f"{y}-{m:02d}" if p == 1 else f"{y}-{m:02d}-{d:02d}"
                for y, p, m, d in zip(years, precision, months, days, strict=True)
            ],
            dtype=object,
        )

    def start_end(self, count: int, share: float = 0.8) -> tuple[np.ndarray, np.ndarray]:
        """Start and end dates; an end always falls in a later year than its start."""
        start_years = self.years(count)
        start = self.maybe(self.dates(start_years), share)
        end = self.dates(start_years + self.rng.integers(1, 5, count))
        end = np.where((start != "") & (self.rng.random(count) < 0.7), end, "").astype(object)
        return start, end

    def lists(self, values: np.ndarray, count: int, most: int, share: float) -> np.ndarray:
        """``;``-separated lists of up to ``most`` distinct values, filled with prob. ``share``."""
        sizes = np.where(self.rng.random(count) < share, self.rng.integers(1, most + 1, count), 0)
        drawn = self.pick(values, int(sizes.sum()))
        cells, position = [], 0
        for size in sizes:
            cells.append(";".join(dict.fromkeys(drawn[position : position + size])))
            position += size
        return np.array(cells, dtype=object)

    def cited(self, count: int) -> dict[str, np.ndarray]:
        """``source``, ``quote`` and ``note`` cells: quotes that occur in the cited text."""
        web = self.rng.random(count) < 0.3
        k = self.rng.integers(0, QUOTES_PER_SOURCE, count)
        corpus, record = self.quotes[CORPUS], self.quotes[WEB_RECORD]
        return {
            "source": np.where(web, WEB_URL, CORPUS).astype(object),
            "quote": np.array(
                [record[i] if w else corpus[i] for i, w in zip(k, web, strict=True)], dtype=object
            ),
            "note": self.maybe(np.full(count, "Synthetic row for benchmarks.", dtype=object), 0.05),
        }

    # -- tables ------------------------------------------------------------------------------

    def generate(self) -> dict[str, pd.DataFrame]:
        fixed = {
            "programmes": max(3, self.rows // 5000),
            "themes": min(200, max(5, self.rows // 1000)),
        }
        fixed["countries"] = min(676, max(3, self.rows // 1000))
        budget = max(self.rows - sum(fixed.values()) - 2, len(SHARES) * 2)
        total = sum(SHARES.values())
        size = {name: max(2, round(budget * share / total)) for name, share in SHARES.items()}
        size.update(fixed)
        t: dict[str, dict[str, np.ndarray]] = {}
        t["sources"] = {
            "id": np.array(["src-synthetic-corpus", "web-synthetic-database"], dtype=object),
            "locator": np.array([CORPUS, WEB_URL], dtype=object),
            "title": np.array(["Synthetic corpus", "Synthetic programme database"], dtype=object),
            "kind": np.array(["source_document", "web_page"], dtype=object),
            "publisher": np.array(["graphkit benchmarks"] * 2, dtype=object),
            "date": np.array(["2024", "2024-06"], dtype=object),
            "record": np.array(["", WEB_RECORD], dtype=object),
        }

        n = size["countries"]
        codes = np.array([chr(65 + i // 26) + chr(65 + i % 26) for i in range(n)], dtype=object)
        t["countries"] = {
            "id": _ids("country", n),
            "name": np.array([f"Synthland {c}" for c in codes], dtype=object),
            "iso_code": codes,
            "local_names": self.maybe(np.array([f"Synthország {c}" for c in codes]), 0.5),
            **self.cited(n),
        }

        n = size["cities"]
        city_ids = _ids("city", n)
        # Zipf-like popularity: a few hub cities take part in many projects.
        city_weight = 1.0 / np.arange(1, n + 1) ** 0.8
        self.rng.shuffle(city_weight)
        city_country = self.pick(t["countries"]["id"], n)
        names = self.names(n)
        t["cities"] = {
            "id": city_ids,
            "name": names,
            "local_names": self.maybe(np.array([f"{s} Varos" for s in names]), 0.3),
            "alt_names": self.maybe(np.array([f"{s} alt" for s in names]), 0.1),
            "country": city_country,
            **self.cited(n),
        }

        n = size["organisations"]
        org_ids = _ids("org", n)
        t["organisations"] = {
            "id": org_ids,
            "name": self.names(n, " Association"),
            "acronym": self.maybe(np.array([f"ORG{i}" for i in range(n)], dtype=object), 0.4),
            "kind": self.pick(_enum("organisations", "kind"), n),
            "part_of": self.earlier(org_ids, 0.1),
            "city": self.maybe(self.pick(city_ids, n, city_weight), 0.8),
            "country": self.maybe(self.pick(t["countries"]["id"], n), 0.6),
            **self.cited(n),
        }

        n = size["programmes"]
        prog_ids = _ids("prog", n)
        kinds = self.pick(np.array(["programme", "sub_programme", "fund"]), n)
        t["programmes"] = {
            "id": prog_ids,
            "name": self.names(n, " Programme"),
            "acronym": np.array([f"P{i}" for i in range(n)], dtype=object),
            "kind": kinds,
            "part_of": np.where(
                (kinds == "sub_programme") & (np.arange(n) > 0), prog_ids[0], ""
            ).astype(object),
            "managed_by": self.maybe(self.pick(org_ids, n), 0.7),
            **dict(zip(("start", "end"), self.start_end(n), strict=True)),
            **self.cited(n),
        }

        n = size["themes"]
        theme_ids = _ids("theme", n)
        t["themes"] = {
            "id": theme_ids,
            "label": np.array(
                [f"{WORDS[i % len(WORDS)]} theme {i}" for i in range(n)], dtype=object
            ),
            "broader": np.where(np.arange(n) >= 5, theme_ids[np.arange(n) % 5], "").astype(object),
            "definition": self.maybe(self.phrases(n), 0.7),
            **self.cited(n),
        }

        n = size["projects"]
        project_ids = _ids("project", n)
        start, end = self.start_end(n, 0.9)
        t["projects"] = {
            "id": project_ids,
            "name": self.names(n, " Network"),
            "acronym": self.maybe(np.array([f"PRJ{i}" for i in range(n)], dtype=object), 0.6),
            "kind": self.pick(_enum("projects", "kind"), n),
            "programme": self.lists(prog_ids, n, 2, 0.8),
            "part_of": np.where(
                (np.arange(n) > 0) & (self.rng.random(n) < 0.05), project_ids[0], ""
            ).astype(object),
            "follows": np.where(
                (np.arange(n) > 1) & (self.rng.random(n) < 0.1),
                project_ids[(self.rng.random(n) * np.maximum(np.arange(n), 1)).astype(int)],
                "",
            ).astype(object),
            "start": start,
            "end": end,
            "description": self.maybe(self.phrases(n, 10), 0.7),
            "themes": self.lists(theme_ids, n, 3, 0.7),
            **self.cited(n),
        }

        n = size["people"]
        t["people"] = {
            "id": _ids("person", n),
            "name": self.names(n, " Person"),
            "role_title": self.maybe(
                self.pick(np.array(["Mayor", "Project officer", "Director"]), n), 0.8
            ),
            "organisation": self.maybe(self.pick(org_ids, n), 0.9),
            **self.cited(n),
        }

        n = size["events"]
        event_ids = _ids("event", n)
        start, end = self.start_end(n, 0.9)
        t["events"] = {
            "id": event_ids,
            "name": self.names(n, " Meeting"),
            "kind": self.pick(_enum("events", "kind"), n),
            "city": self.maybe(self.pick(city_ids, n, city_weight), 0.9),
            "start": start,
            "end": end,
            "project": self.maybe(self.pick(project_ids, n), 0.8),
            "organiser": self.maybe(self.pick(np.concatenate([org_ids, project_ids]), n), 0.5),
            "status": self.maybe(self.pick(_enum("events", "status"), n), 0.5),
            "description": self.maybe(self.phrases(n), 0.6),
            "themes": self.lists(theme_ids, n, 2, 0.5),
            **self.cited(n),
        }

        t["memberships"] = self._memberships(
            size["memberships"],
            project_ids,
            city_ids,
            city_weight,
            org_ids,
            t["people"]["id"],
            event_ids,
        )

        n = size["practices"]
        practice_ids = _ids("practice", n)
        origin = self.pick(city_ids, n, city_weight)
        t["practices"] = {
            "id": practice_ids,
            "name": self.names(n, " Model"),
            "kind": self.pick(_enum("practices", "kind"), n),
            "origin_city": self.maybe(origin, 0.9),
            "origin_organisation": self.maybe(self.pick(org_ids, n), 0.3),
            "project": self.maybe(self.pick(project_ids, n), 0.7),
            "draws_on": self.lists(city_ids, n, 3, 0.1),
            "start": self.maybe(self.dates(self.years(n)), 0.5),
            "status": self.maybe(self.pick(_enum("practices", "status"), n), 0.6),
            "description": self.maybe(self.phrases(n, 8), 0.7),
            "themes": self.lists(theme_ids, n, 2, 0.8),
            **self.cited(n),
        }

        t["transfers"] = self._transfers(
            size["transfers"], practice_ids, origin, city_ids, city_weight, project_ids, event_ids
        )

        n = size["policies"]
        policy_ids = _ids("policy", n)
        t["policies"] = {
            "id": policy_ids,
            "name": self.names(n, " Strategy"),
            "kind": self.pick(_enum("policies", "kind"), n),
            "level": self.pick(_enum("policies", "level"), n),
            "owner": self.maybe(
                self.pick(np.concatenate([org_ids, city_ids, t["countries"]["id"]]), n), 0.8
            ),
            "part_of": np.where(
                (np.arange(n) > 0) & (self.rng.random(n) < 0.2), policy_ids[0], ""
            ).astype(object),
            "start": self.maybe(self.dates(self.years(n)), 0.7),
            "themes": self.lists(theme_ids, n, 2, 0.8),
            **self.cited(n),
        }

        n = size["lessons"]
        text = self.phrases(n, 18)
        project = self.maybe(self.pick(project_ids, n), 0.7)
        t["lessons"] = {
            "id": _ids("lesson", n),
            "project": project,
            "event": np.where(project == "", self.pick(event_ids, n), "").astype(object),
            "category": self.maybe(
                self.pick(np.array(["Coordination", "Finance", "Outreach"]), n), 0.6
            ),
            "polarity": self.pick(_enum("lessons", "polarity"), n),
            "text": text,
            "themes": self.lists(theme_ids, n, 2, 0.5),
            **self.cited(n),
        }

        n = size["objectives"]
        objective_ids = _ids("objective", n)
        t["objectives"] = {
            "id": objective_ids,
            "owner": self.pick(np.concatenate([project_ids, org_ids]), n),
            "kind": self.pick(_enum("objectives", "kind"), n),
            "parent": self.earlier(objective_ids, 0.3),
            "year": self.maybe(self.years(n).astype(str).astype(object), 0.6),
            "text": self.phrases(n, 14),
            "city": self.maybe(self.pick(city_ids, n), 0.3),
            "themes": self.lists(theme_ids, n, 2, 0.5),
            **self.cited(n),
        }

        n = size["policy_links"]
        subjects = np.concatenate(
            [project_ids, practice_ids, event_ids, objective_ids, t["lessons"]["id"]]
        )
        t["policy_links"] = {
            "id": _ids("link", n),
            "subject": self.pick(subjects, n),
            "relation": self.pick(_enum("policy_links", "relation"), n),
            "policy": self.pick(policy_ids, n),
            **self.cited(n),
        }

        n = size["quantities"]
        unit = self.maybe(self.pick(_enum("quantities", "unit"), n), 0.3)
        values = self.rng.integers(1, 100000, n).astype(str).astype(object)
        decimals = self.rng.random(n) < 0.1
        values[decimals] = [f"{v}.5" for v in values[decimals]]
        t["quantities"] = {
            "id": _ids("quantity", n),
            "subject": self.pick(np.concatenate([project_ids, event_ids, city_ids, org_ids]), n),
            "measure": self.pick(_enum("quantities", "measure"), n),
            "value": values,
            "unit": unit,
            "qualifier": self.maybe(self.pick(_enum("quantities", "qualifier"), n), 0.4),
            "as_of": self.maybe(self.dates(self.years(n)), 0.5),
            "description": self.maybe(self.phrases(n, 4), 0.4),
            **self.cited(n),
        }
        return {
            name: pd.DataFrame(
                {
                    c: t[name].get(c, np.full(len(t[name]["id"]), "", dtype=object))
                    for c in table.header
                }
            )
            for name, table in TABLES.items()
        }

    def _memberships(
        self,
        count: int,
        project_ids: np.ndarray,
        city_ids: np.ndarray,
        city_weight: np.ndarray,
        org_ids: np.ndarray,
        person_ids: np.ndarray,
        event_ids: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Partnerships: project sizes follow a power law; hub cities join many projects."""
        in_projects = int(count * 0.85)
        sizes = self.rng.pareto(1.3, len(project_ids)) + 1
        sizes = np.clip(np.round(sizes / sizes.sum() * in_projects), 2, MAX_PARTNERS).astype(int)
        groups = np.repeat(project_ids, sizes)
        rank = np.concatenate([np.arange(s) for s in sizes])
        others = count - len(groups)
        groups = np.concatenate(
            [groups, self.pick(np.concatenate([event_ids, org_ids]), max(others, 0))]
        )
        rank = np.concatenate([rank, np.full(max(others, 0), -1)])
        n = len(groups)
        kind = self.rng.random(n)
        members = np.where(
            kind < 0.6,
            self.pick(city_ids, n, city_weight),
            np.where(kind < 0.95, self.pick(org_ids, n), self.pick(person_ids, n)),
        ).astype(object)
        roles = np.where(
            rank == 0,
            "lead_partner",
            np.where(
                rank > 0,
                self.pick(np.array(["partner", "partner", "associated_partner"]), n),
                self.pick(np.array(["participant", "member", "speaker", "host"]), n),
            ),
        ).astype(object)
        frame = pd.DataFrame({"member": members, "group": groups, "role": roles})
        frame = frame.loc[frame["member"] != frame["group"]].drop_duplicates(["member", "group"])
        n = len(frame)
        start, end = self.start_end(n, 0.3)
        return {
            "id": _ids("membership", n),
            "member": frame["member"].to_numpy(),
            "group": frame["group"].to_numpy(),
            "role": frame["role"].to_numpy(),
            "start": start,
            "end": end,
            **self.cited(n),
        }

    def _transfers(
        self,
        count: int,
        practice_ids: np.ndarray,
        practice_origin: np.ndarray,
        city_ids: np.ndarray,
        city_weight: np.ndarray,
        project_ids: np.ndarray,
        event_ids: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Transfers of practices from their origin city, over the years; 15% to unnamed cities."""
        which = self.rng.integers(0, len(practice_ids), count)
        origin = practice_origin[which]
        unknown = origin == ""
        origin[unknown] = self.pick(city_ids, int(unknown.sum()), city_weight)
        target = self.pick(city_ids, count, city_weight)
        clash = target == origin
        target[clash] = city_ids[(np.searchsorted(city_ids, target[clash]) + 1) % len(city_ids)]
        unnamed = self.rng.random(count) < 0.15
        project = self.maybe(self.pick(project_ids, count), 0.8)
        event = np.where(
            (project == "") | (self.rng.random(count) < 0.3), self.pick(event_ids, count), ""
        ).astype(object)
        years = self.years(count)
        start = self.dates(years)
        end = np.where(self.rng.random(count) < 0.4, (years + 1).astype(str), "").astype(object)
        status = self.maybe(self.pick(_enum("transfers", "status"), count), 0.7)
        outcome = self.maybe(self.phrases(count, 8), 0.4)
        resulting = self.maybe(self.pick(practice_ids, count), 0.2)
        cited = self.cited(count)
        shown = (status != "") & (status != "unknown")
        return {
            "id": _ids("transfer", count),
            "practice": practice_ids[which],
            "origin_city": origin,
            "target_city": np.where(unnamed, "", target).astype(object),
            "target_count": np.where(
                unnamed, self.rng.integers(1, 6, count).astype(str), ""
            ).astype(object),
            "target_description": np.where(
                unnamed & (self.rng.random(count) < 0.7), "transfer cities", ""
            ).astype(object),
            "target_candidates": np.where(unnamed, self.lists(city_ids, count, 4, 0.3), "").astype(
                object
            ),
            "project": project,
            "event": event,
            "mechanism": self.lists(_enum("transfers", "mechanism"), count, 2, 1.0),
            "start": start,
            "end": end,
            "status": status,
            "status_quote": np.where(shown, cited["quote"], "").astype(object),
            "outcome": outcome,
            "resulting_practice": resulting,
            **cited,
        }


def generate(rows: int, seed: int, out: Path) -> dict[str, int]:
    """Write a synthetic dataset of about ``rows`` rows into ``out``; return rows per file.

    Args:
        rows: the total number of rows to aim for, over all files.
        seed: the random seed; the same seed and size give byte-identical files.
        out: the folder to write (created if missing); existing dataset files are replaced.

    Returns:
        The number of rows written to each file, by table name.
    """
    generator = _Generator(rows, seed)
    tables = generator.generate()
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame = frame.sort_values("id", ignore_index=True)
        frame.to_csv(out / TABLES[name].file_name, index=False, lineterminator="\n")
    sources = out / "sources"
    sources.mkdir(exist_ok=True)
    for file_name, quotes in generator.quotes.items():
        title = "Synthetic source text for graphkit benchmarks (not a real document)"
        (sources / file_name).write_text(
            title + "\n\n" + "\n".join(quotes) + "\n", encoding="utf-8"
        )
    return {name: len(frame) for name, frame in tables.items()}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--rows N --seed S --out DIR``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, required=True, help="total rows, approximately")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    counts = generate(args.rows, args.seed, args.out)
    print(f"wrote {sum(counts.values())} rows in {len(counts)} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
