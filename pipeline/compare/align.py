"""Group items (actions, thresholds) across notices from pairwise optimal assignments.

For each pair of notices, the Hungarian algorithm (``scipy.optimize.linear_sum_assignment``)
pairs their items one to one so that the total similarity is highest; pairs below a
threshold are dropped (the item is "only in this notice" as far as that pair goes).
Groups are then built by merging matched pairs, best first, into a union-find that never
puts two items of one notice into one group. Group keys come from content (the group's
earliest member by notice source and item position), so they are stable across runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from pipeline.compare.columns import ColumnTable
from pipeline.compare.parallel import compare_workers, fork_map
from pipeline.compare.text import distinct, first_seen, ranges, repeat_rows, row_arrays

Item = tuple[int, int]  # (notice index, item index within the notice)
# Pairs of notices per worker process below which the pair loops stay in one process.
PARALLEL_MIN_PAIRS = 2000


@dataclass(frozen=True, slots=True)
class Match:
    a: Item
    b: Item
    similarity: float


MATCH_COLUMNS = (("notice_a", np.int64), ("item_a", np.int64), ("notice_b", np.int64), ("item_b", np.int64),
                 ("similarity", np.float64))


class Matches(ColumnTable):
    """Matched pairs of items, column by column (``columns["notice_a"]`` …); indexing or iterating
    gives Match records. 10,000 notices match 850,000 pairs of actions: as Match objects they took
    nine seconds to pickle back from the worker processes and to unpickle.

    >>> matches = Matches.of([(0, 1, 2, 0, 0.9), (0, 2, 1, 1, 0.5)])
    >>> len(matches), matches[0], matches.columns["notice_b"].tolist()
    (2, Match(a=(0, 1), b=(2, 0), similarity=0.9), [2, 1])
    """

    COLUMNS = MATCH_COLUMNS

    @classmethod
    def of(cls, rows: Iterable[tuple[int, int, int, int, float]]) -> Matches:
        """Matches from (notice_a, item_a, notice_b, item_b, similarity) rows."""
        found = list(zip(*rows)) or [()] * len(MATCH_COLUMNS)
        return cls({name: np.array(values, dtype=dtype) for (name, dtype), values in zip(MATCH_COLUMNS, found)})

    def record(self, index: int) -> Match:
        notice_a, item_a, notice_b, item_b, similarity = (self.columns[name][index].item() for name, _ in MATCH_COLUMNS)
        return Match((notice_a, item_a), (notice_b, item_b), similarity)

    def __iter__(self) -> Iterator[Match]:
        for notice_a, item_a, notice_b, item_b, similarity in self.rows():
            yield Match((notice_a, item_a), (notice_b, item_b), similarity)

    def rows(self, order: np.ndarray | None = None) -> Iterator[tuple[int, int, int, int, float]]:
        """(notice_a, item_a, notice_b, item_b, similarity) of each match, in ``order`` if given."""
        columns = [self.columns[name] if order is None else self.columns[name][order] for name, _ in MATCH_COLUMNS]
        return zip(*(column.tolist() for column in columns))


def assign(similarity: np.ndarray, threshold: float, floor: float | None = None,
           margin: float = 1.5) -> list[tuple[int, int, float]]:
    """One-to-one pairs (row, column, similarity) of highest total similarity that are kept:
    similarity >= threshold, or >= floor and ``margin`` times anything else in its row and column
    (a weak pair that stands out, e.g. a heading and a body both rewritten, is still a pair).

    >>> assign(np.array([[0.9, 0.8], [0.85, 0.1]]), 0.5)
    [(0, 1, 0.8), (1, 0, 0.85)]
    >>> assign(np.array([[0.18, 0.02], [0.03, 0.6]]), 0.2, floor=0.1)
    [(0, 0, 0.18), (1, 1, 0.6)]
    """
    _, rows, columns, scores = assign_parts(similarity, [similarity.shape[1]], threshold, floor, margin)
    return list(zip(rows.tolist(), columns.tolist(), scores.tolist()))


def assign_parts(similarity: np.ndarray, widths: Sequence[int], threshold: float, floor: float | None = None,
                 margin: float = 1.5) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``assign`` of each of several matrices laid side by side (``widths`` columns each: one notice
    against each of its partners), as arrays (part, row, column in ``similarity``, similarity):
    part after part, rows ascending. Only the assignment itself is made part by part; the rest,
    per pair of notices, had cost more in numpy's set-up than in arithmetic.

    >>> found = assign_parts(np.array([[0.9, 0.8, 0.3], [0.85, 0.1, 0.7]]), [2, 1], 0.5)
    >>> [values.tolist() for values in found]
    [[0, 0, 1], [0, 1, 1], [1, 0, 2], [0.8, 0.85, 0.7]]
    """
    widths = np.asarray(widths, dtype=np.int64)
    starts = np.cumsum(widths) - widths
    rows_found, columns_found, counts = [], [], []
    if similarity.shape[0]:
        for start, width in zip(starts.tolist(), widths.tolist()):
            if width:
                rows, columns = linear_sum_assignment(similarity[:, start:start + width], maximize=True)
                rows_found.append(rows)
                columns_found.append(columns + start)
            counts.append(len(rows_found[-1]) if width else 0)
    empty = np.zeros(0, dtype=np.int64)
    rows = np.concatenate(rows_found).astype(np.int64) if rows_found else empty
    columns = np.concatenate(columns_found).astype(np.int64) if columns_found else empty
    parts = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    scores = similarity[rows, columns].astype(np.float64, copy=False)
    kept = scores >= threshold
    if floor is not None:
        for number in np.flatnonzero(~kept & (scores >= floor)).tolist():  # weak pairs: a few
            row, column, start = rows[number], columns[number], starts[parts[number]]
            own_row = similarity[row, start:start + widths[parts[number]]]
            others = np.concatenate([np.delete(own_row, column - start), np.delete(similarity[:, column], row)])
            kept[number] = not others.size or scores[number] >= margin * others.max()
    return parts[kept], rows[kept], columns[kept], scores[kept]


