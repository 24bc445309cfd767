#!/usr/bin/env bash
# Greylisting benchmark (docs/benchmarks.md, "Greylisting"): checks/s and per-check latency for
# the in-memory baseline, the embedded store and Redis (a redis-server started here on a free
# loopback port, stopped at the end). Usage: bench/greylist.sh [SECONDS_PER_PHASE]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
bench_build
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir" >"$dir/redis.log" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null; rm -rf "$dir"' EXIT
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
echo "# $(nproc) cores, $(java -version 2>&1 | head -1), redis $(redis-server --version | awk '{print $3}')"
java -Xms4g -Xmx4g -Dlogback.configurationFile=bench/logback-quiet.xml -cp "target/classes:target/test-classes:$(cat target/bench.cp)" \
  org.mxfront.bench.GreylistBench --seconds "${1:-5}" --redis-uri "redis://127.0.0.1:$port/0" 2>/dev/null
