package io.streamrec.candidates;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.streamrec.candidates.ChunkBytes.bytes;
import static io.streamrec.candidates.ChunkBytes.chunk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed updates of the online co-visitation table (docs/MODEL_BUNDLE.md, "Online co-visitation"). */
class OnlineCovisitationTest {
    private static final long T = 1_700_000_000_000L;
    private static final long DAY_S = 86_400;

    private static void update(OnlineCovisitation t, String item, long ts, String[] prev, long[] prevTs) {
        t.update(item, ts, prev, prevTs, prev.length);
    }

    /** The table frozen and every chunk written, as a checkpoint does. */
    private static List<byte[]> snapshot(OnlineCovisitation t, int itemsPerChunk) {
        List<byte[]> out = new java.util.ArrayList<>();
        for (ListChunk c : t.freeze(itemsPerChunk)) {
            out.add(bytes(c));
        }
        return out;
    }

    @Test
    void addsOneOverDistanceInBothDirections() {
        OnlineCovisitation t = OnlineCovisitation.unbounded(5, DAY_S);
        update(t, "c", T, new String[] {"b", "a"}, new long[] {T - 1000, T - 2000});
        assertEquals(1.0, t.weight("c", "b"));
        assertEquals(1.0, t.weight("b", "c"));
        assertEquals(0.5, t.weight("c", "a"));
        assertEquals(0.5, t.weight("a", "c"));
        assertEquals(0.0, t.weight("a", "b"), "only pairs with the new event are counted");
        // the same pair again accumulates
        update(t, "c", T + 5000, new String[] {"x", "b"}, new long[] {T + 4000, T + 3000});
        assertEquals(1.5, t.weight("c", "b"));
        assertEquals(1.5, t.weight("b", "c"));
    }

    @Test
    void aDirectedTableLearnsOnlyWhatCameAfter() {
        OnlineCovisitation t = OnlineCovisitation.directed(3, DAY_S, 128, 1000);
        assertTrue(t.isDirected());
        update(t, "c", T, new String[] {"b", "a"}, new long[] {T - 1000, T - 2000});
        assertEquals(1.0, t.weight("b", "c"), "c came right after b");
        assertEquals(0.5, t.weight("a", "c"), "and two steps after a");
        assertEquals(0.0, t.weight("c", "b"));
        assertEquals(0.0, t.weight("c", "a"));
        assertEquals(2, t.size(), "c, which nothing has followed yet, has no list");
        update(t, "d", T + 1000, new String[] {"c", "b", "a", "z"}, new long[] {T, T - 1000, T - 2000, T - 3000});
        assertEquals(1.0, t.weight("c", "d"));
        assertEquals(1.0 / 3, t.weight("a", "d"), 1e-12);
        assertEquals(0.0, t.weight("z", "d"), "beyond the pair window of 3");
        // a directed table restores from its own chunks like the symmetric one
        OnlineCovisitation back = OnlineCovisitation.directed(3, DAY_S, 128, 1000);
        for (byte[] b : snapshot(t, 2)) {
            back.restore(chunk(b));
        }
        assertEquals(t.itemsByRecency(), back.itemsByRecency());
        assertEquals(0.5, back.weight("a", "c"));
        assertEquals(0.0, back.weight("c", "b"));
    }

    @Test
    void pairsOnlyWithinThePairWindow() {
        OnlineCovisitation t = OnlineCovisitation.unbounded(2, DAY_S);
        update(t, "x", T, new String[] {"a", "b", "c"}, new long[] {T, T, T});
        assertEquals(1.0, t.weight("x", "a"));
        assertEquals(0.5, t.weight("x", "b"));
        assertEquals(0.0, t.weight("x", "c"));
        assertEquals(0.0, t.weight("c", "x"));
    }

    @Test
    void skipsPairsFurtherApartThanTheMaxGapEachOnItsOwn() {
        OnlineCovisitation t = OnlineCovisitation.unbounded(5, 10);
        // out-of-order history: position 1 is too old, position 2 is within 10 s, position 3 exactly at the limit
        update(t, "x", T, new String[] {"a", "b", "c"}, new long[] {T - 20_000, T - 5_000, T - 10_000});
        assertEquals(0.0, t.weight("x", "a"));
        assertEquals(0.5, t.weight("x", "b"));
        assertEquals(1.0 / 3, t.weight("x", "c"));
        assertEquals(1.0 / 3, t.weight("c", "x"));
    }

    @Test
    void skipsTheSameItemButKeepsItsDistance() {
        OnlineCovisitation t = OnlineCovisitation.unbounded(5, DAY_S);
        update(t, "x", T, new String[] {"x", "a"}, new long[] {T, T});
        assertEquals(0.0, t.weight("x", "x"));
        assertEquals(0.5, t.weight("x", "a"), "a is still 2 events back");
        assertEquals(0.5, t.weight("a", "x"));
    }

