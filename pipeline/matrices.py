"""Responsibility matrices: who leads and who cooperates on each action, per notice and overall.

Reads notice records (the objects of ``notices.jsonl``), never raw files, and writes
``OUT/matrices/``:

- ``<stem>.csv``: one row per action (``number, title``), one column per unit; a cell is
  牵头, 配合 or empty. Columns follow the category order of ``extractors/data/units.csv``,
  then the number of actions the unit takes part in (most first). The header is the
  unit's canonical display name (工业和信息化局), or the name as printed when the unit
  is not in the unit table.
- ``legend.csv``: for every matrix column, its unit id and the names as the notice prints
  them (县工信局 and 县工科局 are both 工业和信息化局).
- ``all.csv``: one row per unit (``unit_canonical``), then per notice the number of actions
  it leads and cooperates on (``<stem>:lead``, ``<stem>:cooperating``).
- ``lead_by_county.xlsx``: units × counties, one sheet for 牵头 and one for 配合.

A unit named in both lists of one action counts as lead there (as 牵头 wins the cell).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from extractors.knowledge import UnitTable, default_knowledge
from pipeline.write import atomic_write, write_csv

LEAD_CELL, COOPERATING_CELL = "牵头", "配合"
ROLES = ("lead", "cooperating")
UNKNOWN_CATEGORY = "未知"
# File names inside matrices/ that a notice's stem must not take over.
RESERVED_STEMS = frozenset({"all", "legend"})
# Excel column widths in characters: CJK glyphs are about two Latin characters wide.
XLSX_NAME_WIDTH, XLSX_COUNT_WIDTH = 24, 12


@dataclass(frozen=True, slots=True)
class Column:
    """One unit column of a notice's matrix."""

    key: str  # canonical id, or the printed name when the unit is unknown
    canonical: str | None
    header: str  # canonical display name, or the printed name
    category: str
    names: tuple[str, ...]  # as printed in this notice, in first-seen order
    led: int
    cooperated: int


def notice_keys(sources: Iterable[str]) -> list[str]:
    """File stems of the sources, made unique and kept clear of the matrices' own files.

    >>> notice_keys(["a/notice.txt", "b/notice.txt", "c/all.txt"])
    ['notice', 'notice-2', 'all-2']
    """
    next_key = NoticeKeys()
    return [next_key(source) for source in sources]


class NoticeKeys:
    """Hands out notice keys one source at a time, so a stream of records needs no second pass."""

    def __init__(self) -> None:
        self.seen: Counter = Counter({stem: 1 for stem in RESERVED_STEMS})

    def __call__(self, source: str) -> str:
        stem = Path(source).stem
        self.seen[stem] += 1
        return stem if self.seen[stem] == 1 else f"{stem}-{self.seen[stem]}"


def unit_key(unit: dict) -> str:
    """A unit's identity across notices: its canonical id, or its printed name when unknown."""
    return unit.get("canonical") or unit["name"]


def action_roles(action: dict) -> dict[str, str]:
    """unit key -> role for one action; lead wins over cooperating."""
    roles = {unit_key(u): "cooperating" for u in action.get("cooperating", [])}
    roles.update({unit_key(u): "lead" for u in action.get("lead", [])})
    return roles


def category_rank(table: UnitTable) -> dict[str, int]:
    """Categories in the order they first appear in units.csv; unknown units come last."""
    rank: dict[str, int] = {}
    for info in table.units.values():
        rank.setdefault(info.category, len(rank))
    rank.setdefault(UNKNOWN_CATEGORY, len(rank))
    return rank


def notice_columns(record: dict, table: UnitTable | None = None) -> list[Column]:
    """The unit columns of one notice's matrix, in display order."""
    table = table or default_knowledge().units
    rank = category_rank(table)
    table_order = {unit_id: n for n, unit_id in enumerate(table.units)}
    names: dict[str, list[str]] = {}
    canonical: dict[str, str | None] = {}
    counts: dict[str, Counter] = {}
    for action in record.get("actions", []):
        for role in ROLES:
            for unit in action.get(role, []):
                key = unit_key(unit)
                canonical.setdefault(key, unit.get("canonical"))
                seen = names.setdefault(key, [])
                if unit["name"] not in seen:
                    seen.append(unit["name"])
        for key, role in action_roles(action).items():
            counts.setdefault(key, Counter())[role] += 1
    columns = []
    for key in names:
        info = table.units.get(canonical[key]) if canonical[key] else None
        columns.append(Column(key, canonical[key], info.display_name if info else key,
                              info.category if info else UNKNOWN_CATEGORY, tuple(names[key]),
                              counts[key]["lead"], counts[key]["cooperating"]))
    columns.sort(key=lambda c: (rank.get(c.category, len(rank)), -(c.led + c.cooperated), -c.led,
                                table_order.get(c.key, len(table_order)), c.key))
    return _unique_headers(columns)


def _unique_headers(columns: list[Column]) -> list[Column]:
    """Two units with one display name (an unknown unit printed as a known display name) get their key added."""
    taken = Counter(c.header for c in columns)
    return [c if taken[c.header] == 1 else Column(c.key, c.canonical, f"{c.header}（{c.key}）", c.category,
                                                    c.names, c.led, c.cooperated)
            for c in columns]


