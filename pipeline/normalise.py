"""Normalise decoded notice text into one string with an offset map back to the original.

What changes, and why:

* Line ends: CRLF and CR become LF; blank lines disappear (a paragraph is a line).
* Width: full-width ASCII (``２０２３``, ``５０％``) becomes half-width so numbers match;
  the punctuation that structures Chinese text (``( ) , : ; ! ?``) is made full-width
  (``（一）``, ``，``) unless it sits between two ASCII characters (``12:30``, ``http://``).
* Spaces: removed unless both neighbours are ASCII letters or digits, so ``年产值 5 亿元``
  and ``50% 以上`` read ``年产值5亿元`` and ``50%以上`` while ``Python 3`` survives.
* Pinyin glosses: some mirror sites print a reading after characters they think rare
  (``專業(yè)鎮(zhèn)``, ``發(fā)布日期``); a parenthesised syllable with a tone mark right after a
  Chinese character is dropped, so the words read ``專業鎮``, ``發布日期`` again.
* Headings without punctuation: the space after a line's leading ordinal (``一 总体要求``,
  ``1 加强组织领导``) is kept, so the outline still sees a marker.
* Lost line breaks: a very long line (a page that lost its breaks) is split where a sentence
  end meets a heading marker (``。二、``, ``。（三）``), after a title followed by its doc number,
  and between a signature and its date.
* Broken lines: a line cut mid-phrase by a layout or a page break (``…、运`` / ``城银保监
  分局…``) is joined to the next one; headings, titles, dates and ``标签：`` field lines
  are never glued to what follows, and a signature or date line is never glued to what precedes it.

Every character of :attr:`NormalisedText.text` maps to the index of the character of
the decoded original it came from (:meth:`NormalisedText.original_span`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Characters with no visible meaning that editors and converters leave behind.
INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}
SPACES = {" ", "\t", "\u3000", "\u00a0", "\u2002", "\u2003", "\u2009", "\u202f", "\x0b", "\x0c"}
# ASCII punctuation that Chinese text uses full-width; folded so one pattern matches both.
WIDEN = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；", "!": "！", "?": "？"}
# Line ends: CRLF counts once; Unicode line and paragraph separators and NEL count too.
LINE_END = re.compile("\r\n|[\r\n\u2028\u2029\x85]")
# A line ending in one of these closes its sentence, so the next line starts afresh.
TERMINAL = set("。！？；：…")
# Heading markers a continuation line can never start with.
HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|（[一二三四五六七八九十百]+）|\d{1,2}[.．、](?!\d)|（\d{1,2}）|\d{1,2}）"
    r"|[一二三四五六七八九十]{1,3} (?=[\u4e00-\u9fff])|\d{1,2} (?=[\u4e00-\u9fff])|[一二三四五六七八九十]是[，、：]"
    r"|第[一二三四五六七八九十百零〇\d]+[章节条]|附件\d*(?:[：:]|$)|[①-⑳])"
)
# "发文字号：…", "成文日期：…": header fields of portal pages and 版记 stand alone.
FIELD_LINE = re.compile(r"^[\u4e00-\u9fff]{2,6}[：:]")
# Whole-line titles, dates and signatures that are short but carry no closing punctuation.
STANDALONE_END = re.compile(
    r"(?:通知|方案|意见|办法|规定|细则|计划|决定|名单|通告|公告|纲要|规划|批复|函|"
    r"\d{1,2}日|日印发|办公室|人民政府|文件|[|｜]|(?:19|20)\d{2}-\d{1,2}-\d{1,2}|[〕\]］）)]第?\d{1,4}号|已废止[）)]|已失效[）)])$"
)
# A line that can only be a signature or its date: never the tail of the line before it.
SIGNATURE_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[\u4e00-\u9fff]{4,30}(?:人民政府|办公室|办公厅|委员会))$"
)
# A plan's title on a line of its own: no comma or stop, a plan word last (prose has commas
# every dozen characters, so a long line without any is a title, not a wrapped sentence).
TITLE_LINE = re.compile(r"^[^，、。；,;！？]{6,80}(?:措施|政策|要点|清单|分解|分解表|分工表|任务表|一览表|方案|意见|办法|细则|规划|计划|通知)》?$")
# A line that ends one or two characters after a comma was cut by the page's width, mid-clause.
CUT_AFTER_COMMA = re.compile(r"[，、][\u4e00-\u9fff]{1,2}$")
# Commas and enumeration marks inside a line show running prose, not a heading.
PROSE = re.compile(r"[^\s]{2}[，、；]")
# A physical line shorter than this is a heading, title or signature, not a wrapped line.
SHORT_LINE = 20
# 一 总体要求 / 1 加强组织领导: an ordinal, spaces, then the heading's first character (not a unit: 10 月, 5 个).
SPACED_ORDINAL = re.compile(r"^[\s\u3000]*(?:[一二三四五六七八九十]{1,3}|\d{1,2})[ \t\u3000]+(?=[\u4e00-\u9fff])(?![年月日时个家人万亿元千百条项号])")
# A line longer than this with several headings inside it lost its line breaks.
LOST_BREAKS_LINE = 300
# Cuts that only a notice's skeleton makes (一、 after a sentence, 第二条, title / doc number / signature);
# a line needs two of these before any cut is made, so a long paragraph with （一）（二） inside stays whole.
SKELETON_BREAK = re.compile(
    r"(?<=[。；！？）])(?=[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十百零〇]+条)"
    r"|(?:(?<=的通知)|(?<=文件))(?=[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕)"
    r"|(?:(?<=人民政府)|(?<=办公室)|(?<=办公厅))(?=(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
)
FIRST_SUBHEADING = re.compile(r"[一二三四五六七八九十]{1,3}、[\u4e00-\u9fff]{2,20}?(?P<cut>)（一）")
LOST_BREAK = re.compile(
    r"(?<=[。；！？）])(?=[一二三四五六七八九十]{1,3}、|（[一二三四五六七八九十]{1,3}）|\d{1,2}[.．](?!\d)|（\d{1,2}）"
    r"|第[一二三四五六七八九十百零〇]+条|附件\d?[：:])"
    r"|(?<=的通知)(?=[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕)"
    r"|(?<=号)(?=各[\u4e00-\u9fff（）、，]{2,60}：)"
    r"|(?<=的通知)(?=各[\u4e00-\u9fff（）、，]{2,120}：)"
    r"|(?:(?<=人民政府)|(?<=办公室)|(?<=办公厅))(?=(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
    r"|(?<=[。：])(?=[\u4e00-\u9fff]{2,30}(?:人民政府|办公室|办公厅)(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
    r"|(?<=\d日)(?=（此件|(?![前后起至止内以之])[\u4e00-\u9fff])"
    # 嘉兴市…实施方案为深入贯彻…: a plan's title run into its preamble
    r"|(?:(?<=方案)|(?<=意见)|(?<=措施)|(?<=办法)|(?<=计划)|(?<=细则))(?=为(?:深入|贯彻|进一步|加快|全面|认真|切实|推动|促进)|根据)"
)
# …的通知豫政〔2023〕5号现将…: the doc number between a title and the text, on a page that lost its breaks.
# …文件常政办发〔2018〕32号市政府办公室关于…: the same after a 版头's 文件.
TITLE_NUMBER_RUN = re.compile(r"(?:的通知|文件)(?P<number>[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕\d{1,4}号)(?=[\u4e00-\u9fff《])")


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """Normalised text and, for each of its characters, the original character index."""

    text: str
    offsets: tuple[int, ...]  # len(offsets) == len(text) + 1; the last entry is the end
    original: str

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``[start, end)`` in the normalised text to ``[start, end)`` in the original."""
        if start >= end:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


