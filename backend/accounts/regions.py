"""Known AWS region codes and display names, from botocore's bundled endpoint data (no network)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import botocore.session

# Partitions a company can sign up for; the isolated (ISO) partitions are left out of the UI.
PARTITIONS = ("aws", "aws-eusc", "aws-us-gov", "aws-cn")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str


@lru_cache(maxsize=1)
def known_regions() -> tuple[Region, ...]:
    """Every region where EC2 exists in the supported partitions, in partition then code order."""
    data = botocore.session.get_session().get_component("data_loader").load_data("endpoints")
    regions: list[Region] = []
    for partition in sorted(data["partitions"], key=lambda p: _order(p["partition"])):
        if partition["partition"] not in PARTITIONS:
            continue
        ec2 = partition["services"].get("ec2", {}).get("endpoints", {})
        for code, info in sorted(partition["regions"].items()):
            if code in ec2:
                regions.append(Region(code=code, name=info.get("description", code)))
    return tuple(regions)


def _order(partition: str) -> int:
    return PARTITIONS.index(partition) if partition in PARTITIONS else len(PARTITIONS)


@lru_cache(maxsize=1)
def known_region_codes() -> frozenset[str]:
    return frozenset(region.code for region in known_regions())
