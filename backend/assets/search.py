"""The text `q` searches: one lower-cased string per asset, built the same way by every writer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def build_search_text(
    *,
    name: str = "",
    resource_id: str = "",
    arn: str = "",
    asset_pk: int | None = None,
    ip_addresses: Iterable[str] = (),
    dns_names: Iterable[str] = (),
    tags: Mapping[str, str] | None = None,
    extra: Iterable[str] = (),
) -> str:
    parts: list[str] = [name, resource_id, arn]
    if asset_pk:
        parts.append(f"ast-{asset_pk:06d}")
    parts.extend(ip_addresses)
    parts.extend(dns_names)
    for key, value in (tags or {}).items():
        parts.append(f"{key}={value}")
    parts.extend(extra)
    return " ".join(p for p in parts if p).lower()[:8000]
