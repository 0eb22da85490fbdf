#!/usr/bin/env bash
# Installs what the end-to-end tests (test/e2e) need: Debian chromium and code-server from npm,
# cached outside the repository (NCP_E2E_CACHE, default ~/.cache/ncp-e2e). Idempotent: when both
# are present it only checks them and exits in seconds. Recipe: docs/e2e.md.
set -euo pipefail

CODE_SERVER_VERSION="${NCP_CODE_SERVER_VERSION:-4.100.3}"
CACHE="${NCP_E2E_CACHE:-$HOME/.cache/ncp-e2e}"
DEST="$CACHE/code-server-$CODE_SERVER_VERSION"
BIN="$DEST/node_modules/.bin/code-server"
mkdir -p "$CACHE"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  echo "setup:e2e: need root (or sudo) to run: $*" >&2; return 1; fi; }

# Debian packages: chromium drives the workbench; the rest build code-server's native modules.
PKGS=(chromium build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
  fonts-dejavu-core ripgrep)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup:e2e: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -x "$BIN" ] && [ -f "$DEST/.ncp-installed" ]; then
  echo "setup:e2e: code-server $CODE_SERVER_VERSION ready at $BIN"
  exit 0
fi

echo "setup:e2e: installing code-server $CODE_SERVER_VERSION into $DEST (a few minutes, once)"
TMP_INSTALL="$CACHE/tmp-install-$$"
rm -rf "$TMP_INSTALL"
mkdir -p "$TMP_INSTALL"
export TMPDIR="${TMPDIR:-/tmp}"
# code-server 4.100.x's postinstall downloads ripgrep from GitHub (unreachable here): pre-fill the
# cache it looks in with Debian's rg.
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
RG_TAR="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$RG_TAR" ]; then
  mkdir -p "$RG_CACHE" "$TMP_INSTALL/rg-bin"
  cp "$(command -v rg)" "$TMP_INSTALL/rg-bin/rg"
  tar czf "$RG_TAR" -C "$TMP_INSTALL/rg-bin" rg
fi
# unsafe_perm: root runs the postinstalls; yes: node-pty's `npx node-gyp`; nodedir: Debian's headers.
NODEDIR="${npm_config_nodedir:-/usr}"
(cd "$TMP_INSTALL" && echo '{"name":"ncp-e2e-cache","private":true}' > package.json &&
  npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir="$NODEDIR" \
  npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION")
rm -rf "$DEST"
mv "$TMP_INSTALL" "$DEST"
"$BIN" --version >/dev/null
touch "$DEST/.ncp-installed"
echo "setup:e2e: code-server $CODE_SERVER_VERSION ready at $BIN"
