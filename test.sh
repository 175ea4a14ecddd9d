#!/usr/bin/env bash
# The project's test command (README, and CI through .ci/run): makes sure the browser that ops-service's console
# tests drive is installed, then runs every module's tests. Arguments go to Maven (e.g. ./test.sh -o).
set -euo pipefail
cd "$(dirname "$0")"

# Missing test tools come from Debian. fail stops with a message (written over several lines here, printed as one).
fail() {
  printf 'test.sh: %s\n' "$(printf '%s' "$1" | tr -s ' \n' '  ')" >&2
  exit 1
}

# as_root WHY COMMAND...: runs the command as root, directly when root, else through sudo; without sudo it stops
# with WHY (what to do by hand).
as_root() {
  local why="$1"; shift
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    fail "$why (installing needs root, and there is no sudo)"
  fi
}

need_apt_get() {
  command -v apt-get >/dev/null 2>&1 || fail "$1"
}

# apt_install WHY PACKAGE...: a fresh machine has no package lists yet, so update once when the install fails.
apt_install() {
  local why="$1"; shift
  if ! as_root "$why" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; then
    if ! as_root "$why" apt-get update -q \
        || ! as_root "$why" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; then
      fail "$why"
    fi
  fi
}

# ConsoleBrowserTest drives headless Chromium through chromedriver: Debian's chromium and chromium-driver packages
# (VENDSTREAM_CHROMIUM / VENDSTREAM_CHROMEDRIVER point the tests at another install).
chromium="${VENDSTREAM_CHROMIUM:-/usr/bin/chromium}"
chromedriver="${VENDSTREAM_CHROMEDRIVER:-/usr/bin/chromedriver}"
if [[ ! -x "$chromium" || ! -x "$chromedriver" ]]; then
  need_apt_get "the console's browser tests need Chromium and chromedriver ($chromium, $chromedriver), and this
  machine has no apt-get to install them: install both and set VENDSTREAM_CHROMIUM and VENDSTREAM_CHROMEDRIVER
  to their paths"
  echo "test.sh: installing chromium and chromium-driver (for ops-service's browser tests)" >&2
  apt_install "the console's browser tests need the chromium and chromium-driver packages: run 'apt-get install -y
  chromium chromium-driver' as root, or set VENDSTREAM_CHROMIUM and VENDSTREAM_CHROMEDRIVER" chromium chromium-driver
fi

# KubernetesManifestsTest renders deploy/k8s's overlays with `kubectl kustomize` (no cluster): Debian's
# kubernetes-client package when there is no kubectl (VENDSTREAM_KUBECTL points the test at another one).
if [[ -z "${VENDSTREAM_KUBECTL:-}" ]] && ! command -v kubectl >/dev/null 2>&1; then
  need_apt_get "the Kubernetes manifests test needs kubectl, and this machine has no apt-get to install it: install
  kubectl and set VENDSTREAM_KUBECTL to its path"
  echo "test.sh: installing kubernetes-client (kubectl, for deploy's KubernetesManifestsTest)" >&2
  apt_install "the Kubernetes manifests test needs kubectl: run 'apt-get install -y kubernetes-client' as root, or
  set VENDSTREAM_KUBECTL to a kubectl" kubernetes-client
fi

# PrometheusRulesTest checks deploy/observability's alert rules with promtool: Debian's prometheus package
# (VENDSTREAM_PROMTOOL points the test at another promtool). Only the package's files are unpacked, so no
# Prometheus server is installed or started.
if [[ -z "${VENDSTREAM_PROMTOOL:-}" ]] && ! command -v promtool >/dev/null 2>&1; then
  need_apt_get "the alert rule tests need promtool (Debian's prometheus package), and this machine has no apt-get
  to fetch it: install Prometheus's promtool and set VENDSTREAM_PROMTOOL to its path"
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/vendstream/promtool"
  promtool_failed="could not fetch promtool from Debian's prometheus package: install Prometheus's promtool and
  set VENDSTREAM_PROMTOOL to its path"
  if [[ ! -x "$tools/root/usr/bin/promtool" ]]; then
    echo "test.sh: fetching promtool from the prometheus package (for deploy's alert rule tests)" >&2
    rm -rf "$tools" && mkdir -p "$tools"
    # Downloading needs no root; only a fresh machine's first package list update does.
    if ! (cd "$tools" && apt-get download -q prometheus); then
      if ! as_root "$promtool_failed" apt-get update -q || ! (cd "$tools" && apt-get download -q prometheus); then
        fail "$promtool_failed"
      fi
    fi
    if ! dpkg -x "$tools"/prometheus_*.deb "$tools/root" || [[ ! -x "$tools/root/usr/bin/promtool" ]]; then
      fail "$promtool_failed"
    fi
  fi
  export VENDSTREAM_PROMTOOL="$tools/root/usr/bin/promtool"
fi

./mvnw -B verify "$@"
