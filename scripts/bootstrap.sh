#!/usr/bin/env bash
# Provides every tool the checks and tests use, pinned, cached outside the repo, idempotent.
# Order for each tool: what the machine already has, then the normal registry path, then a
# build from the tool's Go module / PyPI package. Writes "$CACHE/env.sh" for the Makefile.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${SG_GUARDIAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sg-guardian}
BIN="$CACHE/bin"
MIRROR="$CACHE/providers"
mkdir -p "$BIN" "$MIRROR" "$CACHE/plugin-cache" "$CACHE/logs"
TFRC="$CACHE/terraformrc"
[ -f "$TFRC" ] || : > "$TFRC"
export TF_CLI_CONFIG_FILE="$TFRC"   # never the user's (possibly absent) global one

# --- pinned versions -------------------------------------------------------------------------
TOFU_VERSION=v1.10.10            # github.com/opentofu/opentofu (only when no tofu/terraform on PATH)
AWS_PROVIDER_VERSION=5.100.0     # hashicorp/aws: machine mirror first
# hashicorp/aws from its Go module when no mirror holds it. The module path has no /v5 suffix, so
# the proxy knows it only by pseudo-version: main of 2026-06-02, whose CHANGELOG heads 6.48.0.
AWS_PROVIDER_MODULE_VERSION=v1.60.1-0.20260602190131-5f2286d6d836
AWS_PROVIDER_BUILT_AS=6.48.0
# hashicorp/archive: the 2.x tags have no /v2 module path, so the newest the Go proxy serves is 1.3.0;
# the module only uses archive_file{type,source_file,output_path}, present since 1.x.
ARCHIVE_PROVIDER_MODULE_VERSION=v1.3.0
ARCHIVE_PROVIDER_VERSION=1.3.0
TFLINT_VERSION=v0.64.0
TFDOCS_VERSION=v0.20.0
MOTO_VERSION=5.2.5               # >= 5.2.3: StartLogging by ARN no longer hangs
CHECKOV_VERSION=3.2.533

log() { printf '[bootstrap] %s\n' "$*" >&2; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
GOARCH_=$(uname -m | sed -e 's/x86_64/amd64/' -e 's/aarch64/arm64/')
PLATFORM="linux_${GOARCH_}"
[ "$(uname -s)" = Darwin ] && PLATFORM="darwin_${GOARCH_}"

need_go() {
  have go || die "Go (1.22 or newer) is needed to build $1 from its Go module: install Go (https://go.dev/dl, or 'apt-get install golang'), or put $1 on PATH."
}

# Builds package $3 of Go module $1@$2 into $BIN/$4. Download-then-build (not 'go install') so
# modules with replace directives (OpenTofu) and proxies without @v/list both work.
go_build() {
  local module=$1 version=$2 pkg=$3 out=$4 dir start
  need_go "$out"
  log "building $out from $module@$version (cached in $BIN; log in $CACHE/logs/$out.log)"
  start=$(date +%s)
  dir=$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])') \
    || die "could not download Go module $module@$version (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
  (cd "$dir" && GOFLAGS=-mod=readonly CGO_ENABLED=0 /usr/bin/env time -f "%e s wall, %M KB max RSS" \
      go build -p "${SG_GUARDIAN_GO_BUILD_P:-2}" -trimpath -ldflags="-s -w" -o "$BIN/$out.tmp" "./$pkg") \
      >"$CACHE/logs/$out.log" 2>&1 || { tail -20 "$CACHE/logs/$out.log" >&2; die "building $out failed (full log: $CACHE/logs/$out.log)"; }
  mv "$BIN/$out.tmp" "$BIN/$out"
  log "built $out in $(( $(date +%s) - start ))s ($(tail -1 "$CACHE/logs/$out.log"))"
}

# --- prerequisites ---------------------------------------------------------------------------
have node || die "Node.js 20.19+ is needed: install it (https://nodejs.org, or 'apt-get install nodejs npm')."
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || die "Node.js $(node -v) is too old: install 20.19 or newer."
have npm || die "npm is needed: install it with Node.js."
have python3 || die "Python 3.9+ with venv is needed (moto, checkov): install python3 and python3-venv."
python3 -c 'import venv, ensurepip' 2>/dev/null || die "python3 has no venv/ensurepip module: install python3-venv."
have time || [ -x /usr/bin/time ] || log "GNU time not found: build timings will not be printed"

