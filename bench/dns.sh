#!/usr/bin/env bash
# DNS benchmark (docs/benchmarks.md, section "DNS"): starts Debian's rbldnsd on a loopback port
# with three zones and runs org.mxfront.bench.DnsBench against it. Not part of mvn verify.
# Usage: bench/dns.sh   (needs the rbldnsd package; .ci/test installs it)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
bench_build
cp=$(cat target/bench.cp)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'kill $(cat "$dir/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
for z in z1 z2 z3; do printf ':127.0.0.2:listed\n127.0.0.2\n127.0.0.4\n' > "$dir/$z"; chmod 644 "$dir/$z"; done
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
user=(); [ "$(id -u)" -eq 0 ] && user=(-u nobody)
/usr/sbin/rbldnsd -n -b "127.0.0.1/$port" -w "$dir" "${user[@]}" z1.bench:ip4set:z1 z2.bench:ip4set:z2 z3.bench:ip4set:z3 \
  >"$dir/log" 2>&1 & echo $! > "$dir/pid"
sleep 1
java "${bench_java_opts[@]}" -cp "target/classes:target/test-classes:$cp" org.mxfront.bench.DnsBench "$port"
