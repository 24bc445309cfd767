#!/usr/bin/env bash
# Runs every benchmark once in a tiny configuration (BENCH_SMOKE=1: a few hundred requests or
# messages each), so that they keep working: .ci/test runs it after mvn verify on a fresh machine.
# The figures of such a run mean nothing; each script must simply finish with exit 0. Builds once
# (the jar, the test classes with the JMH harness, target/bench.cp), then runs the scripts one after
# the other, each under a time limit, and prints one line per script. Exit 1 if any failed.
# Needs what the benchmarks need (.ci/test installs it: postfix, rbldnsd, nsd, redis-server, slapd,
# ldap-utils, python3-dkim, openssl, rspamd, curl; root for the private Postfix instances). postgrey and Haraka
# are left out (policy.sh measures mxfront alone; throughput.sh skips Haraka when it is missing).
# Usage: bench/smoke.sh [SCRIPT...]   (default: all of them)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
export BENCH_SMOKE=1 BENCH_PREBUILT=1
t0=$SECONDS
# the test classes with the JMH harness (the bench profile) and the classpath; the jar when missing
# (after mvn verify it is there)
# test classes compiled without the bench profile (mvn verify) lack the harness, and the compiler does
# not see the profile change: compile them again then
[ -f target/test-classes/META-INF/BenchmarkList ] || rm -rf target/test-classes
mvn -B -q -ntp -Pbench -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp \
  -Dmdep.includeScope=test >/dev/null || { echo "bench smoke: the build failed" >&2; exit 1; }
bench_jar || { echo "bench smoke: the jar build failed" >&2; exit 1; }
echo "bench smoke: built in $((SECONDS - t0)) s"
# script -> its tiny arguments and environment
declare -A how=(
  [content.sh]=""
  [dns.sh]=""
  [greylist.sh]="0.2"
  [jmh.sh]="-f 1 -wi 0 -i 1 -w 100ms -r 200ms"
  [milter.sh]="WARMUP_MESSAGES=0 ROUNDS=1 :: 200 5 1000"
  [policy.sh]="SERVERS=mxfront WARMUP=0 RATE=200 RATE_SECONDS=1 :: 5 300 100"
  [policy-store.sh]="DOMAINS=200 ENTRIES=2000 SAMPLES=3 ROUNDS=1 WARMUP=0 :: 5 200"
  [ratelimit.sh]="0.2"
  [recipients.sh]="200"
  [sender-auth.sh]=""
  [spf-dkim-dmarc.sh]="1 20"
  [spam.sh]="10 2 0"
  [spam-client.sh]="20 2 0"
  [throughput.sh]="WARMUP=0 ROUNDS=1 :: 5 200 1000"
  [tls.sh]="WARMUP=0 ROUNDS=1 :: 5 100 1000"
  [warmstart.sh]="DURATION=5 ROUNDS=1 TRAIN_MESSAGES=200 :: 5 1000"
  [latency.py]="WARMUP=0 :: 100"
  [idle_connections.py]="200"
)
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=($(printf '%s\n' "${!how[@]}" | sort))
for s in $(ls bench/*.sh bench/*.py | xargs -n1 basename); do
  [ "$s" = smoke.sh ] || [ "$s" = lib.sh ] || [ -n "${how[$s]+x}" ] || { echo "bench smoke: $s has no tiny configuration here" >&2; exit 1; }
done
# One at a time by default; SMOKE_JOBS=2 runs two at once (most of a tiny run is JVM starts and waiting, and every
# script uses ports and directories of its own; on a loaded machine JVM starts then get slow). The longest first.
jobs=${SMOKE_JOBS:-1}
order=(warmstart.sh recipients.sh spam.sh policy-store.sh policy.sh ratelimit.sh milter.sh tls.sh greylist.sh dns.sh throughput.sh
  sender-auth.sh jmh.sh spf-dkim-dmarc.sh idle_connections.py content.sh latency.py)
sorted=()
for s in "${order[@]}"; do for t in "${scripts[@]}"; do [ "$s" = "$t" ] && sorted+=("$s"); done; done
for t in "${scripts[@]}"; do [[ " ${order[*]} " == *" $t "* ]] || sorted+=("$t"); done
logs=$(mktemp -d)
run() { # script -> its log and, in $logs/SCRIPT.rc, its exit code and seconds
  local s=$1 spec=${how[$1]} envs=() args=() start=$SECONDS rc=0
  if [[ "$spec" == *"::"* ]]; then read -r -a envs <<< "${spec%%::*}"; read -r -a args <<< "${spec#*::}"
  else read -r -a args <<< "$spec"; fi
  env "${envs[@]}" timeout 240 "bench/$s" "${args[@]}" >"$logs/$s.log" 2>&1 || rc=$?
  echo "$rc $((SECONDS - start))" > "$logs/$s.rc"
}
for s in "${sorted[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 0.5; done
  run "$s" &
done
wait
failed=()
for s in "${sorted[@]}"; do
  read -r rc secs < "$logs/$s.rc"
  if [ "$rc" -eq 0 ]; then
    echo "bench smoke: $s ok ($secs s)"
  else
    echo "bench smoke: $s FAILED (exit $rc, $secs s); the end of its output:"; tail -30 "$logs/$s.log" | sed 's/^/    /'
    failed+=("$s")
  fi
done
rm -rf "$logs"
echo "bench smoke: $((${#scripts[@]} - ${#failed[@]})) of ${#scripts[@]} scripts ran in $((SECONDS - t0)) s"
[ ${#failed[@]} -eq 0 ]
