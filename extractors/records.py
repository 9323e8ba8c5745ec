"""Typed, frozen records shared by the outline and the extractors.

Every record carries the ``span`` it came from: ``[start, end)`` offsets into the
normalised text, so that ``text[start:end]`` is exactly what an analyst can check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Section:
    """One numbered heading of the notice (一、 / （一） / 1. / （1） / 第一条)."""

    level: int  # 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）, 0 = 第一条
    marker: str  # the marker as printed, e.g. "（一）"
    ordinal: int  # the number the marker stands for: （十） -> 10
    title: str | None  # heading without its marker; None for a numbered paragraph with no heading
    title_span: Span | None
    span: Span  # from the marker to the start of the next heading of the same or a higher level
    parent: int | None  # index of the enclosing section in the outline, None at top level
    part: str = "body"  # "body" or "attachment"


@dataclass(frozen=True, slots=True)
class Unit:
    """A responsible unit as the notice names it, with its identity across notices."""

    name: str  # exactly as printed (line and page breaks removed)
    canonical: str | None  # id in extractors/data/units.csv, None when unknown
    level: str | None  # county, city, province, district, township, collective, ... or None
    span: Span


@dataclass(frozen=True, slots=True)
class Action:
    """One numbered task with the units that lead it and those that cooperate."""

    number: int
    marker: str
    title: str
    lead: tuple[Unit, ...]
    cooperating: tuple[Unit, ...]
    span: Span
    title_span: Span
    responsibility_span: Span | None
    rule: str  # which responsibility phrasing fired, e.g. "responsibility.paren.qiantou"
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Threshold:
    """A bar or target the notice sets: comparator, value in base units, unit, year."""

    text: str
    metric: str | None
    subject: str | None
    op: str  # ">=", ">", "<=", "<", "=", "~", "range"
    value: Decimal
    value_max: Decimal | None
    unit: str
    year: int | None
    span: Span
    rule: str


@dataclass(frozen=True, slots=True)
class CitedPolicy:
    title: str
    doc_number: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Region:
    province: str | None
    city: str | None
    county: str | None


@dataclass(frozen=True, slots=True)
class Metadata:
    doc_number: str | None = None
    issuer: str | None = None
    title: str | None = None
    plan_title: str | None = None
    signed_date: str | None = None
    published_date: str | None = None
    region: Region = field(default_factory=lambda: Region(None, None, None))
    cited_policies: tuple[CitedPolicy, ...] = ()
    index_number: str | None = None
    publishing_agency: str | None = None
    addressees: tuple[str, ...] = ()
