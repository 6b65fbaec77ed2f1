#!/usr/bin/env bash
# Starts a real Cloudtally backend for the Playwright suite, on a fresh database, seeded through the
# product's own commands, serving the built SPA (frontend/dist) like the embedded mode does.
#
# Environment: VENV (../../.venv), E2E_PORT (8765), E2E_MOTO_PORT (a free port), E2E_DATABASE_URL (default: a
# new SQLite file in a temp dir), E2E_ADMIN/EDITOR/VIEWER_PASSWORD (see env.ts), E2E_WORKDIR.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
FRONTEND=$(cd "$HERE/.." && pwd)
ROOT=$(cd "$FRONTEND/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
PORT=${E2E_PORT:-8765}
WORK=${E2E_WORKDIR:-$(mktemp -d /tmp/cloudtally-e2e.XXXXXX)}
mkdir -p "$WORK/logs"

log() { printf '[e2e-backend] %s\n' "$*" >&2; }

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  if ((${#PIDS[@]})); then kill "${PIDS[@]}" 2>/dev/null || true; fi
}
trap cleanup INT TERM EXIT

wait_for_http() { # url seconds
  for _ in $(seq 1 "$2"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 1
  done
  log "timed out waiting for $1"
  return 1
}

if [[ ! -f $FRONTEND/dist/index.html ]]; then
  log "building the SPA (frontend/dist)"
  (cd "$FRONTEND" && npm run build >"$WORK/logs/build.log" 2>&1)
fi

export DATABASE_URL=${E2E_DATABASE_URL:-sqlite:///$WORK/db.sqlite3}
export CLOUDTALLY_DATA_DIR=$WORK/data
export CLOUDTALLY_ENV_FILE=$WORK/none.env
export SECRET_KEY=${SECRET_KEY:-e2e-only-secret-key-$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz}
export FIELD_ENCRYPTION_KEY=${FIELD_ENCRYPTION_KEY:-$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')}
export DEBUG=false
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export CSRF_TRUSTED_ORIGINS=${CSRF_TRUSTED_ORIGINS:-http://127.0.0.1:$PORT,http://localhost:$PORT}
export PUBLIC_BASE_URL=http://127.0.0.1:$PORT
export LOG_FORMAT=text LOG_LEVEL=WARNING
export FRONTEND_DIST=$FRONTEND/dist
# Filesystem broker inside the work dir, so the worker below and the web process share it.
unset REDIS_URL CELERY_BROKER_URL
mkdir -p "$CLOUDTALLY_DATA_DIR"

# The AWS simulation: moto in server mode, which the discovery engine reaches via AWS_ENDPOINT_URL.
# A free port of its own (other test suites on this machine may run a moto server too).
MOTO_PORT=${E2E_MOTO_PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
unset AWS_PROFILE AWS_SESSION_TOKEN MOTO_ACCOUNT_ID
if [[ -x $VENV/bin/moto_server ]]; then
  log "moto server on :$MOTO_PORT"
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/logs/moto.log" 2>&1 &
  PIDS+=($!)
  wait_for_http "$AWS_ENDPOINT_URL/moto-api/" 30
fi

cd "$ROOT/backend"
has_command() { "$PY" manage.py help --commands 2>/dev/null | grep -qx "$1"; }

log "migrate ($DATABASE_URL)"
"$PY" manage.py migrate --noinput >"$WORK/logs/migrate.log"
"$PY" manage.py create_admin --username admin --email admin@example.com \
  --password "${E2E_ADMIN_PASSWORD:-Admin-e2e-Passw0rd!}" --reset-password >/dev/null

if has_command seed_demo; then
  log "seed_demo"
  "$PY" manage.py seed_demo --endpoint-url "$AWS_ENDPOINT_URL" >"$WORK/logs/seed.log" 2>&1
fi
if has_command discover; then
  log "discover --sync"
  "$PY" manage.py discover --sync >"$WORK/logs/discover.log" 2>&1
fi
log "e2e users and fixed test data"
"$PY" manage.py shell -c "exec(open('$HERE/seed_e2e.py').read())" >"$WORK/logs/seed_e2e.log"

log "celery worker"
"$VENV/bin/celery" -A config worker --loglevel WARNING --concurrency 1 --pool solo >"$WORK/logs/worker.log" 2>&1 &
PIDS+=($!)

log "web on 127.0.0.1:$PORT (logs in $WORK/logs)"
"$VENV/bin/gunicorn" config.wsgi --bind "127.0.0.1:$PORT" --workers 2 --threads 4 --access-logfile - \
  >"$WORK/logs/web.log" 2>&1 &
PIDS+=($!)
wait_for_http "http://127.0.0.1:$PORT/healthz" 60
log "ready"
wait -n "${PIDS[@]}"
