"""The ontology, the enumeration vocabulary and the SHACL shapes agree with each other, with
``graphkit.graph.namespaces`` and with the data dictionary, and the shapes accept good graphs and reject
bad ones for the right reasons."""

from __future__ import annotations

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SH, SKOS

from graphkit.graph.namespaces import (
    GEO,
    GK,
    GKR,
    GKV,
    PREFIXES,
    SCHEMES,
    bind_prefixes,
    concept,
)
from graphkit.locations import ONTOLOGY_FILE, SHAPES_FILE, VOCAB_FILE

ONTOLOGY_IRI = URIRef("https://w3id.org/graphkit/ontology")
GK_NS = str(GK)
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty)

# Rows of these classes carry no citation of their own (mapping.md): sources are the provenance,
# citations belong to the row they support, and an unnamed city group to its transfer.
UNCITED_CLASSES = {GK.Source, GK.SourceDocument, GK.WebPage, GK.Citation, GK.UnnamedCityGroup}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_FILE)


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(VOCAB_FILE)


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE)


def gk_terms(ontology: Graph, *types: URIRef) -> set[URIRef]:
    """The gk: terms that ``ontology`` declares with one of ``types``."""
    return {
        term
        for kind in types
        for term in ontology.subjects(RDF.type, kind)
        if isinstance(term, URIRef) and term.startswith(GK_NS)
    }


def python_terms() -> set[URIRef]:
    """The terms annotated on the ``GK`` namespace class."""
    return {GK[name] for name in GK.__annotations__}


# --- The ontology ----------------------------------------------------------------------------


def test_ontology_header_names_title_version_and_licence(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.title).language == "en"
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.description).language == "en"


def test_ontology_declares_exactly_the_terms_of_the_python_namespace(ontology):
    declared = gk_terms(ontology, *TERM_TYPES)
    annotated = python_terms()
    assert declared - annotated == set(), "declared in graphkit.ttl but missing from GK"
    assert annotated - declared == set(), "annotated on GK but not declared in graphkit.ttl"


def test_every_gk_term_has_one_kind(ontology):
    for term in python_terms():
        kinds = [kind for kind in TERM_TYPES if (term, RDF.type, kind) in ontology]
        assert len(kinds) == 1, f"{term} is declared as {kinds}"


@pytest.mark.parametrize("annotation", [RDFS.label, RDFS.comment])
def test_every_gk_term_has_one_english_label_and_comment(ontology, annotation):
    for term in python_terms():
        values = list(ontology.objects(term, annotation))
        assert len(values) == 1, f"{term} needs exactly one {annotation}, has {values}"
        assert values[0].language == "en", f"{term} {annotation} needs @en"


def test_every_gk_property_has_domain_and_range(ontology):
    for prop in gk_terms(ontology, *PROPERTY_TYPES):
        assert ontology.value(prop, RDFS.domain) is not None, f"{prop} has no rdfs:domain"
        assert ontology.value(prop, RDFS.range) is not None, f"{prop} has no rdfs:range"


def test_datatype_properties_range_over_datatypes(ontology):
    for prop in gk_terms(ontology, OWL.DatatypeProperty):
        for range_ in ontology.objects(prop, RDFS.range):
            is_xsd = isinstance(range_, URIRef) and range_.startswith(str(PREFIXES["xsd"]))
            is_union = (range_, RDF.type, RDFS.Datatype) in ontology
            assert is_xsd or is_union, f"{prop} has range {range_}"


def test_every_gk_iri_in_the_ontology_files_is_a_declared_term(ontology, vocab, shapes):
    declared = python_terms()
    for name, graph in (("graphkit.ttl", ontology), ("vocab.ttl", vocab), ("shapes.ttl", shapes)):
        used = {node for triple in graph for node in triple if isinstance(node, URIRef)}
        unknown = {iri for iri in used if iri.startswith(GK_NS)} - declared
        assert unknown == set(), f"{name} uses undeclared gk: terms"


