#!/usr/bin/env bash
# What the console's browser tests need, installed from package registries only:
#   - Chromium from Debian (apt-get; skipped when a chromium is already installed);
#   - axe-core, pinned, from npm into $VENV/browser (removed with the venv);
#   - Playwright for Python comes with the dev extra (pyproject.toml), pinned there.
# Playwright drives the system Chromium (executable_path); its own browser download
# is never used, so `playwright install` is never run.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
AXE_CORE_VERSION=4.14.1
AXE_DIR="$VENV/browser"

chromium_path() {
    command -v chromium || command -v chromium-browser || true
}

packages=()
[ -n "$(chromium_path)" ] || packages+=(chromium)
# Vietnamese text needs a font with its diacritics; headless Chromium brings none of its own.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || packages+=(fonts-dejavu-core)
if [ ${#packages[@]} -gt 0 ]; then
    echo "install-browser: installing ${packages[*]} (apt-get)" >&2
    if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
        "${packages[@]}" >/dev/null
fi
if [ -z "$(chromium_path)" ]; then
    echo "install-browser: chromium is still not installed" >&2
    exit 1
fi

installed=""
if [ -f "$AXE_DIR/node_modules/axe-core/package.json" ]; then
    installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$AXE_DIR/node_modules/axe-core/package.json" | head -1)
fi
if [ "$installed" != "$AXE_CORE_VERSION" ]; then
    echo "install-browser: installing axe-core $AXE_CORE_VERSION (npm) into $AXE_DIR" >&2
    mkdir -p "$AXE_DIR"
    npm install --silent --prefix "$AXE_DIR" --no-audit --no-fund --no-save \
        "axe-core@$AXE_CORE_VERSION" >&2
fi
test -f "$AXE_DIR/node_modules/axe-core/axe.min.js"

"$VENV/bin/python" -c 'import playwright.sync_api' 2>/dev/null || {
    echo "install-browser: Playwright is missing from $VENV; run: make install" >&2
    exit 1
}
echo "install-browser: $("$(chromium_path)" --version 2>/dev/null || echo chromium), axe-core $AXE_CORE_VERSION" >&2
