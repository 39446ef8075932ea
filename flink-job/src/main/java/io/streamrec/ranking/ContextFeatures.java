package io.streamrec.ranking;

import io.streamrec.event.EventType;
import io.streamrec.model.BundleException;

import java.util.List;

/**
 * The context features of docs/MODEL_BUNDLE.md ("Context features"): time of day and day of week as sine/cosine,
 * the log of the history length and one-hot trigger event types. The manifest's names are compiled once into kinds,
 * so writing one event's context row is a loop over ints with no allocation.
 *
 * <p>Kept apart from {@link FeatureEncoder} because these features depend only on the trigger (time, type, history
 * length), never on the candidates or the bundle's item tables. Immutable after construction.
 */
final class ContextFeatures {
    private static final int HOUR_SIN = 0;
    private static final int HOUR_COS = 1;
    private static final int DOW_SIN = 2;
    private static final int DOW_COS = 3;
    private static final int LOG_HIST_LEN = 4;
    private static final int TYPE_BASE = 100; // TYPE_BASE + EventType.ordinal()

    private static final long DAY_MS = 86_400_000L;
    private static final long HOUR_MS = 3_600_000L;

    private final int[] kinds;
    private final int seqLen;

    /** Compiles the manifest's context feature names; an unknown name is refused. */
    ContextFeatures(List<String> names, int seqLen, String where) throws BundleException {
        this.kinds = new int[names.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = kind(names.get(i));
            if (kinds[i] < 0) {
                throw new BundleException(where + ": manifest.json context_features has unknown feature name '"
                        + names.get(i) + "'");
            }
        }
        this.seqLen = seqLen;
    }

    /** The number of context features {@code C}. */
    int size() {
        return kinds.length;
    }

    /** Writes the manifest's context features, in order, to {@code out[off..off+C)}. */
    void encode(long ts, EventType type, int histLen, float[] out, int off) {
        for (int c = 0; c < kinds.length; c++) {
            out[off + c] = (float) value(kinds[c], ts, type, histLen, seqLen);
        }
    }

    static boolean isKnown(String name) {
        return kind(name) >= 0;
    }

    /** One context feature by name, in float64; see {@link FeatureEncoder#contextFeature}. */
    static double feature(String name, long ts, EventType type, int histLen, int seqLen) {
        int kind = kind(name);
        if (kind < 0) {
            throw new IllegalArgumentException("unknown context feature '" + name + "'");
        }
        return value(kind, ts, type, histLen, seqLen);
    }

    private static int kind(String name) {
        switch (name) {
            case "hour_sin":
                return HOUR_SIN;
            case "hour_cos":
                return HOUR_COS;
            case "dow_sin":
                return DOW_SIN;
            case "dow_cos":
                return DOW_COS;
            case "log_hist_len":
                return LOG_HIST_LEN;
            default:
                if (name.startsWith("type_")) {
                    EventType t = EventType.fromWire(name.substring("type_".length()));
                    if (t != null && t.wireName().equals(name.substring("type_".length()))) {
                        return TYPE_BASE + t.ordinal();
                    }
                }
                return -1;
        }
    }

    private static double value(int kind, long ts, EventType type, int histLen, int seqLen) {
        switch (kind) {
            case HOUR_SIN:
                return Math.sin(2 * Math.PI * hours(ts) / 24.0);
            case HOUR_COS:
                return Math.cos(2 * Math.PI * hours(ts) / 24.0);
            case DOW_SIN:
                return Math.sin(2 * Math.PI * dow(ts) / 7.0);
            case DOW_COS:
                return Math.cos(2 * Math.PI * dow(ts) / 7.0);
            case LOG_HIST_LEN:
                return Math.log1p(Math.max(0, Math.min(histLen, seqLen)));
            default:
                return type != null && kind - TYPE_BASE == type.ordinal() ? 1.0 : 0.0;
        }
    }

    /** Fractional hour of day, UTC: {@code (ts mod 86_400_000) / 3_600_000}. */
    static double hours(long ts) {
        return Math.floorMod(ts, DAY_MS) / (double) HOUR_MS;
    }

    /** Day of week, 0 = Monday: {@code (floor(ts / 86_400_000) + 3) mod 7}. */
    static int dow(long ts) {
        return (int) Math.floorMod(Math.floorDiv(ts, DAY_MS) + 3, 7L);
    }
}
