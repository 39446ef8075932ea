package io.streamrec.candidates;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18: the shared tables keep to a byte budget ({@link HeapBytes}) as well as to their entry bounds, also when
 * restored, evicting as at the entry bounds; their running byte counts match a count from scratch.
 */
class ByteBudgetTest {
    private static final long T = 1_700_000_000_000L;
    private static final int KB10 = 10 * 1024;
    private static final long BUDGET = 2L << 20;

    /** A 10 KB id, distinct per {@code i}. */
    private static String big(String prefix, int i) {
        String head = prefix + i + ":";
        return head + "x".repeat(KB10 - head.length());
    }

    /** The short names of big ids, for readable failures. */
    private static List<String> names(List<String> ids) {
        return ids.stream().map(id -> id.substring(0, id.indexOf(':') < 0 ? id.length() : id.indexOf(':'))).toList();
    }

    @Test
    void coVisitationTablesOfTenKilobyteIdsStayUnderTheirBudgetAndKeepTheRecentItems() {
        for (boolean directed : new boolean[] {false, true}) {
            OnlineCovisitation t = directed ? OnlineCovisitation.directed(3, 3600, 128, 200_000, BUDGET)
                    : new OnlineCovisitation(3, 3600, 128, 200_000, BUDGET);
            String[] hist = new String[3];
            long[] ts = new long[3];
            for (int i = 0; i < 600; i++) { // about 35 MB of ids through a 2 MB table
                String item = big("i", i);
                t.update(item, T + i, hist, ts, Math.min(i, 3));
                assertTrue(t.bytes() <= BUDGET, "after event " + i + ": " + t.bytes());
                System.arraycopy(hist, 0, hist, 1, 2);
                System.arraycopy(ts, 0, ts, 1, 2);
                hist[0] = item;
                ts[0] = T + i;
            }
            assertEquals(t.recountBytes(), t.bytes());
            assertTrue(t.size() > 10 && t.size() < 600, "items kept: " + t.size());
            List<String> kept = names(t.itemsByRecency());
            assertTrue(kept.contains(directed ? "i598" : "i599") && kept.contains("i597"), "the latest stay: " + kept);
            assertTrue(t.weight(big("i", 598), big("i", 599)) > 0, "and their pairs");
        }
    }

    @Test
    void aCoVisitationTableRestoredIntoASmallerBudgetKeepsTheMostRecentlyUpdatedItems() {
        OnlineCovisitation full = new OnlineCovisitation(3, 3600, 128, 200_000);
        String[] hist = new String[1];
        long[] ts = new long[1];
        for (int i = 0; i < 300; i++) {
            full.update(big("i", i), T + i, hist, ts, i == 0 ? 0 : 1);
            hist[0] = big("i", i);
            ts[0] = T + i;
        }
        assertTrue(full.bytes() > 2 * BUDGET, "the source table is far over the budget: " + full.bytes());
        OnlineCovisitation restored = new OnlineCovisitation(3, 3600, 128, 200_000, BUDGET);
        for (ListChunk c : full.freeze(16)) {
            restored.restore(ChunkBytes.chunk(ChunkBytes.bytes(c)));
            assertTrue(restored.bytes() <= BUDGET, "during the restore: " + restored.bytes());
        }
        assertEquals(restored.recountBytes(), restored.bytes());
        List<String> all = names(full.itemsByRecency());
        List<String> kept = names(restored.itemsByRecency());
        assertEquals(all.subList(all.size() - kept.size(), all.size()), kept, "the most recently updated, in order");
        assertEquals(full.weight(big("i", 299), big("i", 298)), restored.weight(big("i", 299), big("i", 298)));
    }

    @Test
    void aCoVisitationTablesRunningByteCountMatchesACountFromScratchThroughEvictions() {
        OnlineCovisitation t = new OnlineCovisitation(3, 3600, 4, 50, 40_000);
        String[] hist = new String[3];
        long[] ts = new long[3];
        java.util.Random r = new java.util.Random(18);
        for (int i = 0; i < 5_000; i++) {
            String item = "item-" + r.nextInt(120) + "-".repeat(r.nextInt(40));
            t.update(item, T + i, hist, ts, Math.min(i, 3));
            if (i % 97 == 0) {
                t.freeze(7); // copy on write must not change the count
            }
            System.arraycopy(hist, 0, hist, 1, 2);
            System.arraycopy(ts, 0, ts, 1, 2);
            hist[0] = item;
            ts[0] = T + i;
            assertTrue(t.bytes() <= 40_000);
        }
        assertEquals(t.recountBytes(), t.bytes());
    }

    @Test
    void aCoVisitationTableCountsAnIdOnceHoweverManyListsReferenceIt() {
        OnlineCovisitation t = new OnlineCovisitation(3, 3600, 128, 200_000);
        String[] hist = new String[3];
        long[] ts = new long[3];
        for (int i = 0; i < 400; i++) { // 20 items of 10 KB, each event a new String: every item pairs with many
            String item = new String(big("i", i % 20).toCharArray());
            t.update(item, T + i, hist, ts, Math.min(i, 3));
            System.arraycopy(hist, 0, hist, 1, 2);
            System.arraycopy(ts, 0, ts, 1, 2);
            hist[0] = item;
            ts[0] = T + i;
        }
        assertEquals(t.recountBytes(), t.bytes());
        long ids = 20 * (HeapBytes.of(big("i", 10)) + StringPool.ENTRY_BYTES);
        assertTrue(t.bytes() <= ids + 20 * (OnlineCovisitation.ROW_BYTES + 32 * OnlineCovisitation.NEIGHBOUR_BYTES),
                "20 ids counted once each, not once per list: " + t.bytes());
    }

