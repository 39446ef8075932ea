package io.streamrec.candidates;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.state.UserState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18: one event stamped far from the stream's time (year 9999, {@link Long#MAX_VALUE}, 0, negative) must leave
 * every shared table's scores finite, and the normal events after it must still count.
 */
class OutlierTimesTest {
    private static final long T = 1_700_000_000_000L;
    private static final long YEAR_9999 = 253_402_300_799_000L;
    private static final long MINUTE = 60_000L;
    private static final long WEEK = 7 * 86_400_000L;

    private static final long[] READ_TIMES = {T, T + 60 * MINUTE, 0, -1, YEAR_9999, Long.MAX_VALUE, Long.MIN_VALUE};

    /** Every score of a category, read at times near and far, is finite. */
    private static void assertFinite(CategoryPopularity p, String category) {
        ItemScores out = new ItemScores();
        for (long now : READ_TIMES) {
            p.scores(category, now, out);
            for (int i = 0; i < out.size(); i++) {
                assertTrue(Double.isFinite(out.value(i)), out.key(i) + " at " + now + ": " + out.value(i));
            }
        }
    }

    /** The category's items, most popular first, read at {@code now}. */
    private static String[] ranked(CategoryPopularity p, String category, long now) {
        ItemScores out = new ItemScores();
        p.scores(category, now, out);
        String[] ids = new String[out.size()];
        int n = out.top(ids.length, ids, null);
        return java.util.Arrays.copyOf(ids, n);
    }

    /** 30 views a minute apart from {@code T + MINUTE}: "a" 15 times, "b" 10, "c" 5. */
    private static void normalViews(CategoryPopularity p) {
        for (int i = 1; i <= 30; i++) {
            p.observe("cat", i % 2 == 0 ? "a" : i % 3 == 0 ? "c" : "b", T + i * MINUTE);
        }
    }

    @ParameterizedTest(name = "outlier at {0}")
    @ValueSource(longs = {YEAR_9999, Long.MAX_VALUE, 0L, -1L, Long.MIN_VALUE})
    void categoryPopularityAfterAnOutlierMidStreamStaysFiniteAndRanksTheNormalViews(long outlier) {
        CategoryPopularity p = new CategoryPopularity(10, 10, WEEK);
        p.observe("cat", "a", T);
        p.observe("cat", "x", outlier);
        assertFinite(p, "cat");
        normalViews(p);
        assertFinite(p, "cat");
        long now = T + 31 * MINUTE;
        assertEquals(16.0, p.popularity("cat", "a", now), 0.05, "each normal view counts about 1");
        assertEquals(10.0, p.popularity("cat", "b", now), 0.05);
        assertArrayEquals(new String[] {"a", "b", "c", "x"}, ranked(p, "cat", now));
        assertTrue(p.popularity("cat", "x", now) <= 1.2, "the outlier counts as one view near the stream's time");
    }

    @ParameterizedTest(name = "outlier at {0}")
    @ValueSource(longs = {YEAR_9999, Long.MAX_VALUE, 0L, -1L, Long.MIN_VALUE})
    void categoryPopularityWhoseFirstEventIsAnOutlierRecoversWithTheNormalViews(long outlier) {
        CategoryPopularity p = new CategoryPopularity(10, 10, WEEK);
        p.observe("cat", "x", outlier);
        normalViews(p);
        assertFinite(p, "cat");
        long now = T + 31 * MINUTE;
        // the first two normal views are outliers to the clock the first event set (they may be lost); the rest count 1
        assertTrue(p.popularity("cat", "a", now) >= 13.5, "a: " + p.popularity("cat", "a", now));
        assertTrue(p.popularity("cat", "b", now) >= 8.0, "b: " + p.popularity("cat", "b", now));
        String[] top = ranked(p, "cat", now);
        assertEquals("a", top[0]);
        assertEquals("b", top[1]);
    }

    @ParameterizedTest(name = "outlier at {0}")
    @ValueSource(longs = {YEAR_9999, Long.MAX_VALUE, 0L, -1L, Long.MIN_VALUE})
    void categoryPopularityRestoredFromAnOutliersCheckpointRecoversWithTheNormalViews(long outlier) {
        CategoryPopularity poisoned = new CategoryPopularity(10, 10, WEEK);
        poisoned.observe("cat", "x", outlier);
        CategoryPopularity p = new CategoryPopularity(10, 10, WEEK);
        for (ListChunk c : poisoned.freeze(4)) {
            p.restore(ChunkBytes.chunk(ChunkBytes.bytes(c)));
        }
        normalViews(p);
        assertFinite(p, "cat");
        assertTrue(p.popularity("cat", "a", T + 31 * MINUTE) >= 13.5);
        assertEquals("a", ranked(p, "cat", T + 31 * MINUTE)[0]);
    }

