#!/usr/bin/env bash
# Run the official W3C verifiable-credential test suites against a throw-away Sen node.
#
# See --help. Helper files live in scripts/w3c/; no suite code is copied into
# this repository: the suites are checked out elsewhere (W3C_SUITES_DIR).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
HELPERS="$HERE/w3c"

ALL_SUITES=(
  vc-data-model-2.0-test-suite
  vc-di-eddsa-test-suite
  vc-di-ecdsa-test-suite
  vc-bitstring-status-list-test-suite
)
# GitHub-only npm dependencies of the suites, packed locally (npm pack) and
# substituted in the suites' package.json (their copy, never this repository).
PACKED_DEPS=(vc-test-suite-implementations data-integrity-test-suite-assertion)
declare -A GITHUB_NAME=(
  [vc-data-model-2.0-test-suite]=w3c/vc-data-model-2.0-test-suite
  [vc-di-eddsa-test-suite]=w3c/vc-di-eddsa-test-suite
  [vc-di-ecdsa-test-suite]=w3c/vc-di-ecdsa-test-suite
  [vc-bitstring-status-list-test-suite]=w3c/vc-bitstring-status-list-test-suite
  [vc-test-suite-implementations]=w3c/vc-test-suite-implementations
  [data-integrity-test-suite-assertion]=w3c-ccg/data-integrity-test-suite-assertion
  [vc-di-ecdsa]=w3c/vc-di-ecdsa
)

SUITES_DIR="${W3C_SUITES_DIR:-/work/w3c}"
VENV="${SEN_VENV:-$REPO/.venv}"
SUITES_CSV=""
RESULTS_DIR=""
KEEP=0
PREPARE_ONLY=0
CLONE=0
FORCE_INSTALL=0
SUITE_TIMEOUT="${W3C_SUITE_TIMEOUT:-1800}"
# VC data model versions the endpoints declare (supports.vc); the ecdsa suite
# runs its VC 1.1 and 2.0 variants only for the versions declared here.
VC_VERSIONS="${SEN_W3C_VC_VERSIONS:-1.1,2.0}"
# Issuer DIDs. "key": [[vc.issuers]] with did = "did:key:z…", verification_method =
# "did:key:z…#z…" and tx_key = that same (member) key, as the eddsa and ecdsa
# suites require (they resolve proof.verificationMethod with a did:key driver
# only). "sen": did:sen issuers, created on chain and accredited by a trust root
# (for a Sen without did:key issuers). "auto" (default): key when this Sen's
# config parser accepts a did:key issuer, else sen.
ISSUER_DID_METHOD="${SEN_W3C_ISSUER_DID_METHOD:-auto}"
# JSON object sent as every issue request's `options` (the suites send the
# endpoint's configured `options` verbatim). Empty: none.
ISSUER_OPTIONS="${SEN_W3C_ISSUER_OPTIONS:-}"
# The checks the verifier endpoints require (their URL's ?checks=): "proof" is
# verification by the W3C specifications alone; Sen's policy checks still run and
# come back as warnings. Empty: Sen's full policy (accreditation, status, validity).
VERIFIER_CHECKS="${SEN_W3C_VERIFIER_CHECKS-proof}"
IMPLEMENTATION_NAME="${SEN_W3C_NAME:-Sen}"

