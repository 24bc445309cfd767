# Sourced by the bench/*.sh scripts: picks the JDK (bin/jdk.sh), builds what a benchmark needs, and
# carries the smoke switch.
#   BENCH_SMOKE=1     a tiny run (a few hundred operations) that only proves the benchmark still works:
#                     bench/smoke.sh runs every script so, and .ci/test runs bench/smoke.sh; figures
#                     from such a run mean nothing. The Java benchmarks see -Dbench.smoke=true.
#   BENCH_PREBUILT=1  target/bench.cp and target/mxfront.jar are already built (bench/smoke.sh builds
#                     them once for all scripts); otherwise each script builds them with Maven (online:
#                     the plugins' versions are pinned in pom.xml, so a fresh clone downloads them).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$here/bin/jdk.sh"
bench_java_opts=(-Dbench.smoke="${BENCH_SMOKE:+true}")
[ -n "${BENCH_SMOKE:-}" ] || bench_java_opts=()
smoke() { [ -n "${BENCH_SMOKE:-}" ]; }
# bench_build [extra mvn args]: compiled tests and target/bench.cp, the test classpath.
bench_build() {
  if [ -n "${BENCH_PREBUILT:-}" ] && [ -s "$here/target/bench.cp" ]; then return 0; fi
  (cd "$here" && mvn -B -q -ntp "$@" test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
    -Dmdep.includeScope=test >/dev/null)
}
# bench_jar: target/mxfront.jar, built when missing.
bench_jar() {
  [ -f "$here/target/mxfront.jar" ] || (cd "$here" && mvn -B -q -ntp -DskipTests package >/dev/null)
}
# rspamd_start DIR REDIS_PORT NORMAL_PORT CONTROLLER_PORT: a private rspamd in DIR with the tests'
# settings (Bayes on that redis-server, the greylist, RBL, ASN and ratelimit modules off, DNS pointed
# at a dead port with a 0.2 s timeout), its normal worker on 127.0.0.1:NORMAL_PORT and on the Unix
# socket DIR/run/normal.sock, the controller on 127.0.0.1:CONTROLLER_PORT (password "bench"). As root
# it runs as _rspamd. Started in the background; sets RSPAMD_PID. Its output goes to DIR/out.
rspamd_start() {
  local d=$1 redis=$2 normal=$3 controller=$4 user=()
  mkdir -p $d/local.d $d/override.d $d/db $d/run
  printf 'bind_socket = "127.0.0.1:%s";\nbind_socket = "%s/run/normal.sock mode=0666";\ncount = 1;\n' $normal $d > $d/local.d/worker-normal.inc
  printf 'bind_socket = "127.0.0.1:%s";\ncount = 1;\npassword = "bench";\nsecure_ip = "192.0.2.1";\nstatic_dir = "${WWWDIR}";\n' $controller > $d/override.d/worker-controller.inc
  printf 'enabled = false;\n' > $d/local.d/worker-proxy.inc
  printf 'dns { nameserver = ["127.0.0.1:1"]; timeout = 0.2s; retransmits = 1; }\n' > $d/local.d/options.inc
  printf 'type = "file"; filename = "%s/rspamd.log"; level = "warning";\n' $d > $d/local.d/logging.inc
  printf 'servers = "127.0.0.1:%s";\n' $redis > $d/local.d/redis.conf
  printf 'backend = "redis";\nservers = "127.0.0.1:%s";\nmin_learns = 1;\nautolearn = false;\n' $redis > $d/local.d/classifier-bayes.conf
  printf 'greylist = 11;\n' > $d/local.d/actions.conf
  for m in greylist rbl asn ratelimit; do printf 'enabled = false;\n' > $d/local.d/$m.conf; done
  if [ "$(id -u)" -eq 0 ]; then chown -R _rspamd $d; user=(-u _rspamd -g _rspamd); fi
  rspamd -f "${user[@]}" -c /etc/rspamd/rspamd.conf --var=LOCAL_CONFDIR=$d --var=DBDIR=$d/db --var=RUNDIR=$d/run \
    --var=LOGDIR=$d > $d/out 2>&1 &
  RSPAMD_PID=$!
}
