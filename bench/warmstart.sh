#!/usr/bin/env bash
# Time to peak after a start, with and without the warm-start cache (bin/aot-train: an AOT cache on
# JDK >= 25, AppCDS on 21-24): a fresh mxfront JVM is started, smtp-source (postfix) pushes load
# through it to smtp-sink as soon as its port opens, and the messages done in each 5 s window since
# the JVM was launched are counted (smtp-source -c). Runs alternate without/with the cache; the
# direct smtp-source -> smtp-sink rate measured in the same run is the baseline of the ratios.
# Usage: bench/warmstart.sh [SESSIONS] [BYTES]      (default 20 4096)
# Environment: DURATION seconds per run (default 30, at least 5), ROUNDS pairs of runs (default 2),
# TRAIN_MESSAGES for the cache's training run (bin/aot-train's default),
# MXFRONT_JAR (default target/mxfront.jar), JAVA (default $JAVA_HOME/bin/java from bin/jdk.sh),
# CACHE_OPTS: extra JVM flags for the runs with the cache.
# Bounded: every run stops after DURATION seconds, loopback only, and the script stops what it started.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sessions=${1:-20}; bytes=${2:-4096}
duration=${DURATION:-30}; rounds=${ROUNDS:-2}
java=${JAVA:-$JAVA_HOME/bin/java}
jar=${MXFRONT_JAR:-$here/target/mxfront.jar}
[ -f "$jar" ] || bench_jar
work=$(mktemp -d /tmp/mxfront-warmstart.XXXXXX); chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -- "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.02; done; echo "port $1 never opened" >&2; return 1; }
user=(); [ "$(id -u)" -eq 0 ] && user=(-u nobody)
major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)

# The cache for this JVM and jar, made as the package makes it.
cache=$work/mxfront.aot; flag=-XX:AOTCache=$cache
if [ "$major" -lt 25 ]; then cache=$work/mxfront.jsa; flag=-XX:SharedArchiveFile=$cache; fi
"$here/bin/aot-train" "$java" "$jar" "$cache" ${TRAIN_MESSAGES:-} >&2

sink=$(free_port)
smtp-sink "${user[@]}" 127.0.0.1:"$sink" 1024 & pids+=($!)
wait_port "$sink"
load() { # port seconds -> counter lines "seconds-since-$t0 count" (t0 in the environment)
  timeout "$2" smtp-source -c -s "$sessions" -m 10000000 -l "$bytes" -M client.bench.example \
    -f sender@sender.example -t user@example.com 127.0.0.1:"$1" 2>/dev/null \
  | python3 -c '
import os, sys, time
t0 = float(os.environ["T0"]); pid = os.environ.get("JVM", ""); buf = b""; last = None
def cpu():  # user + system CPU seconds of the JVM so far
    if not pid: return 0.0
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
while True:
    chunk = os.read(0, 65536)
    if not chunk: break
    buf += chunk; parts = buf.split(b"\r"); buf = parts[-1]
    if len(parts) > 1 and parts[-2].strip():
        now = time.time()
        if last is None or now - last >= 0.25:
            print(f"{now - t0:.3f} {int(parts[-2])} {cpu():.2f}"); last = now
if buf.strip(): print(f"{time.time() - t0:.3f} {int(buf)} {cpu():.2f}")
' || true
}
T0=$(date +%s.%N) load "$sink" $((duration < 10 ? duration : 10)) > "$work/direct.txt"
direct=$(awk 'END { printf "%.0f", $2 / $1 }' "$work/direct.txt")

