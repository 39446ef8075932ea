package io.streamrec.candidates;

import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CandidateGeneratorTest {

    static ItemIndex randomItems(int n, int d, long seed) {
        Random rnd = new Random(seed);
        String[] ids = new String[n];
        float[] emb = new float[n * d];
        for (int i = 0; i < n; i++) {
            ids[i] = "i" + i;
        }
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) rnd.nextGaussian();
        }
        return ItemIndex.of(ids, emb, d);
    }

    static float[] randomVector(int d, Random rnd) {
        float[] q = new float[d];
        for (int j = 0; j < d; j++) {
            q[j] = (float) rnd.nextGaussian();
        }
        return q;
    }

    private static Map.Entry<String[], float[]> list(String[] ids, float[] w) {
        return new AbstractMap.SimpleEntry<>(ids, w);
    }

    private static CandidateGenerator generator(ItemIndex items, Covisitation cv, List<String> popular,
                                                CandidateOptions o) {
        return new CandidateGenerator(items, cv, popular, 3, o);
    }

    @Test
    void retrievalTopNMatchesABruteForceSortOnRandomEmbeddings() {
        for (int[] nd : new int[][]{{1, 4}, {999, 8}, {1024, 16}, {5000, 32}, {3333, 7}, {2100, 20}}) {
            int n = nd[0];
            int d = nd[1];
            ItemIndex items = randomItems(n, d, n * 31L + d);
            CandidateGenerator g = generator(items, Covisitation.of(Map.of(), items), List.of(), null);
            Random rnd = new Random(n);
            for (int trial = 0; trial < 5; trial++) {
                float[] q = randomVector(d, rnd);
                float[] emb = items.embeddings();
                double[] exact = new double[n];
                for (int r = 0; r < n; r++) {
                    float s = 0; // same float accumulation order as the scan: j ascending
                    for (int j = 0; j < d; j++) {
                        s += q[j] * emb[r * d + j];
                    }
                    exact[r] = s;
                }
                int k = Math.min(100, n);
                int[] want = IntStream.range(0, n).boxed()
                        .sorted(Comparator.<Integer>comparingDouble(r -> -exact[r]).thenComparingInt(r -> r))
                        .limit(k).mapToInt(r -> r + 1).toArray();
                int[] got = new int[k];
                float[] scores = new float[k];
                assertEquals(k, g.retrieve(q, k, got, scores));
                assertArrayEquals(want, got, "n=" + n + " d=" + d + " trial " + trial);
                for (int i = 0; i < k; i++) {
                    // bit for bit: the scan sums in the same order as the loop above
                    assertEquals((float) exact[got[i] - 1], scores[i], "score of rank " + i);
                    assertTrue(i == 0 || scores[i - 1] >= scores[i]);
                }
            }
        }
    }

    @Test
    void generatorDedupesAndLabelsEachItemWithTheFirstSourceThatProposedIt() {
        ItemIndex items = randomItems(500, 8, 1);
        // i1 (recent) has neighbours i2 (also recent), i3, i4
        Map<String, Map.Entry<String[], float[]>> cv = new HashMap<>();
        cv.put("i1", list(new String[]{"i2", "i3", "i4"}, new float[]{9f, 5f, 1f}));
        Covisitation covisit = Covisitation.of(cv, items);
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = 30;
        o.covisitN = 10;
        o.fillTo = 0;
        CandidateGenerator g = generator(items, covisit, List.of("i5", "i3", "i6"), o);
        float[] q = items.embeddings().clone();
        q = java.util.Arrays.copyOfRange(q, 3 * 8, 4 * 8); // close to i3's row -> i3 ranks high in retrieval
        CandidateSet out = new CandidateSet(4);
        g.generate(q, new String[]{"i1", "i2", "i1"}, 3, null, out);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < out.size(); i++) {
            assertTrue(seen.add(out.item(i)), "duplicate " + out.item(i) + " in " + out);
        }
        assertEquals("i1", out.item(0));
        assertEquals(CandidateSource.RECENT, out.source(0));
        assertEquals("i2", out.item(1));
        assertEquals(CandidateSource.RECENT, out.source(1));
        assertEquals("i3", out.item(2));
        assertEquals(CandidateSource.COVISIT, out.source(2));
        assertEquals("i4", out.item(3));
        assertEquals(CandidateSource.COVISIT, out.source(3));
        for (int i = 4; i < out.size(); i++) {
            assertEquals(CandidateSource.RETRIEVAL, out.source(i));
        }
        assertEquals(4 + 30, out.size(), "warm user with fillTo=0 gets no popular items");
        assertEquals(4, out.modelIndex(2));
    }

    @Test
    void onlineCovisitProposesByItemIdAfterCovisitAndBeforeRetrieval() {
        ItemIndex items = randomItems(500, 8, 1);
        Map<String, Map.Entry<String[], float[]>> cv = new HashMap<>();
        cv.put("i1", list(new String[]{"i3"}, new float[]{9f}));
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = 5;
        o.covisitN = 10;
        o.onlineCovisitN = 3;
        o.fillTo = 0;
        CandidateGenerator g = generator(items, Covisitation.of(cv, items), List.of(), o);
        // seeds: i1 (q = 0), new-a (q = 1), i2 (q = 2); i3 is already a covisit candidate, i9 is excluded
        OnlineCovisitation t = OnlineCovisitation.of(Map.of(
                "i1", List.of(Map.entry("i3", 50.0), Map.entry("new-b", 1.0), Map.entry("i9", 40.0)),
                "new-a", List.of(Map.entry("i7", 4.0), Map.entry("new-b", 1.0)),
                "i2", List.of(Map.entry("new-c", 3.0), Map.entry("i8", 0.5))));
        CandidateSet out = new CandidateSet(4);
        float[] q = java.util.Arrays.copyOfRange(items.embeddings(), 0, 8);
        g.generate(q, new String[]{"i1", "new-a", "i1", "i2"}, 4, t, "i9"::equals, out);
        assertEquals("[i1/recent, new-a/recent, i2/recent, i3/covisit, i7/online_covisit, new-b/online_covisit, "
                + "new-c/online_covisit]", sub(out, 7));
        assertEquals(0, out.modelIndex(5), "unknown to the bundle: model index 0");
        assertEquals(8, out.modelIndex(4));
        for (int i = 7; i < out.size(); i++) {
            assertEquals(CandidateSource.RETRIEVAL, out.source(i));
        }
        assertEquals(12, out.size());
        // K = 1: only i1's list
        o.onlineCovisitItems = 1;
        g = generator(items, Covisitation.of(cv, items), List.of(), o);
        g.generate(q, new String[]{"i1", "new-a", "i1", "i2"}, 4, t, "i9"::equals, out);
        assertEquals("[i1/recent, new-a/recent, i2/recent, i3/covisit, new-b/online_covisit]", sub(out, 5));
    }

    private static String sub(CandidateSet s, int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(s.item(i)).append('/').append(s.source(i).wireName());
        }
        return sb.append(']').toString();
    }

    @Test
    void covisitCandidatesAreRankedByRecencyWeightedSum() {
        ItemIndex items = randomItems(50, 4, 2);
        Map<String, Map.Entry<String[], float[]>> cv = new HashMap<>();
        cv.put("i1", list(new String[]{"i10", "i11"}, new float[]{4f, 3f}));
        cv.put("i2", list(new String[]{"i11", "i12"}, new float[]{4f, 1f}));
        CandidateOptions o = new CandidateOptions();
        o.recentEnabled = false;
        o.retrievalN = 0;
        o.fillTo = 0;
        CandidateGenerator g = generator(items, Covisitation.of(cv, items), List.of(), o);
        CandidateSet out = new CandidateSet();
        // i11: 3/1 + 4/2 = 5 ; i10: 4 ; i12: 1/2
        g.generate(new float[]{1, 0, 0, 0}, new String[]{"i1", "i2"}, 2, null, out);
        assertEquals("[i11/covisit, i10/covisit, i12/covisit]", out.toString());
    }

    @Test
    void excludedItemsAreNeverAddedAndRetrievalStillFillsItsQuota() {
        ItemIndex items = randomItems(2000, 16, 3);
        Map<String, Map.Entry<String[], float[]>> cv = new HashMap<>();
        cv.put("i7", list(new String[]{"i8", "i9"}, new float[]{2f, 1f}));
        List<String> popular = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            popular.add("i" + i);
        }
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = 50;
        CandidateGenerator g = generator(items, Covisitation.of(cv, items), popular, o);
        Random rnd = new Random(4);
        float[] q = randomVector(16, rnd);
        // exclude the 200 best retrieval hits and every odd item
        int[] best = new int[200];
        g.retrieve(q, 200, best, null);
        Set<String> excluded = new HashSet<>();
        for (int b : best) {
            excluded.add(items.idOf(b));
        }
        for (int i = 1; i < 2000; i += 2) {
            excluded.add("i" + i);
        }
        excluded.add("i8");
        CandidateSet out = new CandidateSet();
        g.generate(q, new String[]{"i7", "i9"}, 2, excluded::contains, out);
        int retrieval = 0;
        for (int i = 0; i < out.size(); i++) {
            assertFalse(excluded.contains(out.item(i)), out.item(i) + " is excluded");
            if (out.source(i) == CandidateSource.RETRIEVAL) {
                retrieval++;
            }
        }
        assertEquals(50, retrieval);
        assertFalse(excluded.contains(out.item(0)));
    }

    @Test
    void coldUserFallsBackToPopular() {
        ItemIndex items = randomItems(300, 8, 5);
        List<String> popular = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            popular.add("i" + (299 - i));
        }
        CandidateOptions o = new CandidateOptions();
        o.popularN = 40;
        CandidateGenerator g = generator(items, Covisitation.of(Map.of(), items), popular, o);
        CandidateSet out = new CandidateSet();
        g.generate(new float[8], new String[0], 0, s -> s.equals("i298"), out);
        assertEquals(40, out.size());
        assertEquals("i299", out.item(0));
        assertEquals("i297", out.item(1));
        for (int i = 0; i < out.size(); i++) {
            assertEquals(CandidateSource.POPULAR, out.source(i));
        }
        // no history but a non-zero vector is still cold: popular appended after retrieval
        g.generate(randomVector(8, new Random(1)), new String[0], 0, null, out);
        assertEquals(100 + 40 - countOverlap(out), out.size());
    }

    private static int countOverlap(CandidateSet out) {
        int popular = 0;
        for (int i = 0; i < out.size(); i++) {
            popular += out.source(i) == CandidateSource.POPULAR ? 1 : 0;
        }
        return 40 - popular;
    }

    @Test
    void warmUserGetsPopularOnlyToFill() {
        ItemIndex items = randomItems(300, 8, 6);
        List<String> popular = List.of("i1", "i2", "i3", "i4", "i5");
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = 0;
        o.fillTo = 3;
        CandidateGenerator g = generator(items, Covisitation.of(Map.of(), items), popular, o);
        CandidateSet out = new CandidateSet();
        g.generate(randomVector(8, new Random(2)), new String[]{"i2"}, 1, null, out);
        assertEquals("[i2/recent, i1/popular, i3/popular]", out.toString());
    }

    @Test
    void recentItemsUnknownToTheModelAreKeptDistinct() {
        ItemIndex items = randomItems(10, 4, 7);
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = 0;
        o.fillTo = 0;
        CandidateGenerator g = generator(items, Covisitation.of(Map.of(), items), List.of(), o);
        CandidateSet out = new CandidateSet(1);
        g.generate(new float[]{1, 1, 1, 1}, new String[]{"new1", "i3", "new1", "new2", "i3"}, 5, null, out);
        assertEquals("[new1/recent, i3/recent, new2/recent]", out.toString());
        assertEquals(0, out.modelIndex(0));
        // reuse: the next call starts clean
        g.generate(new float[]{1, 1, 1, 1}, new String[]{"i3"}, 1, null, out);
        assertEquals("[i3/recent]", out.toString());
    }

    @Test
    void sourceWireNamesAreLowercase() {
        assertEquals("retrieval", CandidateSource.RETRIEVAL.wireName());
        assertEquals("trending", CandidateSource.TRENDING.wireName());
    }
}
