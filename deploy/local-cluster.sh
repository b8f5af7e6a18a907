#!/usr/bin/env bash
# Runs a cluster of N engine nodes on this machine against one PostgreSQL database, for trying out and testing
# multi-node behaviour. Ctrl-C stops every node (each one leaves the cluster cleanly).
#
#   deploy/local-cluster.sh [N]                       (default 3 nodes)
#
# Node i listens for HTTP on 8080+i and for the cluster on 25520+i; node 0 is the seed. Settings:
#   DISPATCH_DB_URL       default jdbc:postgresql://127.0.0.1:5432/dispatch (the database must exist)
#   DISPATCH_DB_USER      default postgres
#   DISPATCH_DB_PASSWORD  default empty
#   DISPATCH_ADMIN_TOKEN  default: generated once and printed
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=${1:-3}
jar=http/target/dispatch-engine.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package

export DISPATCH_DB_URL=${DISPATCH_DB_URL:-jdbc:postgresql://127.0.0.1:5432/dispatch}
export DISPATCH_DB_USER=${DISPATCH_DB_USER:-postgres}
export DISPATCH_DB_PASSWORD=${DISPATCH_DB_PASSWORD:-}
if [ -z "${DISPATCH_ADMIN_TOKEN:-}" ]; then
  DISPATCH_ADMIN_TOKEN="dadm_$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)"
  echo "Platform admin token for this cluster: $DISPATCH_ADMIN_TOKEN"
fi
export DISPATCH_ADMIN_TOKEN
export DISPATCH_SEED_NODES="pekko://dispatch@127.0.0.1:25520"

logs=data/local-cluster
mkdir -p "$logs"
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop_all INT TERM EXIT

for ((i = 0; i < nodes; i++)); do
  DISPATCH_HTTP_PORT=$((8080 + i)) DISPATCH_CLUSTER_PORT=$((25520 + i)) DISPATCH_DATA_DIR="$logs/node-$i" \
    java -Dconfig.file=cluster.conf -jar "$jar" >"$logs/node-$i.log" 2>&1 &
  pids+=("$!")
  echo "node $i: http://127.0.0.1:$((8080 + i))  log: $logs/node-$i.log"
done

for ((i = 0; i < nodes; i++)); do
  until curl -fsS "http://127.0.0.1:$((8080 + i))/health/ready" >/dev/null 2>&1; do
    kill -0 "${pids[$i]}" 2>/dev/null || { echo "node $i exited; see $logs/node-$i.log" >&2; exit 1; }
    sleep 1
  done
  echo "node $i is ready"
done
echo "Cluster of $nodes nodes is up. Ctrl-C stops it."
wait
