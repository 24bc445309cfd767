#!/usr/bin/env bash
# Milter benchmark (docs/benchmarks.md, "Milter door"): one private Postfix with two smtpd listeners,
# one without milters and one with smtpd_milters = mxfront (headers + attachments checks on), both
# relaying to smtp-sink; smtp-source drives them alternately in the same run, mxfront measured just
# after its start and warm; then 50 concurrent 10 MB messages through the milter while mxfront's
# heap is sampled from /metrics. Where cgroup v1's cpuacct is writable (as root here), the CPU time
# of the mail system (Postfix, smtp-source, smtp-sink) and of mxfront is measured per message too:
# on a shared, noisy machine the ratio of CPU per message is the figure other people's load cannot
# move (it is the throughput ratio a dedicated machine would see while the CPU is the limit).
# Loopback only; needs root, postfix, curl. Usage:
#   bench/milter.sh [MESSAGES] [SESSIONS] [BYTES]     (defaults 3000 20 5000; ROUNDS=3 warm rows)
# WARMUP_MESSAGES (default 8000) go through the milter, unmeasured, between the first row (mxfront
# just started) and the warm rows.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
N=${1:-3000}; S=${2:-20}; L=${3:-5000}
big=50; smoke && big=2   # the concurrent 10 MB messages of the heap run
bench_jar
tmp=$(mktemp -d /tmp/milterbench.XXXX); chmod 755 "$tmp"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
SINK=$(free_port); PLAIN=$(free_port); MILT=$(free_port); MPORT=$(free_port); HTTP=$(free_port)
pids=()
cg=/sys/fs/cgroup/cpuacct; cgm=""; cgx=""
if [ -w "$cg" ] && mkdir "$cg/mxbench-$$-mta" "$cg/mxbench-$$-mx" 2>/dev/null; then
  cgm=$cg/mxbench-$$-mta; cgx=$cg/mxbench-$$-mx
  echo $$ > "$cgm/cgroup.procs" # Postfix, smtp-source and smtp-sink, started from here, inherit it
fi
cleanup() {
  postfix -c "$tmp/pf/etc" stop >/dev/null 2>&1 || true; for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$cgm" ]; then
    echo $$ > "$cg/cgroup.procs"; sleep 1
    for g in "$cgm" "$cgx"; do while read -r p; do echo "$p" > "$cg/cgroup.procs" 2>/dev/null || true; done < "$g/cgroup.procs"; rmdir "$g" 2>/dev/null || true; done
  fi
}
trap cleanup EXIT
cpu_ns() { [ -n "$cgm" ] && echo "$(cat "$cgm/cpuacct.usage") $(cat "$cgx/cpuacct.usage")" || echo "0 0"; }

smtp-sink -u nobody 127.0.0.1:$SINK 1000 & pids+=($!)
pf=$tmp/pf; mkdir -p $pf/etc $pf/queue $pf/data; chown postfix $pf/data
cp /usr/share/postfix/main.cf.debian $pf/etc/main.cf
grep -v '^smtp      inet' /etc/postfix/master.cf > $pf/etc/master.cf
cat >> $pf/etc/master.cf <<EOT
127.0.0.1:$PLAIN inet n - n - - smtpd -o smtpd_milters=
127.0.0.1:$MILT inet n - n - - smtpd -o smtpd_milters=inet:127.0.0.1:$MPORT
EOT
postconf -c $pf/etc -e compatibility_level=3.6 queue_directory=$pf/queue data_directory=$pf/data \
  inet_interfaces=127.0.0.1 inet_protocols=ipv4 mydestination= relay_domains=example.com \
  "transport_maps=inline:{example.com=smtp:[127.0.0.1]:$SINK}" maillog_file=$pf/maillog maillog_file_prefixes=$pf \
  shlib_directory=/usr/lib/postfix milter_default_action=tempfail milter_protocol=6 message_size_limit=52428800 \
  default_process_limit=200 smtpd_client_connection_count_limit=0 smtpd_client_connection_rate_limit=0
postfix -c $pf/etc start >/dev/null

