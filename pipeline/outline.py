"""Recover the 公文 heading hierarchy of a normalised notice.

Levels, in the order the 党政机关公文格式 (GB/T 9704) prescribes:

    第一条 (0)  一、 (1)  （一） (2)  1. / 1、 / 1） (3)  （1） (4)  ① (5)  一是 (6)

Headings that lost their punctuation keep a space after the ordinal (``一 总体要求``,
``1 加强组织领导``; see :mod:`pipeline.normalise`) and read as 一、 and 1. do.

A heading is either standalone (``（一）实施专业镇市场主体倍增行动`` on its own line) or
inline (``（一）历史传承厚重。专业镇主导产业拥有…``: the title ends at the first 。 and
the body follows on the same line). A numbered paragraph with no short title
(``1.对符合条件的企业给予…``) gets ``title=None``. Lines after a standalone ``附件`` /
``附件2`` line belong to the attachment part.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extractors.amounts import chinese_to_int
from extractors.records import Section

CN = "一二三四五六七八九十百零〇"
# (level, pattern); the group "ordinal" is the number the marker stands for.
MARKERS = (
    (0, re.compile(rf"^第(?P<ordinal>[{CN}]+|\d+)条\s*")),
    (1, re.compile(rf"^(?P<ordinal>[{CN}]+)(?:、| (?=[\u4e00-\u9fff]))")),
    (2, re.compile(rf"^（(?P<ordinal>[{CN}]+)）")),
    (3, re.compile(r"^(?P<ordinal>\d{1,2})(?:[.．、](?!\d)|）| (?=[\u4e00-\u9fff]))")),
    (4, re.compile(r"^（(?P<ordinal>\d{1,2})）")),
    (5, re.compile(r"^(?P<ordinal>[①-⑳])")),
    # 一是…，二是…: enumerations that open their own paragraph.
    (6, re.compile(rf"^(?P<ordinal>[{CN}]{{1,3}})是(?=[，、：]?[\u4e00-\u9fff])")),
)
ATTACHMENT_START = re.compile(r"^附件\s*\d*\s*$")
# A title is short; a longer first sentence means a numbered paragraph without a heading.
MAX_TITLE = 40
TITLE_END = "。；：！？"


def _ordinal(raw: str) -> int:
    if "①" <= raw <= "⑳":  # before isdigit(), which is true for ① but int() cannot read it
        return ord(raw) - ord("①") + 1
    if raw.isdigit():
        return int(raw)
    return chinese_to_int(raw)


def _heading(line: str) -> tuple[int, str, int, str | None, int] | None:
    """(level, marker, ordinal, title, title offset in line) for a heading line, else None."""
    for level, pattern in MARKERS:
        match = pattern.match(line)
        if not match:
            continue
        rest_start = match.end()
        rest = line[rest_start:]
        if not rest:
            return None
        end = next((pos for pos, ch in enumerate(rest) if ch in TITLE_END), None)
        if end is not None and end <= MAX_TITLE:
            title = rest[:end]
        elif end is None and len(rest) <= MAX_TITLE:
            title = rest
        else:
            title = None
        return level, match.group(0).strip(), _ordinal(match.group("ordinal")), title, rest_start
    return None


def outline(text: str) -> list[Section]:
    """Every numbered heading of ``text`` in document order, with parents and spans.

    >>> [(s.level, s.marker, s.title) for s in outline("一、总体要求\\n（一）指导思想\\n以习近平…为指导。")]
    [(1, '一、', '总体要求'), (2, '（一）', '指导思想')]
    """
    found: list[tuple[int, int, str, int, str | None, tuple[int, int] | None, str]] = []
    part = "body"
    position = 0
    for line in text.split("\n"):
        start = position
        position += len(line) + 1
        stripped = line.strip()
        if ATTACHMENT_START.match(stripped):
            part = "attachment"
            continue
        heading = _heading(line)
        if heading is None:
            continue
        level, marker, ordinal, title, title_offset = heading
        title_span = (start + title_offset, start + title_offset + len(title)) if title else None
        found.append((start, level, marker, ordinal, title, title_span, part))

    sections: list[Section] = []
    stack: list[int] = []  # indices of open sections, outermost first
    for index, (start, level, marker, ordinal, title, title_span, part) in enumerate(found):
        while stack and (sections[stack[-1]].level >= level or sections[stack[-1]].part != part):
            stack.pop()
        parent = stack[-1] if stack else None
        sections.append(Section(level, marker, ordinal, title, title_span, (start, len(text)), parent, part))
        stack.append(index)
    # A section ends where the next heading of the same or a higher level (or another part) starts.
    for index, section in enumerate(sections):
        for later in sections[index + 1:]:
            if later.part != section.part:
                # the body's last section ends at the 附件 line, not at the attachment's first heading
                sections[index] = replace(section, span=(section.span[0], _part_end(text, section)))
                break
            if later.level <= section.level:
                sections[index] = replace(section, span=(section.span[0], later.span[0] - 1))
                break
        else:
            end = _part_end(text, section)
            sections[index] = replace(section, span=(section.span[0], end))
    return sections


def _part_end(text: str, section: Section) -> int:
    """End of the last section of the body: the start of the attachment, or the text's end."""
    if section.part == "body":
        position = 0
        for line in text.split("\n"):
            if position > section.span[0] and ATTACHMENT_START.match(line.strip()):
                return position - 1
            position += len(line) + 1
    return len(text.rstrip("\n"))
