"""Builders for discovered resources in tests."""

from __future__ import annotations

from discovery.types import DiscoveredResource, Reference

MGMT_ID = "123456789012"  # moto's default account: plain fake keys act in it


def resource(
    rid: str,
    *,
    rtype: str = "ec2:instance",
    service: str = "ec2",
    region: str = "eu-west-1",
    account_id: str = MGMT_ID,
    arn: str | None = None,
    tags: dict | None = None,
    status: str = "ACTIVE",
    refs: list[Reference] | None = None,
    **extra,
) -> DiscoveredResource:
    if arn is None:
        arn = f"arn:aws:{service}:{region}:{account_id}:{rtype.split(':')[1]}/{rid}"
    return DiscoveredResource(
        resource_type=rtype,
        service=service,
        account_id=account_id,
        region=region,
        resource_id=rid,
        name=extra.pop("name", rid),
        arn=arn,
        raw_state=extra.pop("raw_state", "running"),
        status=status,
        tags=tags if tags is not None else {"Name": rid},
        ip_addresses=extra.pop("ip_addresses", ["10.0.0.1"]),
        dns_names=extra.pop("dns_names", []),
        attributes=extra.pop("attributes", {"size": "t3.micro"}),
        references=refs or [],
    )


def persist(account, resources, *, job=None, complete=True, rtype="ec2:instance", region="eu-west-1", dry_run=False):
    """One scope's run through discovery.persistence (written, completed unless `complete` is False,
    relationships linked, database writers closed); returns the scope's counts."""
    from discovery.persistence import AccountPersister

    persister = AccountPersister(account=account, job_id=job.pk if job else None, dry_run=dry_run)
    try:
        writer = persister.scope(resource_type=rtype, region=region)
        writer.write(resources)
        if complete:
            writer.complete()
        persister.link_relationships()
    finally:
        persister.close()
    return writer.counts
