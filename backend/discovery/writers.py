"""Database writers: threads with connections of their own that write one account's batches (PostgreSQL).

A first discovery of a large account is bound by the database: most of a batch's cost is PostgreSQL
maintaining the asset table's indexes (the trigram index of `q` alone ~40 %), while the calling thread
only prepares rows (~20 % of the work). With DISCOVERY_DB_WRITERS writers the calling thread prepares the
next batch while the writers' connections write earlier ones side by side (bench/bench_persistence.py).

Each writer is one thread with one database connection; they take tasks from one shared queue, first
in, first out, so a scope's batches are written side by side like any others (one large scope, or a
caller that sends its scopes one after the other, keeps every writer busy). A task can name futures to
wait for: a scope's completion runs once the scope's batches are done, so removals are only marked once
every batch of the scope is committed (and not at all after one failed; see ScopeWriter). A writer that
takes such a task too early does not wait (it would idle while another writes the scope's last batch):
it sets the task aside and takes the next; whichever writer finishes the last of those futures runs it.
The queue holds at most QUEUE_DEPTH waiting tasks per writer: the calling thread waits for room rather
than piling prepared batches up in memory. Threads start with the first task (an unchanged re-discovery
writes nothing and starts none) and end, closing their connections, with close().
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

from django.db import connections

Task = tuple[Future, Callable[[], Any], tuple[Future, ...]]


class Writers:
    QUEUE_DEPTH = 2  # waiting tasks per writer

    def __init__(self, count: int, *, name: str):
        self.count = max(1, count)
        self.name = name
        self._queue: queue.Queue[Task | None] = queue.Queue(maxsize=self.QUEUE_DEPTH * self.count)
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._set_aside: list[Task] = []  # taken before the futures they wait for were done

    def submit(self, task: Callable[[], Any], *, after: Sequence[Future] = ()) -> Future:
        """Run task() in a writer thread once the futures `after` (of tasks submitted earlier) are done;
        waits while the queue is full."""
        if not self._threads:
            self._start()
        future: Future = Future()
        self._queue.put((future, task, tuple(after)))
        return future

    @property
    def started(self) -> bool:
        """Whether a task was submitted (the threads run) since the start or the last close()."""
        return bool(self._threads)

    def close(self) -> None:
        """Let the writers finish the queued tasks, then stop them (their connections are closed)."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []

    def _start(self) -> None:
        for index in range(self.count):
            thread = threading.Thread(target=self._work, name=f"{self.name}-writer-{index}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                with self._lock:
                    if not all(f.done() for f in item[2]):
                        self._set_aside.append(item)
                        continue
                while item is not None:
                    _run(item)
                    item = self._ready()  # a task set aside for the one just finished
        finally:
            connections.close_all()  # this thread's connections only (Django's are per thread)

    def _ready(self) -> Task | None:
        # Checked under the lock after each task: a task is set aside (under the lock) only while one of
        # its futures is not done, so the writer finishing that future finds it here.
        with self._lock:
            for index, item in enumerate(self._set_aside):
                if all(f.done() for f in item[2]):
                    return self._set_aside.pop(index)
        return None


def _run(item: Task) -> None:
    future, task, _ = item
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = task()
    except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the future
        future.set_exception(exc)
    else:
        future.set_result(result)