usage() {
  cat <<EOF
Usage: scripts/w3c-suites.sh [options]

Runs the W3C VC test suites (vc-data-model-2.0, vc-di-eddsa, vc-di-ecdsa,
vc-bitstring-status-list) against a fresh single-node Sen chain: packs the
suites' GitHub-only npm dependencies, installs the suites, starts a node in a
temporary directory (three issuers, did:key by default: Ed25519 eddsa-rdfc-2022,
Ed25519 eddsa-jcs-2022, P-256 ecdsa-rdfc-2019, each with a VC-API token) behind a
local TLS terminator (scripts/w3c/tls_proxy.py, self-signed certificate from
openssl), writes each suite's localConfig.cjs, runs each suite with its own
'npm test' (mocha; its interop HTML report is written as usual), and collects
passed/failed/pending counts into results/summary.json and a table.
The node and the proxy are stopped on exit.

Expected layout of the suites directory (each a checkout, e.g. git clone):
  \$W3C_SUITES_DIR/vc-data-model-2.0-test-suite         (w3c/…)
  \$W3C_SUITES_DIR/vc-di-eddsa-test-suite               (w3c/…)
  \$W3C_SUITES_DIR/vc-di-ecdsa-test-suite               (w3c/…)
  \$W3C_SUITES_DIR/vc-bitstring-status-list-test-suite  (w3c/…)
  \$W3C_SUITES_DIR/vc-test-suite-implementations        (w3c/…, npm dependency)
  \$W3C_SUITES_DIR/data-integrity-test-suite-assertion  (w3c-ccg/…, npm dependency)
  \$W3C_SUITES_DIR/vc-di-ecdsa    (w3c/…, optional: test vectors the ecdsa suite's
                                  postinstall would git-clone; not read by its tests)

Options:
  --dir DIR            suites directory (default: \$W3C_SUITES_DIR or /work/w3c)
  --suites A,B         run only these suites (names as above; default: all four)
  --results DIR        where logs and JSON go (default: DIR/results/<timestamp>)
  --clone              git clone missing repositories from https://github.com
  --reinstall          run npm install even when the stamp says it is current
  --prepare-only       pack and install, then stop (no node, no tests)
  --keep               keep the node's temporary directory and localConfig.cjs files
  -h, --help           this help

Environment:
  W3C_SUITES_DIR               as --dir
  SEN_VENV                     Sen's virtualenv (default: <repo>/.venv)
  W3C_SUITE_TIMEOUT            seconds per suite (default 1800)
  SEN_W3C_VC_VERSIONS          supports.vc declared for every endpoint (default 1.1,2.0)
  SEN_W3C_ISSUER_DID_METHOD    auto (default: key if this Sen accepts did:key issuers), key, sen
  SEN_W3C_ISSUER_OPTIONS       JSON 'options' sent with every issue request (default none)
  SEN_W3C_VERIFIER_CHECKS      ?checks= of the verifier endpoints (default proof; empty:
                               Sen's full policy)
  SEN_W3C_NAME                 implementation name in the reports (default Sen)

Outputs (in the results directory): <suite>.log (mocha output, tokens
redacted), <suite>.json (every test: state, error), summary.json, node.log,
proxy.log. Exit status: 0 when every selected suite ran (whatever its
failures), 1 on a setup error.
EOF
}

die() { echo "w3c-suites: $*" >&2; exit 1; }
log() { echo "w3c-suites: $*" >&2; }

while (($#)); do
  case "$1" in
    --dir) SUITES_DIR="$2"; shift 2 ;;
    --suites) SUITES_CSV="$2"; shift 2 ;;
    --results) RESULTS_DIR="$2"; shift 2 ;;
    --clone) CLONE=1; shift ;;
    --reinstall) FORCE_INSTALL=1; shift ;;
    --prepare-only) PREPARE_ONLY=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

SUITES=("${ALL_SUITES[@]}")
if [[ -n "$SUITES_CSV" ]]; then
  IFS=',' read -r -a SUITES <<<"$SUITES_CSV"
  for s in "${SUITES[@]}"; do
    [[ " ${ALL_SUITES[*]} " == *" $s "* ]] || die "unknown suite $s (one of: ${ALL_SUITES[*]})"
  done
fi
case "$ISSUER_DID_METHOD" in auto|sen|key) ;; *) die "SEN_W3C_ISSUER_DID_METHOD: auto, sen or key" ;; esac

for tool in node npm openssl curl; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
PY="$VENV/bin/python"
SEN="$VENV/bin/sen"
[[ -x "$PY" && -x "$SEN" ]] || die "no Sen virtualenv at $VENV (make install, or set SEN_VENV)"
mkdir -p "$SUITES_DIR"
SUITES_DIR="$(cd "$SUITES_DIR" && pwd)"

# -- repositories, packing, installing ---------------------------------------------

need_repo() {  # need_repo NAME [optional]
  local name="$1" dir="$SUITES_DIR/$1"
  [[ -d "$dir" ]] && return 0
  if ((CLONE)); then
    log "cloning ${GITHUB_NAME[$name]} into $dir"
    git clone --depth 1 "https://github.com/${GITHUB_NAME[$name]}.git" "$dir" >&2
    return 0
  fi
  [[ "${2:-}" == optional ]] && return 1
  die "missing $dir: check out ${GITHUB_NAME[$name]} there (git clone), or use --clone"
}

PACKS="$SUITES_DIR/.packs"
declare -A TARBALL=()
pack_dep() {
  local name="$1" dir="$SUITES_DIR/$1" version tgz
  need_repo "$name"
  version="$(node -p "require('$dir/package.json').version")"
  tgz="$PACKS/$name-$version.tgz"
  if [[ ! -f "$tgz" || "$dir/package.json" -nt "$tgz" ]]; then
    mkdir -p "$PACKS"
    log "npm pack $name"
    # neither package has a prepare/prepack script; --ignore-scripts keeps it so
    (cd "$dir" && npm pack --ignore-scripts --pack-destination "$PACKS" >/dev/null)
  fi
  [[ -f "$tgz" ]] || die "npm pack did not produce $tgz"
  TARBALL[$name]="$tgz"
}

