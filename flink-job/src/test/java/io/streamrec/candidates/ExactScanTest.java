package io.streamrec.candidates;

import io.streamrec.model.ItemIndex;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The batched scan ({@link ExactScan#batch}) must select for every query exactly what the single scan selects for it
 * alone, with the same skipped items: the batch scores queries two at a time and skips each set's items tile by
 * tile, so odd batches, dimensions that are not a multiple of four and sets spread over several tiles are covered.
 */
class ExactScanTest {
    private static final int N = 2 * ItemIndex.TILE + 500; // two full tiles and a partial one
    private static final int D = 10;

    @Test
    void batchSelectsForEveryQueryWhatTheSingleScanSelectsWithTheSameSkips() {
        ItemIndex items = CandidateGeneratorTest.randomItems(N, D, 5L);
        ExactScan batched = new ExactScan(items);
        ExactScan alone = new ExactScan(items);
        Random rnd = new Random(6);
        for (int b = 1; b <= 5; b++) {
            float[][] qs = new float[b][];
            int[] caps = new int[b];
            CandidateSet[] skips = new CandidateSet[b];
            for (int k = 0; k < b; k++) {
                qs[k] = CandidateGeneratorTest.randomVector(D, rnd);
                caps[k] = 1 + rnd.nextInt(200);
                skips[k] = new CandidateSet(64);
                // the query's own best items, items anywhere in the table, and an item outside the bundle
                alone.single(qs[k], 20, null);
                for (int i = 0; i < 20; i += 2) {
                    int idx = alone.singleResult().idAt(i);
                    skips[k].add("i" + (idx - 1), idx, CandidateSource.COVISIT);
                }
                for (int i = 0; i < 10; i++) {
                    int idx = 1 + rnd.nextInt(N);
                    skips[k].add("i" + (idx - 1), idx, CandidateSource.RECENT);
                }
                skips[k].add("unknown", 0, CandidateSource.RECENT);
            }
            batched.batch(qs, caps, skips, b);
            for (int k = 0; k < b; k++) {
                int m = alone.single(qs[k], caps[k], skips[k]);
                TopK got = batched.batchResult(k);
                assertEquals(caps[k], m);
                for (int i = 0; i < m; i++) {
                    String at = "batch " + b + ", query " + k + ", rank " + i;
                    assertEquals(alone.singleResult().idAt(i), got.idAt(i), at);
                    assertEquals(Float.floatToIntBits(alone.singleResult().scoreAt(i)),
                            Float.floatToIntBits(got.scoreAt(i)), "score, " + at);
                }
            }
        }
    }
}