def _fold(ch: str) -> str:
    return ch.translate(FOLD_TABLE)


def fold_widths(text: str) -> tuple[str, str]:
    """``text.translate(FOLD_TABLE)``, one character for one, and that text with ``_widen``
    applied as to one line holding all of it, through arrays: str.translate with a dict and the
    punctuation loop looked up every character (most of the time it took to normalise a notice).
    A line takes slices of both (``_clean_line``).

    >>> fold_widths("（一）ＡＢ１２，年产值﹒a,b")
    ('(一)AB12,年产值.a,b', '（一）AB12，年产值.a,b')
    """
    import numpy as np  # here, not at import: the command line starts without it

    fold, visible, widen = _width_tables()
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    in_table = points < len(fold)
    folded = np.where(in_table, fold[np.minimum(points, len(fold) - 1)], points).astype(np.uint32)
    seen = np.where(folded < len(visible), visible[np.minimum(folded, len(visible) - 1)], False)
    # Between two visible ASCII characters (3,5 or a(b)) punctuation stays as it is.
    between = np.zeros(len(folded), dtype=bool)
    between[1:-1] = seen[:-2] & seen[2:]
    widened = folded.copy()
    change = (folded < len(widen)) & ~between  # WIDEN leaves the other ASCII characters as they are
    widened[change] = widen[folded[change]]
    decode = lambda array: array.tobytes().decode("utf-32-le", "surrogatepass")  # noqa: E731
    return decode(folded), decode(widened)


