package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The two scoring passes of {@code evaluate} (bundle-free baselines while the bundle trains, the rest after the
 * replay) give every method exactly the scores one pass over all methods gives, in the report's order.
 */
class ScoringPassesTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    /**
     * Users browsing the shipped bundle's items ({@code i00000..}) and, one user in five, items the bundle does not
     * know (so retrieval falls back on popular), with purchases (so the purchased-item rule matters).
     */
    private static List<UserEvent> log(long seed, int n) {
        Random rnd = new Random(seed);
        List<UserEvent> out = new ArrayList<>();
        EventType[] types = {EventType.VIEW, EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE};
        for (int i = 0; i < n; i++) {
            int user = rnd.nextInt(80);
            int base = user % 5 == 0 ? 5_000 : (user % 7) * 250;
            String item = String.format("i%05d", base + rnd.nextInt(60));
            out.add(new UserEvent("e" + i, "u" + user, item, types[rnd.nextInt(types.length)], 1_000_000L + i * 30_000L));
        }
        return out;
    }

    private static Scorer onePass(List<UserEvent> train, List<UserEvent> test, JobReplay.Result job,
            ModelBundle bundle, EvalSettings s, UnaryOperator<Recommender> rules) {
        Baselines.Popular popular = new Baselines.Popular(s.popularRefreshEvents);
        List<Recommender> recs = new ArrayList<>();
        recs.add(new Baselines.Fixed("streamrec", job.lists, null));
        for (Recommender b : ScoringPasses.bundleFree(s, popular, null)) {
            recs.add(rules.apply(b));
        }
        recs.add(rules.apply(new Baselines.Retrieval(bundle, popular)));
        Scorer scorer = new Scorer();
        Protocol.run(train, test, recs, scorer);
        return scorer;
    }

    @Test
    void twoPassesScoreEveryMethodAsOnePassDoes() throws Exception {
        List<UserEvent> all = log(3, 3_000);
        List<UserEvent> train = all.subList(0, 2_200);
        List<UserEvent> test = all.subList(2_200, all.size());
        ModelBundle bundle = BundleLoader.load("classpath:default");
        JobReplay.Result job = new JobReplay.Result();
        for (UserEvent e : test) { // any fixed lists will do: streamrec's are the replay's, scored as they are
            job.lists.put(e.eventId, List.of(e.itemId, "i00001", "i00002"));
        }
        UnaryOperator<Recommender> rules = b -> new Baselines.PurchaseFiltered(b, 10);

        Scorer expected = onePass(train, test, job, bundle, new EvalSettings(), rules);
        var early = ScoringPasses.startEarly(train, test, new EvalSettings(), 0, null, rules, null, false, QUIET);
        ScoringPasses.Scored got = ScoringPasses.late(early, train, test, job, bundle, null, new EvalSettings(), rules,
                null, QUIET);

        assertEquals(List.copyOf(expected.methods().keySet()), List.copyOf(got.scorer().methods().keySet()));
        assertEquals(List.of("streamrec", "popular", "trending", "repeat", "covisit_knn", "vsknn", "stan",
                "retrieval"), List.copyOf(got.scorer().methods().keySet()));
        assertEquals(List.of("popular", "trending", "repeat", "covisit_knn", "vsknn", "stan", "retrieval"),
                List.copyOf(got.seconds().keySet()));
        for (String m : expected.methods().keySet()) {
            for (String protocol : Scorer.PROTOCOLS) {
                assertArrayEquals(expected.method(m).reciprocalRanks(protocol),
                        got.scorer().method(m).reciprocalRanks(protocol), m + " " + protocol);
                assertEquals(expected.method(m).cell(protocol, "all").asMap(),
                        got.scorer().method(m).cell(protocol, "all").asMap(), m + " " + protocol);
            }
        }
        assertEquals(test.size(), got.stats().testEvents);
    }

    @Test
    void aFailureInTheEarlyPassIsThrownByTheLatePass() {
        List<UserEvent> all = log(4, 400);
        Recommender failing = new Recommender() {
            @Override
            public String name() {
                return Oracle.NAME;
            }

            @Override
            public void observe(UserEvent e) {
                throw new IllegalStateException("cannot observe " + e.eventId);
            }

            @Override
            public List<String> recommend(UserEvent e, int k) {
                return List.of();
            }
        };
        var early = ScoringPasses.startEarly(all.subList(0, 300), all.subList(300, 400), new EvalSettings(), 0, null,
                UnaryOperator.identity(), failing, false, QUIET);
        IllegalStateException x = assertThrows(IllegalStateException.class, () -> ScoringPasses.join(early));
        assertEquals("cannot observe e0", x.getMessage());
    }

    @Test
    void mergeOrdersMethodsAndRefusesOneOutsideTheOrder() {
        Scorer a = new Scorer();
        a.score("x", List.of("1"), "1", EventType.VIEW, false);
        Scorer b = new Scorer();
        b.score("y", List.of("2"), "1", EventType.VIEW, false);
        assertEquals(List.of("y", "x"), List.copyOf(Scorer.merge(List.of("y", "absent", "x"), a, b).methods().keySet()));
        assertThrows(IllegalArgumentException.class, () -> Scorer.merge(List.of("x"), a, b));
    }
}
