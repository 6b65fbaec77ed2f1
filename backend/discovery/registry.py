"""The collector registry: every resource type Cloudtally discovers, keyed by resource_type.

Built-in specs come from the modules listed in discovery.collectors.MODULES; anything satisfying
discovery.types.Collector can be added with register() (e.g. by a plugin or a test).
"""

from __future__ import annotations

import importlib
import threading

from discovery.types import Collector

_collectors: dict[str, Collector] = {}
_loaded = False
_lock = threading.Lock()


def register(collector: Collector, *, replace: bool = False) -> Collector:
    if not isinstance(collector, Collector):
        raise TypeError(f"{collector!r} does not satisfy discovery.types.Collector")
    if collector.resource_type in _collectors and not replace:
        raise ValueError(f"collector for {collector.resource_type} already registered")
    _collectors[collector.resource_type] = collector
    return collector


def unregister(resource_type: str) -> None:
    _collectors.pop(resource_type, None)


def _ensure_loaded() -> None:
    global _loaded
    if _loaded:
        return
    with _lock:
        if _loaded:
            return
        from discovery.collectors import MODULES

        for module_name in MODULES:
            module = importlib.import_module(f"discovery.collectors.{module_name}")
            for spec in module.SPECS:
                register(spec)
        _loaded = True


def get(resource_type: str) -> Collector:
    """The collector for one resource type; KeyError if unknown."""
    _ensure_loaded()
    return _collectors[resource_type]


def all_collectors() -> list[Collector]:
    """Every registered collector, sorted by resource type (global and regional)."""
    _ensure_loaded()
    return [_collectors[key] for key in sorted(_collectors)]


def resource_types() -> list[str]:
    _ensure_loaded()
    return sorted(_collectors)


def global_collectors() -> list[Collector]:
    return [c for c in all_collectors() if c.is_global]


def regional_collectors() -> list[Collector]:
    return [c for c in all_collectors() if not c.is_global]


def services() -> list[str]:
    """boto3 client names used by the registered collectors (for endpoint/region availability checks)."""
    return sorted({c.service for c in all_collectors()})
