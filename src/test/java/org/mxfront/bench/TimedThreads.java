// The benchmarks that time one check call at a time on several threads (greylisting, rate limits) share
// this loop: each thread calls until the deadline, keeping a bounded sample of latencies, its count, its
// worst and its sum; the run gives the throughput's raw figures and the p50/p99 of the samples.
package org.mxfront.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Runs a timed operation on threads for a while and sums up what it took. */
final class TimedThreads {
    private TimedThreads() {}

    /** One call on thread {@code thread}, its {@code n}th; returns the nanoseconds the part worth timing took. */
    @FunctionalInterface
    interface Op {
        long call(int thread, long n) throws Exception;
    }

    /**
     * What a run did.
     *
     * @param calls     calls on all threads
     * @param p50Micros median of the sampled latencies
     * @param p99Micros 99th percentile of them
     * @param maxMillis the worst call
     * @param sumNanos  the timed nanoseconds of all calls
     */
    record Run(long calls, double p50Micros, double p99Micros, double maxMillis, long sumNanos) {}

    /** Calls {@code op} on {@code threads} threads for {@code seconds}, keeping up to {@code samples} latencies a thread. */
    static Run run(int threads, double seconds, int samples, Op op) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong total = new AtomicLong();
        AtomicLong sumAll = new AtomicLong();
        AtomicLong max = new AtomicLong();
        List<long[]> lats = new ArrayList<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            long[] lat = new long[samples];
            lats.add(lat);
            ts.add(Thread.ofPlatform().start(() -> {
                long n = 0;
                int k = 0;
                long sum = 0;
                long worst = 0;
                try {
                    while (System.nanoTime() < end) {
                        long dt = op.call(id, n);
                        sum += dt;
                        if (dt > worst) worst = dt;
                        if (k < lat.length) lat[k++] = dt;
                        else lat[(int) (n % lat.length)] = dt;
                        n++;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                total.addAndGet(n);
                sumAll.addAndGet(sum);
                final long w = worst;
                max.accumulateAndGet(w, Math::max);
            }));
        }
        for (Thread t : ts) t.join();
        long[] all = lats.stream().flatMapToLong(a -> Arrays.stream(a).filter(x -> x > 0)).sorted().toArray();
        double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1000.0;
        double p99 = all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1000.0;
        return new Run(total.get(), p50, p99, max.get() / 1e6, sumAll.get());
    }
}
