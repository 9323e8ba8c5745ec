"""Split lists of responsible units and give each unit its identity across notices.

Supports:
    县工信局、县乡村振兴局、县文旅局 -> three units
    县财政局等部门和各乡镇政府 -> 县财政局, 各乡镇政府 (等部门 names nothing itself)
    各乡镇政府和闻喜经开区管委会 -> two units, while 县发改和科技局 and 县住房和城乡建设局 stay whole
    县工信局 / 县工科局 -> canonical 工业和信息化, level county
    市生态环境局壶关分局 -> canonical 生态环境, level city-branch (a pattern in unit_patterns.csv)
    中共壶关县委组织部 -> canonical 组织, level county (alias 委组织部 after the prefix 中共壶关县)
    省工业和信息化厅 / 市经信局 / 区工信局 -> one id 工业和信息化, levels province / city / district
    縣工信局 -> the traditional form is converted (OpenCC t2s) and read as 县工信局
    各乡(镇)人民政府 -> ASCII brackets read as full-width ones
    县工信局（牵头） / 县发改局（县能源局） -> the unit before the trailing brackets
    各县（市、区）人民政府、市直各有关单位 -> two units: a 、 inside brackets belongs to the name
    闻喜经开区管委会 -> level county: a bare place name gives its own level (regions.csv)
    县财政局县教育局 / 以下任务由县发改局 -> cut and trimmed by the unit pipeline (make_units)
Avoids:
    Guessing: a name that no alias or pattern knows keeps canonical None.
    Bare words: 部门 / 办公室 alone are no unit (领导小组办公室 stays unknown).
"""

from __future__ import annotations

import re
from functools import cache

from extractors.knowledge import UnitTable
from extractors.records import Span, Unit

# 等部门, 等有关单位, 等相关部门: the list before it is complete as printed; the word is no unit.
ET_CETERA = re.compile(r"等(?:有关|相关)?(?:部门|单位|机构|成员单位)?(?=\s*(?:和|及|、|，|$))")
LIST_SEPARATORS = re.compile(r"[、，,；;/]|以及|及")
# The level a unit's prefix states; a place name before the function name gives its own level.
# Longer words first: 自治区 is a province, not a 区; 区级相关部门 is the district's.
LEVEL_PREFIXES = (("各", "collective"), ("各级", "collective"), ("省级", "province"), ("市级", "city"),
                  ("县级", "county"), ("区级", "district"), ("自治区", "province"),
                  ("自治州", "city"), ("自治县", "county"), ("省", "province"), ("市", "city"),
                  ("州", "city"), ("盟", "city"), ("县", "county"), ("旗", "county"), ("区", "district"),
                  ("乡", "township"), ("镇", "township"), ("街道", "township"))
# Notices print ASCII brackets as often as full-width ones: 各乡(镇)人民政府.
BRACKETS = str.maketrans({"(": "（", ")": "）", "〔": "（", "〕": "）"})  # 各市〔州〕人民政府 as 各市（州）人民政府
# A bracketed remark or second name after a unit: 县工信局（牵头）, 县发改局（县能源局）.
TRAILING_BRACKET = re.compile(r"（[^（）]*）$")


def level_of(prefix: str) -> str | None:
    """Level stated by what stands before the function name.

    A level word decides (县 -> county, 各 -> collective); a bare place name gives its own
    level from the region table (闻喜 -> county, 长治 -> city); anything else is "local".

    >>> level_of("县"), level_of("闻喜"), level_of("长治"), level_of("专业")
    ('county', 'county', 'city', 'local')
    """
    if not prefix:
        return None
    for word, level in LEVEL_PREFIXES:
        if prefix.endswith(word) or prefix == word:
            return level
    return place_levels().get(prefix, "local")


@cache
def place_levels() -> dict[str, str]:
    """Short place names (闻喜, 长治, 山西) and their level, from the packaged region table.

    A short name that is both a city's and a county's (长治 / 长治县 before 2019) counts as
    the city's: a notice naming a county's body writes the county's name in full.
    """
    from extractors.knowledge import default_knowledge

    levels: dict[str, str] = {}
    for level in ("county", "city", "province"):  # later levels win a shared short name
        for region in default_knowledge().regions:
            name = {"county": region.county, "city": region.city, "province": region.province}[level]
            if name:
                short = re.sub(r"(?:维吾尔|壮族|回族)?(?:自治区|自治州|自治县|特别行政区|省|市|县|区|旗|盟|地区)$", "", name)
                if len(short) >= 2:
                    # the county column holds districts too: 立山区 is a district
                    levels[short] = "district" if level == "county" and name.endswith("区") else level
    return levels


