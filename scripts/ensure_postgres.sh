#!/usr/bin/env bash
# Make sure the local PostgreSQL on 127.0.0.1:5432 is up (the machine's own cluster); start it if not.
set -euo pipefail
if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "[duban] starting PostgreSQL / 正在启动 PostgreSQL" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && exit 0; sleep 1; done
fi
echo "[duban] PostgreSQL is not reachable on 127.0.0.1:5432 / 无法连接 PostgreSQL" >&2
exit 1