# --- node dependencies -------------------------------------------------------------------------
if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  log "npm ci"
  if ! (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error 2>"$CACHE/logs/npm-ci.log"); then
    # A registry mirror without some other-platform optional packages (rollup's) leaves them out of
    # the lock, and npm ci then refuses; install from the same lock without rewriting it.
    grep -q 'Missing: .* from lock file' "$CACHE/logs/npm-ci.log" || { cat "$CACHE/logs/npm-ci.log" >&2; die "npm ci failed: is the npm registry reachable?"; }
    log "npm ci: lock lacks optional packages the registry does not serve; npm install --no-save from the same lock"
    (cd "$ROOT" && npm install --no-save --no-audit --no-fund --loglevel=error) || die "npm install failed: is the npm registry reachable?"
  fi
fi

# --- OpenTofu / Terraform --------------------------------------------------------------------------
TF=""
if [ -n "${SG_GUARDIAN_TF:-}" ]; then TF=$SG_GUARDIAN_TF
elif have tofu; then TF=$(command -v tofu)
elif have terraform; then TF=$(command -v terraform)
elif [ -x "$BIN/tofu" ] && [ "$(cat "$BIN/tofu.version" 2>/dev/null)" = "$TOFU_VERSION" ]; then TF="$BIN/tofu"
else
  go_build github.com/opentofu/opentofu "$TOFU_VERSION" cmd/tofu tofu
  echo "$TOFU_VERSION" > "$BIN/tofu.version"
  TF="$BIN/tofu"
fi
TF_FLAVOR=terraform; "$TF" version 2>/dev/null | head -1 | grep -qi opentofu && TF_FLAVOR=tofu

# --- providers -----------------------------------------------------------------------------------
registry_up() { curl -fsS -m 5 -o /dev/null "https://registry.terraform.io/.well-known/terraform.json" 2>/dev/null; }
# Places an unpacked provider under both registry hostnames (tofu resolves hashicorp/* to its own).
mirror_link() { # type version dir-holding-binary
  local host
  for host in registry.terraform.io registry.opentofu.org; do
    mkdir -p "$MIRROR/$host/hashicorp/$1/$2"
    ln -sfn "$3" "$MIRROR/$host/hashicorp/$1/$2/$PLATFORM"
  done
}
find_machine_mirror() { # type version -> a dir holding that provider's binary
  local d
  for d in ${SG_GUARDIAN_PROVIDER_MIRROR:-} /opt/tf-plugins "$HOME/.terraform.d/plugins" "$HOME/.local/share/terraform/plugins" \
           /usr/local/share/terraform/plugins /usr/share/terraform/plugins; do
    [ -d "$d/registry.terraform.io/hashicorp/$1/$2/$PLATFORM" ] && { echo "$d/registry.terraform.io/hashicorp/$1/$2/$PLATFORM"; return 0; }
  done
  return 1
}

PROVIDER_MODE=mirror
if [ "${SG_GUARDIAN_OFFLINE:-}" != 1 ] && registry_up; then
  PROVIDER_MODE=registry
  log "Terraform registry reachable: providers install the normal way"
else
  if src=$(find_machine_mirror aws "$AWS_PROVIDER_VERSION"); then
    mirror_link aws "$AWS_PROVIDER_VERSION" "$src"
  elif ! [ -e "$MIRROR/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_BUILT_AS/$PLATFORM" ]; then
    log "no hashicorp/aws in a local mirror: building it from its Go module (cold: tens of minutes, several GiB of RAM)"
    go_build github.com/hashicorp/terraform-provider-aws "$AWS_PROVIDER_MODULE_VERSION" . "terraform-provider-aws"
    mkdir -p "$CACHE/built/aws" && mv "$BIN/terraform-provider-aws" "$CACHE/built/aws/terraform-provider-aws_v${AWS_PROVIDER_BUILT_AS}_x5"
    mirror_link aws "$AWS_PROVIDER_BUILT_AS" "$CACHE/built/aws"
  fi
  if src=$(find_machine_mirror archive "$ARCHIVE_PROVIDER_VERSION"); then
    mirror_link archive "$ARCHIVE_PROVIDER_VERSION" "$src"
  elif ! [ -x "$CACHE/built/archive/terraform-provider-archive_v${ARCHIVE_PROVIDER_VERSION}_x5" ]; then
    go_build github.com/hashicorp/terraform-provider-archive "$ARCHIVE_PROVIDER_MODULE_VERSION" . terraform-provider-archive
    mkdir -p "$CACHE/built/archive" && mv "$BIN/terraform-provider-archive" "$CACHE/built/archive/terraform-provider-archive_v${ARCHIVE_PROVIDER_VERSION}_x5"
  fi
  [ -d "$CACHE/built/archive" ] && mirror_link archive "$ARCHIVE_PROVIDER_VERSION" "$CACHE/built/archive"
