package io.streamrec.candidates;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.streamrec.candidates.ChunkBytes.bytes;
import static io.streamrec.candidates.ChunkBytes.chunk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-computed counts of the per-category popularity table. */
class CategoryPopularityTest {
    private static final long T = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private static String[] top(CategoryPopularity p, String category, long now, int n, double[] scores) {
        ItemScores s = new ItemScores();
        p.scores(category, now, s);
        String[] ids = new String[n];
        int k = s.top(n, ids, scores);
        return java.util.Arrays.copyOf(ids, k);
    }

    @Test
    void countsEachEventOnceAndHalvesItEveryHalfLife() {
        CategoryPopularity p = new CategoryPopularity(10, 10, HOUR);
        p.observe("c", "a", T);
        p.observe("c", "a", T + HOUR);
        p.observe("c", "b", T + HOUR);
        assertEquals(1.5, p.popularity("c", "a", T + HOUR), 1e-12);
        assertEquals(0.75, p.popularity("c", "a", T + 2 * HOUR), 1e-12);
        assertEquals(0.5, p.popularity("c", "b", T + 2 * HOUR), 1e-12);
        assertEquals(0.0, p.popularity("d", "a", T + HOUR), "another category");
        assertEquals(0.0, p.popularity("c", "x", T + HOUR), "an item never viewed");
    }

    @Test
    void ranksACategorysItemsByPopularityAtTheGivenTime() {
        CategoryPopularity p = new CategoryPopularity(10, 10, HOUR);
        p.observe("c", "old", T);
        p.observe("c", "old", T);
        p.observe("c", "old", T);
        p.observe("c", "new", T + 2 * HOUR);
        p.observe("c", "new", T + 2 * HOUR);
        p.observe("other", "x", T + 2 * HOUR);
        double[] scores = new double[3];
        assertArrayEquals(new String[] {"new", "old"}, top(p, "c", T + 2 * HOUR, 3, scores),
                "three views two half-lives ago count 0.75, two views now count 2");
        assertEquals(2.0, scores[0], 1e-12);
        assertEquals(0.75, scores[1], 1e-12);
        assertArrayEquals(new String[0], top(p, "unknown", T, 3, null));
        assertArrayEquals(new String[0], top(p, null, T, 3, null), "an event without a category");
    }

    @Test
    void ignoresEventsWithoutCategoryOrItem() {
        CategoryPopularity p = new CategoryPopularity(10, 10, HOUR);
        p.observe(null, "a", T);
        p.observe("", "a", T);
        p.observe("c", null, T);
        assertEquals(0, p.categories());
    }

    @Test
    void aNewItemInAFullCategoryReplacesTheLeastPopularAndStartsFromItsOwnView() {
        CategoryPopularity p = new CategoryPopularity(2, 10, HOUR);
        p.observe("c", "a", T);
        p.observe("c", "a", T);
        p.observe("c", "b", T);
        p.observe("c", "n", T);
        assertEquals(0.0, p.popularity("c", "b", T), "b was the least popular");
        assertEquals(1.0, p.popularity("c", "n", T), "no Space-Saving inflation: n's one view");
        assertEquals(2.0, p.popularity("c", "a", T));
        p.observe("c", "m", T);
        assertEquals(0.0, p.popularity("c", "n", T), "n is now the least popular, first in list order on ties");
        assertEquals(1.0, p.popularity("c", "m", T));
    }

    @Test
    void dropsTheLeastRecentlyViewedCategoryBeyondTheBound() {
        CategoryPopularity p = new CategoryPopularity(10, 2, HOUR);
        p.observe("c1", "a", T);
        p.observe("c2", "b", T + 1);
        p.observe("c1", "a", T + 2); // c1 viewed again: c2 is now the least recent
        p.observe("c3", "c", T + 3);
        assertEquals(2, p.categories());
        assertEquals(0.0, p.popularity("c2", "b", T + 3));
        assertEquals(1.0 + Math.pow(2, -2.0 / HOUR), p.popularity("c1", "a", T + 2), 1e-12);
        p.observe("c2", "b", T + 4); // a dropped category starts again empty, in the freed slot
        assertEquals(1.0, p.popularity("c2", "b", T + 4));
        assertEquals(0.0, p.popularity("c1", "a", T + 4));
    }

