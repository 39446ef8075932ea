package io.streamrec.model;

import io.streamrec.event.EventType;

/**
 * The time-decayed interest vector of docs/MODEL_BUNDLE.md ("Interest vector"), applied one event at a time:
 * <pre>
 * if no vector:  v = zeros(d), last_ts = ts
 * else:          f = 2 ** (-(max(0, ts - last_ts) / 1000) / half_life_s)   (float64); last_ts = max(last_ts, ts)
 * v[i] = float32(float64(v[i]) * f + float64(w_type) * float64(e[i]))     (e = zeros for an unknown item)
 * </pre>
 * Allocation-free.
 */
public final class InterestVector {
    /** {@code lastTs} value meaning "this user has no vector yet". */
    public static final long NONE = Long.MIN_VALUE;

    private InterestVector() {
    }

    /**
     * Applies one event to {@code v} in place.
     *
     * @param v          the vector, length d; must be all zeros when {@code lastTs == Long.MIN_VALUE}
     * @param lastTs     the timestamp of the last applied event, or {@link Long#MIN_VALUE} for "no vector yet"
     * @param ts         the event time, epoch ms
     * @param typeWeight {@code w_type} from the manifest
     * @param embeddings flat row-major item embeddings ({@link ItemIndex#embeddings()})
     * @param row        the item's row ({@code modelIndex - 1}), or -1 for an unknown item
     * @param halfLifeS  {@code decay_half_life_s}
     * @return the new last timestamp
     */
    public static long update(float[] v, long lastTs, long ts, float typeWeight, float[] embeddings, int row,
                              double halfLifeS) {
        int d = v.length;
        double f;
        long newLast;
        if (lastTs == NONE) {
            f = 0.0; // v is zeros; multiplying by 0 keeps it zeros (and clears any stray value)
            newLast = ts;
        } else {
            double elapsedS = Math.max(0L, ts - lastTs) / 1000.0;
            f = Math.pow(2.0, -elapsedS / halfLifeS);
            newLast = Math.max(lastTs, ts);
        }
        double w = typeWeight;
        if (row < 0) {
            for (int i = 0; i < d; i++) {
                v[i] = (float) ((double) v[i] * f);
            }
        } else {
            int off = row * d;
            for (int i = 0; i < d; i++) {
                v[i] = (float) ((double) v[i] * f + w * (double) embeddings[off + i]);
            }
        }
        return newLast;
    }

    /** Convenience: looks the item and the type weight up in the bundle. */
    public static long update(ModelBundle bundle, float[] v, long lastTs, String itemId, EventType type, long ts) {
        ItemIndex items = bundle.items();
        BundleManifest m = bundle.manifest();
        return update(v, lastTs, ts, m.eventTypeWeight(type), items.embeddings(), items.indexOf(itemId) - 1,
                m.decayHalfLifeS());
    }
}