    @Test
    void fullNeighbourListReplacesTheLightestWithItsWeightPlusTheIncrement() {
        OnlineCovisitation t = new OnlineCovisitation(5, DAY_S, 2, 100);
        update(t, "x", T, new String[] {"a", "b"}, new long[] {T, T}); // x: a 1, b 0.5
        update(t, "x", T, new String[] {"c"}, new long[] {T});          // c replaces b: 0.5 + 1
        assertEquals(2, t.neighbourCount("x"));
        assertEquals(1.0, t.weight("x", "a"));
        assertEquals(0.0, t.weight("x", "b"));
        assertEquals(1.5, t.weight("x", "c"));
        assertEquals(1.0, t.weight("c", "x"));
        assertEquals(0.5, t.weight("b", "x"), "b's own list is untouched");
    }

    @Test
    void dropsTheLeastRecentlyUpdatedItemAtTheItemBound() {
        OnlineCovisitation t = new OnlineCovisitation(5, DAY_S, 32, 3);
        update(t, "b", T, new String[] {"a"}, new long[] {T});          // updated: b, then a
        update(t, "d", T, new String[] {"c"}, new long[] {T});          // d fits; c drops b
        assertEquals(3, t.size());
        assertEquals(List.of("a", "d", "c"), t.itemsByRecency());
        assertEquals(0.0, t.weight("b", "a"), "b's list is gone");
        assertEquals(1.0, t.weight("a", "b"), "a still lists b");
        assertEquals(1.0, t.weight("d", "c"));
        // an update makes an item the most recent again: a survives, d goes
        update(t, "a", T, new String[] {"e"}, new long[] {T});
        assertEquals(List.of("c", "a", "e"), t.itemsByRecency());
        assertEquals(0.0, t.weight("d", "c"));
        assertEquals(1.0, t.weight("a", "e"));
    }

    @Test
    void neverEvictsTheEventsOwnItemWhilePairingIt() {
        OnlineCovisitation t = new OnlineCovisitation(5, DAY_S, 32, 2);
        update(t, "x", T, new String[] {"a", "b", "c"}, new long[] {T, T, T});
        // x is re-touched before each partner: a and b are the ones dropped
        assertEquals(List.of("x", "c"), t.itemsByRecency());
        assertEquals(1.0, t.weight("x", "a"));
        assertEquals(0.5, t.weight("x", "b"));
        assertEquals(1.0 / 3, t.weight("x", "c"));
        assertEquals(1.0 / 3, t.weight("c", "x"));
    }

    @Test
    void scoresTheFirstKDistinctHistoryItemsByRecency() {
        OnlineCovisitation t = OnlineCovisitation.of(Map.of(
                "a", List.of(Map.entry("n", 1.0), Map.entry("m", 4.0)),
                "b", List.of(Map.entry("n", 2.0)),
                "c", List.of(Map.entry("n", 100.0))));
        ItemScores s = new ItemScores();
        t.accumulate(new String[] {"a", "a", "b", "c"}, 4, 2, s);
        assertEquals(2, s.numSeeds());
        assertEquals("a", s.seed(0));
        assertEquals("b", s.seed(1));
        assertEquals(1.0 + 2.0 / 2, s.get("n"), "c is the third distinct item, beyond K = 2");
        assertEquals(4.0, s.get("m"));
        assertEquals(0.0, s.get("zzz"));
        t.accumulate(new String[] {"a", "b", "c"}, 2, 3, s);
        assertEquals(2, s.numSeeds(), "only histLen entries are read");
    }

    @Test
    void topOrdersByScoreThenItemIdAndSkipsZeros() {
        OnlineCovisitation t = OnlineCovisitation.of(Map.of("x", List.of(Map.entry("b", 1.0),
                Map.entry("c", 2.0), Map.entry("a", 1.0), Map.entry("B", 1.0), Map.entry("z", 0.0))));
        ItemScores s = new ItemScores();
        t.accumulate(new String[] {"x"}, 1, 3, s);
        String[] ids = new String[10];
        double[] scores = new double[10];
        int n = s.top(10, ids, scores);
        assertEquals(4, n);
        assertArrayEquals(new String[] {"c", "B", "a", "b"}, java.util.Arrays.copyOf(ids, n));
        assertArrayEquals(new double[] {2, 1, 1, 1}, java.util.Arrays.copyOf(scores, n));
        assertEquals(2, s.top(2, ids, null));
        assertArrayEquals(new String[] {"c", "B"}, java.util.Arrays.copyOf(ids, 2));
    }

