package io.streamrec.ranking;

import io.streamrec.event.EventType;
import io.streamrec.model.BundleException;
import io.streamrec.model.InterestVector;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.ShippedBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxRankerTest {
    private static ModelBundle bundle;
    private static OnnxRanker ranker;

    @BeforeAll
    static void open() throws BundleException {
        bundle = ShippedBundle.load();
        ranker = new OnnxRanker(bundle, RankerOptions.defaults());
        ranker.open();
    }

    @AfterAll
    static void close() {
        ranker.close();
    }

    /** A plausible request: a random history replayed through the interest update, random candidates. */
    static RankRequest randomRequest(ModelBundle b, Random rnd, int histLen, int numCandidates) {
        int n = b.items().size();
        String[] hist = new String[histLen];
        EventType[] types = new EventType[histLen];
        long[] ts = new long[histLen];
        long t = 1_700_000_000_000L + rnd.nextInt(1_000_000_000);
        for (int i = 0; i < histLen; i++) { // most recent first
            hist[i] = rnd.nextInt(10) == 0 ? "__unknown__" : b.items().idOf(1 + rnd.nextInt(n));
            types[i] = EventType.values()[rnd.nextInt(6)];
            ts[i] = t;
            t -= rnd.nextInt(600_000);
        }
        float[] v = new float[b.manifest().embeddingDim()];
        long last = InterestVector.NONE;
        for (int i = histLen - 1; i >= 0; i--) {
            last = InterestVector.update(b, v, last, hist[i], types[i], ts[i]);
        }
        String[] cands = new String[numCandidates];
        for (int i = 0; i < numCandidates; i++) {
            cands[i] = rnd.nextInt(20) == 0 ? "__unknown__" : b.items().idOf(1 + rnd.nextInt(n));
        }
        return RankRequest.of(v, hist, types, ts, cands);
    }

    @Test
    void scoringABatchEqualsScoringEachRequestAlone() {
        Random rnd = new Random(7);
        List<RankRequest> batch = new ArrayList<>();
        int[] ks = {1, 17, 100, 3, 60};
        int[] hs = {1, 50, 80, 4, 12};
        for (int i = 0; i < ks.length; i++) {
            batch.add(randomRequest(bundle, rnd, hs[i], ks[i]));
        }
        float[][] together = ranker.score(batch);
        assertEquals(batch.size(), together.length);
        for (int i = 0; i < batch.size(); i++) {
            assertEquals(ks[i], together[i].length, "exactly numCandidates scores");
            float[] alone = ranker.score(List.of(batch.get(i)))[0];
            assertArrayEquals(alone, together[i], 1e-5f, "request " + i);
        }
    }

    @Test
    void reorderingCandidatesReordersScores() {
        Random rnd = new Random(11);
        RankRequest r = randomRequest(bundle, rnd, 20, 30);
        float[] s = ranker.score(List.of(r))[0];
        String[] rev = new String[30];
        for (int i = 0; i < 30; i++) {
            rev[i] = r.candidates[29 - i];
        }
        r.candidates = rev;
        float[] t = ranker.score(List.of(r))[0];
        for (int i = 0; i < 30; i++) {
            assertEquals(s[29 - i], t[i], 1e-5f);
        }
    }

    @Test
    void honoursNumCandidatesAndHistLenShorterThanTheArrays() {
        Random rnd = new Random(3);
        RankRequest r = randomRequest(bundle, rnd, 30, 40);
        RankRequest trimmed = RankRequest.of(r.interest, java.util.Arrays.copyOf(r.histItems, 10),
                java.util.Arrays.copyOf(r.histTypes, 10), java.util.Arrays.copyOf(r.histTs, 10),
                java.util.Arrays.copyOf(r.candidates, 25));
        r.histLen = 10;
        r.numCandidates = 25;
        float[] a = ranker.score(List.of(r))[0];
        assertEquals(25, a.length);
        assertArrayEquals(ranker.score(List.of(trimmed))[0], a, 0f);
    }

    @Test
    void emptyBatchAndNoCandidatesNeedNoModelCall() {
        assertEquals(0, ranker.score(List.of()).length);
        RankRequest r = randomRequest(bundle, new Random(1), 5, 0);
        float[][] s = ranker.score(List.of(r));
        assertEquals(1, s.length);
        assertEquals(0, s[0].length);
    }

    @Test
    void scoresAreFiniteAndRepeatable() {
        RankRequest r = randomRequest(bundle, new Random(5), 50, 200);
        float[] a = ranker.score(List.of(r))[0];
        float[] b = ranker.score(List.of(r))[0];
        assertArrayEquals(a, b, 0f);
        for (float x : a) {
            assertTrue(Float.isFinite(x));
        }
    }

    @Test
    void passesSingleThreadNoSpinAllOptimisationsToTheSession() throws BundleException {
        try (OnnxRanker r = new OnnxRanker(bundle, new RankerOptions().intraOpThreads(2))) {
            r.open();
            assertEquals("2", r.sessionSettings().get("intra_op_num_threads"));
            assertEquals("1", r.sessionSettings().get("inter_op_num_threads"));
            assertEquals("0", r.sessionSettings().get("session.intra_op.allow_spinning"));
            assertEquals("ALL_OPT", r.sessionSettings().get("optimization_level"));
            RankRequest q = randomRequest(bundle, new Random(9), 10, 10);
            assertArrayEquals(ranker.score(List.of(q))[0], r.score(List.of(q))[0], 1e-5f);
        }
        assertEquals("1", ranker.sessionSettings().get("intra_op_num_threads"));
    }

    @Test
    void refusesToScoreBeforeOpenOrAfterClose() throws BundleException {
        OnnxRanker r = new OnnxRanker(bundle, null);
        RankRequest q = randomRequest(bundle, new Random(2), 3, 3);
        assertThrows(IllegalStateException.class, () -> r.score(List.of(q)));
        r.open();
        r.score(List.of(q));
        r.close();
        r.close();
        assertThrows(IllegalStateException.class, () -> r.score(List.of(q)));
    }
}
