"""Comparing notices: actions aligned by meaning, thresholds side by side, roles that moved, text reuse."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from extractors.knowledge import default_knowledge
from pipeline.cli import cli
from pipeline.compare import CompareError, compare, compare_out, load_records
from pipeline.compare.reuse import COPIED, LOCALISED, REWRITTEN, classify
from pipeline.compare.text import masker_for
from pipeline.run import extract_text, process_file
from tests.conftest import CORPORA, HUGUAN, WENXI, load_gold

# Headings of the sample notices said with other words (a county that rewrote the template).
REWORDED = {
    "实施专业镇市场主体倍增行动": "推动专业镇经营主体数量翻番",
    "实施专业镇主导产业壮大行动": "做大做强专业镇特色支柱产业",
    "实施专业镇创新能力提升行动": "增强专业镇科技创新水平",
    "实施专业镇重大项目攻坚行动": "开展专业镇重点项目建设攻坚",
    "实施专业镇就业富民赋能行动": "以专业镇带动群众就业增收",
    "实施专业镇质量品牌提升行动": "打响专业镇产品质量和品牌",
    "实施专业镇市场拓展行动": "拓宽专业镇产品销售市场",
    "实施专业镇精准招商行动": "围绕专业镇开展定向招商引资",
    "实施专业镇要素保障行动": "强化专业镇用地用能和资金支撑",
    "实施专业镇环境服务优化行动": "改善专业镇营商环境和公共服务",
}
CHINESE_NUMBERS = "一二三四五六七八九十"


@pytest.fixture(scope="module")
def records():
    return {"huguan": process_file(HUGUAN).to_record(), "wenxi": process_file(WENXI).to_record()}


@pytest.fixture(scope="module")
def comparison(records):
    return compare([records["huguan"], records["wenxi"]])


@pytest.fixture(scope="module")
def out_folder(tmp_path_factory, records):
    out = tmp_path_factory.mktemp("compare")
    lines = "".join(json.dumps(records[name], ensure_ascii=False) + "\n" for name in ("huguan", "wenxi"))
    (out / "notices.jsonl").write_text(lines, encoding="utf-8")
    compare_out(out)
    return out


def partner_titles(comparison, source_a: str) -> dict[str, str | None]:
    """Title of each action of source_a -> title of the other notice's action in its group."""
    by_group: dict[str, dict[str, str]] = {}
    for row in comparison.actions:
        by_group.setdefault(row.group, {})[comparison.records[row.notice]["source"]] = row.title
    partners = {}
    for members in by_group.values():
        if source_a in members:
            others = [title for source, title in members.items() if source != source_a]
            partners[members[source_a]] = others[0] if others else None
    return partners


def reword_and_shuffle(record: dict, seed: int) -> str:
    """The record's text with every action heading reworded and the actions in another order."""
    text, actions = record["text"], record["actions"]
    blocks = []
    for action in actions:
        start, end = action["span"]
        title_start, title_end = action["title_span"]
        blocks.append((text[start:title_start], REWORDED[action["title"]] + text[title_end:end]))
    separators = [text[a["span"][1]:b["span"][0]] for a, b in zip(actions, actions[1:])]
    order = list(range(len(blocks)))
    random.Random(seed).shuffle(order)
    pieces = []
    for position, index in enumerate(order):
        marker, rest = blocks[index]
        # Renumber (四) -> the new position so that numbering does not give the old order away.
        marker = marker.replace(marker.strip("（）()、. \n"), CHINESE_NUMBERS[position])
        pieces.append(marker + rest)
        if position < len(separators):
            pieces.append(separators[position])
    return text[:actions[0]["span"][0]] + "".join(pieces) + text[actions[-1]["span"][1]:]


# --- actions --------------------------------------------------------------------------------------

def test_compare_actions_align_every_gold_pair(comparison):
    huguan_titles = [a["title"] for a in load_gold("huguan")["actions"]]
    wenxi_titles = {a["title"] for a in load_gold("wenxi")["actions"]}
    partners = partner_titles(comparison, str(HUGUAN))
    assert len(huguan_titles) == 10
    for title in huguan_titles:
        assert title in wenxi_titles and partners[title] == title


def test_compare_actions_align_across_positions(comparison):
    # 重大项目攻坚 is action 4 in 壶关 and action 2 in 闻喜.
    rows = [r for r in comparison.actions if r.title == "实施专业镇重大项目攻坚行动"]
    assert sorted(r.number for r in rows) == [2, 4] and len({r.group for r in rows}) == 1
    assert all(r.similarity is not None and 0 < r.similarity <= 1 for r in rows)


@pytest.mark.parametrize("reworded", ["huguan", "wenxi"])
@pytest.mark.parametrize("seed", [1, 7])
def test_compare_actions_survive_reworded_and_shuffled_headings(records, reworded, seed):
    kept = "wenxi" if reworded == "huguan" else "huguan"
    source = f"reworded/{reworded}.txt"
    changed = extract_text(source, reword_and_shuffle(records[reworded], seed), default_knowledge()).to_record()
    assert sorted(a["title"] for a in changed["actions"]) == sorted(REWORDED.values())
    assert [a["number"] for a in changed["actions"]] == list(range(1, 11))
    result = compare([records[kept], changed])
    partners = partner_titles(result, records[kept]["source"])
    assert {title: partners[title] for title in REWORDED} == REWORDED


def test_compare_actions_relate_a_merged_action_to_both_halves(records):
    # 闻喜 with 精准招商 folded into 市场拓展 (its heading removed, later actions renumbered).
    text = records["wenxi"]["text"].replace("（八）实施专业镇精准招商行动\n", "")
    text = text.replace("（九）实施专业镇要素", "（八）实施专业镇要素").replace("（十）实施专业镇环境", "（九）实施专业镇环境")
    merged = extract_text("merged/wenxi.txt", text, default_knowledge()).to_record()
    assert len(merged["actions"]) == 9
    result = compare([records["huguan"], merged])
    by_title = {(row.notice, row.title): row for row in result.actions}
    huguan = 0 if result.records[0]["source"] == str(HUGUAN) else 1
    market, invest = by_title[(huguan, "实施专业镇市场拓展行动")], by_title[(huguan, "实施专业镇精准招商行动")]
    folded = by_title[(1 - huguan, "实施专业镇市场拓展行动")]
    assert folded.group == market.group and folded.related == (invest.group,)
    assert invest.similarity is None and invest.related == (market.group,)


def test_compare_actions_leave_an_unmatched_action_alone(records):
    # A notice holding only 要素保障 and 市场拓展: the other eight 壶关 actions have no partner.
    wenxi = dict(records["wenxi"])
    wenxi["actions"] = [a for a in wenxi["actions"] if a["title"] in ("实施专业镇要素保障行动", "实施专业镇市场拓展行动")]
    partners = partner_titles(compare([records["huguan"], wenxi]), str(HUGUAN))
    assert {t for t, p in partners.items() if p} == {"实施专业镇要素保障行动", "实施专业镇市场拓展行动"}


def test_compare_actions_do_not_group_unrelated_notices(records):
    # 立山 (economic targets with bare headings) and 沁县 (projects): nothing in common with the
    # 专业镇 notices or with each other, although both headings end in "。" and start with "2.".
    others = [process_file(CORPORA / "eval" / name).to_record() for name in ("lishan_fengong.txt", "qinxian_renwu.txt")]
    result = compare([records["huguan"], records["wenxi"]] + others)
    notices_per_group: dict[str, set[int]] = {}
    for row in result.actions:
        notices_per_group.setdefault(row.group, set()).add(row.notice)
    shared = [notices for notices in notices_per_group.values() if len(notices) > 1]
    samples = {i for i, r in enumerate(result.records) if r["source"] in (str(HUGUAN), str(WENXI))}
    assert len(shared) == 10 and all(notices == samples for notices in shared)
    bars: dict[str, set[int]] = {}
    for row in result.thresholds:
        bars.setdefault(row.group, set()).add(row.notice)
    assert all(notices <= samples or not notices & samples for notices in bars.values())


