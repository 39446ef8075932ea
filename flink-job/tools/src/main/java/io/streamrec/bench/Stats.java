package io.streamrec.bench;

import java.util.Arrays;

/** Percentiles of a sample of durations in nanoseconds (sorted copy; nearest-rank). */
final class Stats {
    final long[] sorted;

    Stats(long[] nanos, int n) {
        sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** Nearest-rank percentile in nanoseconds; q in [0,1]. */
    long pNanos(double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    double pMs(double q) {
        return pNanos(q) / 1e6;
    }

    double pUs(double q) {
        return pNanos(q) / 1e3;
    }

    double meanUs() {
        if (sorted.length == 0) {
            return 0;
        }
        double s = 0;
        for (long v : sorted) {
            s += v;
        }
        return s / sorted.length / 1e3;
    }

    static double round(double v, int decimals) {
        double m = Math.pow(10, decimals);
        return Math.round(v * m) / m;
    }
}
