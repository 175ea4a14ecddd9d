#!/usr/bin/env bash
# Builds vendstream (first run downloads Maven and the dependencies) and starts the local stack
# without Docker: Kafka (KRaft, from the Kafka jars), the schema registry, the MongoDB wire store,
# the provider sandbox and the four services on loopback, then places demo orders.
#   ./local-stack.sh               run until Ctrl-C
#   ./local-stack.sh --demo-exit   run the demo and stop
#   ./local-stack.sh --data-dir D  keep state in D (default .vendstream-data)
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -B -q -DskipTests install
DATA=.vendstream-data
for ((i = 1; i <= $#; i++)); do [ "${!i}" = "--data-dir" ] && j=$((i + 1)) && DATA="${!j}"; done
mkdir -p "$DATA"
LOGBACK="$PWD/deploy/target/classes/logback-stack.xml"
exec java ${VENDSTREAM_JAVA_OPTS:-} -Xmx1536m -XX:+UseSerialGC -Dspring.main.banner-mode=off -Dvendstream.log.file="$DATA/vendstream.log" \
  -Dlogback.configurationFile="$LOGBACK" -Dlogging.config="$LOGBACK" \
  -cp "deploy/target/classes:deploy/target/lib/*" com.vendstream.deploy.LocalStack "$@"