cat > $tmp/mxfront.yml <<EOT
server: {hostname: mx.bench}
smtp: {enabled: false}
milter: {enabled: true, listen: "127.0.0.1:$MPORT"}
metrics: {listen: "127.0.0.1:$HTTP"}
state-directory: $tmp/state
checks:
  relay: {}
  message-size: {}
  headers: {}
  attachments: {}
EOT
start_mx() {
  "$JAVA_HOME/bin/java" -Xmx512m -Dlogback.configurationFile=bench/logback-quiet.xml -jar target/mxfront.jar run --config $tmp/mxfront.yml > $tmp/mx.log 2>&1 &
  MXPID=$!; pids+=($MXPID)
  [ -z "$cgx" ] || echo $MXPID > "$cgx/cgroup.procs"
  for i in $(seq 100); do curl -sf 127.0.0.1:$HTTP/metrics >/dev/null && break; sleep 0.1; done
}
# messages/s of one smtp-source run to PORT (all N accepted, else it stops: smtp-source exits on an unexpected reply)
run() { # port -> "msg/s cpu_us_per_msg_mta cpu_us_per_msg_mxfront"
  local t0 t1 c0 c1
  c0=$(cpu_ns); t0=$(date +%s.%N)
  smtp-source -s $S -m $N -l $L -f bench@sender.example -t bob@example.com 127.0.0.1:$1
  t1=$(date +%s.%N); c1=$(cpu_ns)
  python3 -c "
a=[int(x) for x in '$c0'.split()]; b=[int(x) for x in '$c1'.split()]
print(round($N/($t1-$t0)), round((b[0]-a[0])/1e3/$N), round((b[1]-a[1])/1e3/$N))"
}
row() { # name plain-line milter-line
  python3 - "$@" <<'PY'
import sys
name, p, m = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
cpu_p, cpu_m = p[1] + p[2], m[1] + m[2]
cpu = f"{cpu_p} | {m[1]} + {m[2]} = {cpu_m} | {cpu_p / cpu_m:.2f}" if cpu_m else "- | - | -"
print(f"| {name} | {p[0]} | {m[0]} | {m[0] / p[0]:.2f} | {cpu} |")
PY
}
heap() { curl -s 127.0.0.1:$HTTP/metrics | awk 'index($0, "jvm_memory_used_bytes{area=\"heap\"") == 1 {s+=$NF} END {printf "%.0f", s/1048576}'; }

start_mx
echo "commands: smtp-source -s $S -m $N -l $L -f bench@sender.example -t bob@example.com 127.0.0.1:PORT"
echo "| run | Postfix alone (msg/s) | Postfix + mxfront milter (msg/s) | ratio | CPU µs/msg, Postfix alone | CPU µs/msg with the milter: Postfix + mxfront | CPU ratio |"
echo "|---|---|---|---|---|---|---|"
cold_m=$(run $MILT); cold_p=$(run $PLAIN)
row "mxfront just started" "$cold_p" "$cold_m"
# warm-up: the JIT takes several thousand milter conversations to settle
[ "${WARMUP_MESSAGES:-8000}" -gt 0 ] && smtp-source -s $S -m "${WARMUP_MESSAGES:-8000}" -l $L -f bench@sender.example -t bob@example.com 127.0.0.1:$MILT
for r in $(seq 1 "${ROUNDS:-3}"); do
  p=$(run $PLAIN); m=$(run $MILT)
  row "warm $r" "$p" "$m"
done
echo
echo "heap before the 10 MB run: $(heap) MiB"
( smtp-source -s $big -m $big -l 10000000 -f big@sender.example -t bob@example.com 127.0.0.1:$MILT ) &
bigpid=$!; peak=0
while kill -0 $bigpid 2>/dev/null; do h=$(heap); [ "$h" -gt "$peak" ] && peak=$h; sleep 0.5; done
wait $bigpid && echo "$big x 10 MB through the milter: all accepted" || { echo "$big x 10 MB: smtp-source failed"; exit 1; }
echo "heap peak during $big concurrent 10 MB messages: $peak MiB (-Xmx512m); after: $(heap) MiB"
curl -s 127.0.0.1:$HTTP/metrics | grep -E '^mxfront_milter_messages_total' || true