    @Test
    void categoryPopularityOfTenKilobyteIdsStaysUnderItsBudgetAndKeepsTheRecentCategories() {
        CategoryPopularity p = new CategoryPopularity(200, 10_000, 3_600_000L, BUDGET);
        for (int i = 0; i < 2_000; i++) { // 40 categories of 50 items, one after the other: 40 MB of ids
            p.observe(big("c", i / 50), big("i", i), T + i);
            assertTrue(p.bytes() <= BUDGET, "after event " + i + ": " + p.bytes());
        }
        assertEquals(p.recountBytes(), p.bytes());
        assertTrue(p.categories() >= 1 && p.categories() < 5, "categories kept: " + p.categories());
        assertTrue(p.popularity(big("c", 39), big("i", 1999), T + 2_000) > 0.9, "the latest view counts");
    }

    @Test
    void aSingleCategoryOverTheBudgetGivesUpItsLeastPopularItems() {
        CategoryPopularity p = new CategoryPopularity(1_000, 10, 3_600_000L, 200_000);
        p.observe("c", "popular", T);
        p.observe("c", "popular", T);
        for (int i = 0; i < 100; i++) {
            p.observe("c", big("i", i), T + i);
            assertTrue(p.bytes() <= 200_000, "after " + i + ": " + p.bytes());
        }
        assertEquals(p.recountBytes(), p.bytes());
        assertEquals(1, p.categories());
        assertEquals(2.0, p.popularity("c", "popular", T), 1e-9, "the most popular item stays");
    }

    @Test
    void categoryPopularityRestoredIntoASmallerBudgetStaysUnderIt() {
        CategoryPopularity full = new CategoryPopularity(200, 10_000, 3_600_000L);
        for (int i = 0; i < 1_000; i++) {
            full.observe(big("c", i % 10), big("i", i), T + i);
        }
        assertTrue(full.bytes() > 4 * BUDGET);
        CategoryPopularity restored = new CategoryPopularity(200, 10_000, 3_600_000L, BUDGET);
        for (ListChunk c : full.freeze(2)) {
            restored.restore(ChunkBytes.chunk(ChunkBytes.bytes(c)));
            assertTrue(restored.bytes() <= BUDGET, "during the restore: " + restored.bytes());
        }
        assertEquals(restored.recountBytes(), restored.bytes());
        assertTrue(restored.popularity(big("c", 999 % 10), big("i", 999), T + 1_000) > 0.9,
                "the most recently viewed category is kept");
    }

    @Test
    void theSessionIndexOfTenKilobyteIdsStaysUnderItsBudgetAndKeepsTheActiveUsers() {
        SessionNeighbours s = new SessionNeighbours(100, 100_000, BUDGET);
        String[] window = new String[20];
        for (int i = 0; i < 500; i++) { // 500 users, windows of 20 shared and new 10 KB items
            for (int k = 0; k < window.length; k++) {
                window[k] = big("i", (i + k * 7) % 400);
            }
            s.observe(big("u", i), window, window.length);
            assertTrue(s.bytes() <= BUDGET, "after user " + i + ": " + s.bytes());
        }
        assertEquals(s.recountBytes(), s.bytes());
        assertTrue(s.users() >= 1 && s.users() < 500, "users kept: " + s.users());
        assertEquals("u499", names(List.of(s.usersByActivity())).get(s.users() - 1), "the latest user stays");
    }

    @Test
    void theSessionIndexsRunningByteCountMatchesACountFromScratchThroughEvictions() {
        SessionNeighbours s = new SessionNeighbours(3, 30, 30_000);
        java.util.Random r = new java.util.Random(18);
        for (int i = 0; i < 5_000; i++) {
            String[] window = new String[1 + r.nextInt(12)];
            for (int k = 0; k < window.length; k++) {
                window[k] = "item-" + r.nextInt(60) + "-".repeat(r.nextInt(30));
            }
            s.observe("user-" + r.nextInt(80), window, window.length);
            assertTrue(s.bytes() <= 30_000);
        }
        assertEquals(s.recountBytes(), s.bytes());
    }

    @Test
    void theDefaultBudgetsHoldTheDefaultEntryBoundsOfThirtyTwoCharacterIds() {
        long id = HeapBytes.of("x".repeat(32));
        // 200,000 items with full lists of 128 neighbours, all of 32-char ids (each held once), in
        // candidates.online-covisit-max-bytes
        long online = 200_000 * (OnlineCovisitation.ROW_BYTES + 128 * OnlineCovisitation.NEIGHBOUR_BYTES
                + id + StringPool.ENTRY_BYTES);
        assertTrue(online <= 512L << 20, online + " bytes");
        // 10,000 full categories of 200 items in category-popular.max-bytes
        long categories = 10_000 * (CategoryPopularity.CATEGORY_BYTES + id
                + 200 * (CategoryPopularity.ITEM_BYTES + id));
        assertTrue(categories <= 256L << 20, categories + " bytes");
        // 100,000 users with windows of 50 items, and 200,000 items each remembering 100 users, in session-knn.max-bytes
        long sessions = 100_000 * (SessionNeighbours.USER_BYTES + id + 4 * 50)
                + 200_000 * (SessionNeighbours.ITEM_BYTES + id + 4 * 100);
        assertTrue(sessions <= 256L << 20, sessions + " bytes");
    }
}
