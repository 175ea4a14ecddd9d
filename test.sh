#!/usr/bin/env bash
# The project's test command (README, and CI through .ci/run): makes sure the browser that ops-service's console
# tests drive is installed, then runs every module's tests. Arguments go to Maven (e.g. ./test.sh -o).
set -euo pipefail
cd "$(dirname "$0")"

# ConsoleBrowserTest drives headless Chromium through chromedriver: Debian's chromium and chromium-driver packages
# (VENDSTREAM_CHROMIUM / VENDSTREAM_CHROMEDRIVER point the tests at another install).
chromium="${VENDSTREAM_CHROMIUM:-/usr/bin/chromium}"
chromedriver="${VENDSTREAM_CHROMEDRIVER:-/usr/bin/chromedriver}"
if [[ ! -x "$chromium" || ! -x "$chromedriver" ]]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: the console's browser tests need Chromium and chromedriver ($chromium, $chromedriver)," \
      "and this machine has no apt-get to install them: install both and set VENDSTREAM_CHROMIUM and" \
      "VENDSTREAM_CHROMEDRIVER to their paths" >&2
    exit 1
  fi
  if [[ "$(id -u)" -eq 0 ]]; then
    as_root=()
  elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "test.sh: the console's browser tests need the chromium and chromium-driver packages; installing them" \
      "needs root and there is no sudo: run 'apt-get install -y chromium chromium-driver' as root" >&2
    exit 1
  fi
  echo "test.sh: installing chromium and chromium-driver (for ops-service's browser tests)" >&2
  if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; then
    # A fresh machine has no package lists yet.
    "${as_root[@]}" apt-get update -q
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
  fi
fi

# KubernetesManifestsTest renders deploy/k8s's overlays with `kubectl kustomize` (no cluster): Debian's
# kubernetes-client package when there is no kubectl (VENDSTREAM_KUBECTL points the test at another one).
if [[ -z "${VENDSTREAM_KUBECTL:-}" ]] && ! command -v kubectl >/dev/null 2>&1; then
  if [[ "$(id -u)" -eq 0 ]]; then sudo_k=(); elif command -v sudo >/dev/null 2>&1; then sudo_k=(sudo); else
    echo "test.sh: the Kubernetes manifests test needs kubectl: run 'apt-get install -y kubernetes-client' as root" >&2
    exit 1
  fi
  echo "test.sh: installing kubernetes-client (kubectl, for deploy's KubernetesManifestsTest)" >&2
  "${sudo_k[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q kubernetes-client \
    || { "${sudo_k[@]}" apt-get update -q && "${sudo_k[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q kubernetes-client; }
fi

# PrometheusRulesTest checks deploy/observability's alert rules with promtool: Debian's prometheus package
# (VENDSTREAM_PROMTOOL points the test at another promtool). Only the package's files are unpacked, so no
# Prometheus server is installed or started.
if [[ -z "${VENDSTREAM_PROMTOOL:-}" ]] && ! command -v promtool >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: the alert rule tests need promtool (Debian's prometheus package), and this machine has no" \
      "apt-get to fetch it: install Prometheus's promtool and set VENDSTREAM_PROMTOOL to its path" >&2
    exit 1
  fi
  tools="${XDG_CACHE_HOME:-$HOME/.cache}/vendstream/promtool"
  if [[ ! -x "$tools/root/usr/bin/promtool" ]]; then
    echo "test.sh: fetching promtool from the prometheus package (for deploy's alert rule tests)" >&2
    rm -rf "$tools" && mkdir -p "$tools"
    if ! (cd "$tools" && apt-get download -q prometheus); then
      # A fresh machine has no package lists yet.
      if [[ "$(id -u)" -eq 0 ]]; then apt-get update -q; else sudo apt-get update -q; fi
      (cd "$tools" && apt-get download -q prometheus)
    fi
    dpkg -x "$tools"/prometheus_*.deb "$tools/root"
  fi
  export VENDSTREAM_PROMTOOL="$tools/root/usr/bin/promtool"
fi

./mvnw -B verify "$@"
