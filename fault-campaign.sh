#!/usr/bin/env bash
# The fault campaign: builds vendstream, starts a fresh local stack with every part in its own process
# (random free ports, so it never meets a running local stack), places N orders from concurrent clients
# while it kills (kill -9) and restarts each service, the Kafka broker and the store, arms the provider
# sandbox's faults and puts poison on the checkout topic; then checks that nothing acknowledged was lost,
# nothing was vended twice and every wallet balances to the minor unit. Exits 1 if any check fails.
#   ./fault-campaign.sh                       10,000 orders, a new seed (printed)
#   ./fault-campaign.sh --orders 2000 --seed 42
#   ./fault-campaign.sh --data-dir DIR        default .vendstream-campaign (emptied at the start)
#   other flags: --clients C (16), --kills-per-service K (3), --pause-seconds MIN-MAX (1-15),
#                --settle-minutes M (20), --quiet-minutes Q (3: audit once the orders still moving have not changed for Q)
# The result is printed and written to DIR/campaign/result.json; each process logs to DIR/logs, the
# campaign's own Kafka clients to a temporary folder (printed with the build log).
# MAVEN_ARGS adds Maven options to the build (e.g. MAVEN_ARGS=-o to build offline).
set -euo pipefail
exec "$(dirname "$0")/deploy/run-tool.sh" campaign -Xmx1g com.vendstream.deploy.campaign.FaultCampaign "$@"