install_suite() {
  local suite="$1" dir="$SUITES_DIR/$1" args=() stamp want
  need_repo "$suite"
  for dep in "${PACKED_DEPS[@]}"; do args+=("$dep=${TARBALL[$dep]}"); done
  node "$HELPERS/rewrite-deps.mjs" "$dir" "${args[@]}" >&2
  # a lock file pinning github: dependencies (or versions the registry no
  # longer has) cannot install here: keep it aside and resolve afresh
  if [[ -f "$dir/package-lock.json" ]] && grep -q '"github:' "$dir/package-lock.json"; then
    mv "$dir/package-lock.json" "$dir/package-lock.json.orig"
  fi
  if [[ "$suite" == vc-di-ecdsa-test-suite && ! -e "$dir/tests/input/vc-di-ecdsa" ]]; then
    # its postinstall git-clones w3c/vc-di-ecdsa here unless the directory exists
    mkdir -p "$dir/tests/input"
    if need_repo vc-di-ecdsa optional; then
      cp -a "$SUITES_DIR/vc-di-ecdsa" "$dir/tests/input/vc-di-ecdsa"
    else
      mkdir -p "$dir/tests/input/vc-di-ecdsa"
    fi
  fi
  stamp="$dir/node_modules/.sen-w3c-stamp"
  want="$(cat "$dir/package.json" "${TARBALL[@]}" | sha256sum | cut -d' ' -f1)"
  if ((FORCE_INSTALL)) || [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    log "npm install in $suite"
    (cd "$dir" && npm install --no-audit --no-fund >&2)
    echo "$want" >"$stamp"
  fi
}

for dep in "${PACKED_DEPS[@]}"; do pack_dep "$dep"; done
for suite in "${SUITES[@]}"; do install_suite "$suite"; done
if ((PREPARE_ONLY)); then
  log "prepared: ${SUITES[*]}"
  exit 0
fi

# -- node and TLS terminator --------------------------------------------------------

[[ -n "$RESULTS_DIR" ]] || RESULTS_DIR="$SUITES_DIR/results/$(date +%Y%m%dT%H%M%S)"
mkdir -p "$RESULTS_DIR"
RESULTS_DIR="$(cd "$RESULTS_DIR" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sen-w3c.XXXXXX")"
NODE_PID=""
PROXY_PID=""
WROTE_CONFIGS=()

