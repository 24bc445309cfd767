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
