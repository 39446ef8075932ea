package io.streamrec.candidates;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The session-kNN index: its lists, its bounds, and scores against hand-computed values. */
class SessionNeighboursTest {

    private static String[] h(String... mostRecentFirst) {
        return mostRecentFirst;
    }

    /** A views i1, i2; B views i1, i3; C views i2, i4 (each observe gets the window after the event). */
    private static SessionNeighbours threeShoppers(int itemUsers, int maxUsers) {
        SessionNeighbours s = new SessionNeighbours(itemUsers, maxUsers);
        s.observe("A", h("i1"), 1);
        s.observe("B", h("i1"), 1);
        s.observe("A", h("i2", "i1"), 2);
        s.observe("B", h("i3", "i1"), 2);
        s.observe("C", h("i2"), 1);
        s.observe("C", h("i4", "i2"), 2);
        return s;
    }

    @Test
    void keepsEachUsersDistinctWindowItemsAndEachItemsUsersByLastTouch() {
        SessionNeighbours s = threeShoppers(200, 100);
        assertArrayEquals(h("i2", "i1"), s.itemsOf("A"));
        assertArrayEquals(h("i3", "i1"), s.itemsOf("B"));
        assertArrayEquals(h("B", "A"), s.usersOf("i1"), "B touched i1 after A");
        assertArrayEquals(h("C", "A"), s.usersOf("i2"));
        assertEquals(3, s.users());
        assertEquals(4, s.items());
        s.observe("D", h("i1", "i1", "i2"), 3);
        assertArrayEquals(h("i1", "i2"), s.itemsOf("D"), "distinct, most recent first");
        assertArrayEquals(h("D", "B", "A"), s.usersOf("i1"));
        assertArrayEquals(h("C", "A", "D"), s.usersOf("i2"), "an older window item joins at the back");
    }

    @Test
    void scoresItemsOfTheNearestOtherUsersAsComputedByHand() {
        SessionNeighbours s = threeShoppers(200, 100);
        String[] ids = new String[10];
        double[] scores = new double[10];
        // A's seeds are its own items i2 (weight 1) and i1 (1/2): C meets through i2 (sim 1), B through i1 (sim 1/2)
        int n = s.score("A", 2, 10, 10, ids, scores);
        double c = 1.0 / Math.sqrt(2);
        double b = 0.5 / Math.sqrt(2);
        assertEquals(2, n, "A's own items i2 and i1 are scored but not listed");
        assertArrayEquals(h("i4", "i3"), java.util.Arrays.copyOf(ids, n));
        assertEquals(c, scores[0], 1e-12);
        assertEquals(b, scores[1], 1e-12);
        assertEquals(c, s.lastScore("i2"), 1e-12);
        assertEquals(b, s.lastScore("i1"), 1e-12);
        assertEquals(0.0, s.lastScore("unknown"));

        n = s.score("A", 2, 1, 10, ids, scores);
        assertArrayEquals(h("i4"), java.util.Arrays.copyOf(ids, n), "one neighbour: only C's items");
        assertEquals(0.0, s.lastScore("i3"));

        s.score("A", 1, 10, 10, ids, scores);
        assertEquals(0.0, s.lastScore("i3"), "one seed: B is not met");
        assertEquals(0, s.score("nobody", 5, 10, 10, ids, scores), "a user the index never observed");
    }

    @Test
    void idfRanksAnItemFewUsersHoldAboveOneManyHold() {
        for (boolean idf : new boolean[]{false, true}) {
            SessionNeighbours s = new SessionNeighbours(200, 100, Long.MAX_VALUE, idf);
            s.observe("B", h("p", "r", "x"), 3); // B's list: p, r, x
            for (String u : h("D", "E", "F")) {
                s.observe(u, h("p"), 1); // p is in four users' lists, r in one
            }
            s.observe("A", h("x"), 1); // five users; x in two lists
            String[] ids = new String[10];
            double[] scores = new double[10];
            int n = s.score("A", 1, 10, 10, ids, scores);
            double base = 1.0 / Math.sqrt(3); // B: sim 1, three items
            if (idf) {
                assertArrayEquals(h("r", "p"), java.util.Arrays.copyOf(ids, n), "the rare item first");
                assertEquals(base * Math.log(1 + 5.0 / 1), scores[0], 1e-12);
                assertEquals(base * Math.log(1 + 5.0 / 4), scores[1], 1e-12);
                assertEquals(base * Math.log(1 + 5.0 / 2), s.lastScore("x"), 1e-12);
            } else {
                assertArrayEquals(h("p", "r"), java.util.Arrays.copyOf(ids, n), "a tie: the first reached");
                assertEquals(base, scores[0], 1e-12);
                assertEquals(base, scores[1], 1e-12);
            }
        }
    }

    @Test
    void breaksNeighbourTiesByTheMostRecentTouch() {
        SessionNeighbours s = threeShoppers(200, 100);
        s.observe("D", h("i1"), 1); // D touched i1 after B: both have sim 1 for a user seeded by i1
        s.observe("D", h("i5", "i1"), 2);
        s.observe("E", h("i1"), 1);
        String[] ids = new String[10];
        double[] scores = new double[10];
        int n = s.score("E", 1, 1, 10, ids, scores);
        assertArrayEquals(h("i5"), java.util.Arrays.copyOf(ids, n));
        assertEquals(1.0 / Math.sqrt(2), scores[0], 1e-12);
        assertEquals(0.0, s.lastScore("i3"));
    }

    @Test
    void forgetsWhatLeavesTheUsersWindow() {
        SessionNeighbours s = threeShoppers(200, 100);
        s.observe("B", h("i6", "i3"), 2); // i1 fell out of B's window
        assertArrayEquals(h("A"), s.usersOf("i1"));
        s.observe("A", h("i7", "i2"), 2);
        assertArrayEquals(new String[0], s.usersOf("i1"), "nobody holds i1 any more");
        assertEquals(5, s.items(), "i2, i3, i4, i6, i7");
    }

    @Test
    void boundsTheUsersOfAnItemAndTheUsersOfTheIndex() {
        SessionNeighbours s = threeShoppers(2, 100);
        s.observe("D", h("i1"), 1);
        assertArrayEquals(h("D", "B"), s.usersOf("i1"), "A dropped from i1's full list");
        assertArrayEquals(h("i2", "i1"), s.itemsOf("A"), "A's own list is unchanged");

        SessionNeighbours small = threeShoppers(200, 2);
        assertEquals(2, small.users());
        assertArrayEquals(new String[0], small.itemsOf("A"), "the least recently active user left");
        assertArrayEquals(h("B"), small.usersOf("i1"));
        assertArrayEquals(h("C"), small.usersOf("i2"));
        assertArrayEquals(h("B", "C"), small.usersByActivity());
        small.observe("B", h("i8", "i3", "i1"), 3);
        assertArrayEquals(h("C", "B"), small.usersByActivity());
    }

    @Test
    void rejectsNonPositiveBounds() {
        assertThrows(IllegalArgumentException.class, () -> new SessionNeighbours(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new SessionNeighbours(10, 0));
    }
}
