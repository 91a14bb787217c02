#!/usr/bin/env bash
# Make a Pulumi CLI available for the e2e tests and the examples, without any binary download.
#
#   1. a `pulumi` already on PATH with version >= 3.139.0 is used as is;
#   2. else .tools/bin/pulumi is reused if it reports the pinned version;
#   3. else the CLI is built from Go modules (tools/pulumi-cli) into .tools/bin/pulumi.
#
# The CLI runs a program through the Node.js language host, pulumi-language-nodejs: one on PATH
# (an official CLI install ships one) is used as is; else it is built from Go modules
# (tools/pulumi-language-nodejs, sdk/v3 v3.68.0, the last release the module proxy serves with
# the host inside) into .tools/bin. In every case the dynamic-provider plugin shipped with
# @pulumi/pulumi (pulumi-resource-pulumi-nodejs) is linked into .tools/bin/, so putting
# .tools/bin on PATH (together with a Node >= 22, e.g. node_modules/.bin) is all the engine needs.
#
# Output: progress on stderr; the last line of stdout is the absolute path of the CLI
# (with --print-path that is the only stdout line). Exit status 0 on success.
#
# Environment:
#   PULUMI_ENSURE_FORCE_BUILD=1   ignore any pulumi on PATH and (re)build .tools/bin/pulumi
#   PULUMI_ENSURE_IGNORE_PATH=1   ignore any pulumi on PATH (still reuse .tools/bin/pulumi)
#   GO                            the go command (default: go on PATH, else /usr/local/go/bin/go)
set -euo pipefail

PULUMI_VERSION="v3.274.1"   # keep in step with tools/pulumi-cli/go.mod
MIN_VERSION="3.139.0"       # @pulumi/pulumi peer range lower bound

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN_DIR="$ROOT/.tools/bin"
TARGET="$BIN_DIR/pulumi"
MODULE_DIR="$ROOT/tools/pulumi-cli"
HOST_VERSION="v3.68.0"      # keep in step with tools/pulumi-language-nodejs/go.mod
HOST_TARGET="$BIN_DIR/pulumi-language-nodejs"
HOST_MODULE_DIR="$ROOT/tools/pulumi-language-nodejs"

PRINT_PATH_ONLY=0
for arg in "$@"; do
  case "$arg" in
    --print-path) PRINT_PATH_ONLY=1 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "ensure-pulumi: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

log() { echo "ensure-pulumi: $*" >&2; }

# version_of BIN -> prints "3.274.1" (no leading v), or nothing if BIN does not run.
version_of() {
  local out
  out="$(PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -n1 | tr -d '[:space:]')" || return 0
  out="${out#v}"
  if [[ "$out" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]]; then echo "$out"; fi
}

# version_ge A B -> true if A >= B (numeric x.y.z, pre-release suffixes ignored)
version_ge() {
  local a b i
  IFS=. read -r -a a <<<"${1%%[-+]*}"
  IFS=. read -r -a b <<<"${2%%[-+]*}"
  for i in 0 1 2; do
    if (( ${a[i]:-0} > ${b[i]:-0} )); then return 0; fi
    if (( ${a[i]:-0} < ${b[i]:-0} )); then return 1; fi
  done
  return 0
}

find_go() {
  if [[ -n "${GO:-}" ]]; then echo "$GO"; return; fi
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [[ -x /usr/local/go/bin/go ]]; then echo /usr/local/go/bin/go; return; fi
  return 1
}

link_dynamic_plugin() {
  mkdir -p "$BIN_DIR"
  local plugin="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
  if [[ ! -f "$plugin" ]]; then
    log "warning: $plugin not found (run npm ci); dynamic providers will not load"
    return 0
  fi
  # A relative symlink keeps the checkout relocatable; the script resolves
  # @pulumi/pulumi from the engine's working directory, not from its own path.
  ln -sfn "../../node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs" \
    "$BIN_DIR/pulumi-resource-pulumi-nodejs"
}

