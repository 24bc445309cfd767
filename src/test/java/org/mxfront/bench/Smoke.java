// The benchmarks' tiny configuration (-Dbench.smoke=true, set by bench/*.sh when BENCH_SMOKE=1): a
// few hundred operations instead of a real measurement, so that CI (bench/smoke.sh, from .ci/test)
// proves every benchmark still runs without spending minutes. Its figures mean nothing.
package org.mxfront.bench;

/** Scales a benchmark's counts down when smoke-testing. */
final class Smoke {
    private Smoke() {}

    /** True when the benchmark runs only to prove that it still works. */
    static final boolean ON = Boolean.getBoolean("bench.smoke");

    /** {@code full} normally, {@code tiny} when smoke-testing. */
    static int n(int full, int tiny) {
        return ON ? tiny : full;
    }
}
