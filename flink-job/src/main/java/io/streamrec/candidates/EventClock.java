package io.streamrec.candidates;

/**
 * The event time a shared, time-decayed table may trust. Why: a table learnt from every user's events must not let
 * one event move its time; a single event stamped in year 9999 used to become {@link CategoryPopularity}'s reference
 * time, after which every normal event weighed about 0 and scores overflowed, for every user of the instance, for
 * good. The job's watermark is no bound here (it is the largest event time seen minus the allowed out-of-orderness,
 * so the same event moves it), and processing time is no bound in offline replays (they run old logs at full speed),
 * so the clock bounds time by the stream itself.
 *
 * <p>Rule ({@link #time}): the clock is the newest trusted event time. An event within {@code maxSkewMs} of it (either
 * side) is trusted as it is and moves the clock forward. An event further off is an outlier: it is dated at the
 * nearest end of that window and moves nothing, unless it is the {@code confirmations}-th outlier in a row, in which
 * case the stream has really jumped (a gap in the input, or a clock that was itself wrong: the first event a table
 * ever sees sets it) and the clock moves to that event's time, backwards too. So input whose consecutive events (on one
 * instance) are at most {@code maxSkewMs} apart, or late by at most that, is dated exactly as before; after a longer
 * silence the first {@code confirmations − 1} events are dated at the window's edge. One outlier moves nothing; a
 * burst of them moves the clock until as many normal events move it back.
 *
 * <p>Arithmetic saturates, so any {@code long} (0, negative, {@link Long#MAX_VALUE}) is safe. Not thread-safe.
 */
final class EventClock {
    /** Default window: a day either side of the clock. */
    static final long DEFAULT_MAX_SKEW_MS = 86_400_000L;
    /** Default: the third outlier in a row moves the clock. */
    static final int DEFAULT_CONFIRMATIONS = 3;

    private final long maxSkewMs;
    private final int confirmations;
    private boolean set;
    private long now;
    private int outliers;

    EventClock(long maxSkewMs, int confirmations) {
        if (maxSkewMs < 0 || confirmations < 1) {
            throw new IllegalArgumentException("maxSkewMs must be ≥ 0 and confirmations ≥ 1");
        }
        this.maxSkewMs = maxSkewMs;
        this.confirmations = confirmations;
    }

    /** The trusted time of an event at {@code ts}, which may move the clock (see the class comment). */
    long time(long ts) {
        if (!set) {
            set = true;
            now = ts;
            return ts;
        }
        long lo = minus(now, maxSkewMs);
        long hi = plus(now, maxSkewMs);
        if (ts >= lo && ts <= hi) {
            outliers = 0;
            now = Math.max(now, ts);
            return ts;
        }
        if (++outliers >= confirmations) {
            outliers = 0;
            now = ts;
            return ts;
        }
        return ts < lo ? lo : hi;
    }

    /** {@code ts} brought into the clock's window without moving the clock (for reading), or {@code ts} if unset. */
    long bound(long ts) {
        if (!set) {
            return ts;
        }
        return Math.max(minus(now, maxSkewMs), Math.min(ts, plus(now, maxSkewMs)));
    }

    /** The clock, or {@code fallback} if no event has set it. */
    long now(long fallback) {
        return set ? now : fallback;
    }

    long maxSkewMs() {
        return maxSkewMs;
    }

    /** {@code a − b} saturated to the {@code long} range. */
    static long minus(long a, long b) {
        long r = a - b;
        if (((a ^ b) & (a ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }

    /** {@code a + b} saturated to the {@code long} range. */
    static long plus(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
