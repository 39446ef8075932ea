package io.streamrec.job;

/**
 * How long a micro-batch has waited idle: time since its first event was prepared, less the time the operator spent
 * preparing the batch's later events. Why idle time and not elapsed time: under a backlog the operator is busy
 * preparing the next events, which fill the batch; flushing after {@code ranker.batch-wait} of elapsed time then
 * scored batches of one or two events whenever preparing an event took longer than the wait (the evaluated profile on
 * a 118k-item bundle spends about 1 ms per event), and paid the per-call cost the batch exists to spread. Idle time
 * grows only while the operator waits for input, which is when a pending event's latency is really at stake. Times
 * in nanoseconds of one clock. Not thread-safe (the operator's task thread).
 */
final class BatchWait {
    private final long maxWaitNanos;
    private long start;
    private long busy;

    BatchWait(long maxWaitMs) {
        this.maxWaitNanos = maxWaitMs * 1_000_000L;
    }

    /** A batch starts: its first event was prepared at {@code now}. */
    void started(long now) {
        start = now;
        busy = 0;
    }

    /** The operator spent {@code nanos} preparing another of the batch's events. */
    void busy(long nanos) {
        busy += Math.max(0, nanos);
    }

    /** Idle time of the batch at {@code now}. */
    long idleNanos(long now) {
        return now - start - busy;
    }

    /** Whole milliseconds until the batch has waited idle for the maximum, at least 1; 0 when it has. */
    long remainingMs(long now) {
        long left = maxWaitNanos - idleNanos(now);
        return left <= 0 ? 0 : Math.max(1, (left + 999_999) / 1_000_000);
    }
}
