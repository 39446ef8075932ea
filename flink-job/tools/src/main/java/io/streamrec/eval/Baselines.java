package io.streamrec.eval;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.ItemScores;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.event.UserEvent;
import io.streamrec.model.InterestVector;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The baselines, computed in Java from the same time-ordered events the job replays. All are online: they learn from
 * every event they have observed (training part and the test prefix), never from the future. Lists shorter than k
 * (repeat, kNN) are filled with the all-time popular items, so every method shows k items.
 */
public final class Baselines {
    private Baselines() {}

    /**
     * A baseline under the replayed job's purchased-item filter ({@code recs.filter-purchased}): its lists lose the
     * items the user has bought, as the job's do, so with the filter on every method plays by the same shop rule and
     * the comparison stays paired. Like the job's state, it remembers each user's last {@code max} purchases.
     */
    public static final class PurchaseFiltered implements Recommender {
        private final Recommender inner;
        private final int max;
        private final Map<String, ArrayDeque<String>> bought = new HashMap<>();

        public PurchaseFiltered(Recommender inner, int max) {
            this.inner = inner;
            this.max = Math.max(1, max);
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public void observe(UserEvent e) {
            inner.observe(e);
            if (e.type == io.streamrec.event.EventType.PURCHASE) {
                ArrayDeque<String> b = bought.computeIfAbsent(e.userId, u -> new ArrayDeque<>());
                b.remove(e.itemId);
                b.addFirst(e.itemId);
                if (b.size() > max) {
                    b.removeLast();
                }
            }
        }

        @Override
        public List<String> recommend(UserEvent e, int k) {
            ArrayDeque<String> b = bought.get(e.userId);
            if (b == null) {
                return inner.recommend(e, k);
            }
            List<String> out = new ArrayList<>(k);
            for (String item : inner.recommend(e, k + b.size())) {
                if (!b.contains(item)) {
                    out.add(item);
                }
            }
            return out;
        }
    }

    /**
     * How many items the popularity baselines rank when they refresh: enough for a discovery list
     * ({@link Recommender#discover}) and a dump, so a longer request between refreshes does not refresh off cadence
     * (which would change what later lists see).
     */
    static final int CACHED_K = Protocol.DUMP_K + Recommender.DISCOVERY_EXTRA;

    /** All-time popularity: event counts over everything observed so far. */
    public static final class Popular implements Recommender {
        private final Map<String, Integer> counts = new HashMap<>();
        private final int refreshEvery;
        private long observed;
        private long cachedAt = -1;
        private int cachedK;
        private List<String> cached = List.of();

        /** @param refreshEvery the ranking is recomputed at most every this many events (counts are exact) */
        public Popular(int refreshEvery) {
            this.refreshEvery = Math.max(1, refreshEvery);
        }

        @Override
        public String name() {
            return "popular";
        }

        @Override
        public void observe(UserEvent e) {
            counts.merge(e.itemId, 1, Integer::sum);
            observed++;
        }

        @Override
        public List<String> recommend(UserEvent e, int k) {
            return top(k);
        }

        List<String> top(int k) {
            if (cachedAt < 0 || observed - cachedAt >= refreshEvery || k > cachedK) {
                cachedK = Math.max(k, CACHED_K);
                cached = TopItems.of(counts, cachedK, null);
                cachedAt = observed;
            }
            return cached.size() <= k ? cached : cached.subList(0, k);
        }
    }

    /** Recent popularity (trending): event counts over the last {@code window} events of the whole stream. */
    public static final class Trending implements Recommender {
        private final Map<String, Integer> counts = new HashMap<>();
        private final ArrayDeque<String> window = new ArrayDeque<>();
        private final int size;
        private final Popular fallback;
        private final int refreshEvery;
        private long observed;
        private long cachedAt = -1;
        private int cachedK;
        private List<String> cached = List.of();

        public Trending(int windowEvents, int refreshEvery, Popular fallback) {
            this.size = windowEvents;
            this.refreshEvery = Math.max(1, refreshEvery);
            this.fallback = fallback;
        }

        @Override
        public String name() {
            return "trending";
        }

