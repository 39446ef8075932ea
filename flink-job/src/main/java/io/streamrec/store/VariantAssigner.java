package io.streamrec.store;

import java.util.List;

/**
 * Sends each user to one variant by a stable hash of the user id, in proportion to the variants' weights. Why this
 * way: the same user always sees the same variant on every TaskManager and after every restart (the hash is
 * {@link String#hashCode}, fixed by the Java spec, mixed by MurmurHash3's finaliser), and a change of weights moves
 * only the users whose bucket changes hands. Users fall into {@value #BUCKETS} buckets; the variants take consecutive
 * bucket ranges in the plan's order.
 */
public final class VariantAssigner {
    public static final int BUCKETS = 10_000;

    private final int[] upper;

    /** @param weights the variants' weights in plan order; at least one must be positive */
    public VariantAssigner(int[] weights) {
        long total = 0;
        for (int w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("variant weights must be >= 0");
            }
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("at least one variant needs a positive weight");
        }
        upper = new int[weights.length];
        long cum = 0;
        for (int i = 0; i < weights.length; i++) {
            cum += weights[i];
            upper[i] = (int) (cum * BUCKETS / total);
        }
    }

    public static VariantAssigner of(List<Variant> variants) {
        int[] w = new int[variants.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = variants.get(i).weight();
        }
        return new VariantAssigner(w);
    }

    /** The index of the variant that serves {@code userId}. */
    public int assign(String userId) {
        int b = bucket(userId);
        for (int i = 0; i < upper.length; i++) {
            if (b < upper[i]) {
                return i;
            }
        }
        return upper.length - 1; // unreachable: the last upper bound is BUCKETS
    }

    /** The user's bucket in [0, BUCKETS). */
    public static int bucket(String userId) {
        int h = userId.hashCode() ^ 0x5bd1e995;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, BUCKETS);
    }
}
