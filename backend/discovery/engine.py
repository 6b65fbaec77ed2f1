"""The discovery engine for one account: (region x resource type) units on a bounded thread pool.

Worker threads only talk to AWS: each unit streams its resources in chunks through a queue. The calling
thread (the account task's, which owns the Django database connection) schedules units under the
per-service caps, persists chunks as they arrive, completes scopes, records progress and watches for
cancellation. Nothing of an account (sessions, credentials) outlives its scan; its clients go back to the
process's pool without its credentials and serve the next scan (discovery.clients).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from django.db import DatabaseError

from discovery.clients import ThreadClients, partition_for, service_regions
from discovery.persistence import AccountPersister, Counts, ScopeWriter
from discovery.progress import JobProgress, ScopeResult
from discovery.types import GLOBAL_REGION, Collector

logger = logging.getLogger(__name__)

_CHUNK, _DONE = "chunk", "done"
HOME_REGIONS = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}


@dataclass(frozen=True, slots=True)
class Unit:
    collector: Collector
    region: str  # the scope's region: GLOBAL_REGION for global types
    call_region: str  # what collect() is given (a partition's global types get a region of it)

    @property
    def resource_type(self) -> str:
        return self.collector.resource_type

    @property
    def cap_key(self) -> tuple[str, str]:
        # AWS rate limits are per account, region and API: so is the concurrency cap.
        return (self.collector.service, self.region)


def plan_units(collectors: Iterable[Collector], regions: Sequence[str]) -> list[Unit]:
    """Global types once per partition, regional types where their service exists; interleaved by
    service so the per-service caps rarely leave threads idle, global (long per-item chains) first."""
    partitions = sorted({partition_for(r) for r in regions}) or ["aws"]
    by_service: dict[str, list[Unit]] = {}
    global_units: list[Unit] = []
    for collector in collectors:
        if collector.is_global:
            for partition in partitions:
                call_region = GLOBAL_REGION if partition == "aws" else HOME_REGIONS.get(partition, GLOBAL_REGION)
                global_units.append(Unit(collector, GLOBAL_REGION, call_region))
            continue
        for region in regions:
            if region in service_regions(collector.service, partition_for(region)):
                by_service.setdefault(collector.service, []).append(Unit(collector, region, region))
    interleaved: list[Unit] = []
    lists = list(by_service.values())
    for i in range(max((len(units) for units in lists), default=0)):
        interleaved.extend(units[i] for units in lists if i < len(units))
    return global_units + interleaved


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        text = f"{err.get('Code', 'Error')}: {err.get('Message', '')}".strip()
    elif isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        text = f"Timeout: {exc}"
    elif isinstance(exc, EndpointConnectionError):
        text = f"Endpoint unreachable (region disabled or network): {exc}"
    elif isinstance(exc, NoCredentialsError):
        text = "No AWS credentials found"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:1000]


class _Cancelled(Exception):
    pass


@dataclass(slots=True)
class _Outcome:
    error: str | None = None
    throttles: int = 0
    seconds: float = 0.0
    cancelled: bool = False


class AccountScan:
    def __init__(
        self,
        *,
        account_id: str,
        units: Sequence[Unit],
        clients: ThreadClients,
        persister: AccountPersister,
        progress: JobProgress,
        max_workers: int,
        max_per_service: int,
        batch_size: int = 1000,
    ):
        self.account_id = account_id
        self.units = units
        self.clients = clients
        self.persister = persister
        self.progress = progress
        self.max_workers = max(1, max_workers)
        self.max_per_service = max(1, max_per_service)
        self.batch_size = batch_size
        self.stop = threading.Event()
        self.closed = threading.Event()
        self.results: list[ScopeResult] = []
        self.cancelled = False
        # Finished units whose scope still has writes queued for the database writers (persistence).
        self._finishing: list[tuple[Unit, _Outcome, ScopeWriter, str | None]] = []

    def run(self) -> list[ScopeResult]:
        inbox: queue.Queue = queue.Queue(maxsize=self.max_workers * 4)
        pending = deque(self.units)
        in_flight: Counter = Counter()
        writers: dict[Unit, ScopeWriter] = {}
        db_errors: dict[Unit, str] = {}
        running = 0
        with ThreadPoolExecutor(self.max_workers, thread_name_prefix=f"discover-{self.account_id}") as pool:
            try:
                while pending or running:
                    while running < self.max_workers and not self.stop.is_set():
                        unit = self._next(pending, in_flight)
                        if unit is None:
                            break
                        in_flight[unit.cap_key] += 1
                        running += 1
                        pool.submit(self._run_unit, unit, inbox)
                    if self.stop.is_set() and not running:
                        break
                    try:
                        kind, unit, payload = inbox.get(timeout=0.5)
                    except queue.Empty:
                        self._check_cancel(pending)
                        continue
                    if kind == _CHUNK:
                        self._persist(unit, payload, writers, db_errors)
                    else:
                        running -= 1
                        in_flight[unit.cap_key] -= 1
                        self._finish(unit, payload, writers.pop(unit, None), db_errors.pop(unit, None))
                    self._record_finished(block=False)
                    self._check_cancel(pending)
            finally:
                self.stop.set()  # workers still running stop at their next resource
                self.closed.set()  # and no longer wait for room in the queue
        self._record_finished(block=True)
        return self.results

    # --- main thread -----------------------------------------------------------------------------------

    def _next(self, pending: deque, in_flight: Counter) -> Unit | None:
        for index, unit in enumerate(pending):
            if in_flight[unit.cap_key] < self.max_per_service:
                del pending[index]
                return unit
        return None

    def _check_cancel(self, pending: deque) -> None:
        if self.progress.tick() and not self.cancelled:
            self.cancelled = True
            self.stop.set()
            pending.clear()
            self.progress.log(f"{self.account_id}: cancellation requested, stopping")

    def _writer(self, unit: Unit, writers: dict[Unit, ScopeWriter]) -> ScopeWriter:
        writer = writers.get(unit)
        if writer is None:
            writer = writers[unit] = self.persister.scope(resource_type=unit.resource_type, region=unit.region)
        return writer

    def _persist(self, unit: Unit, chunk: list, writers: dict, db_errors: dict) -> None:
        if unit in db_errors:
            return
        try:
            self._writer(unit, writers).write(chunk)
        except DatabaseError as exc:
            # The batch's transaction rolled back; the scope is failed (so removes nothing), others go on.
            logger.exception("Persisting %s %s %s failed", self.account_id, unit.region, unit.resource_type)
            db_errors[unit] = f"Database error while saving: {exc}"[:1000]

    def _finish(self, unit: Unit, outcome: _Outcome, writer: ScopeWriter | None, db_error: str | None) -> None:
        error = outcome.error or db_error
        if not error and not outcome.cancelled:
            try:
                writer = writer or self._writer(unit, {})
                writer.complete()  # with database writers: queued after the scope's batches
            except DatabaseError as exc:
                error = f"Database error while marking removals: {exc}"[:1000]
        if writer is not None and writer.waiting:
            self._finishing.append((unit, outcome, writer, error))
        else:
            self._record(unit, outcome, writer, error)

    def _record_finished(self, *, block: bool) -> None:
        """Record the finished units whose scope's writes are done (all of them if block: waits)."""
        still = []
        for unit, outcome, writer, error in self._finishing:
            if block or not writer.waiting:
                self._record(unit, outcome, writer, error)
            else:
                still.append((unit, outcome, writer, error))
        self._finishing = still

    def _record(self, unit: Unit, outcome: _Outcome, writer: ScopeWriter | None, error: str | None) -> None:
        if writer is not None:
            error = error or writer.wait()  # a batch or the completion that failed in a database writer
        result = ScopeResult(
            region=unit.region,
            resource_type=unit.resource_type,
            counts=writer.counts if writer else Counts(),
            throttles=outcome.throttles,
            seconds=outcome.seconds,
            error=error,
            cancelled=outcome.cancelled,
        )
        self.results.append(result)
        self.progress.unit_done(result)

    # --- worker threads --------------------------------------------------------------------------------

    def _run_unit(self, unit: Unit, inbox: queue.Queue) -> None:
        outcome = _Outcome()
        if self.stop.is_set():
            outcome.cancelled = True
            self._put(inbox, (_DONE, unit, outcome))
            return
        self.clients.begin_unit()
        started = time.monotonic()
        try:
            chunk: list[Any] = []
            for resource in unit.collector.collect(self.clients, self.account_id, unit.call_region):
                chunk.append(resource)
                if len(chunk) >= self.batch_size:
                    self._put(inbox, (_CHUNK, unit, chunk))
                    chunk = []
                if self.stop.is_set():
                    raise _Cancelled
            if chunk:
                self._put(inbox, (_CHUNK, unit, chunk))
        except _Cancelled:
            outcome.cancelled = True
        except Exception as exc:  # noqa: BLE001 - any failure fails this scope only
            outcome.error = describe_error(exc)
        outcome.throttles = self.clients.unit_throttles()
        outcome.seconds = time.monotonic() - started
        self._put(inbox, (_DONE, unit, outcome), always=True)

    def _put(self, inbox: queue.Queue, message: tuple, *, always: bool = False) -> None:
        # Bounded queue: back-pressure when the database is slower than AWS. A stopping scan drops further
        # chunks; the final "done" message waits for room as long as the main thread is reading.
        while not self.closed.is_set():
            try:
                inbox.put(message, timeout=0.5)
                return
            except queue.Full:
                if self.stop.is_set() and not always:
                    raise _Cancelled from None