    @Test
    void topAgreesWithAFullSortForEveryCutOfRandomScoresWithTies() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        ItemScores s = new ItemScores();
        for (int round = 0; round < 200; round++) {
            s.clearAll();
            int size = rnd.nextInt(300);
            java.util.Map<String, Double> expected = new java.util.HashMap<>();
            for (int i = 0; i < size; i++) {
                String key = "i" + rnd.nextInt(400);
                double v = rnd.nextInt(6) * 0.5; // few distinct values: ties everywhere, zeros too
                s.add(key, v);
                expected.merge(key, v, Double::sum);
            }
            List<String> sorted = expected.entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()
                            .thenComparing(java.util.Map.Entry.comparingByKey()))
                    .map(java.util.Map.Entry::getKey).toList();
            int n = rnd.nextInt(1, 200);
            String[] ids = new String[n];
            int got = s.top(n, ids, null);
            assertEquals(sorted.subList(0, Math.min(n, sorted.size())), java.util.Arrays.asList(ids).subList(0, got),
                    "round " + round + ", top " + n + " of " + s.size());
        }
    }

    @Test
    void frozenChunksKeepTheTableAsItStoodWhileItKeepsLearning() {
        // small bounds, so the updates after the freeze replace neighbours (Space-Saving) and evict and reuse items
        OnlineCovisitation t = new OnlineCovisitation(5, DAY_S, 3, 12);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        String[] prev = new String[5];
        long[] prevTs = new long[5];
        int len = 0;
        long ts = T;
        for (int round = 0; round < 20; round++) {
            List<ListChunk> frozen = t.freeze(5);
            List<byte[]> atFreeze = new java.util.ArrayList<>();
            for (ListChunk c : frozen) {
                atFreeze.add(bytes(c));
            }
            for (int i = 0; i < 200; i++) {
                String x = "i" + rnd.nextInt(30);
                ts += 1000;
                t.update(x, ts, prev, prevTs, len);
                System.arraycopy(prev, 0, prev, 1, 4);
                System.arraycopy(prevTs, 0, prevTs, 1, 4);
                prev[0] = x;
                prevTs[0] = ts;
                len = Math.min(5, len + 1);
            }
            assertEquals(atFreeze.size(), frozen.size());
            for (int c = 0; c < frozen.size(); c++) {
                assertArrayEquals(atFreeze.get(c), bytes(frozen.get(c)), "round " + round + " chunk " + c);
            }
            // and a chunk restores what it froze
            OnlineCovisitation r = new OnlineCovisitation(5, DAY_S, 3, 12);
            frozen.forEach(r::restore);
            List<byte[]> again = snapshot(r, 5);
            assertEquals(atFreeze.size(), again.size());
            for (int c = 0; c < again.size(); c++) {
                assertArrayEquals(atFreeze.get(c), again.get(c));
            }
        }
    }

    @Test
    void snapshotChunksRestoreTheSameTableAndMergeByAddingWeights() {
        OnlineCovisitation t = new OnlineCovisitation(5, DAY_S, 4, 100);
        String[] items = {"a", "b", "c", "d", "e", "f", "g"};
        for (int i = 1; i < 40; i++) {
            String x = items[(i * 3) % items.length];
            update(t, x, T + i * 1000, new String[] {items[(i * 5) % items.length], items[(i * 2) % items.length]},
                    new long[] {T + i * 1000 - 500, T + i * 1000 - 900});
        }
        List<byte[]> chunks = snapshot(t, 3);
        assertEquals((t.size() + 2) / 3, chunks.size());
        OnlineCovisitation r = new OnlineCovisitation(5, DAY_S, 4, 100);
        for (byte[] c : chunks) {
            r.restore(chunk(c));
        }
        assertEquals(t.itemsByRecency(), r.itemsByRecency());
        for (String a : items) {
            assertEquals(t.neighbourCount(a), r.neighbourCount(a));
            for (String b : items) {
                assertEquals(Double.doubleToRawLongBits(t.weight(a, b)), Double.doubleToRawLongBits(r.weight(a, b)));
            }
        }
        // two instances' chunks merged on rescale: weights add
        OnlineCovisitation one = OnlineCovisitation.unbounded(5, DAY_S);
        update(one, "x", T, new String[] {"a"}, new long[] {T});
        OnlineCovisitation two = OnlineCovisitation.unbounded(5, DAY_S);
        update(two, "x", T, new String[] {"a", "b"}, new long[] {T, T});
        OnlineCovisitation merged = OnlineCovisitation.unbounded(5, DAY_S);
        snapshot(one, 100).forEach(b -> merged.restore(chunk(b)));
        snapshot(two, 100).forEach(b -> merged.restore(chunk(b)));
        assertEquals(2.0, merged.weight("x", "a"));
        assertEquals(0.5, merged.weight("x", "b"));
        assertEquals(2.0, merged.weight("a", "x"));
    }

    @Test
    void refusesBoundsThatCannotHoldAPair() {
        assertThrows(IllegalArgumentException.class, () -> new OnlineCovisitation(5, DAY_S, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new OnlineCovisitation(5, DAY_S, 4, 1));
    }

    @Test
    void restoresAChunkOfTheFirstFormatWhichHadNoStamps() throws java.io.IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(b);
        out.writeInt(1); // format 1: the online table's chunks of earlier releases
        out.writeInt(1);
        out.writeInt(1);
        out.write('x');
        out.writeInt(1);
        out.writeInt(1);
        out.write('y');
        out.writeDouble(0.5);
        out.flush();
        OnlineCovisitation t = OnlineCovisitation.unbounded(5, 86_400);
        t.restore(chunk(b.toByteArray()));
        assertEquals(0.5, t.weight("x", "y"));
    }
}
