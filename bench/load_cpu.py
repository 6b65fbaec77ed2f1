"""CPU seconds per process group for bench_load.py, read from /proc (Linux).

A background thread scans /proc every half second. A group is the process tree of the commands
bench_load.py started (Gunicorn, the load generator, Celery, redis-server), plus `postgres`: the
PostgreSQL backends connected to the bench's database (found by their process title, so backends
that come and go with CONN_MAX_AGE are counted; one that ends between two scans loses at most half a
second of CPU). `machine` is all CPU time of the machine (other helpers' work included).
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict

TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, float, bytes]]:
    """pid -> (parent pid, CPU seconds user+system, command name)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        close = data.rindex(b")")
        fields = data[close + 2 :].split()  # state, ppid, ..., utime (11), stime (12)
        table[int(entry.name)] = (
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / TICK,
            data[data.index(b"(") + 1 : close],
        )
    return table


def _machine_seconds() -> float:
    with open("/proc/stat", encoding="ascii") as handle:
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in handle.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK


def _is_backend_of(pid: int, database: bytes) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            title = handle.read()
    except OSError:
        return False
    return title.startswith(b"postgres: ") and f" {database.decode()} ".encode() in title.replace(b"\0", b" ")


class CpuMeter:
    def __init__(self, database: str, interval: float = 0.5) -> None:
        self.database = database.encode()
        self.interval = interval
        self.roots: dict[str, list[int]] = defaultdict(list)
        self.base: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group: dict[int, str] = {}
        self.machine_base = _machine_seconds()
        self.first_scan = True
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def add(self, group: str, pid: int) -> None:
        with self.lock:
            self.roots[group].append(pid)

    def start(self) -> CpuMeter:
        self.scan()
        self.thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self.thread.join()

    def _run(self) -> None:
        while not self.stop.wait(self.interval):
            self.scan()

    def scan(self) -> None:
        table = _processes()
        children: dict[int, list[int]] = defaultdict(list)
        for pid, (ppid, _cpu, _name) in table.items():
            children[ppid].append(pid)
        with self.lock:
            found: dict[int, str] = {}
            for group, roots in self.roots.items():
                stack = [pid for pid in roots if pid in table]
                while stack:
                    pid = stack.pop()
                    found[pid] = group
                    stack.extend(children[pid])
            for pid, (_ppid, _cpu, name) in table.items():
                if name == b"postgres" and pid not in found and _is_backend_of(pid, self.database):
                    found[pid] = "postgres"
            for pid, group in found.items():
                cpu = table[pid][1]
                if pid not in self.base:
                    # Processes running at the first scan count from now; later ones from their start.
                    self.base[pid] = cpu if self.first_scan else 0.0
                self.group[pid], self.last[pid] = group, cpu
            self.first_scan = False

    def snapshot(self) -> dict[str, float]:
        """CPU seconds per group since start(), plus `machine`; scans first so the figures are current."""
        self.scan()
        totals: dict[str, float] = defaultdict(float)
        with self.lock:
            for pid, cpu in self.last.items():
                totals[self.group[pid]] += cpu - self.base[pid]
        totals["machine"] = _machine_seconds() - self.machine_base
        return dict(totals)


def diff(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {key: after.get(key, 0.0) - before.get(key, 0.0) for key in after}
