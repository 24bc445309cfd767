#!/usr/bin/env bash
# Content-check benchmark (docs/benchmarks.md, "Content"): scan throughput of the attachments check
# and heap while 50 sessions each send a 10 MB message at once. Loopback only; a few minutes at most.
# Needs smtp-sink (Debian postfix). Usage: bench/content.sh   (prints a Markdown report)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
bench_build
exec "$JAVA_HOME/bin/java" -Xmx512m -XX:+UseG1GC "${bench_java_opts[@]}" \
  -cp "target/test-classes:target/classes:$(cat target/bench.cp)" org.mxfront.bench.ContentBench
