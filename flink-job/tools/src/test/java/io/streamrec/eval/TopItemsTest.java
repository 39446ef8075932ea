package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TopItemsTest {

    @Test
    void picksTheHighestScoresBestFirstWithTiesToTheLowerIndex() {
        float[] s = {9f, 0.5f, 2f, 0.5f, 3f, 2f};
        assertArrayEquals(new int[]{4, 2, 5}, TopItems.best(s, 1, s.length, 3), "index 0 is outside the range");
        assertArrayEquals(new int[]{0, 4, 2, 5, 1, 3}, TopItems.best(s, 0, s.length, 10), "k above n: all, sorted");
        assertArrayEquals(new int[0], TopItems.best(s, 0, s.length, 0));
    }
}
