"""Reference data the extractors consult, loaded once from ``extractors/data/``.

The tables are plain CSV so that an analyst can review and fix them in one line;
lines starting with ``#`` are comments. Loading is the only I/O in this package and
happens once per process (:func:`default_knowledge` is cached); the extractors take
the loaded tables as arguments.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path


class KnowledgeError(ValueError):
    """A reference table is malformed (duplicate alias, unknown id, bad regex)."""


@dataclass(frozen=True, slots=True)
class UnitInfo:
    id: str
    display_name: str
    category: str


@dataclass(frozen=True, slots=True)
class UnitTable:
    units: dict[str, UnitInfo]
    aliases: dict[str, str]  # alias -> id
    patterns: tuple[tuple[re.Pattern[str], str, str], ...]  # (regex, id, level)
    suffixes: tuple[str, ...]  # longest first
    unseen_suffixes: tuple[str, ...] = ()  # those an unknown name may end in (ends_unseen), longest first
    # Answers already worked out for this table (unit names recur in every notice: ~400
    # lookups a notice, mostly the same few dozen names). Owned by the table, so a test's
    # own table never sees the packaged table's answers.
    memo: dict = field(default_factory=dict, repr=False, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class RegionRow:
    adcode: str
    province: str
    city: str | None
    county: str | None
    # Its names or short forms that are also ordinary words (region_words.csv): found through one
    # of them alone, the row needs its city or province named as well.
    word_names: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Knowledge:
    units: UnitTable
    regions: tuple[RegionRow, ...]


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """CSV rows as dicts, skipping ``#`` comment lines and blank lines."""
    with path.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.lstrip().startswith("#"))
        for row in csv.DictReader(lines):
            yield {key: (value or "").strip() for key, value in row.items()}


def load_unit_table(data_dir: Path) -> UnitTable:
    """Load and validate units.csv, unit_aliases.csv, unit_patterns.csv, unit_suffixes.csv."""
    units: dict[str, UnitInfo] = {}
    for row in read_rows(data_dir / "units.csv"):
        if row["id"] in units:
            raise KnowledgeError(f"units.csv: id {row['id']!r} is listed twice")
        units[row["id"]] = UnitInfo(row["id"], row["display_name"], row["category"])
    aliases: dict[str, str] = {}
    for row in read_rows(data_dir / "unit_aliases.csv"):
        alias, unit_id = row["alias"], row["canonical"]
        if unit_id not in units:
            raise KnowledgeError(f"unit_aliases.csv: {alias!r} points to unknown id {unit_id!r}")
        if aliases.get(alias, unit_id) != unit_id:
            raise KnowledgeError(f"unit_aliases.csv: {alias!r} maps to both {aliases[alias]!r} and {unit_id!r}")
        aliases[alias] = unit_id
    patterns = []
    for row in read_rows(data_dir / "unit_patterns.csv"):
        if row["canonical"] not in units:
            raise KnowledgeError(f"unit_patterns.csv: {row['pattern']!r} points to unknown id {row['canonical']!r}")
        try:
            patterns.append((re.compile(row["pattern"]), row["canonical"], row["level"]))
        except re.error as err:
            raise KnowledgeError(f"unit_patterns.csv: bad regex {row['pattern']!r}: {err}") from err
    suffix_rows = list(read_rows(data_dir / "unit_suffixes.csv"))
    suffixes = tuple(sorted((row["suffix"] for row in suffix_rows), key=len, reverse=True))
    unseen_suffixes = tuple(sorted((row["suffix"] for row in suffix_rows if row.get("ends_unseen") == "1"),
                                   key=len, reverse=True))
    return UnitTable(units, aliases, tuple(patterns), suffixes, unseen_suffixes)


def load_regions(path: Path, words_path: Path | None = None) -> tuple[RegionRow, ...]:
    words = frozenset(row["word"] for row in read_rows(words_path)) if words_path else frozenset()
    rows = []
    for row in read_rows(path):
        names = [name for name in (row["province"], row["city"], row["county"]) if name]
        # a word is one of the row's names, or a name's short form: the name less a region suffix
        word_names = frozenset(word for word in words for name in names
                               if word == name or (name.startswith(word) and REGION_SUFFIX.fullmatch(name[len(word):])))
        rows.append(RegionRow(row["adcode"], row["province"], row["city"] or None, row["county"] or None, word_names))
    return tuple(rows)


REGION_SUFFIX = re.compile(r"(?:维吾尔|壮族|回族)?(?:自治区|自治州|自治县|特别行政区|省|市|州|地区|盟|县|旗|区)")


def data_dir() -> Path:
    return Path(str(resources.files("extractors") / "data"))


@cache
def default_knowledge() -> Knowledge:
    """The packaged tables, loaded once per process."""
    directory = data_dir()
    regions = (load_regions(directory / "regions.csv", directory / "region_words.csv")
               + load_regions(directory / "regions_since_2018.csv", directory / "region_words.csv"))
    return Knowledge(load_unit_table(directory), regions)