def matrix_rows(record: dict, columns: Sequence[Column]) -> list[list[object]]:
    """One row per action: number, title, then 牵头 / 配合 / "" per column."""
    cell = {"lead": LEAD_CELL, "cooperating": COOPERATING_CELL}
    rows = []
    for action in record.get("actions", []):
        roles = action_roles(action)
        rows.append([action["number"], action["title"]] + [cell.get(roles.get(c.key), "") for c in columns])
    return rows


def _count_roles(totals: dict[str, Counter], record: dict, key: str) -> None:
    for action in record.get("actions", []):
        for unit, role in action_roles(action).items():
            totals.setdefault(unit, Counter())[(key, role)] += 1


def _sorted_totals(totals: dict[str, Counter], table: UnitTable) -> list[tuple[str, Counter]]:
    """Units in category order, then by the number of actions they take part in (most first)."""
    rank = category_rank(table)

    def order(item: tuple[str, Counter]) -> tuple:
        unit, counts = item
        info = table.units.get(unit)
        return (rank[info.category] if info else rank[UNKNOWN_CATEGORY], -sum(counts.values()), unit)

    return sorted(totals.items(), key=order)


class MatrixWriter:
    """Writes matrices/ one record at a time: a notice's own matrix as it arrives, then
    legend.csv, all.csv and lead_by_county.xlsx on :meth:`close`.

    No record is kept: memory holds only the counts and the legend rows.
    """

    def __init__(self, folder: Path, table: UnitTable | None = None) -> None:
        self.folder = folder
        self.table = table or default_knowledge().units
        self.keys: list[str] = []
        self.counties: list[str] = []
        self.legend: list[list[object]] = []
        self.totals: dict[str, Counter] = {}
        self.next_key = NoticeKeys()

    def add(self, record: dict) -> None:
        key = self.next_key(record["source"])
        self.keys.append(key)
        self.counties.append(county_label(record) or key)
        columns = notice_columns(record, self.table)
        # Not fsynced: rebuilt from notices.jsonl on every run, and one fsync a notice was most of the time.
        write_csv(self.folder / f"{key}.csv", ["number", "title"] + [c.header for c in columns],
                  matrix_rows(record, columns), durable=False)
        self.legend.extend([key, c.header, c.key, c.canonical, c.category, "、".join(c.names), c.led, c.cooperated]
                           for c in columns)
        _count_roles(self.totals, record, key)

    def close(self) -> None:
        table, keys, folder = self.table, self.keys, self.folder
        write_csv(folder / "legend.csv", ["notice", "column", "unit_key", "unit_canonical", "category",
                                          "names_as_printed", "actions_led", "actions_cooperated"], self.legend)
        ordered = _sorted_totals(self.totals, table)
        header = ["unit_canonical"] + [f"{key}:{role}" for key in keys for role in ROLES] + ["display_name", "category"]
        rows = []
        for unit, counts in ordered:
            info = table.units.get(unit)
            rows.append([unit] + [counts[(key, role)] for key in keys for role in ROLES]
                        + [info.display_name if info else unit, info.category if info else UNKNOWN_CATEGORY])
        write_csv(folder / "all.csv", header, rows)
        atomic_write(folder / "lead_by_county.xlsx", county_workbook(keys, self.counties, ordered, table))


def write_matrices(folder: Path, records: Iterable[dict], table: UnitTable | None = None) -> None:
    """Write matrices/<stem>.csv, legend.csv, all.csv and lead_by_county.xlsx from ``records`` (iterated once)."""
    writer = MatrixWriter(folder, table)
    for record in records:
        writer.add(record)
    writer.close()


def county_label(record: dict) -> str | None:
    region = record.get("region") or {}
    return region.get("county") or region.get("city") or region.get("province")


def county_workbook(keys: Sequence[str], labels: Sequence[str],
                    totals: Sequence[tuple[str, Counter]], table: UnitTable) -> bytes:
    """Units × counties, one sheet per role, header frozen; a county with two notices gets two columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    repeated = Counter(labels)
    headers = [label if repeated[label] == 1 else f"{label}（{key}）" for label, key in zip(labels, keys)]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for role, title in (("lead", LEAD_CELL), ("cooperating", COOPERATING_CELL)):
        sheet = workbook.create_sheet(title)
        sheet.append(["单位", "unit_canonical", "category", *headers])
        for unit, counts in totals:
            info = table.units.get(unit)
            sheet.append([info.display_name if info else unit, unit, info.category if info else UNKNOWN_CATEGORY]
                         + [counts.get((key, role), 0) for key in keys])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl stores "=…" as a formula; a unit name never is one
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "B2"
        for index in range(1, len(headers) + 4):
            sheet.column_dimensions[get_column_letter(index)].width = (
                XLSX_NAME_WIDTH if index <= 2 else XLSX_COUNT_WIDTH)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible_zip(buffer.getvalue())


# openpyxl stamps the save time into docProps/core.xml and every ZIP entry; identical input
# must give an identical file, so both get a fixed time.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SAVE_TIME = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def reproducible_zip(data: bytes) -> bytes:
    """The same ZIP package with its timestamps fixed, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "docProps/core.xml":
                content = SAVE_TIME.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            target.writestr(zipfile.ZipInfo(item.filename, date_time=FIXED_ZIP_TIME), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
