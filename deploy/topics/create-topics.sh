#!/usr/bin/env bash
# Creates vendstream's topics on a real Kafka cluster (Compose's kafka-init, or by hand):
#   create-topics.sh <bootstrap-servers>
# Kept equal to the catalogue in schemas (com.vendstream.schemas.topic.Topics) by TopicScriptTest.
set -euo pipefail
BOOTSTRAP="${1:-localhost:9092}"
KT=/opt/kafka/bin/kafka-topics.sh
[ -x "$KT" ] || KT=kafka-topics.sh
create() {
  local topic="$1" partitions="$2"; shift 2
  local configs=(); for c in "$@"; do configs+=(--config "$c"); done
  "$KT" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$topic" --partitions "$partitions" \
    --replication-factor "${RF:-1}" ${configs[@]+"${configs[@]}"}
}
create vendstream.checkout.orders 6 retention.ms=604800000
create vendstream.orders 6 retention.ms=2592000000
create vendstream.vend.requests 6 retention.ms=2592000000
create vendstream.vend.outcomes 6 retention.ms=2592000000
create vendstream.vend.resolutions 6 retention.ms=2592000000
create vendstream.payments 6 retention.ms=2592000000
create vendstream.payment.resolutions 6 retention.ms=2592000000
create vendstream.recon.ledgers 3 cleanup.policy=compact
create vendstream.recon.discrepancies 3 cleanup.policy=compact
create vendstream.ops.audit 3 retention.ms=34560000000
create vendstream.ops.decisions 6 retention.ms=2592000000
# Dead-letter topics, <topic>.<group>.dlq for each consumer group of the catalogue (Topics.deadLetterTopics), with
# their topic's partitions, kept until each record is re-driven or discarded (Topics.deadLetterConfigs: no time or
# size retention). Services also create them at start when the binder creates topics (service-kit).
create vendstream.checkout.orders.order-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.orders.reconciliation-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.vend.requests.vend-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.vend.outcomes.order-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.vend.outcomes.status-poller.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.vend.outcomes.reconciliation-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.vend.resolutions.order-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.vend.resolutions.reconciliation-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.vend.resolutions.ops-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.payments.status-poller.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.payments.reconciliation-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.payment.resolutions.order-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.payment.resolutions.reconciliation-service.dlq 6 retention.ms=-1 retention.bytes=-1
create vendstream.ops.decisions.status-poller.dlq 6 retention.ms=-1 retention.bytes=-1