    @ParameterizedTest(name = "outlier at {0}")
    @ValueSource(longs = {YEAR_9999, Long.MAX_VALUE, 0L, -1L, Long.MIN_VALUE})
    void coVisitationTablesCountOtherUsersPairsAsIfTheOutlierHadNotHappened(long outlier) {
        for (boolean directed : new boolean[] {false, true}) {
            OnlineCovisitation t = directed ? OnlineCovisitation.directed(3, 3600, 10, 100)
                    : new OnlineCovisitation(3, 3600, 10, 100);
            OnlineCovisitation reference = directed ? OnlineCovisitation.directed(3, 3600, 10, 100)
                    : new OnlineCovisitation(3, 3600, 10, 100);
            for (OnlineCovisitation table : new OnlineCovisitation[] {t, reference}) {
                table.update("b", T + 1_000, new String[] {"a"}, new long[] {T}, 1);
            }
            // another user: the outlier, then an event paired with it, in t only
            t.update("x", outlier, new String[] {"a"}, new long[] {T}, 1);
            t.update("y", T + 2_000, new String[] {"x"}, new long[] {outlier}, 1);
            t.update("x", T + 3_000, new String[] {"z"}, new long[] {outlier}, 1);
            for (OnlineCovisitation table : new OnlineCovisitation[] {t, reference}) {
                table.update("c", T + 4_000, new String[] {"b", "a"}, new long[] {T + 1_000, T}, 2);
            }
            for (String[] pair : new String[][] {{"a", "b"}, {"b", "c"}, {"a", "c"}, {"c", "a"}, {"b", "a"}}) {
                assertEquals(reference.weight(pair[0], pair[1]), t.weight(pair[0], pair[1]), 0.0,
                        (directed ? "directed " : "") + pair[0] + "→" + pair[1]);
            }
            ItemScores out = new ItemScores();
            t.accumulate(new String[] {"a", "x", "b", "y", "z"}, 5, 5, out);
            for (int i = 0; i < out.size(); i++) {
                assertTrue(Double.isFinite(out.value(i)) && out.value(i) <= 3.0, out.key(i) + ": " + out.value(i));
            }
            assertTrue(out.get("c") > 0, "the normal events' items still rank");
        }
    }

    @ParameterizedTest(name = "outlier at {0}")
    @ValueSource(longs = {YEAR_9999, Long.MAX_VALUE, 0L, -1L, Long.MIN_VALUE})
    void liveTablesKeepEverySessionScoreFiniteAndLearnFromTheNormalEventsAfterAnOutlier(long outlier) {
        LiveTables t = new LiveTables();
        t.setOnline(new OnlineCovisitation(3, 3600, 10, 100));
        t.setSequence(OnlineCovisitation.directed(3, 3600, 10, 100));
        t.setCategories(new CategoryPopularity(10, 10, WEEK));
        t.setSessions(new SessionNeighbours(10, 10));
        LiveTables reference = new LiveTables();
        reference.setSessions(new SessionNeighbours(10, 10));
        for (LiveTables tables : new LiveTables[] {t, reference}) {
            tables.observe(event("u2", "x", outlier), history("x", "a"));
            tables.observe(event("u2", "b", T), history("b", "x", "a"));
            tables.observe(event("u1", "a", T + 1_000), history("a"));
        }
        String[] ids = new String[5];
        double[] scores = new double[5];
        int n = t.sessions().score("u1", 5, 5, 5, ids, scores);
        String[] refIds = new String[5];
        double[] refScores = new double[5];
        int refN = reference.sessions().score("u1", 5, 5, 5, refIds, refScores);
        assertArrayEquals(java.util.Arrays.copyOf(refIds, refN), java.util.Arrays.copyOf(ids, n),
                "the session index has no time: an outlier's event counts like any other");
        assertArrayEquals(java.util.Arrays.copyOf(refScores, refN), java.util.Arrays.copyOf(scores, n));
        for (int i = 0; i < n; i++) {
            assertTrue(Double.isFinite(scores[i]));
        }
        assertTrue(n > 0 && ids[0].equals("b"), "u2's normal item ranks for u1");
        assertFinite(t.categories(), "cat");
        assertTrue(t.categories().popularity("cat", "a", T + 1_000) > 0.9, "a normal view still counts");
    }

    private static UserEvent event(String user, String item, long ts) {
        UserEvent e = new UserEvent("e-" + user + item, user, item, EventType.VIEW, ts);
        e.category = "cat";
        return e;
    }

    private static UserState history(String... items) {
        UserState s = new UserState();
        s.histItems = items;
        s.histOffsetMs = new int[items.length];
        s.lastTs = T;
        return s;
    }
}
