"""A small thread-safe LRU cache: the served graph never changes, so what is computed from it can be kept."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

T = TypeVar("T")


class LRU:
    """Keeps the ``size`` most recently used values. Two threads asking for the same missing key may both make
    it; the values are equal, so that costs time, never correctness."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value for ``key``, made with ``make()`` and kept if it is not there yet."""
        value = self.lookup(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

    def lookup(self, key: Hashable):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Hashable, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
