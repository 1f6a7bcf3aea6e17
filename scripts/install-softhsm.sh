#!/usr/bin/env bash
# SoftHSM2 (Debian's softhsm2), the software PKCS#11 token the HSM tests sign with:
#
#   scripts/install-softhsm.sh        (or: make softhsm)
#
# Skips apt-get when softhsm2-util is already installed. Prints the PKCS#11 module's
# path on standard output (the tests find it the same way; SEN_PKCS11_MODULE overrides).
# Tests make their own token in a temporary directory (SOFTHSM2_CONF); nothing here
# creates a token or touches /var/lib/softhsm.
set -euo pipefail

if ! command -v softhsm2-util >/dev/null 2>&1; then
    echo "install-softhsm: installing softhsm2 (apt-get)" >&2
    if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
        softhsm2 >/dev/null
fi
if ! command -v softhsm2-util >/dev/null 2>&1; then
    echo "install-softhsm: softhsm2-util is still not installed" >&2
    exit 1
fi

module=""
for candidate in \
    "${SEN_PKCS11_MODULE:-}" \
    /usr/lib/softhsm/libsofthsm2.so \
    /usr/lib/*-linux-gnu/softhsm/libsofthsm2.so \
    /usr/local/lib/softhsm/libsofthsm2.so; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then
        module=$candidate
        break
    fi
done
if [ -z "$module" ] && command -v dpkg >/dev/null 2>&1; then
    module=$(dpkg -L libsofthsm2 2>/dev/null | grep '/libsofthsm2\.so$' | head -1 || true)
fi
if [ -z "$module" ]; then
    echo "install-softhsm: libsofthsm2.so not found (set SEN_PKCS11_MODULE)" >&2
    exit 1
fi
echo "install-softhsm: $(softhsm2-util --version 2>/dev/null || echo softhsm2), module $module" >&2
echo "$module"
