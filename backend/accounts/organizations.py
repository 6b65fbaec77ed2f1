"""Read an AWS Organization: every account with its OU path, walking the tree from the root."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from accounts.aws import client_config


@dataclass(frozen=True, slots=True)
class OrgAccount:
    account_id: str
    name: str
    email: str
    state: str  # ACTIVE, SUSPENDED, PENDING_CLOSURE, ...
    ou_ids: tuple[str, ...]  # root first, then each OU down to the account's parent
    ou_names: tuple[str, ...]  # "Root", then OU names

    @property
    def ou_path(self) -> str:
        return "/".join(self.ou_names)

    @property
    def is_active(self) -> bool:
        return self.state == "ACTIVE"

    def in_any(self, ous: Iterable[str]) -> bool:
        """True when the account lies under one of `ous`: OU ids, OU names, or paths like "Prod/Web"."""
        path = self.ou_path.lower()
        names = {name.lower() for name in self.ou_names}
        for ou in ous:
            wanted = ou.strip().strip("/").lower()
            if not wanted:
                continue
            if ou in self.ou_ids or wanted in names or path == wanted or path.startswith(wanted + "/"):
                return True
            if ("/" in wanted) and ("/" + wanted + "/") in ("/" + path + "/"):
                return True
        return False


def _pages(client: Any, operation: str, key: str, **params: Any) -> Iterable[dict]:
    for page in client.get_paginator(operation).paginate(**params):
        yield from page[key]


def _state(item: dict) -> str:
    # `State` replaces the deprecated `Status` (which AWS still sends); prefer the new one.
    return item.get("State") or item.get("Status") or "ACTIVE"


def org_client(session: Any) -> Any:
    return session.client("organizations", config=client_config())


def list_org_accounts(client: Any) -> tuple[str, list[OrgAccount]]:
    """(the organization's management account id, every account in the organization with its OU path)."""
    master_id = client.describe_organization()["Organization"]["MasterAccountId"]
    root = client.list_roots()["Roots"][0]
    found: list[OrgAccount] = []
    queue = deque([((root["Id"],), ("Root",))])
    while queue:
        ou_ids, ou_names = queue.popleft()
        parent = ou_ids[-1]
        for item in _pages(client, "list_accounts_for_parent", "Accounts", ParentId=parent):
            found.append(
                OrgAccount(
                    account_id=item["Id"],
                    name=item.get("Name", ""),
                    email=item.get("Email", ""),
                    state=_state(item),
                    ou_ids=ou_ids,
                    ou_names=ou_names,
                )
            )
        for ou in _pages(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent):
            queue.append(((*ou_ids, ou["Id"]), (*ou_names, ou["Name"])))
    return master_id, found
