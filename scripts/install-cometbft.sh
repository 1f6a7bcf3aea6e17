#!/usr/bin/env sh
# Install the CometBFT version Sen is pinned to into <repo>/.bin/cometbft.
#
#   scripts/install-cometbft.sh        (or: make cometbft)
#
# Needs Go >= 1.22. Does nothing if .bin/cometbft already is the pinned version.
# Without Go: download the official release binary from
#   https://github.com/cometbft/cometbft/releases/tag/v0.38.26
# and point Sen at it with SEN_COMETBFT=/path/to/cometbft (or put it on PATH).
set -eu

COMETBFT_VERSION=v0.38.26
REPO_DIR=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
BIN_DIR="$REPO_DIR/.bin"
TARGET="$BIN_DIR/cometbft"
WANT=${COMETBFT_VERSION#v}

if [ -x "$TARGET" ] && [ "$("$TARGET" version 2>/dev/null || true)" = "$WANT" ]; then
    echo "cometbft $WANT already installed at $TARGET"
    exit 0
fi

if [ -n "${SEN_COMETBFT:-}" ]; then
    case "$("$SEN_COMETBFT" version 2>/dev/null || true)" in
        0.38.*)
            echo "using SEN_COMETBFT=$SEN_COMETBFT ($("$SEN_COMETBFT" version)); nothing to install"
            exit 0
            ;;
    esac
fi

if ! command -v go >/dev/null 2>&1; then
    cat >&2 <<MSG
error: Go is not installed, and it is needed to build CometBFT $COMETBFT_VERSION.
Either
  - install Go >= 1.22 (Debian/Ubuntu: apt-get install golang-go, if the distribution's
    version is recent enough; otherwise https://go.dev/dl/), then re-run: make cometbft
or
  - download the official CometBFT $COMETBFT_VERSION release binary for your platform from
    https://github.com/cometbft/cometbft/releases/tag/$COMETBFT_VERSION
    and point Sen at it: export SEN_COMETBFT=/path/to/cometbft
    (or copy it to $TARGET, or put it on PATH).
MSG
    exit 1
fi

echo "building cometbft $COMETBFT_VERSION into $BIN_DIR (go $(go env GOVERSION))"
mkdir -p "$BIN_DIR"
GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false \
    go install "github.com/cometbft/cometbft/cmd/cometbft@$COMETBFT_VERSION"

GOT=$("$TARGET" version)
if [ "$GOT" != "$WANT" ]; then
    echo "error: $TARGET reports version $GOT, expected $WANT" >&2
    exit 1
fi
echo "installed cometbft $GOT at $TARGET"
