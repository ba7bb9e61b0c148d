"""The namespaces of graphkit's knowledge graph and the prefixes bound in every graph it writes.

``GK`` is the ontology (``ontology/graphkit.ttl``) as a typed namespace: it knows every class and
property, so ``GK.Citty`` raises ``AttributeError`` instead of minting a new IRI. ``GKV`` holds the
enumeration concepts of ``ontology/vocab.ttl`` (build their IRIs with :func:`concept`) and ``GKR``
the data: ``GKR["kosice"]`` is the city of Košice.
"""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import (
    ORG,
    DefinedNamespace,
)
from rdflib.namespace import SDO as SCHEMA

from graphkit.graph.iris import GK_IRI, GKR_IRI, NAMESPACE_IRIS

__all__ = [
    "GEO",
    "GEONAMES",
    "GK",
    "GKR",
    "GKV",
    "ORG",
    "PREFIXES",
    "SCHEMA",
    "SCHEMES",
    "bind_prefixes",
    "concept",
]


class GK(DefinedNamespace):
    """graphkit ontology: the classes and properties of graphkit's knowledge graph.

    Mirrors ``ontology/graphkit.ttl``; ``tests/test_ontology.py`` checks that both declare the
    same terms.
    """

    _fail = True

    # http://www.w3.org/2002/07/owl#Class
    Citation: URIRef  # A short verbatim quote from a source that supports one fact.
    City: URIRef  # A city or town; also stands for its municipality as an actor.
    Country: URIRef  # A country, identified by its ISO 3166-1 alpha-2 code.
    Event: URIRef  # A meeting, study visit, policy transfer, review, conference or similar.
    Fund: URIRef  # A funding instrument such as AMIF that projects are financed from.
    LessonLearned: URIRef  # A lesson, main message or finding of a project or an event.
    Membership: (
        URIRef  # Who took part in a project, organisation, event or programme, in which role.
    )
    Objective: URIRef  # An objective, planned action, achievement or measure of a project or org.
    Organisation: URIRef  # An organisation other than a municipality.
    PopulationFigure: URIRef  # A city's number of inhabitants as a gazetteer gives it.
    Person: URIRef  # A person in a public role as a source names them.
    PolicyFramework: URIRef  # A strategy, policy process, law, declaration or principle.
    PolicyLink: URIRef  # A sourced statement relating something to a policy framework.
    Practice: (
        URIRef  # A good practice, tool, method, model, plan or guideline that others may adopt.
    )
    PracticeTransfer: URIRef  # A practice travelling from an origin city to a receiving city.
    Programme: URIRef  # A funding or cooperation programme, or a sub-programme of one.
    Project: URIRef  # A project, pilot, joint programme, programme strand or working group.
    Quantity: URIRef  # A count or amount about something, with its source.
    Source: URIRef  # A document or web page that graphkit's facts come from.
    SourceDocument: URIRef  # A source whose full text is bundled with graphkit.
    Theme: URIRef  # A policy theme in graphkit's SKOS concept scheme of themes.
    UnnamedCityGroup: URIRef  # The receiving cities of a transfer, counted but not named.
    WebPage: URIRef  # A source on the web, cited by URL and recorded in a bundled file.

    # http://www.w3.org/2002/07/owl#ObjectProperty
    affiliation: URIRef  # The organisation a person works for or represents.
    basedIn: URIRef  # The city where an organisation has its seat.
    candidateTarget: URIRef  # A city that may be among a transfer's unnamed receiving cities.
    country: URIRef  # The country a city lies in, or an organisation is based in.
    direction: URIRef  # Whether a transfer's direction is stated or inferred (transfer-direction).
    drawsOn: URIRef  # A city whose experience a practice draws on.
    eventStatus: URIRef  # Whether an event was held or planned (event-status scheme).
    eventType: URIRef  # The kind of event (event-type scheme).
    follows: URIRef  # An earlier project that a project follows or builds on.
    fromEvent: URIRef  # The event whose main message or finding a lesson is.
    linkRelation: (
        URIRef  # How a policy link's subject relates to the policy (link-relation scheme).
    )
    linkSubject: URIRef  # The project, practice, event, objective, lesson or org of a policy link.
    linkedPolicy: URIRef  # The policy framework of a policy link.
    linkedToPolicy: URIRef  # Shortcut from a policy link's subject to its policy framework.
    location: URIRef  # The city where an event took place, or which an objective concerns.
    managedBy: URIRef  # The organisation that manages a programme or fund.
    measure: URIRef  # What a quantity counts or measures (measure scheme).
    mechanism: URIRef  # A way in which a practice was transferred (mechanism scheme).
    member: URIRef  # The city, organisation, person or project taking part in a membership.
    membershipIn: URIRef  # The project, organisation, event or programme a membership is in.
    objectiveOf: URIRef  # The project or organisation whose objective this is.
    objectiveType: URIRef  # The kind of objective (objective-type scheme).
    organisationType: URIRef  # The kind of organisation (organisation-type scheme).
    organiser: URIRef  # The organisation or project that organised an event.
    originCity: URIRef  # The city a practice comes from, or the transferring city of a transfer.
    originRole: URIRef  # The role the source gives a transfer's origin city (transfer-role scheme).
    originOrganisation: URIRef  # The organisation that developed a practice.
    owner: URIRef  # The organisation, city or country that adopted or owns a policy framework.
    partOf: URIRef  # The programme, project, organisation, policy or objective this is part of.
    population: URIRef  # A city's population figure from GeoNames.
    polarity: URIRef  # What kind of lesson this is (polarity scheme).
    policyLevel: URIRef  # The level of governance of a policy framework (policy-level scheme).
    policyType: URIRef  # The kind of policy framework (policy-type scheme).
    practiceType: URIRef  # The kind of practice (practice-type scheme).
    programme: URIRef  # A programme or fund a project belongs to or is funded through.
    project: URIRef  # The project of an event, practice or lesson.
    projectType: URIRef  # The kind of project (project-type scheme).
    qualifier: URIRef  # How precise a quantity is (qualifier scheme).
    quantityOf: URIRef  # What a quantity is about: any node of the graph.
    resultingPractice: URIRef  # The local practice a transfer produced in the receiving city.
    role: URIRef  # The role a member plays in a membership (role scheme, org:Role).
    sourceType: URIRef  # Whether a source is a bundled document or a web page (source-type scheme).
    status: URIRef  # How far a practice or transfer had got (status scheme).
    statusEvidence: URIRef  # The citation that shows a practice transfer's status.
    targetCity: URIRef  # The receiving city of a practice transfer, when the source names it.
    targetRole: URIRef  # The role the source gives a transfer's target city (transfer-role scheme).
    targetGroup: URIRef  # The unnamed receiving cities of a practice transfer.
    theme: URIRef  # A policy theme something is about.
    transferredPractice: URIRef  # The practice that travelled in a practice transfer.
    unit: URIRef  # The unit of a quantity's value (unit scheme).
    viaEvent: URIRef  # The event through which a practice was transferred.
    viaProject: URIRef  # The project through which a practice was transferred.

    # http://www.w3.org/2002/07/owl#DatatypeProperty
    acronym: URIRef  # The short name of a programme, fund, project or organisation.
    asOf: URIRef  # When a quantity holds: a year, a month or a day.
    cityCount: URIRef  # How many receiving cities an unnamed city group has.
    date: URIRef  # The year (or month, or day) an objective is set for or achieved in.
    endDate: URIRef  # When something ended: a year, a month or a day.
    isoCode: URIRef  # The ISO 3166-1 alpha-2 code of a country.
    lessonCategory: URIRef  # The category the source files a lesson under.
    localName: URIRef  # A name of a country or city in one of its own languages.
    outcome: URIRef  # What came of a practice transfer.
    quote: URIRef  # The verbatim words of the source that support a fact.
    record: URIRef  # For a web page: the bundled file that records its content.
    region: URIRef  # The first-level region (GeoNames admin1) a city lies in, by name.
    regionCode: URIRef  # The GeoNames admin1 code of a city's region (FR.11).
    roleTitle: URIRef  # A person's public role as the source gives it.
    startDate: URIRef  # When something began: a year, a month or a day.
    text: URIRef  # The full wording of a lesson or an objective.
    value: URIRef  # The number of a quantity, read with its unit and qualifier.

    _NS = Namespace(GK_IRI)


