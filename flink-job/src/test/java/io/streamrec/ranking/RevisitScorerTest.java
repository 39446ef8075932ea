package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSource;
import io.streamrec.event.EventType;
import io.streamrec.model.RevisitTestBundle;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static io.streamrec.event.EventType.ADD_TO_CART;
import static io.streamrec.event.EventType.CLICK;
import static io.streamrec.event.EventType.PURCHASE;
import static io.streamrec.event.EventType.REMOVE_FROM_CART;
import static io.streamrec.event.EventType.SEARCH;
import static io.streamrec.event.EventType.VIEW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The re-visit scorer's features, scores, order and serving refill (docs/MODEL_BUNDLE.md, "Re-visit order"). */
class RevisitScorerTest {
    private static final long T = 1_700_000_000_000L;
    private static final long MIN = 60_000L;

    /**
     * Eight events, most recent first. Distinct ranks: A 0 (p 0, 2, 7), B 1 (p 1, 4), C 2 (p 3), D 3 (p 5),
     * E 4 (p 6, stamped 10 min after the trigger: a late clock).
     */
    private static final String[] HIST = {"A", "B", "A", "C", "B", "D", "E", "A"};
    private static final EventType[] TYPES = {VIEW, ADD_TO_CART, CLICK, PURCHASE, VIEW, SEARCH, REMOVE_FROM_CART,
            VIEW};
    private static final long[] TS = {T, T - 2 * MIN, T - 5 * MIN, T - 60 * MIN, T - 90 * MIN, T - 1440 * MIN,
            T + 10 * MIN, T - 2880 * MIN};

    private static RevisitScorer scorer(List<String> features, double... weights) {
        return new RevisitScorer(features, weights, 50);
    }

    private static RevisitScorer prepared(List<String> features, double... weights) {
        RevisitScorer s = scorer(features, weights);
        s.prepare(HIST, TYPES, TS, HIST.length, T);
        return s;
    }

    private static double[] row(RevisitScorer s, int r) {
        double[] out = new double[s.numFeatures()];
        for (int f = 0; f < out.length; f++) {
            out[f] = s.feature(r, f);
        }
        return out;
    }

    @Test
    void knowsExactlyTheContractsFeatureNames() {
        assertEquals(RevisitTestBundle.ALL_FEATURES, RevisitScorer.FEATURES);
        assertFalse(RevisitScorer.isKnownFeature("seen_wishlist"));
        assertFalse(RevisitScorer.isKnownFeature("seen_VIEW"), "names are exact, not case-folded");
        assertFalse(RevisitScorer.isKnownFeature("rank_3"));
    }