def first_runs(pairs: Sequence[tuple[int, int]]) -> Iterator[tuple[int, list[int]]]:
    """(i, the js) of each run of consecutive pairs (i, j) with the same i.

    >>> list(first_runs([(0, 1), (0, 2), (1, 2), (0, 3)]))
    [(0, [1, 2]), (1, [2]), (0, [3])]
    """
    start = 0
    while start < len(pairs):
        first, end = pairs[start][0], start + 1
        while end < len(pairs) and pairs[end][0] == first:
            end += 1
        yield first, [j for _, j in pairs[start:end]]
        start = end


def pair_matches(pairs: Sequence[tuple[int, int]], item_counts: Sequence[int],
                 similarity_block: Callable[[int, list[int]], np.ndarray], threshold: float,
                 floor: float | None = None) -> Matches:
    """Assignments for every given pair of notices (i < j), in the order of ``pairs``:
    ``similarity_block(i, js)`` is notice i's items against the items of each j in turn
    (``item_counts[j]`` columns each)."""
    def some_matches(some: Sequence[tuple[int, int]]) -> Matches:
        found = []
        for i, partners in first_runs(some):
            if item_counts[i]:
                widths = [item_counts[j] for j in partners]
                found.append(block_matches(i, partners, widths,
                                           *assign_parts(similarity_block(i, partners), widths, threshold, floor)))
        return Matches.joined(found)

    return Matches.joined(fork_map(some_matches, split_pairs(list(pairs))))


def block_matches(i: int, partners: Sequence[int], widths: Sequence[int], parts: np.ndarray, rows: np.ndarray,
                  columns: np.ndarray, scores: np.ndarray) -> Matches:
    """The Matches of ``assign_parts`` of notice i against ``partners`` (``widths`` items each).

    >>> block_matches(4, [6, 9], [2, 1], np.array([0, 1]), np.array([1, 0]), np.array([0, 2]), np.array([0.8, 0.7]))[1]
    Match(a=(4, 0), b=(9, 0), similarity=0.7)
    """
    starts = np.cumsum(widths, dtype=np.int64) - np.asarray(widths, dtype=np.int64)
    return Matches({"notice_a": np.full(len(rows), i, dtype=np.int64), "item_a": rows,
                    "notice_b": np.asarray(partners, dtype=np.int64)[parts], "item_b": columns - starts[parts],
                    "similarity": scores})


