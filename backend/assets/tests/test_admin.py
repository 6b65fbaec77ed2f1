"""Django admin pages for the asset app load, and edits there are recorded like API edits."""

from __future__ import annotations

import pytest
from django.test import Client

from assets.models import AssetChange


@pytest.fixture
def admin_web(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_admin_pages_load(admin_web, estate):
    web = estate["web"]
    for url in (
        "/admin/assets/asset/", "/admin/assets/asset/?status__exact=ACTIVE&q=web",
        f"/admin/assets/asset/{web.pk}/change/",
        "/admin/assets/category/", "/admin/assets/relationship/", "/admin/assets/assetchange/",
        "/admin/assets/savedview/", "/admin/assets/asset/add/",
    ):  # fmt: skip
        assert admin_web.get(url).status_code == 200, url


def test_discovered_fields_are_read_only_for_aws_assets(admin_web, estate):
    page = admin_web.get(f"/admin/assets/asset/{estate['web'].pk}/change/").content.decode()
    assert 'name="department"' in page
    assert 'name="arn"' not in page and 'name="name"' not in page


def test_admin_edit_is_recorded(admin_web, estate, admin_user):
    saas = estate["saas"]
    page = admin_web.get(f"/admin/assets/asset/{saas.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, dict | list)}
    data.update(
        {"notes": "checked by audit", "tags": "{}", "ip_addresses": "[]", "dns_names": "[]", "attributes": "{}"}
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = admin_web.post(f"/admin/assets/asset/{saas.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    change = AssetChange.objects.filter(asset=saas).latest("id")
    assert change.changes["notes"] == ["", "checked by audit"] and change.user == admin_user


def test_history_is_read_only_in_admin(admin_web, estate):
    assert admin_web.get("/admin/assets/assetchange/add/").status_code == 403
