package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metrics against cases computed by hand. */
class ScorerTest {
    private static final double EPS = 1e-9;

    private static List<String> list(String... head) {
        List<String> l = new ArrayList<>(List.of(head));
        for (int i = l.size(); i < 20; i++) {
            l.add("f" + i);
        }
        return l;
    }

    @Test
    void hitRateMrrNdcgByHand() {
        Scorer s = new Scorer();
        List<String> l = list("a", "b", "c");
        s.score("m", l, "b", EventType.VIEW, false);      // rank 2: HR10 1, HR20 1, RR 1/2, DCG 1/log2(3)
        s.score("m", l, "f14", EventType.PURCHASE, true); // rank 15: HR10 0, HR20 1, RR 1/15, DCG 1/log2(16) = 1/4
        s.score("m", l, "zzz", EventType.ADD_TO_CART, true); // absent: all 0 (full catalogue: a miss)
        s.score("m", l, "a", EventType.CLICK, false);     // rank 1: all 1
        Scorer.Acc all = s.method("m").cell("all", "all");
        assertEquals(4, all.count());
        assertEquals(2.0 / 4, all.get("HR@10"), EPS);
        assertEquals(3.0 / 4, all.get("HR@20"), EPS);
        assertEquals((0.5 + 1.0 / 15 + 0 + 1) / 4, all.get("MRR@20"), EPS);
        assertEquals((1 / (Math.log(3) / Math.log(2)) + 0.25 + 0 + 1) / 4, all.get("NDCG@20"), EPS);
        Scorer.Acc fresh = s.method("m").cell("new", "all");
        assertEquals(2, fresh.count());
        assertEquals(1.0 / 2, fresh.get("HR@20"), EPS);
        assertEquals(0.0, fresh.get("HR@10"), EPS);
        assertEquals((1.0 / 15) / 2, fresh.get("MRR@20"), EPS);
        // by the next event's type: view and click are "click"
        Scorer.Acc click = s.method("m").cell("all", "click");
        assertEquals(2, click.count());
        assertEquals((0.5 + 1) / 2, click.get("MRR@20"), EPS);
        assertEquals(1, s.method("m").cell("all", "purchase").count());
        assertEquals(0.0, s.method("m").cell("all", "cart").get("HR@20"), EPS);
        // an item below position 20 does not count, even if the list is longer
        List<String> longList = new ArrayList<>(list());
        longList.add("late");
        assertEquals(0, Scorer.rank(longList, "late", 20));
    }

