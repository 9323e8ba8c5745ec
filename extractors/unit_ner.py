"""Find government units in running text with a spaCy pipeline built from the unit table.

The pipeline is ``spacy.blank("zh")`` (character tokens; it runs offline from the PyPI
package alone) with three components:

``unit_ruler`` (an EntityRuler)
    one phrase pattern per alias of ``extractors/data/unit_aliases.csv``; label ``UNIT``,
    entity id = the canonical id.
``unit_extent``
    widens each ruler match to the whole name: back over the level word and place name
    (县工信局, 中共壶关县委组织部, 闻喜经开区管委会) and forward over a branch tail
    (市生态环境局 + 壶关分局); then asks :func:`extractors.units.identify` for the id
    and level of the whole name, so the table, not the pipeline, decides identity.
``unit_unseen``
    rules for names no alias knows: branches of national bodies (人行闻喜支行,
    运城银保监分局闻喜监管组) and any name that starts with a level word or place name and
    ends in a unit word (县气象站, 县数字经济发展中心). Unknown ones keep id ``""``.

Supports:
    由县工信局负责 -> 县工信局 (工业和信息化, county)
    领导小组办公室设在县工信局 -> 县工信局 (领导小组办公室 is no unit of the table and has no level word)
    县财政局县教育局 (a list that lost its 、) -> 县财政局, 县教育局
    縣工信局牽頭 -> 縣工信局 (工业和信息化): traditional forms are matched on their t2s conversion
    县气象站 -> an unseen unit: canonical None
Avoids:
    专业镇, 市场主体, 县域经济: no unit word at the end.
    推动县工信局: the verb before the level word is not part of the name.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extractors.knowledge import Knowledge, UnitTable, default_knowledge
from extractors.records import Span
from extractors.units import identify, to_simplified

if TYPE_CHECKING:  # spaCy is imported only when a pipeline is built
    from spacy.language import Language
    from spacy.tokens import Doc

LABEL = "UNIT"
CJK = r"\u4e00-\u9fff"
# Words that a unit's name may start with before its level word.
NAME_HEADS = ("中共", "中国", "国家税务总局", "国网", "共青团")
# Level words a name may start with. Not 乡 / 镇: they would swallow the 镇 of 专业镇乡镇政府
# (and 乡镇政府 / 镇人民政府 are aliases whole).
# 县直 / 市直 start the collective 县直各有关单位.
# 各相关 / 各有关 qualify a collective: 县教体局各相关乡镇政府 (a table cell whose space was dropped) is
# 县教体局 and 各相关乡镇政府.
LEVEL_WORDS = ("自治区", "自治州", "自治县", "县直", "市直", "区直", "省直", "省", "市", "州", "盟", "县", "旗",
               "区", "各", "相关", "有关")
# The tail of a branch: 市生态环境局 + 壶关分局, 中国银保监会长治 + 监管分局壶关监管组.
BRANCH_TAIL = rf"[{CJK}]{{1,8}}?(?:分局|支局|监管组|中心支行|支行|分行)"
# Branches of national bodies, whose names start with the body rather than a level word.
NATIONAL_BRANCH = (
    rf"(?:中国人民银行|人民银行|人行)[{CJK}]{{1,10}}?(?:中心支行|支行|分行)",
    rf"(?:中国银保监会|国家金融监督管理总局)[{CJK}]{{1,10}}?(?:监管分局|监管支局)(?:[{CJK}]{{1,8}}?监管组)?",
    rf"[{CJK}]{{1,6}}?银保监分局(?:[{CJK}]{{1,8}}?监管组)?",
    rf"[{CJK}]{{1,6}}?金融监管(?:分局|支局)",
)
# What may follow an unseen unit's name in running text.
UNSEEN_FOLLOWERS = "牵头|负责|配合|会同|和|及|与|等|按|要|为|设在|作为|的"
# What may stand right before a unit in running text: the start, punctuation or a function word.
# (Python's look-behind needs one width per alternative, hence one look-behind each.)
BOUNDARY_WORDS = ("由", "在", "和", "及", "与", "同", "请", "经", "向", "对", "将", "设在", "会同", "牵头", "配合", "负责")
BOUNDARY = "(?:^|(?<=[，。；：、（）《》“”\\s])|" + "|".join(f"(?<={w})" for w in BOUNDARY_WORDS) + ")"
# Names that only a pattern of unit_patterns.csv knows, and that start with no place: the
# ruler needs their words to find them (县委办 is no alias, or 县发改委办公室 would end in it).
PATTERN_ANCHORS = tuple(f"{level}委办{tail}" for level in ("县", "市", "区", "省", "旗", "州") for tail in ("", "公室"))
# Each build registers its components under new names (they close over their table).
_BUILDS = itertools.count(1)


@dataclass(frozen=True, slots=True)
class FoundUnit:
    """A unit mention the pipeline found: name as printed, identity, span, and how it was found."""

    name: str
    canonical: str | None
    level: str | None
    span: Span
    rule: str  # "unit.ruler" (an alias), "unit.branch", "unit.pattern" (a table pattern) or "unit.unseen"


def place_names(knowledge: Knowledge) -> tuple[str, ...]:
    """Province, city and county names with and without their suffix: 闻喜县 and 闻喜."""
    names: set[str] = set()
    for region in knowledge.regions:
        for name in (region.province, region.city, region.county):
            if not name:
                continue
            names.add(name)
            short = re.sub(r"(?:维吾尔|壮族|回族)?(?:自治区|自治州|自治县|特别行政区|省|市|县|区|旗|盟|地区)$", "", name)
            if len(short) >= 2:
                names.add(short)
    # 会同 (a county in Hunan) is also the word "together with": 会同市教体局 starts at 市.
    return tuple(sorted(names - set(BOUNDARY_WORDS), key=len, reverse=True))


def _prefix_start(text: str, start: int, words: frozenset[str], longest: int) -> int:
    """Where a name that has its function word at ``start`` begins: back over level words and
    place names (县, 长治市, 中共壶关县, 各), longest first.

    >>> _prefix_start("由中共壶关县委组织部", 7, frozenset({"中共", "壶关", "县", "委"}), 2)
    1
    """
    position = start
    while position > 0:
        for size in range(min(longest, position), 0, -1):
            if text[position - size:position] in words:
                position -= size
                break
        else:
            return position
    return position


def build_unit_nlp(table: UnitTable, places: Iterable[str] = ()) -> Language:
    """A fresh pipeline for ``table``; prefer :func:`unit_nlp`, which builds it once."""
    import spacy
    from spacy.language import Language

    places = tuple(places)
    prefix_words = frozenset(places) | frozenset(LEVEL_WORDS) | frozenset(NAME_HEADS)
    longest = max(map(len, prefix_words))
    place_alternation = "|".join(map(re.escape, places)) or "(?!)"
    level_alternation = "|".join(map(re.escape, LEVEL_WORDS))
    heads = "|".join(map(re.escape, NAME_HEADS))
    # Unit words an unseen name may end with: ends_unseen in unit_suffixes.csv, longest first.
    endings = "|".join(map(re.escape, table.unseen_suffixes)) or "(?!)"
    # A level word or place name (not 市级 / 县级: those qualify things, not units), a few
    # characters, the first unit word, then a boundary: 由县气象站负责, not 县气象站点建设.
    unseen = re.compile(rf"{BOUNDARY}(?:{heads})?(?:(?:{place_alternation})(?:{level_alternation})?|{level_alternation})+(?!级)"
                        rf"[{CJK}]{{1,12}}?(?:{endings})(?=$|[，。；：、（）\\s]|{UNSEEN_FOLLOWERS})")
    national = re.compile("|".join(f"(?:{p})" for p in NATIONAL_BRANCH))
    branch_tail = re.compile(BRANCH_TAIL)

    nlp = spacy.blank("zh")
    ruler = nlp.add_pipe("entity_ruler", name="unit_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns([{"label": LABEL, "pattern": alias, "id": unit_id}
                        for alias, unit_id in sorted(table.aliases.items())]
                       + [{"label": LABEL, "pattern": anchor} for anchor in PATTERN_ANCHORS])
    build = next(_BUILDS)

    @Language.component(f"policymap_unit_extent_{build}", assigns=["doc.ents"])
    def unit_extent(doc: Doc) -> Doc:
        """Widen each alias match to the whole name: level word and place before, branch after."""
        text = _text_of(doc)
        spans = []
        previous_end = 0
        for ent in doc.ents:
            start, end = ent.start_char, ent.end_char
            # never back into the unit before: 县经济技术开发区 | 县不动产登记中心, not 区县不动产…
            start = max(_prefix_start(text, start, prefix_words, longest), previous_end)
            tail = branch_tail.match(text, end)
            if tail and identify(text[start:tail.end()], table)[1] in ("city-branch", "national-branch"):
                end = tail.end()
            spans.append((start, end, "unit.ruler"))
            previous_end = end
        return _set_units(doc, spans, [], table)

    @Language.component(f"policymap_unit_unseen_{build}", assigns=["doc.ents"])
    def unit_unseen(doc: Doc) -> Doc:
        """Add branches of national bodies and unseen unit-like names where no alias matched."""
        text = _text_of(doc)
        known = [(e.start_char, e.end_char, doc.user_data[(RULE_KEY, e.start_char, e.end_char)]) for e in doc.ents]
        known += [(m.start(), m.end(), "unit.branch") for m in national.finditer(text)]
        guesses = [(m.start(), m.end(), "unit.unseen") for m in unseen.finditer(text)]
        return _set_units(doc, known, guesses, table)

    nlp.add_pipe(f"policymap_unit_extent_{build}", name="unit_extent")
    nlp.add_pipe(f"policymap_unit_unseen_{build}", name="unit_unseen")
    return nlp


RULE_KEY, LEVEL_KEY, TEXT_KEY = "unit_rule", "unit_level", "unit_text"


def _text_of(doc: Doc) -> str:
    """``doc.text``, joined once per doc (it walks every token: dear on a long notice)."""
    if TEXT_KEY not in doc.user_data:
        doc.user_data[TEXT_KEY] = doc.text
    return doc.user_data[TEXT_KEY]


def _set_units(doc: Doc, known: list[tuple[int, int, str]], guesses: list[tuple[int, int, str]],
               table: UnitTable) -> Doc:
    """Make the spans the doc's entities, id and level from the table.

    Among ``known`` spans the longest wins; a guess is kept only where no known span is.
    Each entity's rule and level go to ``doc.user_data`` under (key, start, end).
    """
    from spacy.tokens import Span as SpacySpan
    from spacy.util import filter_spans

    text = _text_of(doc)
    facts: dict[tuple[int, int], tuple[str, str | None]] = {}

    def entity(start: int, end: int, rule: str):
        span = doc.char_span(start, end)
        if span is None:
            return None
        canonical, level = identify(text[start:end], table)
        if rule == "unit.unseen":
            if end - start < 4:
                return None  # 县局 / 市委 alone are no department
            if canonical is not None:
                rule = "unit.pattern"  # no alias ends it, a pattern knows it: 县委办公室
        facts.setdefault((start, end), (rule, level))
        return SpacySpan(doc, span.start, span.end, label=LABEL, kb_id=canonical or "", span_id=canonical or "")

    chosen = filter_spans([e for e in (entity(*s) for s in known) if e is not None])
    taken = {i for e in chosen for i in range(e.start, e.end)}
    for guess in filter_spans([e for e in (entity(*s) for s in guesses) if e is not None]):
        if not taken & set(range(guess.start, guess.end)):
            chosen.append(guess)
    doc.ents = sorted(chosen, key=lambda e: e.start)
    for ent in doc.ents:
        rule, level = facts[(ent.start_char, ent.end_char)]
        doc.user_data[(RULE_KEY, ent.start_char, ent.end_char)] = rule
        doc.user_data[(LEVEL_KEY, ent.start_char, ent.end_char)] = level
    return doc


_PIPELINES: dict[int, tuple[UnitTable, Language]] = {}


def unit_nlp(table: UnitTable | None = None) -> Language:
    """The pipeline for ``table`` (default: the packaged table), built once per process.

    Place names (for 闻喜经开区管委会) come from the packaged region table.
    """
    knowledge = default_knowledge()
    table = table or knowledge.units
    cached = _PIPELINES.get(id(table))
    if cached is None or cached[0] is not table:
        cached = (table, build_unit_nlp(table, place_names(knowledge)))
        _PIPELINES[id(table)] = cached
    return cached[1]


def find_units(text: str, offset: int = 0, nlp: Language | None = None,
               table: UnitTable | None = None) -> list[FoundUnit]:
    """Every unit mentioned in ``text``, in order; spans are absolute (``offset`` added).

    The pipeline reads the simplified form of the text (same length, so offsets hold) and
    each name is reported as printed.

    >>> [(u.name, u.canonical) for u in find_units("领导小组办公室设在县工信局，由县审批服务管理局负责")]
    [('县工信局', '工业和信息化'), ('县审批服务管理局', '行政审批')]
    """
    from spacy.tokens import Doc as SpacyDoc

    table = table or default_knowledge().units
    nlp = nlp or unit_nlp(table)
    simplified = to_simplified(text)
    # One token per character, built directly: the zh tokenizer's alignment of its tokens with
    # the text grows faster than the text (3 s for a 200,000-character file), this is linear.
    doc = SpacyDoc(nlp.vocab, words=list(simplified), spaces=[False] * len(simplified))
    doc.user_data[TEXT_KEY] = simplified  # what doc.text would join, token by token
    doc = nlp(doc)
    return [FoundUnit(text[e.start_char:e.end_char], e.kb_id_ or None,
                      doc.user_data.get((LEVEL_KEY, e.start_char, e.end_char)),
                      (offset + e.start_char, offset + e.end_char),
                      doc.user_data.get((RULE_KEY, e.start_char, e.end_char), "unit.ruler"))
            for e in doc.ents]
