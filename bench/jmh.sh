#!/usr/bin/env bash
# JMH microbenchmarks (src/test/java/org/mxfront/bench): the policy engine's RCPT evaluation and
# reply rendering. Usage: bench/jmh.sh [JMH options, e.g. -f 1 -wi 2 -i 3]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bin/jdk.sh"
cd "$here"
mvn -q -B -Pbench -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
# Decision lines would flood the output: log warnings only.
exec java -Dlogback.configurationFile=bench/logback-quiet.xml -cp "target/test-classes:target/classes:$(cat target/bench.cp)" \
  org.openjdk.jmh.Main "${@:-org.mxfront.bench}"
