#!/usr/bin/env bash
# Rate-limit benchmark (docs/benchmarks.md, "Rate limits"): checks/s and per-check latency of the
# rate-limit check for a lock-free in-memory map (the baseline), the embedded store and Redis (a
# redis-server started here on a free loopback port, stopped at the end), each in a fresh JVM (its
# first seconds are the cold figure), from 1 and 2 threads. About 2 minutes with the default.
# Usage: bench/ratelimit.sh [SECONDS_PER_RUN]   (default 2; each warm row is the median of three runs)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
secs=${1:-2}
bench_build
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir" >"$dir/redis.log" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null; rm -rf "$dir"' EXIT
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
echo "# $(nproc) cores, $(java -version 2>&1 | head -1), redis $(redis-server --version | awk '{print $3}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
bench() {
  timeout 120 java -Xms1g -Xmx1g -Dlogback.configurationFile=bench/logback-quiet.xml \
    -cp "target/classes:target/test-classes:$(cat target/bench.cp)" org.mxfront.bench.RateLimitBench \
    --seconds "$secs" --redis-uri "redis://127.0.0.1:$port/0" "$@" 2>/dev/null
}
echo "| store | phase | threads | checks/s | vs baseline (memory, warm, under, 1 thread) | p50 per check | p99 per check | slowest check | refused |"
echo "|---|---|---|---|---|---|---|---|---|"
rows=$(bench --store memory)
echo "$rows"
base=$(echo "$rows" | sed -n 2p | awk -F'|' '{gsub(/[ ,]/,"",$5); print $5}')
bench --store embedded --baseline "$base"
bench --store redis --baseline "$base"
