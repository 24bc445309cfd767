#!/usr/bin/env bash
# The rspamd client's own CPU (docs/benchmarks.md, "Spam classification", "The client alone"): a
# private rspamd (bench/lib.sh's rspamd_start, the tests' settings) and SpamClientBench, which drives
# RspamdClient.check from virtual threads as the spam check does, in a JVM that does nothing else, and
# reports that JVM's CPU per request next to rspamd's. Each round runs every variant once, in turn:
# the harness alone (each request replaced by a 400 ms sleep: what running virtual threads at that
# rate costs the JVM, to take off the others), this build over TCP, this build over rspamd's Unix
# socket, and with BASELINE_JAR=path another build over TCP (a before/after with the same
# SpamClientBench). Loopback and a private socket only; needs rspamd and redis-server (as root rspamd
# runs as _rspamd).
# Usage: [BASELINE_JAR=path] [ROUNDS=3] bench/spam-client.sh [REQUESTS] [CONCURRENCY] [WARMUP_SECONDS]
#   (defaults 2000 32 30; the warm-up also lasts until 5,000 requests)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
N=${1:-2000}; C=${2:-32}; W=${3:-30}; ROUNDS=${ROUNDS:-3}
smoke && ROUNDS=1
bench_jar
bench_build
tmp=$(mktemp -d /tmp/spamclient.XXXX); chmod 755 "$tmp"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
REDIS=$(free_port); RN=$(free_port); RC=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$tmp"; }
trap cleanup EXIT
redis-server --port $REDIS --bind 127.0.0.1 --save '' --appendonly no --daemonize no > $tmp/redis.log 2>&1 & pids+=($!)
rspamd_start $tmp/rspamd $REDIS $RN $RC; pids+=($RSPAMD_PID)
for i in $(seq 120); do curl -sf 127.0.0.1:$RN/ping >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf 127.0.0.1:$RN/ping >/dev/null || { echo "rspamd did not start:"; cat $tmp/rspamd/out; exit 1; }
variants=("the harness alone (a 400 ms sleep for each request)|target/mxfront.jar|sleep:400"
  "this build, TCP|target/mxfront.jar|http://127.0.0.1:$RN" "this build, Unix socket|target/mxfront.jar|unix:$tmp/rspamd/run/normal.sock")
[ -n "${BASELINE_JAR:-}" ] && variants=("${variants[0]}" "baseline ($(basename "$BASELINE_JAR")), TCP|$BASELINE_JAR|http://127.0.0.1:$RN" "${variants[@]:1}")
echo "## The rspamd client alone (JDK $("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 's/.*version "\(.*\)".*/\1/p'), $(nproc) cores; $N requests, $C at a time, warm-up ${W} s; load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| round | client | requests | requests/s | client JVM CPU per request | heap allocated per request | rspamd CPU per request | client / rspamd |"
echo "|---|---|---|---|---|---|---|---|"
for r in $(seq "$ROUNDS"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r label jar url <<< "$v"
    # the bench class from the test classes, RspamdClient from the jar under test (test-classes has none)
    "$JAVA_HOME/bin/java" -Xmx256m "${bench_java_opts[@]}" -Dlogback.configurationFile=bench/logback-quiet.xml \
      -cp "target/test-classes:$jar" org.mxfront.bench.SpamClientBench "$url" $N $C $W $RSPAMD_PID "$label" 2>>$tmp/jvm.err \
      | sed "s/^| /| $r | /" || { echo "SpamClientBench failed:"; cat $tmp/jvm.err; exit 1; }
  done
done