# The language host: on PATH (not our own copy), else .tools/bin (stamped with the version it was
# built from, since the host has no version flag), else built from Go modules.
ensure_language_host() {
  local onpath stamp="$HOST_TARGET.version"
  if [[ "${PULUMI_ENSURE_FORCE_BUILD:-}" != 1 && "${PULUMI_ENSURE_IGNORE_PATH:-}" != 1 ]]; then
    if onpath="$(command -v pulumi-language-nodejs 2>/dev/null)" && [[ -n "$onpath" ]]; then
      onpath="$(cd "$(dirname "$onpath")" && pwd)/$(basename "$onpath")"
      if [[ "$onpath" != "$HOST_TARGET" ]]; then
        log "using pulumi-language-nodejs on PATH: $onpath"
        return 0
      fi
    fi
  fi
  if [[ "${PULUMI_ENSURE_FORCE_BUILD:-}" != 1 && -x "$HOST_TARGET" && "$(cat "$stamp" 2>/dev/null)" == "$HOST_VERSION" ]]; then
    log "reusing $HOST_TARGET ($HOST_VERSION)"
    return 0
  fi
  local go_cmd tmp start
  go_cmd="$(find_go)" || { log "error: no Go toolchain found (install Go or set GO=/path/to/go)"; exit 1; }
  mkdir -p "$BIN_DIR"
  tmp="$HOST_TARGET.tmp.$$"
  log "building pulumi-language-nodejs $HOST_VERSION from $HOST_MODULE_DIR (about half a minute)"
  start=$(date +%s)
  if ! (
    cd "$HOST_MODULE_DIR"
    CGO_ENABLED=0 "$go_cmd" build -mod=readonly -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$HOST_VERSION" \
      -o "$tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  ) >&2; then
    rm -f "$tmp"
    log "error: building pulumi-language-nodejs failed"
    exit 1
  fi
  mv -f "$tmp" "$HOST_TARGET"
  echo "$HOST_VERSION" >"$stamp"
  log "built $HOST_TARGET in $(( $(date +%s) - start ))s"
}

# Serialize concurrent runs (parallel jest workers): one builds, the others then reuse.
mkdir -p "$ROOT/.tools"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$ROOT/.tools/ensure-pulumi.lock"
  flock 9
fi

CLI=""
CLI_VERSION=""

# 1. pulumi on PATH (but not our own .tools/bin copy, which step 2 checks with the exact pin)
if [[ "${PULUMI_ENSURE_FORCE_BUILD:-}" != 1 && "${PULUMI_ENSURE_IGNORE_PATH:-}" != 1 ]]; then
  if onpath="$(command -v pulumi 2>/dev/null)" && [[ -n "$onpath" ]]; then
    onpath="$(cd "$(dirname "$onpath")" && pwd)/$(basename "$onpath")"
    if [[ "$onpath" != "$TARGET" ]]; then
      v="$(version_of "$onpath")"
      if [[ -n "$v" ]] && version_ge "$v" "$MIN_VERSION"; then
        CLI="$onpath"; CLI_VERSION="v$v"
        log "using pulumi on PATH: $CLI ($CLI_VERSION)"
      else
        log "ignoring pulumi on PATH: $onpath (version '${v:-unknown}' < $MIN_VERSION)"
      fi
    fi
  fi
fi

# 2. a previous build in .tools/bin
if [[ -z "$CLI" && "${PULUMI_ENSURE_FORCE_BUILD:-}" != 1 && -x "$TARGET" ]]; then
  v="$(version_of "$TARGET")"
  if [[ "v$v" == "$PULUMI_VERSION" ]]; then
    CLI="$TARGET"; CLI_VERSION="$PULUMI_VERSION"
    log "reusing $CLI ($CLI_VERSION)"
  else
    log "$TARGET reports '${v:-nothing}', want $PULUMI_VERSION: rebuilding"
  fi
fi

# 3. build from Go modules
if [[ -z "$CLI" ]]; then
  GO_CMD="$(find_go)" || { log "error: no Go toolchain found (install Go or set GO=/path/to/go)"; exit 1; }
  mkdir -p "$BIN_DIR"
  tmp="$TARGET.tmp.$$"
  trap 'rm -f "$tmp"' EXIT
  log "building pulumi $PULUMI_VERSION from $MODULE_DIR with $("$GO_CMD" version) (first build takes a few minutes)"
  start=$(date +%s)
  (
    cd "$MODULE_DIR"
    CGO_ENABLED=0 "$GO_CMD" build -mod=readonly -trimpath -tags osusergo,grpcnotrace \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
      -o "$tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  ) >&2
  mv -f "$tmp" "$TARGET"   # atomic: a concurrent reader never sees a half-written binary
  trap - EXIT
  v="$(version_of "$TARGET")"
  if [[ "v$v" != "$PULUMI_VERSION" ]]; then
    log "error: built $TARGET but it reports '${v:-nothing}', want $PULUMI_VERSION"
    exit 1
  fi
  CLI="$TARGET"; CLI_VERSION="$PULUMI_VERSION"
  log "built $CLI in $(( $(date +%s) - start ))s"
fi

ensure_language_host
link_dynamic_plugin

if [[ "$PRINT_PATH_ONLY" == 1 ]]; then
  echo "$CLI"
else
  echo "pulumi $CLI_VERSION at:"
  echo "$CLI"
fi
