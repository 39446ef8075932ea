package io.streamrec.eval;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The covisit_knn baseline now runs on the job's OnlineCovisitation table; this replays random time-ordered streams
 * through it and through the baseline's previous, map-based implementation (kept here verbatim as the reference) and
 * requires identical lists, tie order included.
 */
class CovisitKnnParityTest {

    /** The previous implementation of {@link Baselines.CovisitKnn}, unchanged. */
    private static final class Reference {
        private final Map<String, Map<String, Double>> co = new HashMap<>();
        private final Map<String, ArrayDeque<UserEvent>> seq = new HashMap<>();
        private final int pairWindow;
        private final long maxGapMs;
        private final int lastItems;
        private final Baselines.Repeat recent;
        private final Baselines.Popular fallback;

        Reference(int pairWindow, long maxGapMs, int lastItems, Baselines.Repeat recent, Baselines.Popular fallback) {
            this.pairWindow = pairWindow;
            this.maxGapMs = maxGapMs;
            this.lastItems = lastItems;
            this.recent = recent;
            this.fallback = fallback;
        }

        void observe(UserEvent e) {
            ArrayDeque<UserEvent> s = seq.computeIfAbsent(e.userId, u -> new ArrayDeque<>());
            int d = 0;
            var it = s.descendingIterator();
            while (it.hasNext()) {
                UserEvent p = it.next();
                d++;
                if (e.ts - p.ts > maxGapMs) {
                    break;
                }
                if (!p.itemId.equals(e.itemId)) {
                    double w = 1.0 / d;
                    co.computeIfAbsent(p.itemId, x -> new HashMap<>()).merge(e.itemId, w, Double::sum);
                    co.computeIfAbsent(e.itemId, x -> new HashMap<>()).merge(p.itemId, w, Double::sum);
                }
            }
            s.addLast(e);
            if (s.size() > pairWindow) {
                s.removeFirst();
            }
        }

        List<String> recommend(UserEvent e, int k) {
            List<String> last = recent.recentFirst(e.userId, lastItems);
            Map<String, Double> score = new HashMap<>();
            for (int i = 0; i < last.size(); i++) {
                Map<String, Double> nb = co.get(last.get(i));
                if (nb == null) {
                    continue;
                }
                double w = 1.0 / (i + 1);
                for (Map.Entry<String, Double> x : nb.entrySet()) {
                    score.merge(x.getKey(), w * x.getValue(), Double::sum);
                }
            }
            return TopItems.fill(TopItems.of(score, k, null), fallback.top(k), k);
        }
    }

    @Test
    void onlineTableGivesTheSameListsAsTheMapBasedBaseline() {
        for (long seed = 1; seed <= 4; seed++) {
            Random rnd = new Random(seed);
            int users = 5 + rnd.nextInt(30);
            int items = 10 + rnd.nextInt(200);
            int window = 1 + rnd.nextInt(6);
            int lastItems = 1 + rnd.nextInt(4);
            long gapMs = 1_000L * (1 + rnd.nextInt(100));
            Baselines.Popular pop = new Baselines.Popular(1);
            Baselines.Repeat repeat = new Baselines.Repeat(50, pop);
            Reference ref = new Reference(window, gapMs, lastItems, repeat, pop);
            Baselines.CovisitKnn knn = new Baselines.CovisitKnn(window, gapMs, lastItems, repeat, pop);
            List<UserEvent> events = new ArrayList<>();
            long ts = 1_700_000_000_000L;
            for (int i = 0; i < 6000; i++) {
                ts += rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(30_000); // ties and gaps around the max gap
                String item = "i" + (int) Math.min(items - 1, Math.abs(rnd.nextGaussian()) * items / 3);
                events.add(new UserEvent("e" + i, "u" + rnd.nextInt(users), item, EventType.VIEW, ts));
            }
            for (UserEvent e : events) {
                pop.observe(e);
                repeat.observe(e);
                ref.observe(e);
                knn.observe(e);
                assertEquals(ref.recommend(e, 20), knn.recommend(e, 20), "seed " + seed + " at " + e);
            }
        }
    }
}