def split_pairs(pairs: Sequence[tuple[int, int]]) -> list[Sequence[tuple[int, int]]]:
    """Consecutive runs of pairs for the worker processes (one run for a small corpus), cut where
    the first notice changes, so that each notice's products are made in one process.

    >>> split_pairs([(0, 1), (0, 2), (1, 2)])
    [[(0, 1), (0, 2), (1, 2)]]
    """
    workers = min(compare_workers(), len(pairs) // PARALLEL_MIN_PAIRS)
    if workers < 2:
        return [pairs]
    size = -(-len(pairs) // (workers * 4))
    runs, start = [], 0
    while start < len(pairs):
        end = min(start + size, len(pairs))
        while end < len(pairs) and pairs[end][0] == pairs[end - 1][0]:
            end += 1
        runs.append(pairs[start:end])
        start = end
    return runs


def pair_products(vectors, offsets: Sequence[int], pairs: Sequence[tuple[int, int]],
                  rows_of: np.ndarray | None = None) -> PairProducts:
    """A function (i, j) -> dense product of notice i's items' vectors with notice j's (items
    ``offsets[i]:offsets[i + 1]``), for the given pairs (asked for in their order). Item k's vector
    is row ``rows_of[k]`` of the sparse ``vectors`` (items with equal texts share a row; default
    row k).

    One sparse product per notice i against the items of all its partners j at once (a product
    per pair cost more in scipy's set-up than in arithmetic), each distinct row once; each entry
    sums the same terms in the same order as a product of the two notices alone.
    """
    return PairProducts(vectors, offsets, pairs, rows_of)


class PairProducts:
    """``pair_products``: called as (i, j) for one pair, or ``block(i)`` for notice i against all
    its partners (the items of each partner j in turn, ``partner_items(i)`` names them).

    ``families``: column boundaries of vectors that are several matrices side by side (0, then
    where each ends); each product is then one per family, stacked (family, row, column), made
    in one sparse product whose left side holds each family's columns apart.
    """

    def __init__(self, vectors, offsets: Sequence[int], pairs: Sequence[tuple[int, int]],
                 rows_of: np.ndarray | None = None, families: Sequence[int] | None = None) -> None:
        self.vectors, self.offsets = vectors, offsets
        self.families = np.asarray(families if families is not None else (0, vectors.shape[1]), dtype=np.int64)
        self.stacked = families is not None
        self.rows_of = np.arange(offsets[-1] if len(offsets) else 0) if rows_of is None else rows_of
        self.monotone = _stored_in_one_direction(vectors)
        self.local_column = np.full(vectors.shape[1], -1, dtype=np.int64)  # a column's number in one product
        self.partners: dict[int, list[int]] = {}
        for i, j in pairs:
            self.partners.setdefault(i, []).append(j)
        self.current: tuple[int, np.ndarray, dict[int, slice]] | None = None

    def partner_items(self, i: int) -> np.ndarray:
        """The items of notice i's partners, partner after partner: the columns of ``block(i)``."""
        return self.items_of(self.partners.get(i, []))

    def items_of(self, notices: Sequence[int]) -> np.ndarray:
        """The items of the given notices, notice after notice (the columns of ``partners_block``)."""
        notices = np.asarray(notices, dtype=np.int64)
        offsets = np.asarray(self.offsets, dtype=np.int64)
        return ranges(offsets[notices], offsets[notices + 1] - offsets[notices])

    def block(self, i: int) -> tuple[np.ndarray, dict[int, slice]]:
        """Notice i's items against all its partners' items, and each partner's columns."""
        if self.current is None or self.current[0] != i:
            offsets = self.offsets
            product = _rows_product(self.vectors, self.rows_of[offsets[i]:offsets[i + 1]],
                                    self.rows_of[self.partner_items(i)], self.monotone, self.local_column,
                                    self.families)
            product = product if self.stacked else product[0]
            columns, cursor = {}, 0
            for other in self.partners.get(i, []):
                width = offsets[other + 1] - offsets[other]
                columns[other] = slice(cursor, cursor + width)
                cursor += width
            self.current = (i, product, columns)
        return self.current[1], self.current[2]

    def partners_block(self, i: int, partners: Sequence[int]) -> np.ndarray:
        """Notice i's items against the items of each of ``partners`` in turn: ``block(i)`` when they
        are i's partners in their order, else its columns of them (a partner not announced: on its own)."""
        announced = self.partners.get(i, [])
        if list(partners) == announced:
            return self.block(i)[0]
        product, columns = self.block(i) if announced else (None, {})
        pieces = [product[..., columns[j]] if j in columns else self(i, j) for j in partners]
        if pieces:
            return np.concatenate(pieces, axis=-1)
        rows = self.offsets[i + 1] - self.offsets[i]
        return np.zeros((len(self.families) - 1, rows, 0) if self.stacked else (rows, 0))

    def __call__(self, i: int, j: int) -> np.ndarray:
        if j in self.partners.get(i, ()):
            product, columns = self.block(i)
            return product[..., columns[j]]
        offsets, rows_of = self.offsets, self.rows_of  # a pair not announced in ``pairs``
        left = repeat_rows(self.vectors, rows_of[offsets[i]:offsets[i + 1]])
        right = repeat_rows(self.vectors, rows_of[offsets[j]:offsets[j + 1]])
        products = np.stack([(left[:, start:end] @ right[:, start:end].T).toarray()
                             for start, end in zip(self.families[:-1].tolist(), self.families[1:].tolist())])
        return products if self.stacked else products[0]


def _stored_in_one_direction(matrix) -> bool:
    """Whether every row of a CSR matrix stores its columns ascending, or every row descending
    (scipy's products leave them in either order)."""
    if not sparse.isspmatrix_csr(matrix):
        return False
    steps = np.diff(matrix.indices)
    within = np.ones(len(steps), dtype=bool)
    boundaries = matrix.indptr[1:-1] - 1
    within[boundaries[(boundaries >= 0) & (boundaries < len(steps))]] = False
    steps = steps[within]
    return bool(np.all(steps > 0) or np.all(steps < 0))


def _rows_product(vectors, left: np.ndarray, right: np.ndarray, monotone: bool,
                  local_column: np.ndarray, families: np.ndarray) -> np.ndarray:
    """``(vectors[left] @ vectors[right].T).toarray()``, bit for bit, each distinct row multiplied
    once (neighbouring notices repeat most of their items' texts), as the product the other way
    round: the right rows times the left rows laid out by column. scipy sums each entry in the
    stored column order of the left operand's row; when every row of ``vectors`` stores its columns
    in one direction (``monotone``), the right rows hold the shared columns in that same order, so
    every entry sums the same products in the same order (columns only one side has add nothing).

    The left rows are laid out over the whole vocabulary when the right rows hold at least as many
    entries as it has columns (10,000 notices' actions: 4,600 columns, 56,000 entries a block);
    else, over only their own columns, with the right rows cut to those (``local_column``: all -1,
    scratch), so that a large vocabulary is not paid for per block.

    ``families`` (column boundaries, see PairProducts) gives one product per family, stacked:
    a left row's entries of family k go to left column k × rows + row, so each output entry sums
    only its family's products, in the same order as that family's matrix alone would."""
    left_rows, left_at = np.unique(left, return_inverse=True)
    right_rows, right_at = np.unique(right, return_inverse=True)
    count = len(left_rows)
    if not monotone:
        block, partners = repeat_rows(vectors, left_rows), repeat_rows(vectors, right_rows)
        return np.stack([(block[:, start:end] @ partners[:, start:end].T).toarray()[np.ix_(left_at, right_at)]
                         for start, end in zip(families[:-1].tolist(), families[1:].tolist())])
    block_data, block_indices, block_indptr = row_arrays(vectors, left_rows)
    partner_data, partner_indices, partner_indptr = row_arrays(vectors, right_rows)
    family = np.searchsorted(families, block_indices, side="right") - 1
    left_columns = family * count + np.repeat(np.arange(count), np.diff(block_indptr))
    if _cut_pays(vectors.shape[1], len(partner_indices)):
        features = distinct(block_indices)
        local = sparse.csr_matrix((block_data, (np.searchsorted(features, block_indices), left_columns)),
                                  shape=(len(features), count * (len(families) - 1)))
        local_column[features] = np.arange(len(features))  # -1 elsewhere
        at = local_column[partner_indices]
        local_column[features] = -1
        kept = at >= 0
        running = np.concatenate(([0], np.cumsum(kept)))
        partners = sparse.csr_matrix((partner_data[kept], at[kept], running[partner_indptr]),
                                     shape=(len(right_rows), len(features)))
    else:
        local = sparse.csr_matrix((block_data, (block_indices, left_columns)),
                                  shape=(vectors.shape[1], count * (len(families) - 1)))
        partners = sparse.csr_matrix((partner_data, partner_indices, partner_indptr),
                                     shape=(len(right_rows), vectors.shape[1]))
    stacked = (partners @ local).toarray().T.reshape(len(families) - 1, count, len(right_rows))
    return stacked[:, left_at][:, :, right_at]


def _cut_pays(columns: int, right_entries: int) -> bool:
    """Whether cutting the right rows to the left rows' columns costs less than laying the left
    rows out over all ``columns`` (both give the same bits)."""
    return right_entries < columns


def group_items(items: Sequence[Item], matches: Matches) -> dict[Item, Item]:
    """Each item's group, keyed by the group's earliest member (lowest (notice, item)).

    Matches are merged best first; a merge that would put two items of one notice in
    one group is refused (a cannot-link), so chains A1-B3-C2-A4 never join A1 and A4.

    >>> ms = Matches.of([(0, 0, 1, 1, 0.9), (1, 1, 2, 0, 0.8), (2, 0, 0, 1, 0.7)])
    >>> group_items([(0, 0), (0, 1), (1, 1), (2, 0)], ms)
    {(0, 0): (0, 0), (0, 1): (0, 1), (1, 1): (0, 0), (2, 0): (0, 0)}
    """
    numbers_a, numbers_b = item_numbers(items, matches)
    parent = list(range(len(items)))  # items by their position in ``items``
    notices: list[set[int] | None] = [{notice} for notice, _ in items]  # per root, the notices its group holds
    earliest = list(items)  # per root, its group's lowest member

    def find(number: int) -> int:
        while parent[number] != number:
            parent[number] = parent[parent[number]]
            number = parent[number]
        return number

    # Best first, ties by (a, b): the order of sorted(key=(-similarity, a, b)), by a lexsort of
    # columns (a key function per match cost seconds at a million matches).
    columns = matches.columns
    order = np.lexsort([columns["item_b"], columns["notice_b"], columns["item_a"], columns["notice_a"],
                        -columns["similarity"]])
    for number_a, number_b in zip(numbers_a[order].tolist(), numbers_b[order].tolist()):
        root_a, root_b = find(number_a), find(number_b)
        if root_a == root_b or not notices[root_a].isdisjoint(notices[root_b]):
            continue
        # The smaller group joins the larger: one group of 10,000 notices would otherwise copy its
        # set of notices at every merge (quadratic); the key is kept apart, as the lowest member.
        keep, drop = (root_a, root_b) if len(notices[root_a]) >= len(notices[root_b]) else (root_b, root_a)
        parent[drop] = keep
        notices[keep] |= notices[drop]
        notices[drop] = None
        earliest[keep] = min(earliest[keep], earliest[drop])
    return {items[number]: earliest[find(number)] for number in sorted(range(len(items)), key=items.__getitem__)}


def item_numbers(items: Sequence[Item], matches: Matches) -> tuple[np.ndarray, np.ndarray]:
    """The positions in ``items`` of each match's two items (KeyError for an item not in ``items``).

    >>> matches = Matches.of([(1, 0, 0, 1, 0.9)])
    >>> [numbers.tolist() for numbers in item_numbers([(0, 0), (0, 1), (1, 0)], matches)]
    [[2], [1]]
    """
    columns = matches.columns
    known = np.array(items, dtype=np.int64).reshape(-1, 2)
    width = int(max(known[:, 1].max(initial=0), columns["item_a"].max(initial=0),
                    columns["item_b"].max(initial=0))) + 1
    keys = known[:, 0] * width + known[:, 1]  # (notice, item) as one integer
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    found = []
    for notice, item in (("notice_a", "item_a"), ("notice_b", "item_b")):
        wanted = columns[notice] * width + columns[item]
        at = np.minimum(np.searchsorted(ordered, wanted), max(len(ordered) - 1, 0))
        missing = ordered[at] != wanted if len(ordered) else np.ones(len(wanted), dtype=bool)
        if missing.any():
            first = int(np.flatnonzero(missing)[0])
            raise KeyError((int(columns[notice][first]), int(columns[item][first])))
        found.append(order[at] if len(ordered) else at)
    return found[0], found[1]


def best_partner_similarity(items: Sequence[Item], groups: dict[Item, Item], matches: Matches) -> dict[Item, float]:
    """Per item, the highest similarity of a match that joins it to another member of its group.

    >>> items = [(0, 0), (1, 0), (2, 0)]
    >>> matches = Matches.of([(0, 0, 1, 0, 0.5), (0, 0, 2, 0, 0.75), (1, 0, 2, 0, 0.25)])
    >>> best_partner_similarity(items, {(0, 0): (0, 0), (1, 0): (0, 0), (2, 0): (2, 0)}, matches)
    {(0, 0): 0.5, (1, 0): 0.5}
    """
    numbers_a, numbers_b = item_numbers(items, matches)
    _, group_number = first_seen(groups[item] for item in items)
    joined = group_number[numbers_a] == group_number[numbers_b]
    members = np.concatenate([numbers_a[joined], numbers_b[joined]])
    similarity = np.tile(matches.columns["similarity"][joined], 2)
    best = np.zeros(len(items))  # the loop this replaces started each item at 0.0 too
    np.maximum.at(best, members, similarity)
    return {items[number]: best[number].item() for number in np.unique(members).tolist()}
