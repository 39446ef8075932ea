package io.streamrec.ranking;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.PendingCandidates;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Prepared events waiting for their ONNX call, scored all at once: one call for B events costs far less than B calls
 * (docs/BENCHMARKS.md). The slots are allocated once, {@code capacity} of them, and reused batch after batch. Why
 * apart from the operator: when to flush is Flink's business (a size, a timer, a barrier), what a batch holds and how
 * it is scored is not. Not thread-safe.
 */
public final class MicroBatch {
    private static final float[] EMPTY = new float[0];

    private final PreparedEvent[] slots;
    private final PendingCandidates[] pendingCandidates;
    private final List<RankRequest> requests;
    private int pending;

    /** A batch of {@code capacity} slots (at least 1). */
    public MicroBatch(int capacity) {
        slots = new PreparedEvent[Math.max(1, capacity)];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new PreparedEvent();
        }
        requests = new ArrayList<>(slots.length);
        pendingCandidates = new PendingCandidates[slots.length];
        for (int i = 0; i < slots.length; i++) {
            pendingCandidates[i] = slots[i].pending;
        }
    }

    /**
     * Completes the pending events' candidates (retrieval and popular items, one scan of the item table for the
     * batch) with the generator that started them; before {@link #score}.
     */
    public void completeCandidates(CandidateGenerator generator) {
        generator.complete(pendingCandidates, pending);
        for (int i = 0; i < pending; i++) {
            slots[i].pointAtCandidates();
        }
    }

    /** The next free slot, now counted as pending; only when not {@link #isFull}. */
    public PreparedEvent next() {
        return slots[pending++];
    }

    /** How many events are prepared but not yet scored. */
    public int pending() {
        return pending;
    }

    public int capacity() {
        return slots.length;
    }

    public boolean isFull() {
        return pending >= slots.length;
    }

    /** Pending slot {@code i}, oldest first; valid until the next {@link #next} after {@link #score}. */
    public PreparedEvent slot(int i) {
        return slots[i];
    }

    /**
     * Scores every pending event in one ONNX call and empties the batch; its slots stay readable until reused.
     * When no event has a candidate there is no call, and every event's scores are empty.
     *
     * @param inferenceUs receives the call's duration in microseconds, when there is a call
     * @return per pending event, oldest first, one score per candidate (first in a row the ranker reuses, valid until
     *         its next call); null when there was no call (read it with {@link #row})
     */
    public float[][] score(OnnxRanker ranker, LongConsumer inferenceUs) {
        int b = pending;
        requests.clear();
        boolean any = false;
        for (int i = 0; i < b; i++) {
            requests.add(slots[i].request);
            any |= slots[i].request.numCandidates > 0;
        }
        float[][] scores = null;
        if (any) {
            long t0 = System.nanoTime();
            scores = ranker.scoreReused(requests);
            inferenceUs.accept((System.nanoTime() - t0) / 1000);
        }
        requests.clear();
        pending = 0;
        return scores;
    }

    /** Event {@code i}'s scores of a {@link #score} result: empty when there was no call. */
    public static float[] row(float[][] scores, int i) {
        return scores == null ? EMPTY : scores[i];
    }
}
