"""Register the demo estate's accounts in Cloudtally (the accounts app), as an operator would."""

from __future__ import annotations

from collections.abc import Callable

from .manifest import EstateManifest
from .organization import ENVIRONMENTS
from .seeder import MEMBER_ROLE_NAME


def register_estate_accounts(manifest: EstateManifest, *, log: Callable[[str], None] = print) -> list:
    """Upsert the management account (type management) and its members (role, management account, regions)."""
    from accounts.models import AccountType
    from accounts.services import aws_account_upsert

    management, created = aws_account_upsert(
        account_id=manifest.management_account_id,
        name="Demo management",
        account_type=AccountType.MANAGEMENT,
        environment=ENVIRONMENTS[0],
        regions=list(manifest.regions),
    )
    log(f"  {'added' if created else 'updated'} {management}")
    accounts = [management]
    for index, account_id in enumerate(manifest.member_account_ids, start=1):
        member, created = aws_account_upsert(
            account_id=account_id,
            name=manifest.account_names.get(account_id, f"demo-member-{index}"),
            account_type=AccountType.MEMBER,
            environment=ENVIRONMENTS[index % len(ENVIRONMENTS)],
            role_name=MEMBER_ROLE_NAME,
            management_account=management,
            regions=list(manifest.regions),
        )
        log(f"  {'added' if created else 'updated'} {member}")
        accounts.append(member)
    return accounts
