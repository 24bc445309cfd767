#!/usr/bin/env bash
# STARTTLS throughput on loopback, one full TLS handshake per connection (docs/benchmarks.md, "TLS"):
#   load client -> mxfront (tls.certificates set) -> smtp-sink
#   load client -> Postfix (smtpd_tls_security_level = may, the same certificate) -> its queue
# The load client is src/test/java/org/mxfront/bench/SmtpTlsLoad.java (smtp-source has no STARTTLS):
# every session does EHLO, STARTTLS, a full handshake (no resumption), EHLO, one message, QUIT. The
# same client also runs in clear against mxfront, and mxfront's CPU per message in both runs gives
# the CPU one handshake costs it. Bounded: fixed message counts to 127.0.0.1; stops what it started.
# Usage: bench/tls.sh [SESSIONS] [MESSAGES] [BYTES]   Environment: ROUNDS (3), WARMUP seconds (30).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sessions=${1:-20}; messages=${2:-2000}; bytes=${3:-4096}
work=$(mktemp -d /tmp/mxfront-tls-bench.XXXXXX); chmod 755 "$work"
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

cd "$here"
bench_jar
bench_build
cp="target/test-classes:target/classes:$(cat target/bench.cp)"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -keyout "$work/key.pem" -out "$work/cert.pem" \
  -subj /CN=mx.bench -addext subjectAltName=DNS:mx.bench >/dev/null 2>&1
chmod 644 "$work/key.pem"

sink=$(free_port)
smtp-sink "${user[@]}" 127.0.0.1:"$sink" 1024 & pids+=($!)
wait_port "$sink"

mx=$(free_port)
cat > "$work/mxfront.yml" <<YML
server: { hostname: mx.bench }
smtp:
  listen: 127.0.0.1:$mx
  max-connections: 2000
  tls: { certificates: [{chain: $work/cert.pem, key: $work/key.pem}] }
downstream: { address: 127.0.0.1:$sink, max-idle: 64 }
relay-networks: []
state-directory: $work/state
metrics: { listen: "" }
checks:
  connection-limit: { max-per-client: 1000 }
  helo: {}
  relay: {}
  recipient-limit: {}
  message-size: {}
  received-hops: {}
YML
java -jar target/mxfront.jar run --config "$work/mxfront.yml" > "$work/mxfront.log" 2>&1 & pids+=($!)
mx_pid=$!
wait_port "$mx"

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
    smtpd_client_connection_count_limit=0 message_size_limit=0 \
    smtpd_tls_security_level=may smtpd_tls_cert_file="$work/cert.pem" smtpd_tls_key_file="$work/key.pem" \
    smtpd_tls_loglevel=0
  postfix -c "$pf/etc" start >/dev/null 2>&1
  wait_port "$pf_port"
fi

load() { java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Dlogback.configurationFile=bench/logback-quiet.xml \
  -cp "$cp" org.mxfront.bench.SmtpTlsLoad "$@" 2>/dev/null; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
drain() {
  [ -n "$pf_port" ] || return 0
  for _ in $(seq 1 600); do
    [ "$(find "$pf/queue/maildrop" "$pf/queue/incoming" "$pf/queue/active" "$pf/queue/deferred" -type f 2>/dev/null | head -1)" ] || return 0
    sleep 0.2
  done
}
run() { # name port mode -> "msg/s errors [cpu-µs-per-message]"
  local c0 c1 r
  [ "$1" != Postfix ] && c0=$(cpu_ticks "$mx_pid")
  r=$(load "$2" "$sessions" "$messages" "$bytes" "$3")
  drain
  if [ "$1" != Postfix ]; then
    c1=$(cpu_ticks "$mx_pid")
    echo "$r $(python3 -c "import os; print(f'{($c1-$c0)/os.sysconf(\"SC_CLK_TCK\")/$messages*1e6:.0f}')")"
  else
    echo "$r"
  fi
}
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float,sys.argv[1:])):.0f}')" "$@"; }

names=(mxfront-tls mxfront-clear); ports=("$mx" "$mx"); modes=(tls clear)
[ -n "$pf_port" ] && { names+=(Postfix-tls); ports+=("$pf_port"); modes+=(tls); }
echo "SmtpTlsLoad $sessions sessions, $messages messages of $bytes bytes, one handshake per message ($(nproc) cores, $(java -version 2>&1 | head -1))"
# Warm-up: the same load for WARMUP seconds on each (the JIT compiles the TLS path too).
for i in "${!names[@]}"; do
  end=$((SECONDS + ${WARMUP:-30}))
  while [ $SECONDS -lt $end ]; do load "${ports[$i]}" "$sessions" 500 "$bytes" "${modes[$i]}" >/dev/null; done
  drain
done
declare -A got cpu
for r in $(seq 1 "${ROUNDS:-3}"); do
  line="round $r:"
  for i in "${!names[@]}"; do
    n=${names[$i]}
    read -r v e c <<< "$(run "${n%%-*}" "${ports[$i]}" "${modes[$i]}")"
    got[$n]="${got[$n]:-} $v"; line="$line $n $v msg/s ($e errors"
    [ -n "${c:-}" ] && { cpu[$n]="${cpu[$n]:-} $c"; line="$line, ${c} µs CPU/msg"; }
    line="$line)"
  done
  echo "$line"
done
for n in "${names[@]}"; do echo "median $n: $(median ${got[$n]}) msg/s"; done
for n in "${!cpu[@]}"; do echo "median CPU per message, $n: $(median ${cpu[$n]}) µs"; done
if [ -n "$pf_port" ]; then
  python3 -c "print(f'mxfront-tls / Postfix-tls = {$(median ${got[mxfront-tls]})/$(median ${got[Postfix-tls]}):.2f}')"
fi
python3 -c "print(f'CPU per handshake in mxfront ~ {$(median ${cpu[mxfront-tls]})-$(median ${cpu[mxfront-clear]}):.0f} µs (TLS minus clear, per message)')"
