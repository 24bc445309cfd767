#!/usr/bin/env bash
# Sender-authentication benchmark (docs/benchmarks.md, "Sender authentication"): the per-message
# cost of spf + dkim + dmarc + authentication-results against the same engine without them, on a
# 4 KiB and a 1 MiB message signed by dkimpy (python3-dkim, RSA 2048), with the SPF, DKIM key and
# DMARC records served by a private nsd on loopback. Drives the policy engine without sockets, so
# the figure is the checks' own CPU and waiting. Warm (answers cached) and cold (a new engine, an
# empty cache: what an operator sees right after a restart). About a minute.
# Usage: bench/spf-dkim-dmarc.sh [ROUNDS] [MESSAGES]   (defaults 3, 2000; needs nsd, python3-dkim, openssl)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
bench_build
cp=$(cat target/bench.cp)
dir=$(mktemp -d); chmod 755 "$dir"
trap 'kill $(cat "$dir/nsd.pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$dir"' EXIT
openssl genrsa -out "$dir/key.pem" 2048 2>/dev/null
pub=$(openssl rsa -in "$dir/key.pem" -pubout 2>/dev/null | grep -v '^-----' | tr -d '\n')
{
  echo '$ORIGIN bench.test.'; echo '$TTL 3600'
  echo '@ IN SOA ns.bench.test. h.bench.test. 1 3600 600 86400 3600'; echo '@ IN NS ns.bench.test.'
  echo 'ns IN A 127.0.0.1'
  echo '@ IN TXT "v=spf1 ip4:192.0.2.0/24 include:_spf.bench.test -all"'
  echo '_spf IN TXT "v=spf1 ip4:127.0.0.0/8 -all"'
  echo '_dmarc IN TXT "v=DMARC1; p=reject"'
  printf 's1._domainkey IN TXT "v=DKIM1; k=rsa; p="'
  for ((i = 0; i < ${#pub}; i += 200)); do printf ' "%s"' "${pub:i:200}"; done; echo
} > "$dir/bench.zone"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$dir/nsd.conf" <<CONF
server:
  ip-address: 127.0.0.1@$port
  port: $port
  do-ip6: no
  username: ""
  chroot: ""
  database: ""
  server-count: 1
  zonesdir: "$dir"
  pidfile: "$dir/nsd.pid"
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  logfile: "$dir/nsd.log"
remote-control:
  control-enable: no
zone:
  name: bench.test
  zonefile: bench.zone
CONF
/usr/sbin/nsd -c "$dir/nsd.conf"
for size in 4096 1048576; do
  python3 - "$size" > "$dir/plain-$size.eml" <<'PY'
import sys
size = int(sys.argv[1])
head = "From: Bench <alice@bench.test>\r\nTo: bob@example.com\r\nSubject: bench\r\nMessage-ID: <1@bench.test>\r\n\r\n"
line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.\r\n"
body = line * max(1, (size - len(head)) // len(line))
sys.stdout.write(head + body)
PY
  dkimsign --hcanon relaxed --bcanon relaxed s1 bench.test "$dir/key.pem" < "$dir/plain-$size.eml" > "$dir/signed-$size.eml"
done
sleep 0.5
exec "$JAVA_HOME/bin/java" -Xmx512m ${BENCH_CHECKS:+"-Dbench.checks=$BENCH_CHECKS"} -Dlogback.configurationFile=bench/logback-quiet.xml \
  -cp "target/classes:target/test-classes:$cp" org.mxfront.bench.SpfDkimDmarcBench "$port" "$dir" "${1:-3}" "${2:-2000}"
