#!/usr/bin/env bash
# Installs the Debian packages the browser and storage tests need, or fails naming the command.
# Usage: tools/system-deps.sh            (everything the test suite needs)
set -euo pipefail
need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in chromium fonts-noto-cjk cog wpewebkit-driver libwpewebkit-1.1-0 libwpebackend-fdo-1.0-1 libegl-mesa0 python3-pyqt5.qtwebkit xvfb xauth redis-server postgresql; do
  have "$p" || need+=("$p")
done
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${need[*]}"
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing Debian packages: ${need[*]}" >&2
  echo "system-deps: run as root: $cmd" >&2
  exit 1
fi
echo "system-deps: installing ${need[*]}" >&2
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }; then
  echo "system-deps: install failed; run: $cmd" >&2
  exit 1
fi
