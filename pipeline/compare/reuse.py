"""Text reuse: which passages of a notice were copied, localised or rewritten from another.

Local alignment on characters, in two steps. Sentences first: each sentence is masked
(place names, unit names, numbers, 全省/县级 become placeholders, see text.py) and two
notices' sentences are paired one to one, most similar first, when the Dice coefficient
of their masked character bigrams reaches SENTENCE_MATCH_MIN. Then characters: within a
sentence pair, difflib's SequenceMatcher finds the common runs of the masked texts; a run
of at least MIN_RUN characters is a passage, and the differing stretch between two runs
is a passage too when both sides have comparable text there. Each passage is classified
on its exact spans:

    copied     text_a[span_a] == text_b[span_b]
    localised  different, but equal once masked (山西省 -> 壶关县, 10亿 -> 5亿, 全省 -> 全县)
    rewritten  different even masked, inside a sentence pair of similar wording

Characters in no passage are new local text. Which pairs of notices are compared is decided
by candidates.py (every pair up to 20 notices, else each notice's nearest neighbours by MinHash
LSH), so the work grows with N × neighbours, not N².
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from scipy import sparse

from pipeline.compare.text import Masked, Masker, sentence_spans

COPIED, LOCALISED, REWRITTEN = "copied", "localised", "rewritten"
KINDS = (COPIED, LOCALISED, REWRITTEN)
# Two sentences are versions of one another from this Dice of masked character bigrams up.
SENTENCE_MATCH_MIN = 0.5
# A common run shorter than this (after masking) is coincidence, not reuse: 4 characters is
# one Chinese phrase (专业镇的), 6 is the shortest run that is copying rather than vocabulary.
MIN_RUN = 6
# A differing stretch counts as rewritten when the shorter side has this share of the longer;
# otherwise one side inserted text the other does not have (new, not rewritten).
REWRITE_BALANCE = 0.3


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    masked: Masked


def bigrams(sentence: Sentence) -> frozenset:
    """The masked character bigrams of a sentence (made when needed: held for every sentence of
    a thousand notices they took most of a gigabyte)."""
    text = sentence.masked.text
    return frozenset(text[i:i + 2] for i in range(len(text) - 1))


@dataclass(frozen=True, slots=True)
class Passage:
    a: int  # notice indices
    start_a: int
    end_a: int
    b: int
    start_b: int
    end_b: int
    kind: str
    similarity: float  # Dice of the sentence pair it lies in


def classify(text_a: str, text_b: str, masker: Masker) -> str | None:
    """The reuse class of two passages, or None when they are equal neither raw nor masked
    and so can only be `rewritten` if their sentences are similar.

    >>> m = Masker(places=["壶关县", "山西省"])
    >>> classify("推动签约项目早落地", "推动签约项目早落地", m), classify("壶关县产值10亿元", "山西省产值5亿元", m)
    ('copied', 'localised')
    >>> classify("开工、投产", "投产、开工", m) is None
    True
    """
    if text_a == text_b:
        return COPIED
    if masker.masked_text(text_a) == masker.masked_text(text_b):
        return LOCALISED
    return None


def sentences(text: str, masker: Masker, document: Masked | None = None) -> list[Sentence]:
    """The sentences of a normalised text, masked; a sentence with fewer than MIN_RUN letters
    besides its placeholders (2023年10月30日, 闻政办发〔2023〕33号) is left out: every notice has
    one, and matching them says nothing about reuse."""
    found = []
    for start, end in sentence_spans(text):
        masked = document.slice(start, end) if document is not None else masker.mask(text[start:end], offset=start)
        if sum(unicodedata.category(ch)[0] == "L" for ch in masked.text) >= MIN_RUN:
            found.append(Sentence(start, end, masked))
    return found


class BigramIndex:
    """Binary masked-bigram matrices of every notice's sentences over one vocabulary, so the Dice
    of all sentence pairs of two notices is one sparse product."""

    def __init__(self, all_sentences: Sequence[Sequence[Sentence]]) -> None:
        vocabulary: dict[str, int] = {}
        matrices = []
        self.sizes = []
        for sents in all_sentences:  # one notice's bigrams at a time
            grams = [bigrams(sentence) for sentence in sents]
            for found in grams:
                for gram in sorted(found):
                    vocabulary.setdefault(gram, len(vocabulary))
            rows = [r for r, found in enumerate(grams) for _ in found]
            cols = [vocabulary[g] for found in grams for g in found]
            matrices.append(sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                              shape=(len(sents), len(vocabulary))))
            self.sizes.append(np.array([len(found) for found in grams]))
        # Every matrix over the final vocabulary (the columns a notice has keep their numbers).
        self.matrices = [sparse.csr_matrix((m.data, m.indices, m.indptr), shape=(m.shape[0], len(vocabulary)))
                         for m in matrices]

    def sentence_pairs(self, i: int, j: int) -> list[tuple[int, int, float]]:
        """One-to-one sentence pairs of notices i and j (index in i, index in j, Dice), most similar
        first, Dice >= SENTENCE_MATCH_MIN."""
        if not self.matrices[i].shape[0] or not self.matrices[j].shape[0]:
            return []
        shared = (self.matrices[i] @ self.matrices[j].T).tocoo()
        dice = 2 * shared.data / (self.sizes[i][shared.row] + self.sizes[j][shared.col])
        keep = dice >= SENTENCE_MATCH_MIN
        scored = sorted(zip((-dice[keep]).tolist(), shared.row[keep].tolist(), shared.col[keep].tolist()))
        used_a, used_b, pairs = set(), set(), []
        for negative, a, b in scored:
            if a not in used_a and b not in used_b:
                used_a.add(a)
                used_b.add(b)
                pairs.append((a, b, -negative))
        return sorted(pairs)


def sentence_passages(text_a: str, text_b: str, sent_a: Sentence, sent_b: Sentence,
                      masker: Masker) -> list[tuple[int, int, int, int, str]]:
    """Passages (start_a, end_a, start_b, end_b, kind) inside one aligned sentence pair."""
    ma, mb = sent_a.masked, sent_b.masked
    if ma.text == mb.text:
        # The common case in a corpus rewritten from one template: no diff needed, and the
        # sentences were masked on their own, exactly as classify() would mask them.
        kind = COPIED if text_a[sent_a.start:sent_a.end] == text_b[sent_b.start:sent_b.end] else LOCALISED
        return [(sent_a.start, sent_a.end, sent_b.start, sent_b.end, kind)]
    matcher = SequenceMatcher(None, ma.text, mb.text, autojunk=False)
    runs = [block for block in matcher.get_matching_blocks() if block.size >= MIN_RUN]
    found = []
    previous_a = previous_b = 0
    for block in runs + [None]:
        gap_end_a = block.a if block else len(ma.text)
        gap_end_b = block.b if block else len(mb.text)
        gap_a, gap_b = gap_end_a - previous_a, gap_end_b - previous_b
        if gap_a and gap_b and min(gap_a, gap_b) >= REWRITE_BALANCE * max(gap_a, gap_b):
            start_a, end_a = ma.original(previous_a, gap_end_a)
            start_b, end_b = mb.original(previous_b, gap_end_b)
            kind = classify(text_a[start_a:end_a], text_b[start_b:end_b], masker) or REWRITTEN
            found.append((start_a, end_a, start_b, end_b, kind))
        if block is None:
            break
        start_a, end_a = ma.original(block.a, block.a + block.size)
        start_b, end_b = mb.original(block.b, block.b + block.size)
        kind = classify(text_a[start_a:end_a], text_b[start_b:end_b], masker) or REWRITTEN
        found.append((start_a, end_a, start_b, end_b, kind))
        previous_a, previous_b = block.a + block.size, block.b + block.size
    return _merge_neighbours(found, text_a, text_b, masker)


def _merge_neighbours(found, text_a: str, text_b: str, masker: Masker):
    """Join touching passages whose union keeps the class of both (a sentence copied whole is one passage)."""
    merged: list[tuple[int, int, int, int, str]] = []
    for passage in found:
        if merged:
            last = merged[-1]
            if last[1] == passage[0] and last[3] == passage[2] and REWRITTEN not in (last[4], passage[4]):
                union = (last[0], passage[1], last[2], passage[3])
                kind = classify(text_a[union[0]:union[1]], text_b[union[2]:union[3]], masker)
                if kind is not None:
                    merged[-1] = (*union, kind)
                    continue
        merged.append(passage)
    return merged


def align_reuse(texts: Sequence[str], masker: Masker, pairs: Sequence[tuple[int, int]] | None = None,
                documents: Sequence[Masked] | None = None) -> list[Passage]:
    """Reuse passages between the given pairs of texts (i < j; default every pair); ``documents``
    are the texts already masked."""
    all_sentences = [sentences(text, masker, documents[n] if documents is not None else None)
                     for n, text in enumerate(texts)]
    index = BigramIndex(all_sentences)
    count = len(texts)
    wanted = pairs if pairs is not None else [(i, j) for i in range(count) for j in range(i + 1, count)]
    found = []
    for i, j in wanted:
        for k, m, dice in index.sentence_pairs(i, j):
            for start_a, end_a, start_b, end_b, kind in sentence_passages(
                    texts[i], texts[j], all_sentences[i][k], all_sentences[j][m], masker):
                found.append(Passage(i, start_a, end_a, j, start_b, end_b, kind, round(dice, 4)))
    return sorted(found, key=lambda p: (p.a, p.b, p.start_a, p.start_b))


def shares(text: str, spans: Iterable[tuple[int, int, str]]) -> dict[str, float | int]:
    """Share of a text's non-space characters in each class (copied beats localised beats rewritten).

    >>> shares("abcdefghij", [(0, 5, "rewritten"), (0, 2, "copied")])
    {'chars': 10, 'copied': 0.2, 'localised': 0.0, 'rewritten': 0.3, 'new': 0.5}
    """
    rank = {REWRITTEN: 1, LOCALISED: 2, COPIED: 3}
    best = np.zeros(len(text), dtype=np.int8)
    for start, end, kind in spans:
        best[start:end] = np.maximum(best[start:end], rank[kind])
    counted = np.array([not ch.isspace() for ch in text], dtype=bool)
    total = int(counted.sum())
    result: dict[str, float | int] = {"chars": total}
    for kind in KINDS:
        result[kind] = round(float(((best == rank[kind]) & counted).sum()) / total, 4) if total else 0.0
    result["new"] = round(1 - sum(result[k] for k in KINDS), 4) if total else 0.0
    return result
