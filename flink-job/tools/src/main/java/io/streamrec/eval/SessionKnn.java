package io.streamrec.eval;

import io.streamrec.event.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Session-based kNN baselines: the user's running session is compared with past and running sessions of all users
 * (a {@link SessionIndex}), the k most similar among the m most recent sessions that share an item with it are its
 * neighbours, and their items are scored. Two published variants, written from their definitions:
 * {@link VSknn} (Ludewig &amp; Jannach 2018) and {@link Stan} (Garg et al. 2019). Both are online (they read only the
 * sessions observed so far) and fill lists shorter than k with the all-time popular items, as the other baselines do.
 * The common steps live here; a variant supplies the position weights, the similarity and the item scores. The
 * neighbour search, which does not depend on a variant's weights, is a {@link Neighbourhood} shared through the index.
 */
public abstract class SessionKnn implements Recommender {
    /** Only the last this many events of the running session are compared (long sessions stay cheap). */
    static final int CURRENT_MAX = 50;

    final SessionIndex index;
    final int k;
    final int m;
    private final String name;
    private final Baselines.Popular fallback;

    // per-query scratch, indexed by item
    private int[] itemStamp = new int[0];
    private int stamp;
    private double[] score = new double[0];
    private int[] touched = new int[64];
    private int touchedN;
    /** Position weights of the current query, by 1-based position. */
    private final double[] weightAt = new double[CURRENT_MAX + 1];
    /** The current query's neighbourhood and event time. */
    Neighbourhood neighbourhood;
    Neighbourhood.Sample sample;
    long now;

