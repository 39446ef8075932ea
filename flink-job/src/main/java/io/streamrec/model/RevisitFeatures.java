package io.streamrec.model;

import io.streamrec.event.EventType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The re-visit feature names of the bundle contract (docs/MODEL_BUNDLE.md, "Re-visit order"), in the contract's order.
 * They live with the manifest, which refuses an unknown name, so that the model package need not know the ranking
 * code that computes them ({@code io.streamrec.ranking.RevisitScorer} reads exactly these names).
 */
public final class RevisitFeatures {
    /** Every re-visit feature name, in the contract's order. */
    public static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>(List.of("log_rank", "inv_rank", "rank_0", "rank_1", "rank_2",
                "log_count", "log_minutes"));
        for (EventType t : EventType.values()) {
            names.add("seen_" + t.wireName());
        }
        names.addAll(List.of("log_after_trigger", "after_trigger_inv_rank", "log_before_trigger", "same_category",
                "same_category_inv_rank"));
        NAMES = Collections.unmodifiableList(names);
    }

    private RevisitFeatures() {
    }

    /** True when {@code name} is one of {@link #NAMES} (exactly: names are not case-folded). */
    public static boolean isKnown(String name) {
        return name != null && NAMES.contains(name);
    }
}