    @Test
    void keepsCountingAcrossHundredsOfHalfLives() {
        CategoryPopularity p = new CategoryPopularity(10, 10, 10);
        p.observe("c", "a", T);
        p.observe("c", "a", T + 3_000); // 300 half-lives later: the weights are rescaled, not overflowed
        p.observe("c", "b", T + 3_000);
        assertEquals(1.0 + Math.pow(2, -300), p.popularity("c", "a", T + 3_000), 1e-12);
        assertEquals(1.0, p.popularity("c", "b", T + 3_000), 1e-12);
        assertEquals(Math.pow(2, -1), p.popularity("c", "b", T + 3_010), 1e-12);
    }

    @Test
    void snapshotChunksRestoreTheSameCountsAndMergeByAddingThem() {
        CategoryPopularity p = new CategoryPopularity(3, 100, HOUR);
        for (int i = 0; i < 40; i++) {
            p.observe("c" + (i % 4), "i" + (i * 7 % 5), T + i * 60_000L);
        }
        List<byte[]> chunks = new ArrayList<>();
        for (ListChunk c : p.freeze(3)) {
            chunks.add(bytes(c));
        }
        assertEquals(2, chunks.size(), "4 categories in chunks of 3");
        CategoryPopularity r = new CategoryPopularity(3, 100, HOUR);
        chunks.forEach(b -> r.restore(chunk(b)));
        long now = T + 50 * 60_000L;
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 5; i++) {
                assertEquals(p.popularity("c" + c, "i" + i, now), r.popularity("c" + c, "i" + i, now), 1e-12);
            }
        }
        // two instances merged on rescale: counts add, at each one's own reference time
        CategoryPopularity one = new CategoryPopularity(3, 100, HOUR);
        one.observe("c", "a", T);
        CategoryPopularity two = new CategoryPopularity(3, 100, HOUR);
        two.observe("c", "a", T + HOUR);
        two.observe("c", "b", T + HOUR);
        CategoryPopularity merged = new CategoryPopularity(3, 100, HOUR);
        one.freeze(10).forEach(c -> merged.restore(chunk(bytes(c))));
        two.freeze(10).forEach(c -> merged.restore(chunk(bytes(c))));
        assertEquals(1.5, merged.popularity("c", "a", T + HOUR), 1e-12);
        assertEquals(1.0, merged.popularity("c", "b", T + HOUR), 1e-12);
    }

    @Test
    void aMergeIntoAFullCategoryKeepsTheMorePopular() {
        CategoryPopularity full = new CategoryPopularity(1, 10, HOUR);
        full.observe("c", "a", T);
        full.observe("c", "a", T);
        CategoryPopularity other = new CategoryPopularity(1, 10, HOUR);
        other.observe("c", "b", T);
        other.freeze(10).forEach(c -> full.restore(chunk(bytes(c))));
        assertEquals(2.0, full.popularity("c", "a", T), 1e-12);
        assertEquals(0.0, full.popularity("c", "b", T), "one view does not displace two");
    }

    @Test
    void aFrozenChunkKeepsTheCountsAsTheyStoodWhileTheTableKeepsCounting() {
        CategoryPopularity p = new CategoryPopularity(2, 10, HOUR);
        p.observe("c", "a", T);
        p.observe("c", "b", T);
        List<ListChunk> frozen = p.freeze(10);
        byte[] atFreeze = bytes(frozen.get(0));
        p.observe("c", "a", T + 1);
        p.observe("c", "n", T + 2); // replaces b in the live table
        assertArrayEquals(atFreeze, bytes(frozen.get(0)));
        CategoryPopularity r = new CategoryPopularity(2, 10, HOUR);
        r.restore(frozen.get(0));
        assertEquals(1.0, r.popularity("c", "b", T), 1e-12);
    }

    @Test
    void rejectsNonPositiveBounds() {
        assertThrows(IllegalArgumentException.class, () -> new CategoryPopularity(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new CategoryPopularity(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new CategoryPopularity(1, 1, 0));
    }
}
