package io.streamrec.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link CoverageWindow}'s primitive table against a plain map of the lists in the window. */
class CoverageWindowTest {
    @Test
    void countsDistinctItemsOfTheLastListsLikeAMap() {
        Random r = new Random(7);
        for (int capacity : new int[]{1, 3, 50}) {
            CoverageWindow w = new CoverageWindow(capacity);
            ArrayDeque<int[]> window = new ArrayDeque<>();
            for (int n = 0; n < 3_000; n++) {
                int[] list = new int[r.nextInt(12)];
                for (int j = 0; j < list.length; j++) {
                    // a small universe, negative and zero hashes, and repeats inside one list
                    list[j] = r.nextInt(4) == 0 ? 0 : r.nextInt(400) - 200;
                }
                w.add(list);
                window.addLast(list);
                if (window.size() > capacity) {
                    window.removeFirst();
                }
                Map<Integer, Integer> ref = new HashMap<>();
                for (int[] l : window) {
                    for (int h : l) {
                        ref.merge(h, 1, Integer::sum);
                    }
                }
                assertEquals(ref.size(), w.distinctItems(), "after list " + n + " at capacity " + capacity);
                assertEquals(window.size(), w.lists());
            }
        }
    }
}