def identify(name: str, table: UnitTable) -> tuple[str | None, str | None]:
    """(canonical id, level) of one unit name; (None, None) when nothing knows it.

    The name is read in simplified characters (so 縣 gives its level too); patterns (names
    with a place inside) come first, then the longest alias ending the name.

    >>> from extractors.knowledge import default_knowledge
    >>> table = default_knowledge().units
    >>> identify("县工科局", table), identify("县发改和科技局", table)
    (('工业和信息化', 'county'), ('发展和改革', 'county'))
    >>> identify("运城银保监分局闻喜监管组", table), identify("縣審批服務管理局", table)
    (('金融监管', 'national-branch'), ('行政审批', 'county'))
    """
    key = ("identify", name)
    found = table.memo.get(key)
    if found is None:
        if len(table.memo) >= MEMO_LIMIT:
            table.memo.clear()
        found = table.memo[key] = _identify(name, table)
    return found


# Names seen in a long run of many corpora stay bounded.
MEMO_LIMIT = 100_000


def _identify(name: str, table: UnitTable) -> tuple[str | None, str | None]:
    name = name.strip().translate(BRACKETS)
    simplified = to_simplified(name)
    found = _identify_simplified(simplified, table)
    if found[0] is None and simplified != name:
        found = _identify_simplified(name, table)
    if found[0] is None and TRAILING_BRACKET.search(name):
        # 县工信局（牵头）, 县发改局（县能源局）: the name before the brackets is the unit
        return identify(TRAILING_BRACKET.sub("", name), table)
    return found


def _identify_simplified(name: str, table: UnitTable) -> tuple[str | None, str | None]:
    for pattern, unit_id, level in table.patterns:
        if pattern.search(name):
            return unit_id, level
    for start in range(len(name)):
        unit_id = table.aliases.get(name[start:])
        if unit_id is not None:
            return unit_id, level_of(name[:start])
    return None, None


