package io.streamrec.feedback;

/**
 * The ranks of the last {@code capacity} judged lists of one model version, and their hit rate and mean reciprocal
 * rank (a miss counts 0). Why a ring of ranks: the figures describe the model as it serves now, not since the job
 * started, in fixed memory (4 bytes per list). Updated on the sink's thread; the two figures are published through
 * volatile fields, so a metrics reporter reads a consistent recent value without locking.
 */
final class FeedbackWindow {
    private final int[] ranks;
    private int next;
    private int size;
    private int hits;
    private double reciprocalSum;
    private volatile double hitRate = Double.NaN;
    private volatile double mrr = Double.NaN;

    FeedbackWindow(int capacity) {
        ranks = new int[capacity];
    }

    void add(int rank) {
        if (size == ranks.length) {
            remove(ranks[next]);
        } else {
            size++;
        }
        ranks[next] = rank;
        if (rank > 0) {
            hits++;
            reciprocalSum += 1.0 / rank;
        }
        next = (next + 1) % ranks.length;
        if (next == 0) { // once per lap, sum afresh, so additions and removals leave no floating-point drift
            reciprocalSum = 0;
            for (int i = 0; i < size; i++) {
                reciprocalSum += ranks[i] > 0 ? 1.0 / ranks[i] : 0;
            }
        }
        hitRate = (double) hits / size;
        mrr = reciprocalSum / size;
    }

    private void remove(int rank) {
        if (rank > 0) {
            hits--;
            reciprocalSum -= 1.0 / rank;
        }
    }

    /** Hits among the lists in the window; NaN before the first. */
    double hitRate() {
        return hitRate;
    }

    /** Mean of 1/rank over the window (0 for a miss); NaN before the first list. */
    double mrr() {
        return mrr;
    }

    int size() {
        return size;
    }
}