@lru_cache(maxsize=1)
def _width_tables():
    """Per code point of the Basic Multilingual Plane, what FOLD_TABLE makes of it; per ASCII
    code point, whether it is visible (_is_ascii_visible) and what WIDEN makes of it."""
    import numpy as np

    fold = np.arange(0x10000, dtype=np.uint32)
    for code, folded in FOLD_TABLE.items():
        fold[code] = folded
    visible = np.array([_is_ascii_visible(chr(code)) for code in range(128)], dtype=bool)
    widen = np.arange(128, dtype=np.uint32)
    for narrow, wide in WIDEN.items():
        widen[ord(narrow)] = ord(wide)
    return fold, visible, widen


def _is_ascii_word(ch: str | None) -> bool:
    return ch is not None and ch.isascii() and ch.isalnum()


def _is_ascii_visible(ch: str | None) -> bool:
    return ch is not None and ch.isascii() and not ch.isspace()


# Full-width ASCII (！ to ～) folded to half-width, one character for one.
FOLD_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# Small form variants, one character each: 1﹒ is 1. (an item marker), ﹐ a comma, ﹙﹚ brackets.
FOLD_TABLE.update({ord(small): ord(plain) for small, plain in zip("﹐﹑﹒﹔﹕﹖﹗﹙﹚﹛﹜﹝﹞", ",、.;:?!(){}〔〕")})
WIDEN_AT = re.compile("[" + re.escape("".join(WIDEN)) + "]")
NEEDS_SLOW_PATH = re.compile("[" + re.escape("".join(SPACES | INVISIBLE)) + "]")
INVISIBLE_AT = re.compile("[" + re.escape("".join(INVISIBLE)) + "]")
# Spaces and invisible characters at either end of a line are always dropped (an indent of 　　).
LINE_PADDING = "".join(sorted(SPACES | INVISIBLE))
SPACE_RUN = re.compile("[" + re.escape("".join(SPACES)) + "]+")

# (zhèn) after a character: a reading a mirror site added, never the notice's own text. A tone mark
# is required, so a bracketed ASCII word or code such as (a) or (PPP) is left alone.
PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")

Line = tuple[str, list[int]]  # a line's text and, per character, its index in the original


def _clean_line(raw: str, base: int, widths: tuple[str, str]) -> Line:
    """Fold widths, drop spaces that CJK text does not use, widen structural punctuation.

    ``raw`` is one line of the original starting at index ``base``; ``widths`` is the whole
    original folded, and folded and widened (fold_widths), so that the line's text is a slice.
    """
    folded, widened = widths
    if "(" in raw and PINYIN_GLOSS.search(raw):
        glossed = {pos for gloss in PINYIN_GLOSS.finditer(raw) for pos in range(gloss.start(), gloss.end())}
        return _clean_line_by_character([(ch, base + pos) for pos, ch in enumerate(raw) if pos not in glossed])
    if NEEDS_SLOW_PATH.search(raw):
        stripped = raw.strip(LINE_PADDING)
        base += len(raw) - len(raw.lstrip(LINE_PADDING))
        if NEEDS_SLOW_PATH.search(stripped):
            folded_line = folded[base:base + len(stripped)]
            if INVISIBLE_AT.search(stripped) or SPACED_ORDINAL.match(folded_line):
                return _clean_line_by_character([(ch, base + pos) for pos, ch in enumerate(stripped)])
            return _widen(*_drop_spaces(folded_line, base))
        raw = stripped
    # The common case: nothing dropped, offsets stay contiguous, and the widened whole text holds
    # the line, but for its two ends: there _widen sees no neighbour, the whole text one.
    end = base + len(raw)
    text = widened[base:end]
    if text and (folded[base] in WIDEN or folded[end - 1] in WIDEN):
        text = _widen(folded[base:end], [])[0] if len(text) < 3 else \
            WIDEN.get(folded[base], text[0]) + text[1:-1] + WIDEN.get(folded[end - 1], text[-1])
    return text, list(range(base, end))


