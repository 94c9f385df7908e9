#!/usr/bin/env bash
# Installs everything duban needs on a fresh machine, idempotently:
#   1. a Python >= 3.12 (PYTHON=..., python3.13/3.12 on PATH that actually run, pyenv's versions, uv's);
#   2. uv (into a private venv var/tools/uv if it is not on PATH; no pip needed on the system);
#   3. the virtualenv .venv from uv.lock;
#   4. on Debian as root, the system packages (CJK fonts, chromium, poppler, gettext); elsewhere it prints the apt line.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="fonts-noto-cjk chromium poppler-utils gettext slapd ldap-utils"
say() { printf '[duban] %s\n' "$*" >&2; }

runs_ok() {  # a candidate counts only if it runs and is new enough; pyenv shims exit 127 when no version is selected
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  if [ -n "${PYTHON:-}" ]; then
    if runs_ok "$PYTHON"; then echo "$PYTHON"; return 0; fi
    say "PYTHON=$PYTHON does not run or is older than 3.12 / PYTHON 指定的解释器无法运行或版本低于 3.12"
    return 1
  fi
  local c
  for c in python3.13 python3.12; do
    if command -v "$c" >/dev/null 2>&1 && runs_ok "$(command -v "$c")"; then command -v "$c"; return 0; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root 2>/dev/null || true)
    for c in $(ls -d "$root"/versions/3.13* "$root"/versions/3.12* 2>/dev/null | sort -rV); do
      if runs_ok "$c/bin/python3"; then echo "$c/bin/python3"; return 0; fi
    done
  fi
  for c in /usr/bin/python3 /usr/local/bin/python3; do
    if [ -x "$c" ] && runs_ok "$c"; then echo "$c"; return 0; fi
  done
  return 1
}

find_uv() {
  if command -v uv >/dev/null 2>&1 && uv --version >/dev/null 2>&1; then command -v uv; return 0; fi
  if [ -x var/tools/uv/bin/uv ]; then echo "$PWD/var/tools/uv/bin/uv"; return 0; fi
  return 1
}

install_uv() {
  # A private venv under var/tools/uv, with the pip that `python3 -m venv` puts into it. Never the system
  # Python's pip: Debian and Ubuntu ship python3 without pip, and PEP 668 forbids installing into it.
  local py="$1" dest=var/tools/uv
  say "installing uv into $dest (a private venv) / 正在安装 uv"
  rm -rf "$dest"
  mkdir -p var/tools
  if ! "$py" -m venv "$dest" >&2; then
    rm -rf "$dest"
    say "Could not make a venv with $py: install python3-venv (apt-get install python3-venv) and run again."
    say "无法用 $py 创建虚拟环境：请安装 python3-venv（apt-get install python3-venv）后重试。"
    return 1
  fi
  # set -e does not reach into $(…): every failure returns by hand, and nothing half-made stays behind.
  if ! "$dest/bin/python" -m pip install --quiet --disable-pip-version-check uv >&2; then
    rm -rf "$dest"
    say "Could not install uv from PyPI (see pip's message above): check the network or the proxy and run again."
    say "无法从 PyPI 安装 uv（见上方 pip 的提示）：请检查网络或代理后重试。"
    return 1
  fi
  echo "$PWD/$dest/bin/uv"
}

if [ "${1:-}" = "--print-python" ]; then find_python; exit $?; fi
if [ "${1:-}" = "--uv" ]; then  # the uv step alone (tests run it with a Python that has no pip)
  PY=$(find_python) || exit 1
  find_uv || install_uv "$PY"
  exit $?
fi

PY=$(find_python || true)
UV=$(find_uv || true)
if [ -z "$PY" ] && [ -n "$UV" ]; then
  PY=$("$UV" python find '>=3.12' 2>/dev/null || true)
  if [ -z "$PY" ] && "$UV" python install 3.12 >&2 2>/dev/null; then PY=$("$UV" python find '>=3.12' 2>/dev/null || true); fi
fi
if [ -z "$PY" ]; then
  say "No Python >= 3.12 found. Install one (e.g. 'apt-get install python3.12' or pyenv) or set PYTHON=/path/to/python3.12."
  say "未找到 Python 3.12 及以上版本。请安装后重试，或设置 PYTHON=/path/to/python3.12。"
  exit 1
fi
if [ -z "$UV" ]; then UV=$(install_uv "$PY") || exit 1; fi

export UV_PYTHON_DOWNLOADS=never
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  rm -rf .venv
fi
"$UV" sync --frozen --quiet --python "$PY" >&2

missing=""
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ]; then
    say "installing Debian packages:$missing / 正在安装系统软件包"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
  else
    say "Missing system packages. Run as root: apt-get install -y$missing"
    say "缺少系统软件包，请以 root 运行：apt-get install -y$missing"
  fi
fi
mkdir -p var
