#!/usr/bin/env bash
# Run the production nginx/nginx.conf locally (tests, Playwright through Nginx, trying a build):
#
#   nginx/run-local.sh PORT UPSTREAM SPA_ROOT        e.g. nginx/run-local.sh 8080 127.0.0.1:8000 frontend/dist
#
# Renders the template into a private directory (NGINX_RUN_DIR, default: a new temp dir) with a
# minimal main config around it, then runs Nginx in the foreground until SIGTERM/SIGINT, when it
# stops Nginx and removes a temp dir it made. Needs Debian's `nginx` package (apt-get install -y
# nginx) and envsubst (gettext-base). Logs go to stdout (access, JSON) and stderr (errors).
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 PORT UPSTREAM(host:port) SPA_ROOT" >&2
    exit 2
fi
port=$1
upstream=$2
spa_root=$(cd "$3" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
nginx_bin=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
mime_types=${NGINX_MIME_TYPES:-/etc/nginx/mime.types}

if [[ ! -x $nginx_bin ]]; then
    echo "nginx not found: apt-get install -y nginx" >&2
    exit 3
fi
if [[ ! -f $spa_root/index.html ]]; then
    echo "warning: $spa_root/index.html does not exist (build the SPA: cd frontend && npm run build)" >&2
fi

made_dir=""
run_dir=${NGINX_RUN_DIR:-}
if [[ -z $run_dir ]]; then
    run_dir=$(mktemp -d -t cloudtally-nginx.XXXXXX)
    made_dir=$run_dir
fi
mkdir -p "$run_dir/tmp"

NGINX_PORT=$port BACKEND_UPSTREAM=$upstream SPA_ROOT=$spa_root \
    envsubst '${NGINX_PORT} ${BACKEND_UPSTREAM} ${SPA_ROOT}' <"$here/nginx.conf" >"$run_dir/site.conf"

# Started as root (CI, containers), workers would run as `nobody` and could not read private temp
# dirs; locally they run as the caller anyway.
user_line=""
if [[ $(id -u) -eq 0 ]]; then
    user_line="user root;"
fi

cat >"$run_dir/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $run_dir/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
    include $mime_types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path $run_dir/tmp/body;
    proxy_temp_path $run_dir/tmp/proxy;
    fastcgi_temp_path $run_dir/tmp/fastcgi;
    uwsgi_temp_path $run_dir/tmp/uwsgi;
    scgi_temp_path $run_dir/tmp/scgi;
    include $run_dir/site.conf;
}
EOF

"$nginx_bin" -t -q -p "$run_dir" -c "$run_dir/nginx.conf" -e stderr

nginx_pid=""
stop() {
    if [[ -n $nginx_pid ]]; then
        kill -TERM "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    if [[ -n $made_dir ]]; then
        rm -rf "$made_dir"
    fi
}
trap stop EXIT
trap 'exit 0' TERM INT

echo "nginx: http://127.0.0.1:$port -> $upstream, SPA from $spa_root (config in $run_dir)" >&2
"$nginx_bin" -p "$run_dir" -c "$run_dir/nginx.conf" -e stderr -g 'daemon off;' &
nginx_pid=$!
wait "$nginx_pid"