def test_external_terms_used_in_axioms_are_declared(ontology):
    axioms = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass)
    for axiom in axioms:
        for term, parent in ontology.subject_objects(axiom):
            if isinstance(parent, URIRef) and not parent.startswith(GK_NS):
                assert ontology.value(parent, RDF.type) is not None, (
                    f"{term} {axiom} {parent}, but {parent} is not declared"
                )


# --- The vocabulary --------------------------------------------------------------------------


def concepts_by_scheme(vocab: Graph) -> dict[URIRef, set[URIRef]]:
    """The concepts of each concept scheme of ``vocab``."""
    by_scheme: dict[URIRef, set[URIRef]] = {}
    for concept_iri, scheme in vocab.subject_objects(SKOS.inScheme):
        by_scheme.setdefault(scheme, set()).add(concept_iri)
    return by_scheme


def test_vocabulary_has_one_scheme_per_enumeration(vocab):
    schemes = set(vocab.subjects(RDF.type, SKOS.ConceptScheme))
    assert schemes == {GKV[name] for name in SCHEMES}
    for scheme in schemes:
        assert vocab.value(scheme, RDFS.label).language == "en"
        assert vocab.value(scheme, SKOS.prefLabel).language == "en"


def test_every_concept_is_a_top_concept_of_exactly_one_scheme_named_in_its_iri(vocab):
    for concept_iri in vocab.subjects(RDF.type, SKOS.Concept):
        schemes = list(vocab.objects(concept_iri, SKOS.inScheme))
        assert len(schemes) == 1, f"{concept_iri} is in {schemes}"
        assert list(vocab.objects(concept_iri, SKOS.topConceptOf)) == schemes
        assert (schemes[0], SKOS.hasTopConcept, concept_iri) in vocab
        assert concept_iri.startswith(f"{schemes[0]}/"), f"{concept_iri} is not under its scheme"


@pytest.mark.parametrize("annotation", [SKOS.prefLabel, SKOS.definition])
def test_every_concept_has_one_english_label_and_definition(vocab, annotation):
    for concept_iri in vocab.subjects(RDF.type, SKOS.Concept):
        values = list(vocab.objects(concept_iri, annotation))
        assert len(values) == 1, f"{concept_iri} needs exactly one {annotation}"
        assert values[0].language == "en"


def test_preferred_labels_are_unique_within_a_scheme(vocab):
    for scheme, members in concepts_by_scheme(vocab).items():
        labels = [vocab.value(member, SKOS.prefLabel) for member in members]
        assert len(labels) == len(set(labels)), f"{scheme} repeats a label"


def test_roles_are_org_roles(vocab):
    roles = concepts_by_scheme(vocab)[GKV["role"]]
    assert roles
    assert all((role, RDF.type, ORG.Role) in vocab for role in roles)


def test_concept_builds_the_iri_of_a_vocabulary_concept(vocab):
    lead_partner = concept("role", "lead_partner")
    assert lead_partner == URIRef("https://w3id.org/graphkit/vocab/role/lead_partner")
    assert vocab.value(lead_partner, SKOS.prefLabel) == Literal("lead partner", lang="en")


def test_concept_rejects_an_unknown_scheme():
    with pytest.raises(ValueError, match="roles"):
        concept("roles", "lead_partner")


def test_every_enumeration_value_of_the_schema_has_a_concept_and_vice_versa(vocab):
    from graphkit.data import schema

    expected = set()
    class_valued = set()
    for table in schema.TABLES.values():
        for column in table.columns:
            if column.enum and column.scheme is None:
                class_valued.add((table.name, column.name))
            elif column.enum:
                assert column.scheme in SCHEMES, f"{table.name}.{column.name}: {column.scheme}"
                expected |= {concept(column.scheme, value) for value in column.enum}
    # programmes.kind becomes the class of the row (gk:Programme or gk:Fund), not a concept.
    assert class_valued == {("programmes", "kind")}
    assert set(vocab.subjects(RDF.type, SKOS.Concept)) == expected


