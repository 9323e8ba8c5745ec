"""The benchmark's synthetic corpus: deterministic, and made of notices the pipeline reads fully."""

from __future__ import annotations

import pytest

from bench.synth import generate, synth_notice
from pipeline.run import extract_text

# Indices 0, 2, 4 come from the Huguan sample (inline task titles), 1, 3, 5 from Wenxi (heading lines).
INDICES = range(6)


def test_synth_same_seed_gives_the_same_corpus(tmp_path):
    first = generate(tmp_path / "a", 4, seed=7)["txt"]
    second = generate(tmp_path / "b", 4, seed=7)["txt"]
    assert [p.name for p in first] == [p.name for p in second]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_synth_seeds_and_indices_give_different_notices():
    texts = {synth_notice(index, seed).text for seed in (0, 1) for index in INDICES}
    assert len(texts) == 2 * len(INDICES)


@pytest.mark.parametrize("index", INDICES)
def test_synth_notice_moves_place_and_numbers(index):
    notice = synth_notice(index)
    template_county = "壶关" if index % 2 == 0 else "闻喜"
    assert template_county not in notice.text
    assert notice.place.county in notice.text
    assert ("〔2023〕25号" if index % 2 == 0 else "〔2023〕33号") not in notice.text


@pytest.mark.parametrize("index", INDICES)
def test_synth_notice_extracts_ten_actions_with_renamed_units_known(index, knowledge):
    notice = synth_notice(index)
    result = extract_text(notice.stem, notice.text, knowledge)
    assert [action.title for action in result.actions] == notice.action_titles
    assert len(result.actions) == 10
    assert (result.metadata.region.county, result.metadata.region.city) == (notice.place.county, notice.place.city)
    found = {unit.name: unit.canonical for action in result.actions for unit in action.lead + action.cooperating}
    assert notice.renamed_units, "the generator renamed no unit"
    assert {name: found.get(name) for name in notice.renamed_units} == notice.renamed_units


def test_synth_shuffles_and_rewords_the_actions():
    titles = [tuple(synth_notice(index).action_titles) for index in range(0, 12, 2)]  # all from Huguan
    assert len(set(titles)) == len(titles)
    assert any(title[0] != "实施专业镇市场主体倍增行动" for title in titles)
