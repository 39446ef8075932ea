package io.streamrec.candidates;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The selection path of {@link TopK} must give exactly what offering every score to the heap gives. */
class TopKTest {

    private static void assertSameAsOffering(float[] scores, int cap) {
        TopK offered = new TopK(cap);
        for (int i = 0; i < scores.length; i++) {
            offered.offer(scores[i], i + 1);
        }
        int expected = offered.drainSorted();
        TopK selected = new TopK(1);
        int m = selected.selectTop(scores, scores.length, cap, 1);
        assertEquals(expected, m, "count");
        for (int i = 0; i < m; i++) {
            assertEquals(offered.idAt(i), selected.idAt(i), "rank " + i + " of " + scores.length + " cap " + cap);
            assertEquals(offered.scoreAt(i), selected.scoreAt(i), "rank " + i);
        }
    }

    /** Random, rising, heavily tied, or NaN and signed zeros among tiny scores (kind 0 to 3). */
    private static float[] scores(Random rnd, int n, int kind) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            int pick = rnd.nextInt(100);
            s[i] = kind == 0 ? (float) rnd.nextGaussian() : kind == 1 ? i * 1e-3f + rnd.nextFloat()
                    : kind == 2 ? rnd.nextInt(50)
                    : pick == 0 ? Float.NaN : pick < 30 ? 0f : pick < 60 ? -0f : (float) rnd.nextGaussian() * 1e-3f;
        }
        return s;
    }

    @Test
    void selectsTheSameTopAsTheHeapOnRandomScores() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(3000);
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                s[i] = (float) rnd.nextGaussian();
            }
            assertSameAsOffering(s, 1 + rnd.nextInt(300));
        }
    }

    @Test
    void selectsTheSameTopOnLargeInputsWhereTheThresholdComesFromASample() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int n = TopK.SAMPLED_MIN_N + rnd.nextInt(60_000);
            assertSameAsOffering(scores(rnd, n, trial % 4), 1 + rnd.nextInt(400));
        }
    }

    @Test
    void breaksTiesByTheLowerIndexLikeTheHeap() {
        Random rnd = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + rnd.nextInt(500);
            float[] s = new float[n];
            for (int i = 0; i < n; i++) {
                s[i] = rnd.nextInt(4); // many equal scores, including at the threshold
            }
            assertSameAsOffering(s, 1 + rnd.nextInt(n + 10));
        }
    }

    @Test
    void handlesScoresThatRiseWithTheIndexAndCapsAboveN() {
        float[] rising = new float[2000];
        for (int i = 0; i < rising.length; i++) {
            rising[i] = i * 0.5f - 300f;
        }
        assertSameAsOffering(rising, 250);
        assertSameAsOffering(rising, 2000);
        assertSameAsOffering(rising, 5000);
    }

    @Test
    void streamingSelectionBlockByBlockEqualsSelectingAllScoresAtOnce() {
        Random rnd = new Random(13);
        for (int trial = 0; trial < 60; trial++) {
            int n = 1 + rnd.nextInt(20_000);
            float[] s = scores(rnd, n, trial % 4);
            int cap = trial % 10 == 0 ? n + 5 : rnd.nextInt(400);
            TopK all = new TopK(1);
            int m = all.selectTop(s, n, cap, 1);
            TopK streamed = new TopK(1);
            streamed.beginStream(cap);
            for (int from = 0; from < n; ) {
                int rows = Math.min(n - from, 1 + rnd.nextInt(1500));
                streamed.offerAll(java.util.Arrays.copyOfRange(s, from, from + rows), rows, 1 + from);
                from += rows;
            }
            assertEquals(m, streamed.endStream(), "count, trial " + trial);
            for (int i = 0; i < m; i++) {
                assertEquals(all.idAt(i), streamed.idAt(i), "rank " + i + " trial " + trial);
                assertEquals(all.scoreAt(i), streamed.scoreAt(i), "rank " + i);
            }
        }
    }
}
