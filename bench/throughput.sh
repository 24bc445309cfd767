#!/usr/bin/env bash
# End-to-end throughput on loopback, measured in one run so the ratios hold on a noisy machine:
#   smtp-source -> smtp-sink                 (the ceiling)
#   smtp-source -> mxfront -> smtp-sink      (backbone checks on: nobody may relay, HELO and limits checked)
#   smtp-source -> Postfix -> smtp-sink      (a private Postfix instance, smtpd accepting into its queue)
#   smtp-source -> Haraka  -> smtp-sink      (npm Haraka@3, nodes=cpus, smtp_forward; skipped if not installed)
# Usage: bench/throughput.sh [SESSIONS] [MESSAGES] [BYTES] [extra smtp-source flags, e.g. -d]
# Bounded: every run is a fixed number of messages to 127.0.0.1 and the script stops what it started.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bin/jdk.sh"
sessions=${1:-20}; messages=${2:-5000}; bytes=${3:-4096}; shift 3 2>/dev/null || shift $#
extra=("$@")
work=$(mktemp -d /tmp/mxfront-bench.XXXXXX); chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$work/pf/etc" ] && postfix -c "$work/pf/etc" stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
user=(); [ "$(id -u)" -eq 0 ] && user=(-u nobody)

sink=$(free_port)
smtp-sink "${user[@]}" 127.0.0.1:"$sink" 1024 & pids+=($!)
wait_port "$sink"

[ -f "$here/target/mxfront.jar" ] || (cd "$here" && mvn -q -B -DskipTests package)
mx=$(free_port)
cat > "$work/mxfront.yml" <<YML
server: { hostname: mx.bench, listen: 127.0.0.1:$mx, max-connections: 2000 }
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
java -XX:+UseZGC ${MXFRONT_JAVA_OPTS:-} -jar "$here/target/mxfront.jar" run --config "$work/mxfront.yml" > "$work/mxfront.log" 2>&1 & pids+=($!)
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
  (cd "$haraka" && npx haraka -c "$work/haraka" > "$work/haraka.log" 2>&1) & pids+=($!)
  wait_port "$haraka_port" || haraka_port=""
fi

run() { # name port -> messages per second
  local start end
  start=$(date +%s.%N)
  timeout 600 smtp-source -s "$sessions" -m "$messages" -l "$bytes" "${extra[@]}" -M client.bench.example \
    -f sender@sender.example -t user@example.com 127.0.0.1:"$1" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'{$messages/($end-$start):.0f}')"
}

echo "smtp-source -s $sessions -m $messages -l $bytes ${extra[*]}  ($(nproc) cores)"
direct=$(run "$sink");   echo "direct to smtp-sink : $direct msg/s"
viamx=$(run "$mx");      echo "through mxfront     : $viamx msg/s  ($(python3 -c "print(f'{$viamx/$direct:.2f}')") of direct)"
if [ -n "$pf_port" ]; then
  viapf=$(run "$pf_port"); echo "through Postfix     : $viapf msg/s  (mxfront/Postfix = $(python3 -c "print(f'{$viamx/$viapf:.2f}')"))"
fi
if [ -n "$haraka_port" ]; then
  viah=$(run "$haraka_port"); echo "through Haraka      : $viah msg/s  (mxfront/Haraka = $(python3 -c "print(f'{$viamx/$viah:.2f}')"))"
fi
