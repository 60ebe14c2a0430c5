"""The closed Python namespace of the ipgraph ontology and the IRI bases of its identifiers.

``IPG`` lists every class and property of ``ontology/ipgraph.ttl``; a misspelt term raises instead of minting a
new IRI, and ``tests/test_namespace.py`` proves the list equals the ontology.

>>> str(IPG.Charge)
'https://w3id.org/ipgraph/ontology/Charge'
>>> IPG.Chrage
Traceback (most recent call last):
...
AttributeError: term 'Chrage' not in namespace 'https://w3id.org/ipgraph/ontology/'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from ipgraph.model.prefixes import ID_BASE, ID_PREFIXES, IPG_NS, PREFIXES

__all__ = ["BASE", "ID_BASE", "ID_PREFIXES", "IPG", "ONTOLOGY_IRI", "PREFIXES", "id_namespace"]

BASE = "https://w3id.org/ipgraph/"
ONTOLOGY_IRI = URIRef("https://w3id.org/ipgraph/ontology")


class IPG(DefinedNamespace):
    """Classes and properties of the ipgraph ontology."""

    _fail = True
    _NS = Namespace(IPG_NS)

    # classes
    AdministrativeAuthority: URIRef
    Agreement: URIRef
    Amendment: URIRef
    Award: URIRef
    Breakdown: URIRef
    Campaign: URIRef
    Case: URIRef
    CaseCategory: URIRef
    CaseGroup: URIRef
    Charge: URIRef
    CheckKind: URIRef
    City: URIRef
    Conference: URIRef
    ConsistencyCheck: URIRef
    Corridor: URIRef
    Country: URIRef
    County: URIRef
    Court: URIRef
    CriminalCase: URIRef
    DerivationMethod: URIRef
    DerivedObservation: URIRef
    District: URIRef
    Document: URIRef
    Enterprise: URIRef
    Event: URIRef
    Expo: URIRef
    Footnote: URIRef
    Forum: URIRef
    Guidelines: URIRef
    Hub: URIRef
    IPRightType: URIRef
    Industry: URIRef
    IndustryAssociation: URIRef
    Institution: URIRef
    InternationalAgreement: URIRef
    InternationalOrganization: URIRef
    Interpretation: URIRef
    Law: URIRef
    LegalArticle: URIRef
    ManagementCommittee: URIRef
    Method: URIRef
    Opinions: URIRef
    Park: URIRef
    PartyCommittee: URIRef
    Period: URIRef
    Person: URIRef
    Place: URIRef
    Plan: URIRef
    PoliceAuthority: URIRef
    PolicyConcept: URIRef
    Procuratorate: URIRef
    ProcuratorateLevel: URIRef
    ProcuratorialFunction: URIRef
    ProcuratorialUnit: URIRef
    Product: URIRef
    Programme: URIRef
    Province: URIRef
    PublicInterestCase: URIRef
    ReferenceSource: URIRef
    Region: URIRef
    Report: URIRef
    ReportSection: URIRef
    ServiceStation: URIRef
    SourceQuote: URIRef
    SourceText: URIRef
    StatedObservation: URIRef
    StatementRecord: URIRef
    StatisticalMeasure: URIRef
    StatisticalObservation: URIRef
    StatisticalUnit: URIRef
    SupervisionCase: URIRef
    Technology: URIRef
    Tips: URIRef
    TrendDirection: URIRef
    UnitOfMeasure: URIRef
    University: URIRef
    ValueQualifier: URIRef
    Verdict: URIRef
    # properties
    amends: URIRef
    articleNumber: URIRef
    awardedBy: URIRef
    awardedTo: URIRef
    basePeriod: URIRef
    breakdown: URIRef
    caseCategory: URIRef
    charge: URIRef
    checkKind: URIRef
    checksObservation: URIRef
    collaboratesWith: URIRef
    computedLowerBound: URIRef
    computedUpperBound: URIRef
    concerns: URIRef
    concurrentCharge: URIRef
    containsPeriod: URIRef
    definedByFootnote: URIRef
    definedInArticle: URIRef
    derivationMethod: URIRef
    derivedFromCase: URIRef
    derivesFrom: URIRef
    editionNumber: URIRef
    endMonth: URIRef
    endOffset: URIRef
    endYear: URIRef
    establishedBy: URIRef
    expression: URIRef
    firstOfItsKind: URIRef
    firstOfItsKindIn: URIRef
    footnoteOf: URIRef
    formulatedBy: URIRef
    handledBy: URIRef
    heading: URIRef
    illustratesCategory: URIRef
    industry: URIRef
    interpretation: URIRef
    introducedBy: URIRef
    involvesProduct: URIRef
    involvesTechnology: URIRef
    isComponentOf: URIRef
    jurisdiction: URIRef
    level: URIRef
    locatedIn: URIRef
    lowerBound: URIRef
    memberFunctionCount: URIRef
    memberOfGroup: URIRef
    minimumFunctionCount: URIRef
    obsValue: URIRef
    observedEntity: URIRef
    organizedBy: URIRef
    parentSection: URIRef
    partOfLaw: URIRef
    participant: URIRef
    partitionsTotal: URIRef
    party: URIRef
    perpetrator: URIRef
    procuratorialFunction: URIRef
    protectsRight: URIRef
    publishedIn: URIRef
    refArea: URIRef
    refPeriod: URIRef
    report: URIRef
    rightType: URIRef
    section: URIRef
    sectionNumber: URIRef
    selectedBy: URIRef
    sha256: URIRef
    shareOf: URIRef
    sourceFunction: URIRef
    startMonth: URIRef
    startOffset: URIRef
    startYear: URIRef
    statMeasure: URIRef
    statUnit: URIRef
    statedLowerBound: URIRef
    statedUpperBound: URIRef
    theme: URIRef
    thresholdQualifier: URIRef
    thresholdUnit: URIRef
    thresholdValue: URIRef
    trendDirection: URIRef
    unitMeasure: URIRef
    upperBound: URIRef
    valueQualifier: URIRef
    verdict: URIRef
    victim: URIRef


def id_namespace(prefix: str) -> Namespace:
    """The namespace of one identifier prefix.

    >>> id_namespace("charge")["art-213-counterfeiting-registered-trademark"]
    rdflib.term.URIRef('https://w3id.org/ipgraph/id/charge/art-213-counterfeiting-registered-trademark')
    """
    if prefix not in ID_PREFIXES:
        raise KeyError(f"unknown identifier prefix {prefix!r}")
    return Namespace(f"{ID_BASE}{prefix}/")