def _drop_spaces(text: str, base: int) -> Line:
    """``text`` (folded, no padding at either end) without its spaces, but one space kept between
    two ASCII letters or digits (``Python 3``)."""
    pieces: list[str] = []
    offsets: list[int] = []
    start = 0
    for run in SPACE_RUN.finditer(text):
        pieces.append(text[start:run.start()])
        offsets.extend(range(base + start, base + run.start()))
        if _is_ascii_word(text[run.start() - 1]) and _is_ascii_word(text[run.end()]):
            pieces.append(" ")
            offsets.append(base + run.start())
        start = run.end()
    pieces.append(text[start:])
    offsets.extend(range(base + start, base + len(text)))
    return "".join(pieces), offsets


def _widen(text: str, offsets: list[int]) -> Line:
    """Structural ASCII punctuation made full-width unless it sits between two visible ASCII characters."""
    widen_at = [m.start() for m in WIDEN_AT.finditer(text)]
    if widen_at:
        chars = list(text)
        for pos in widen_at:
            prev_ch = text[pos - 1] if pos else None
            next_ch = text[pos + 1] if pos + 1 < len(text) else None
            if not (_is_ascii_visible(prev_ch) and _is_ascii_visible(next_ch)):
                chars[pos] = WIDEN[text[pos]]
        text = "".join(chars)
    return text, offsets


def _clean_line_by_character(chars: list[tuple[str, int]]) -> Line:
    """The slow path of :func:`_clean_line`, for lines holding spaces or invisible characters."""
    folded = [(_fold(ch), idx) for ch, idx in chars if ch not in INVISIBLE]
    spaced = SPACED_ORDINAL.match("".join(ch for ch, _ in folded))
    kept: list[tuple[str, int]] = []
    for pos, (ch, idx) in enumerate(folded):
        if spaced and ch in SPACES and kept and kept[-1][0] not in SPACES and pos < spaced.end():
            kept.append((" ", idx))  # 一 总体要求: the space is the heading's only punctuation
            continue
        if ch in SPACES:
            prev_ch = kept[-1][0] if kept else None
            next_ch = next((c for c, _ in folded[pos + 1:] if c not in SPACES), None)
            if _is_ascii_word(prev_ch) and _is_ascii_word(next_ch) and (not kept or kept[-1][0] != " "):
                kept.append((" ", idx))
            continue
        kept.append((ch, idx))
    widened = []
    for pos, (ch, idx) in enumerate(kept):
        if ch in WIDEN:
            prev_ch = kept[pos - 1][0] if pos else None
            next_ch = kept[pos + 1][0] if pos + 1 < len(kept) else None
            if not (_is_ascii_visible(prev_ch) and _is_ascii_visible(next_ch)):
                ch = WIDEN[ch]
        widened.append((ch, idx))
    return "".join(ch for ch, _ in widened), [idx for _, idx in widened]


# A line that ends a unit's name, and a cell too short to continue it (a person's name beside it).
UNIT_END = re.compile(r"(?:局|委|办|会|院|中心|政府|办事处|分局|公司)）?$")
SHORT_CELL = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
# A line that is only a row number (a table flattened one cell per line) or only a doc number.
TABLE_ROW_NUMBER = re.compile(r"^\d{1,3}$")
# A mirror's title line printed as a citation: 《北京市人民政府办公厅关于印发〈…〉的通知》.
CITED_TITLE_LINE = re.compile(r"^《[^《》]{10,160}(?:通知|意见|决定|批复|通告|公告|办法|方案|细则|措施|规定|计划)》$")
# A cell that starts with a doc number (皖政〔2022〕9号文件, a task's source): never a line's tail.
DOC_NUMBER_START = re.compile(r"^[\u4e00-\u9fff]{1,12}〔(?:19|20)\d{2}〕\d{1,4}号")
DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔\[［（(](?:19|20)\d{2}[〕\]］）)]第?\d{1,4}号$")
# An issuing body's name (…局, …领导小组); a signature only when a date line comes right after it.
ORGAN_LINE = re.compile(r"^[\u4e00-\u9fff]{3,40}(?:局|委|办|厅|院|会|中心|政府|小组)$")


