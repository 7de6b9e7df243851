#!/usr/bin/env bash
# Starts a 3-node Visq cluster on 127.0.0.1 in separate JVMs: a learner node (the seed), a rollout node and a
# router node (gRPC on $VISQ_GRPC_PORT, default 8080). Logs go to runs/cluster/<node>.log; stop with
#   kill $(cat runs/cluster/*.pid)
set -euo pipefail
cd "$(dirname "$0")/.."
./visq build >/dev/null
mkdir -p runs/cluster
SEED="akka://visq@127.0.0.1:25520"
start() { # name port roles extra-env...
  local name=$1 port=$2 roles=$3; shift 3
  env VISQ_HOST=127.0.0.1 VISQ_PORT="$port" VISQ_SEED="$SEED" VISQ_ROLES="$roles" "$@" \
    ./visq node --config multi-node.conf >"runs/cluster/$name.log" 2>&1 &
  echo $! >"runs/cluster/$name.pid"
  echo "started $name (pid $!, port $port, roles $roles)"
}
start learner 25520 learner
start rollout 25521 rollout
start router 25522 router,rollout VISQ_GRPC_PORT="${VISQ_GRPC_PORT:-8080}"
echo "gRPC on 127.0.0.1:${VISQ_GRPC_PORT:-8080}; try: ./visq status --port ${VISQ_GRPC_PORT:-8080}"
