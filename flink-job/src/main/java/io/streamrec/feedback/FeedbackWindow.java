package io.streamrec.feedback;

/**
 * The ranks of the last {@code capacity} judged lists of one variant and model version, and over them: the hit rate
 * and mean reciprocal rank at the list's own size K (a miss counts 0), and HR@10 and MRR@20 as evaluate reports
 * them (a hit below rank 10, resp. 20, counts as a miss there). Why a ring of ranks: the figures describe the model as
 * it serves now, not since the job started, in fixed memory (4 bytes per list). Updated on the sink's thread; the
 * figures are published through volatile fields, so a metrics reporter reads a consistent recent value without
 * locking.
 */
final class FeedbackWindow {
    private final int[] ranks;
    private int next;
    private int size;
    private int hits;
    private int hits10;
    private double reciprocalSum;
    private double reciprocalSum20;
    private volatile double hitRate = Double.NaN;
    private volatile double mrr = Double.NaN;
    private volatile double hitRate10 = Double.NaN;
    private volatile double mrr20 = Double.NaN;

    FeedbackWindow(int capacity) {
        ranks = new int[capacity];
    }

    void add(int rank) {
        if (size == ranks.length) {
            update(ranks[next], -1);
        } else {
            size++;
        }
        ranks[next] = rank;
        update(rank, +1);
        next = (next + 1) % ranks.length;
        if (next == 0) { // once per lap, sum afresh, so additions and removals leave no floating-point drift
            reciprocalSum = 0;
            reciprocalSum20 = 0;
            for (int i = 0; i < size; i++) {
                reciprocalSum += reciprocal(ranks[i], Integer.MAX_VALUE);
                reciprocalSum20 += reciprocal(ranks[i], 20);
            }
        }
        hitRate = (double) hits / size;
        mrr = reciprocalSum / size;
        hitRate10 = (double) hits10 / size;
        mrr20 = reciprocalSum20 / size;
    }

    private void update(int rank, int sign) {
        if (rank > 0) {
            hits += sign;
            hits10 += rank <= 10 ? sign : 0;
            reciprocalSum += sign * reciprocal(rank, Integer.MAX_VALUE);
            reciprocalSum20 += sign * reciprocal(rank, 20);
        }
    }

    private static double reciprocal(int rank, int cutoff) {
        return rank > 0 && rank <= cutoff ? 1.0 / rank : 0;
    }

    /** HR@K: hits among the lists in the window; NaN before the first. */
    double hitRate() {
        return hitRate;
    }

    /** MRR@K: mean of 1/rank over the window (0 for a miss); NaN before the first list. */
    double mrr() {
        return mrr;
    }

    /** HR@10: hits at rank 10 or better; NaN before the first list. */
    double hitRate10() {
        return hitRate10;
    }

    /** MRR@20: mean of 1/rank for ranks up to 20, else 0; NaN before the first list. */
    double mrr20() {
        return mrr20;
    }

    int size() {
        return size;
    }
}