@cache
def _t2s():
    import opencc  # loaded on the first name identified, never at import time

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters (OpenCC t2s); the length never changes.

    >>> to_simplified("縣工信局、縣鄉村振興局")
    '县工信局、县乡村振兴局'
    """
    converted = _t2s().convert(text)
    # t2s maps unit names character by character; a phrase rule that changed the length would
    # break spans, so such a conversion is not used.
    return converted if len(converted) == len(text) else text


def _alias_start(name: str, table: UnitTable) -> int | None:
    """Where the longest known alias ending ``name`` starts, or None."""
    key = ("alias_start", name)
    if key not in table.memo:
        if len(table.memo) >= MEMO_LIMIT:
            table.memo.clear()
        table.memo[key] = _alias_start_uncached(name, table)
    return table.memo[key]


def _alias_start_uncached(name: str, table: UnitTable) -> int | None:
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


def _inside_brackets(text: str) -> list[bool]:
    """For each character, whether it stands inside （…）: 各县（市、区）人民政府 is one unit."""
    bracketed = text.translate(BRACKETS)
    if "（" not in bracketed:  # most lists: no bracket, so no character-by-character walk
        return [False] * len(text)
    depth, inside = 0, []
    for char in bracketed:
        depth = depth + 1 if char == "（" else max(depth - 1, 0) if char == "）" else depth
        inside.append(depth > 0 and char != "（")
    # A bracket that never closes protects nothing: better to cut the list than to swallow it.
    return inside if depth == 0 else [False] * len(text)


def split_units(text: str, offset: int, table: UnitTable) -> list[tuple[str, Span]]:
    """Unit names in a list such as ``县财政局、县自然资源局等部门和各乡镇政府``.

    ``offset`` is where ``text`` starts in the normalised notice; spans are absolute.

    >>> from extractors.knowledge import default_knowledge
    >>> [name for name, _ in split_units("县财政局等部门和各乡镇政府", 0, default_knowledge().units)]
    ['县财政局', '各乡镇政府']
    >>> [name for name, _ in split_units("各县（市、区）人民政府、市直各有关单位", 0, default_knowledge().units)]
    ['各县（市、区）人民政府', '市直各有关单位']
    """
    names: list[tuple[str, Span]] = []
    cursor = 0
    inside = _inside_brackets(text)
    boundaries = sorted([(m.start(), m.end()) for m in LIST_SEPARATORS.finditer(text) if not inside[m.start()]]
                        + [(m.start(), m.end()) for m in ET_CETERA.finditer(text)])
    for sep_start, sep_end in boundaries + [(len(text), len(text))]:
        if sep_start < cursor:
            continue
        piece = text[cursor:sep_start]
        piece_start = cursor
        # A piece left after 等部门 starts with the conjunction that joined it: 和各乡镇政府.
        stripped = piece.lstrip("和与及")
        piece_start += len(piece) - len(stripped)
        trimmed = stripped.strip().rstrip("。．.")  # a table cell may close with a full stop
        piece_start += len(stripped) - len(stripped.lstrip())
        if trimmed:
            names.extend(_split_on_he(trimmed, offset + piece_start, table))
        cursor = sep_end
    return _join_elided(names, text, offset, table)


# The body word a list of places may share: 相关市、县政府 / 哈尔滨、黑河、绥芬河市政府 / 各州、市人民政府.
SHARED_BODY = re.compile(r"(?:人民政府|政府|党委|管委会)$")


def _join_elided(names: list[tuple[str, Span]], text: str, offset: int, table: UnitTable) -> list[tuple[str, Span]]:
    """Places that share the body word of the name after them are one unit, as printed.

    ``相关市、县政府`` names 相关市政府 and 县政府 with one 政府, ``哈尔滨、黑河、绥芬河市政府`` three
    city governments; 相关市 or 黑河 alone is no unit, so the pieces are joined back (across 、
    only) rather than left as fragments beside a unit.
    """
    # shares[i]: names[i] is a place whose body word is printed once, at the end of a run of 、.
    shares = [False] * len(names)
    for index in range(len(names) - 2, -1, -1):
        name, span = names[index]
        following, following_span = names[index + 1]
        shares[index] = (len(name) <= 5 and text[span[1] - offset:following_span[0] - offset] == "、"
                         and not SHARED_BODY.search(name) and not looks_like_unit(name, table)
                         and (bool(SHARED_BODY.search(following)) or shares[index + 1]))
    joined: list[tuple[str, Span]] = []
    run_start: int | None = None
    for index, (name, span) in enumerate(names):
        if shares[index]:
            run_start = span[0] if run_start is None else run_start
            continue
        if run_start is not None:
            span = (run_start, span[1])
            name, run_start = text[span[0] - offset:span[1] - offset], None
        joined.append((name, span))
    return joined


# Words a list piece may carry before its unit: 由县工信局负责, 请县财政局配合, 以下任务由县发改局.
LEADING_FUNCTION_WORDS = re.compile(r"^(?:[\u4e00-\u9fff]{0,6}?(?:由|请|经|会同|同))$")
# What may stand between two units run together in one piece: nothing, or a conjunction.
RUN_TOGETHER_GAP = re.compile(r"^[和与及\s]*$")


def make_units(text: str, offset: int, table: UnitTable, nlp=None) -> tuple[Unit, ...]:
    """Split a list and identify every unit in it.

    The rules of :func:`split_units` cut the list; the unit pipeline of
    :mod:`extractors.unit_ner` (``nlp``, default :func:`extractors.unit_ner.unit_nlp`) then
    reads the same text and checks each piece: a piece holding two units run together
    (县财政局县教育局) is cut where the pipeline found them, and a function word before a
    single unit (由县工信局) is left out of its name. A piece the pipeline cannot account
    for is kept as printed, so nothing the notice names is lost.

    >>> [u.name for u in make_units("由县工信局、县财政局县教育局", 0, default_table())]
    ['县工信局', '县财政局', '县教育局']
    """
    from extractors.unit_ner import find_units, unit_nlp

    pieces = split_units(text, offset, table)
    # The pipeline only changes pieces the table cannot read cleanly; most lists need no pass.
    found = (find_units(text, offset, nlp or unit_nlp(table), table)
             if not all(_reads_cleanly(name, table) for name, _ in pieces) else [])
    units = []
    for name, span in pieces:
        # a piece the table reads as one unit stays one (区政府有关部门 is no 区政府 + 有关部门)
        refined = [(name, span)] if _reads_cleanly(name, table) else _refine(name, span, found)
        for piece, piece_span in refined:
            canonical, level = identify(piece, table)
            units.append(Unit(piece, canonical, level, piece_span))
    return tuple(units)


# Words that, inside what stands before a known function name, show a lead-in (由县工信局)
# rather than a level or a place; a unit word there shows two units run together (县财政局县教育局).
LEAD_IN_CHARS = frozenset("由请经同会以下任务")


def _reads_cleanly(name: str, table: UnitTable) -> bool:
    """True when ``name`` is one known unit: a pattern, or an alias after a short level or place prefix."""
    key = ("clean", name)
    if key not in table.memo:
        table.memo[key] = _reads_cleanly_uncached(name, table)
    return table.memo[key]


def _reads_cleanly_uncached(name: str, table: UnitTable) -> bool:
    start = _alias_start(name, table)
    if start is None:
        return False
    prefix = name[:start]
    return (len(prefix) <= 4 and not LEAD_IN_CHARS.intersection(prefix)
            and not any(suffix in prefix for suffix in table.suffixes))


def _refine(name: str, span: Span, found) -> list[tuple[str, Span]]:
    """The piece ``name`` as the units the pipeline found inside it, or as it stands."""
    inside = [f for f in found if span[0] <= f.span[0] and f.span[1] <= span[1]]
    if not inside or (len(inside) == 1 and inside[0].span == span):
        return [(name, span)]
    if inside[-1].span[1] != span[1]:
        return [(name, span)]  # text after the last unit: 县工信局（牵头） is the caller's to read
    lead_in = name[:inside[0].span[0] - span[0]]
    gaps = [name[a.span[1] - span[0]:b.span[0] - span[0]] for a, b in zip(inside, inside[1:])]
    if (lead_in and not LEADING_FUNCTION_WORDS.match(lead_in)) or not all(RUN_TOGETHER_GAP.match(g) for g in gaps):
        return [(name, span)]
    return [(f.name, f.span) for f in inside]


def default_table() -> UnitTable:
    """The packaged unit table (for doctests and callers without their own)."""
    from extractors.knowledge import default_knowledge

    return default_knowledge().units
