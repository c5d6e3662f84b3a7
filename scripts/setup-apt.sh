#!/usr/bin/env bash
# Installs the Debian packages the tests need besides the servers (which
# scripts/services.sh installs): chromium, for the browser test of the
# shared-login example (examples/shared-login/browser_test.go). Idempotent:
# apt-get runs only when a command is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup-apt: ${missing[*]} missing; install as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
	echo "setup-apt: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