    SessionKnn(String name, SessionIndex index, int k, int m, Baselines.Popular fallback) {
        this.name = name;
        this.index = index;
        this.k = Math.max(1, k);
        this.m = Math.max(1, m);
        this.fallback = fallback;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void observe(UserEvent e) {
        index.observe(e);
    }

    /** Weight of the current session's item whose last occurrence is at 1-based {@code p} of {@code n}. */
    abstract double positionWeight(int p, int n);

    /**
     * Similarity of the sample's candidate {@code i} to the current session, given {@code dot}, the sum of the
     * position weights of the items they share.
     */
    abstract double similarity(int i, double dot);

    /** Adds candidate {@code i}'s contribution (its similarity {@code sim}) to the item scores via {@link #add}. */
    abstract void score(int i, double sim);

    @Override
    public List<String> recommend(UserEvent e, int kList) {
        int s = index.currentSession(e.userId);
        if (s < 0) {
            return fallback.top(kList);
        }
        now = e.ts;
        grow();
        // 1-2. the current session and its m most recent candidate neighbours, shared by every reader of the index
        neighbourhood = index.neighbourhood();
        sample = neighbourhood.of(s, m);
        int nc = sample.n;
        for (int p = 1; p <= neighbourhood.currentLength; p++) {
            weightAt[p] = positionWeight(p, neighbourhood.currentLength);
        }
        // 3. similarities, then the k nearest
        double[] keys = new double[nc];
        int[] pos = sample.matchPos;
        for (int i = 0; i < nc; i++) {
            double dot = 0;
            for (int j = sample.matchStart[i], end = sample.matchStart[i + 1]; j < end; j++) {
                dot += weightAt[pos[j]];
            }
            keys[i] = similarity(i, dot);
        }
        int[] slots = new int[nc];
        for (int i = 0; i < nc; i++) {
            slots[i] = i;
        }
        int nk = keepBest(slots, keys, nc, k);
        // 4. item scores from the neighbours
        touchedN = 0;
        for (int i = 0; i < nk; i++) {
            if (keys[i] > 0) {
                score(slots[i], keys[i]);
            }
        }
        int[] top = Arrays.copyOf(touched, touchedN);
        double[] topKey = new double[touchedN];
        for (int i = 0; i < touchedN; i++) {
            topKey[i] = score[top[i]];
        }
        int nt = keepBest(top, topKey, touchedN, kList);
        Integer[] order = new Integer[nt];
        for (int i = 0; i < nt; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> topKey[a] != topKey[b] ? Double.compare(topKey[b], topKey[a]) : top[a] - top[b]);
        List<String> out = new ArrayList<>(nt);
        for (Integer o : order) {
            out.add(index.itemId(top[o]));
        }
        // 5. reset the scratch
        for (int i = 0; i < touchedN; i++) {
            score[touched[i]] = 0;
        }
        return TopItems.fill(out, fallback.top(kList), kList);
    }

    /** Adds {@code v} to {@code item}'s score. */
    final void add(int item, double v) {
        if (score[item] == 0) {
            if (touchedN == touched.length) {
                touched = Arrays.copyOf(touched, touchedN * 2);
            }
            touched[touchedN++] = item;
        }
        score[item] += v;
    }

    /** A fresh mark for "seen in this pass" checks of {@link #firstTime}. */
    final int nextStamp() {
        return ++stamp;
    }

    /** True the first time {@code item} is met under {@code mark}. */
    final boolean firstTime(int item, int mark) {
        if (itemStamp[item] == mark) {
            return false;
        }
        itemStamp[item] = mark;
        return true;
    }

    private void grow() {
        int items = index.itemCount();
        if (score.length < items) {
            int n = Math.max(items, score.length * 2);
            itemStamp = Arrays.copyOf(itemStamp, n);
            score = Arrays.copyOf(score, n);
        }
    }

    /**
     * Moves the {@code keep} entries with the largest key to the front of {@code ids}/{@code keys} (ties: the
     * earlier entry) and returns how many there are; the order within them is unspecified.
     */
    static int keepBest(int[] ids, double[] keys, int n, int keep) {
        if (n <= keep) {
            return n;
        }
        double thr = kthLargest(Arrays.copyOf(keys, n), keep);
        int above = 0;
        for (int i = 0; i < n; i++) {
            if (keys[i] > thr) {
                above++;
            }
        }
        int tiesLeft = keep - above;
        int w = 0;
        for (int i = 0; i < n; i++) {
            if (keys[i] > thr || (keys[i] == thr && tiesLeft-- > 0)) {
                ids[w] = ids[i];
                keys[w] = keys[i];
                w++;
            }
        }
        return w;
    }

    /** The {@code k}-th largest value of {@code a} (1-based; reorders {@code a}): quickselect, linear on average. */
    static double kthLargest(double[] a, int k) {
        int lo = 0;
        int hi = a.length - 1;
        int target = k - 1; // index in descending order
        while (lo < hi) {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] > pivot) {
                    i++;
                }
                while (a[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    double t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }

    /**
     * V-SKNN (Ludewig &amp; Jannach 2018): similarity = dot product of the current session's position-weighted item
     * vector with the neighbour's binary item vector; an item's score = sum of the similarities of the neighbours
     * that contain it, optionally times its IDF, ln(1 + sessions / sessions containing it).
     */
    public static final class VSknn extends SessionKnn {
        /** Weight of the item at 1-based position p of n: linear p/n, same 1, div 1/(n-p+1), log 1/log2(n-p+2). */
        public enum Weighting { LINEAR, SAME, DIV, LOG }

        private final Weighting weighting;
        private final boolean idf;

        public VSknn(SessionIndex index, int k, int m, Weighting weighting, boolean idf, Baselines.Popular fallback) {
            this("vsknn", index, k, m, weighting, idf, fallback);
        }

        public VSknn(String name, SessionIndex index, int k, int m, Weighting weighting, boolean idf,
                     Baselines.Popular fallback) {
            super(name, index, k, m, fallback);
            this.weighting = weighting;
            this.idf = idf;
        }

        public String params() {
            return String.format(Locale.ROOT, "k=%d m=%d weighting=%s idf=%s", k, m,
                    weighting.name().toLowerCase(Locale.ROOT), idf);
        }

        @Override
        double positionWeight(int p, int n) {
            return switch (weighting) {
                case LINEAR -> (double) p / n;
                case SAME -> 1.0;
                case DIV -> 1.0 / (n - p + 1);
                case LOG -> 1.0 / (Math.log(n - p + 2) / Math.log(2));
            };
        }

        @Override
        double similarity(int i, double dot) {
            return dot;
        }

        @Override
        void score(int slot, double sim) {
            int c = sample.cand[slot];
            int[] a = index.items(c);
            int mark = nextStamp();
            double sessions = index.sessionCount();
            for (int i = 0, n = index.length(c); i < n; i++) {
                if (firstTime(a[i], mark)) {
                    add(a[i], idf ? sim * Math.log(1 + sessions / Math.max(1, index.sessionFrequency(a[i]))) : sim);
                }
            }
        }
    }

    /**
     * STAN (Garg et al. 2019): the current session's items weigh exp(-(n-p)/λ1) by position p of n; similarity =
     * cosine of that vector with the neighbour's binary vector, times exp(-Δt/λ2) for the time Δt since the
     * neighbour's last event; an item of a neighbour adds similarity × exp(-|q - q*|/λ3), where q is its position in
     * the neighbour and q* the neighbour's position of the shared item most recent in the current session (the
     * closest occurrence counts when an item occurs twice).
     */
    public static final class Stan extends SessionKnn {
        private final double lambda1;
        private final double lambda2Ms;
        private final double lambda3;
        /** exp(-d/λ3) for every distance d a session allows. */
        private final double[] decay3 = new double[SessionIndex.MAX_SESSION + 1];

        /** @param lambda2S λ2 in seconds */
        public Stan(SessionIndex index, int k, int m, double lambda1, double lambda2S, double lambda3,
                    Baselines.Popular fallback) {
            this("stan", index, k, m, lambda1, lambda2S, lambda3, fallback);
        }

        public Stan(String name, SessionIndex index, int k, int m, double lambda1, double lambda2S, double lambda3,
                    Baselines.Popular fallback) {
            super(name, index, k, m, fallback);
            this.lambda1 = lambda1;
            this.lambda2Ms = lambda2S * 1000.0;
            this.lambda3 = lambda3;
            for (int d = 0; d < decay3.length; d++) {
                decay3[d] = Math.exp(-d / lambda3);
            }
        }

        public String params() {
            return String.format(Locale.ROOT, "k=%d m=%d lambda1=%s lambda2_s=%s lambda3=%s", k, m,
                    num(lambda1), num(lambda2Ms / 1000.0), num(lambda3));
        }

        private static String num(double x) {
            return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
        }

        @Override
        double positionWeight(int p, int n) {
            return Math.exp((p - n) / lambda1);
        }

        @Override
        double similarity(int i, double dot) {
            double cos = dot / Math.sqrt((double) neighbourhood.currentDistinct * sample.distinct[i]);
            return cos * Math.exp(-Math.max(0, now - index.lastTs(sample.cand[i])) / lambda2Ms);
        }

        @Override
        void score(int i, double sim) {
            int c = sample.cand[i];
            int[] a = index.items(c);
            int n = index.length(c);
            int q = sample.anchor[i];
            // closest occurrence first: walk outwards from the anchor, so each item's first meeting is its nearest
            int mark = nextStamp();
            for (int d = 0; q - d >= 0 || q + d < n; d++) {
                double w = decay3[d];
                if (q - d >= 0 && firstTime(a[q - d], mark)) {
                    add(a[q - d], sim * w);
                }
                if (d > 0 && q + d < n && firstTime(a[q + d], mark)) {
                    add(a[q + d], sim * w);
                }
            }
        }
    }
}