        @Override
        public void observe(UserEvent e) {
            window.addLast(e.itemId);
            counts.merge(e.itemId, 1, Integer::sum);
            if (window.size() > size) {
                String old = window.removeFirst();
                counts.computeIfPresent(old, (key, c) -> c == 1 ? null : c - 1);
            }
            observed++;
        }

        @Override
        public List<String> recommend(UserEvent e, int k) {
            if (cachedAt < 0 || observed - cachedAt >= refreshEvery || k > cachedK) {
                cachedK = Math.max(k, CACHED_K);
                cached = TopItems.fill(TopItems.of(counts, cachedK, null), fallback.top(cachedK), cachedK);
                cachedAt = observed;
            }
            return cached.size() <= k ? cached : cached.subList(0, k);
        }
    }

    /** The user's own recent items, most recent distinct first (repeat / re-engagement), then popular. */
    public static final class Repeat implements Recommender {
        private final Map<String, LinkedHashSet<String>> recent = new HashMap<>();
        private final int keep;
        private final Popular fallback;

        public Repeat(int keep, Popular fallback) {
            this.keep = keep;
            this.fallback = fallback;
        }

        @Override
        public String name() {
            return "repeat";
        }

        @Override
        public void observe(UserEvent e) {
            LinkedHashSet<String> s = recent.computeIfAbsent(e.userId, u -> new LinkedHashSet<>());
            s.remove(e.itemId);
            s.add(e.itemId); // insertion order: oldest first
            if (s.size() > keep) {
                s.remove(s.iterator().next());
            }
        }

        List<String> recentFirst(String user, int n) {
            LinkedHashSet<String> s = recent.get(user);
            if (s == null) {
                return List.of();
            }
            List<String> l = new ArrayList<>(s);
            java.util.Collections.reverse(l);
            return l.size() <= n ? l : l.subList(0, n);
        }

        @Override
        public List<String> recommend(UserEvent e, int k) {
            return TopItems.fill(recentFirst(e.userId, k), fallback.top(k), k);
        }
    }

    /**
     * Co-visitation item-kNN: items that followed or preceded each other within {@code pairWindow} events of the same
     * user and {@code maxGapMs}, counted online with weight 1/distance; the list sums the neighbours of the user's last
     * {@code lastItems} distinct items, weighted 1, 1/2, 1/3, ... by recency; then popular. This is the job's
     * {@link OnlineCovisitation} table without bounds, so the baseline and the {@code online_covisit} candidate source
     * are one piece of code (the baseline's seeds are the last distinct items of the whole history, not only of the
     * last L events).
     */
    public static final class CovisitKnn implements Recommender {
        private final OnlineCovisitation table;
        private final ItemScores scores = new ItemScores();
        private final Map<String, ArrayDeque<UserEvent>> seq = new HashMap<>();
        private final int pairWindow;
        private final int lastItems;
        private final Repeat recent;
        private final Popular fallback;
        private String[] prevItems = new String[8];
        private long[] prevTs = new long[8];

        public CovisitKnn(int pairWindow, long maxGapMs, int lastItems, Repeat recent, Popular fallback) {
            this.table = OnlineCovisitation.unbounded(pairWindow, 0);
            this.table.setParametersMs(pairWindow, maxGapMs);
            this.pairWindow = pairWindow;
            this.lastItems = lastItems;
            this.recent = recent;
            this.fallback = fallback;
        }

        @Override
        public String name() {
            return "covisit_knn";
        }

        @Override
        public void observe(UserEvent e) {
            ArrayDeque<UserEvent> s = seq.computeIfAbsent(e.userId, u -> new ArrayDeque<>());
            int n = s.size();
            if (prevItems.length < n) {
                prevItems = new String[n];
                prevTs = new long[n];
            }
            int i = 0;
            for (var it = s.descendingIterator(); it.hasNext(); i++) {
                UserEvent p = it.next();
                prevItems[i] = p.itemId;
                prevTs[i] = p.ts;
            }
            table.update(e.itemId, e.ts, prevItems, prevTs, n);
            s.addLast(e);
            if (s.size() > pairWindow) {
                s.removeFirst();
            }
        }

