"""Database writers: threads with connections of their own that write one account's batches (PostgreSQL).

A first discovery of a large account is bound by the database: most of a batch's cost is PostgreSQL
maintaining the asset table's indexes (the trigram index of `q` alone ~40 %), while the calling thread
only prepares rows (~20 % of the work). With DISCOVERY_DB_WRITERS writers the calling thread prepares the
next batch while the writers' connections write earlier ones side by side (bench/bench_persistence.py).

Each writer is one thread, one database connection and one queue (a "lane"). All the work of one scope
goes to one lane, in order: its batches, then its completion, so removals are only marked once every
batch of the scope is committed (and not at all after one failed; see ScopeWriter). Different scopes'
lanes run side by side. A lane holds at most QUEUE_DEPTH waiting tasks: the calling thread waits for room
rather than piling prepared batches up in memory. Threads start with the first task (an unchanged
re-discovery writes nothing and starts none) and end, closing their connections, with close().
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from django.db import connections


class Writers:
    QUEUE_DEPTH = 2

    def __init__(self, count: int, *, name: str):
        self.count = max(1, count)
        self.name = name
        self._lanes: list[queue.Queue] = []
        self._threads: list[threading.Thread] = []
        self._next_lane = 0

    def lane(self) -> int:
        """A lane for a new scope (round robin)."""
        lane = self._next_lane % self.count
        self._next_lane += 1
        return lane

    def submit(self, lane: int, task: Callable[[], Any]) -> Future:
        """Run task() in the lane's thread after the lane's earlier tasks; waits while the lane is full."""
        if not self._threads:
            self._start()
        future: Future = Future()
        self._lanes[lane].put((future, task))
        return future

    def close(self) -> None:
        """Let the writers finish their queued tasks, then stop them (their connections are closed)."""
        for lane in self._lanes:
            lane.put(None)
        for thread in self._threads:
            thread.join()
        self._lanes, self._threads = [], []

    def _start(self) -> None:
        for index in range(self.count):
            lane: queue.Queue = queue.Queue(maxsize=self.QUEUE_DEPTH)
            thread = threading.Thread(target=_work, args=(lane,), name=f"{self.name}-writer-{index}", daemon=True)
            self._lanes.append(lane)
            self._threads.append(thread)
            thread.start()


def _work(lane: queue.Queue) -> None:
    try:
        while True:
            item = lane.get()
            if item is None:
                return
            future, task = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = task()
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the future
                future.set_exception(exc)
            else:
                future.set_result(result)
    finally:
        connections.close_all()  # this thread's connections only (Django's are per thread)