def test_compare_candidate_stage_finds_the_pairs_every_pair_would(records, monkeypatch):
    # Large corpora compare each notice with its MinHash LSH neighbours only; force that path.
    import pipeline.compare.candidates as candidates

    others = [process_file(CORPORA / "eval" / name).to_record() for name in ("lishan_fengong.txt", "qinxian_renwu.txt")]
    notices = [records["huguan"], records["wenxi"]] + others
    exact = compare(notices)
    monkeypatch.setattr(candidates, "ALL_PAIRS_MAX_NOTICES", 1)
    monkeypatch.setattr(candidates, "REUSE_ALL_PAIRS_MAX_NOTICES", 1)
    masker = masker_for(notices)
    proposed = candidates.notice_pairs([masker.mask(r["text"]).text for r in exact.records])
    assert (0, 1) in proposed and len(proposed) < 6  # the two 专业镇 notices, not every pair
    monkeypatch.setattr(candidates, "all_pairs", lambda count: pytest.fail("every pair compared"))
    assert compare(notices).tables()["actions"] == exact.tables()["actions"]


def test_compare_candidates_equal_a_datasketch_lsh_query(records, monkeypatch):
    # The array version must rank exactly what MinHash.bulk + MinHashLSH.query ranked before it.
    import zlib

    from datasketch import MinHash, MinHashLSH

    import pipeline.compare.candidates as candidates

    masker = masker_for(list(records.values()))
    texts = [masker.mask(reword_and_shuffle(records[name], seed)).text
             for name in ("huguan", "wenxi") for seed in range(6)] + ["", "专业", "  \n"]
    hashes = MinHash.bulk([candidates.shingles(text, 3) for text in texts], num_perm=candidates.LSH_PERMUTATIONS,
                          hashfunc=zlib.crc32)
    index = MinHashLSH(threshold=candidates.LSH_THRESHOLD, num_perm=candidates.LSH_PERMUTATIONS)
    for number, minhash in enumerate(hashes):
        index.insert(number, minhash)
    expected = [sorted((other for other in index.query(minhash) if other != number),
                       key=lambda other: (-minhash.jaccard(hashes[other]), other))
                for number, minhash in enumerate(hashes)]
    signatures = candidates.minhash_signatures(texts, chunk=5)
    assert signatures.tolist() == [minhash.hashvalues.tolist() for minhash in hashes]
    assert [list(found) for found in candidates.RankedCandidates(signatures, window=None)] == expected
    largest = max(len(table.get(key)) for table in index.hashtables for key in table.keys())
    assert largest <= candidates.WHOLE_BUCKET  # every bucket met whole: the same lists
    assert [list(found) for found in candidates.RankedCandidates(signatures)] == expected
    # Through the window alone, one short of the largest bucket still meets every bucket whole.
    monkeypatch.setattr(candidates, "WHOLE_BUCKET", 1)
    assert [list(found) for found in candidates.RankedCandidates(signatures, window=largest - 1)] == expected


def test_compare_candidate_window_keeps_near_copies_close_and_the_work_linear(records, monkeypatch):
    # Sixty rewrites of two notices: buckets of ~30 near-copies, here far wider than what is met whole.
    import numpy as np

    import pipeline.compare.candidates as candidates

    monkeypatch.setattr(candidates, "WHOLE_BUCKET", 5)

    masker = masker_for(list(records.values()))
    texts = [masker.mask(reword_and_shuffle(records[name], seed)).text for name in ("huguan", "wenxi")
             for seed in range(30)]
    signatures = candidates.minhash_signatures(texts)
    exact = candidates.RankedCandidates(signatures, window=None)
    windowed = candidates.RankedCandidates(signatures, window=3)
    bands = len(__import__("datasketch").MinHashLSH(threshold=candidates.LSH_THRESHOLD,
                                                     num_perm=candidates.LSH_PERMUTATIONS).hashranges)

    def similarity(a: int, b: int) -> float:
        return float((signatures[a] == signatures[b]).mean())

    for number in range(len(texts)):
        found = list(windowed[number])
        assert set(found) <= set(exact[number]) and len(found) <= bands * 2 * max(3, candidates.WHOLE_BUCKET - 1)
        assert len(found) >= candidates.NEIGHBOURS
        assert found == sorted(found, key=lambda other: (-similarity(number, other), other))
        near = sum(similarity(number, other) for other in found[:candidates.NEIGHBOURS])
        best = sum(similarity(number, other) for other in exact[number][:candidates.NEIGHBOURS])
        assert near >= 0.97 * best
    assert len(windowed.others) < len(exact.others)
    assert np.array_equal(windowed.others, candidates.RankedCandidates(signatures, window=3).others)
    monkeypatch.setattr(candidates, "PENDING_PAIRS_MAX", 10)  # repeats dropped band after band: same lists
    assert np.array_equal(windowed.others, candidates.RankedCandidates(signatures, window=3).others)
    # The windows meet only near-copies; the bridges (whole lists) still join the two families.
    pairs = candidates.neighbour_pairs(windowed, candidates.NEIGHBOURS)
    assert any(a < 30 <= b for a, b in pairs)
    whole_lists = [exact[number] for number in range(len(texts))]  # plain lists: bridges read them as given
    assert candidates.bridges(windowed, set(pairs)) == candidates.bridges(whole_lists, set(pairs))


def reference_mask(masker, text: str) -> list[tuple[str, int, int]]:
    """Masking one position at a time: a NUMBER, else the longest word, else the character."""
    from pipeline.compare.text import NUMBER, PLACEHOLDER

    found, index, longest = [], 0, max(map(len, masker.kinds))
    while index < len(text):
        number = NUMBER.match(text, index)
        words = [text[index:end] for end in range(min(len(text), index + longest), index, -1)
                 if text[index:end] in masker.kinds]
        if number:
            found.append((PLACEHOLDER["number"], index, number.end()))
        elif words:
            found.append((PLACEHOLDER[masker.kinds[words[0]]], index, index + len(words[0])))
        else:
            found.append((text[index], index, index + 1))
        index = found[-1][2]
    return found


def test_compare_masking_equals_a_scan_of_every_position(records):
    masker = masker_for(list(records.values()))
    rng = random.Random(3)
    pieces = sorted(masker.kinds)[::40] + list("0123456789一二三十百万亿个家项年、）是.%-至。\n ") + ["专业镇", "１２"]
    texts = [records["huguan"]["text"][:3000], records["wenxi"]["text"][-3000:], ""]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 15))) for _ in range(300)]
    for text in texts:
        masked = masker.mask(text, offset=7)
        expected = reference_mask(masker, text)
        assert masked.text == "".join(char for char, _, _ in expected)
        assert masked.spans == [(start + 7, end + 7) for _, start, end in expected]


def test_compare_masker_masks_the_same_after_pickling(records):
    # Its automaton cannot be pickled and is built again from the words (a masker sent to a worker).
    import pickle

    masker = masker_for(list(records.values()))
    copy = pickle.loads(pickle.dumps(masker))
    text = records["wenxi"]["text"]
    assert copy.mask(text).spans == masker.mask(text).spans and copy.mask(text).text == masker.mask(text).text


@pytest.fixture(params=["cut", "whole vocabulary"])
def product_layout(request, monkeypatch):
    """Both ways _rows_product lays out a block (each is chosen by size at scale)."""
    from pipeline.compare import align

    monkeypatch.setattr(align, "_cut_pays", lambda columns, entries: request.param == "cut")
    return request.param


@pytest.mark.parametrize("descending", [False, True])
def test_compare_pair_products_equal_scipy_bit_for_bit(records, descending, product_layout):
    # A notice against all its partners in one product must give scipy's per-pair values.
    import numpy as np

    from pipeline.compare.align import pair_products
    from pipeline.compare.text import tfidf

    rng = random.Random(5)
    texts = [records["huguan"]["text"], records["wenxi"]["text"]]
    documents = [text[start:start + rng.randint(0, 300)] for text in texts for start in range(0, 5000, 97)]
    matrix = tfidf(documents)
    if descending:  # scipy's products may leave every row's columns in descending order
        matrix = matrix.copy()
        for row in range(matrix.shape[0]):
            part = slice(matrix.indptr[row], matrix.indptr[row + 1])
            matrix.indices[part], matrix.data[part] = matrix.indices[part][::-1].copy(), matrix.data[part][::-1].copy()
        matrix.has_sorted_indices = False
    offsets = list(range(0, len(documents) - 1, 7)) + [len(documents)]
    notices = len(offsets) - 1
    pairs = [(i, j) for i in range(notices) for j in range(i + 1, notices) if (i + j) % 3]
    product = pair_products(matrix, offsets, pairs)
    for i, j in pairs:
        expected = (matrix[offsets[i]:offsets[i + 1]] @ matrix[offsets[j]:offsets[j + 1]].T.tocsc()).toarray()
        assert np.array_equal(product(i, j), expected)


