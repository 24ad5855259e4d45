#!/usr/bin/env bash
# The whole test suite: lint and types (ruff, mypy: settings in pyproject.toml), system packages, a
# throwaway PostgreSQL server, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
echo "ruff:"; "$PY" -m ruff check assessment tests bench scripts app.py
echo "mypy:"; "$PY" -m mypy
bash scripts/system-deps.sh
pgdir=$(mktemp -d /tmp/assessment-pg.XXXXXX)/data
cleanup() { bash scripts/pg-throwaway.sh stop "$pgdir"; }
trap cleanup EXIT
export TEST_POSTGRES_URL=$(bash scripts/pg-throwaway.sh start "$pgdir")
echo "PostgreSQL for the tests: $TEST_POSTGRES_URL"
"$PY" -m pytest "$@"