def test_every_table_of_the_schema_maps_to_an_ontology_class(ontology):
    from graphkit.data import schema  # the data dictionary in code: missing is a failure

    classes = gk_terms(ontology, OWL.Class)
    for table in schema.TABLES.values():
        assert GK[table.rdf_class] in classes, f"{table.name}: {table.rdf_class}"


# --- The namespaces --------------------------------------------------------------------------


def test_a_misspelt_gk_term_is_an_error():
    with pytest.raises(AttributeError):
        _ = GK.Citty


def test_bind_prefixes_binds_every_prefix():
    graph = bind_prefixes(Graph())
    bound = {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
    for prefix, namespace in PREFIXES.items():
        assert bound[prefix] == str(namespace)
    assert set(PREFIXES) == {
        *("gk", "gkv", "gkr", "rdf", "rdfs", "owl", "xsd"),
        *("skos", "dcterms", "prov", "org", "schema", "foaf", "sh", "geo"),
    }


# --- The shapes ------------------------------------------------------------------------------


def test_shapes_are_valid_shacl(shapes):
    conforms, _, text = validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_every_gk_class_has_a_node_shape(ontology, shapes):
    targeted = {
        target
        for shape in shapes.subjects(RDF.type, SH.NodeShape)
        for target in shapes.objects(shape, SH.targetClass)
    }
    assert gk_terms(ontology, OWL.Class) - targeted == set()


def test_every_enumeration_shape_lists_exactly_the_concepts_of_one_scheme(ontology, vocab, shapes):
    by_scheme = concepts_by_scheme(vocab)
    checked = set()
    for shape, members in shapes.subject_objects(SH["in"]):
        allowed = set(Collection(shapes, members))
        schemes = {vocab.value(member, SKOS.inScheme) for member in allowed}
        assert len(schemes) == 1 and None not in schemes, f"sh:in of {shape} mixes {schemes}"
        assert allowed == by_scheme[schemes.pop()], f"sh:in of {shape} misses concepts"
        checked.add(shapes.value(shape, SH.path))
    concept_valued = set(ontology.subjects(RDFS.range, SKOS.Concept))
    assert concept_valued - checked == set(), "enumeration properties without an sh:in"


# --- Validation ------------------------------------------------------------------------------

# An illustrative graph in the form the builder emits (mapping.md); provenance is added by cite().
GOOD_FACTS = """
gkr:doc-mistra a gk:SourceDocument ;
    rdfs:label "MiStra – Migrant Inclusion Strategies in European Cities" ;
    dcterms:title "MiStra – Migrant Inclusion Strategies in European Cities" ;
    dcterms:identifier "004_cfd5e90651955d47.txt" ;
    gk:sourceType source-type:source_document ;
    dcterms:publisher "CIOFS-FP" .

gkr:web-matching-seminar a gk:WebPage ;
    rdfs:label "Matching seminar" ;
    dcterms:title "Matching seminar" ;
    dcterms:identifier "https://example.org/matching-seminar" ;
    schema:url "https://example.org/matching-seminar"^^xsd:anyURI ;
    gk:sourceType source-type:web_page ;
    dcterms:date "2019-05"^^xsd:gYearMonth ;
    gk:record "facts.md" .

gkr:austria a gk:Country ; rdfs:label "Austria" ; gk:isoCode "AT" ; gk:localName "Österreich" .
gkr:italy a gk:Country ; rdfs:label "Italy" ; gk:isoCode "IT" ; gk:localName "Italia" .
gkr:vienna a gk:City ; rdfs:label "Vienna" ; gk:country gkr:austria ; gk:localName "Wien" ;
    owl:sameAs <https://sws.geonames.org/2761369/> ; geo:lat 48.20849 ; geo:long 16.37208 ;
    gk:region "Vienna" ; gk:regionCode "AT.09" ; gk:population <https://w3id.org/graphkit/id/vienna/population> .
<https://w3id.org/graphkit/id/vienna/population> a gk:PopulationFigure ; rdfs:label "Population of Vienna" ;
    gk:value 1691468 ; dcterms:bibliographicCitation "GeoNames cities500" ;
    prov:wasDerivedFrom <https://sws.geonames.org/2761369/> .
gkr:taranto a gk:City ; rdfs:label "Taranto" ; gk:country gkr:italy ;
    skos:hiddenLabel "Tarent" ; skos:editorialNote "Illustrative only." .

gkr:housing a gk:Theme ; rdfs:label "housing" ; skos:prefLabel "housing"@en ;
    skos:inScheme gkr:themes ; skos:definition "Access to decent housing" .

gkr:european-commission a gk:Organisation ; rdfs:label "European Commission" ;
    gk:organisationType organisation-type:eu_institution .
gkr:ciofs-fp a gk:Organisation ; rdfs:label "CIOFS-FP" ; gk:acronym "CIOFS-FP" ;
    gk:organisationType organisation-type:training_provider ; gk:country gkr:italy .
gkr:jane-doe a gk:Person ; rdfs:label "Jane Doe" ; gk:roleTitle "Project manager" ;
    gk:affiliation gkr:ciofs-fp .

gkr:lifelong-learning-programme a gk:Programme ; rdfs:label "Lifelong Learning Programme" ;
    gk:startDate "2007"^^xsd:gYear ; gk:endDate "2013"^^xsd:gYear .
gkr:llp-ka4 a gk:Programme ; rdfs:label "KA4" ; gk:partOf gkr:lifelong-learning-programme .
gkr:amif a gk:Fund ; rdfs:label "Asylum, Migration and Integration Fund" ; gk:acronym "AMIF" ;
    gk:managedBy gkr:european-commission .

gkr:mistra a gk:Project ; rdfs:label "Migrant Inclusion Strategies in European Cities" ;
    gk:acronym "MiStra" ; gk:projectType project-type:eu_project ;
    gk:programme gkr:amif , gkr:llp-ka4 ; gk:startDate "2017-01"^^xsd:gYearMonth ;
    dcterms:description "A project on migrant inclusion." ; gk:theme gkr:housing ;
    gk:linkedToPolicy gkr:eu-framework .

gkr:mistra-ciofs-fp-lead-partner a gk:Membership ; rdfs:label "CIOFS-FP – lead partner – MiStra" ;
    gk:member gkr:ciofs-fp ; gk:membershipIn gkr:mistra ; gk:role role:lead_partner .
gkr:ciofs-fp org:memberOf gkr:mistra .

gkr:mistra-study-visit-vienna a gk:Event ; rdfs:label "MiStra study visit to Vienna" ;
    gk:eventType event-type:study_visit ; gk:eventStatus event-status:held ;
    gk:location gkr:vienna ; gk:project gkr:mistra ; gk:organiser gkr:ciofs-fp ;
    gk:startDate "2018-03-12"^^xsd:date ; gk:endDate "2018-03-14"^^xsd:date .

gkr:vienna-integrationshaus a gk:Practice ; rdfs:label "Integrationshaus" ;
    gk:practiceType practice-type:good_practice ; gk:originCity gkr:vienna ;
    gk:project gkr:mistra ; gk:status status:still_operating .
gkr:casa-mistra a gk:Practice ; rdfs:label "Casa MiStra" ;
    gk:practiceType practice-type:structure ; gk:originCity gkr:taranto .

gkr:integrationshaus-to-taranto a gk:PracticeTransfer ;
    rdfs:label "Integrationshaus: Vienna → Taranto" ;
    gk:transferredPractice gkr:vienna-integrationshaus ; gk:originCity gkr:vienna ;
    gk:targetCity gkr:taranto ; gk:viaProject gkr:mistra ; gk:viaEvent gkr:mistra-study-visit-vienna ;
    gk:mechanism mechanism:study_visit , mechanism:mentoring ; gk:status status:completed ;
    gk:direction transfer-direction:stated ; gk:originRole transfer-role:mentor ;
    gk:targetRole transfer-role:mentee ; gk:theme gkr:housing ;
    gk:statusEvidence <https://w3id.org/graphkit/id/citation/integrationshaus-to-taranto/status> ;
    gk:outcome "Casa MiStra opened." ; gk:resultingPractice gkr:casa-mistra .
<https://w3id.org/graphkit/id/citation/integrationshaus-to-taranto/status> a gk:Citation ;
    rdfs:label "Quote showing the status of integrationshaus-to-taranto" ;
    gk:quote "Casa MiStra opened." ; dcterms:source gkr:doc-mistra .
gkr:integrationshaus-to-four-cities a gk:PracticeTransfer ;
    rdfs:label "Integrationshaus: Vienna → 4 unnamed cities" ;
    gk:transferredPractice gkr:vienna-integrationshaus ; gk:originCity gkr:vienna ;
    gk:targetGroup <https://w3id.org/graphkit/id/integrationshaus-to-four-cities/targets> ;
    gk:candidateTarget gkr:taranto ; gk:viaEvent gkr:mistra-study-visit-vienna ;
    gk:mechanism mechanism:peer_exchange ; gk:direction transfer-direction:inferred_from_roles .
<https://w3id.org/graphkit/id/integrationshaus-to-four-cities/targets> a gk:UnnamedCityGroup ;
    rdfs:label "4 unnamed cities" ; gk:cityCount 4 ; dcterms:description "transfer cities" .

gkr:eu-framework a gk:PolicyFramework ; rdfs:label "EU Framework for National Roma Strategies" ;
    gk:policyType policy-type:eu_strategy ; gk:policyLevel policy-level:eu ;
    gk:owner gkr:european-commission ; gk:startDate "2011"^^xsd:gYear ; gk:theme gkr:housing .
gkr:mistra-contributes-to-eu-framework a gk:PolicyLink ;
    rdfs:label "MiStra – contributes to – EU Framework for National Roma Strategies" ;
    gk:linkSubject gkr:mistra ; gk:linkRelation link-relation:contributes_to ;
    gk:linkedPolicy gkr:eu-framework .

gkr:mistra-lesson-1 a gk:LessonLearned ; rdfs:label "Partners met often." ;
    gk:project gkr:mistra ; gk:polarity polarity:went_well ; gk:text "Partners met often." ;
    gk:lessonCategory "Cooperation" .
gkr:mistra-objective-1 a gk:Objective ; rdfs:label "Open a one-stop shop." ;
    gk:objectiveOf gkr:mistra ; gk:objectiveType objective-type:objective ;
    gk:text "Open a one-stop shop." ; gk:date "2018"^^xsd:gYear ; gk:location gkr:taranto .
gkr:mistra-action-1 a gk:Objective ; rdfs:label "Rent premises." ;
    gk:objectiveOf gkr:ciofs-fp ; gk:objectiveType objective-type:action ;
    gk:partOf gkr:mistra-objective-1 ; gk:text "Rent premises." .

gkr:q-mistra-partner-cities-4 a gk:Quantity ; rdfs:label "MiStra: partner cities exactly 4" ;
    gk:quantityOf gkr:mistra ; gk:measure measure:partner_cities ; gk:value 4.0 ;
    gk:unit unit:count ; gk:qualifier qualifier:exact ; gk:asOf "2018"^^xsd:gYear .
"""

# Each of these breaks one rule (cited by cite(), unless said otherwise).
BAD_FACTS = """
gkr:both-targets a gk:PracticeTransfer ; rdfs:label "both targets" ;
    gk:transferredPractice gkr:vienna-integrationshaus ; gk:originCity gkr:vienna ;
    gk:targetCity gkr:taranto ;
    gk:targetGroup <https://w3id.org/graphkit/id/both-targets/targets> ;
    gk:viaProject gkr:mistra ; gk:mechanism mechanism:mentoring ;
    gk:direction transfer-direction:stated .
<https://w3id.org/graphkit/id/both-targets/targets> a gk:UnnamedCityGroup ;
    rdfs:label "0 unnamed cities" ; gk:cityCount 0 .

gkr:misdated a gk:Project ; rdfs:label "misdated" ; gk:projectType project-type:pilot_project ;
    gk:startDate "20x9"^^xsd:gYear ; gk:endDate "2019-05"^^xsd:gYear .

gkr:lukewarm-lesson a gk:LessonLearned ; rdfs:label "lukewarm" ;
    gk:fromEvent gkr:mistra-study-visit-vienna ;
    gk:polarity <https://w3id.org/graphkit/vocab/polarity/lukewarm> ; gk:text "So-so." .
gkr:orphan-lesson a gk:LessonLearned ; rdfs:label "orphan" ;
    gk:polarity polarity:key_message ; gk:text "From nowhere." .

gkr:theme-as-member a gk:Membership ; rdfs:label "housing – partner – MiStra" ;
    gk:member gkr:housing ; gk:membershipIn gkr:mistra ; gk:role role:partner .

gkr:off-the-globe a gk:City ; rdfs:label "Off the globe" ; gk:country gkr:italy ;
    owl:sameAs <https://www.geonames.org/2761369/> ; geo:lat 95.5 ; geo:long "16.3" ;
    gk:regionCode "11" ; gk:population <https://w3id.org/graphkit/id/off-the-globe/population> .
<https://w3id.org/graphkit/id/off-the-globe/population> a gk:PopulationFigure ; rdfs:label "Population of nowhere" ;
    gk:value 0 .

gkr:q-undefaulted a gk:Quantity ; rdfs:label "MiStra: partner cities 4" ;
    gk:quantityOf gkr:mistra ; gk:measure measure:partner_cities ; gk:value 4 ;
    gk:unit unit:count .
"""

# Not cited by cite(): a city with neither name nor provenance, and a citation without a quote.
UNCITED_BAD_FACTS = """
gkr:nowhere a gk:City ; gk:country gkr:italy .
<https://w3id.org/graphkit/id/citation/empty> a gk:Citation ; gk:quote "" ;
    dcterms:source gkr:doc-mistra .
"""


def turtle(facts: str) -> str:
    """``facts`` with graphkit's prefixes and one prefix per concept scheme."""
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    lines += [f"@prefix {scheme}: <{GKV[scheme]}/> ." for scheme in sorted(SCHEMES)]
    return "\n".join([*lines, facts])


def cite(graph: Graph) -> Graph:
    """Give every row of a cited class a source and a citation, as the builder does."""
    rows = {
        row
        for cls in python_terms() - UNCITED_CLASSES
        for row in graph.subjects(RDF.type, cls)
        if isinstance(row, URIRef)
    }
    for row in rows:
        citation = GKR[f"citation/{row.removeprefix(str(GKR))}"]
        graph.add((row, DCTERMS.source, GKR["doc-mistra"]))
        graph.add((row, PROV.wasDerivedFrom, citation))
        graph.add((citation, RDF.type, GK.Citation))
        graph.add((citation, GK.quote, Literal("a verbatim quote")))
        graph.add((citation, DCTERMS.source, GKR["doc-mistra"]))
    return graph


def violations(data: Graph, shapes: Graph) -> set[tuple[URIRef, URIRef | None, URIRef]]:
    """Validate ``data`` as the pipeline does (no inference) and return each result as
    (focus node, path or None, constraint component)."""
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none")
    results = {
        (
            report.value(result, SH.focusNode),
            report.value(result, SH.resultPath),
            report.value(result, SH.sourceConstraintComponent),
        )
        for result in report.objects(None, SH.result)
    }
    assert conforms == (not results)
    return results


@pytest.fixture
def good_graph() -> Graph:
    return cite(Graph().parse(data=turtle(GOOD_FACTS), format="turtle"))


def test_a_well_formed_graph_conforms(good_graph, shapes):
    assert violations(good_graph, shapes) == set()


def test_a_well_formed_graph_conforms_with_ontology_and_vocabulary_mixed_in(
    good_graph, ontology, vocab, shapes
):
    assert violations(good_graph + ontology + vocab, shapes) == set()


def test_the_well_formed_graph_has_a_row_of_every_class(good_graph, ontology):
    # gk:Source is abstract: the builder asserts gk:SourceDocument or gk:WebPage instead.
    used = set(good_graph.objects(None, RDF.type))
    assert gk_terms(ontology, OWL.Class) - {GK.Source} - used == set()


def test_a_broken_graph_is_rejected_for_each_broken_rule(good_graph, shapes):
    data = cite(good_graph.parse(data=turtle(BAD_FACTS), format="turtle"))
    data.parse(data=turtle(UNCITED_BAD_FACTS), format="turtle")
    expected = {
        (GKR["nowhere"], RDFS.label, SH.MinCountConstraintComponent),
        (GKR["nowhere"], PROV.wasDerivedFrom, SH.MinCountConstraintComponent),
        (GKR["nowhere"], DCTERMS.source, SH.MinCountConstraintComponent),
        (GKR["citation/empty"], GK.quote, SH.MinLengthConstraintComponent),
        (GKR["both-targets"], None, SH.XoneConstraintComponent),
        (GKR["both-targets/targets"], GK.cityCount, SH.MinInclusiveConstraintComponent),
        # "20x9" is not a year at all; "2019-05" is a month typed as a year.
        (GKR["misdated"], GK.startDate, SH.PatternConstraintComponent),
        (GKR["misdated"], GK.startDate, SH.NodeConstraintComponent),
        (GKR["misdated"], GK.endDate, SH.NodeConstraintComponent),
        (GKR["lukewarm-lesson"], GK.polarity, SH.InConstraintComponent),
        (GKR["orphan-lesson"], None, SH.OrConstraintComponent),
        (GKR["theme-as-member"], GK.member, SH.OrConstraintComponent),
        (GKR["q-undefaulted"], GK.value, SH.DatatypeConstraintComponent),
        (GKR["off-the-globe"], OWL.sameAs, SH.PatternConstraintComponent),
        (GKR["off-the-globe"], GEO.lat, SH.MaxInclusiveConstraintComponent),
        # A string is not a number: of the wrong type, and neither above nor below a bound.
        (GKR["off-the-globe"], GEO.long, SH.DatatypeConstraintComponent),
        (GKR["off-the-globe"], GEO.long, SH.MinInclusiveConstraintComponent),
        (GKR["off-the-globe"], GEO.long, SH.MaxInclusiveConstraintComponent),
        (GKR["off-the-globe"], GK.regionCode, SH.PatternConstraintComponent),
        (GKR["off-the-globe/population"], GK.value, SH.MinInclusiveConstraintComponent),
        (
            GKR["off-the-globe/population"],
            DCTERMS.bibliographicCitation,
            SH.MinCountConstraintComponent,
        ),
        (GKR["q-undefaulted"], GK.qualifier, SH.MinCountConstraintComponent),
    }
    assert violations(data, shapes) == expected


def test_a_source_typed_only_as_the_superclass_is_not_a_source(good_graph, shapes):
    # Without inference, a dcterms:source must be asserted a SourceDocument or a WebPage.
    good_graph.remove((GKR["doc-mistra"], RDF.type, GK.SourceDocument))
    good_graph.add((GKR["doc-mistra"], RDF.type, GK.Source))
    found = violations(good_graph, shapes)
    assert found
    assert {component for _, path, component in found} == {SH.OrConstraintComponent}
    assert {path for _, path, _ in found} == {DCTERMS.source}


def test_reports_name_the_rule_in_words(good_graph, shapes):
    good_graph.remove((GKR["vienna"], RDFS.label, None))
    _, report, _ = validate(good_graph, shacl_graph=shapes, inference="none")
    messages = {str(message) for message in report.objects(None, SH.resultMessage)}
    assert messages == {
        "Every record needs exactly one name (rdfs:label), a plain string without a language tag."
    }
