#!/usr/bin/env bash
# Recipient validation benchmark (docs/benchmarks.md, "Recipient validation"): RCPT latency added by
# each source of the recipients check, warm and cold, lookups/s against slapd, and the dictionary
# guard's cost per RCPT. Starts on free loopback ports, all stopped at the end: a private slapd
# (10,000 Zimbra-style entries), smtp-sink (downstream and callout target) and redis-server.
# Needs Debian's slapd, ldap-utils, postfix (smtp-sink), redis-server. About one minute.
# Usage: bench/recipients.sh [RCPTS_PER_ROW]
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
bench_build
free() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for i in $(seq 100); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
dir=$(mktemp -d); chmod 755 "$dir"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT
lport=$(free); sport=$(free); rport=$(free)
# slapd with the Zimbra-style test schema of the ITs (src/test/java/org/mxfront/it/Slapd.java)
mkdir -p "$dir/db"
sed -n '/static final String SCHEMA = """/,/""";/p' src/test/java/org/mxfront/it/Slapd.java | sed '1d;$d' | sed 's/^            //' > "$dir/zimbra-test.schema"
cat > "$dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include $dir/zimbra-test.schema
pidfile $dir/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "dc=test"
rootdn "cn=admin,dc=test"
rootpw secret
directory $dir/db
maxsize 104857600
index objectClass,zimbraMailDeliveryAddress,zimbraMailAlias,zimbraMailCatchAllAddress eq
dbnosync
CONF
slapd -d 0 -h "ldap://127.0.0.1:$lport/" -f "$dir/slapd.conf" >"$dir/slapd.log" 2>&1 & pids+=($!)
smtp-sink -u nobody "127.0.0.1:$sport" 256 >"$dir/sink.log" 2>&1 & pids+=($!)
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir" >"$dir/redis.log" 2>&1 & pids+=($!)
wait_port "$lport"; wait_port "$sport"; wait_port "$rport"
{
  printf 'dn: dc=test\nobjectClass: dcObject\nobjectClass: organization\no: test\ndc: test\n\n'
  for i in $(seq 0 9999); do
    printf 'dn: uid=u%d,dc=test\nobjectClass: inetOrgPerson\nobjectClass: zimbraMailRecipient\nuid: u%d\ncn: u\nsn: u\nzimbraMailDeliveryAddress: u%d@zim.test\nzimbraMailStatus: enabled\n\n' $i $i $i
  done
} > "$dir/users.ldif"
ldapadd -x -H "ldap://127.0.0.1:$lport" -D cn=admin,dc=test -w secret -f "$dir/users.ldif" >/dev/null
for i in $(seq 0 9999); do echo "u$i@tab.test"; done > "$dir/table.txt"
echo "# $(nproc) cores, $(java -version 2>&1 | head -1), $(slapd -VV 2>&1 | head -1 | sed 's/^@(#) \$//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xms1g -Xmx1g -Dlogback.configurationFile=bench/logback-quiet.xml -cp "target/classes:target/test-classes:$(cat target/bench.cp)" \
  org.mxfront.bench.RecipientsBench --sink-port "$sport" --ldap-url "ldap://127.0.0.1:$lport" \
  --redis-uri "redis://127.0.0.1:$rport/0" --table "$dir/table.txt" --rcpts "${1:-2000}" 2>/dev/null
