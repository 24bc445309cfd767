#!/usr/bin/env bash
# End-to-end throughput on loopback, measured in one run so the ratios hold on a noisy machine:
#   smtp-source -> smtp-sink                 (the ceiling)
#   smtp-source -> mxfront -> smtp-sink      (backbone checks on: nobody may relay, HELO and limits checked)
#   smtp-source -> Postfix -> smtp-sink      (a private Postfix instance, smtpd accepting into its queue)
#   smtp-source -> Haraka  -> smtp-sink      (npm Haraka@3, nodes=cpus, smtp_forward; skipped if not installed)
# Postfix is measured as smtp-source sees it (its answers, not its later delivery to the sink); its
# queue is left to drain before the next run so that the delivery does not slow the next server.
# Usage: bench/throughput.sh [SESSIONS] [MESSAGES] [BYTES] [extra smtp-source flags, e.g. -d]
# Environment: ROUNDS (default 3) measured rounds, each running every server once in turn, the figure
# reported being each server's median; WARMUP (seconds, default 60) of the same load on each server
# before the first round, so that the JVM's JIT (and Node's) has compiled the hot path — a daemon on
# a real MX runs warm; WARMUP=0 measures cold start. WARMUP_MESSAGES=N instead warms each server with
# exactly N messages and no second pass: "lukewarm", a daemon shortly after a restart (use ROUNDS=1:
# later rounds are warmer; repeat the whole run for a median; add the AOT cache with
# MXFRONT_JAVA_OPTS=-XX:AOTCache=target/mxfront.aot after `mvn -Paot package`). MXFRONT_JAVA_OPTS: extra JVM flags for mxfront.
# MXFRONT_EXTRA_YAML: settings appended to the measured mxfront's configuration only (the journal: see below).
# MXFRONT_JAR: the jar to measure (default target/mxfront.jar). BASELINE_JAR: another build of mxfront
# (say, the last release) run beside it as "baseline", same load, same rounds: a before/after in one run.
# For each mxfront the CPU it used per message (user + system, from /proc) is reported too.
# Bounded: every run is a fixed number of messages (the warm-up a fixed time) to 127.0.0.1 and the
# script stops what it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sessions=${1:-20}; messages=${2:-5000}; bytes=${3:-4096}; shift 3 2>/dev/null || shift $#
extra=("$@")
work=$(mktemp -d /tmp/mxfront-bench.XXXXXX); chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -- "$p" 2>/dev/null || true; done
  [ -d "$work/pf/etc" ] && postfix -c "$work/pf/etc" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
user=(); [ "$(id -u)" -eq 0 ] && user=(-u nobody)

sink=$(free_port)
smtp-sink "${user[@]}" 127.0.0.1:"$sink" 1024 & pids+=($!)
wait_port "$sink"

jar=${MXFRONT_JAR:-$here/target/mxfront.jar}
[ -f "$jar" ] || bench_jar
declare -A jvm_pid
start_mxfront() { # name jar port -> starts it, records its pid
  local name=$1 jarfile=$2 port=$3
  # The listener's keys moved from server: to smtp: when the doors got sections of their own; an
  # older baseline jar gets the older shape.
  local listen="server: { hostname: mx.bench }
smtp: { listen: 127.0.0.1:$port, max-connections: 2000 }"
  local try
  for try in new old; do
    [ "$try" = old ] && listen="server: { hostname: mx.bench, listen: 127.0.0.1:$port, max-connections: 2000 }"
    cat > "$work/$name.yml" <<YML
$listen
downstream: { address: 127.0.0.1:$sink, max-idle: 64 }
relay-networks: []
state-directory: $work/state-$name
metrics: { listen: "" }
checks:
  connection-limit: { max-per-client: 1000 }
  helo: {}
  relay: {}
  recipient-limit: {}
  message-size: {}
  received-hops: {}
YML
    # MXFRONT_EXTRA_YAML: more top-level settings for the measured mxfront only (not the baseline), e.g.
    # "policy-store: { enabled: true }" to measure the decision journal against BASELINE_JAR=target/mxfront.jar
    if [ "$name" = mxfront ] && [ -n "${MXFRONT_EXTRA_YAML:-}" ]; then printf '%s\n' "$MXFRONT_EXTRA_YAML" >> "$work/$name.yml"; fi
    java -jar "$jarfile" check-config "$work/$name.yml" >/dev/null 2>&1 && break
  done
  # The JVM's defaults (G1), as systemd/mxfront.service runs it.
  java ${MXFRONT_JAVA_OPTS:-} -jar "$jarfile" run --config "$work/$name.yml" > "$work/$name.log" 2>&1 & pids+=($!)
  jvm_pid[$name]=$!
  wait_port "$port"
}
mx=$(free_port)
start_mxfront mxfront "$jar" "$mx"
base_port=""
if [ -n "${BASELINE_JAR:-}" ]; then base_port=$(free_port); start_mxfront baseline "$BASELINE_JAR" "$base_port"; fi

