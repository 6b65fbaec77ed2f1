"""The one generic collector: interprets a ResourceSpec for one (account, region) scope.

Resources stream out page by page; detail and tag calls are made per page (batched where the spec says),
so memory stays bounded by a page. Any error of the list call propagates: the engine then marks the scope
failed and removes nothing. Only a detail call's "not found" (resource vanished meanwhile) is absorbed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore import xform_name
from botocore.exceptions import ClientError

from discovery.types import GLOBAL_REGION, ClientProvider, DiscoveredResource, Reference

from .common import Ctx, extract, flat_strings, home_region, json_safe, partition_for, tags_to_dict
from .spec import BatchTags, Call, Detail, ResourceSpec, TaggingApiTags

_MISSING = object()


def make_ctx(spec: ResourceSpec, clients: ClientProvider, account_id: str, region: str) -> Ctx:
    if spec.is_global:
        client_region = home_region(region)
        return Ctx(clients, account_id, GLOBAL_REGION, client_region, partition_for(client_region))
    return Ctx(clients, account_id, region, region, partition_for(region))


def collect_spec(
    spec: ResourceSpec, clients: ClientProvider, account_id: str, region: str
) -> Iterator[DiscoveredResource]:
    ctx = make_ctx(spec, clients, account_id, region)
    if spec.prefetch:
        ctx.extra.update(spec.prefetch(ctx))
    for page in _list_pages(spec, ctx):
        items = _complete(spec, page, ctx)
        if spec.include:
            items = [item for item in items if spec.include(item, ctx)]
        items = [item for item in items if _normalised_state(spec, item, ctx) not in spec.gone_states]
        if not items:
            continue
        arns = [_arn(spec, item, ctx) for item in items]
        tag_sets = _tags(spec, items, arns, ctx)
        for item, item_arn, tags in zip(items, arns, tag_sets, strict=True):
            yield _build(spec, item, item_arn, tags, ctx)


# --- listing -----------------------------------------------------------------------------------------


def call_pages(
    client: Any, operation: str, params: dict[str, Any], paginated: bool, result_key: str, ctx: Ctx
) -> Iterator[list[Any]]:
    method = xform_name(operation)
    if paginated:
        pages = client.get_paginator(method).paginate(**params)
    else:
        pages = [getattr(client, method)(**params)]
    for page in pages:
        yield list(extract(result_key, page, ctx) or [])


def _list_pages(spec: ResourceSpec, ctx: Ctx) -> Iterator[list[dict[str, Any]]]:
    client = ctx.client(spec.service)
    base_params = spec.params(ctx) if callable(spec.params) else dict(spec.params)
    if spec.parent is None:
        for page in call_pages(client, spec.operation, base_params, spec.paginated, spec.result_key, ctx):
            yield [_as_item(value) for value in page]
        return
    p = spec.parent
    for parents in call_pages(client, p.operation, dict(p.params), p.paginated, p.result_key, ctx):
        for parent in parents:
            params = {**base_params, p.param: parent}
            for page in call_pages(client, spec.operation, params, spec.paginated, spec.result_key, ctx):
                yield [{**_as_item(value), "_parent": parent} for value in page]


def _as_item(value: Any) -> dict[str, Any]:
    # List calls returning bare names/ARNs/URLs get a dict so every later step sees one shape.
    return dict(value) if isinstance(value, dict) else {"_value": value}


# --- detail calls ------------------------------------------------------------------------------------


def _call(call: Call, spec: ResourceSpec, arg: Any, ctx: Ctx, region: str | None = None) -> Any:
    """Make one extra call; a `missing_codes` error answers _MISSING instead of raising."""
    client = ctx.client(call.service or spec.service, region)
    try:
        response = getattr(client, xform_name(call.operation))(**call.params(arg, ctx))
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in call.missing_codes or (isinstance(call, Detail) and call.required and "NotFound" in code):
            return _MISSING
        raise
    response.pop("ResponseMetadata", None)
    return extract(call.result_key, response, ctx) if call.result_key else response


def _complete(spec: ResourceSpec, items: list[dict[str, Any]], ctx: Ctx) -> list[dict[str, Any]]:
    for detail in spec.details:
        if detail.batch_size:
            items = _batch_detail(detail, spec, items, ctx)
        else:
            items = [done for item in items if (done := _item_detail(detail, spec, item, ctx)) is not None]
    return items


def _batch_detail(detail: Detail, spec: ResourceSpec, items: list[dict[str, Any]], ctx: Ctx) -> list[dict]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(items), detail.batch_size):
        chunk = items[start : start + detail.batch_size]
        result = _call(detail, spec, chunk, ctx)
        parent = chunk[0].get("_parent")
        for value in [] if result is _MISSING else result or []:
            out.append({**_as_item(value), "_parent": parent} if parent is not None else _as_item(value))
    return out


def _item_detail(detail: Detail, spec: ResourceSpec, item: dict[str, Any], ctx: Ctx) -> dict | None:
    region = detail.region(item, ctx) if detail.region else None
    result = _call(detail, spec, item, ctx, region)
    if result is _MISSING:
        return None if detail.required else {**item, **({detail.into: None} if detail.into else {})}
    if detail.into:
        return {**item, detail.into: result}
    return {**item, **result} if isinstance(result, dict) else {**item, "_detail": result}


# --- tags --------------------------------------------------------------------------------------------


def _tags(spec: ResourceSpec, items: list[dict], arns: list[str], ctx: Ctx) -> list[dict[str, str]]:
    source = spec.tags
    if source is None:
        return [{} for _ in items]
    if isinstance(source, str):
        return [tags_to_dict(extract(source, item, ctx)) for item in items]
    if isinstance(source, TaggingApiTags):
        by_arn = _tagging_api(source, ctx)
        return [by_arn.get(item_arn, {}) for item_arn in arns]
    if isinstance(source, BatchTags):
        return _batch_tags(source, spec, items, ctx)
    out = []
    for item in items:
        result = _call(source, spec, item, ctx, source.region(item, ctx) if source.region else None)
        out.append({} if result is _MISSING else tags_to_dict(result))
    return out


def _batch_tags(source: BatchTags, spec: ResourceSpec, items: list[dict], ctx: Ctx) -> list[dict[str, str]]:
    keys = [extract(source.key, item, ctx) for item in items]
    found: dict[Any, dict[str, str]] = {}
    for start in range(0, len(keys), source.batch_size):
        result = _call(source, spec, keys[start : start + source.batch_size], ctx)
        for entry in [] if result is _MISSING else result or []:
            match = extract(source.result_match, entry, ctx)
            found[match] = tags_to_dict(extract(source.result_tags, entry, ctx))
    return [found.get(key, {}) for key in keys]


def _tagging_api(source: TaggingApiTags, ctx: Ctx) -> dict[str, dict[str, str]]:
    # One GetResources sweep per scope, cached in the context: pages are matched by ARN.
    cache_key = f"_tagging:{source.type_filter}"
    if cache_key not in ctx.extra:
        client = ctx.client("resourcegroupstaggingapi")
        params = {"ResourceTypeFilters": [source.type_filter], "ResourcesPerPage": 100}
        by_arn: dict[str, dict[str, str]] = {}
        for page in call_pages(client, "GetResources", params, True, "ResourceTagMappingList", ctx):
            by_arn.update({entry["ResourceARN"]: tags_to_dict(entry.get("Tags")) for entry in page})
        ctx.extra[cache_key] = by_arn
    return ctx.extra[cache_key]


# --- building the resource ---------------------------------------------------------------------------


def _normalised_state(spec: ResourceSpec, item: dict, ctx: Ctx) -> str:
    return str(extract(spec.state, item, ctx) or "").lower()


def _status(spec: ResourceSpec, raw_state: str) -> str:
    if spec.state is None or not raw_state:
        return "ACTIVE"  # listed and no state reported: it exists and serves
    state = raw_state.lower()
    if state in spec.active_states:
        return "ACTIVE"
    if state in spec.inactive_states:
        return "INACTIVE"
    return "UNKNOWN"


def _arn(spec: ResourceSpec, item: dict, ctx: Ctx) -> str:
    return str(extract(spec.arn, item, ctx) or "")


def _references(spec: ResourceSpec, item: dict, ctx: Ctx) -> list[Reference]:
    refs: list[Reference] = []
    for ref in spec.references:
        for value in flat_strings([extract(ref.path, item, ctx)]):
            if ref.target_type:
                refs.append(Reference(ref.relationship, target_type=ref.target_type, target_id=value))
            else:
                refs.append(Reference(ref.relationship, target_arn=value))
    return refs


def _build(spec: ResourceSpec, item: dict, item_arn: str, tags: dict[str, str], ctx: Ctx) -> DiscoveredResource:
    resource_id = str(extract(spec.id, item, ctx))
    raw_state = str(extract(spec.state, item, ctx) or "")
    name = extract(spec.name, item, ctx) or tags.get("Name") or extract(spec.fallback_name, item, ctx) or resource_id
    attributes = {key: json_safe(extract(expr, item, ctx)) for key, expr in spec.attributes.items()}
    return DiscoveredResource(
        resource_type=spec.resource_type,
        service=spec.service,
        account_id=ctx.account_id,
        region=ctx.region,
        resource_id=resource_id,
        name=str(name),
        arn=item_arn,
        raw_state=raw_state,
        status=_status(spec, raw_state),
        tags=tags,
        ip_addresses=flat_strings(extract(expr, item, ctx) for expr in spec.ip_addresses),
        dns_names=flat_strings(extract(expr, item, ctx) for expr in spec.dns_names),
        attributes={key: value for key, value in attributes.items() if value not in (None, "", [], {})},
        references=_references(spec, item, ctx),
    )
