#!/usr/bin/env bash
# The Playwright suite through the production Nginx config: the e2e backend (frontend/e2e/start-backend.sh,
# Gunicorn on a private port) behind nginx/run-local.sh serving frontend/dist, and the browser talks
# only to Nginx (E2E_BASE_URL). Extra arguments go to `playwright test`.
#
#   nginx/e2e-through-nginx.sh [playwright args...]
#
# Needs: nginx (apt-get install -y nginx), the venv and npm packages (make install), a built SPA.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FRONTEND=$ROOT/frontend
VENV=${VENV:-$ROOT/.venv}
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
BACKEND_PORT=$(free_port)
NGINX_PORT=$(free_port)
WORK=$(mktemp -d /tmp/cloudtally-e2e-nginx.XXXXXX)
log() { printf '[e2e-nginx] %s\n' "$*" >&2; }

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup INT TERM EXIT

wait_for_http() { # url seconds
  for _ in $(seq 1 "$2"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 1
  done
  log "timed out waiting for $1 (logs in $WORK)"
  return 1
}

if [[ ! -f $FRONTEND/dist/index.html ]]; then
  log "building the SPA"
  (cd "$FRONTEND" && npm run build >"$WORK/build.log" 2>&1)
fi

log "e2e backend on 127.0.0.1:$BACKEND_PORT"
E2E_PORT=$BACKEND_PORT E2E_WORKDIR=$WORK/backend VENV=$VENV \
  ALLOWED_HOSTS=localhost,127.0.0.1 \
  CSRF_TRUSTED_ORIGINS=http://127.0.0.1:$NGINX_PORT,http://localhost:$NGINX_PORT \
  bash "$FRONTEND/e2e/start-backend.sh" >"$WORK/backend.log" 2>&1 &
PIDS+=($!)
wait_for_http "http://127.0.0.1:$BACKEND_PORT/healthz" 240

log "nginx on 127.0.0.1:$NGINX_PORT"
bash "$ROOT/nginx/run-local.sh" "$NGINX_PORT" "127.0.0.1:$BACKEND_PORT" "$FRONTEND/dist" >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
wait_for_http "http://127.0.0.1:$NGINX_PORT/healthz" 30

log "playwright against http://127.0.0.1:$NGINX_PORT (logs in $WORK)"
cd "$FRONTEND"
# A private output dir: frontend/test-results may be in use by another Playwright run.
E2E_BASE_URL=http://127.0.0.1:$NGINX_PORT npx playwright test --output "${E2E_OUTPUT_DIR:-$WORK/test-results}" "$@"
