"""The stated observations of a built dataset, as plain Python values with their rounding intervals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from rdflib import RDF, Dataset, Graph, Literal, URIRef

from ipgraph.derivation.intervals import INFINITY, Interval
from ipgraph.model.namespace import IPG
from ipgraph.model.prefixes import ID_BASE, PREFIXES
from ipgraph.reading.numerals import find_numbers

QB_DATASET = URIRef(PREFIXES["qb"] + "dataSet")
PROV_DERIVED = URIRef(PREFIXES["prov"] + "wasDerivedFrom")
OA_HAS_SELECTOR = URIRef(PREFIXES["oa"] + "hasSelector")
OA_EXACT = URIRef(PREFIXES["oa"] + "exact")
OA_HAS_SOURCE = URIRef(PREFIXES["oa"] + "hasSource")

#: Dimension properties, by a short name.
DIMENSIONS: dict[str, URIRef] = {
    "period": IPG.refPeriod,
    "area": IPG.refArea,
    "entity": IPG.observedEntity,
    "function": IPG.procuratorialFunction,
    "category": IPG.caseCategory,
    "charge": IPG.charge,
    "right": IPG.rightType,
    "breakdown": IPG.breakdown,
    "unit": IPG.statUnit,
    "measure": IPG.statMeasure,
}
ROUNDED_MEASURES = {"share", "rate", "change-rate", "change-multiple", "average-duration"}


def local(iri: object) -> str:
    """The slug of an identifier IRI (``…/id/charge/art-213-…`` → ``art-213-…``)."""
    text = str(iri)
    return text.rsplit("/", 1)[-1] if text.startswith(ID_BASE) else text


@dataclass
class Obs:
    """One stated figure."""

    iri: URIRef
    dataset: URIRef
    dims: dict[str, str]  # short dimension name -> slug (or the year)
    value: Fraction | None
    qualifier: str
    base_period: str | None
    share_of: URIRef | None
    quotes: list[str] = field(default_factory=list)
    written: str | None = None  # how the value is written in its quote ("144.3", "five")
    direction: str | None = None  # for a trend: increase | decrease | stable | emerging
    quote_texts: list[str] = field(default_factory=list)  # the text each quote is in (its source key), in order

    @property
    def measure(self) -> str:
        """The statistical measure."""
        return self.dims["measure"]

    @property
    def period(self) -> str:
        """The reference year."""
        return self.dims["period"]

    def key(self, **changes: str) -> tuple[tuple[str, str], ...]:
        """The dimension values (some replaced), as a hashable key."""
        d = {**self.dims, **changes}
        return tuple(sorted(d.items()))

    def interval(self) -> Interval:
        """The values consistent with the stated value, its rounding and its qualifier."""
        assert self.value is not None
        v = self.value
        if self.qualifier in ("at-least", "more-than"):
            return Interval(v, INFINITY)
        if self.qualifier in ("at-most", "less-than"):
            return Interval(Fraction(0), v)
        if self.measure in ROUNDED_MEASURES and self.written is not None and _is_digits(self.written):
            decimals = len(self.written.split(".")[1]) if "." in self.written else 0
            return Interval.rounded(v, decimals)
        return Interval.exact(v)


def _is_digits(text: str) -> bool:
    return text.replace(",", "").replace(".", "").isdigit()


def load_observations(ds: Dataset | Graph) -> list[Obs]:
    """Every stated observation (figures and trends) with its quotes."""
    out: list[Obs] = []
    for o in sorted(set(ds.subjects(RDF.type, IPG.StatedObservation)), key=str):
        assert isinstance(o, URIRef)
        dims = {name: _plain(ds.value(o, prop)) for name, prop in DIMENSIONS.items()}
        raw = ds.value(o, IPG.obsValue)
        value = Fraction(Decimal(str(raw))) if isinstance(raw, Literal) else None
        base = ds.value(o, IPG.basePeriod)
        quotes: list[str] = []
        quote_texts: list[str] = []
        for q in sorted(ds.objects(o, PROV_DERIVED), key=str):
            for sel in ds.objects(q, OA_HAS_SELECTOR):
                exact = ds.value(sel, OA_EXACT)
                if exact is not None:
                    quotes.append(str(exact))
                    quote_texts.append(local(ds.value(q, OA_HAS_SOURCE) or ""))
        share_of = ds.value(o, IPG.shareOf)
        obs = Obs(
            o,
            URIRef(str(ds.value(o, QB_DATASET))),
            dims,
            value,
            local(ds.value(o, IPG.valueQualifier) or "exact"),
            local(base) if base is not None else None,
            share_of if isinstance(share_of, URIRef) else None,
            quotes,
            quote_texts=quote_texts,
        )
        if value is not None:
            obs.written = _written_form(value, quotes)
        direction = ds.value(o, IPG.trendDirection)
        if direction is not None:
            obs.direction = local(direction)
        out.append(obs)
    return out


def _plain(node: object) -> str:
    return local(node) if isinstance(node, URIRef) else str(node)


def _written_form(value: Fraction, quotes: list[str]) -> str | None:
    wanted = abs(value)
    for text in quotes:
        for m in find_numbers(text):
            if m.value is not None and Fraction(m.value) == wanted:
                return m.digits  # "58.09" for ５８．０９％: the rounding the text gives
    return None