run_one() { # name flag... -> $work/NAME.txt (counter lines since the JVM's launch), NAME.start (ms to listen)
  local name=$1; shift
  local port; port=$(free_port)
  cat > "$work/$name.yml" <<YML
server: { hostname: mx.bench }
smtp: { listen: 127.0.0.1:$port, max-connections: 2000 }
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
  local t0; t0=$(date +%s.%N)
  "$java" --sun-misc-unsafe-memory-access=allow -Xlog:disable -Xlog:all=warning:stderr "$@" \
    -jar "$jar" run --config "$work/$name.yml" > "$work/$name.log" 2>&1 & local jvm=$!; pids+=($jvm)
  wait_port "$port"
  python3 -c "import time, os; f = open('/proc/$jvm/stat').read().rsplit(')', 1)[1].split()
print(round((time.time() - $t0) * 1000), round((int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK') * 1000))" > "$work/$name.start"
  T0=$t0 JVM=$jvm load "$port" "$duration" > "$work/$name.txt"
  kill "$jvm"; wait "$jvm" 2>/dev/null || true
}
names=()
for r in $(seq 1 "$rounds"); do
  run_one "nocache-$r"; names+=("nocache-$r")
  run_one "cache-$r" "$flag" ${CACHE_OPTS:-}; names+=("cache-$r")
done

# Messages per 5 s window since the JVM's launch, averaged over the rounds of each mode.
python3 - "$work" "$direct" "$duration" "$rounds" "$major" "$sessions" "$bytes" <<'PY'
import sys, statistics
work, direct, duration, rounds, major, sessions, size = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
def windows(name):
    """(msg/s, JVM CPU µs per message) in each 5 s window since the launch"""
    pts = [(float(t), int(c), float(u)) for t, c, u in (l.split() for l in open(f"{work}/{name}.txt") if l.strip())]
    out = []
    for w in range(duration // 5):
        def at(t):  # (messages done, CPU seconds) by time t: the last point at or before t
            done = [(c, u) for s, c, u in pts if s <= t]
            return done[-1] if done else (0, 0.0)
        (c0, u0), (c1, u1) = at(5 * w), at(5 * (w + 1))
        if w == 0: u0 = 0.0
        out.append(((c1 - c0) / 5, (u1 - u0) / (c1 - c0) * 1e6 if c1 > c0 else float("nan")))
    return out
modes = {"without cache": [f"nocache-{r}" for r in range(1, rounds + 1)], "with cache": [f"cache-{r}" for r in range(1, rounds + 1)]}
runs = {m: [windows(n) for n in names] for m, names in modes.items()}
series = {m: [statistics.mean(x[w][0] for x in rs) for w in range(duration // 5)] for m, rs in runs.items()}
cpu = {m: [statistics.mean(x[w][1] for x in rs) for w in range(duration // 5)] for m, rs in runs.items()}
starts = {m: [statistics.mean(int(open(f"{work}/{n}.start").read().split()[i]) for n in names) for i in (0, 1)] for m, names in modes.items()}
print(f"Java {major}, smtp-source -s {sessions} -l {size}, {rounds} runs of {duration} s per mode; direct (smtp-source -> smtp-sink): {direct:.0f} msg/s")
for m, (wall, used) in starts.items():
    print(f"launch to port open, {m}: {wall:.0f} ms ({used:.0f} ms of JVM CPU)")
print("| seconds after launch | without cache msg/s | / direct | CPU µs/msg | with cache msg/s | / direct | CPU µs/msg | with / without |")
print("|---|---|---|---|---|---|---|---|")
for w in range(duration // 5):
    a, b = series["without cache"][w], series["with cache"][w]
    ca, cb = cpu["without cache"][w], cpu["with cache"][w]
    print(f"| {5*w}-{5*w+5} | {a:.0f} | {a/direct:.2f} | {ca:.0f} | {b:.0f} | {b/direct:.2f} | {cb:.0f} | {b/a if a else float('inf'):.2f} |")
peak = max(max(series["without cache"][-3:]), max(series["with cache"][-3:]))
for m, s in series.items():
    reach = next((5 * (w + 1) for w, v in enumerate(s) if v >= 0.9 * peak), None)
    print(f"{m}: first 5 s window at >= 90% of the peak ({peak:.0f} msg/s): " + (f"ends at {reach} s" if reach else "not reached"))
PY