def test_compare_pair_products_of_shared_rows_equal_products_of_every_row(records, product_layout):
    # Items with equal texts share one row of tfidf_rows: their products must be those of the full matrix.
    import numpy as np

    from pipeline.compare.align import pair_products
    from pipeline.compare.text import tfidf, tfidf_rows

    rng = random.Random(8)
    texts = [records["huguan"]["text"], records["wenxi"]["text"]]
    pieces = [text[start:start + rng.randint(0, 200)] for text in texts for start in range(0, 5000, 211)]
    documents = [rng.choice(pieces) for _ in range(150)]  # most pieces several times
    matrix = tfidf(documents)
    distinct, rows_of = tfidf_rows(documents)
    assert distinct.shape[0] == len(set(documents)) < len(documents) == len(rows_of)
    offsets = list(range(0, len(documents) - 1, 6)) + [len(documents)]
    pairs = [(i, j) for i in range(len(offsets) - 1) for j in range(i + 1, len(offsets) - 1) if (i * j) % 4]
    shared, every = pair_products(distinct, offsets, pairs, rows_of), pair_products(matrix, offsets, pairs)
    for i, j in pairs:
        assert np.array_equal(shared(i, j), every(i, j))
    assert np.array_equal(shared(0, 0), every(0, 0))  # a pair not announced


def test_compare_products_of_matrices_side_by_side_equal_each_matrix_alone(records, product_layout):
    # Thresholds multiply metric, subject and context in one product per notice (families of
    # columns): each family's values must be those of its own matrix, bit for bit.
    import numpy as np

    from pipeline.compare.align import _stored_in_one_direction, pair_products
    from pipeline.compare.text import tfidf_rows
    from pipeline.compare.thresholds import _side_by_side_products

    rng = random.Random(9)
    texts = [records["huguan"]["text"], records["wenxi"]["text"]]
    pieces = [text[start:start + rng.randint(0, 80)] for text in texts for start in range(0, 5000, 173)]
    matrices = [tfidf_rows([rng.choice(pieces) for _ in range(120)], sizes=sizes) for sizes in ((1, 2), (1, 2), (2, 3))]
    offsets = list(range(0, 119, 5)) + [120]
    pairs = [(i, j) for i in range(len(offsets) - 1) for j in range(i + 1, len(offsets) - 1) if (i + 2 * j) % 3]
    together = _side_by_side_products(matrices, offsets, pairs)
    assert _stored_in_one_direction(together.vectors)  # else the slow path would hide a wrong order
    alone = [pair_products(matrix, offsets, pairs, rows_of) for matrix, rows_of in matrices]
    for i, j in pairs + [(0, 0), (3, 1)]:  # and two pairs not announced
        stacked = together(i, j)
        assert len(stacked) == 3
        for family, products in enumerate(alone):
            assert np.array_equal(stacked[family], products(i, j))


