package io.streamrec.candidates;

import java.util.Arrays;

/**
 * One event's neighbour-ordered discovery list, best first, as {@link DiscoveryFusion} fused it: per entry the item,
 * its fused score and the source whose term gave it most. Why its own object: an event's list is built when the
 * event is prepared and read when its micro-batch is emitted, so each prepared event carries one; its arrays are
 * reused event after event (grown, never shrunk).
 */
public final class DiscoveryList {
    String[] ids = new String[0];
    double[] scores = new double[0];
    CandidateSource[] sources = new CandidateSource[0];
    int count;

    /** How many entries the list has. */
    public int size() {
        return count;
    }

    public String item(int j) {
        return ids[j];
    }

    public double score(int j) {
        return scores[j];
    }

    public CandidateSource source(int j) {
        return sources[j];
    }

    /** Whether the list holds the item (a linear scan: the list is top-K + overfetch long). */
    public boolean contains(String item) {
        for (int j = 0; j < count; j++) {
            if (ids[j].equals(item)) {
                return true;
            }
        }
        return false;
    }

    void ensure(int n) {
        if (ids.length < n) {
            ids = new String[n];
            scores = new double[n];
            sources = new CandidateSource[n];
        }
    }

    /** Empties the list and drops its item references, so a quiet operator does not pin them. */
    public void clear() {
        Arrays.fill(ids, 0, count, null);
        count = 0;
    }
}
