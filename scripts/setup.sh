#!/usr/bin/env bash
# Install what pgtool and its tests need on a fresh Debian machine, then the
# Python venv. Only missing Debian packages are installed, so a second run is
# quick. Needs root (or sudo) for apt-get; prints what it does.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real parts: kernel source, cross compiler, QEMU, kernel build tools,
# and the peer tools the tests compare against. `setup.sh --bench` adds what
# only the benchmarks use (spatch, a large OCaml install CI does not need).
DEB_PACKAGES=(
  linux-source-6.1 gcc-i686-linux-gnu qemu-system-x86
  flex bison bc libelf-dev libssl-dev cpio xz-utils make gcc git patch
  quilt universal-ctags sparse
)
if [ "${1:-}" = "--bench" ]; then
  DEB_PACKAGES+=(coccinelle)
fi

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
# The editable install puts the checkout itself on sys.path (setuptools' "compat"
# mode): its default mode installs an import hook that costs every pgtool
# command ~15 ms of start-up. Should a setuptools drop that mode, the default is used.
INSTALL_KIND=path-v1
if ! .venv/bin/python -c 'import pgtool, unidiff, pycparser, git, click, pytest, hypothesis, jsonschema' 2>/dev/null \
   || [ pyproject.toml -nt .venv/.pgtool-installed ] \
   || [ "$(cat .venv/.pgtool-installed 2>/dev/null)" != "$INSTALL_KIND" ]; then
  echo "setup: installing pgtool and its Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]' --config-settings editable_mode=compat 2>/dev/null \
    || .venv/bin/python -m pip install -q -e '.[test]'
  echo "$INSTALL_KIND" > .venv/.pgtool-installed
fi
# Byte-compile the package: an editable install ships no .pyc, and with
# PYTHONDONTWRITEBYTECODE set (CI images do) every command would recompile
# each module it imports (~0.1 s per run, a pre-commit hook's whole budget).
.venv/bin/python -m compileall -q pgtool >/dev/null
echo "setup: done"
