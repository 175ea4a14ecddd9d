#!/usr/bin/env bash
# Re-drives a dead-letter topic: republishes each dead letter (its key, value and headers, without the
# dead-letter headers) to the topic it came from, committing as it goes, so it can be run again.
#   ./redrive.sh vendstream.checkout.orders.order-service.dlq --dry-run      list what would be re-driven
#   ./redrive.sh vendstream.checkout.orders.order-service.dlq                re-drive it
#   ./redrive.sh <dlq-topic> --to <topic>                                   send to another topic
#   ./redrive.sh <dlq-topic> --bootstrap-servers host:9093 --command-config client.properties   (TLS/SASL)
# The brokers default to VENDSTREAM_KAFKA_BOOTSTRAP_SERVERS, else localhost:9092 (the local stack); it connects as the
# services do with VENDSTREAM_KAFKA_SECURITY_PROTOCOL, VENDSTREAM_KAFKA_SASL_MECHANISM/_USERNAME/_PASSWORD and
# VENDSTREAM_KAFKA_SSL_TRUSTSTORE_LOCATION/_TYPE/_PASSWORD.
# Uses the local stack's build (deploy/target); builds it first if it is not there.
# What a re-driven record is comes from service-kit's DeadLetterRecords, which ops-service's back office shares
# for its one-record re-drive and discard; this tool does not know the back office's dispositions (it re-drives
# records discarded there too), so use one or the other for a topic.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d deploy/target/lib ]; then
  ./mvnw -B -q -DskipTests -pl deploy -am package
fi
exec java -Dlogback.configurationFile=logback-redrive.xml \
  -cp "deploy/target/classes:deploy/target/lib/*" com.vendstream.kit.deadletter.Redrive "$@"
