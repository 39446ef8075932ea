package io.streamrec.eval;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** V-SKNN and STAN on small hand-made event sequences: who the neighbours are, how they weigh, what they never see. */
class SessionKnnTest {
    private static final long MIN = 60_000L;
    private static final long DAY = 86_400_000L;
    private int ids;

    private UserEvent ev(String user, String item, long ts) {
        return new UserEvent("e" + ids++, user, item, EventType.VIEW, ts);
    }

    /** Several methods, each fed every event (as the protocol does); the popular fallback first. */
    private static final class Run {
        final Baselines.Popular popular = new Baselines.Popular(1);
        final SessionIndex index = new SessionIndex(30 * MIN, 1000);
        final SessionKnn.VSknn vsknn =
                new SessionKnn.VSknn(index, 100, 1000, SessionKnn.VSknn.Weighting.LINEAR, false, popular);
        final SessionKnn.Stan stan = new SessionKnn.Stan(index, 100, 1000, 1.0, 86_400.0, 1.0, popular);

        void observe(UserEvent e) {
            popular.observe(e);
            vsknn.observe(e);
            stan.observe(e);
        }
    }

    /** {@code user} views {@code items} one minute apart from minute {@code fromMin}. */
    private void visit(Run r, String user, long fromMin, String... items) {
        for (int i = 0; i < items.length; i++) {
            r.observe(ev(user, items[i], (fromMin + i) * MIN));
        }
    }

    /** {@code user} views {@code item} at minute {@code min}: the event a list is then asked for. */
    private UserEvent query(Run r, String user, String item, long min) {
        UserEvent e = ev(user, item, min * MIN);
        r.observe(e);
        return e;
    }

    /** A user who only looks at the popular item "z", so popular's list differs from any neighbour's. */
    private void popularNoise(Run r, long ts) {
        for (int i = 0; i < 10; i++) {
            r.observe(ev("noise", "z", ts + i));
        }
    }

    @Test
    void aRunningNeighbourSessionThatSharesAnItemRanksItsOtherItemsFirst() {
        Run r = new Run();
        popularNoise(r, 0);
        r.observe(ev("alice", "a", 10 * MIN));
        r.observe(ev("alice", "b", 11 * MIN));
        r.observe(ev("alice", "c", 12 * MIN)); // alice's session is still running
        UserEvent q = query(r, "bob", "a", 13);
        for (SessionKnn m : List.of(r.vsknn, r.stan)) {
            List<String> l = m.recommend(q, 5);
            // a, b and c tie (alice's session holds all three); the far more popular z only fills up after them
            assertEquals(Set.of("a", "b", "c"), new HashSet<>(l.subList(0, 3)), m.name() + " " + l);
            assertEquals(3, l.indexOf("z"), m.name() + " fills with popular after the neighbours: " + l);
        }
    }

    @Test
    void theNextEventOfTheSameSessionFindsTheNeighboursOfItsNewItem() {
        Run r = new Run();
        popularNoise(r, 0);
        visit(r, "alice", 10, "a", "b");
        visit(r, "carol", 10, "c", "d");
        UserEvent first = query(r, "bob", "a", 13);
        for (SessionKnn m : List.of(r.vsknn, r.stan)) {
            assertFalse(m.recommend(first, 3).contains("d"), m.name());
        }
        UserEvent second = query(r, "bob", "c", 14); // same running session, one item more
        for (SessionKnn m : List.of(r.vsknn, r.stan)) {
            List<String> l = m.recommend(second, 4);
            assertTrue(l.subList(0, 4).containsAll(List.of("b", "d")), m.name() + " " + l);
        }
    }

    @Test
    void vsknnWeighsTheLaterItemsOfTheCurrentSessionMore() {
        Run r = new Run();
        popularNoise(r, 0);
        visit(r, "u1", 10, "early", "x");
        visit(r, "u2", 10, "late", "y");
        r.observe(ev("bob", "early", 20 * MIN));
        UserEvent q = query(r, "bob", "late", 21);
        List<String> l = r.vsknn.recommend(q, 10);
        assertTrue(l.indexOf("y") < l.indexOf("x"), "the neighbour of the later item wins: " + l);
    }

