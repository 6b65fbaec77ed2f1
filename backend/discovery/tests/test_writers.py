"""discovery.writers without a database: order, waiting for earlier tasks, failures."""

from __future__ import annotations

import threading
import time

import pytest

from discovery.writers import Writers


@pytest.fixture
def writers():
    pool = Writers(2, name="test")
    yield pool
    pool.close()


def test_a_task_waiting_for_another_does_not_hold_a_writer(writers):
    """B waits for A (slow); C, queued after B, runs meanwhile on the writer B did not block; B runs
    once A is done, on the writer that finished A."""
    release = threading.Event()
    ran: dict[str, str] = {}

    def task(name, wait_for=None):
        def run():
            if wait_for is not None:
                wait_for.wait(5)
            ran[name] = threading.current_thread().name
            return name

        return run

    a = writers.submit(task("a", release))
    b = writers.submit(task("b"), after=[a])
    c = writers.submit(task("c"))
    assert c.result(timeout=5) == "c"
    assert not a.done() and not b.done()
    release.set()
    assert b.result(timeout=5) == "b"
    assert ran["b"] == ran["a"]


def test_a_task_runs_after_the_tasks_it_waits_for_even_when_they_fail(writers):
    order: list[str] = []

    def fail():
        time.sleep(0.05)
        order.append("failed")
        raise ValueError("boom")

    first = writers.submit(fail)
    then = writers.submit(lambda: order.append("then") or "ok", after=[first])
    assert then.result(timeout=5) == "ok"
    with pytest.raises(ValueError, match="boom"):
        first.result()
    assert order == ["failed", "then"]


def test_close_runs_every_queued_task_and_stops_the_threads():
    pool = Writers(2, name="closing")
    assert not pool.started
    done: list[int] = []
    futures = [pool.submit(lambda n=n: (time.sleep(0.01), done.append(n))) for n in range(10)]
    futures.append(pool.submit(lambda: done.append(99), after=futures[:5]))
    assert pool.started
    pool.close()
    assert sorted(done) == [*range(10), 99]
    assert all(f.done() for f in futures)
    assert not pool.started
    assert not [t for t in threading.enumerate() if t.name.startswith("closing-writer-")]