def _should_join(line: str, following: str, after: str = "") -> bool:
    """True when ``line`` was cut mid-phrase and ``following`` continues it (``after`` is the line after that)."""
    if ORGAN_LINE.match(following) and (SIGNATURE_LINE.match(after) or TABLE_ROW_NUMBER.match(after) or not after):
        return False  # a signature above its date, or a table's unit cell above the next row's number
    if DOC_NUMBER_LINE.match(following) or CITED_TITLE_LINE.match(following) or CITED_TITLE_LINE.match(line):
        return False
    if TABLE_ROW_NUMBER.match(following) or following in ("序号", "编号") or DOC_NUMBER_START.match(following):
        return False  # a table's header or next row number: never the end of the line before it
    if UNIT_END.search(line) and SHORT_CELL.match(following):
        return False  # a unit cell, then a short cell (the leader's name: 冯冬昌)
    if line[-1] in TERMINAL:
        return False
    # Short lines are headings, titles and signatures, unless they are running prose (…、运).
    if len(line) < SHORT_LINE and not PROSE.search(line):
        return False
    if HEADING_START.match(following) or FIELD_LINE.match(following) or SIGNATURE_LINE.match(following):
        return False
    if HEADING_START.match(line) and len(line) < 2 * SHORT_LINE and not CUT_AFTER_COMMA.search(line):
        return False  # a short heading stands alone, unless the line was cut just after a comma (…机制，优)
    if TITLE_LINE.match(line):
        return False  # 关于促进产业转型升级和经济平稳健康发展的若干政策措施: a title, whatever its length
    return not STANDALONE_END.search(line)


def _split_lost_breaks(line: Line, end: int) -> list[tuple[Line, int]]:
    """A line that lost its breaks, cut back into lines; each piece with the offset its break maps to."""
    text, offsets = line
    # A shorter line is cut only where a 版头 ran together: 文件常政办发〔2018〕32号市政府办公室关于…
    if len(text) < LOST_BREAKS_LINE and not TITLE_NUMBER_RUN.search(text):
        return [(line, end)]
    if not SKELETON_BREAK.search(text):
        return [(line, end)]
    cuts = {m.start() for m in LOST_BREAK.finditer(text)}
    # 二、重点任务（一）实施…: a short heading runs straight into its first sub-heading.
    cuts |= {m.start("cut") for m in FIRST_SUBHEADING.finditer(text)}
    cuts |= {position for m in TITLE_NUMBER_RUN.finditer(text) for position in m.span("number")}
    cuts = sorted(cut for cut in cuts if 0 < cut < len(text))
    pieces = []
    for start, stop in zip([0] + cuts, cuts + [len(text)]):
        # The break inserted before a piece maps to the original character that starts the next one.
        pieces.append(((text[start:stop], offsets[start:stop]), offsets[stop] if stop < len(text) else end))
    return pieces


# A text table pasted with tabs between its cells (序号\t重点任务\t牵头单位\t配合单位): three or more cells.
TAB_GAP = re.compile(r"[ \u3000]*\t[\t \u3000]*")
# The same table printed one row per line with bars between the cells (序号 | 具体工作任务 | 责任单位 |):
# only a row that starts with 序号/编号 or a row number, so a portal's metadata line
# (索引号 | … | 发布机构 | … |) stays one line for the header reader.
PIPE_ROW = re.compile(r"^[ \u3000]*(?:序号|编号|\d{1,3}|[（(]\d{1,3}[）)])[ \u3000]*[|｜]")
# A table printed with spaces between its cells: 序号 重点工作任务 主要责任单位 协同配合单位, then
# rows 1 地区生产总值增长6.5%左右。 区发改委 区政府各部门… (谯城区); only after such a header.
SPACED_HEADER = re.compile(r"^[ \u3000]*序号(?:[ \u3000]+[^\s]{2,14}){3,}[ \u3000]*$")
SPACED_ROW = re.compile(r"^[ \u3000]*\d{1,3}[ \u3000]+[^\s]+(?:[ \u3000]+[^\s]+){1,}")
SPACE_GAP = re.compile(r"[ \u3000]+")
BORDER_LINE = re.compile(r"^[ \u3000]*[|｜][ \u3000|｜]*$")
PIPE_GAP = re.compile(r"[ \u3000]*[|｜][ \u3000]*")


