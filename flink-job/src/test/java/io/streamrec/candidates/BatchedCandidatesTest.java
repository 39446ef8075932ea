package io.streamrec.candidates;

import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import io.streamrec.state.UserState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Candidates started event by event and completed for a micro-batch at once ({@link CandidateGenerator#begin},
 * {@link CandidateGenerator#complete}) must be exactly those of generating each event alone.
 */
class BatchedCandidatesTest {
    private static final int N = 3000;
    private static final int D = 16;

    private final ItemIndex items = CandidateGeneratorTest.randomItems(N, D, 21L);
    private final Covisitation covisit = covisitation(new Random(22));
    private final List<String> popular = new ArrayList<>();

    BatchedCandidatesTest() {
        for (int i = 0; i < 100; i++) {
            popular.add("i" + (i * 7));
        }
    }

    private Covisitation covisitation(Random rnd) {
        Map<String, Map.Entry<String[], float[]>> lists = new HashMap<>();
        for (int i = 0; i < N; i += 3) {
            String[] ids = new String[10];
            float[] w = new float[10];
            for (int k = 0; k < 10; k++) {
                ids[k] = "i" + rnd.nextInt(N);
                w[k] = 10 - k;
            }
            lists.put("i" + i, Map.entry(ids, w));
        }
        return Covisitation.of(lists, items);
    }

    private CandidateGenerator generator(int ivfMinItems) {
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = 60;
        o.covisitN = 30;
        o.ivfMinItems = ivfMinItems;
        return new CandidateGenerator(items, covisit, popular, 3, o);
    }

    /** One event of a user: interest, history, purchases (the filter). */
    private static UserState user(Random rnd, int kind, CandidateGenerator g) {
        UserState s = new UserState();
        s.interest = kind == 1 ? new float[D] : CandidateGeneratorTest.randomVector(D, rnd);
        int h = kind == 2 ? 0 : 1 + rnd.nextInt(12);
        s.histItems = new String[h];
        for (int i = 0; i < h; i++) {
            s.histItems[i] = rnd.nextInt(10) == 0 ? "unknown" + i : "i" + rnd.nextInt(N);
        }
        List<String> bought = new ArrayList<>();
        if (kind == 3) { // the 300 best retrieval hits are bought: the batch's margin runs out
            int[] best = new int[300];
            g.retrieve(s.interest, 300, best, null);
            for (int b : best) {
                bought.add("i" + (b - 1));
            }
        }
        for (int i = 0; i < 5; i++) {
            bought.add("i" + rnd.nextInt(N));
        }
        s.purchased = bought.toArray(new String[0]);
        return s;
    }

    private void assertBatchEqualsAlone(int ivfMinItems, long seed) {
        CandidateGenerator alone = generator(ivfMinItems);
        CandidateGenerator batched = generator(ivfMinItems);
        Random rnd = new Random(seed);
        for (int round = 0; round < 6; round++) {
            int b = 1 + rnd.nextInt(8);
            UserState[] users = new UserState[b];
            PendingCandidates[] ps = new PendingCandidates[b];
            for (int i = 0; i < b; i++) {
                users[i] = user(rnd, rnd.nextInt(5), alone);
                ps[i] = new PendingCandidates(new CandidateSet());
                ps[i].buildFilters(users[i], true, false);
                batched.begin(users[i].interest, users[i].histItems, users[i].histItems.length, null, ps[i]);
            }
            batched.complete(ps, b);
            for (int i = 0; i < b; i++) {
                CandidateSet want = new CandidateSet();
                alone.generate(users[i].interest, users[i].histItems, users[i].histItems.length, null,
                        ps[i].excluded(), want);
                assertFalse(ps[i].isOpen());
                assertTrue(want.size() > 0);
                assertEquals(want.toString(), ps[i].set.toString(), "round " + round + " event " + i + " of " + b);
            }
        }
    }

    @Test
    void aBatchGivesEveryEventTheCandidatesItWouldGetAloneWithTheExactScan() {
        assertBatchEqualsAlone(0, 23L);
        assertBatchEqualsAlone(0, 24L);
    }

    @Test
    void aBatchGivesEveryEventTheCandidatesItWouldGetAloneWithIvf() {
        assertBatchEqualsAlone(1000, 25L);
    }

    @Test
    void completeLeavesEventsThatAreNotOpenAlone() {
        CandidateGenerator g = generator(0);
        Random rnd = new Random(26);
        UserState s = user(rnd, 0, g);
        PendingCandidates p = new PendingCandidates(new CandidateSet());
        p.buildFilters(s, true, false);
        g.begin(s.interest, s.histItems, s.histItems.length, null, p);
        g.complete(new PendingCandidates[] {p}, 1);
        String first = p.set.toString();
        g.complete(new PendingCandidates[] {p}, 1);
        assertEquals(first, p.set.toString(), "a second complete adds nothing");
    }
}
