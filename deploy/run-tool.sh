#!/usr/bin/env bash
# Builds vendstream and runs one of the deploy module's tools on its classpath; fault-campaign.sh and
# benchmark.sh (root) call it:
#   deploy/run-tool.sh NAME HEAP MAIN_CLASS [args...]
# Maven's output goes to a temporary folder (printed), the tool's own log to NAME.log there.
# MAVEN_ARGS adds Maven options to the build (e.g. MAVEN_ARGS=-o to build offline).
set -euo pipefail
cd "$(dirname "$0")/.."
NAME="$1" HEAP="$2" MAIN="$3"
shift 3
OUT="$(mktemp -d "${TMPDIR:-/tmp}/vendstream-$NAME.XXXXXX")"
BUILD_LOG="$OUT/build.log"
echo "Building vendstream (full output in $BUILD_LOG)"
if ! ./mvnw -B -q -DskipTests package >"$BUILD_LOG" 2>&1; then
  tail -30 "$BUILD_LOG" >&2
  echo "The build failed; the full output is in $BUILD_LOG" >&2
  exit 1
fi
LOGBACK="$PWD/deploy/target/classes/logback-stack.xml"
exec java ${VENDSTREAM_JAVA_OPTS:-} "$HEAP" -XX:+UseSerialGC -Dvendstream.log.file="$OUT/$NAME.log" \
  -Dlogback.configurationFile="$LOGBACK" -Dlogging.config="$LOGBACK" \
  -cp "deploy/target/classes:deploy/target/lib/*" "$MAIN" "$@"