    @Test
    void stanWeighsMoreRecentNeighbourSessionsMore() {
        Run r = new Run();
        popularNoise(r, 0);
        r.observe(ev("old", "a", 10 * MIN)); // observed first, so it would win any tie
        r.observe(ev("old", "x", 11 * MIN));
        r.observe(ev("recent", "a", 10 * DAY));
        r.observe(ev("recent", "y", 10 * DAY + MIN));
        UserEvent q = ev("bob", "a", 10 * DAY + 60 * MIN);
        r.observe(q);
        List<String> stan = r.stan.recommend(q, 10);
        assertTrue(stan.indexOf("y") >= 0 && stan.indexOf("y") < stan.indexOf("x"), "recent first: " + stan);
        List<String> vsknn = r.vsknn.recommend(q, 10);
        assertTrue(vsknn.indexOf("x") < vsknn.indexOf("y"), "V-SKNN has no time decay (tie, first seen): " + vsknn);
    }

    @Test
    void stanPrefersItemsCloseToTheSharedItemInTheNeighbour() {
        Run r = new Run();
        popularNoise(r, 0);
        for (String item : List.of("far", "mid", "a", "next")) {
            r.observe(ev("alice", item, 10 * MIN + ids));
        }
        UserEvent q = query(r, "bob", "a", 20);
        List<String> l = r.stan.recommend(q, 10);
        assertTrue(l.indexOf("far") > l.indexOf("mid") && l.indexOf("far") > l.indexOf("next"), l.toString());
    }

    @Test
    void anInactivityGapOrANewSessionIdStartsANewSession() {
        SessionIndex index = new SessionIndex(30 * MIN, 10);
        index.observe(ev("u", "a", 0));
        int s0 = index.currentSession("u");
        index.observe(ev("u", "b", 29 * MIN));
        assertEquals(s0, index.currentSession("u"));
        index.observe(ev("u", "c", 60 * MIN));
        int s1 = index.currentSession("u");
        assertNotEquals(s0, s1);
        UserEvent tagged = ev("u", "d", 61 * MIN);
        tagged.sessionId = "web-2";
        index.observe(tagged);
        assertNotEquals(s1, index.currentSession("u"));
        assertEquals(2, index.length(s0));
    }

    @Test
    void aNeighbourOnlyCountsWhenItsSessionIsNotTheCurrentOne() {
        Run r = new Run();
        popularNoise(r, 0);
        r.observe(ev("bob", "a", 10 * MIN));
        r.observe(ev("bob", "own", 11 * MIN));
        UserEvent q = query(r, "bob", "a", 12);
        // bob's own running session is the only one holding "a": no neighbour, so the list is popular's
        assertEquals(r.popular.recommend(q, 3), r.vsknn.recommend(q, 3));
        assertEquals(r.popular.recommend(q, 3), r.stan.recommend(q, 3));
    }

    @Test
    void noItemIsRecommendedBeforeItsFirstEvent() {
        Random rnd = new Random(5);
        List<UserEvent> log = new ArrayList<>();
        long ts = 0;
        for (int i = 0; i < 3000; i++) {
            ts += rnd.nextInt(5 * (int) MIN);
            // items drift upwards with time, so many items first appear late in the log
            log.add(ev("u" + rnd.nextInt(30), "i" + (i / 20 + rnd.nextInt(15)), ts));
        }
        Run r = new Run();
        Set<String> seen = new HashSet<>();
        int nonEmptyNeighbourLists = 0;
        for (UserEvent e : log) {
            r.observe(e);
            seen.add(e.itemId);
            for (SessionKnn m : List.of(r.vsknn, r.stan)) {
                List<String> l = m.recommend(e, 20);
                for (String item : l) {
                    assertTrue(seen.contains(item), m.name() + " recommended " + item + " before its first event");
                }
                if (!l.isEmpty() && !l.get(0).equals(r.popular.recommend(e, 1).get(0))) {
                    nonEmptyNeighbourLists++;
                }
            }
        }
        assertTrue(nonEmptyNeighbourLists > 1000, "neighbours were found: " + nonEmptyNeighbourLists);
        assertFalse(seen.isEmpty());
    }

