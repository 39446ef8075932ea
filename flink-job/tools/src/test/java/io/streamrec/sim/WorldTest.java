package io.streamrec.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.catalog.ItemUpdate;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulated world: deterministic given the seed, well-formed sessions, preferences that drift and a catalogue that
 * changes, so the simulator's logs have the structure the recommender and the oracle rely on.
 */
class WorldTest {
    private static final long DAY = 86_400_000L;

    private static List<UserEvent> events(SimConfig cfg, int n) {
        World w = new World(cfg);
        List<UserEvent> out = new ArrayList<>(n);
        while (out.size() < n) {
            if (w.next() instanceof UserEvent e) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void sameSeedSameWorldDifferentSeedDifferentWorld() {
        SimConfig cfg = SimConfig.defaults().users(300);
        List<UserEvent> a = events(cfg, 20_000);
        List<UserEvent> b = events(cfg, 20_000);
        assertEquals(a, b);
        List<UserEvent> c = events(cfg.copy().seed(43), 20_000);
        assertTrue(!a.equals(c));
    }

    @Test
    void catalogueDependsOnlyOnSeedAndSizesNotOnUsers() {
        Catalogue big = new World(SimConfig.defaults()).catalogue();
        Catalogue small = new World(SimConfig.defaults().users(50)).catalogue();
        for (int i = 0; i < big.size(); i++) {
            assertEquals(big.categoryOf(i), small.categoryOf(i));
            assertEquals(big.priceCents(i), small.priceCents(i));
            assertEquals(big.popularityRank(i), small.popularityRank(i));
        }
        assertEquals("i00042", big.itemId(42));
        assertEquals(42, big.indexOf("i00042"));
        assertEquals("c07", big.categoryId(7));
    }

    @Test
    void eventsAreTimeOrderedWithUniqueIds() {
        List<UserEvent> ev = events(SimConfig.defaults().users(500), 30_000);
        Set<String> ids = new HashSet<>();
        long last = Long.MIN_VALUE;
        for (UserEvent e : ev) {
            assertTrue(ids.add(e.eventId), "duplicate id " + e.eventId);
            assertTrue(e.ts >= last, "time went backwards at " + e.eventId);
            last = e.ts;
            assertEquals(e.type == EventType.SEARCH, e.query != null);
        }
    }

    @Test
    void funnelIsOrderedWithinSessions() {
        List<UserEvent> ev = events(SimConfig.defaults().users(500), 60_000);
        Map<String, Set<String>> viewed = new HashMap<>();
        Map<String, Set<String>> clicked = new HashMap<>();
        Map<String, Set<String>> inCart = new HashMap<>();
        Map<String, Long> lastTs = new HashMap<>();
        Map<EventType, Integer> counts = new HashMap<>();
        for (UserEvent e : ev) {
            String s = e.sessionId;
            assertTrue(s.startsWith(e.userId + "-s"));
            Long prev = lastTs.put(s, e.ts);
            if (prev != null) {
                long gap = e.ts - prev;
                assertTrue(gap >= 0 && gap < 3_600_000L, "events in a session are seconds apart, got " + gap);
            }
            String item = e.itemId;
            counts.merge(e.type, 1, Integer::sum);
            switch (e.type) {
                case VIEW -> viewed.computeIfAbsent(s, k -> new HashSet<>()).add(item);
                case CLICK -> {
                    assertTrue(viewed.getOrDefault(s, Set.of()).contains(item), "click before view: " + e);
                    clicked.computeIfAbsent(s, k -> new HashSet<>()).add(item);
                }
                case ADD_TO_CART -> {
                    assertTrue(clicked.getOrDefault(s, Set.of()).contains(item), "cart before click: " + e);
                    inCart.computeIfAbsent(s, k -> new HashSet<>()).add(item);
                }
                case REMOVE_FROM_CART -> assertTrue(inCart.getOrDefault(s, new HashSet<>()).remove(item),
                        "remove of an item not in the cart: " + e);
                case PURCHASE -> assertTrue(inCart.getOrDefault(s, Set.of()).contains(item),
                        "purchase of an item not in the cart: " + e);
                case SEARCH -> { }
            }
        }
        // Every stage of the funnel shows up, and it narrows.
        for (EventType t : EventType.values()) {
            assertTrue(counts.getOrDefault(t, 0) > 0, "no " + t);
        }
        assertTrue(counts.get(EventType.VIEW) > counts.get(EventType.CLICK));
        assertTrue(counts.get(EventType.CLICK) > counts.get(EventType.ADD_TO_CART));
        assertTrue(counts.get(EventType.ADD_TO_CART) > counts.get(EventType.PURCHASE));
    }

    @Test
    void sessionsAreHoursApartAndUsersRevisitItems() {
        List<UserEvent> ev = events(SimConfig.defaults().users(300), 40_000);
        Map<String, UserEvent> lastOfUser = new HashMap<>();
        Map<String, Set<String>> seen = new HashMap<>();
        long gapsOver15min = 0;
        long newSessions = 0;
        long views = 0;
        long repeatViewsAcrossSessions = 0;
        Map<String, Set<String>> seenBeforeSession = new HashMap<>();
        for (UserEvent e : ev) {
            UserEvent prev = lastOfUser.put(e.userId, e);
            if (prev != null && !prev.sessionId.equals(e.sessionId)) {
                newSessions++;
                if (e.ts - prev.ts >= 15 * 60_000L) {
                    gapsOver15min++;
                }
                seenBeforeSession.put(e.userId, new HashSet<>(seen.getOrDefault(e.userId, Set.of())));
            }
            if (e.type == EventType.VIEW) {
                views++;
                if (seenBeforeSession.getOrDefault(e.userId, Set.of()).contains(e.itemId)) {
                    repeatViewsAcrossSessions++;
                }
            }
            seen.computeIfAbsent(e.userId, k -> new HashSet<>()).add(e.itemId);
        }
        assertTrue(newSessions > 500);
        assertEquals(newSessions, gapsOver15min, "sessions of a user are at least 15 minutes apart");
        double repeat = repeatViewsAcrossSessions / (double) views;
        assertTrue(repeat > 0.05 && repeat < 0.7, "repeat engagement across sessions: " + repeat);
    }

    @Test
    void popularityIsZipfLike() {
        List<UserEvent> ev = events(SimConfig.defaults(), 100_000);
        int n = SimConfig.DEFAULT_ITEMS;
        Catalogue cat = new World(SimConfig.defaults()).catalogue();
        int[] views = new int[n];
        long total = 0;
        for (UserEvent e : ev) {
            if (e.type == EventType.VIEW) {
                views[cat.indexOf(e.itemId)]++;
                total++;
            }
        }
        int[] sorted = Arrays.stream(views).sorted().toArray();
        long top10 = 0;
        for (int i = n - n / 10; i < n; i++) {
            top10 += sorted[i];
        }
        double share = top10 / (double) total;
        assertTrue(share > 0.4 && share < 0.9, "top 10% of items get " + share + " of views");
        // Rank-frequency slope on log-log axes between ranks 10 and 300: Zipf-like, roughly -1.
        double slope = (Math.log(sorted[n - 300]) - Math.log(sorted[n - 10])) / (Math.log(300) - Math.log(10));
        assertTrue(slope < -0.5 && slope > -1.6, "log-log slope " + slope);
        // The catalogue's own popularity ranks agree with the observed views.
        long viewsOfTop100 = 0;
        for (int i = 0; i < n; i++) {
            if (cat.popularityRank(i) <= 100) {
                viewsOfTop100 += views[i];
            }
        }
        assertTrue(viewsOfTop100 / (double) total > 0.25);
    }

    @Test
    void interestsDriftSoTheDominantCategoryChanges() {
        World w = new World(SimConfig.defaults().users(400));
        long t0 = SimConfig.DEFAULT_START_MS;
        int changed = 0;
        for (int u = 0; u < 400; u++) {
            String id = w.userId(u);
            double[] in = w.trueCategoryInterest(id, t0);
            assertEquals(1.0, Arrays.stream(in).sum(), 1e-9);
            long active = Arrays.stream(in).filter(v -> v > Shopper.BACKGROUND).count();
            assertTrue(active >= 1 && active <= 5, "sparse mixture, got " + active + " active categories");
            if (!w.dominantCategory(id, t0).equals(w.dominantCategory(id, t0 + 10 * DAY))) {
                changed++;
            }
        }
        assertTrue(changed > 400 * 0.6, "dominant category changed for only " + changed + " of 400 users");
        // Drift is smooth: an hour later, almost everyone still has the same favourite.
        int sameHourLater = 0;
        for (int u = 0; u < 400; u++) {
            String id = w.userId(u);
            if (w.dominantCategory(id, t0 + DAY).equals(w.dominantCategory(id, t0 + DAY + 3_600_000L))) {
                sameHourLater++;
            }
        }
        assertTrue(sameHourLater > 400 * 0.9);
    }

    @Test
    void observedBehaviourFollowsTheDrift() {
        // In the generated events, a user's most-viewed category in the first day differs from the one a week later.
        SimConfig cfg = SimConfig.defaults().users(100);
        World w = new World(cfg);
        long t0 = cfg.startMs;
        Map<String, Map<String, Integer>> early = new HashMap<>();
        Map<String, Map<String, Integer>> late = new HashMap<>();
        while (w.now() < t0 + 9 * DAY) {
            if (w.next() instanceof UserEvent e && e.type == EventType.VIEW) {
                Map<String, Map<String, Integer>> bucket = e.ts < t0 + 2 * DAY ? early
                        : e.ts >= t0 + 7 * DAY ? late : null;
                if (bucket != null) {
                    bucket.computeIfAbsent(e.userId, k -> new HashMap<>()).merge(e.category, 1, Integer::sum);
                }
            }
        }
        int compared = 0;
        int differ = 0;
        for (String u : early.keySet()) {
            if (late.containsKey(u) && early.get(u).values().stream().mapToInt(i -> i).sum() >= 10
                    && late.get(u).values().stream().mapToInt(i -> i).sum() >= 10) {
                compared++;
                if (!argmax(early.get(u)).equals(argmax(late.get(u)))) {
                    differ++;
                }
            }
        }
        assertTrue(compared >= 30, "compared " + compared);
        assertTrue(differ > compared / 2, differ + " of " + compared + " users changed their top category");
    }

    private static String argmax(Map<String, Integer> m) {
        return m.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    @Test
    void oraclePredictsWhatUsersView() {
        SimConfig cfg = SimConfig.defaults().users(200);
        World w = new World(cfg);
        List<UserEvent> views = new ArrayList<>();
        while (views.size() < 3000) {
            if (w.next() instanceof UserEvent e && e.type == EventType.VIEW
                    && "category".equals(e.page)) {
                views.add(e);
            }
        }
        double meanPercentile = 0;
        for (UserEvent e : views) {
            double[] s = w.trueItemScores(e.userId, e.ts);
            int idx = w.catalogue().indexOf(e.itemId);
            int better = 0;
            for (double v : s) {
                if (v > s[idx]) {
                    better++;
                }
            }
            meanPercentile += better / (double) s.length;
        }
        meanPercentile /= views.size();
        assertTrue(meanPercentile < 0.1, "viewed items sit at mean oracle percentile " + meanPercentile);
        double[] s = w.trueItemScores("u00007", cfg.startMs);
        assertEquals(1.0, Arrays.stream(s).sum(), 1e-6);
        List<String> top = w.trueTopItems("u00007", cfg.startMs, 10);
        assertEquals(10, top.size());
        assertEquals(10, new HashSet<>(top).size());
    }

    @Test
    void catalogueChangesOverTime() {
        World w = new World(SimConfig.defaults().users(200));
        int outs = 0;
        int backs = 0;
        int updates = 0;
        while (w.now() < SimConfig.DEFAULT_START_MS + 3 * DAY) {
            if (w.next() instanceof ItemUpdate u) {
                updates++;
                if (!u.inStock) {
                    outs++;
                } else {
                    backs++;
                }
            }
        }
        assertTrue(outs > 50, "stock-outs: " + outs);
        assertTrue(backs > 50, "restocks and price changes: " + backs);
        assertTrue(updates > 200);
    }
}
