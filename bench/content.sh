#!/usr/bin/env bash
# Content-check benchmark (docs/benchmarks.md, "Content"): scan throughput of the attachments check
# and heap while 50 sessions each send a 10 MB message at once. Loopback only; a few minutes at most.
# Needs smtp-sink (Debian postfix). Usage: bench/content.sh   (prints a Markdown report)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bin/jdk.sh"
cd "$here"
mvn -q -B -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null 2>&1 \
  || mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp >/dev/null
exec "$JAVA_HOME/bin/java" -Xmx512m -XX:+UseG1GC \
  -cp "target/test-classes:target/classes:$(cat target/bench.cp)" org.mxfront.bench.ContentBench
