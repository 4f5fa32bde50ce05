#!/usr/bin/env bash
# Installs the Debian packages clustersim needs to build, test and draw charts,
# if any is missing. Runs apt-get update first when it has to install.
#   scripts/deps.sh [extra-package ...]
set -eu
pkgs=(cmake make gcc pkg-config libyaml-dev libsqlite3-dev libgsl-dev libcmocka-dev
      gnuplot-nox sqlite3 parallel "$@")
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
