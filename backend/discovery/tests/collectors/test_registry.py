"""Every registered spec checked against botocore's service models, and the registry's contract."""

from __future__ import annotations

import re

import botocore.session
import pytest

from discovery import registry
from discovery.collectors.spec import Call, Parent, ResourceSpec, TaggingApiTags
from discovery.types import Collector

SESSION = botocore.session.get_session()
AVAILABLE = set(SESSION.get_available_services())
SPECS = [c for c in registry.all_collectors() if isinstance(c, ResourceSpec)]


def _walk(shape, path: str):
    """Follow a simple JMESPath (`A[].B[]`, `A.B`) through an output shape; None if a step is missing."""
    for step in re.sub(r"\[\d*\]", "", path).split("."):
        if shape.type_name == "list":
            shape = shape.member
        if shape.type_name != "structure" or step not in shape.members:
            return None
        shape = shape.members[step]
    return shape


def _calls(spec: ResourceSpec) -> list[tuple[str, str, str, bool]]:
    """(service, operation, result_key, paginated) of every call the spec makes."""
    calls = [(spec.service, spec.operation, spec.result_key, spec.paginated)]
    if isinstance(spec.parent, Parent):
        calls.append((spec.service, spec.parent.operation, spec.parent.result_key, spec.parent.paginated))
    extra: list[Call] = list(spec.details) + ([spec.tags] if isinstance(spec.tags, Call) else [])
    calls += [(c.service or spec.service, c.operation, c.result_key, False) for c in extra]
    if isinstance(spec.tags, TaggingApiTags):
        calls.append(("resourcegroupstaggingapi", "GetResources", "ResourceTagMappingList", True))
    return calls


def test_registry_has_at_least_45_types_all_collectors():
    collectors = registry.all_collectors()
    assert len(collectors) >= 45, registry.resource_types()
    assert all(isinstance(c, Collector) for c in collectors)
    assert len({c.resource_type for c in collectors}) == len(collectors)
    assert all(re.fullmatch(r"[a-z0-9-]+:[a-z0-9-]+", c.resource_type) for c in collectors)
    # "<boto3 client name>:<type>", as discovery.types documents
    assert all(c.resource_type.split(":")[0] == c.service for c in collectors)
    for required in ("s3:bucket", "iam:role", "ec2:instance", "elbv2:load-balancer", "kms:key", "logs:log-group"):
        assert registry.get(required).resource_type == required
    assert {c.resource_type for c in registry.global_collectors()} == {
        "s3:bucket",
        "cloudfront:distribution",
        "route53:hosted-zone",
        "iam:role",
        "iam:user",
        "iam:policy",
    }


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.resource_type)
def test_spec_matches_botocore_models(spec: ResourceSpec):
    for service, operation, result_key, paginated in _calls(spec):
        assert service in AVAILABLE, f"{spec.resource_type}: unknown service {service}"
        model = SESSION.get_service_model(service)
        assert operation in model.operation_names, f"{spec.resource_type}: {service}.{operation} missing"
        op = model.operation_model(operation)
        if paginated:
            SESSION.get_paginator_model(service).get_paginator(operation)  # raises ValueError if missing
        if result_key:
            key = re.split(r"\s*\|\|", result_key)[0]
            assert _walk(op.output_shape, key) is not None, f"{spec.resource_type}: {operation} has no {key}"
    if isinstance(spec.params, dict) and spec.params:
        input_members = SESSION.get_service_model(spec.service).operation_model(spec.operation).input_shape.members
        assert set(spec.params) <= set(input_members), f"{spec.resource_type}: bad static params"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.resource_type)
def test_spec_states_are_lower_case_and_disjoint(spec: ResourceSpec):
    for states in (spec.active_states, spec.inactive_states, spec.gone_states):
        assert all(s == s.lower() for s in states)
    assert not spec.gone_states & (spec.active_states | spec.inactive_states)


def test_register_rejects_non_collectors_and_duplicates():
    with pytest.raises(TypeError):
        registry.register(object())  # type: ignore[arg-type]
    existing = registry.get("ec2:instance")
    with pytest.raises(ValueError):
        registry.register(existing)
    with pytest.raises(KeyError):
        registry.get("nope:nothing")


# Members AWS changes through use rather than configuration (last use, message and item counts, sizes,
# running tasks, free addresses, current fleet). Kept as attributes, each would record an "updated"
# change with a diff, and rewrite the asset row, on nearly every run.
VOLATILE_MEMBERS = (
    "RoleLastUsed",
    "ApproximateNumberOf",
    "runningTasksCount",
    "pendingTasksCount",
    "runningCount",
    "registeredContainerInstancesCount",
    "ItemCount",
    "TableSizeBytes",
    "SizeInBytes",
    "storedBytes",
    "LastAccessedDate",
    "EstimatedNumberOfUsers",
    "AvailableIpAddressCount",
    "length(Instances",
)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.resource_type)
def test_no_attribute_changes_through_use_alone(spec):
    for name, path in spec.attributes.items():
        if isinstance(path, str):
            assert not [m for m in VOLATILE_MEMBERS if m in path], (name, path)