pf_port=""
if [ "$(id -u)" -eq 0 ] && command -v postfix >/dev/null; then
  pf=$work/pf; mkdir -p "$pf/etc" "$pf/queue" "$pf/data"; chown postfix "$pf/data"
  pf_port=$(free_port)
  cp /usr/share/postfix/main.cf.debian "$pf/etc/main.cf"
  sed "s/^smtp      inet.*/127.0.0.1:$pf_port inet n - n - - smtpd/" /etc/postfix/master.cf > "$pf/etc/master.cf"
  postconf -c "$pf/etc" -e compatibility_level=3.6 queue_directory="$pf/queue" data_directory="$pf/data" \
    inet_interfaces=127.0.0.1 inet_protocols=ipv4 mydestination= relay_domains=example.com \
    "transport_maps=inline:{example.com=smtp:[127.0.0.1]:$sink}" maillog_file="$pf/maillog" \
    maillog_file_prefixes="$pf" shlib_directory=/usr/lib/postfix default_process_limit=100 \
    smtpd_client_connection_count_limit=0 message_size_limit=0
  postfix -c "$pf/etc" start >/dev/null 2>&1
  wait_port "$pf_port"
fi

haraka_port=""
haraka=${HARAKA_DIR:-/tmp/haraka}
if [ -x "$haraka/node_modules/.bin/haraka" ]; then
  haraka_port=$(free_port)
  (cd "$haraka" && rm -rf "$work/haraka" && npx haraka -i "$work/haraka" >/dev/null 2>&1)
  printf '[main]\nlisten=127.0.0.1:%s\nnodes=cpus\n' "$haraka_port" > "$work/haraka/config/smtp.ini"
  printf 'rcpt_to.in_host_list\nqueue/smtp_forward\n' > "$work/haraka/config/plugins"
  echo example.com > "$work/haraka/config/host_list"
  printf 'host=127.0.0.1\nport=%s\nenable_tls=false\n' "$sink" > "$work/haraka/config/smtp_forward.ini"
  # Its own process group (setsid), so that cleanup stops the master and its cluster workers alike.
  (cd "$haraka" && exec setsid npx haraka -c "$work/haraka" > "$work/haraka.log" 2>&1) & pids+=(-$!)
  wait_port "$haraka_port" || haraka_port=""
fi

