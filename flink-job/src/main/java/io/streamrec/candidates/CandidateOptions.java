package io.streamrec.candidates;

/** Sizes of the candidate sources. Public fields; defaults as documented. */
public final class CandidateOptions {
    /** Nearest items to the interest vector (inner product). */
    public int retrievalN = 100;
    /** Co-visitation neighbours of the recent items. */
    public int covisitN = 50;
    /** Online co-visitation neighbours (by item id, unknown items too) of the last distinct recent items. */
    public int onlineCovisitN = 50;
    /** K: how many distinct recent items seed the online source; -1 = the manifest's (3 without a bundle). */
    public int onlineCovisitItems = -1;
    /** The seeds come from the first this many history events; -1 = the manifest's seq_len (all without a bundle). */
    public int onlineCovisitHistory = -1;
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

    /** A field-by-field copy. */
    public CandidateOptions copy() {
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = retrievalN;
        o.covisitN = covisitN;
        o.onlineCovisitN = onlineCovisitN;
        o.onlineCovisitItems = onlineCovisitItems;
        o.onlineCovisitHistory = onlineCovisitHistory;
        o.recentEnabled = recentEnabled;
        o.recentN = recentN;
        o.popularN = popularN;
        o.fillTo = fillTo;
        o.covisitSeeds = covisitSeeds;
        o.ivfMinItems = ivfMinItems;
        o.ivfProbe = ivfProbe;
        return o;
    }

    public static CandidateOptions defaults() {
        return new CandidateOptions();
    }
}
