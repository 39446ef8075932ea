package io.streamrec.sim;

import java.util.SplittableRandom;

/** Small deterministic helpers: stable hashes and a few distributions on top of {@link SplittableRandom}. */
final class SimRandom {
    private SimRandom() {}

    /** SplitMix64 finaliser: a good 64-bit mix of one value. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A stable 64-bit hash of a seed and a few parts, independent of call order. */
    static long hash(long seed, long a, long b, long c) {
        long h = mix(seed + 0x9e3779b97f4a7c15L);
        h = mix(h ^ (a + 0x632be59bd9b4e019L));
        h = mix(h ^ (b + 0x85157af5L));
        return mix(h ^ (c + 0x3c6ef372fe94f82bL));
    }

    /** A uniform double in [0,1) from a hash. */
    static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** An approximately standard normal value derived from a hash (sum of four uniforms). */
    static double gaussianFromHash(long h) {
        double s = 0;
        for (int i = 0; i < 4; i++) {
            h = mix(h + i);
            s += unit(h);
        }
        return (s - 2.0) / Math.sqrt(4.0 / 12.0);
    }

    static SplittableRandom rng(long seed, long stream, long index) {
        return new SplittableRandom(hash(seed, stream, index, 0));
    }

    static double gaussian(SplittableRandom r) {
        // Box-Muller; one value per call is plenty here.
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    static double exponential(SplittableRandom r, double mean) {
        return -mean * Math.log(1.0 - r.nextDouble());
    }

    /** A log-normal duration in ms with the given median (seconds) and shape. */
    static long lognormalMs(SplittableRandom r, double medianSeconds, double sigma) {
        return Math.max(500L, Math.round(1000.0 * medianSeconds * Math.exp(sigma * gaussian(r))));
    }

    /** Geometric count >= 0 with the given mean. */
    static int geometric(SplittableRandom r, double mean) {
        double p = 1.0 / (1.0 + mean);
        return (int) Math.floor(Math.log(1.0 - r.nextDouble()) / Math.log(1.0 - p));
    }

    /** Samples an index proportionally to non-negative weights; returns -1 if all are zero. */
    static int sample(SplittableRandom r, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        if (total <= 0) {
            return -1;
        }
        double x = r.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        for (int i = weights.length - 1; i >= 0; i--) {
            if (weights[i] > 0) {
                return i;
            }
        }
        return -1;
    }
}
