"""The Helm chart, linted and rendered by Helm's own Go library (helm-python-sdk: the real template
engine, no cluster needed), every manifest validated against the Kubernetes 1.30 schemas
(kubernetes-validate), and values.yaml against values.schema.json. CI also runs the `helm` CLI and
kubeconform on the same chart."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

helm = pytest.importorskip("helm_python.chart", reason="pip install helm-python-sdk (Helm's Go SDK)")
kubernetes_validate = pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate")

REPO = Path(__file__).resolve().parents[3]
CHART = REPO / "deploy" / "helm" / "cloudtally"
CI_VALUES = yaml.safe_load((CHART / "ci" / "external-services-values.yaml").read_text())
KUBERNETES = "1.30"


def render(values: dict | None = None, *, install: bool = True) -> dict[tuple[str, str], dict]:
    with helm.Chart.load(str(CHART)) as chart:
        rendered = chart.render(values=values, name="ct", namespace="cloudtally", is_install=install)
    docs = {}
    for path, text in rendered.items():
        if path.endswith(".yaml"):
            for doc in yaml.safe_load_all(text):
                if doc:
                    docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def pod(docs, kind: str, name: str) -> dict:
    return docs[(kind, f"ct-cloudtally-{name}")]["spec"]["template"]["spec"]


@pytest.fixture(scope="module")
def default_docs():
    return render()


@pytest.fixture(scope="module")
def production_docs():
    return render(CI_VALUES)


# --- values.yaml and its schema ------------------------------------------------------------------
@pytest.fixture(scope="module")
def schema():
    data = json.loads((CHART / "values.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(data)
    return data


@pytest.fixture(scope="module")
def values():
    return yaml.safe_load((CHART / "values.yaml").read_text())


def deep_merge(base: dict, override: dict) -> dict:
    """Helm's way of combining values: maps merge key by key, everything else is replaced."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        merged[key] = (
            deep_merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
        )
    return merged


def errors(schema, values) -> list[str]:
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(values)]


def test_values_validate_against_the_schema(schema, values):
    assert errors(schema, values) == []
    assert errors(schema, deep_merge(values, CI_VALUES)) == []


@pytest.mark.parametrize(
    "change",
    [
        {"replicaCount": 3},  # a typo'd top-level key
        {"image": {"repository": "x", "tag": "1", "pullPolicy": "Sometimes"}},
        {"web": {"replicaCount": 0}},
        {"config": {"lower_case": "x"}},
        {"postgresql": {"enabled": False}},  # no database then: needs secrets.DATABASE_URL or existingSecret
    ],
)
def test_schema_refuses_bad_values(schema, values, change):
    assert errors(schema, deep_merge(values, change))


def test_helm_applies_the_schema_too():
    with helm.Chart.load(str(CHART)) as chart, pytest.raises(Exception, match=r"(?i)pullPolicy|enum"):
        chart.render(values={"image": {"pullPolicy": "Sometimes"}}, name="ct", namespace="cloudtally")


# --- helm lint, schemas of every manifest ---------------------------------------------------------
@pytest.mark.parametrize("values", [None, CI_VALUES], ids=["bundled", "external"])
def test_helm_lint_is_clean(values):
    report = helm.lint(str(CHART), values, strict=True, namespace="cloudtally")
    problems = [m for m in report["messages"] if m["severity"] >= 2] + report["errors"]
    assert problems == []


@pytest.mark.parametrize("docs_fixture", ["default_docs", "production_docs"])
def test_every_manifest_is_valid_kubernetes(request, docs_fixture):
    docs = request.getfixturevalue(docs_fixture)
    checked = 0
    for doc in docs.values():
        if doc["apiVersion"].startswith("monitoring.coreos.com/"):
            continue  # a CRD: CI checks it with kubeconform's CRD catalogue
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)
        checked += 1
    assert checked >= 10


