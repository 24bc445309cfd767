#!/usr/bin/env bash
# Sender authentication benchmark (docs/benchmarks.md, "Sender authentication"): per-message cost of
# the dkim check (4 KiB and 1 MiB messages, RSA 2048 and Ed25519, signed by dkimpy, keys published by
# a loopback NSD) against the engine without it, warm and right after start. About a minute.
# Needs nsd and python3-dkim (.ci/test installs both). Usage: bench/sender-auth.sh  (prints Markdown)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$here"
bench_build
exec "$JAVA_HOME/bin/java" -Xmx512m -XX:+UseG1GC "${bench_java_opts[@]}" \
  -cp "target/test-classes:target/classes:$(cat target/bench.cp)" org.mxfront.bench.SenderAuthBench
