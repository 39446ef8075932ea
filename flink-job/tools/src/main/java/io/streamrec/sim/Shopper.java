package io.streamrec.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One simulated user: a latent interest mixture over categories that drifts through phases, a personal taste for
 * individual items, an activity level, a preferred device, and the state of the current session.
 *
 * <p>The interest phases come from their own random stream, so {@link #interest(long)} is a pure function of
 * (seed, user, time), whatever events were generated: the oracle can ask about any time.
 */
final class Shopper {
    static final double BACKGROUND = 0.05; // interest mass spread over all categories (exploration)
    private static final String[] DEVICES = {"mobile", "desktop", "tablet"};

    final int index;
    final String id;
    final double activity; // > 1 = more frequent sessions
    final String device;
    final SplittableRandom eventRng;

    private final SimConfig cfg;
    private final Catalogue catalogue;
    private final Trend trend;
    private final SplittableRandom phaseRng;
    private final List<Phase> phases = new ArrayList<>();

    // Session state, used only by the generating World.
    final ArrayDeque<World.Pending> script = new ArrayDeque<>();
    final ArrayDeque<Integer> recent = new ArrayDeque<>(); // newest first
    final Set<Integer> purchased = new HashSet<>();
    int sessions;
    long nextTime;

    /** One interest phase: the mixture holds during [start, end), blending into the next one near the end. */
    record Phase(long start, long end, double[] mix) {}

    Shopper(SimConfig cfg, Catalogue catalogue, Trend trend, int index) {
        this.cfg = cfg;
        this.catalogue = catalogue;
        this.trend = trend;
        this.index = index;
        this.id = String.format("u%05d", index);
        SplittableRandom setup = SimRandom.rng(cfg.seed, 2, index);
        this.activity = Math.exp(0.6 * SimRandom.gaussian(setup));
        double d = setup.nextDouble();
        this.device = d < 0.6 ? DEVICES[0] : d < 0.9 ? DEVICES[1] : DEVICES[2];
        this.phaseRng = SimRandom.rng(cfg.seed, 3, index);
        this.eventRng = SimRandom.rng(cfg.seed, 4, index);
        // The first phase started some time before the world did.
        long dur = phaseDuration();
        long start = cfg.startMs - (long) (phaseRng.nextDouble() * dur);
        phases.add(new Phase(start, start + dur, firstMixture()));
    }

    private long phaseDuration() {
        double hours = Math.max(6.0, SimRandom.exponential(phaseRng, cfg.driftMeanHours));
        return (long) (hours * 3_600_000L);
    }

    private double[] firstMixture() {
        int k = 2 + phaseRng.nextInt(3); // 2..4 active categories
        double[] mix = new double[catalogue.numCategories()];
        int active = 0;
        int guard = 0;
        while (active < Math.min(k, catalogue.numCategories()) && guard++ < 1000) {
            int c = sampleCategoryByPopularity();
            if (mix[c] == 0) {
                mix[c] = SimRandom.exponential(phaseRng, 1.0) + 0.05;
                active++;
            }
        }
        return normalise(mix);
    }

    private int sampleCategoryByPopularity() {
        double[] w = new double[catalogue.numCategories()];
        for (int c = 0; c < w.length; c++) {
            w[c] = catalogue.categoryWeight(c);
        }
        return SimRandom.sample(phaseRng, w);
    }

    /** Drift: a new category rises above the current favourite; the weakest interest may fade away. */
    private double[] nextMixture(double[] prev) {
        double[] mix = prev.clone();
        int n = mix.length;
        int activeCount = 0;
        int weakest = -1;
        double max = 0;
        for (int c = 0; c < n; c++) {
            if (mix[c] > 0) {
                activeCount++;
                if (weakest < 0 || mix[c] < mix[weakest]) {
                    weakest = c;
                }
                max = Math.max(max, mix[c]);
            }
        }
        if (activeCount > 1 && (activeCount >= 4 || phaseRng.nextDouble() < 0.6)) {
            mix[weakest] = 0;
        }
        if (n > activeCount) {
            int guard = 0;
            int c;
            do {
                c = sampleCategoryByPopularity();
            } while (mix[c] > 0 && guard++ < 1000);
            if (mix[c] == 0) {
                mix[c] = max * (1.15 + 0.5 * phaseRng.nextDouble());
            }
        }
        return normalise(mix);
    }

    private static double[] normalise(double[] mix) {
        double s = 0;
        for (double v : mix) {
            s += v;
        }
        for (int i = 0; i < mix.length; i++) {
            mix[i] = mix[i] / s;
        }
        return mix;
    }

    /** The phase holding {@code ts} and the one after it (generated lazily). */
    private synchronized Phase[] phasePair(long ts) {
        while (phases.size() < 2 || phases.get(phases.size() - 1).start <= ts) {
            Phase last = phases.get(phases.size() - 1);
            phases.add(new Phase(last.end, last.end + phaseDuration(), nextMixture(last.mix)));
        }
        for (int i = phases.size() - 2; i >= 0; i--) {
            if (phases.get(i).start <= ts) {
                return new Phase[] {phases.get(i), phases.get(i + 1)};
            }
        }
        return new Phase[] {phases.get(0), phases.get(1)};
    }

    /**
     * The user's true interest over categories at time {@code ts}: the phase mixture, blended linearly into the next
     * phase's during the last quarter of the phase, plus a small uniform background, tilted by the population's
     * {@link Trend} after its shift. Sums to 1.
     */
    double[] interest(long ts) {
        Phase[] pair = phasePair(ts);
        Phase p = pair[0];
        double[] base = p.mix;
        double w = 0;
        long dur = p.end - p.start;
        long blendStart = p.end - dur / 4;
        if (ts > blendStart) {
            w = Math.min(1.0, (ts - blendStart) / (double) (p.end - blendStart));
        }
        double[] out = new double[base.length];
        double[] next = pair[1].mix;
        double bg = BACKGROUND / base.length;
        for (int c = 0; c < base.length; c++) {
            double v = w > 0 ? (1 - w) * base[c] + w * next[c] : base[c];
            out[c] = (1 - BACKGROUND) * v + bg;
        }
        return trend.tilt(out, ts);
    }

    /** The category with the highest interest at {@code ts}. */
    int dominantCategory(long ts) {
        double[] in = interest(ts);
        int best = 0;
        for (int c = 1; c < in.length; c++) {
            if (in[c] > in[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Personal taste multiplier for an item: log-normal, stable per (seed, user, item). */
    double taste(int item) {
        return Math.exp(cfg.tasteSigma * SimRandom.gaussianFromHash(SimRandom.hash(cfg.seed, 5, index, item)));
    }

    /** Unnormalised weight of an item within its category at {@code ts}: popularity x taste (0 if deleted). */
    double itemWeight(int item, long ts) {
        if (catalogue.deleted(item)) {
            return 0;
        }
        return trend.popularity(catalogue, item, ts) * taste(item);
    }

    void remember(int item) {
        recent.remove(item);
        recent.addFirst(item);
        while (recent.size() > 30) {
            recent.removeLast();
        }
    }
}
