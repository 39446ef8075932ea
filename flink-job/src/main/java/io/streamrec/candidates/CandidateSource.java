package io.streamrec.candidates;

import java.util.Locale;

/** Which generator proposed a candidate; shown as {@code source} in the output topic. */
public enum CandidateSource {
    RETRIEVAL, COVISIT, RECENT, POPULAR, TRENDING, ONLINE_COVISIT,
    /** Only in discovery lists ordered by neighbours ({@code recs.discover-order}). */
    SESSION_KNN,
    /** Only in discovery lists ordered by neighbours: popular in the event's category ({@code CategoryPopularity}). */
    CATEGORY_POPULAR,
    /** Only in discovery lists ordered by neighbours: what came after the event's item (a directed online table). */
    SEQUENCE;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** Lowercase name for JSON, e.g. {@code covisit}, {@code online_covisit}. */
    public String wireName() {
        return wire;
    }
}