def _assign_by_definition(similarity, threshold, floor=None, margin=1.5):
    """assign as first written: scipy's assignment, then each pair kept or not on its own."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    if similarity.size == 0:
        return []
    kept = []
    for r, c in zip(*linear_sum_assignment(similarity, maximize=True)):
        score = float(similarity[r, c])
        if score < threshold:
            if floor is None or score < floor:
                continue
            others = np.concatenate([np.delete(similarity[r], c), np.delete(similarity[:, c], r)])
            if others.size and score < margin * others.max():
                continue
        kept.append((int(r), int(c), score))
    return kept


def test_compare_assign_parts_equals_assign_of_each_part():
    # A notice against all its partners at once: each partner's pairs must be what assigning that
    # pair alone gives, in the same order; ties, empty partners and weak pairs included.
    import numpy as np

    from pipeline.compare.align import assign, assign_parts

    rng = np.random.default_rng(11)
    for trial in range(300):
        rows = int(rng.integers(0, 7))
        widths = rng.integers(0, 8, size=int(rng.integers(1, 6))).tolist()
        similarity = rng.random((rows, sum(widths))).round(int(rng.integers(1, 7)))  # coarse rounding: ties
        similarity[rng.random(similarity.shape) < 0.3] = 0.0
        similarity[rng.random(similarity.shape) < 0.1] = 0.15  # weak pairs that may stand out
        floor = None if trial % 3 == 0 else 0.1
        parts, found_rows, columns, scores = assign_parts(similarity, widths, 0.5, floor)
        starts = np.cumsum(widths) - widths
        expected = [(part, row, starts[part] + column, score)
                    for part, (start, width) in enumerate(zip(starts, widths))
                    for row, column, score in _assign_by_definition(similarity[:, start:start + width], 0.5, floor)]
        assert list(zip(parts.tolist(), found_rows.tolist(), columns.tolist(), scores.tolist())) == expected
        assert assign(similarity, 0.5, floor) == _assign_by_definition(similarity, 0.5, floor)


def test_compare_partners_block_equals_the_pairs_products(records):
    # Any run of a notice's partners (all in order, some, or ones not announced) gives their
    # products side by side, bit for bit.
    import numpy as np

    from pipeline.compare.align import pair_products
    from pipeline.compare.text import tfidf

    texts = [records["huguan"]["text"], records["wenxi"]["text"]]
    documents = [text[start:start + 150] for text in texts for start in range(0, 4000, 131)]
    matrix = tfidf(documents)
    offsets = [0, 3, 3, 9, 14, 20, 27, 33, 40, len(documents)]
    pairs = [(i, j) for i in range(9) for j in range(i + 1, 9) if (i + j) % 4]
    product = pair_products(matrix, offsets, pairs)
    for i, partners in [(0, [1, 2, 3, 5, 6, 7]), (0, [3, 6]), (2, [3, 5]), (3, [0, 4]), (8, []), (4, [5, 1])]:
        block = product.partners_block(i, partners)
        rows = offsets[i + 1] - offsets[i]
        expected = np.concatenate([product(i, j) for j in partners] or [np.zeros((rows, 0))], axis=1)
        assert block.shape == expected.shape and np.array_equal(block, expected)


def _groups_by_definition(items, rows):
    """group_items and best_partner_similarity as first written: tuples, best match first."""
    parent, notices, earliest = {i: i for i in items}, {i: {i[0]} for i in items}, {i: i for i in items}

    def find(item):
        while parent[item] != item:
            item = parent[item]
        return item

    for _, a, b in sorted(((-similarity, (na, ia), (nb, ib)) for na, ia, nb, ib, similarity in rows)):
        root_a, root_b = find(a), find(b)
        if root_a != root_b and notices[root_a].isdisjoint(notices[root_b]):
            parent[root_b] = root_a
            notices[root_a] |= notices[root_b]
            earliest[root_a] = min(earliest[root_a], earliest[root_b])
    groups = {item: earliest[find(item)] for item in sorted(items)}
    best = {}
    for na, ia, nb, ib, similarity in rows:
        if groups[(na, ia)] == groups[(nb, ib)]:
            for item in ((na, ia), (nb, ib)):
                best[item] = max(best.get(item, 0.0), similarity)
    return groups, best


@pytest.mark.parametrize("seed", range(5))
def test_compare_groups_equal_the_plain_union_of_best_matches_first(seed):
    from pipeline.compare.align import Matches, best_partner_similarity, group_items

    rng = random.Random(seed)
    items = [(notice, index) for notice in range(30) for index in range(rng.randint(0, 6))]
    rows = []
    for _ in range(400):
        (na, ia), (nb, ib) = rng.sample(items, 2)
        if na != nb:
            rows.append((na, ia, nb, ib, rng.choice([0.3, 0.5, 0.5, 0.75, 0.9, rng.random()])))  # ties too
    matches = Matches.of(rows)
    groups, best = _groups_by_definition(items, rows)
    assert group_items(items, matches) == groups
    assert best_partner_similarity(items, groups, matches) == best
    assert len(set(groups.values())) < len(items)  # some groups were merged


def test_compare_group_ids_do_not_depend_on_input_order(records):
    forward = compare([records["huguan"], records["wenxi"]])
    backward = compare([records["wenxi"], records["huguan"]])
    assert forward.tables() == backward.tables()


# --- thresholds -----------------------------------------------------------------------------------

@pytest.mark.parametrize("huguan_bar, wenxi_bar, same", [
    # the same bar, worded differently
    (("特色主导产业产值", "制造业类专业镇"), ("年产值", "制造业类专业镇"), True),
    (("特色主导产业产值", "特色轻工（工艺美术）类、特优农业类"), ("年产值", "特优农业、特色轻工（工艺美术）类专业镇"), True),
    (("年产值", None), ("年产值", None), True),
    (("市级专业镇数量", None), ("市级专业镇数量", None), True),
    (("龙头企业数量", None), ("龙头企业数量", None), True),
    # different bars
    (("县级专业镇数量", None), ("省级专业镇数量", None), False),
    (("特色主导产业产值", "制造业类专业镇"), ("年产值", "特优农业、特色轻工（工艺美术）类专业镇"), False),
    (("龙头企业数量", None), ("年产值", None), False),
])
def test_compare_thresholds_pair_bars_that_measure_the_same_thing(comparison, huguan_bar, wenxi_bar, same):
    def group_of(notice: int, bar) -> str:
        found = [r.group for r in comparison.thresholds if r.notice == notice
                 and (comparison.records[notice]["thresholds"][r.index]["metric"],
                      comparison.records[notice]["thresholds"][r.index]["subject"]) == bar]
        assert len(found) == 1, bar
        return found[0]
    assert (group_of(0, huguan_bar) == group_of(1, wenxi_bar)) is same


def test_compare_thresholds_wide_flags_values_that_differ(out_folder):
    rows = read_csv(out_folder / "compare" / "thresholds_wide.csv")
    manufacturing = [r for r in rows if r["subject"] == "制造业类专业镇"]
    assert len(manufacturing) == 1
    row = manufacturing[0]
    assert (row["壶关县 value"], row["闻喜县 value"], row["differs"]) == ("1000000000", "500000000", "true")
    leaders = [r for r in rows if r["metric"] == "龙头企业数量"][0]
    assert leaders["differs"] == "false"


# --- roles ----------------------------------------------------------------------------------------

def test_compare_roles_report_the_factor_support_change(out_folder):
    rows = [r for r in read_csv(out_folder / "compare" / "roles.csv") if r["group_title"] == "实施专业镇要素保障行动"]
    by_unit = {r["unit_canonical"]: (r["壶关县"], r["闻喜县"], r["changed"]) for r in rows}
    assert by_unit["发展和改革"] == ("lead", "cooperating", "true")
    assert by_unit["能源"] == ("", "lead", "true")
    assert by_unit["自然资源"] == ("lead", "lead", "false")



def test_compare_role_rows_equal_their_definition():
    # Rows filled per unit from the group's row must be what looking up every notice gives:
    # roles, order of units, None for notices without the action, and what counts as changed.
    from pipeline.compare.actions import AlignedAction
    from pipeline.compare.roles import ABSENT, role_rows, unit_roles

    rng = random.Random(4)
    units = ["发展和改革", "能源", "自然资源", "财政", "县某某中心"]
    records, aligned = [], []
    for notice in range(40):
        actions = []
        for index in range(rng.randint(0, 4)):
            # Notices keep the roles of action 0 (lead: its first unit) and often of the others.
            named = units[index:index + 3] if index == 0 or rng.random() < 0.6 else rng.sample(units, rng.randint(0, 4))
            lead = [{"name": unit, "canonical": unit} for unit in named[:1 if named == units[index:index + 3]
                                                                         else rng.randint(0, len(named))]]
            actions.append({"lead": lead, "cooperating": [{"name": unit} for unit in named[len(lead):]]})
            aligned.append(AlignedAction(f"A{index}", f"行动{index}", notice, index, index + 1, "", None))
        records.append({"actions": actions})
    expected = []
    for group in sorted({row.group for row in aligned}, key=[row.group for row in aligned].index):
        members = [row for row in aligned if row.group == group]
        per_notice = {m.notice: unit_roles(records[m.notice]["actions"][m.index]) for m in members}
        for unit in sorted({unit for roles in per_notice.values() for unit in roles}):
            roles = tuple(per_notice[n].get(unit, ABSENT) if n in per_notice else None for n in range(len(records)))
            expected.append((group, unit, roles, len({role for role in roles if role is not None}) > 1))
    found = [(row.group, row.unit, row.roles, row.changed) for row in role_rows(records, aligned)]
    assert found == expected
    assert any(changed for *_, changed in found) and not all(changed for *_, changed in found)

# --- reuse ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text_a, text_b, expected", [
    # copied
    ("推动签约项目早落地、落地项目早建设", "推动签约项目早落地、落地项目早建设", COPIED),
    # localised: places, units, numbers, jurisdiction words
    ("推动专业镇成为壶关经济发展的", "推动专业镇成为闻喜经济发展的", LOCALISED),
    ("但年产值不少于5000万元。", "但年产值不少于1亿元。", LOCALISED),
    ("（县工信局牵头，县乡村振兴局、县文旅局", "（县工科局牵头，县农业农村局、县文旅局", LOCALISED),
    ("联合市内外优势企业", "联合县内外优势企业", LOCALISED),
    # not copied or localised: other words
    ("持续推动项目签约、投产、开工", "持续推动项目签约、开工、投产", None),
    ("推动专业镇成为壶关经济发展的基石。", "推动专业镇成为闻喜经济发展的重要支柱。", None),
])
def test_compare_reuse_classifies_passages(records, text_a, text_b, expected):
    masker = masker_for([records["huguan"], records["wenxi"]])
    assert classify(text_a, text_b, masker) == expected


def test_compare_reuse_spans_are_exact(comparison, records):
    masker = masker_for([records["huguan"], records["wenxi"]])
    texts = [r["text"] for r in comparison.records]
    kinds = set()
    for p in comparison.passages:
        a, b = texts[p.a][p.start_a:p.end_a], texts[p.b][p.start_b:p.end_b]
        assert a.strip() and b.strip()
        kinds.add(p.kind)
        if p.kind == COPIED:
            assert a == b
        elif p.kind == LOCALISED:
            assert a != b and masker.mask(a).text == masker.mask(b).text
        else:
            assert p.kind == REWRITTEN and masker.mask(a).text != masker.mask(b).text
    assert kinds == {COPIED, LOCALISED, REWRITTEN}


@pytest.mark.parametrize("shared_counts", ["counted for the corpus", "counted per pair"])
def test_compare_reuse_sentence_pairs_equal_greedy_dice_of_every_pair(records, shared_counts, monkeypatch):
    # Fast path (equal bigram sets by number) and the counts of shared bigrams (all at once for a
    # corpus of few distinct sentences, else per pair) must pair exactly as the plain definition:
    # every pair's Dice, most similar first, lower rows first on ties, one to one.
    from pipeline.compare import sentences
    from pipeline.compare.sentences import SENTENCE_MATCH_MIN, NoticeSentences, SentenceTable, sentence_pairs

    monkeypatch.setattr(sentences, "SHARED_COUNTS_MAX_SETS", 10**6 if shared_counts == "counted for the corpus" else 0)

    masker = masker_for(list(records.values()))
    # Unit lists one name longer have the same bigram set (Dice 1) but other masked text.
    extra = "（县工信局、县财政局牵头，县发改局、县人社局、县商务局等部门按职责分工负责）"
    longer = "（县工信局、县财政局、县能源局牵头，县发改局、县人社局、县商务局、县自然资源局等部门按职责分工负责）"
    texts = [records["huguan"]["text"] + extra, reword_and_shuffle(records["huguan"], 2) + longer + extra,
             records["wenxi"]["text"] + longer]
    table = SentenceTable()
    notices = [NoticeSentences(text, masker.mask(text), table) for text in texts]

    def bigram_sets(notice):
        texts = [notice.masked_text(row) for row in range(len(notice))]
        return [{text[i:i + 2] for i in range(len(text) - 1)} for text in texts]

    for a, b in [(0, 1), (0, 2), (1, 2), (1, 1)]:
        left, right = notices[a], notices[b]
        scored, sets_right = [], bigram_sets(right)
        for row_a, set_a in enumerate(bigram_sets(left)):
            for row_b, set_b in enumerate(sets_right):
                shared = len(set_a & set_b)
                dice = 2 * shared / (len(set_a) + len(set_b))
                if shared and dice >= SENTENCE_MATCH_MIN:
                    scored.append((-dice, row_a, row_b))
        used_a, used_b, expected = set(), set(), []
        for negative, row_a, row_b in sorted(scored):
            if row_a not in used_a and row_b not in used_b:
                used_a.add(row_a)
                used_b.add(row_b)
                expected.append((row_a, row_b, -negative))
        assert sentence_pairs(left, right) == sorted(expected)


def test_compare_reuse_common_runs_are_difflibs_matching_blocks(records):
    # cydifflib stands in for difflib's SequenceMatcher: on every sentence pair reuse matches in
    # the samples (reworded ones included), it must find the very same blocks.
    import difflib

    from pipeline.compare.reuse import masked_runs
    from pipeline.compare.sentences import MIN_RUN, NoticeSentences, SentenceTable, sentence_pairs

    masker = masker_for(list(records.values()))
    texts = [records["huguan"]["text"], reword_and_shuffle(records["huguan"], 3), records["wenxi"]["text"]]
    table = SentenceTable()
    notices = [NoticeSentences(text, masker.mask(text), table) for text in texts]
    checked = 0
    for a, b in [(0, 1), (0, 2), (1, 2)]:
        for row_a, row_b, _ in sentence_pairs(notices[a], notices[b]):
            masked_a, masked_b = notices[a].masked_text(row_a), notices[b].masked_text(row_b)
            blocks = difflib.SequenceMatcher(None, masked_a, masked_b, autojunk=False).get_matching_blocks()
            expected = [(block.a, block.b, block.size) for block in blocks if block.size >= MIN_RUN]
            assert [run[:3] for run in masked_runs(masked_a, masked_b)[2]] == expected
            checked += masked_a != masked_b
    assert checked > 20  # reworded pairs, not only equal ones


def test_compare_candidate_ranking_one_key_sorts_as_lexsort():
    import numpy as np

    from pipeline.compare import candidates

    rng = np.random.default_rng(4)
    for count in (2, 37, 5000):
        codes = np.unique(rng.integers(0, count * count, 3000))
        owners, others = codes // count, codes % count
        equal = rng.integers(0, candidates.LSH_PERMUTATIONS + 1, len(codes))
        expected = candidates._ranking_order(owners, others, equal, count, one_key=False)
        assert np.array_equal(candidates._ranking_order(owners, others, equal, count), expected)



def test_compare_passage_order_sorts_as_lexsort():
    # One key while the four columns fit 63 bits, the four-key sort past that: the same order,
    # on passages that come pair by pair nearly in order (as workers make them) and on any order.
    import numpy as np

    from pipeline.compare.reuse import passage_order

    rng = np.random.default_rng(6)
    for notices, length in ((3, 50), (10_000, 60_000), (1 << 20, 1 << 22)):
        a, b = np.sort(rng.integers(0, notices, (2, 4000)), axis=0)
        start_a, start_b = rng.integers(0, length, (2, 4000))
        by_pair = np.lexsort((b, a))
        for columns in ((a, b, start_a, start_b), tuple(values[by_pair] for values in (a, b, start_a, start_b))):
            expected = np.lexsort(columns[::-1])
            assert np.array_equal(passage_order(*columns), expected)

# Reworded sentences whose numbers end in a Chinese numeral (三个 / 三项: masked alone, 三 is text)
# and whose units and places differ: the sentence pairs reworded_passages leaves to runs_passages.
HOSTILE_REWORDED = ("各乡镇全面加快建成三个省级专业镇综合服务平台。全县专业镇今年要完成十项重点任务和二是工作要求。"
                    "壶关县工信局牵头推进专业镇建设，壶关县财政局配合落实资金保障。",
                    "各乡镇全面加快建成五项省级专业镇综合服务平台。全县专业镇今年要完成八个重点任务和三是工作要求。"
                    "闻喜县工科局牵头推进专业镇建设，闻喜县财政局配合落实资金保障。")


def _reworded_of_two(text_a, text_b, a, b, rows_a, rows_b, dice, masker):
    """reworded_passages of the given sentence rows of two notices, as (start_a, end_a, start_b,
    end_b, kind, similarity) columns; every passage must name notice 0 as a and notice 1 as b."""
    import pipeline.compare.reuse as reuse
    import pipeline.compare.sentences as sentences

    columns = sentences.SentenceColumns([a, b])
    found = reuse.reworded_passages(columns, [text_a, text_b], rows_a + columns.offsets[0],
                                    rows_b + columns.offsets[1], dice, masker, {})
    assert set(found[0].tolist()) <= {0} and set(found[3].tolist()) <= {1}
    return found[1:3] + found[4:]


def test_compare_reworded_passages_are_what_runs_passages_makes_of_each_sentence_pair(records, monkeypatch):
    # reworded_passages classifies the reworded sentences of a notice pair with arrays and sends
    # only a few sentence pairs through runs_passages; every passage must be what runs_passages
    # makes of its sentence pair alone.
    import itertools

    import pipeline.compare.reuse as reuse
    import pipeline.compare.sentences as sentences

    masker = masker_for(list(records.values()))
    texts = [records["huguan"]["text"], reword_and_shuffle(records["huguan"], 3), records["wenxi"]["text"],
             reword_and_shuffle(records["wenxi"], 4), *HOSTILE_REWORDED]
    table = sentences.SentenceTable()
    notices = [sentences.NoticeSentences(text, masker.mask(text), table) for text in texts]
    runs_passages = reuse.runs_passages
    redone = []
    monkeypatch.setattr(reuse, "runs_passages", lambda *args: redone.append(args) or runs_passages(*args))
    checked = 0
    for i, j in itertools.combinations(range(len(texts)), 2):
        a, b = notices[i], notices[j]
        rows_a, rows_b, dice = sentences.sentence_pair_arrays(a, b)
        reworded = a.masked_ids[rows_a] != b.masked_ids[rows_b]
        rows_a, rows_b, dice = rows_a[reworded], rows_b[reworded], dice[reworded]
        if not len(rows_a):
            continue
        columns = _reworded_of_two(texts[i], texts[j], a, b, rows_a, rows_b, dice, masker)
        expected = [(*passage[:4], reuse.KINDS.index(passage[4]), value)
                    for row_a, row_b, value in zip(rows_a.tolist(), rows_b.tolist(), dice.tolist())
                    for passage in runs_passages(texts[i], texts[j], a.document.bounds(a.first[row_a], a.last[row_a]),
                                                 b.document.bounds(b.first[row_b], b.last[row_b]),
                                                 reuse.masked_runs(a.masked_text(row_a), b.masked_text(row_b)), masker)]
        assert sorted(zip(*(values.tolist() for values in columns))) == sorted(expected)
        checked += len(expected)
    assert checked > 500
    assert 0 < len(redone) < checked / 20  # the numeral sentences went through runs_passages, little else
    hostile = [passage for args in redone for passage in runs_passages(*args) if args[0] == HOSTILE_REWORDED[0]]
    assert {passage[4] for passage in hostile} >= {COPIED, LOCALISED, REWRITTEN}


def test_compare_reworded_passages_of_random_edits_are_what_runs_passages_makes():
    # Sentences of a few characters (numerals, measure words, places, digits) edited at random: the
    # odd cases (a run ending in a numeral, stretches equal once masked, touching passages) come up.
    import pipeline.compare.reuse as reuse
    import pipeline.compare.sentences as sentences
    from pipeline.compare.text import Masker

    masker = Masker(places=["壶关县", "闻喜县", "壶关"], units=["县工信局", "县财政局"])
    alphabet = ["三", "五", "十", "个", "项", "是", "、", "建成", "平台", "壶关县", "闻喜县", "县工信局", "县财政局",
                "10", "5", "亿元", "推进", "专业镇", "全县", "全省"]
    rng = random.Random(5)
    checked = 0
    for _ in range(400):
        words = [rng.choice(alphabet) for _ in range(rng.randint(6, 18))]
        edited = list(words)
        for _ in range(rng.randint(1, 4)):
            edited[rng.randrange(len(edited))] = rng.choice(alphabet)
        text_a, text_b = "".join(words) + "。", "".join(edited) + "。"
        table = sentences.SentenceTable()
        a = sentences.NoticeSentences(text_a, masker.mask(text_a), table)
        b = sentences.NoticeSentences(text_b, masker.mask(text_b), table)
        rows_a, rows_b, dice = sentences.sentence_pair_arrays(a, b)
        reworded = a.masked_ids[rows_a] != b.masked_ids[rows_b]
        if not reworded.any():
            continue
        columns = _reworded_of_two(text_a, text_b, a, b, rows_a[reworded], rows_b[reworded], dice[reworded], masker)
        expected = [(*passage[:4], reuse.KINDS.index(passage[4]), float(dice[0])) for passage in reuse.runs_passages(
            text_a, text_b, a.document.bounds(a.first[0], a.last[0]), b.document.bounds(b.first[0], b.last[0]),
            reuse.masked_runs(a.masked_text(0), b.masked_text(0)), masker)]
        assert sorted(zip(*(values.tolist() for values in columns))) == sorted(expected), (text_a, text_b)
        checked += len(expected)
    assert checked > 300



@pytest.mark.parametrize("shared_counts", ["counted for the corpus", "counted per pair"])
def test_compare_reuse_of_many_pairs_at_once_equals_each_pair_alone(records, shared_counts, monkeypatch):
    # A worker pairs and classifies the sentences of all its pairs of notices at once: each pair's
    # passages must be what that pair alone gives, equal and reworded sentences, odd cases included.
    import itertools

    import numpy as np

    import pipeline.compare.reuse as reuse
    import pipeline.compare.sentences as sentences

    monkeypatch.setattr(sentences, "SHARED_COUNTS_MAX_SETS", 10**6 if shared_counts == "counted for the corpus" else 0)
    masker = masker_for(list(records.values()))
    texts = [records["huguan"]["text"], reword_and_shuffle(records["huguan"], 3), records["wenxi"]["text"],
             reword_and_shuffle(records["wenxi"], 4), "", *HOSTILE_REWORDED]
    table = sentences.SentenceTable()
    notices = [sentences.NoticeSentences(text, masker.mask(text), table) for text in texts]
    columns = sentences.SentenceColumns(notices)
    pairs = list(itertools.combinations(range(len(texts)), 2))
    together = reuse.Passages.sorted_from([reuse._pairs_passages(texts, masker, columns, pairs, {})])
    alone = reuse.Passages.sorted_from([reuse._pairs_passages(texts, masker, columns, [pair], {}) for pair in pairs])
    assert len(together) > 500 and {p.kind for p in together} == {COPIED, LOCALISED, REWRITTEN}
    assert all(np.array_equal(together.columns[name], alone.columns[name]) for name in together.columns)

def test_compare_reuse_in_worker_processes_equals_one_process(records, monkeypatch):
    import numpy as np

    import pipeline.compare.reuse as reuse

    masker = masker_for(list(records.values()))
    texts = [records["huguan"]["text"], records["wenxi"]["text"]] + \
        [reword_and_shuffle(records[name], seed) for name in ("huguan", "wenxi") for seed in (3, 4)]
    monkeypatch.setenv("POLICYMAP_COMPARE_JOBS", "1")
    alone = reuse.align_reuse(texts, masker)
    monkeypatch.setenv("POLICYMAP_COMPARE_JOBS", "2")
    monkeypatch.setattr(reuse, "PARALLEL_MIN_PAIRS", 1)
    shared = reuse.align_reuse(texts, masker)
    assert len(alone) > 100
    assert all(np.array_equal(alone.columns[name], shared.columns[name]) for name in alone.columns)


def test_compare_sentences_found_in_worker_processes_number_as_one_process(records):
    # Workers number the masked sentences in tables of their own; merged, every array and the
    # shared table must be what one process makes.
    import numpy as np

    from pipeline.compare.sentences import SentenceTable, notice_sentences

    masker = masker_for(list(records.values()))
    texts = [records["huguan"]["text"], records["wenxi"]["text"]] + \
        [reword_and_shuffle(records[name], seed) for name in ("huguan", "wenxi") for seed in (3, 4)] + [""]
    documents = [masker.mask(text) for text in texts]
    alone_table, shared_table = SentenceTable(), SentenceTable()
    alone = notice_sentences(texts, documents, alone_table, workers=1)
    shared = notice_sentences(texts, documents, shared_table, workers=2)
    names = ("starts", "ends", "first", "last", "masked_ids", "raw_hashes", "set_ids", "sizes", "pair_keys")
    for one, other in zip(alone, shared, strict=True):
        assert all(np.array_equal(getattr(one, name), getattr(other, name)) for name in names)
    assert alone_table.ids == shared_table.ids and alone_table.set_keys == shared_table.set_keys
    assert len(alone_table.ids) > 100


def test_compare_pair_loops_in_worker_processes_equal_one_process(records, monkeypatch):
    import pipeline.compare as compare_module
    import pipeline.compare.align as align
    import pipeline.compare.text as text

    notices = [{**records[name], "source": f"{copy}_{name}.txt"} for copy in range(3) for name in ("huguan", "wenxi")]
    monkeypatch.setenv("POLICYMAP_COMPARE_JOBS", "1")
    alone = compare(notices).tables()
    monkeypatch.setenv("POLICYMAP_COMPARE_JOBS", "2")
    monkeypatch.setattr(align, "PARALLEL_MIN_PAIRS", 1)
    monkeypatch.setattr(text, "PARALLEL_MIN_TEXTS", 1)  # masking too
    monkeypatch.setattr(compare_module, "BACKGROUND_ROLES_MIN_NOTICES", 1)  # and roles, in the background
    assert len(align.split_pairs([(0, 1), (0, 2), (1, 2), (1, 3), (2, 3)])) > 1
    assert compare(notices).tables() == alone


def test_compare_reuse_shares_add_up(out_folder):
    rows = read_csv(out_folder / "compare" / "reuse_shares.csv")
    assert {r["label"] for r in rows} == {"壶关县", "闻喜县"}
    for row in rows:
        parts = [float(row[k]) for k in ("copied", "localised", "rewritten", "new")]
        assert abs(sum(parts) - 1) < 1e-3 and all(0 <= p <= 1 for p in parts)
        # Both counties rewrote one provincial template: most of each is reused, some is their own.
        assert parts[0] + parts[1] > 0.4 and parts[3] > 0.1


def test_compare_text_shares_of_many_texts_are_each_texts_plain_count():
    # text_shares lays texts end to end and counts them at once; each text's shares must be the
    # plain per-character count: the best class covering it (copied > localised > rewritten),
    # white space not counted, empty texts and characters beyond the BMP included.
    from pipeline.compare.reuse import KINDS, text_shares

    rng = random.Random(3)
    alphabet = ["专", "业", "镇", " ", "\n", "\u3000", "a", "1", "\U00028468", "，"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.choice([0, 1, 5, 40, 200]))) for _ in range(60)]
    owners, starts, ends, kinds = [], [], [], []
    for number, text in enumerate(texts):
        for _ in range(rng.randint(0, 6)):
            start = rng.randint(0, len(text))
            owners.append(number)
            starts.append(start)
            ends.append(rng.randint(start, len(text)))
            kinds.append(rng.randrange(3))
    found = text_shares(texts, np.array(owners, dtype=np.int64), np.array(starts, dtype=np.int64),
                        np.array(ends, dtype=np.int64), np.array(kinds, dtype=np.int8))
    rank = {"rewritten": 1, "localised": 2, "copied": 3}
    for number, text in enumerate(texts):
        best = [0] * len(text)
        for owner, start, end, kind in zip(owners, starts, ends, kinds):
            if owner == number:
                for at in range(start, end):
                    best[at] = max(best[at], rank[KINDS[kind]])
        counted = [at for at, char in enumerate(text) if not char.isspace()]
        expected = {"chars": len(counted)}
        for kind in KINDS:
            share = sum(best[at] == rank[kind] for at in counted)
            expected[kind] = round(share / len(counted), 4) if counted else 0.0
        expected["new"] = round(1 - sum(expected[k] for k in KINDS), 4) if counted else 0.0
        assert found[number] == expected, text


def test_compare_reuse_against_a_template(tmp_path, out_folder, records):
    # A "provincial template": the 壶关 notice with its places put back to the province's.
    template = tmp_path / "template.txt"
    template.write_text(HUGUAN.read_text(encoding="utf-8").replace("壶关县", "山西省").replace("壶关", "山西"),
                        encoding="utf-8")
    out = tmp_path / "out"
    shutil.copytree(out_folder, out)
    result = CliRunner().invoke(cli, ["compare", str(out), "--template", str(template)])
    assert result.exit_code == 0, result.output
    shares = {(r["label"], r["against"]): r for r in read_csv(out / "compare" / "reuse_shares.csv")}
    huguan = shares[("壶关县", "template:山西省")]
    assert float(huguan["localised"]) > 0.01 and float(huguan["copied"]) + float(huguan["localised"]) > 0.9
    assert float(shares[("闻喜县", "template:山西省")]["new"]) > float(huguan["new"])
    template_rows = [r for r in read_csv(out / "compare" / "reuse.csv") if r["source_b"] == str(template)]
    assert template_rows and all(r["kind"] in (COPIED, LOCALISED, REWRITTEN) for r in template_rows)


# --- files and command ----------------------------------------------------------------------------

CONTRACT_COLUMNS = {
    "actions.csv": ["group", "source", "doc_number", "county", "action_number", "action_title", "similarity"],
    "thresholds.csv": ["group", "source", "doc_number", "county", "metric", "subject", "op", "value", "unit", "year"],
    "roles.csv": ["group", "unit_canonical", "壶关县", "闻喜县", "changed"],
    "reuse.csv": ["source_a", "start_a", "end_a", "source_b", "start_b", "end_b", "kind"],
}


def test_compare_reuse_csv_is_what_write_csv_writes(tmp_path, records):
    # reuse.csv formats its rows itself (millions at scale); cells with commas, quotes, line breaks
    # and formula starts must come out exactly as the csv module and safe_cell write them.
    from pipeline.compare.tables import reuse_table, write_reuse_csv
    from pipeline.write import write_csv

    hostile = []
    for name in ("huguan", "wenxi"):
        record = dict(records[name])
        # Same-length swaps keep every span of the record valid.
        record["text"] = (record["text"].replace("，", ",").replace("“", '"').replace("”", '"')
                          .replace("（", "=").replace("；", "\n"))
        record["source"] = f'=corpora/{name},"x".txt'  # a file name a spreadsheet would run, quoted
        hostile.append(record)
    comparison = compare(hostile)
    write_reuse_csv(tmp_path / "reuse.csv", comparison.records, comparison.template, comparison.passages)
    write_csv(tmp_path / "expected.csv", *reuse_table(comparison))
    written = (tmp_path / "reuse.csv").read_bytes()
    assert written == (tmp_path / "expected.csv").read_bytes()
    assert b'""' in written and b"'=" in written and b'\n' in written and len(comparison.passages) > 50


def test_compare_reuse_csv_laid_out_by_arrow_for_every_utf8_width_and_split_text_buffers(tmp_path, records,
                                                                                         monkeypatch):
    # reuse_csv.py points Arrow string views into the texts' UTF-8: characters of 1 to 4 bytes,
    # pieces short enough to be held in a view and longer ones, and texts spread over several
    # buffers must all come out as write_csv writes reuse_table.
    import pipeline.compare.reuse_csv as reuse_csv
    from pipeline.compare.tables import reuse_table, write_reuse_csv
    from pipeline.write import write_csv

    wide = []
    for name in ("huguan", "wenxi"):
        record = dict(records[name])
        # One character for one: every span stays valid (的: 2 bytes, 镇: 4 bytes, 、: 1 byte).
        record["text"] = record["text"].replace("的", "é").replace("镇", "\U00028468").replace("、", "/")
        wide.append(record)
    wide.append({**wide[0], "source": "corpora/copy.txt"})
    comparison = compare(wide)
    write_csv(tmp_path / "expected.csv", *reuse_table(comparison))
    expected = (tmp_path / "expected.csv").read_bytes()
    assert "\U00028468".encode() in expected and "é".encode() in expected
    rows = reuse_csv.ReuseCsvRows(comparison.records, None, comparison.passages)
    views = rows.row_views(0, len(comparison.passages))
    views.validate(full=True)
    lengths = np.array([len(piece) for piece in views.to_pylist()])
    assert (lengths <= reuse_csv.INLINE_BYTES).any() and (lengths > reuse_csv.INLINE_BYTES).any()
    write_reuse_csv(tmp_path / "reuse.csv", comparison.records, None, comparison.passages)
    assert (tmp_path / "reuse.csv").read_bytes() == expected
    monkeypatch.setattr(reuse_csv, "TEXT_BUFFER_MAX", 20_000)  # a buffer a notice
    assert len(reuse_csv.ReuseCsvRows(comparison.records, None, comparison.passages).text_buffers) == 3
    write_reuse_csv(tmp_path / "split.csv", comparison.records, None, comparison.passages, chunk=100)
    assert (tmp_path / "split.csv").read_bytes() == expected


def test_compare_imports_no_pandas(tmp_path, out_folder):
    # pa.array and pa.scalar import pandas (45 MB) to see what they were given: reuse.csv's Arrow
    # arrays are made from buffers, and a comparison (reuse.csv written in the background too)
    # runs with pandas absent.
    shutil.copy(out_folder / "notices.jsonl", tmp_path / "notices.jsonl")
    code = ("import sys; sys.modules['pandas'] = None\n"
            "from pathlib import Path\nimport pipeline.compare as comparing\n"
            "comparing.BACKGROUND_REUSE_MIN_PASSAGES = 1\n"
            f"print(len(comparing.compare_out(Path({str(tmp_path)!r})).passages))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(done.stdout) > 50 and (tmp_path / "compare" / "reuse.csv").stat().st_size > 5000


def test_compare_action_pairs_csv_is_what_write_csv_writes(tmp_path, records):
    # action_pairs.csv formats its rows itself (850,000 at 10,000 notices); titles with commas,
    # quotes, line breaks and formula starts, and a missing title, must come out as write_csv writes them.
    from pipeline.compare.tables import action_pairs_table, write_action_pairs_csv
    from pipeline.write import write_csv

    hostile = []
    for name, marks in (("huguan", ['=', ',', '"']), ("wenxi", ['+', '\n', None])):
        record = json.loads(json.dumps(records[name]))
        record["source"] = f'=corpora/{name},"x".txt'
        for number, action in enumerate(record["actions"]):
            mark = marks[number % len(marks)]
            action["title"] = None if mark is None else f"{mark}{action['title']}{mark}"
        hostile.append(record)
    comparison = compare(hostile)
    write_action_pairs_csv(tmp_path / "action_pairs.csv", comparison)
    write_csv(tmp_path / "expected.csv", *action_pairs_table(comparison))
    written = (tmp_path / "action_pairs.csv").read_bytes()
    assert written == (tmp_path / "expected.csv").read_bytes()
    assert b'""' in written and b"'=" in written and b"\n" in written and len(comparison.action_matches) > 5


@pytest.mark.parametrize("name", sorted(CONTRACT_COLUMNS))
def test_compare_files_start_with_the_contract_columns(out_folder, name):
    raw = (out_folder / "compare" / name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert header[:len(CONTRACT_COLUMNS[name])] == CONTRACT_COLUMNS[name]


def test_compare_writes_identical_files_on_every_run(tmp_path, out_folder):
    # Two processes with different string-hash seeds: no output may depend on set or dict order.
    runs = []
    for seed in ("1", "2"):
        again = tmp_path / seed
        again.mkdir()
        shutil.copy(out_folder / "notices.jsonl", again / "notices.jsonl")
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "pipeline.cli", "compare", str(again)], check=True, env=env,
                       capture_output=True)
        runs.append(again / "compare")
    names = sorted(p.name for p in runs[0].iterdir())
    assert names == sorted(p.name for p in runs[1].iterdir()) and "report.html" in names
    assert names == sorted(p.name for p in (out_folder / "compare").iterdir())
    for name in names:
        assert (runs[0] / name).read_bytes() == (runs[1] / name).read_bytes(), name
        assert (runs[0] / name).read_bytes() == (out_folder / "compare" / name).read_bytes(), name


@pytest.mark.parametrize("lines, message", [
    (None, "no such file"),
    (1, "at least two notices"),
])
def test_compare_refuses_what_it_cannot_compare(tmp_path, out_folder, lines, message):
    if lines is not None:
        first = (out_folder / "notices.jsonl").read_text(encoding="utf-8").splitlines()[:lines]
        (tmp_path / "notices.jsonl").write_text("\n".join(first) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", str(tmp_path)])
    assert result.exit_code == 1 and message in result.output
    with pytest.raises(CompareError):
        compare(load_records(tmp_path)) if lines is not None else load_records(tmp_path)


def test_compare_report_names_every_notice(out_folder):
    report = (out_folder / "compare" / "report.html").read_text(encoding="utf-8")
    assert "壶关县" in report and "闻喜县" in report and "实施专业镇要素保障行动" in report
    # the 制造业类专业镇 bar, as a reader writes it, flagged in both counties
    assert '<td class="differs">&gt;= 10亿元</td><td class="differs">= 5亿元</td><td>true</td>' in report


def read_csv(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_compare_tells_its_progress_stage_by_stage(out_folder, tmp_path):
    import shutil as copying

    copying.copy(out_folder / "notices.jsonl", tmp_path / "notices.jsonl")
    told: list[str] = []
    compare_out(tmp_path, progress=told.append)
    assert [message.split(" ")[0] for message in told] == ["reading", "masking", "choosing", "finding", "aligning",
                                                           "aligning", "writing"]
    assert told[1] == "masking 2 notices" and told[4] == "aligning actions (1 pairs)"


def test_compare_writes_in_the_background_and_in_two_processes_what_it_writes_in_line(records, tmp_path, monkeypatch):
    # From BACKGROUND_REUSE_MIN_PASSAGES passages reuse.csv is written by a forked process while
    # actions and thresholds are aligned, and from PARALLEL_MIN_ROWS two processes write the
    # other tables: the same bytes, every table.
    import json

    import pipeline.compare as comparing
    import pipeline.compare.tables as tables

    notices = [records["huguan"], records["wenxi"], {**records["huguan"], "source": "corpora/copy.txt"}]
    for name in ("inline", "background"):
        (tmp_path / name).mkdir()
        with (tmp_path / name / "notices.jsonl").open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in notices)
    told: list[str] = []
    compare_out(tmp_path / "inline")
    monkeypatch.setattr(comparing, "BACKGROUND_REUSE_MIN_PASSAGES", 1)
    monkeypatch.setattr(tables, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setenv("POLICYMAP_COMPARE_JOBS", "2")
    comparison = compare_out(tmp_path / "background", progress=told.append)
    assert any(message.startswith("writing reuse.csv") for message in told)
    written = sorted(path.name for path in (tmp_path / "background" / "compare").iterdir())
    assert written == sorted(path.name for path in comparison.files) and "reuse.csv" in written
    for path in (tmp_path / "inline" / "compare").iterdir():
        assert path.read_bytes() == (tmp_path / "background" / "compare" / path.name).read_bytes(), path.name


def test_compare_reuse_csv_shared_between_the_writer_and_this_process_is_what_one_writes(records, tmp_path,
                                                                                         monkeypatch):
    # BackgroundReuseCsv.finish takes half of the chunks the background writer has not begun and
    # appends them: the file must be write_reuse_csv's, byte for byte, whoever wrote which chunk.
    import time

    import pipeline.compare.tables as tables

    comparison = compare([records["huguan"], records["wenxi"], {**records["huguan"], "source": "corpora/copy.txt"}])
    tables.write_reuse_csv(tmp_path / "expected.csv", comparison.records, None, comparison.passages, chunk=7)
    parts = tables.reuse_csv_parts

    def slowly(*args, **kwargs):  # the writer (forked after this) takes longer than this process
        for text in parts(*args, **kwargs):
            time.sleep(0.002)
            yield text

    monkeypatch.setattr(tables, "reuse_csv_parts", slowly)
    monkeypatch.setattr(tables, "TAKE_MIN_CHUNKS", 1)
    writer = tables.BackgroundReuseCsv(tmp_path / "reuse.csv", comparison.records, None, comparison.passages, chunk=7)
    writer.finish()
    assert writer.taken > 0 and writer.count > 20
    assert (tmp_path / "reuse.csv").read_bytes() == (tmp_path / "expected.csv").read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["expected.csv", "reuse.csv"]


def test_compare_reports_a_failed_background_write_and_leaves_no_partial_files(records, tmp_path, monkeypatch):
    import json

    import pipeline.compare as comparing
    import pipeline.compare.tables as tables

    with (tmp_path / "notices.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(records[name], ensure_ascii=False) + "\n" for name in ("huguan", "wenxi"))
    monkeypatch.setattr(comparing, "BACKGROUND_REUSE_MIN_PASSAGES", 1)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tables, "reuse_csv_parts", disk_full)
    with pytest.raises(OSError, match="No space left on device"):
        compare_out(tmp_path)
    assert not (tmp_path / "compare" / "reuse.csv").exists()
    assert [path.name for path in (tmp_path / "compare").iterdir() if path.name.startswith(".")] == []


def test_compare_stops_its_background_writer_when_aligning_fails(records, tmp_path, monkeypatch):
    import json

    import pipeline.compare as comparing

    with (tmp_path / "notices.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(records[name], ensure_ascii=False) + "\n" for name in ("huguan", "wenxi"))
    monkeypatch.setattr(comparing, "BACKGROUND_REUSE_MIN_PASSAGES", 1)

    def broken(*args):
        raise RuntimeError("aligning failed")

    monkeypatch.setattr(comparing, "align_actions", broken)
    with pytest.raises(RuntimeError, match="aligning failed"):
        compare_out(tmp_path)
    folder = tmp_path / "compare"
    assert not folder.exists() or [path.name for path in folder.iterdir()] == []


def test_compare_command_logs_its_stages_with_verbose(out_folder, tmp_path):
    import shutil as copying

    copying.copy(out_folder / "notices.jsonl", tmp_path / "notices.jsonl")
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "-v", "compare", str(tmp_path)], check=True,
                          capture_output=True, text=True)
    assert "compare [" in done.stderr and "aligning actions (1 pairs)" in done.stderr
    assert done.stderr.index("reading") < done.stderr.index("finding reused text") < done.stderr.index("writing")


def test_compare_a_piece_of_whole_masked_characters_masks_alone_as_in_its_sentence(records):
    # reuse.py classifies a common run as localised without masking its raw text again when this holds.
    from pipeline.compare.reuse import _masks_alone_as_in_context
    from pipeline.compare.text import PLACEHOLDER

    masker = masker_for(list(records.values()))
    rng = random.Random(11)
    checked = 0
    for name in ("huguan", "wenxi"):
        text = records[name]["text"]
        document = masker.mask(text)
        for _ in range(3000):
            first = rng.randrange(len(document.text) - 1)
            last = min(len(document.text), first + rng.randint(1, 40))
            start, end = document.original(first, last)
            if _masks_alone_as_in_context(document.text[last - 1] == PLACEHOLDER["number"], text[start:end]):
                checked += 1
                assert masker.mask(text[start:end]).text == document.text[first:last], text[start:end]
    assert checked > 5000
    assert masker.mask("完成三个").text[-2] == PLACEHOLDER["number"]
    assert not _masks_alone_as_in_context(True, "完成三")  # 三 masked only before 个
