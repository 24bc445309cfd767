#!/usr/bin/env bash
# Spam-check benchmark (docs/benchmarks.md, "Spam classification"): a private rspamd (the tests'
# settings: Bayes on a private redis-server, no network modules, no rate limits: one client IP sends
# thousands of messages) and an mxfront JVM with the spam
# check on for example.com, off for example.net, and on without headers for example.org (so the SMTP
# door need not hold the message back until the final dot), relaying to smtp-sink. SpamBench sends the same
# messages to rspamd alone (HTTP /checkv2, with the headers mxfront sends) and through mxfront
# (SMTP), and reads the CPU time of rspamd's processes and of mxfront's JVM from /proc: mxfront's own
# CPU per message in the loop against rspamd's. Loopback only; needs rspamd, redis-server, postfix
# (smtp-sink); as root rspamd runs as _rspamd. The SMTP clients pose as 203.0.113.7 (XCLIENT), the
# address rspamd is told in both paths. Usage: bench/spam.sh [MESSAGES] [CONCURRENCY] [WARMUP_SECONDS]
#   (defaults 2000 32 60; the warm-up also lasts until 10,000 messages went through the spam check;
#   the figures in docs/benchmarks.md: 2000 32 120). Prints a Markdown report: a pass just after the
#   start, then the warm pass. SPAM_BENCH_JAR=path runs another build of mxfront (a before/after
#   comparison with the same SpamBench). MXFRONT_BENCH_OPTS: the mxfront JVM's options (default: those of
#   the shipped systemd unit, systemd/mxfront.service's MXFRONT_JAVA_OPTS, and -Xmx512m).
#   SPAM_BENCH_SOCKET=unix: mxfront reaches rspamd on its Unix socket (default tcp; A always uses TCP).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
N=${1:-2000}; C=${2:-32}; W=${3:-60}
bench_jar
bench_build
tmp=$(mktemp -d /tmp/spambench.XXXX); chmod 755 "$tmp"
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
SINK=$(free_port); REDIS=$(free_port); RN=$(free_port); RC=$(free_port); MX=$(free_port); HTTP=$(free_port)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 1; rm -rf "$tmp"; }
trap cleanup EXIT

redis-server --port $REDIS --bind 127.0.0.1 --save '' --appendonly no --daemonize no > $tmp/redis.log 2>&1 & pids+=($!)
smtp-sink -u nobody 127.0.0.1:$SINK 256 & pids+=($!)
rspamd_start $tmp/rspamd $REDIS $RN $RC; RSPAMD=$RSPAMD_PID; pids+=($RSPAMD)
RSPAMD_URL=http://127.0.0.1:$RN
[ "${SPAM_BENCH_SOCKET:-tcp}" = unix ] && RSPAMD_URL=unix:$tmp/rspamd/run/normal.sock

cat > $tmp/mxfront.yml <<EOT
server: {hostname: mx.bench}
smtp: {listen: "127.0.0.1:$MX", max-connections: 256, trusted-proxies: [127.0.0.1/32]}
downstream: {address: "127.0.0.1:$SINK"}
metrics: {listen: "127.0.0.1:$HTTP"}
state-directory: $tmp/state
checks:
  relay: {}
  message-size: {}
  spam:
    rspamd: {url: "$RSPAMD_URL"}
    timeout: 20s
domains:
  example.com: {}
  example.net:
    checks:
      spam: {enabled: false}
  example.org:
    checks:
      spam: {headers: none, actions: {add-header: pass, rewrite-subject: pass}}
EOT
unit_opts=$(sed -n 's/^Environment="\{0,1\}MXFRONT_JAVA_OPTS=\([^"]*\)"\{0,1\}$/\1/p' systemd/mxfront.service)
echo "mxfront's JVM options: ${MXFRONT_BENCH_OPTS:-$unit_opts -Xmx512m}"
"$JAVA_HOME/bin/java" ${MXFRONT_BENCH_OPTS:-$unit_opts -Xmx512m} -Dlogback.configurationFile=bench/logback-quiet.xml -jar "${SPAM_BENCH_JAR:-target/mxfront.jar}" run \
  --config $tmp/mxfront.yml > $tmp/mx.log 2>&1 & MXPID=$!; pids+=($MXPID)
for i in $(seq 120); do
  curl -sf 127.0.0.1:$HTTP/metrics >/dev/null 2>&1 && curl -sf 127.0.0.1:$RN/ping >/dev/null 2>&1 && break; sleep 0.5
done
curl -sf 127.0.0.1:$RN/ping >/dev/null || { echo "rspamd did not start:"; cat $tmp/rspamd/out; exit 1; }
"$JAVA_HOME/bin/java" -Xmx256m "${bench_java_opts[@]}" -cp "target/test-classes:target/classes:$(cat target/bench.cp)" \
  org.mxfront.bench.SpamBench \
  $RN $MX $RSPAMD $MXPID $N $C $W $HTTP
