"""Split lists of responsible units and give each unit its identity across notices.

Supports:
    县工信局、县乡村振兴局、县文旅局 -> three units
    县财政局等部门和各乡镇政府 -> 县财政局, 各乡镇政府 (等部门 names nothing itself)
    各乡镇政府和闻喜经开区管委会 -> two units, while 县发改和科技局 and 县住房和城乡建设局 stay whole
    县工信局 / 县工科局 -> canonical 工业和信息化, level county
    市生态环境局壶关分局 -> canonical 生态环境, level city-branch (a pattern in unit_patterns.csv)
Avoids:
    Guessing: a name that no alias or pattern knows keeps canonical None.
"""

from __future__ import annotations

import re

from extractors.knowledge import UnitTable
from extractors.records import Span, Unit

# 等部门, 等有关单位, 等相关部门: the list before it is complete as printed; the word is no unit.
ET_CETERA = re.compile(r"等(?:有关|相关)?(?:部门|单位|机构|成员单位)?(?=和|及|、|，|$)")
LIST_SEPARATORS = re.compile(r"[、，,；;/]|以及|及")
# The level a unit's prefix states; anything else before the function name is a place name.
LEVEL_PREFIXES = (("各", "collective"), ("省", "province"), ("市", "city"), ("州", "city"),
                  ("盟", "city"), ("县", "county"), ("旗", "county"), ("区", "district"),
                  ("乡", "township"), ("镇", "township"), ("街道", "township"))


def level_of(prefix: str) -> str | None:
    """Level stated by what stands before the function name: 县 -> county, 闻喜 -> local."""
    if not prefix:
        return None
    for word, level in LEVEL_PREFIXES:
        if prefix.endswith(word) or prefix == word:
            return level
    return "local"


def identify(name: str, table: UnitTable) -> tuple[str | None, str | None]:
    """(canonical id, level) of one unit name.

    >>> from extractors.knowledge import default_knowledge
    >>> table = default_knowledge().units
    >>> identify("县工科局", table), identify("县发改和科技局", table)
    (('工业和信息化', 'county'), ('发展和改革', 'county'))
    >>> identify("运城银保监分局闻喜监管组", table)
    ('金融监管', 'national-branch')
    """
    for pattern, unit_id, level in table.patterns:
        if pattern.search(name):
            return unit_id, level
    for start in range(len(name)):
        unit_id = table.aliases.get(name[start:])
        if unit_id is not None:
            return unit_id, level_of(name[:start])
    return None, None


def _alias_start(name: str, table: UnitTable) -> int | None:
    """Where the longest known alias ending ``name`` starts, or None."""
    if any(pattern.search(name) for pattern, _, _ in table.patterns):
        return 0
    return next((start for start in range(len(name)) if name[start:] in table.aliases), None)


def looks_like_unit(name: str, table: UnitTable) -> bool:
    """A complete unit name: known to the table, or ending in a unit word (局, 中心, 管委会…)."""
    return identify(name, table)[0] is not None or name.endswith(table.suffixes)


def _split_on_he(piece: str, start: int, table: UnitTable) -> list[tuple[str, Span]]:
    """Split ``A和B`` only where both sides are whole units (never 县发改和科技局)."""
    if "和" not in piece:
        return [(piece, (start, start + len(piece)))]
    protected_from = _alias_start(piece, table)
    for match in re.finditer("和", piece):
        if protected_from is not None and match.start() >= protected_from:
            break  # this 和 belongs to a known name: 县发改和科技局, 县住房和城乡建设局
        left, right = piece[:match.start()], piece[match.end():]
        if left and right and looks_like_unit(left, table) and looks_like_unit(right, table):
            return [(left, (start, start + len(left)))] + _split_on_he(right, start + match.end(), table)
    return [(piece, (start, start + len(piece)))]


def split_units(text: str, offset: int, table: UnitTable) -> list[tuple[str, Span]]:
    """Unit names in a list such as ``县财政局、县自然资源局等部门和各乡镇政府``.

    ``offset`` is where ``text`` starts in the normalised notice; spans are absolute.

    >>> from extractors.knowledge import default_knowledge
    >>> [name for name, _ in split_units("县财政局等部门和各乡镇政府", 0, default_knowledge().units)]
    ['县财政局', '各乡镇政府']
    """
    names: list[tuple[str, Span]] = []
    cursor = 0
    boundaries = sorted([(m.start(), m.end()) for m in LIST_SEPARATORS.finditer(text)]
                        + [(m.start(), m.end()) for m in ET_CETERA.finditer(text)])
    for sep_start, sep_end in boundaries + [(len(text), len(text))]:
        if sep_start < cursor:
            continue
        piece = text[cursor:sep_start]
        piece_start = cursor
        # A piece left after 等部门 starts with the conjunction that joined it: 和各乡镇政府.
        stripped = piece.lstrip("和与及")
        piece_start += len(piece) - len(stripped)
        trimmed = stripped.strip()
        piece_start += len(stripped) - len(stripped.lstrip())
        if trimmed:
            names.extend(_split_on_he(trimmed, offset + piece_start, table))
        cursor = sep_end
    return names


def make_units(text: str, offset: int, table: UnitTable) -> tuple[Unit, ...]:
    """Split a list and identify every unit in it."""
    units = []
    for name, span in split_units(text, offset, table):
        canonical, level = identify(name, table)
        units.append(Unit(name, canonical, level, span))
    return tuple(units)
