#!/usr/bin/env bash
# Builds the Python virtual environments the cross-language tests run, one per
# scripts/requirements-<name>.txt, under .venv/<name>. Every package is pinned
# and installed without dependency resolution, then checked with `pip check`,
# so a venv holds exactly what its file lists. Idempotent: a venv is rebuilt
# only when its requirements file changed.
#
#   scripts/setup-python.sh              every venv
#   scripts/setup-python.sh flask31 ...  the named ones
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

pick_python() {
	if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
	for p in python3.11 "$HOME/.pyenv/versions/3.11.7/bin/python3" python3; do
		if command -v "$p" >/dev/null 2>&1; then echo "$p"; return; fi
	done
	echo "setup-python: no python3 found" >&2
	exit 1
}
PY=$(pick_python)

if [ $# -eq 0 ]; then
	set -- $(ls scripts/requirements-*.txt | sed 's|scripts/requirements-||; s|\.txt$||')
fi

for name in "$@"; do
	req=scripts/requirements-$name.txt
	venv=.venv/$name
	[ -f "$req" ] || { echo "setup-python: no $req" >&2; exit 2; }
	want=$(cat "$req" scripts/setup-python.sh | sha256sum | cut -d' ' -f1)
	if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$want" ]; then
		continue
	fi
	echo "setup-python: building $venv from $req"
	rm -rf "$venv"
	"$PY" -m venv "$venv"
	"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps -r "$req"
	"$venv/bin/python" -m pip check >/dev/null
	echo "$want" >"$venv/.stamp"
done
