package io.streamrec.candidates;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ItemScores#top}: the n best positive scores, score descending, ties by id ascending, as a full sort. */
class ItemScoresTest {
    @Test
    void topIsTheHeadOfAFullSort() {
        checkAgainstFullSort(new Random(3), r -> r.nextInt(5) == 0 ? 0.0 : r.nextInt(7) - 1); // ties, zeros, negatives
    }

    @Test
    void scoresEqualAsFloatsButNotAsDoublesKeepTheirExactOrder() {
        // sums that differ only past a float's precision: the selection works on floats, the order must not
        checkAgainstFullSort(new Random(5), r -> 1.0 / (1 + r.nextInt(3)) + r.nextInt(4) * 1e-12);
    }

    private static void checkAgainstFullSort(Random r, java.util.function.ToDoubleFunction<Random> value) {
        ItemScores scores = new ItemScores();
        for (int round = 0; round < 300; round++) {
            scores.clearAll();
            Map<String, Double> ref = new HashMap<>();
            int items = r.nextInt(400);
            for (int j = 0; j < items; j++) {
                String id = "i" + r.nextInt(500);
                double v = value.applyAsDouble(r);
                scores.add(id, v);
                ref.merge(id, v, Double::sum);
            }
            List<Map.Entry<String, Double>> sorted = new ArrayList<>();
            ref.entrySet().stream().filter(e -> e.getValue() > 0).forEach(sorted::add);
            sorted.sort(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue).reversed()
                    .thenComparing(Map.Entry::getKey));
            int n = 1 + r.nextInt(450);
            String[] ids = new String[n];
            double[] vals = new double[n];
            int m = scores.top(n, ids, vals);
            assertEquals(Math.min(n, sorted.size()), m, "round " + round);
            String[] want = new String[m];
            double[] wantVals = new double[m];
            for (int j = 0; j < m; j++) {
                want[j] = sorted.get(j).getKey();
                wantVals[j] = sorted.get(j).getValue();
            }
            assertArrayEquals(want, java.util.Arrays.copyOf(ids, m), "round " + round);
            assertArrayEquals(wantVals, java.util.Arrays.copyOf(vals, m), "round " + round);
        }
    }
}
