"""Traditional characters: detect them, and give the extractors a simplified view of the same length.

Supports:
    壺關縣人民政府辦公室關於印發… -> view 壶关县人民政府办公室关于印发…, the same length, so a
        span found in the view is the same span of the printed text
    a notice that is only partly traditional (a quoted title): converted as a whole once
        the share of changed Han characters passes TRADITIONAL_SHARE
Avoids:
    Simplified notices that hold a few characters OpenCC would change (乾, 著, 徵 in names):
    below the threshold the text is left alone and extracted as printed.

OpenCC's t2s converts phrase by phrase, and its phrases keep their length, but nothing
promises that: a line whose conversion changes its length is converted character by
character instead, so the view always lines up with the printed text.
"""

from __future__ import annotations

import operator
import re
from dataclasses import fields, is_dataclass, replace
from functools import lru_cache

# Share of Han characters that OpenCC t2s changes above which a text counts as traditional.
# Simplified notices score under 0.5%; a traditional one scores 15-30%.
TRADITIONAL_SHARE = 0.05
# Fewer changed characters than this never make a text traditional (a short title with 乾).
MIN_CHANGED = 5


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


HAN = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff]")


def to_simplified(text: str) -> str:
    """``text`` in simplified characters, always of the same length.

    >>> to_simplified("壺關縣人民政府辦公室關於印發")
    '壶关县人民政府办公室关于印发'
    """
    convert = _converter().convert
    whole = convert(text)  # one call: phrases never span a line break, so lines convert alike
    if len(whole) == len(text):
        return whole
    out = []
    for line in text.splitlines(keepends=True):
        converted = convert(line)
        if len(converted) != len(line):
            converted = "".join(c if len(c := convert(ch)) == 1 else ch for ch in line)
        out.append(converted)
    return "".join(out)


def simplified_view(text: str) -> tuple[str | None, str | None]:
    """(simplified view, warning) of a traditional text; (None, None) for a simplified one."""
    view = to_simplified(text)
    if view == text:  # the common case, settled without counting
        return None, None
    han = len(HAN.findall(text))
    if not han:
        return None, None
    changed = sum(map(operator.ne, text, view))
    if changed < MIN_CHANGED or changed < TRADITIONAL_SHARE * han:
        return None, None
    return view, (f"printed in traditional characters ({changed} of {han} Han characters differ); "
                  "extracted on a simplified view, names and titles kept as printed")


def printed_normalised(view_normalised: str, offsets: tuple[int, ...], view: str, printed: str) -> str:
    """The normalised text as printed: each character of the normalised view replaced by the
    printed character it came from, unless normalising changed it (width, punctuation, line ends)."""
    out = []
    for position, ch in enumerate(view_normalised):
        source = offsets[position]
        out.append(printed[source] if source < len(view) and view[source] == ch else ch)
    return "".join(out)


# Record fields that quote the notice: restored as printed from their span, or by position.
QUOTED_BY_SPAN = {"text": "span", "name": "span", "title": "title_span"}
QUOTED_METADATA = ("doc_number", "issuer", "title", "plan_title", "publishing_agency", "index_number")


def reprint(record, view_text: str, printed_text: str):
    """``record`` (a frozen dataclass, nested) with its quoted fields taken from ``printed_text``.

    ``view_text`` and ``printed_text`` have the same length; a field with a span is
    cut from the printed text at that span, other strings are found in the view.
    """
    if isinstance(record, tuple):
        return tuple(reprint(item, view_text, printed_text) for item in record)
    if isinstance(record, list):
        return [reprint(item, view_text, printed_text) for item in record]
    if not is_dataclass(record):
        return record
    changes = {}
    names = {f.name for f in fields(record)}
    for field_info in fields(record):
        value = getattr(record, field_info.name)
        span_field = QUOTED_BY_SPAN.get(field_info.name)
        if isinstance(value, str) and span_field in names and getattr(record, span_field):
            start, end = getattr(record, span_field)
            if view_text[start:end] == value:
                changes[field_info.name] = printed_text[start:end]
                continue
            if view_text[start:end].replace("\n", "") == value:  # a name broken across lines
                changes[field_info.name] = printed_text[start:end].replace("\n", "")
                continue
        if isinstance(value, str) and (field_info.name in QUOTED_METADATA or field_info.name == "title"):
            changes[field_info.name] = _find_printed(value, view_text, printed_text)
        elif isinstance(value, (tuple, list)) or is_dataclass(value):
            changes[field_info.name] = reprint(value, view_text, printed_text)
    return replace(record, **changes) if changes else record


def _find_printed(value: str, view_text: str, printed_text: str) -> str:
    at = view_text.find(value)
    return printed_text[at:at + len(value)] if at >= 0 else value


def restore_printed(result, normalised, printed: str) -> None:
    """Give ``result`` (extracted from the simplified view) the printed text, names and titles.

    ``normalised`` is the NormalisedText of the view; spans stay valid because the
    printed normalised text has the same length as the view's.
    """
    view_text = normalised.text
    result.text = printed_normalised(view_text, normalised.offsets, normalised.original, printed)
    result.metadata = reprint(result.metadata, view_text, result.text)
    result.thresholds = reprint(result.thresholds, view_text, result.text)
    result.actions = reprint(result.actions, view_text, result.text)
