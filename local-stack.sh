#!/usr/bin/env bash
# Builds vendstream (first run downloads Maven and the dependencies) and starts the local stack
# without Docker: Kafka (KRaft, from the Kafka jars), the schema registry, the MongoDB wire store,
# the provider sandbox, the four services and the back office (ops-service) on loopback, then places
# demo orders (and prints the back office's URL and demo logins). Kafka and the
# store always run as their own processes; the applications share one JVM unless --processes.
#   ./local-stack.sh                 run until Ctrl-C
#   ./local-stack.sh --processes     every application in its own JVM too (logs in DATA/logs)
#   ./local-stack.sh --demo-exit     run the demo and stop
#   ./local-stack.sh --no-demo       start the stack only
#   ./local-stack.sh --data-dir D    keep state in D (default .vendstream-data)
#   ./local-stack.sh --key=value     any Spring setting, for every service (above environment variables)
# Environment variables set the services' settings too, e.g. VENDSTREAM_PROVIDERS_VTPASS_BASE_URL
# (see the README); MAVEN_ARGS adds Maven options to the build (e.g. MAVEN_ARGS=-o to build offline).
set -euo pipefail
cd "$(dirname "$0")"
DATA=.vendstream-data
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --data-dir) j=$((i + 1)) && DATA="${!j}" ;;
    --data-dir=*) DATA="${!i#--data-dir=}" ;;
  esac
done
mkdir -p "$DATA"
BUILD_LOG="$DATA/build.log"

# Maven's full output goes to the build log; the console gets one line per module, a running count of
# the dependencies downloaded (a first build fetches several hundred), errors and the result.
echo "Building vendstream (full output in $BUILD_LOG)"
if ! ./mvnw -B -DskipTests package 2>&1 | awk -v out="$BUILD_LOG" '
    { print > out; fflush(out) }
    /^\[INFO\] Building .*\[[0-9]+\/[0-9]+\]$/ {
      line = $0; sub(/^\[INFO\] Building /, "", line); gsub(/ +/, " ", line)
      print "  " line; fflush(); next }
    /Downloaded from / { n++; if (n % 100 == 0) { print "  " n " files downloaded"; fflush() }; next }
    /^\[ERROR\]/ || /BUILD (SUCCESS|FAILURE)/ { print "  " $0; fflush() }
    END { if (n % 100) print "  " n " files downloaded" }'; then
  echo "The build failed; the full output is in $BUILD_LOG" >&2
  exit 1
fi

LOGBACK="$PWD/deploy/target/classes/logback-stack.xml"
exec java ${VENDSTREAM_JAVA_OPTS:-} -Xmx1536m -XX:+UseSerialGC -Dspring.main.banner-mode=off -Dvendstream.log.file="$DATA/vendstream.log" \
  -Dlogback.configurationFile="$LOGBACK" -Dlogging.config="$LOGBACK" \
  -cp "deploy/target/classes:deploy/target/lib/*" com.vendstream.deploy.LocalStack "$@"