# --- What the chart promises ----------------------------------------------------------------------
def test_beat_is_a_single_replica_replaced_with_recreate(default_docs):
    beat = default_docs[("Deployment", "ct-cloudtally-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert beat["spec"]["template"]["spec"]["containers"][0]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_worker_autoscales_or_has_fixed_replicas(default_docs, production_docs):
    hpa = default_docs[("HorizontalPodAutoscaler", "ct-cloudtally-worker")]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "ct-cloudtally-worker"
    assert "replicas" not in default_docs[("Deployment", "ct-cloudtally-worker")]["spec"]
    assert ("HorizontalPodAutoscaler", "ct-cloudtally-worker") not in production_docs
    assert production_docs[("Deployment", "ct-cloudtally-worker")]["spec"]["replicas"] == 3
    assert production_docs[("PodDisruptionBudget", "ct-cloudtally-worker")]["spec"]["minAvailable"] == 1


def test_migrations_run_as_a_hook_after_the_secret(default_docs, production_docs):
    job = production_docs[("Job", "ct-cloudtally-migrate")]
    assert job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "python",
        "manage.py",
        "migrate",
        "--noinput",
    ]
    # The bundled database is created by the release itself: the first migration runs after it.
    bundled = default_docs[("Job", "ct-cloudtally-migrate")]["metadata"]["annotations"]
    assert bundled["helm.sh/hook"] == "post-install,pre-upgrade"
    secret = default_docs[("Secret", "ct-cloudtally")]["metadata"]["annotations"]
    assert "pre-install" in secret["helm.sh/hook"]
    assert int(secret["helm.sh/hook-weight"]) < int(bundled["helm.sh/hook-weight"])
    env = {
        e["name"]: e["value"]
        for e in default_docs[("Job", "ct-cloudtally-migrate")]["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert env == default_docs[("ConfigMap", "ct-cloudtally-env")]["data"]


def test_web_pod_runs_gunicorn_with_nginx_sidecar_and_probes(default_docs):
    spec = pod(default_docs, "Deployment", "web")
    gunicorn, nginx = spec["containers"]
    assert gunicorn["command"] == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert gunicorn["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert gunicorn["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert gunicorn["resources"]["limits"] and nginx["resources"]["limits"]
    env = {e["name"]: e["value"] for e in nginx["env"]}
    assert env["BACKEND_UPSTREAM"] == "127.0.0.1:8000"
    assert int(env["NGINX_PORT"]) == nginx["ports"][0]["containerPort"]
    mount = next(m for m in nginx["volumeMounts"] if m["mountPath"] == "/etc/nginx/templates")
    volume = next(v for v in spec["volumes"] if v["name"] == mount["name"])
    config_map = default_docs[("ConfigMap", volume["configMap"]["name"])]
    assert config_map["data"]["default.conf.template"] == (REPO / "nginx" / "nginx.conf").read_text()
    assert default_docs[("Service", "ct-cloudtally")]["spec"]["ports"][0]["targetPort"] == "http"
    assert spec["terminationGracePeriodSeconds"] > 90  # GUNICORN_GRACEFUL_TIMEOUT default


def test_config_changes_roll_the_pods(default_docs):
    before = default_docs[("Deployment", "ct-cloudtally-web")]["spec"]["template"]["metadata"]["annotations"]
    after = render({"config": {"LOG_LEVEL": "DEBUG"}})[("Deployment", "ct-cloudtally-web")]
    after = after["spec"]["template"]["metadata"]["annotations"]
    assert {"checksum/config", "checksum/secret", "checksum/nginx"} <= set(before)
    assert before["checksum/config"] != after["checksum/config"]
    assert before["checksum/nginx"] == after["checksum/nginx"]


def test_bundled_services_are_wired_together(default_docs):
    data = default_docs[("Secret", "ct-cloudtally")]["data"]
    decoded = {key: base64.b64decode(value).decode() for key, value in data.items()}
    password = decoded["POSTGRES_PASSWORD"]
    assert decoded["DATABASE_URL"] == f"postgres://cloudtally:{password}@ct-cloudtally-postgresql:5432/cloudtally"
    assert len(decoded["SECRET_KEY"]) >= 50 and decoded["METRICS_TOKEN"]
    assert len(base64.urlsafe_b64decode(decoded["FIELD_ENCRYPTION_KEY"])) == 32  # a Fernet key
    config = default_docs[("ConfigMap", "ct-cloudtally-env")]["data"]
    assert config["REDIS_URL"] == "redis://ct-cloudtally-redis:6379/0"
    assert config["TRUSTED_PROXY_COUNT"] == "1"
    assert ("StatefulSet", "ct-cloudtally-postgresql") in default_docs
    assert ("StatefulSet", "ct-cloudtally-redis") in default_docs


def test_bundled_postgresql_gets_its_memory_settings(default_docs):
    """postgresql.config becomes `postgres -c key=value` (the image's default 128 MB of shared buffers
    makes every large list and search read through the kernel)."""
    pod = default_docs[("StatefulSet", "ct-cloudtally-postgresql")]["spec"]["template"]["spec"]
    assert pod["containers"][0]["args"] == [
        "postgres", "-c", "effective_cache_size=768MB", "-c", "shared_buffers=256MB"
    ]  # fmt: skip
    changed = render({"postgresql": {"config": {"shared_buffers": "2GB", "work_mem": "16MB"}}})
    args = changed[("StatefulSet", "ct-cloudtally-postgresql")]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert "shared_buffers=2GB" in args and "work_mem=16MB" in args


def test_external_services_existing_secret_irsa_and_ingress(production_docs):
    assert ("Secret", "ct-cloudtally") not in production_docs
    assert ("StatefulSet", "ct-cloudtally-postgresql") not in production_docs
    account = production_docs[("ServiceAccount", "ct-cloudtally")]
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam::")
    for name in ("web", "worker", "beat"):
        spec = pod(production_docs, "Deployment", name)
        assert spec["serviceAccountName"] == "ct-cloudtally"
        assert {"secretRef": {"name": "cloudtally-secrets"}} in spec["containers"][0]["envFrom"]
    assert production_docs[("ConfigMap", "ct-cloudtally-env")]["data"]["TRUSTED_PROXY_COUNT"] == "2"
    ingress = production_docs[("Ingress", "ct-cloudtally")]
    assert ingress["spec"]["rules"][0]["host"] == "cloudtally.example.com"
    monitor = production_docs[("ServiceMonitor", "ct-cloudtally")]
    assert monitor["spec"]["endpoints"][0]["authorization"]["credentials"]["key"] == "METRICS_TOKEN"


def test_pod_disruption_budget_only_with_two_web_pods(default_docs):
    assert default_docs[("PodDisruptionBudget", "ct-cloudtally-web")]["spec"]["minAvailable"] == 1
    assert ("PodDisruptionBudget", "ct-cloudtally-web") not in render({"web": {"replicaCount": 1}})


def test_containers_are_locked_down(default_docs):
    for name in ("web", "worker", "beat"):
        spec = pod(default_docs, "Deployment", name)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True
            assert container["securityContext"]["allowPrivilegeEscalation"] is False
