#!/usr/bin/env bash
# The benchmark: builds vendstream, starts a fresh local stack with every part in its own process (random free
# ports, so it never meets a running local stack; --shared-jvm runs the registry, the sandbox and the services in
# the benchmark's JVM), places orders of the load run's outcome mix and mobile money at an open-loop rate, follows
# each order on the topics, samples consumer lag, CPU and resident memory per process, checks at the end that no
# order was vended twice and every order is final, and measures the broker alone with records of the same count
# and size. Exits 1 if an invariant failed.
#   ./benchmark.sh                            50 orders/s for 5 minutes
#   ./benchmark.sh --rate 200 --duration PT10M
#   ./benchmark.sh --closed-loop 64           64 clients, each waiting for its answer
#   ./benchmark.sh --find-max [--rate 50 --step PT60S --step-factor 1.5]
#   other flags: --data-dir DIR (.vendstream-bench, emptied at the start), --settle PT3M, --sample-every PT5S,
#                --max-outstanding 2000, --seed 13, --sandbox-latency PT0.02S, --max-rate 5000, --shared-jvm,
#                --warmup PT30S (orders before the measured run, left out of its figures),
#                --instances N (processes of each service, default 1; orders go to the order-service ones in turn)
# Results: DIR/bench/result.json and DIR/bench/report.html (self-contained); each process logs to DIR/logs.
# MAVEN_ARGS adds Maven options to the build (e.g. MAVEN_ARGS=-o to build offline).
set -euo pipefail
# The benchmark keeps every order's timeline; with --shared-jvm the applications live in its heap too.
HEAP=-Xmx1g
for arg in "$@"; do [ "$arg" = "--shared-jvm" ] && HEAP=-Xmx2g; done
exec "$(dirname "$0")/deploy/run-tool.sh" benchmark "$HEAP" com.vendstream.deploy.bench.Benchmark "$@"
