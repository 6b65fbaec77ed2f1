# Cloudtally — the commands a newcomer needs. `make help` lists them.
# Every target installs what it needs (idempotently); nothing has to be set up by hand first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT    := $(CURDIR)
VENV    ?= $(ROOT)/.venv
PY      := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
BACKEND := $(ROOT)/backend
FRONTEND:= $(ROOT)/frontend
OIDC_OP := $(BACKEND)/authentication/tests/oidc_provider
STAMPS  := $(ROOT)/.demo/stamps
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export npm_config_fund := false
export npm_config_audit := false
export npm_config_update_notifier := false

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}'

# --- Installs (stamped: re-run only when the dependency files change) -------------------------------
$(STAMPS):
	@mkdir -p $@

$(STAMPS)/venv: backend/requirements.txt backend/requirements-dev.txt | $(STAMPS)
	@echo "==> Python virtual environment ($(VENV))"
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PIP) install --progress-bar on -q --upgrade pip
	@$(PIP) install --progress-bar on -r backend/requirements-dev.txt
	@touch $@

$(STAMPS)/npm: frontend/package.json frontend/package-lock.json | $(STAMPS)
	@echo "==> Frontend npm packages"
	@cd $(FRONTEND) && npm ci --no-audit --no-fund
	@touch $@

$(STAMPS)/oidc-op: $(wildcard $(OIDC_OP)/package-lock.json) | $(STAMPS)
	@if [ -f $(OIDC_OP)/package.json ]; then echo "==> OpenID provider for SSO tests"; npm ci --prefix $(OIDC_OP) --no-audit --no-fund; fi
	@touch $@

.PHONY: system-packages
system-packages: ## Debian packages for browser and proxy tests (chromium, nginx, envsubst)
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v envsubst >/dev/null || missing="$$missing gettext-base"; \
	if [ -n "$$missing" ]; then \
	  echo "==> apt-get install$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

.PHONY: install
install: $(STAMPS)/venv $(STAMPS)/npm ## Install Python and npm dependencies

.PHONY: build
build: $(STAMPS)/npm ## Build the web UI (frontend/dist)
	@echo "==> Building the web UI"
	@cd $(FRONTEND) && npm run build

# --- Run ----------------------------------------------------------------------------------------
.PHONY: demo
demo: install build ## Run Cloudtally with a simulated multi-account AWS estate (moto)
	@scripts/run.sh --demo

.PHONY: run
run: install build ## Run Cloudtally on the embedded defaults against real AWS credentials
	@scripts/run.sh

# --- Quality --------------------------------------------------------------------------------------
.PHONY: lint
lint: $(STAMPS)/venv $(STAMPS)/npm ## ruff + ESLint + TypeScript
	@echo "==> ruff"
	@$(VENV)/bin/ruff check backend bench
	@echo "==> eslint + tsc"
	@cd $(FRONTEND) && npm run lint && npm run typecheck

# The schema is generated on SQLite whatever DATABASE_URL says: integer bounds in it depend on the backend.
.PHONY: schema
schema: $(STAMPS)/venv $(STAMPS)/npm ## Regenerate the OpenAPI schema and the frontend types from it
	@cd $(BACKEND) && env -u DATABASE_URL $(PY) manage.py spectacular --settings config.test_settings --file $(FRONTEND)/openapi.yml --validate
	@cd $(FRONTEND) && npm run gen:types

.PHONY: schema-check
schema-check: $(STAMPS)/venv $(STAMPS)/npm ## Fail when openapi.yml or the generated types are stale
	@echo "==> OpenAPI schema and generated types are up to date"
	@cd $(BACKEND) && env -u DATABASE_URL $(PY) manage.py spectacular --settings config.test_settings --file /tmp/cloudtally-openapi.yml --validate
	@diff -u $(FRONTEND)/openapi.yml /tmp/cloudtally-openapi.yml || { echo "openapi.yml is stale: run 'make schema'"; exit 1; }
	@cd $(FRONTEND) && npm run check:types

.PHONY: test
test: lint audit schema-check test-backend test-frontend test-e2e ## Every test suite (installs what it needs)
	@echo "==> All test suites passed"

.PHONY: test-backend
test-backend: $(STAMPS)/venv $(STAMPS)/oidc-op system-packages ## Backend pytest (DATABASE_URL selects the database)
	@echo "==> Backend tests on $${DATABASE_URL:-SQLite}"
	@cd $(BACKEND) && $(PY) -m pytest $(PYTEST_ARGS)

.PHONY: test-frontend
test-frontend: $(STAMPS)/npm ## Frontend unit tests (Vitest)
	@echo "==> Frontend unit tests"
	@cd $(FRONTEND) && npm test

.PHONY: test-e2e
test-e2e: $(STAMPS)/venv $(STAMPS)/npm system-packages build ## Playwright in Chromium against a real Django server
	@echo "==> Browser end-to-end tests"
	@cd $(FRONTEND) && VENV=$(VENV) npm run e2e

.PHONY: test-e2e-nginx
test-e2e-nginx: $(STAMPS)/venv $(STAMPS)/npm system-packages build ## Playwright again, through nginx/nginx.conf
	@echo "==> Browser end-to-end tests through Nginx"
	@VENV=$(VENV) bash nginx/e2e-through-nginx.sh

.PHONY: helm-sync
helm-sync: ## Copy nginx/nginx.conf into the Helm chart (a test checks they are equal)
	cp nginx/nginx.conf deploy/helm/cloudtally/files/nginx.conf

.PHONY: audit
audit: $(STAMPS)/venv $(STAMPS)/npm ## Known-vulnerability audit of Python and npm dependencies (AUDIT_REQUIRED=1: no skipping)
	@VENV=$(VENV) scripts/audit.sh

.PHONY: bench
bench: $(STAMPS)/venv ## Benchmarks: print measured figures (needs PostgreSQL, see bench/README.md)
	@scripts/bench.sh

.PHONY: clean
clean: ## Remove local state (demo data, builds); keeps the virtualenv and node_modules
	rm -rf .demo backend/var frontend/dist
