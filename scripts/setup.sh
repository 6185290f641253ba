#!/usr/bin/env bash
# Installs, idempotently, what a fresh machine of this kind lacks. Fast when all is present.
#   scripts/setup.sh          build tools (wasm target, cargo-leptos, wasm-bindgen, wasm-opt)
#   scripts/setup.sh --test   also PostgreSQL, Chromium and Playwright for the tests
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${JIEBANG_TOOLS:-$HOME/.cache/jiebang-tools}"
mkdir -p "$TOOLS"
log() { printf '[setup] %s\n' "$*"; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  log "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version >/dev/null 2>&1; then
  # 0.3.11 needs a newer rustc than this machine has; 0.3.10 works with 1.95.
  log "installing cargo-leptos 0.3.10 (about 20 minutes on 2 cores)"
  cargo install --locked cargo-leptos@0.3.10
fi

# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock.
WB=$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)
if [ -z "$WB" ]; then echo "cannot find wasm-bindgen in Cargo.lock" >&2; exit 1; fi
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB" ]; then
  log "installing wasm-bindgen-cli $WB"
  # --locked fails for this crate here (an index entry is missing), so it is installed unlocked.
  cargo install wasm-bindgen-cli --version "$WB" --force
fi

# wasm-opt for release builds: Debian's binaryen 108 breaks hydration, npm's 132 works.
if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
  log "installing binaryen (wasm-opt) from npm"
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund binaryen@132 >/dev/null)
fi

if [ "${1:-}" = "--test" ]; then
  need_apt=()
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
  fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need_apt+=(fonts-noto-cjk)
  # The load generator of scripts/bench-pages.sh.
  command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
  if [ ${#need_apt[@]} -gt 0 ]; then
    log "installing ${need_apt[*]} from Debian"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
  if [ ! -d end2end/node_modules/@playwright/test ]; then
    log "installing Playwright (without its browser download; Debian's Chromium is used)"
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
  fi
fi
log "tools ready"
