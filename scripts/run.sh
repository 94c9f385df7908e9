#!/usr/bin/env bash
# Start the background worker and the web server together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${DUBAN_HOST:-127.0.0.1}
PORT=${DUBAN_PORT:-8000}
.venv/bin/duban db_worker --queue-name default >>var/worker.log 2>&1 &
WORKER=$!
# the tick: scheduled rounds and reminders (催办), every five minutes (the README's one way; see Deploying)
.venv/bin/duban tick --loop 300 >>var/tick.log 2>&1 &
TICK=$!
trap 'kill $WORKER $TICK 2>/dev/null || true' EXIT INT TERM
echo "[duban] worker started (pid $WORKER, log var/worker.log) / 后台任务进程已启动"
echo "[duban] tick started (pid $TICK, every 5 minutes, log var/tick.log) / 催办定时检查已启动"
echo "[duban] open http://$HOST:$PORT/ / 请在浏览器打开 http://$HOST:$PORT/"
.venv/bin/duban runserver "$HOST:$PORT" --noreload