cpu_ticks() { # pid -> user+system clock ticks so far
  awk '{print $14 + $15}' "/proc/$1/stat"
}
run() { # port [pid] -> messages per second (and, with a pid, " cpu-µs-per-message")
  local start end c0 c1
  [ -n "${2:-}" ] && c0=$(cpu_ticks "$2")
  start=$(date +%s.%N)
  timeout 600 smtp-source -s "$sessions" -m "$messages" -l "$bytes" "${extra[@]}" -M client.bench.example \
    -f sender@sender.example -t user@example.com 127.0.0.1:"$1" >/dev/null
  end=$(date +%s.%N)
  if [ -n "${2:-}" ]; then
    c1=$(cpu_ticks "$2")
    python3 -c "import os; t=os.sysconf('SC_CLK_TCK'); print(f'{$messages/($end-$start):.0f} {($c1-$c0)/t/$messages*1e6:.0f}')"
  else
    python3 -c "print(f'{$messages/($end-$start):.0f}')"
  fi
}
warm() { # port: the same load for WARMUP seconds (or exactly WARMUP_MESSAGES messages), then stop
  if [ -n "${WARMUP_MESSAGES:-}" ]; then
    [ "$WARMUP_MESSAGES" -gt 0 ] || return 0
    timeout 600 smtp-source -s "$sessions" -m "$WARMUP_MESSAGES" -l "$bytes" "${extra[@]}" -M client.bench.example \
      -f sender@sender.example -t user@example.com 127.0.0.1:"$1" >/dev/null 2>&1 || true
    return 0
  fi
  [ "${WARMUP:-60}" -gt 0 ] || return 0
  timeout "${WARMUP:-60}" smtp-source -s "$sessions" -m 1000000 -l "$bytes" "${extra[@]}" -M client.bench.example \
    -f sender@sender.example -t user@example.com 127.0.0.1:"$1" >/dev/null 2>&1 || true
}
drain() { # Postfix delivers to the sink after it has answered: let it finish before the next run
  [ -n "$pf_port" ] || return 0
  for _ in $(seq 1 600); do
    [ "$(find "$pf/queue/maildrop" "$pf/queue/incoming" "$pf/queue/active" "$pf/queue/deferred" -type f 2>/dev/null | head -1)" ] || return 0
    sleep 0.2
  done
}
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float,sys.argv[1:])):.0f}')" "$@"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }

names=(direct mxfront); ports=("$sink" "$mx")
[ -n "$base_port" ] && { names+=(baseline); ports+=("$base_port"); }
[ -n "$pf_port" ] && { names+=(Postfix); ports+=("$pf_port"); }
[ -n "$haraka_port" ] && { names+=(Haraka); ports+=("$haraka_port"); }
rounds=${ROUNDS:-3}
if [ -n "${WARMUP_MESSAGES:-}" ]; then warmup_text="$WARMUP_MESSAGES messages"; else warmup_text="${WARMUP:-60} s"; fi
echo "smtp-source -s $sessions -m $messages -l $bytes ${extra[*]}  ($(nproc) cores, warm-up $warmup_text each, $rounds rounds${MXFRONT_JAVA_OPTS:+, mxfront with $MXFRONT_JAVA_OPTS})"
for i in "${!names[@]}"; do [ "${names[$i]}" = direct ] || warm "${ports[$i]}"; drain; done
# A second, shorter pass: a JVM that has idled (here, while the others warmed up) for more than 30 s
# has lost its idle virtual-thread carriers, and their replacements make some compiled code
# deoptimize and compile again, once. The second pass takes that one-time cost out of round 1.
if [ "${WARMUP:-60}" -gt 0 ] && [ -z "${WARMUP_MESSAGES:-}" ]; then
  for i in "${!names[@]}"; do [ "${names[$i]}" = direct ] || WARMUP=10 warm "${ports[$i]}"; drain; done
fi
declare -A got cpu
for r in $(seq 1 "$rounds"); do
  line="round $r:"
  for i in "${!names[@]}"; do
    n=${names[$i]}
    read -r v c <<< "$(run "${ports[$i]}" "${jvm_pid[$n]:-}")"; drain
    got[$n]="${got[$n]:-} $v"; line="$line $n $v"
    [ -n "${c:-}" ] && { cpu[$n]="${cpu[$n]:-} $c"; line="$line (${c} µs CPU/msg)"; }
  done
  echo "$line"
done
declare -A med
for n in "${names[@]}"; do med[$n]=$(median ${got[$n]}); done
echo "median msg/s: $(for n in "${names[@]}"; do printf '%s %s  ' "$n" "${med[$n]}"; done)"
for n in "${!cpu[@]}"; do echo "median CPU per message, $n: $(median ${cpu[$n]}) µs"; done
echo "mxfront / direct  = $(ratio "${med[mxfront]}" "${med[direct]}")"
[ -n "$base_port" ] && echo "mxfront / baseline = $(ratio "${med[mxfront]}" "${med[baseline]}")  (baseline / direct = $(ratio "${med[baseline]}" "${med[direct]}"))"
[ -n "$pf_port" ] && echo "mxfront / Postfix = $(ratio "${med[mxfront]}" "${med[Postfix]}")"
[ -n "$haraka_port" ] && echo "mxfront / Haraka  = $(ratio "${med[mxfront]}" "${med[Haraka]}")"
exit 0