    @Test
    void computesTheContractsFeaturesOnAHandWorkedHistory() {
        RevisitScorer s = prepared(RevisitScorer.FEATURES, new double[18]);
        assertEquals(5, s.size());
        assertArrayEquals(new String[] {"A", "B", "C", "D", "E"},
                new String[] {s.item(0), s.item(1), s.item(2), s.item(3), s.item(4)});
        // log_rank, inv_rank, rank_0..2, log_count, log_minutes, seen_ view click cart uncart purchase search,
        // log_after_trigger, after_trigger_inv_rank, log_before_trigger: the trigger's item A is at p 0, 2 and 7;
        // B is right before p 0 and right after p 2, C right before p 2, E right after p 7 (nothing is before p 7);
        // same_category, same_category_inv_rank: 0 without category keys
        double[][] expected = {
                {0, 1, 1, 0, 0, Math.log(4), 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                {Math.log(2), 0.5, 0, 1, 0, Math.log(3), Math.log(3), 1, 0, 1, 0, 0, 0, Math.log(2), 0.5, Math.log(2),
                        0, 0},
                {Math.log(3), 1.0 / 3, 0, 0, 1, Math.log(2), Math.log(61), 0, 0, 0, 0, 1, 0, 0, 0, Math.log(2), 0, 0},
                {Math.log(4), 0.25, 0, 0, 0, Math.log(2), Math.log(1441), 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0},
                {Math.log(5), 0.2, 0, 0, 0, Math.log(2), 0, 0, 0, 0, 1, 0, 0, Math.log(2), 0.2, 0, 0, 0},
        };
        for (int r = 0; r < expected.length; r++) {
            assertArrayEquals(expected[r], row(s, r), 1e-12, "item " + s.item(r));
        }
        assertEquals(-1, s.rankOf("F"));
        assertEquals(3, s.rankOf("D"));
    }

    @Test
    void scoresAreTheWeightedSumInTheManifestsFeatureOrder() {
        RevisitScorer s = prepared(List.of("log_minutes", "seen_purchase", "inv_rank"), 0.5, 3.0, -2.0);
        assertEquals(List.of("log_minutes", "seen_purchase", "inv_rank"), s.features());
        assertEquals(0.5 * Math.log(61) + 3.0 - 2.0 / 3, s.score(2), 1e-12);
        assertEquals(-2.0, s.score(0), 1e-12);
        assertEquals(0.5 * Math.log(3) - 1.0, s.score(1), 1e-12);
    }

    @Test
    void ordersWindowItemsByFittedWeights() {
        // A: -5 + ln 4; B: 2 + ln 3; C, D, E: ln 2 (a tie: smaller r first)
        RevisitScorer s = prepared(List.of("rank_0", "seen_add_to_cart", "log_count"), -5, 2, 1);
        int[] byScore = new int[s.size()];
        for (int k = 0; k < byScore.length; k++) {
            byScore[k] = s.rankByScore(k);
        }
        assertArrayEquals(new int[] {1, 2, 3, 4, 0}, byScore);
    }

    @Test
    void withoutFeaturesTheOrderIsRecency() {
        RevisitScorer s = prepared(List.of());
        for (int k = 0; k < s.size(); k++) {
            assertEquals(k, s.rankByScore(k));
            assertEquals(0.0, s.score(k));
        }
    }

    @Test
    void readsOnlyTheFirstLEvents() {
        RevisitScorer s = new RevisitScorer(List.of("log_count", "seen_view", "seen_add_to_cart", "seen_purchase"),
                new double[4], 3);
        assertEquals(2, s.prepare(HIST, TYPES, TS, HIST.length, T), "A, B, A: C and later are outside L = 3");
        assertArrayEquals(new double[] {Math.log(3), 1, 0, 0}, row(s, 0), 1e-12);
        assertArrayEquals(new double[] {Math.log(2), 0, 1, 0}, row(s, 1), 1e-12, "B's view at p = 4 is outside");
        assertEquals(-1, s.rankOf("C"));
        assertEquals(1, s.prepare(HIST, TYPES, TS, 1, T), "a shorter history: L' = 1");
    }

    @Test
    void countsTransitionsAroundTheTriggersItemOnlyInsideTheWindow() {
        List<String> names = List.of("log_after_trigger", "after_trigger_inv_rank", "log_before_trigger");
        RevisitScorer s = new RevisitScorer(names, new double[3], 3);
        s.prepare(HIST, TYPES, TS, HIST.length, T);
        // A, B, A: B is right before p 0 and right after p 2; C, right before p 2, is at p 3, outside L = 3
        assertArrayEquals(new double[] {Math.log(2), 0.5, Math.log(2)}, row(s, 1), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0}, row(s, 0), 1e-12, "the trigger's item counts neither way");

        // the next event's window starts from zero: X Y X Y X, trigger X; in the whole history Y comes after X twice
        // and before it twice, inside L = 3 once each
        s.prepare(new String[] {"X", "Y", "X", "Y", "X"}, null, null, 5, T);
        assertEquals(2, s.size());
        assertArrayEquals(new double[] {Math.log(2), 0.5, Math.log(2)}, row(s, 1), 1e-12);
        s.prepare(new String[] {"X", "X", "Y"}, null, null, 3, T);
        assertArrayEquals(new double[] {0, 0, Math.log(2)}, row(s, 1), 1e-12, "Y is right before X at p 1");

        // an empty slot (null) is nobody's neighbour
        RevisitScorer wide = new RevisitScorer(names, new double[3], 50);
        wide.prepare(new String[] {"X", "Y", "X", null, "X", "Z"}, null, null, 6, T);
        assertArrayEquals(new double[] {Math.log(2), 0.5, Math.log(2)}, row(wide, 1), 1e-12);
        assertArrayEquals(new double[] {0, 0, Math.log(2)}, row(wide, 2), 1e-12);
    }

