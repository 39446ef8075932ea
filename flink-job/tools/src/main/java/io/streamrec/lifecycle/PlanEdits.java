package io.streamrec.lifecycle;

import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits of a {@link ServingPlan} that the lifecycle tools share ({@code retrain}, {@code model publish}), so every tool
 * splits traffic by the same rule. Tools write weights as percentages that sum to 100: a variant added (or replaced)
 * at W % gets W, and the other variants are scaled in proportion to their current weights to fill 100 - W, rounded by
 * largest remainder so the sum stays exactly 100. A variant whose share rounds to 0 is dropped, since it would serve
 * nobody; the plan it replaced stays in the history for a rollback.
 */
public final class PlanEdits {
    private PlanEdits() {}

    /**
     * The plan that serves {@code version} as {@code variant} at {@code weightPercent} % next to what {@code current}
     * serves. With no current plan (a new store) the variant serves alone at 100 %.
     *
     * @param current the plan serving now, or null
     * @param when    the new plan's {@code updated} time (ISO-8601)
     * @param note    why, for {@code serving.json}'s history
     * @throws IllegalArgumentException for a weight outside 0..100, a bad name or version, or a plan that would serve
     *                                  nobody (weight 0 with no other variant serving)
     */
    public static ServingPlan withVariant(ServingPlan current, String variant, String version, int weightPercent,
                                          String when, String note) {
        if (weightPercent < 0 || weightPercent > 100) {
            throw new IllegalArgumentException("weight must be a percentage in 0..100, got " + weightPercent);
        }
        if (current == null) {
            return new ServingPlan(List.of(new Variant(variant, version, 100)), when, note, List.of());
        }
        Variant added = new Variant(variant, version, weightPercent);
        List<Variant> others = new ArrayList<>();
        long total = 0;
        for (Variant v : current.variants()) {
            if (!v.name().equals(variant)) {
                others.add(v);
                total += v.weight();
            }
        }
        List<Variant> next = new ArrayList<>();
        if (total == 0) {
            // nothing else serves: the new variant takes all traffic whatever its weight
            next.add(new Variant(variant, version, 100));
            return current.then(next, when, note);
        }
        int rest = 100 - weightPercent;
        int[] share = new int[others.size()];
        double[] remainder = new double[others.size()];
        int given = 0;
        for (int i = 0; i < others.size(); i++) {
            double exact = (double) others.get(i).weight() * rest / total;
            share[i] = (int) Math.floor(exact);
            remainder[i] = exact - share[i];
            given += share[i];
        }
        for (int left = rest - given; left > 0; left--) {
            int best = 0;
            for (int i = 1; i < others.size(); i++) {
                if (remainder[i] > remainder[best]) {
                    best = i; // ties go to the variant listed first
                }
            }
            share[best]++;
            remainder[best] = -1;
        }
        boolean placed = false;
        for (Variant v : current.variants()) {
            if (v.name().equals(variant)) {
                next.add(added); // a replaced variant keeps its place in the list
                placed = true;
            } else {
                int s = share[others.indexOf(v)];
                if (s > 0) {
                    next.add(new Variant(v.name(), v.version(), s));
                }
            }
        }
        if (!placed) {
            next.add(added);
        }
        return current.then(next, when, note);
    }
}
