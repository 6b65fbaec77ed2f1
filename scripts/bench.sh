#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints its figures. Needs PostgreSQL (BENCH_DATABASE_URL,
# default postgres://postgres@127.0.0.1:5432/<bench db>). Results are also written to bench/results/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${VENV:-$ROOT/.venv}/bin/python
mkdir -p "$ROOT/bench/results"
cd "$ROOT/backend"
shopt -s nullglob
# The asset and UI benchmarks need the 1,000,000-asset database; seed_assets.py replaces the assets
# so run it only when the database is missing or short.
count=$(psql -h 127.0.0.1 -U postgres -d ct_bench_assets -tAc "SELECT count(*) FROM assets_asset" 2>/dev/null || echo 0)
if [[ "${count:-0}" -lt 1000000 ]]; then
  printf '\n\033[1m==> seed_assets (1,000,000 assets)\033[0m\n'
  "$PY" "$ROOT/bench/seed_assets.py"
fi
for script in "$ROOT"/bench/bench_*.py; do
  name=$(basename "$script" .py)
  printf '\n\033[1m==> %s\033[0m\n' "$name"
  "$PY" "$script" 2>&1 | tee "$ROOT/bench/results/$name.txt"
done