cleanup() {
  local status=$?
  for pid in "$PROXY_PID" "$NODE_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
  done
  for f in node.log proxy.log; do
    if [[ -f "$WORK/$f" ]]; then cp "$WORK/$f" "$RESULTS_DIR/$f" 2>/dev/null || true; fi
  done
  if ((KEEP)); then
    log "kept $WORK and the suites' localConfig.cjs"
  else
    for f in "${WROTE_CONFIGS[@]}"; do rm -f "$f"; done
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r API_PORT TLS_PORT < <("$PY" - <<'EOF'
import random, socket
def free(taken):
    while True:
        port = random.randint(20000, 31000)
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
a = free(set()); print(a, free({a}))
EOF
)
BASE_URL="https://127.0.0.1:$TLS_PORT"
log "node API http://127.0.0.1:$API_PORT, TLS $BASE_URL, work dir $WORK"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$WORK/tls-key.pem" -out "$WORK/tls-cert.pem" -days 7 -subj "/CN=localhost" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null \
  || die "openssl could not make a certificate"

"$PY" "$HELPERS/sen_node.py" setup --root "$WORK" --port "$API_PORT" \
  --public-url "$BASE_URL" --issuer-did-method "$ISSUER_DID_METHOD" >&2

SEN_HOME="$WORK/home" SEN_LOG_LEVEL=WARNING \
  SEN_ISSUER_PASSPHRASE="${SEN_W3C_PASSPHRASE:-w3c-suites-issuer-passphrase}" \
  "$SEN" node run >"$WORK/node.log" 2>&1 &
NODE_PID=$!
"$PY" "$HELPERS/tls_proxy.py" --listen "127.0.0.1:$TLS_PORT" --target "127.0.0.1:$API_PORT" \
  --cert "$WORK/tls-cert.pem" --key "$WORK/tls-key.pem" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!

wait_for() {  # wait_for URL WHAT
  for _ in $(seq 1 300); do
    if curl -sf --cacert "$WORK/tls-cert.pem" "$1" >/dev/null 2>&1; then return 0; fi
    kill -0 "$NODE_PID" 2>/dev/null || { tail -30 "$WORK/node.log" >&2; die "the node exited"; }
    kill -0 "$PROXY_PID" 2>/dev/null || { cat "$WORK/proxy.log" >&2; die "the proxy exited"; }
    sleep 0.2
  done
  die "$2 did not answer at $1"
}
wait_for "http://127.0.0.1:$API_PORT/health" "the node"
wait_for "$BASE_URL/health" "the TLS proxy"
"$PY" "$HELPERS/sen_node.py" found --root "$WORK" >&2

# -- the suites -----------------------------------------------------------------------

for suite in "${SUITES[@]}"; do
  dir="$SUITES_DIR/$suite"
  config="$dir/localConfig.cjs"
  if [[ -f "$config" ]] && ! head -1 "$config" | grep -q "scripts/w3c-suites.sh"; then
    mv "$config" "$config.before-sen-w3c"
    log "moved the existing $config to $config.before-sen-w3c"
  fi
  config_args=(--root "$WORK" --base-url "$BASE_URL" --out "$config"
    --name "$IMPLEMENTATION_NAME" --vc-versions "$VC_VERSIONS"
    --verifier-checks "$VERIFIER_CHECKS")
  [[ -n "$ISSUER_OPTIONS" ]] && config_args+=(--issuer-options "$ISSUER_OPTIONS")
  "$PY" "$HELPERS/sen_node.py" config "${config_args[@]}"
  WROTE_CONFIGS+=("$config")
  inner="$(node -e '
    const s = require(process.argv[1]).scripts.test;
    const m = s.match(/--reporter\s+(\S+)/); process.stdout.write(m ? m[1] : "");' "$dir/package.json")"
  log "running $suite"
  rc=0
  # the suite's own test script (pre/post scripts skipped: the ecdsa suite's
  # pretest would 'npm update' from GitHub); its reporter is wrapped so that the
  # interop report is still written and every outcome also lands in JSON
  (cd "$dir" && NODE_EXTRA_CA_CERTS="$WORK/tls-cert.pem" timeout "$SUITE_TIMEOUT" \
    npm test --ignore-scripts -- \
      --reporter "$HELPERS/mocha_tee_reporter.cjs" \
      --reporter-options "inner=$inner,json=$RESULTS_DIR/$suite.json" 2>&1) \
    | sed -E 's/senvc_[A-Za-z0-9_]+/senvc_<redacted>/g' >"$RESULTS_DIR/$suite.log" || rc=$?
  echo "$rc" >"$RESULTS_DIR/$suite.exit"
done

"$PY" - "$RESULTS_DIR" "${SUITES[@]}" <<'EOF'
import json, sys
from pathlib import Path

results, suites = Path(sys.argv[1]), sys.argv[2:]
summary = {}
for suite in suites:
    path = results / f"{suite}.json"
    exit_code = (results / f"{suite}.exit").read_text().strip()
    if not path.exists():
        summary[suite] = {"error": f"no results (npm test exit {exit_code}); see {suite}.log"}
        continue
    data = json.loads(path.read_text())
    stats = data["stats"]
    summary[suite] = {
        "passed": stats["passes"],
        "failed": stats["failures"],
        "pending": stats["pending"],
        "hookFailures": stats["hookFailures"],
        "notRun": stats["notRun"],
        "planned": stats["planned"],
        "npmTestExit": int(exit_code) if exit_code.lstrip("-").isdigit() else exit_code,
        "failures": [
            {"title": t["fullTitle"], "hook": t["type"] == "hook",
             "error": (t.get("error") or {}).get("message", "")}
            for t in data["tests"] if t["state"] == "failed"
        ],
    }
(results / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
head = f"{'suite':40} {'passed':>6} {'failed':>6} {'pending':>7} {'hooks':>5} {'not run':>7} {'planned':>7}"
print(head)
print("-" * len(head))
for suite, s in summary.items():
    if "error" in s:
        print(f"{suite:40} {s['error']}")
        continue
    print(f"{suite:40} {s['passed']:>6} {s['failed']:>6} {s['pending']:>7} "
          f"{s['hookFailures']:>5} {s['notRun']:>7} {s['planned']:>7}")
print(f"\n'hooks': failed before/after hooks (their tests did not run: 'not run').")
print(f"results: {results}/summary.json")
EOF
