#!/usr/bin/env bash
# The provider sandbox on its own (all five providers' APIs, fault injection, call record), e.g. to
# point a connector or curl at it:
#   ./provider-sandbox.sh                       port 8090
#   ./provider-sandbox.sh --server.port=8091    any Spring setting as an argument
set -euo pipefail
cd "$(dirname "$0")"
./mvnw -B -q -DskipTests -pl provider-sandbox -am install
exec java -jar provider-sandbox/target/provider-sandbox-0.1.0-SNAPSHOT-exec.jar "$@"
