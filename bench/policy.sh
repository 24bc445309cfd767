#!/usr/bin/env bash
# Policy-delegation benchmark (docs/benchmarks.md, "Policy delegation"): requests/s and p50/p99 per
# request over Postfix's wire protocol, mxfront's policy door (DNSBL against a loopback rbldnsd +
# greylisting, embedded store) against Debian's postgrey (greylisting only), same run, same request
# mix, same load client (org.mxfront.bench.PolicyLoad: CONNECTIONS connections at once, each sending
# RCPT requests one after the other, a new instance per request, tuples from a pool of POOL).
# Each server: every tuple once (greylisted), a pause past the 1 s delay, every tuple again (passes),
# WARMUP seconds of load, then the measured run (warm); then the server is restarted on the same state
# and measured at once (shortly after restart: cold JIT, empty DNS cache, store reopened).
# Three figures per state: saturation (requests back to back on every connection: requests/s, and
# p50/p99, which then include queueing), latency at a fixed offered load of RATE requests/s (default
# 1000, below postgrey's capacity, so both are measured unsaturated), and the server's CPU time per
# request (user + system from /proc; its inverse is the requests/s one core would give).
# Usage: bench/policy.sh [CONNECTIONS] [REQUESTS] [POOL]   (defaults 50 50000 2000; WARMUP=20 RATE=1000,
# RATE_SECONDS=10: the fixed-load runs last that long; SERVERS=mxfront measures mxfront alone)
# Bounded: fixed request counts (each run at most 120 s), loopback only; stops what it started. Root.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
connections=${1:-50}; requests=${2:-50000}; pool=${3:-2000}; warmup=${WARMUP:-20}
[ "$(id -u)" -eq 0 ] || { echo "needs root (postgrey and rbldnsd drop privileges)" >&2; exit 1; }
bench_jar
bench_build
work=$(mktemp -d /tmp/mxfront-policy-bench.XXXXXX); chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket,sys;s=socket.socket(socket.AF_INET,getattr(socket,sys.argv[1]));s.bind(("127.0.0.1",0));print(s.getsockname()[1])' "${1:-SOCK_STREAM}"; }
wait_port() { for _ in $(seq 1 200); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load() { # port requests seconds run-name [rate] -> the load client's line
  java -Xmx512m -cp "target/test-classes:$(cat target/bench.cp)" org.mxfront.bench.PolicyLoad \
    --port "$1" --connections "$connections" --requests "$2" --pool "$pool" --seconds "$3" --run "$4" --rate "${5:-0}"
}
measure() { # port pid requests run-name [rate] -> the load line plus the server's CPU per request
  local c0 c1 line
  c0=$(cpu_ticks "$2")
  line=$(load "$1" "$3" 120 "$4" "${5:-0}")
  c1=$(cpu_ticks "$2")
  python3 -c "import os,sys; n=int(sys.argv[1].split()[1]); print(sys.argv[1] + f' server_cpu_us_per_request {($c1-$c0)/os.sysconf(\"SC_CLK_TCK\")/max(n,1)*1e6:.0f}')" "$line"
}

# rbldnsd: RFC 5782's test point and one client in a hundred of the pool listed
dns=$(free_port SOCK_DGRAM)
mkdir -p "$work/rbl"; chmod 755 "$work/rbl"
{ echo ':127.0.0.2:Listed in the bench SBL'; echo 127.0.0.2
  for k in $(seq 0 100 $((pool - 1))); do echo "10.1.$((k / 250)).$((k % 250 + 1))"; done; } > "$work/rbl/sbl"
chmod 644 "$work/rbl/sbl"
rbldnsd -n -b 127.0.0.1/"$dns" -w "$work/rbl" -u nobody zen.test:ip4set:sbl > "$work/rbldnsd.log" 2>&1 & pids+=($!)
sleep 0.5

mx=$(free_port)
cat > "$work/mxfront.yml" <<YML
server: { hostname: mx.bench }
smtp: { enabled: false }
policy-server: { enabled: true, listen: "127.0.0.1:$mx", max-connections: 1000 }
relay-networks: []
state-directory: $work/state-mxfront
metrics: { listen: "" }
dns: { resolvers: ["127.0.0.1:$dns"] }
checks:
  dnsbl:
    zones:
      - zone: zen.test
        name: the bench SBL
        answers: [{ addresses: [127.0.0.2], code: sbl-listed }]
  greylist: { delay: 1s, ipv4-prefix: 32, auto-allow-after: 0, allow-clients-file: "" }
YML
java -jar target/mxfront.jar check-config "$work/mxfront.yml" >/dev/null
mx_pid=""
start_mxfront() {
  java ${MXFRONT_JAVA_OPTS:-} -Dlogback.configurationFile=bench/logback-quiet.xml -jar target/mxfront.jar run --config "$work/mxfront.yml" \
    >> "$work/mxfront.log" 2>&1 & mx_pid=$!; pids+=($mx_pid)
  wait_port "$mx"
}
stop_mxfront() { kill "$mx_pid"; wait "$mx_pid" 2>/dev/null || true; }

pg=$(free_port)
mkdir -p "$work/postgrey"; [[ " ${SERVERS:-postgrey} " != *" postgrey "* ]] || chown postgrey "$work/postgrey"
: > "$work/empty"; chmod 644 "$work/empty"
pg_pid=""
start_postgrey() { # the same rules: 1 s delay, each address its own client, no auto-allowing, no lists
  postgrey --inet=127.0.0.1:"$pg" --dbdir="$work/postgrey" --delay=1 --lookup-by-host --auto-whitelist-clients=0 \
    --whitelist-clients="$work/empty" --whitelist-recipients="$work/empty" --hostname=mx.bench \
    >> "$work/postgrey.log" 2>&1 & pg_pid=$!; pids+=($pg_pid)
  wait_port "$pg"
}
stop_postgrey() { kill "$pg_pid"; wait "$pg_pid" 2>/dev/null || true; }

echo "# $(nproc) cores, $(java -version 2>&1 | head -1), postgrey $(dpkg-query -W -f '${Version}' postgrey), rbldnsd $(dpkg-query -W -f '${Version}' rbldnsd)"
echo "# load average before the run: $(cut -d" " -f1-3 /proc/loadavg)"
echo "# $connections connections, $requests requests per measured run, pool of $pool tuples, warm-up ${warmup}s"
rate=${RATE:-1000}; rate_seconds=${RATE_SECONDS:-10}
declare -A warm_line cold_line
pid_of() { [ "$1" = mxfront ] && echo "$mx_pid" || echo "$pg_pid"; }
for server in ${SERVERS:-postgrey mxfront}; do
  start_$server
  port=$([ $server = mxfront ] && echo "$mx" || echo "$pg")
  echo "$server prime:  $(load "$port" "$pool" 120 prime)"
  sleep 2
  echo "$server pass:   $(load "$port" "$pool" 120 pass)"
  [ "$warmup" -gt 0 ] && echo "$server warm-up: $(load "$port" 100000000 "$warmup" warmup)"
  warm_line[$server]=$(measure "$port" "$(pid_of $server)" "$requests" warm)
  echo "$server warm, saturation:      ${warm_line[$server]}"
  echo "$server warm, at $rate/s:       $(measure "$port" "$(pid_of $server)" $((rate * rate_seconds)) warmrate "$rate")"
  stop_$server
  start_$server
  cold_line[$server]=$(measure "$port" "$(pid_of $server)" "$requests" cold)
  echo "$server after restart, saturation: ${cold_line[$server]}"
  echo "$server after restart, at $rate/s:  $(measure "$port" "$(pid_of $server)" $((rate * rate_seconds)) coldrate "$rate")"
  stop_$server
done
[ -z "${SERVERS:-}" ] || exit 0
rps() { sed -E 's/.* rps ([0-9]+) .*/\1/' <<< "$1"; }
python3 - "$(rps "${warm_line[mxfront]}")" "$(rps "${warm_line[postgrey]}")" "$(rps "${cold_line[mxfront]}")" "$(rps "${cold_line[postgrey]}")" <<'PY'
import sys
mw, pw, mc, pc = map(float, sys.argv[1:])
print(f"ratio mxfront/postgrey requests/s: warm {mw/pw:.1f}x, shortly after restart {mc/pc:.1f}x")
PY