    @Test
    void comparesEachItemsCategoryAtItsMostRecentEventWithTheTriggers() {
        // keys by position for HIST = A B A C B D E A: the trigger A (p 0) is in category 7; B's most recent event
        // (p 1) is too, though its older one (p 4) is not; C (p 3) has another; D (p 5) none; E (p 6) is in 7
        byte[] keys = {7, 7, 9, 2, 2, 0, 7, 9};
        RevisitScorer s = scorer(List.of("same_category", "same_category_inv_rank"), 0, 0);
        s.prepare(HIST, TYPES, TS, keys, HIST.length, T);
        double[][] expected = {{1, 1}, {1, 0.5}, {0, 0}, {0, 0}, {1, 0.2}};
        for (int r = 0; r < expected.length; r++) {
            assertArrayEquals(expected[r], row(s, r), 1e-12, "item " + s.item(r));
        }
        // a trigger without a category matches nothing, not even other events without one
        byte[] none = {0, 7, 9, 2, 2, 0, 7, 9};
        s.prepare(HIST, TYPES, TS, none, HIST.length, T);
        for (int r = 0; r < s.size(); r++) {
            assertArrayEquals(new double[] {0, 0}, row(s, r), 1e-12, "item " + s.item(r));
        }
        s.prepare(HIST, TYPES, TS, null, HIST.length, T);
        assertArrayEquals(new double[] {0, 0}, row(s, 0), 1e-12, "no keys at all");
    }

    @Test
    void forgetsThePreviousEventsWindow() {
        RevisitScorer s = prepared(List.of("log_count"), 1.0);
        s.prepare(new String[] {"X", "X"}, new EventType[] {VIEW, CLICK}, new long[] {T, T}, 2, T);
        assertEquals(1, s.size());
        assertEquals(-1, s.rankOf("A"));
        assertEquals(Math.log(3), s.feature(0, 0), 1e-12);
        assertThrows(IndexOutOfBoundsException.class, () -> s.item(1));
    }

