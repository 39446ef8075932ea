package io.streamrec.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A population-level change of taste at one instant ({@link SimConfig#trendShiftMs}), on top of each shopper's own
 * drift: from then on a few rising categories draw {@link SimConfig#trendBoost} times their interest for everyone,
 * and a set of launched items, never on sale before, become hits (the popularity of the items ranked 3, 6, 9, ...).
 * Why: a model trained before the shift knows neither the launched items nor the new category mix, so a retrained
 * one can be shown to be better. Its sets come from a random stream of their own, and with no shift configured it
 * changes nothing: the default output stays bit-identical.
 */
final class Trend {
    private final long shiftMs;
    private final double boost;
    private final boolean[] rising;
    /** Post-shift popularity of launched items; NaN for the others. */
    private final double[] launched;

    Trend(SimConfig cfg, Catalogue catalogue) {
        this.shiftMs = cfg.trendShiftMs;
        this.boost = cfg.trendBoost;
        this.rising = new boolean[catalogue.numCategories()];
        this.launched = new double[catalogue.size()];
        java.util.Arrays.fill(launched, Double.NaN);
        if (!enabled()) {
            return;
        }
        SplittableRandom r = SimRandom.rng(cfg.seed, 8, 0);
        // rising categories: among the less popular half, so that the shift is visible
        List<Integer> cats = new ArrayList<>();
        for (int c = 0; c < catalogue.numCategories(); c++) {
            cats.add(c);
        }
        cats.sort((a, b) -> Double.compare(catalogue.categoryWeight(a), catalogue.categoryWeight(b)));
        List<Integer> pool = new ArrayList<>(cats.subList(0, Math.max(1, (cats.size() + 1) / 2)));
        for (int k = 0; k < Math.min(cfg.trendRisingCategories, pool.size()); k++) {
            rising[pool.remove(r.nextInt(pool.size()))] = true;
        }
        // launched items: a random sample; the j-th gets the popularity of the item ranked 3j
        double[] byRank = new double[catalogue.size()];
        for (int i = 0; i < catalogue.size(); i++) {
            byRank[catalogue.popularityRank(i) - 1] = catalogue.popularity(i);
        }
        int n = (int) Math.round(cfg.trendLaunchFraction * catalogue.size());
        for (int j = 1; j <= n; j++) {
            int item;
            do {
                item = r.nextInt(catalogue.size());
            } while (!Double.isNaN(launched[item]));
            launched[item] = byRank[Math.min(byRank.length, 3 * j) - 1];
        }
    }

    boolean enabled() {
        return shiftMs != Long.MAX_VALUE;
    }

    boolean rising(int category) {
        return rising[category];
    }

    boolean launched(int item) {
        return !Double.isNaN(launched[item]);
    }

    /** The item's popularity at {@code ts}: a launched item has none before the shift and its hit's after. */
    double popularity(Catalogue catalogue, int item, long ts) {
        if (Double.isNaN(launched[item])) {
            return catalogue.popularity(item);
        }
        return ts < shiftMs ? 0.0 : launched[item];
    }

    /** Tilts an interest mixture (in place) towards the rising categories once the shift has happened. */
    double[] tilt(double[] interest, long ts) {
        if (ts < shiftMs) {
            return interest;
        }
        double sum = 0;
        for (int c = 0; c < interest.length; c++) {
            if (rising[c]) {
                interest[c] *= boost;
            }
            sum += interest[c];
        }
        for (int c = 0; c < interest.length; c++) {
            interest[c] /= sum;
        }
        return interest;
    }
}
