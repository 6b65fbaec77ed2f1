"""The production front door for real: Nginx (nginx/nginx.conf) in front of Gunicorn
(gunicorn.conf.py) in front of Django, each a real process; the SPA is frontend/dist or a fixture.

Requests carry `X-Forwarded-Proto: https` as the TLS-terminating load balancer in front of Nginx
would; Django then treats them as secure (HSTS, secure cookies, https CSRF origin checks).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess

import pytest

from config.tests import deploy_stack as ds

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(ds.nginx_binary() is None, reason="needs Debian's nginx: apt-get install -y nginx"),
    pytest.mark.skipif(shutil.which("envsubst") is None, reason="needs envsubst: apt-get install -y gettext-base"),
]

HTTPS = {"X-Forwarded-Proto": "https"}
USERNAME, PASSWORD = "deploy-viewer", "Deploy-check-password-42"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stack")
    gunicorn_port, nginx_port = ds.free_port(), ds.free_port()
    gunicorn = nginx = None
    with ds.subprocess_database(tmp) as database_url:
        env = ds.backend_env(
            tmp,
            database_url,
            GUNICORN_BIND=f"127.0.0.1:{gunicorn_port}",
            GUNICORN_WORKERS="2",
            GUNICORN_THREADS="2",
            PROMETHEUS_MULTIPROC_DIR=str(tmp / "prometheus"),
        )
        ds.manage(env, "migrate", "--noinput")
        # No post-processing: compressing 13 MB of Swagger/Redoc files takes a minute; the image does it.
        ds.manage(env, "collectstatic", "--noinput", "--no-post-process")
        ds.manage(env, "shell", "-c", _CREATE_USER)
        spa = ds.spa_root(tmp / "spa")
        try:
            gunicorn = ds.start_gunicorn(env, tmp / "gunicorn.log")
            ds.wait_until_up(gunicorn_port, "/healthz", gunicorn, tmp / "gunicorn.log")
            nginx = ds.start_nginx(nginx_port, f"127.0.0.1:{gunicorn_port}", spa.root, tmp / "nginx", tmp / "nginx.log")
            ds.wait_until_up(nginx_port, "/index.html", nginx, tmp / "nginx.log")
            yield {"nginx": nginx_port, "gunicorn": gunicorn_port, "spa": spa, "tmp": tmp}
        finally:
            ds.stop(nginx)
            ds.stop(gunicorn)


_CREATE_USER = f"""
from authentication.models import User
User.objects.create_user(username={USERNAME!r}, email="deploy@example.com", password={PASSWORD!r}, role="viewer")
"""


def get(stack, path, headers=None, port="nginx"):
    return ds.request(stack[port], "GET", path, headers={**HTTPS, **(headers or {})})


def test_gunicorn_serves_readyz_with_the_config_file(stack):
    response = ds.request(stack["gunicorn"], "GET", "/readyz")
    assert response.status == 200, response.body
    assert json.loads(response.body) == {"status": "ok"}


def test_probes_answer_whatever_host_the_orchestrator_uses(stack):
    # Kubernetes and Docker address the container by IP, which is not in ALLOWED_HOSTS.
    for path in ("/healthz", "/readyz"):
        assert ds.request(stack["gunicorn"], "GET", path, headers={"Host": "10.1.2.3:8000"}).status == 200
    assert ds.request(stack["gunicorn"], "GET", "/api/auth/config/", headers={"Host": "10.1.2.3:8000"}).status == 400


def test_spa_index_and_deep_links_fall_back_to_index(stack):
    spa = stack["spa"]
    for path in ("/", "/assets/123", "/assets/", "/discovery", "/settings/sso?tab=1"):
        response = get(stack, path)
        assert response.status == 200, path
        assert response.body == spa.index, path
        assert response.header("Cache-Control") == "no-cache", path
        assert response.header("X-Frame-Options") == "DENY"
        assert response.header("X-Content-Type-Options") == "nosniff"


def test_hashed_assets_are_cached_for_a_year_and_gzipped(stack):
    assert stack["spa"].assets, "index.html references no /spa/ assets"
    for path in stack["spa"].assets:
        response = get(stack, path, {"Accept-Encoding": "gzip"})
        assert response.status == 200, path
        assert response.header("Cache-Control") == "public, max-age=31536000, immutable"
        if response.header("Content-Encoding") == "gzip":
            assert gzip.decompress(response.body) == (stack["spa"].root / path.lstrip("/")).read_bytes()
    assert any(
        get(stack, p, {"Accept-Encoding": "gzip"}).header("Content-Encoding") == "gzip" for p in stack["spa"].assets
    )
    missing = get(stack, "/spa/index-00000000.js")
    assert missing.status == 404, "a missing hashed file must not be answered with index.html"


def test_spa_security_headers_match_djangos(stack):
    spa = get(stack, "/")
    api = get(stack, "/api/auth/config/")
    assert _csp(spa.header("Content-Security-Policy")) == _csp(api.header("Content-Security-Policy"))
    assert spa.header("Referrer-Policy") == api.header("Referrer-Policy") == "same-origin"
    assert spa.header("Cross-Origin-Opener-Policy") == api.header("Cross-Origin-Opener-Policy")


def _csp(header: str) -> dict[str, set[str]]:
    directives = [d.split() for d in header.split(";") if d.strip()]
    return {d[0]: set(d[1:]) for d in directives}


def test_api_through_the_proxy_with_forwarded_proto_and_request_id(stack):
    response = get(stack, "/api/auth/config/", {"X-Request-ID": "deploy-test-0001"})
    assert response.status == 200, response.body
    assert "sso_enabled" in json.loads(response.body)
    assert response.header("X-Request-ID") == "deploy-test-0001"
    assert response.header("Strict-Transport-Security").startswith("max-age=")
    # Gunicorn's access-log line of that request: JSON, with the same request id.
    logged = ds.wait_for_log_line(stack["tmp"] / "gunicorn.log", "gunicorn.access", "deploy-test-0001")
    assert logged["path"] == "/api/auth/config/" and logged["status"] == 200 and logged["method"] == "GET"
    assert logged["forwarded_for"] == "127.0.0.1"


def test_forwarded_proto_and_host_reach_django(stack):
    # Django sends HSTS only on requests it considers secure: X-Forwarded-Proto made it through.
    assert get(stack, "/api/auth/config/").header("Strict-Transport-Security")
    plain = ds.request(stack["nginx"], "GET", "/api/auth/config/")
    assert plain.status == 200 and not plain.header("Strict-Transport-Security")
    # The browser's Host reaches Django unchanged (and is checked against ALLOWED_HOSTS).
    response = get(stack, "/api/auth/config/", {"Host": "cloudtally.invalid:8443"})
    assert response.status == 400


def test_admin_login_and_its_static_css_through_the_proxy(stack):
    page = get(stack, "/admin/login/")
    assert page.status == 200
    assert b'id="login-form"' in page.body
    css = get(stack, "/static/admin/css/base.css")
    assert css.status == 200
    assert css.header("Content-Type").startswith("text/css")


def test_api_docs_use_self_hosted_swagger_ui(stack):
    page = get(stack, "/api/docs/")
    assert page.status == 200
    assert b"cdn.jsdelivr.net" not in page.body and b"<script>" not in page.body
    assert get(stack, "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status == 200


def test_session_login_through_the_proxy(stack):
    cookie = _login(stack)
    me = get(stack, "/api/auth/me/", {"Cookie": cookie})
    assert me.status == 200, me.body
    assert json.loads(me.body)["username"] == USERNAME


def _login(stack) -> str:
    csrf = get(stack, "/api/auth/csrf/")
    if csrf.status == 404:
        pytest.skip("authentication API not built yet")
    token = csrf.cookies()["csrftoken"]
    origin = f"https://127.0.0.1:{stack['nginx']}"
    login = ds.request(
        stack["nginx"],
        "POST",
        "/api/auth/login/",
        headers={
            **HTTPS,
            "Content-Type": "application/json",
            "X-CSRFToken": token,
            "Origin": origin,
            "Referer": origin + "/login",
            "Cookie": f"csrftoken={token}",
        },
        body=json.dumps({"username": USERNAME, "password": PASSWORD}).encode(),
    )
    assert login.status == 200, login.body
    assert "Secure" in " ".join(login.headers.get_all("Set-Cookie"))
    return f"csrftoken={token}; sessionid={login.cookies()['sessionid']}"


def test_export_streams_through_the_proxy(stack):
    cookie = _login(stack)
    response = get(stack, "/assets/export/csv/", {"Cookie": cookie})
    assert response.header("Content-Type") != "text/html" or b"deploy-test fixture" not in response.body
    if response.status == 404:
        pytest.skip("exports app has no /assets/export/csv/ yet; Nginx proxied the path to Django")
    assert response.status == 200, response.body[:500]
    assert response.header("Content-Type").startswith("text/csv")
    assert not response.header("Content-Length"), "a streamed export has no length up front"
    assert response.header("Transfer-Encoding") == "chunked"
    assert response.body.splitlines()[0]


def test_oversized_upload_is_refused_by_nginx_with_json(stack):
    body = b"x" * (11 * 1024 * 1024)
    response = ds.request(
        stack["nginx"], "POST", "/api/assets/import/", headers={**HTTPS, "Content-Type": "text/csv"}, body=body
    )
    assert response.status == 413
    assert "10 MB" in json.loads(response.body)["detail"]


def test_metrics_are_refused_through_nginx_and_when_forwarded(stack):
    assert get(stack, "/metrics").status == 403
    forwarded = ds.request(stack["gunicorn"], "GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status == 403
    direct = ds.request(stack["gunicorn"], "GET", "/metrics")
    assert direct.status == 200
    assert b"django_http_requests_total_by_method_total" in direct.body


def test_api_answers_json_503_when_gunicorn_is_down(stack, tmp_path):
    port = ds.free_port()
    nginx = ds.start_nginx(port, f"127.0.0.1:{ds.free_port()}", stack["spa"].root, tmp_path / "run", tmp_path / "log")
    try:
        ds.wait_until_up(port, "/index.html", nginx, tmp_path / "log")
        response = ds.request(port, "GET", "/api/assets/", headers=HTTPS)
        assert response.status == 503
        assert json.loads(response.body)["detail"]
        assert ds.request(port, "GET", "/discovery").status == 200  # the SPA itself still loads
    finally:
        ds.stop(nginx)


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
@pytest.mark.parametrize(
    ("path", "rendered"),
    [("/api/docs/", b"opblock-tag-section"), ("/api/redoc/", b"menu-content"), ("/admin/login/", b"login-form")],
)
def test_pages_render_in_chromium_without_csp_violations(stack, tmp_path, path, rendered):
    # Plain http on 127.0.0.1 (a secure context for Chromium), so no HTTPS redirect is wanted here.
    done = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            "--dump-dom",
            f"http://localhost:{stack['nginx']}{path}",
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    violations = [
        line
        for line in done.stderr.decode(errors="replace").splitlines()
        if "Content Security Policy" in line and "fonts.googleapis.com" not in line and "cdn.redoc.ly" not in line
    ]
    assert rendered in done.stdout, done.stderr.decode(errors="replace")[-2000:]
    assert not violations, violations
