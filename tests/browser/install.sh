#!/usr/bin/env bash
# Installs the headless browsers that tests/browser/run.py drives: Debian's
# chromium and firefox-esr. Idempotent: installed packages are left alone.
# Failing to install is not fatal (run.py then prints `SKIP: ...` for the
# browser that is missing); this script says what it could not install.
#
#   bash tests/browser/install.sh              # both browsers
#   bash tests/browser/install.sh chromium     # only the ones named
set -uo pipefail

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(chromium firefox-esr)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "tests/browser/install.sh: cannot install ${missing[*]}: not root and no sudo" >&2
    exit 0
  fi
  sudo_cmd="sudo"
fi
echo "tests/browser/install.sh: installing ${missing[*]}"
$sudo_cmd apt-get update -qq || echo "tests/browser/install.sh: apt-get update failed" >&2
for p in "${missing[@]}"; do
  # One at a time, so that one browser that cannot be had does not keep
  # the other from being installed.
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" >/dev/null \
    || echo "tests/browser/install.sh: could not install $p" >&2
done
exit 0
