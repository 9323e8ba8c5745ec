"""Property-based tests: the extractors never raise, and what they return is checkable."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.actions import extract_actions
from extractors.amounts import COUNT_UNITS
from extractors.metadata import extract_metadata
from extractors.thresholds import extract_thresholds
from pipeline.normalise import normalise
from pipeline.outline import outline
from tests.conftest import HUGUAN, WENXI

# Pieces of real notices, so generated text reaches deep into every extractor.
FRAGMENTS = [line for path in (HUGUAN, WENXI) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
NOTICE_ALPHABET = "一二三四五六七八九十百千万亿零〇两（）()、，。；：:;,.%％-—~～至到以上下内左右不少低于达到超过牵头负责配合会同等部门和及县市省局中心年月日号〔〕《》“”第条附件 \n\t0123456789"

notice_like = st.one_of(
    st.text(),
    st.text(alphabet=NOTICE_ALPHABET, max_size=400),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet=NOTICE_ALPHABET, max_size=40)),
             max_size=12).map("\n".join),
)
KNOWN_UNITS = set(COUNT_UNITS)
# Local runs explore new examples each time; CI (CI=true, as .ci/run sets it) replays a fixed set, so
# a submission never fails on an example no one has seen (a find here becomes a test in its module).
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=bool(os.environ.get("CI")))


@SETTINGS
@given(notice_like)
def test_properties_normalise_keeps_an_offset_for_every_character(raw):
    normalised = normalise(raw)
    assert len(normalised.offsets) == len(normalised.text) + 1
    assert all(0 <= offset <= len(raw) for offset in normalised.offsets)
    assert list(normalised.offsets[:-1]) == sorted(normalised.offsets[:-1])


@SETTINGS
@given(notice_like)
def test_properties_thresholds_slice_back_and_stay_finite(raw):
    text = normalise(raw).text
    for threshold in extract_thresholds(text):
        assert text[threshold.span[0]:threshold.span[1]] == threshold.text
        assert threshold.value.is_finite() and threshold.value >= 0
        assert threshold.value_max is None or (threshold.value_max.is_finite() and threshold.value_max >= 0)
        assert threshold.unit in KNOWN_UNITS or threshold.unit in threshold.text
        assert threshold.op in {">=", ">", "<=", "<", "=", "~", "range"}


@SETTINGS
@given(notice_like)
def test_properties_actions_and_units_slice_back(raw):
    from extractors.knowledge import default_knowledge

    knowledge = default_knowledge()
    text = normalise(raw).text
    sections = outline(text)
    for section in sections:
        assert 0 <= section.span[0] <= section.span[1] <= len(text)
        if section.title_span:
            assert text[section.title_span[0]:section.title_span[1]] == section.title
    for action in extract_actions(text, sections, knowledge.units):
        for unit in action.lead + action.cooperating:
            assert text[unit.span[0]:unit.span[1]] == unit.name
    extract_metadata(text, knowledge.regions)


@SETTINGS
@given(st.one_of(st.text(), st.text(alphabet='=+-@\t\r\n",，。县局 a\'', max_size=12)))
def test_properties_csv_text_cell_is_what_the_csv_module_writes(text):
    import csv
    import io

    from pipeline.write import csv_text_cell, safe_cell

    buffer = io.StringIO()
    # As write_csv writes (CRLF lines), with a second cell: a lone empty cell is written as "".
    csv.writer(buffer, lineterminator="\r\n").writerow([safe_cell(text), "x"])
    assert csv_text_cell(text) + ",x\r\n" == buffer.getvalue()


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="专业镇县局推进建设产值亿元", max_size=30)),
                min_size=2, max_size=6))
def test_properties_cydifflib_finds_difflibs_matching_blocks(pieces):
    # reuse.py uses cydifflib's SequenceMatcher for difflib's: the blocks must be the same, also on
    # texts with many repeated characters (where difflib's popularity rules would matter).
    import difflib

    import cydifflib

    left, right = "".join(pieces[::2]), "".join(pieces[1::2])
    expected = difflib.SequenceMatcher(None, left, right, autojunk=False).get_matching_blocks()
    found = cydifflib.SequenceMatcher(None, left, right, autojunk=False).get_matching_blocks()
    assert [tuple(block) for block in found] == [tuple(block) for block in expected]


def _sentences_by_definition(text: str) -> list[tuple[int, int]]:
    """Sentence spans as the comparison defines them: cut after 。！？； (kept) and at line breaks
    (dropped); a piece with nothing but whitespace is no sentence."""
    spans, cursor = [], 0
    for index, char in enumerate(text):
        if char in "。！？；\n":
            stop = index + 1 if char != "\n" else index
            if text[cursor:stop].strip():
                spans.append((cursor, stop))
            cursor = index + 1
    if text[cursor:].strip():
        spans.append((cursor, len(text)))
    return spans


@SETTINGS
@given(st.one_of(notice_like, st.text(alphabet="。！？；\n \t\u3000\x1c\xa0县局a", max_size=60)))
def test_properties_sentence_spans_cut_where_the_definition_cuts(text):
    from pipeline.compare.text import sentence_spans

    assert sentence_spans(text) == _sentences_by_definition(text)