    @Test
    void refusesUnknownOrRepeatedNamesAndNonFiniteWeights() {
        assertThrows(IllegalArgumentException.class, () -> scorer(List.of("log_rank", "age"), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> scorer(List.of("log_rank", "log_rank"), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> scorer(List.of("log_rank"), 1, 1));
        assertThrows(IllegalArgumentException.class, () -> scorer(List.of("log_rank"), Double.NaN));
    }

    // ------------------------------------------------------------------ serving refill

    private static CandidateSet candidates(String... items) {
        CandidateSet c = new CandidateSet(4);
        for (String it : items) {
            c.add(it, 0, CandidateSource.RECENT);
        }
        return c;
    }

    @Test
    void refillsHistorySlotsInReVisitOrderAndKeepsTheOthers() {
        // order by score: B (2 + ln 3), C, D, E (ln 2, by r), A (-5 + ln 4)
        RevisitScorer s = prepared(List.of("rank_0", "seen_add_to_cart", "log_count"), -5, 2, 1);
        CandidateSet cands = candidates("X", "A", "C", "Y", "B", "D", "Z"); // E is no candidate
        int[] order = {1, 0, 2, 3, 4}; // the emitted list: A X C Y B; D and Z were ranked below it
        int moved = s.refill(order, order.length, cands, null);
        // the history slots 0, 2, 4 get B, C, D; X and Y stay; A (the worst re-visit) leaves the list
        assertArrayEquals(new int[] {4, 0, 2, 3, 5}, order);
        assertEquals(2, moved, "slot 2 kept C");
    }

    @Test
    void bringsInAReVisitTheCandidateSourcesDidNotPropose() {
        // E (remove_from_cart seen) scores best but is no candidate: it takes the first history slot as -1 - r
        RevisitScorer s = prepared(List.of("seen_remove_from_cart", "log_rank"), 10, -1);
        CandidateSet cands = candidates("X", "A", "C", "Y", "B");
        int[] order = {2, 0, 1}; // C X A
        assertEquals(1, s.refill(order, order.length, cands, null), "slot 2 keeps A");
        assertEquals(4, s.rankOf("E"));
        assertArrayEquals(new int[] {-1 - 4, 0, 1}, order, "E, X kept, then A (log_rank 0)");
        assertEquals("E", s.item(-1 - order[0]));
    }

    @Test
    void neverBringsBackAFilteredItem() {
        // E and C have the best re-visit scores, but the job's filters forbid them (history positions 6 and 3)
        RevisitScorer s = prepared(List.of("seen_remove_from_cart", "seen_purchase", "log_rank"), 10, 10, -1);
        boolean[] allowed = {true, true, true, false, true, true, false, true};
        CandidateSet cands = candidates("B", "Q", "D", "A");
        int[] order = {3, 1, 0, 2}; // A Q B D
        s.refill(order, order.length, cands, allowed);
        // A (score 0), B (-ln 2), D (-ln 4): the same three, re-ordered
        assertArrayEquals(new int[] {3, 1, 0, 2}, order);
        s = prepared(List.of("log_rank"), 1);
        order = new int[] {3, 1, 0, 2};
        assertEquals(2, s.refill(order, order.length, cands, allowed));
        assertArrayEquals(new int[] {2, 1, 0, 3}, order, "D B A by log_rank, Q untouched");
        for (int i : order) {
            assertTrue(i >= 0, "only candidates: C and E are filtered");
        }
        order = new int[] {3, 1, 0, 2};
        s.refill(order, order.length, cands, null);
        assertArrayEquals(new int[] {-1 - 4, 1, 2, -1 - 2}, order, "unfiltered: E, D, C by log_rank");
    }

    @Test
    void leavesAListWithoutHistoryItemsOrAnEmptyHistoryAlone() {
        RevisitScorer s = prepared(List.of("log_rank"), 1);
        CandidateSet cands = candidates("X", "Y", "A");
        int[] order = {1, 0};
        assertEquals(0, s.refill(order, 2, cands, null), "A is a candidate below the list: no slot to fill");
        assertArrayEquals(new int[] {1, 0}, order);
        s.prepare(new String[0], new EventType[0], new long[0], 0, T);
        order = new int[] {2, 1, 0};
        assertEquals(0, s.refill(order, 3, cands, null));
        assertArrayEquals(new int[] {2, 1, 0}, order);
    }

    @Test
    void allocatesNothingPerEventOnceBuilt() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RevisitScorer s = scorer(RevisitScorer.FEATURES, new double[] {-0.4, 0.3, -1, 0.2, 0.1, 0.8, -0.3, 0.1, 0.2,
                1.2, -0.5, -2, 0.05, 0.7, 0.1, 0.8, 1.5, -0.2});
        byte[] keys = {7, 7, 9, 2, 2, 0, 7, 9};
        CandidateSet cands = candidates("X", "A", "C", "Y", "B", "D", "Z", "E");
        int[] order = new int[6];
        long sink = 0;
        for (int round = 0; round < 2; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                s.prepare(HIST, TYPES, TS, keys, HIST.length - (i & 3), T);
                for (int j = 0; j < order.length; j++) {
                    order[j] = (j + i) % order.length;
                }
                sink += s.refill(order, order.length, cands, null);
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                assertTrue(allocated < 16_384, "allocated " + allocated + " bytes over 20000 events");
            }
        }
        assertTrue(sink >= 0);
    }
}
