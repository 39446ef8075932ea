package io.streamrec.sim;

import java.time.Instant;

/**
 * The parameters of a simulated world. The catalogue depends only on {@code seed}, {@code items} and
 * {@code categories}; user {@code k} depends only on {@code seed} and {@code k}. So a demo with fewer users still sees
 * the same items (and the same first users) as the default training log.
 */
public final class SimConfig {
    /** 2026-11-01T00:00:00Z: the start of simulated time for file output. */
    public static final long DEFAULT_START_MS = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();

    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_USERS = 2000;
    public static final int DEFAULT_ITEMS = 2000;
    public static final int DEFAULT_CATEGORIES = 20;

    public long seed = DEFAULT_SEED;
    public int users = DEFAULT_USERS;
    public int items = DEFAULT_ITEMS;
    public int categories = DEFAULT_CATEGORIES;
    public long startMs = DEFAULT_START_MS;

    /** Zipf exponent of item popularity ranks. */
    public double zipfExponent = 1.0;
    /** Spread of each user's personal taste for individual items (log scale). */
    public double tasteSigma = 0.8;
    /** Mean time a user's interest mixture lasts before drifting to the next one. */
    public double driftMeanHours = 48.0;
    /** Mean time between sessions of an average user. */
    public double sessionGapMeanHours = 10.0;
    /** Users start their first session uniformly within this many hours of the start. */
    public double firstSessionSpreadHours = 24.0;
    /** Mean number of browsed items per session (plus one). */
    public double meanBrowseSteps = 6.0;
    /** Probability that a browse step revisits a recently viewed item. */
    public double revisitProbability = 0.18;
    /** Probability that a session starts with a search. */
    public double searchProbability = 0.25;

    /** Catalogue dynamics, per simulated hour, as fractions of the catalogue size. */
    public double stockOutsPerHourFraction = 1.0 / 400;
    public double restockMeanHours = 6.0;
    public double priceChangesPerHourFraction = 1.0 / 200;
    public double deletionsPerHourFraction = 1.0 / 20000;

    /**
     * Population-level trend shift ({@link Trend}): from this simulated time on, a few categories rise for everyone
     * and new items launch. {@code Long.MAX_VALUE} (the default) = never.
     */
    public long trendShiftMs = Long.MAX_VALUE;
    /** How many categories rise at the shift. */
    public int trendRisingCategories = 3;
    /** By how much a rising category's interest is multiplied (before renormalising). */
    public double trendBoost = 8.0;
    /** Fraction of the catalogue that launches at the shift (not on sale before it). */
    public double trendLaunchFraction = 0.03;

    public SimConfig() {}

    public static SimConfig defaults() {
        return new SimConfig();
    }

    public SimConfig copy() {
        SimConfig c = new SimConfig();
        c.seed = seed;
        c.users = users;
        c.items = items;
        c.categories = categories;
        c.startMs = startMs;
        c.zipfExponent = zipfExponent;
        c.tasteSigma = tasteSigma;
        c.driftMeanHours = driftMeanHours;
        c.sessionGapMeanHours = sessionGapMeanHours;
        c.meanBrowseSteps = meanBrowseSteps;
        c.firstSessionSpreadHours = firstSessionSpreadHours;
        c.revisitProbability = revisitProbability;
        c.searchProbability = searchProbability;
        c.stockOutsPerHourFraction = stockOutsPerHourFraction;
        c.restockMeanHours = restockMeanHours;
        c.priceChangesPerHourFraction = priceChangesPerHourFraction;
        c.deletionsPerHourFraction = deletionsPerHourFraction;
        c.trendShiftMs = trendShiftMs;
        c.trendRisingCategories = trendRisingCategories;
        c.trendBoost = trendBoost;
        c.trendLaunchFraction = trendLaunchFraction;
        return c;
    }

    public SimConfig seed(long s) { this.seed = s; return this; }
    public SimConfig users(int n) { this.users = n; return this; }
    public SimConfig items(int n) { this.items = n; return this; }
    public SimConfig categories(int n) { this.categories = n; return this; }
    public SimConfig startMs(long ms) { this.startMs = ms; return this; }
    /** Shifts the population's trends {@code hours} of simulated time after the start ({@link Trend}). */
    public SimConfig trendShiftHours(double hours) {
        this.trendShiftMs = startMs + (long) (hours * 3_600_000L);
        return this;
    }

    void validate() {
        if (users < 1) throw new IllegalArgumentException("users must be >= 1");
        if (categories < 1) throw new IllegalArgumentException("categories must be >= 1");
        if (items < categories) throw new IllegalArgumentException("items must be >= categories");
        if (trendShiftMs != Long.MAX_VALUE && (trendRisingCategories < 0 || trendBoost <= 0
                || trendLaunchFraction < 0 || trendLaunchFraction > 0.3)) {
            throw new IllegalArgumentException("trend: rising categories >= 0, boost > 0, launch fraction in 0..0.3");
        }
        if (users > 99_999 && users > 9_999_999) throw new IllegalArgumentException("too many users");
    }

    @Override
    public String toString() {
        return "seed=" + seed + " users=" + users + " items=" + items + " categories=" + categories
                + " start=" + Instant.ofEpochMilli(startMs)
                + (trendShiftMs == Long.MAX_VALUE ? "" : " trend-shift=" + Instant.ofEpochMilli(trendShiftMs));
    }
}
