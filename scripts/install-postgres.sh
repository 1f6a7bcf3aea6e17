#!/usr/bin/env bash
# PostgreSQL (Debian's postgresql), the server the vault's PostgreSQL store is tested on:
#
#   scripts/install-postgres.sh        (or: make postgres)
#
# Skips apt-get when initdb is already installed. Prints the folder of PostgreSQL's
# programs (initdb, pg_ctl) on standard output; the tests find it the same way
# (SEN_PG_BINDIR overrides). Tests make their own cluster in a temporary folder, listening
# on 127.0.0.1 only, and stop it; nothing here starts a server or touches /var/lib/postgresql.
set -euo pipefail

find_bindir() {
    for candidate in "${SEN_PG_BINDIR:-}" /usr/lib/postgresql/*/bin; do
        if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if ! find_bindir >/dev/null; then
    echo "install-postgres: installing postgresql (apt-get)" >&2
    if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
    "${as_root[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
        postgresql >/dev/null
fi
if ! bindir=$(find_bindir); then
    echo "install-postgres: initdb and pg_ctl not found (set SEN_PG_BINDIR)" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "install-postgres: running as root needs the 'postgres' user (Debian's package makes it)" >&2
    exit 1
fi
echo "install-postgres: $("$bindir/pg_ctl" --version), in $bindir" >&2
echo "$bindir"
