#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints its figures. Needs PostgreSQL (BENCH_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/<bench db>). Results are also written to bench/results/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${VENV:-$ROOT/.venv}/bin/python
mkdir -p "$ROOT/bench/results"
cd "$ROOT/backend"
shopt -s nullglob
for script in "$ROOT"/bench/bench_*.py; do
  name=$(basename "$script" .py)
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  "$PY" "$script" 2>&1 | tee "$ROOT/bench/results/$name.txt"
done