        /** Needs {@link Repeat#observe} to have seen {@code e} already (the caller observes Repeat first). */
        @Override
        public List<String> recommend(UserEvent e, int k) {
            String[] last = recent.recentFirst(e.userId, lastItems).toArray(new String[0]);
            table.accumulate(last, last.length, lastItems, scores);
            String[] top = new String[k];
            int m = scores.top(k, top, null);
            return TopItems.fill(Arrays.asList(top).subList(0, m), fallback.top(k), k);
        }
    }

    /**
     * Retrieval only: the user's interest vector ({@link InterestVector}, the job's own update with the bundle's
     * type weights and half-life) against every item embedding of the bundle, by inner product with the job's exact
     * scan ({@link CandidateGenerator#retrieve}); no ranker, and not a second job run. Users whose vector is zero (nothing known) get popular items.
     */
    public static final class Retrieval implements Recommender {
        private final ModelBundle bundle;
        private final Map<String, float[]> vectors = new HashMap<>();
        private final Map<String, long[]> lastTs = new HashMap<>();
        private final Popular fallback;
        private final CandidateGenerator exact;
        private int[] best = new int[0];

        public Retrieval(ModelBundle bundle, Popular fallback) {
            this.bundle = bundle;
            this.fallback = fallback;
            this.exact = CandidateGenerator.exactRetrieval(bundle.items(), 0);
        }

        @Override
        public String name() {
            return "retrieval";
        }

        @Override
        public void observe(UserEvent e) {
            int d = bundle.items().dim();
            float[] v = vectors.computeIfAbsent(e.userId, u -> new float[d]);
            long[] last = lastTs.computeIfAbsent(e.userId, u -> new long[] {InterestVector.NONE});
            last[0] = InterestVector.update(bundle, v, last[0], e.itemId, e.type, e.ts);
        }

        @Override
        public List<String> recommend(UserEvent e, int k) {
            float[] v = vectors.get(e.userId);
            ItemIndex items = bundle.items();
            boolean zero = true;
            if (v != null) {
                for (float x : v) {
                    if (x != 0f) {
                        zero = false;
                        break;
                    }
                }
            }
            if (zero) {
                return fallback.top(k);
            }
            if (best.length < k) {
                best = new int[k];
            }
            int m = exact.retrieve(v, k, best, null); // the job's exact scan; ties to the lower index
            List<String> out = new ArrayList<>(m);
            for (int i = 0; i < m; i++) {
                out.add(items.idOf(best[i]));
            }
            return out;
        }
    }

    /** Lists fixed in advance per trigger event id: the replayed job's output, or the simulator's oracle. */
    public static final class Fixed implements Recommender {
        private final String name;
        private final Map<String, List<String>> lists;
        private final Map<String, List<String>> discoverLists;

        /** Lists of a job that emits one list: it serves discovery too. */
        public Fixed(String name, Map<String, List<String>> lists) {
            this(name, lists, null);
        }

        /** @param discoverLists the emitted discovery lists by trigger event id, or null if the job emits none */
        public Fixed(String name, Map<String, List<String>> lists, Map<String, List<String>> discoverLists) {
            this.name = name;
            this.lists = lists;
            this.discoverLists = discoverLists;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void observe(UserEvent e) {}

        /**
         * The whole list as emitted (the scorer ranks within the first 20 and also records whether the next item is
         * anywhere in it); empty, so every target a miss, when nothing was emitted for the event.
         */
        @Override
        public List<String> recommend(UserEvent e, int k) {
            List<String> l = lists.get(e.eventId);
            return l == null ? List.of() : l;
        }

        /** The discovery list as emitted; without one, the one list as emitted (nothing is dropped from it). */
        @Override
        public List<String> discover(UserEvent e, int k, java.util.Set<String> history) {
            if (discoverLists == null) {
                return recommend(e, k);
            }
            List<String> l = discoverLists.get(e.eventId);
            return l == null ? List.of() : l;
        }

        public boolean has(String eventId) {
            return lists.containsKey(eventId);
        }
    }
}
