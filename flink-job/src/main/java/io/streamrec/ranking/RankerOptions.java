package io.streamrec.ranking;

/** Options of {@link OnnxRanker}. Public fields; the defaults suit one ranker per Flink subtask. */
public final class RankerOptions {
    /** ORT intra-op threads. 1 = run on the caller's thread (no thread pool, no spinning). */
    public int intraOpThreads = 1;

    public RankerOptions() {
    }

    public static RankerOptions defaults() {
        return new RankerOptions();
    }

    public RankerOptions intraOpThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + n);
        }
        this.intraOpThreads = n;
        return this;
    }
}
