#!/usr/bin/env bash
# Installs a real VS Code (1.99.3, server + web client) for the integration and e2e tests, without
# any download outside the npm registry: npm `code-server@4.99.4` carries VS Code's server, its web
# client and the built-in extensions. Its own postinstall fetches ripgrep from GitHub and fails
# offline, so it is installed with --ignore-scripts and the postinstall steps are done here by hand.
#
#   scripts/setup-vscode-server.sh            # install into .vscode-test/code-server (idempotent)
#   scripts/setup-vscode-server.sh --force    # reinstall
#
# Needs: node 20 + npm, g++/make/python3 (native modules are rebuilt locally), and for search in
# the workbench `rg` on PATH (Debian: apt-get install ripgrep). Nothing is written outside the project
# except npm's own download cache.
set -euo pipefail

VERSION="${CODE_SERVER_VERSION:-4.99.4}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.vscode-test/code-server"
CS="$DEST/node_modules/code-server"
VSC="$CS/lib/vscode"
STAMP="$DEST/.installed-$VERSION"

if [[ "${1:-}" == "--force" ]]; then rm -rf "$DEST"; fi
if [[ -f "$STAMP" && -f "$VSC/out/server-main.js" ]]; then
  echo "setup-vscode-server: code-server $VERSION (VS Code $(node -p "require('$VSC/package.json').version")) already installed in ${DEST#"$ROOT"/}"
  exit 0
fi

major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$major" != "20" ]]; then
  echo "setup-vscode-server: warning: code-server $VERSION expects Node 20, this is Node $(node -v)" >&2
fi

start=$(date +%s)
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
# Own package.json so npm installs here and never walks up into the project's package.json.
printf '{ "name": "vscode-test-code-server", "private": true, "description": "test-only VS Code install, not committed" }\n' > package.json

quiet() { # run a command, print its output only if it fails
  local log; log="$(mktemp)"
  if ! "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; echo "setup-vscode-server: failed: $*" >&2; return 1; fi
  rm -f "$log"
}

echo "setup-vscode-server: npm install code-server@$VERSION (--ignore-scripts)…"
quiet npm install --no-save --no-package-lock --ignore-scripts --no-audit --no-fund "code-server@$VERSION"
# argon2 (code-server's password hashing): its prebuilt download fails offline, node-gyp builds it.
quiet npm rebuild argon2

echo "setup-vscode-server: installing VS Code's own runtime modules…"
cd "$VSC"
quiet npm install --ignore-scripts --omit=dev --no-audit --no-fund
# Native modules of the server. node-pty's install calls `npx node-gyp`, hence npm_config_yes.
# kerberos is left unbuilt: it is only used for proxy authentication.
quiet env npm_config_yes=true npm rebuild node-pty @vscode/spdlog native-watchdog @parcel/watcher @vscode/deviceid
mkdir -p node_modules/@vscode/ripgrep/bin
if command -v rg >/dev/null 2>&1; then
  ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
else
  echo "setup-vscode-server: warning: no 'rg' on PATH; search inside the test VS Code will not work (apt-get install ripgrep)" >&2
fi
ln -sfn node_modules node_modules.asar                  # what code-server's postinstall.sh does
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && quiet npm install --omit=dev --ignore-scripts --no-audit --no-fund)

node -e "require('$VSC/node_modules/node-pty'); require('$VSC/node_modules/@vscode/spdlog')" \
  || { echo "setup-vscode-server: native modules did not load" >&2; exit 1; }
touch "$STAMP"
echo "setup-vscode-server: installed code-server $VERSION (VS Code $(node -p "require('$VSC/package.json').version")) in ${DEST#"$ROOT"/} in $(( $(date +%s) - start ))s"