    @Test
    void settingsSharingAnIndexGiveTheListsTheyGiveAlone() {
        // the tuning grid's settings share one index and its neighbour search; sharing must not change any list
        Random rnd = new Random(11);
        List<UserEvent> events = new ArrayList<>();
        while (events.size() < 3000) { // bursts of one to four events by one user
            String user = "u" + rnd.nextInt(60);
            for (int b = rnd.nextInt(4); b >= 0; b--) {
                events.add(ev(user, "i" + rnd.nextInt(120), events.size() * 20_000L));
            }
        }
        Baselines.Popular sharedPop = new Baselines.Popular(1);
        SessionIndex shared = new SessionIndex(30 * MIN, 40);
        List<SessionKnn> together = List.of(
                new SessionKnn.VSknn("a", shared, 5, 40, SessionKnn.VSknn.Weighting.DIV, true, sharedPop),
                new SessionKnn.Stan("b", shared, 20, 10, 2.0, 3_600.0, 4.0, sharedPop),
                new SessionKnn.VSknn("c", shared, 20, 10, SessionKnn.VSknn.Weighting.LINEAR, false, sharedPop));
        List<SessionKnn> alone = new ArrayList<>();
        List<Baselines.Popular> pops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pops.add(new Baselines.Popular(1));
        }
        alone.add(new SessionKnn.VSknn("a", new SessionIndex(30 * MIN, 40), 5, 40, SessionKnn.VSknn.Weighting.DIV,
                true, pops.get(0)));
        alone.add(new SessionKnn.Stan("b", new SessionIndex(30 * MIN, 40), 20, 10, 2.0, 3_600.0, 4.0, pops.get(1)));
        alone.add(new SessionKnn.VSknn("c", new SessionIndex(30 * MIN, 40), 20, 10,
                SessionKnn.VSknn.Weighting.LINEAR, false, pops.get(2)));
        int compared = 0;
        for (UserEvent e : events) {
            sharedPop.observe(e);
            pops.forEach(p -> p.observe(e));
            together.forEach(r -> r.observe(e));
            alone.forEach(r -> r.observe(e));
            for (int i = 0; i < 3; i++) {
                List<String> t = together.get(i).recommend(e, 20);
                assertEquals(alone.get(i).recommend(e, 20), t, together.get(i).name() + " at " + e.eventId);
                // a second question about the same event (the discovery list) is answered from the same neighbours
                assertEquals(alone.get(i).recommend(e, 30), together.get(i).recommend(e, 30));
                compared++;
            }
        }
        assertEquals(3 * events.size(), compared);
    }

    @Test
    void keepBestKeepsTheLargestKeysAndTheEarlierOfTiedOnes() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + rnd.nextInt(80);
            int keep = 1 + rnd.nextInt(n);
            double[] keys = new double[n];
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                keys[i] = rnd.nextInt(12);
                ids[i] = i;
            }
            double[] sorted = keys.clone();
            Arrays.sort(sorted);
            assertEquals(sorted[n - keep], SessionKnn.kthLargest(keys.clone(), keep));
            double[] k2 = keys.clone();
            int[] ids2 = ids.clone();
            int w = SessionKnn.keepBest(ids2, k2, n, keep);
            assertEquals(keep, w);
            double[] kept = Arrays.copyOf(k2, w);
            Arrays.sort(kept);
            assertArrayEquals(Arrays.copyOfRange(sorted, n - keep, n), kept);
            double thr = sorted[n - keep];
            int lastTied = -1;
            for (int i = 0; i < w; i++) {
                assertEquals(keys[ids2[i]], k2[i]);
                if (k2[i] == thr) {
                    assertTrue(ids2[i] > lastTied);
                    lastTied = ids2[i];
                }
            }
            for (int i = 0; i <= lastTied; i++) { // no tied entry before the last kept one was dropped
                if (keys[i] == thr) {
                    final int id = i;
                    assertTrue(Arrays.stream(ids2, 0, w).anyMatch(x -> x == id));
                }
            }
        }
    }
}