def _clean_cells(raw: str, base: int, end: int, cell_ends: set[int],
                 widths: tuple[str, str]) -> list[tuple[Line, int]]:
    """One line of the original, cleaned; a table row (tabs, or bars after a row number) gives one line per cell.

    Cells on lines of their own are the form a page's flattened table already takes, so the
    action extractor reads tab tables as it reads those. Lines without a tab take the usual path.
    """
    if raw.endswith(("|", "｜", "| ", "｜ ")) and not re.search("[|｜]", raw.rstrip(" \u3000|｜")):
        # a table cell printed on its own line with its border after it (项目名称 |), or a row's
        # border alone (|, ||||||): the border is no text. (A portal's field line, 文号 | … |, keeps it.)
        raw = raw.rstrip(" \u3000|｜")
    if "\t" in raw:
        return _split_cells(raw, base, end, cell_ends, TAB_GAP, widths)
    if ("|" in raw or "｜" in raw) and PIPE_ROW.match(raw):
        return _split_cells(raw, base, end, cell_ends, PIPE_GAP, widths)
    return [(_clean_line(raw, base, widths), end)]


def _split_cells(raw: str, base: int, end: int, cell_ends: set[int], gap: re.Pattern[str],
                 widths: tuple[str, str]) -> list[tuple[Line, int]]:
    """The cells of a table row, split where ``gap`` stands, one line each (fewer than three: the line as it is)."""
    gaps = list(gap.finditer(raw.strip(" \u3000")))
    lead = len(raw) - len(raw.lstrip(" \u3000"))
    gaps = [(g.start() + lead, g.end() + lead) for g in gaps]
    bounds = [0] + [pos for g in gaps for pos in g] + [len(raw)]
    cells = [(a, b) for a, b in zip(bounds[::2], bounds[1::2]) if raw[a:b].strip()]
    if len(cells) < 3:
        return [(_clean_line(raw, base, widths), end)]
    # The break after a cell maps to the tab that followed it; no cell runs on into the next.
    pieces = [(_clean_line(raw[a:b], base + a, widths), base + b if index + 1 < len(cells) else end)
              for index, (a, b) in enumerate(cells)]
    cell_ends.update(piece_end for _, piece_end in pieces)
    return pieces


def normalise(original: str) -> NormalisedText:
    """Normalise decoded text; see the module docstring for every rule.

    >>> normalise("年产值 5 亿元，主导产品在全省占有率 50% 以上").text
    '年产值5亿元，主导产品在全省占有率50%以上'
    >>> normalise("(十) 实施专业镇环境服务优化行动\\r\\n\\r\\n优化专业镇发展软硬环境").text
    '（十）实施专业镇环境服务优化行动\\n优化专业镇发展软硬环境'
    """
    widths = fold_widths(original)  # once for the whole text: lines take slices of it
    cleaned: list[tuple[Line, int]] = []
    cell_ends: set[int] = set()  # breaks after the cells of a tab-separated row: never joined
    start = 0
    spaced_table = False  # inside a table whose header and rows put spaces between their cells
    for newline in [*LINE_END.finditer(original), None]:
        stop = newline.start() if newline else len(original)
        raw = original[start:stop]
        if cleaned and BORDER_LINE.match(raw):
            cell_ends.add(cleaned[-1][1])  # a table border after a cell: the cell never runs on
        if SPACED_HEADER.match(raw):
            spaced_table = True
        if spaced_table and (SPACED_HEADER.match(raw) or SPACED_ROW.match(raw)):
            cleaned.extend(_split_cells(raw, start, stop, cell_ends, SPACE_GAP, widths))
        else:
            cleaned.extend(_clean_cells(raw, start, stop, cell_ends, widths))
        if newline:
            start = newline.end()
    paragraphs = [piece for line, end in cleaned if line[0] for piece in _split_lost_breaks(line, end)]

    out_chars: list[str] = []
    out_offsets: list[int] = []
    for number, ((text_line, offsets), end) in enumerate(paragraphs):
        out_chars.append(text_line)
        out_offsets.extend(offsets)
        if number + 1 < len(paragraphs):
            following = paragraphs[number + 1][0][0]
            after = paragraphs[number + 2][0][0] if number + 2 < len(paragraphs) else ""
            if end in cell_ends or not _should_join(text_line, following, after):
                out_chars.append("\n")
                out_offsets.append(end)
    out_offsets.append(len(original))
    return NormalisedText("".join(out_chars), tuple(out_offsets), original)