fi

{
  # The cache saves downloads in registry mode. From an unpacked mirror init links the provider
  # directly, and a cache would only add shared writes (its entries are re-linked on every init).
  if [ "$PROVIDER_MODE" = registry ]; then echo "plugin_cache_dir = \"$CACHE/plugin-cache\""; fi
  if [ "$PROVIDER_MODE" = mirror ]; then
    cat <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/*", "registry.opentofu.org/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*", "registry.opentofu.org/hashicorp/*"]
  }
}
EOF
  fi
} > "$TFRC.tmp" && mv "$TFRC.tmp" "$TFRC"

# --- Go tools: tflint, terraform-docs -----------------------------------------------------------------
tool() { # name version module pkg
  if have "$1" && [ -z "${SG_GUARDIAN_REBUILD_TOOLS:-}" ]; then command -v "$1"; return; fi
  if ! [ -x "$BIN/$1" ] || [ "$(cat "$BIN/$1.version" 2>/dev/null)" != "$2" ]; then
    go_build "$3" "$2" "$4" "$1" && echo "$2" > "$BIN/$1.version"
  fi
  echo "$BIN/$1"
}
TFLINT=$(tool tflint "$TFLINT_VERSION" github.com/terraform-linters/tflint .)
TFDOCS=$(tool terraform-docs "$TFDOCS_VERSION" github.com/terraform-docs/terraform-docs .)

# --- Python tools, one venv each (checkov pins its own boto3) ------------------------------------------
venv_tool() { # name spec
  local v="$CACHE/venv-$1"
  if ! [ -x "$v/bin/python" ] || [ "$(cat "$v/.spec" 2>/dev/null)" != "$2" ]; then
    log "installing $2 into $v"
    rm -rf "$v" && python3 -m venv "$v"
    "$v/bin/pip" install -q --disable-pip-version-check "$2" >"$CACHE/logs/venv-$1.log" 2>&1 \
      || { tail -20 "$CACHE/logs/venv-$1.log" >&2; die "pip install $2 failed: is PyPI reachable? (log: $CACHE/logs/venv-$1.log)"; }
    echo "$2" > "$v/.spec"
  fi
}
venv_tool moto "moto[server]==$MOTO_VERSION"
venv_tool checkov "checkov==$CHECKOV_VERSION"

cat > "$CACHE/env.sh.tmp" <<EOF
# Written by scripts/bootstrap.sh — sourced by the Makefile and the tests.
export SG_GUARDIAN_CACHE="$CACHE"
export SG_GUARDIAN_TF="$TF"
export SG_GUARDIAN_TF_FLAVOR="$TF_FLAVOR"
export SG_GUARDIAN_PROVIDER_MODE="$PROVIDER_MODE"
export TF_CLI_CONFIG_FILE="$TFRC"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
export SG_GUARDIAN_TFLINT="$TFLINT"
export SG_GUARDIAN_TFDOCS="$TFDOCS"
export SG_GUARDIAN_CHECKOV="$CACHE/venv-checkov/bin/checkov"
export SG_GUARDIAN_MOTO_SERVER="$CACHE/venv-moto/bin/moto_server"
EOF
mv "$CACHE/env.sh.tmp" "$CACHE/env.sh"
log "ready: $("$TF" version | head -1) ($TF_FLAVOR), providers via $PROVIDER_MODE, env in $CACHE/env.sh"
