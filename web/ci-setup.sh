#!/usr/bin/env bash
# Installs what the card tests need on a fresh Debian machine (run as root):
# Debian's Chromium for tests/cards_browser.rs and the npm packages in web/ (lockfile) for
# tests/cards_differential.rs and the browser test. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
# Colour emoji for readable screenshots (status icons); optional for the assertions.
if ! dpkg -s fonts-noto-color-emoji >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-color-emoji
fi
npm ci --no-audit --no-fund