    @Test
    void pairedBootstrapOfTheRelativeDifference() {
        double[] b = {1, 0, 0.5, 0, 0.25, 1, 0, 0.2};
        double[] a = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            a[i] = 1.5 * b[i]; // exactly +50 % on every resample
        }
        double[] ci = Scorer.relativeDifferenceCi(a, b, 200);
        assertEquals(0.5, ci[0], 1e-9);
        assertEquals(0.5, ci[1], 1e-9);
        double[] same = Scorer.relativeDifferenceCi(b, b, 200);
        assertEquals(0.0, same[0], 1e-12);
        assertEquals(0.0, same[1], 1e-12);
    }

    // train: u views A. test: u B, v X (cold user), u A, v Y, u C.
    private static final List<UserEvent> TRAIN = List.of(ev("e1", "u", "A", 1));
    private static final List<UserEvent> TEST = List.of(ev("e2", "u", "B", 10), ev("e3", "v", "X", 11),
            ev("e4", "u", "A", 12), ev("e5", "v", "Y", 13), ev("e6", "u", "C", 14));

    @Test
    void protocolScoresEveryPrefixWithNextItemAndNewItems() {
        List<UserEvent> train = TRAIN;
        List<UserEvent> test = TEST;
        Baselines.Popular pop = new Baselines.Popular(1);
        Baselines.Repeat repeat = new Baselines.Repeat(50, pop);
        Scorer s = new Scorer();
        Protocol.Stats st = Protocol.run(train, test, List.of(pop, repeat), s);
        // scored: (u,B)->A [A in history: not new], (v,X)->Y [new], (u,A)->C [new]; e5, e6 have no next event
        assertEquals(3, st.scoredEvents);
        assertEquals(2, st.scoredNewItem);
        assertEquals(2, st.testUsers);
        assertEquals(1, st.coldTestUsers);
        // repeat after (u,B): [B, A, ...] -> A at rank 2; after (v,X): [X, A, B] -> Y missed;
        // after (u,A): [A, B, X] -> C missed
        Scorer.Acc r = s.method("repeat").cell("all", "all");
        assertEquals(1.0 / 3, r.get("HR@20"), EPS);
        assertEquals(0.5 / 3, r.get("MRR@20"), EPS);
        assertEquals(0.0, s.method("repeat").cell("new", "all").get("HR@20"), EPS);
        // popular after (u,B): counts A1 B1 -> [A, B] (ties by id) -> A at rank 1
        assertEquals(1.0 / 3, s.method("popular").cell("all", "all").get("MRR@20"), EPS);
    }

    @Test
    void newProtocolScoresEachMethodsDiscoveryList() {
        // e4 (u views A; history {A, B}) -> next C is new; e3 (v views X) -> next Y is new; e2 -> A is a re-visit
        Map<String, List<String>> main = Map.of("e2", List.of("A", "C"), "e3", List.of("X", "Q"),
                "e4", List.of("A", "B", "C"));
        Map<String, List<String>> discover = Map.of("e2", List.of("Q"), "e3", List.of("Y"), "e4", List.of("C"));
        Baselines.Fixed twoLists = new Baselines.Fixed("job", main, discover);
        Baselines.Fixed oneList = new Baselines.Fixed("one", main);
        Baselines.Popular pop = new Baselines.Popular(1);
        Scorer s = new Scorer();
        Protocol.run(TRAIN, TEST, List.of(twoLists, oneList, pop), s);
        // all: the main lists (e2 -> A at rank 1, e3 -> Y missed, e4 -> C at rank 3)
        assertEquals((1.0 + 0 + 1.0 / 3) / 3, s.method("job").cell("all", "all").get("MRR@20"), EPS);
        // new: the discovery lists, Y and C both at rank 1
        assertEquals(1.0, s.method("job").cell("new", "all").get("MRR@20"), EPS);
        assertEquals((0 + 1.0 / 3) / 2, s.method("job").newOnMainList().get("MRR@20"), EPS);
        // a job without a discovery list is scored on its one list, as emitted
        assertEquals((0 + 1.0 / 3) / 2, s.method("one").cell("new", "all").get("MRR@20"), EPS);
        // a baseline's discovery list is its list without the user's history: after e4, popular's counts are
        // A 2, B 1, X 1, so its list [A, B, X] becomes [X] for u, whose history is {A, B}
        Baselines.Popular at = new Baselines.Popular(1);
        for (UserEvent e : List.of(TRAIN.get(0), TEST.get(0), TEST.get(1), TEST.get(2))) {
            at.observe(e);
        }
        assertEquals(List.of("A", "B", "X"), at.recommend(TEST.get(2), 20));
        assertEquals(List.of("X"), at.discover(TEST.get(2), 20, java.util.Set.of("A", "B")));
    }

    @Test
    void askingABaselineForALongerListDoesNotChangeItsLaterLists() {
        // trending refreshes every 3 events; a longer request in between must not refresh it off cadence
        Baselines.Popular pop1 = new Baselines.Popular(3);
        Baselines.Trending plain = new Baselines.Trending(100, 3, pop1);
        Baselines.Popular pop2 = new Baselines.Popular(3);
        Baselines.Trending asked = new Baselines.Trending(100, 3, pop2);
        List<UserEvent> events = List.of(ev("a1", "u", "A", 1), ev("a2", "u", "B", 2), ev("a3", "u", "B", 3),
                ev("a4", "v", "C", 4), ev("a5", "v", "C", 5), ev("a6", "v", "C", 6));
        for (int i = 0; i < events.size(); i++) {
            UserEvent e = events.get(i);
            plain.observe(e);
            pop1.observe(e);
            asked.observe(e);
            pop2.observe(e);
            List<String> want = plain.recommend(e, 2);
            asked.recommend(e, 2 + Recommender.DISCOVERY_EXTRA); // what a discovery list asks for
            assertEquals(want, asked.recommend(e, 2), "after event " + (i + 1));
        }
    }

    @Test
    void dumpedListsRecordEachScoredEventWithTheListsThatWereScored() throws Exception {
        Baselines.Popular pop = new Baselines.Popular(1);
        Scorer dumped = new Scorer();
        java.io.StringWriter out = new java.io.StringWriter();
        Protocol.run(TRAIN, TEST, List.of(pop, new Baselines.Repeat(50, pop)), dumped, out);
        String[] lines = out.toString().split("\n");
        assertEquals(3, lines.length); // one per scored event
        var m = new com.fasterxml.jackson.databind.ObjectMapper();
        var first = m.readTree(lines[0]);
        assertEquals("e2", first.get("event").asText());
        assertEquals("A", first.get("target").asText());
        assertEquals(false, first.get("new").asBoolean());
        assertEquals(List.of("B", "A"), m.convertValue(first.get("lists").get("repeat"), List.class));
        var third = m.readTree(lines[2]);
        assertEquals("C", third.get("target").asText());
        assertEquals(true, third.get("new").asBoolean());
        assertEquals(java.util.Set.of("A", "B"), new java.util.HashSet<>(m.convertValue(third.get("history"),
                List.class)));
        // dumping scores the same lists as not dumping
        Scorer plain = new Scorer();
        Protocol.run(TRAIN, TEST, List.of(new Baselines.Popular(1), new Baselines.Repeat(50,
                new Baselines.Popular(1))), plain);
        assertEquals(plain.method("repeat").cell("all", "all").get("MRR@20"),
                dumped.method("repeat").cell("all", "all").get("MRR@20"), EPS);
    }

    private static UserEvent ev(String id, String user, String item, long ts) {
        return new UserEvent(id, user, item, EventType.VIEW, ts);
    }
}
