#!/usr/bin/env bash
# Runs Cloudtally on the embedded defaults: SQLite, a filesystem Celery broker, Django serving the SPA,
# with web (Gunicorn) + Celery worker + Celery beat as child processes. Ctrl-C stops everything.
#
#   scripts/run.sh          real AWS: the process's credential chain (env, profile, instance role)
#   scripts/run.sh --demo   a local moto server with a sample multi-account estate, discovered once
#
# Environment: PORT (8000), MOTO_PORT (5000), CLOUDTALLY_HOME (.demo), and any setting from README.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
DEMO=0
[[ "${1:-}" == "--demo" ]] && DEMO=1
PORT=${PORT:-8000}
MOTO_PORT=${MOTO_PORT:-5000}
HOME_DIR=${CLOUDTALLY_HOME:-$ROOT/.demo}
mkdir -p "$HOME_DIR/logs"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# A persistent secret key and encryption key for this installation, generated once.
ENV_FILE=$HOME_DIR/cloudtally.env
if [[ ! -f $ENV_FILE ]]; then
  step "Generating $ENV_FILE (secret key, field-encryption key)"
  "$PY" - "$ENV_FILE" <<'EOF'
import secrets, sys
from cryptography.fernet import Fernet
with open(sys.argv[1], "w") as fh:
    fh.write(f"SECRET_KEY={secrets.token_urlsafe(50)}\n")
    fh.write(f"FIELD_ENCRYPTION_KEY={Fernet.generate_key().decode()}\n")
EOF
  chmod 600 "$ENV_FILE"
fi
export CLOUDTALLY_ENV_FILE=$ENV_FILE
export CLOUDTALLY_DATA_DIR=${CLOUDTALLY_DATA_DIR:-$HOME_DIR/data}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://localhost:$PORT}
# Plain HTTP on localhost: cookies cannot be "Secure" and HSTS makes no sense here.
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-false} CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-false}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
export LOG_FORMAT=${LOG_FORMAT:-text}

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  if ((${#PIDS[@]})); then
    printf '\nStopping Cloudtally...\n'
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
}
trap cleanup INT TERM EXIT

wait_for_http() { # url, seconds
  for _ in $(seq 1 "$2"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 1
  done
  echo "Timed out waiting for $1" >&2
  return 1
}

if ((DEMO)); then
  step "Starting the AWS simulation (moto server on 127.0.0.1:$MOTO_PORT)"
  # Fake keys act in moto's default account 123456789012, the demo's management account.
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
  export AWS_ENDPOINT_URL=http://127.0.0.1:$MOTO_PORT
  unset MOTO_ACCOUNT_ID AWS_PROFILE AWS_SESSION_TOKEN
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$HOME_DIR/logs/moto.log" 2>&1 &
  PIDS+=($!)
  wait_for_http "$AWS_ENDPOINT_URL/moto-api/" 30
fi

cd "$ROOT/backend"
step "Applying database migrations ($CLOUDTALLY_DATA_DIR)"
"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput -v 0

ADMIN_PASSWORD=${CLOUDTALLY_ADMIN_PASSWORD:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(12))')}
step "Admin account 'admin'"
CLOUDTALLY_ADMIN_PASSWORD=$ADMIN_PASSWORD "$PY" manage.py create_admin \
  --username admin --email admin@example.com --reset-password >/dev/null

if ((DEMO)); then
  step "Seeding the sample AWS estate (management + member accounts, 2 regions)"
  "$PY" manage.py seed_demo --endpoint-url "$AWS_ENDPOINT_URL"
fi

step "Starting web (Gunicorn :$PORT), Celery worker and Celery beat (logs in $HOME_DIR/logs)"
GUNICORN_BIND=127.0.0.1:$PORT "$VENV/bin/gunicorn" -c gunicorn.conf.py config.wsgi \
  >"$HOME_DIR/logs/web.log" 2>&1 &
PIDS+=($!)
"$VENV/bin/celery" -A config worker --loglevel INFO --concurrency 2 >"$HOME_DIR/logs/worker.log" 2>&1 &
PIDS+=($!)
"$VENV/bin/celery" -A config beat --loglevel INFO \
  --schedule "$CLOUDTALLY_DATA_DIR/celerybeat-schedule" >"$HOME_DIR/logs/beat.log" 2>&1 &
PIDS+=($!)
wait_for_http "http://127.0.0.1:$PORT/readyz" 60

if ((DEMO)); then
  step "Running the first discovery through the Celery worker"
  "$PY" manage.py discover --wait
fi

cat <<EOF

  Cloudtally is running:  http://localhost:$PORT/
  Sign in as:             admin
  Password:               $ADMIN_PASSWORD   (shown once; 'make demo' again sets a new one)
  API docs:               http://localhost:$PORT/api/docs/
  Django admin:           http://localhost:$PORT/admin/

  Press Ctrl-C to stop.
EOF
wait -n "${PIDS[@]}"
echo "A Cloudtally process exited; see $HOME_DIR/logs/." >&2
exit 1