GKV = Namespace(NAMESPACE_IRIS["gkv"])
# W3C Basic Geo (WGS84 lat/long) vocabulary: geo:lat and geo:long of cities.
GEO = Namespace(NAMESPACE_IRIS["geo"])
# GeoNames' IRIs of its features, the objects of cities' owl:sameAs.
GEONAMES = Namespace("https://sws.geonames.org/")
GKR = Namespace(GKR_IRI)

# The enumeration schemes of ontology/vocab.ttl (datasets/README.md gives their values).
SCHEMES: frozenset[str] = frozenset(
    {
        "organisation-type",
        "project-type",
        "role",
        "event-type",
        "event-status",
        "practice-type",
        "status",
        "mechanism",
        "policy-type",
        "policy-level",
        "link-relation",
        "polarity",
        "objective-type",
        "measure",
        "unit",
        "qualifier",
        "source-type",
        "transfer-role",
        "transfer-direction",
    }
)

# One mapping of prefixes to namespaces, the same as graphkit.graph.iris.NAMESPACE_IRIS.
PREFIXES: dict[str, Namespace] = {prefix: Namespace(iri) for prefix, iri in NAMESPACE_IRIS.items()}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind graphkit's prefixes (:data:`PREFIXES`) in ``graph``, replacing other bindings of them.

    Args:
        graph: the graph to bind the prefixes in.

    Returns:
        The same graph, so that calls can be chained.
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def concept(scheme: str, value: str) -> URIRef:
    """The IRI of an enumeration value's SKOS concept: ``gkv:<scheme>/<value>``.

    Args:
        scheme: the concept scheme, e.g. ``"role"`` (one of :data:`SCHEMES`).
        value: the value exactly as written in the CSV file, e.g. ``"lead_partner"``.

    Returns:
        The concept's IRI, e.g. ``https://w3id.org/graphkit/vocab/role/lead_partner``.

    Raises:
        ValueError: if ``scheme`` is not one of graphkit's concept schemes.
    """
    if scheme not in SCHEMES:
        raise ValueError(f"unknown concept scheme {scheme!r}; expected one of {sorted(SCHEMES)}")
    return GKV[f"{scheme}/{value}"]
