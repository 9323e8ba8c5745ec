"""Find task tables a page flattened into one cell per line.

Portals and converters print a table's cells on lines of their own (``pipeline.normalise``
also puts the cells of tab- and bar-separated rows on lines of their own), so a table reads:

    序号 / 民生实事 / 责任单位 / 完成时限 / 1 / 新建2座人行天桥。 / 县住建局 / 9月投入使用 / 2 / …

The header is a run of short lines from 序号 (or 编号) to the first row number; each row
starts with a line that is only its number and runs to the next number. A row may have more
lines than the header has cells (a unit cell printed one unit per line) or fewer (a cut page).
This module only finds the header and the rows' lines; what a column means to an extractor
(units, a task, a progress report) is the extractor's to decide.

Supports:
    序号 / 具体工作任务和要求 / 责任领导 / 责任单位 / 落实情况 / 1 / … / 2 / …
    序号 / 项目名称 / 建设地点 / 建设时间 / 2024年建设内容 / 年度投资金额（万元） / 责任单位 / 1 / …
Avoids:
    a 序号 line followed by prose (no header), a list whose first number is not 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The first header cell, and any other: short, no sentence in it.
NUMBER_HEADER = re.compile(r"^(?:序号|编号)$")
HEADER_CELL = re.compile(r"^[^。，；：:,]{1,14}$")
# A header row ends at the first row number; it has at most this many cells after 序号.
MAX_COLUMNS = 10
# At most this many group rows (headings of the table's own parts) stand between two rows.
MAX_GROUP_ROWS = 4
# A row longer than this many lines per column is no row of the table: the table has ended.
MAX_LINES_PER_COLUMN = 3

# A heading after a table, or a group row inside it (二、重点做好以下九个方面工作): no row's cell.
SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|附件)")

Line = tuple[str, int]  # a line's text and the offset it starts at


@dataclass(frozen=True, slots=True)
class FlatTable:
    """A flattened table: its header cells after 序号 and, per row, its number line and lines."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Line, tuple[Line, ...]], ...]


def lines_with_offsets(text: str) -> list[Line]:
    """Every line of ``text`` with the offset it starts at.

    >>> lines_with_offsets("序号\\n1")
    [('序号', 0), ('1', 3)]
    """
    lines, position = [], 0
    for line in text.split("\n"):
        lines.append((line, position))
        position += len(line) + 1
    return lines


def flat_tables(text: str) -> list[FlatTable]:
    """The flattened tables of ``text``, in document order.

    >>> [table.columns for table in flat_tables("序号\\n任务\\n责任单位\\n1\\n新建2座人行天桥。\\n县住建局")]
    [('任务', '责任单位')]
    """
    if "序号" not in text and "编号" not in text:
        return []  # most notices have no table: no need to walk their lines
    lines = lines_with_offsets(text)
    tables: list[FlatTable] = []
    index = 0
    while index < len(lines):
        if not NUMBER_HEADER.match(lines[index][0].strip()):
            index += 1
            continue
        columns: list[str] = []
        cursor = index + 1
        while cursor < len(lines) and len(columns) < MAX_COLUMNS:
            cell = lines[cursor][0].strip()
            if _is_row_number(cell, 1) or not HEADER_CELL.match(cell):
                break
            columns.append(cell)
            cursor += 1
        rows: list[tuple[Line, tuple[Line, ...]]] = []
        expected = 1
        longest = MAX_LINES_PER_COLUMN * max(len(columns), 1)
        while columns and cursor < len(lines):
            if not _is_row_number(lines[cursor][0], expected):
                # group rows before or between rows (二、重点做好以下九个方面工作 / （一）…): the numbering goes on after them
                resumed = next((i for i in range(cursor, min(len(lines), cursor + MAX_GROUP_ROWS + 1))
                                if _is_row_number(lines[i][0], expected)), None)
                if resumed is None:
                    break
                cursor = resumed
            following = next((i for i in range(cursor + 1, min(len(lines), cursor + 1 + longest))
                              if _is_row_number(lines[i][0], expected + 1)), None)
            # The last row may run on into what follows the table (up to the next heading): its
            # reader takes what its cells need.
            end = following if following is not None else min(len(lines), cursor + 1 + longest)
            end = next((i for i in range(cursor + 1, end) if SECTION_HEADING.match(lines[i][0])), end)
            rows.append((lines[cursor], tuple(lines[cursor + 1:end])))
            expected += 1
            cursor = end
        if rows:
            tables.append(FlatTable(tuple(columns), tuple(rows)))
        index = max(cursor, index + 1)
    return tables


def _is_row_number(line: str, number: int) -> bool:
    """``line`` is row ``number``'s marker: 1, （1）, 1. or 1、 on a line of its own.

    >>> _is_row_number("（2）", 2), _is_row_number("2", 2), _is_row_number("12", 2)
    (True, True, False)
    """
    return ROW_NUMBER.sub(r"\1", line.strip()) == str(number)


ROW_NUMBER = re.compile(r"^[（(]?(\d{1,3})[）).．、]?$")
