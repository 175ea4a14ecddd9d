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
exec java -Xmx1536m -XX:+UseSerialGC -cp "deploy/target/classes:deploy/target/lib/*" com.vendstream.deploy.LocalStack "$@"
