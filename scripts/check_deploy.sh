#!/usr/bin/env bash
# `manage.py check --deploy` under production settings must be clean (warnings fail too).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DUBAN_ENV=production \
DUBAN_SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(60))')" \
DUBAN_ALLOWED_HOSTS=duban.example.gov.cn \
DUBAN_VAR_DIR="$tmp" \
  .venv/bin/duban check --deploy --fail-level WARNING
