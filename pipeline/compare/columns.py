"""Records kept as numpy columns: 10,000 notices match 850,000 pairs of actions and reuse 6 million
passages, which as objects take gigabytes and seconds to pickle between processes. Indexing or
iterating a table gives its records one at a time.

>>> class Pairs(ColumnTable):
...     COLUMNS = (("a", "l"), ("b", "l"))
...     def record(self, index):
...         return (int(self.columns["a"][index]), int(self.columns["b"][index]))
>>> pairs = Pairs.joined([Pairs({"a": np.array([1]), "b": np.array([2])}), Pairs({"a": np.array([3]), "b": np.array([4])})])
>>> len(pairs), pairs[-1], pairs[:1], len(Pairs.joined([]))
(2, (3, 4), [(1, 2)], 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class ColumnTable(Sequence):
    """Rows as ``columns`` (name -> array, all of one length); a subclass names them in COLUMNS,
    with their numpy types, and makes the record of a row (``record``)."""

    COLUMNS: tuple[tuple[str, object], ...] = ()

    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        self.columns = columns

    @classmethod
    def joined(cls, parts: Iterable[ColumnTable]):
        """The rows of several tables, table after table."""
        parts = list(parts)
        return cls({name: np.concatenate([part.columns[name] for part in parts] or [np.zeros(0, dtype=dtype)])
                    for name, dtype in cls.COLUMNS})

    def __len__(self) -> int:
        return len(self.columns[self.COLUMNS[0][0]])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[n] for n in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self.record(index % len(self))

    def record(self, index: int):
        """The record of row ``index`` (0 <= index < len)."""
        raise NotImplementedError
