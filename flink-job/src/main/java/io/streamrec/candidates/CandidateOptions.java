package io.streamrec.candidates;

/** Sizes of the candidate sources. Public fields; defaults as documented. */
public final class CandidateOptions {
    /** Nearest items to the interest vector (inner product). */
    public int retrievalN = 100;
    /** Co-visitation neighbours of the recent items. */
    public int covisitN = 50;
    /** Whether the user's own recent items are candidates (re-engagement). */
    public boolean recentEnabled = true;
    /** At most this many distinct recent items. */
    public int recentN = 20;
    /** Popular items appended for a cold user. */
    public int popularN = 50;
    /** For a warm user, popular items are appended only while the set is smaller than this. */
    public int fillTo = 100;
    /**
     * How many of the most recent items seed the co-visitation source; {@code -1} = the manifest's
     * {@code covisit_window} (the same M as the covisit feature), or {@code recentN} if that is 0.
     */
    public int covisitSeeds = -1;
    /** Catalogues with at least this many items retrieve through an approximate {@link IvfIndex}; 0 = never. */
    public int ivfMinItems = 200_000;
    /** How many IVF lists a query scans. */
    public int ivfProbe = 16;

    public CandidateOptions() {
    }

    public static CandidateOptions defaults() {
        return new CandidateOptions();
    }
}
