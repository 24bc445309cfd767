#!/usr/bin/env bash
# The policy store at hosting scale. Part 1 (PolicyStoreBench, in the JVM): a store of DOMAINS
# domains and ENTRIES list entries (default 100,000 and 1,000,000) on a private PostgreSQL 15 (when
# run as root with Debian's postgresql; else the embedded H2): time to load it at start, heap held,
# the RCPT lookup warm (p50, p99), the snapshot file, and the time from a change committed through
# one host to its use by a second host polling the same database (p50, p99 over SAMPLES changes).
# Part 2: end-to-end throughput (smtp-source -> mxfront -> smtp-sink, the backbone checks of
# bench/throughput.sh) with the store and the policy-lists check on (that store, a recipient in one of
# its domains) against the same daemon build with them off, ROUNDS rounds, medians, CPU per message.
# Usage: bench/policy-store.sh [SESSIONS] [MESSAGES]   Environment: DOMAINS, ENTRIES, SAMPLES, ROUNDS (3),
# WARMUP (seconds, 30). Bounded: fixed message counts to 127.0.0.1; stops what it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
sessions=${1:-20}; messages=${2:-5000}
domains=${DOMAINS:-100000}; entries=${ENTRIES:-1000000}; samples=${SAMPLES:-40}; rounds=${ROUNDS:-3}
work=$(mktemp -d /tmp/mxfront-pstore.XXXXXX); chmod 755 "$work"
pids=()
PG=/usr/lib/postgresql/15/bin
pg_on=""
cleanup() {
  for p in "${pids[@]}"; do kill -- "$p" 2>/dev/null || true; done
  if [ -n "$pg_on" ]; then su postgres -s /bin/sh -c "$PG/pg_ctl -D $work/pg/data -m fast -w stop" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 1800); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }

if [ "$(id -u)" -eq 0 ] && [ -x "$PG/initdb" ]; then
  pgport=$(free_port); mkdir -p "$work/pg"; chown postgres "$work/pg"
  su postgres -s /bin/sh -c "$PG/initdb -D $work/pg/data -U mx --auth=trust -E UTF8" >/dev/null
  su postgres -s /bin/sh -c "$PG/pg_ctl -D $work/pg/data -o '-k $work/pg -h 127.0.0.1 -p $pgport' -l $work/pg/pg.log -w start" >/dev/null
  pg_on=1
  jdbc="jdbc:postgresql://127.0.0.1:$pgport/postgres"; user=mx
  store_yaml="policy-store: { enabled: true, url: \"postgresql://127.0.0.1:$pgport/postgres\", user: mx }"
  echo "store: PostgreSQL 15 on 127.0.0.1:$pgport"
else
  jdbc="jdbc:h2:file:$work/state-on/policy-store;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE"; user=""
  store_yaml="policy-store: { enabled: true }"
  echo "store: embedded H2 ($work/state-on)"
fi

bench_build
echo "== part 1: $domains domains, $entries entries"
java -Xmx4g "${bench_java_opts[@]}" -Ddomains="$domains" -Dentries="$entries" -Dsamples="$samples" -Dlogback.configurationFile=bench/logback-quiet.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench.cp)" org.mxfront.bench.PolicyStoreBench "$jdbc" "$user" | tee "$work/part1.txt"

echo "== part 2: throughput, lists off vs on ($sessions sessions, $messages messages, $rounds rounds)"
bench_jar
jar=$here/target/mxfront.jar
user_flag=(); [ "$(id -u)" -eq 0 ] && user_flag=(-u nobody)
sink=$(free_port)
smtp-sink "${user_flag[@]}" 127.0.0.1:"$sink" 1024 & pids+=($!)
wait_port "$sink"
declare -A port jvm
start() { # name extra-yaml
  local p; p=$(free_port); port[$1]=$p
  cat > "$work/$1.yml" <<YML
server: { hostname: mx.bench }
smtp: { listen: 127.0.0.1:$p, max-connections: 2000 }
downstream: { address: 127.0.0.1:$sink, max-idle: 64 }
relay-networks: []
state-directory: $work/state-$1
metrics: { listen: "" }
domains: { example.com: {} }
$2
YML
  java -Xmx2g ${MXFRONT_JAVA_OPTS:-} -jar "$jar" run --config "$work/$1.yml" > "$work/$1.log" 2>&1 & pids+=($!)
  jvm[$1]=$!
  wait_port "$p"
}
checks_off="checks:
  connection-limit: { max-per-client: 1000 }
  helo: {}
  relay: {}
  recipient-limit: {}
  message-size: {}
  received-hops: {}"
checks_on="$checks_off
  policy-lists: {}
$store_yaml"
start off "$checks_off"
start on "$checks_on"
# the "on" daemon loads the store's snapshot before it listens (start waited for its port)
grep "policy store: version" "$work/on.log" | tail -1 || true
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_rcpt() { # name rcpt
  local c0 c1 t0 t1
  c0=$(cpu "${jvm[$1]}"); t0=$(date +%s.%N)
  timeout 600 smtp-source -s "$sessions" -m "$messages" -l 4096 -M client.bench.example \
    -f sender@sender.example -t "$2" 127.0.0.1:"${port[$1]}" >/dev/null
  t1=$(date +%s.%N); c1=$(cpu "${jvm[$1]}")
  python3 -c "import os; t=os.sysconf('SC_CLK_TCK'); print(f'{$messages/($t1-$t0):.0f} {($c1-$c0)/t/$messages*1e6:.0f}')"
}
for n in off on; do
  [ "${WARMUP:-30}" -gt 0 ] || continue
  timeout "${WARMUP:-30}" smtp-source -s "$sessions" -m 1000000 -l 4096 -M client.bench.example \
    -f sender@sender.example -t user@example.com 127.0.0.1:"${port[$n]}" >/dev/null 2>&1 || true
done
declare -A res
for r in $(seq 1 "$rounds"); do
  for n in off on; do res[$n]+="$(run_rcpt "$n" user@example.com);"; done
done
python3 - "$work/part1.txt" "${res[off]}" "${res[on]}" <<'PY'
import sys, statistics
off = [tuple(map(float, x.split())) for x in sys.argv[2].split(';') if x]
on = [tuple(map(float, x.split())) for x in sys.argv[3].split(';') if x]
mo, mn = statistics.median(x[0] for x in off), statistics.median(x[0] for x in on)
co, cn = statistics.median(x[1] for x in off), statistics.median(x[1] for x in on)
print(f"throughput lists off: {mo:.0f} msg/s ({co:.0f} µs CPU/msg); lists on: {mn:.0f} msg/s ({cn:.0f} µs CPU/msg); ratio on/off {mn/mo:.3f}")
print("rounds off:", [int(x[0]) for x in off], "on:", [int(x[0]) for x in on])
PY
