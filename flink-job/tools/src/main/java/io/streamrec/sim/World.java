package io.streamrec.sim;

import io.streamrec.catalog.ItemUpdate;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The simulated store: a {@link Catalogue}, a population of {@link Shopper}s and a clock. {@link #next()} returns the
 * next thing that happens, in event-time order across all users: a shopper event or a catalogue update (stock out,
 * restock, price change, deletion).
 *
 * <p>Sessions follow a funnel: optional search, then browse steps (view, sometimes click, sometimes add to cart,
 * occasionally remove from cart), then checkout of (most of) the cart with probability. A browse step may revisit a
 * recently viewed item. Within a session events are seconds apart; sessions are hours apart.
 *
 * <p>It is also the oracle: {@link #trueItemScores(String, long)} gives the probability that the user's next fresh
 * (non-revisit) view is each item, which is exactly how the generator picks items.
 *
 * <p>Not thread-safe for generation; the oracle methods may be called from other threads.
 */
public final class World {
    private static final String[] QUERY_WORDS = {"", "", "best ", "cheap ", "new ", "sale ", "gift ", "top "};
    private static final long HOUR = 3_600_000L;

    /** An event scheduled within a session, emitted when the clock reaches it. */
    record Pending(EventType type, int item, long ts, String page, String query, String sessionId) {}

    private final SimConfig cfg;
    private final Catalogue catalogue;
    private final Trend trend;
    private final Shopper[] shoppers;
    private final PriorityQueue<Shopper> queue;
    private final SplittableRandom worldRng;
    private final PriorityQueue<long[]> restocks = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private final String eventIdPrefix;
    private long nextCatalogueChange;
    private long eventSeq;
    private volatile long now;

    public World(SimConfig cfg) {
        this(cfg, "e");
    }

    /** @param eventIdPrefix event ids are this prefix plus a zero-padded sequence number */
    public World(SimConfig cfg, String eventIdPrefix) {
        cfg.validate();
        this.cfg = cfg.copy();
        this.eventIdPrefix = eventIdPrefix;
        this.catalogue = new Catalogue(this.cfg);
        this.trend = new Trend(this.cfg, catalogue);
        this.worldRng = SimRandom.rng(cfg.seed, 6, 0);
        this.shoppers = new Shopper[cfg.users];
        this.queue = new PriorityQueue<>(Math.max(1, cfg.users), (a, b) -> a.nextTime != b.nextTime
                ? Long.compare(a.nextTime, b.nextTime) : Integer.compare(a.index, b.index));
        for (int u = 0; u < cfg.users; u++) {
            Shopper s = new Shopper(this.cfg, catalogue, trend, u);
            s.nextTime = cfg.startMs + (long) (s.eventRng.nextDouble() * cfg.firstSessionSpreadHours * HOUR);
            shoppers[u] = s;
            queue.add(s);
        }
        this.now = cfg.startMs;
        this.nextCatalogueChange = cfg.startMs + nextCatalogueGap();
    }

    public SimConfig config() { return cfg.copy(); }
    public Catalogue catalogue() { return catalogue; }
    public int numUsers() { return shoppers.length; }
    public String userId(int u) { return shoppers[u].id; }
    /** The {@code n} users with the most frequent sessions (ties by index): good ones to watch in a demo. */
    public List<String> mostActiveUsers(int n) {
        Integer[] idx = new Integer[shoppers.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(shoppers[b].activity, shoppers[a].activity));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, idx.length); i++) {
            out.add(shoppers[idx[i]].id);
        }
        return out;
    }

    /** Whether the population's trends shift ({@link SimConfig#trendShiftMs}) and item {@code i} launches then. */
    public boolean launchedAtShift(int item) {
        return trend.launched(item);
    }

    /** Whether category {@code c} rises at the trend shift. */
    public boolean risesAtShift(int c) {
        return trend.rising(c);
    }

    /** Simulated time of the last output. */
    public long now() { return now; }
    public long eventsEmitted() { return eventSeq; }

    /** Every item's current state, stamped {@code ts}: what the catalogue topic holds at the start. */
    public List<ItemUpdate> catalogueSnapshot(long ts) {
        List<ItemUpdate> out = new ArrayList<>(catalogue.size());
        for (int i = 0; i < catalogue.size(); i++) {
            out.add(catalogue.snapshot(i, ts));
        }
        return out;
    }

    /** The next {@link UserEvent} or catalogue {@link ItemUpdate}, a new object each time, in time order. Endless. */
    public Object next() {
        while (true) {
            Shopper s = queue.peek();
            long catTime = Math.min(nextCatalogueChange, restocks.isEmpty() ? Long.MAX_VALUE : restocks.peek()[0]);
            if (catTime <= s.nextTime) {
                now = Math.max(now, catTime);
                ItemUpdate u = catalogueChange(catTime);
                if (u != null) {
                    return u;
                }
                continue;
            }
            queue.poll();
            if (s.script.isEmpty()) {
                startSession(s, s.nextTime);
                if (s.script.isEmpty()) {
                    s.nextTime = nextSessionStart(s, s.nextTime);
                    queue.add(s);
                    continue;
                }
            }
            Pending p = s.script.poll();
            now = Math.max(now, p.ts());
            if (p.type() == EventType.PURCHASE) {
                s.purchased.add(p.item());
                s.recent.remove(p.item());
            } else if (p.type() == EventType.VIEW) {
                s.remember(p.item());
            }
            s.nextTime = s.script.isEmpty() ? nextSessionStart(s, p.ts()) : s.script.peek().ts();
            queue.add(s);
            return toEvent(s, p);
        }
    }

    private UserEvent toEvent(Shopper s, Pending p) {
        int item = p.item();
        UserEvent e = new UserEvent(eventId(++eventSeq), s.id, catalogue.itemId(item), p.type(), p.ts());
        e.sessionId = p.sessionId();
        e.category = catalogue.categoryIdOfItem(item);
        long cents = catalogue.priceCents(item);
        e.price = cents < 0 ? null : cents / 100.0; // UserEventJson writes whole cents as 12.30
        e.query = p.query();
        e.device = s.device;
        e.page = p.page();
        return e;
    }

    private String eventId(long seq) {
        String n = Long.toString(seq);
        StringBuilder sb = new StringBuilder(eventIdPrefix.length() + 10).append(eventIdPrefix);
        for (int i = n.length(); i < 9; i++) {
            sb.append('0');
        }
        return sb.append(n).toString();
    }

    // ---------------------------------------------------------------- sessions

    private long nextSessionStart(Shopper s, long after) {
        SplittableRandom r = s.eventRng;
        double hours = Math.max(0.25, SimRandom.exponential(r, cfg.sessionGapMeanHours / s.activity));
        long t = after + (long) (hours * HOUR);
        int hourOfDay = (int) ((t / HOUR) % 24);
        if (hourOfDay >= 1 && hourOfDay < 7 && r.nextDouble() < 0.7) {
            t += (7 - hourOfDay) * HOUR + (long) (r.nextDouble() * 2 * HOUR); // most people sleep
        }
        return t;
    }

    private void startSession(Shopper s, long start) {
        SplittableRandom r = s.eventRng;
        String sid = s.id + "-s" + (++s.sessions);
        long t = start;
        double[] interest = s.interest(start);
        int cat = SimRandom.sample(r, interest);
        List<Integer> cart = new ArrayList<>();
        int searched = -1;
        if (r.nextDouble() < cfg.searchProbability) {
            searched = sampleItem(s, r, cat, t);
            if (searched >= 0) {
                String q = QUERY_WORDS[r.nextInt(QUERY_WORDS.length)] + catalogue.categoryLabel(cat);
                s.script.add(new Pending(EventType.SEARCH, searched, t, "search", q, sid));
                t += SimRandom.lognormalMs(r, 6, 0.5);
            }
        }
        int steps = 1 + SimRandom.geometric(r, cfg.meanBrowseSteps);
        for (int step = 0; step < steps; step++) {
            if (step > 0 && r.nextDouble() < 0.12) {
                cat = SimRandom.sample(r, interest); // wander to another interest
            }
            int item;
            String page;
            boolean revisit = false;
            if (step == 0 && searched >= 0) {
                item = searched;
                page = "search";
            } else if (!s.recent.isEmpty() && r.nextDouble() < cfg.revisitProbability
                    && (item = pickRecent(s, r)) >= 0) {
                page = "history";
                revisit = true;
            } else {
                item = sampleItem(s, r, cat, t);
                page = step == 0 ? "home" : "category";
            }
            if (item < 0) {
                continue;
            }
            s.script.add(new Pending(EventType.VIEW, item, t, page, null, sid));
            t += SimRandom.lognormalMs(r, 4, 0.6);
            if (r.nextDouble() < (revisit ? 0.55 : 0.4)) {
                s.script.add(new Pending(EventType.CLICK, item, t, "product", null, sid));
                t += SimRandom.lognormalMs(r, 20, 0.7);
                if (catalogue.inStock(item) && !cart.contains(item) && r.nextDouble() < (revisit ? 0.35 : 0.22)) {
                    s.script.add(new Pending(EventType.ADD_TO_CART, item, t, "product", null, sid));
                    cart.add(item);
                    t += SimRandom.lognormalMs(r, 8, 0.5);
                }
            }
            if (!cart.isEmpty() && r.nextDouble() < 0.05) {
                int removed = cart.remove(r.nextInt(cart.size()));
                s.script.add(new Pending(EventType.REMOVE_FROM_CART, removed, t, "cart", null, sid));
                t += SimRandom.lognormalMs(r, 6, 0.5);
            }
            t += SimRandom.lognormalMs(r, 15, 0.8);
        }
        if (!cart.isEmpty() && r.nextDouble() < 0.55) {
            t += SimRandom.lognormalMs(r, 30, 0.5);
            for (int item : cart) {
                if (r.nextDouble() < 0.92) {
                    s.script.add(new Pending(EventType.PURCHASE, item, t, "checkout", null, sid));
                    t += SimRandom.lognormalMs(r, 1.5, 0.3);
                }
            }
        }
    }

    /** A recently viewed item, biased towards the most recent; -1 if none qualifies. */
    private int pickRecent(Shopper s, SplittableRandom r) {
        int n = s.recent.size();
        double u = r.nextDouble();
        int idx = (int) (n * u * u);
        Iterator<Integer> it = s.recent.iterator();
        for (int i = 0; i < idx; i++) {
            it.next();
        }
        int item = it.next();
        return catalogue.deleted(item) || s.purchased.contains(item) ? -1 : item;
    }

    /** An item of the category, proportional to popularity x the user's taste. */
    private int sampleItem(Shopper s, SplittableRandom r, int cat, long ts) {
        int[] items = catalogue.itemsInCategory(cat);
        double[] w = new double[items.length];
        for (int j = 0; j < items.length; j++) {
            w[j] = s.itemWeight(items[j], ts);
        }
        int k = SimRandom.sample(r, w);
        return k < 0 ? -1 : items[k];
    }

    // ---------------------------------------------------------------- catalogue dynamics

    private long nextCatalogueGap() {
        double perHour = catalogue.size()
                * (cfg.stockOutsPerHourFraction + cfg.priceChangesPerHourFraction + cfg.deletionsPerHourFraction);
        if (perHour <= 0) {
            return Long.MAX_VALUE / 4;
        }
        return Math.max(1L, (long) (SimRandom.exponential(worldRng, 1.0 / perHour) * HOUR));
    }

    private ItemUpdate catalogueChange(long t) {
        if (!restocks.isEmpty() && restocks.peek()[0] <= t && restocks.peek()[0] <= nextCatalogueChange) {
            int item = (int) restocks.poll()[1];
            if (catalogue.deleted(item)) {
                return null;
            }
            catalogue.setInStock(item, true);
            return catalogue.snapshot(item, t);
        }
        nextCatalogueChange = t + nextCatalogueGap();
        double total = cfg.stockOutsPerHourFraction + cfg.priceChangesPerHourFraction + cfg.deletionsPerHourFraction;
        double x = worldRng.nextDouble() * total;
        if (x < cfg.stockOutsPerHourFraction) {
            // Popular items sell out more often.
            int item = sampleBySqrtPopularity();
            if (!catalogue.inStock(item)) {
                return null;
            }
            catalogue.setInStock(item, false);
            long back = t + Math.max(10 * 60_000L, (long) (SimRandom.exponential(worldRng, cfg.restockMeanHours) * HOUR));
            restocks.add(new long[] {back, item});
            return catalogue.snapshot(item, t);
        }
        int item = worldRng.nextInt(catalogue.size());
        if (catalogue.deleted(item)) {
            return null;
        }
        if (x < cfg.stockOutsPerHourFraction + cfg.priceChangesPerHourFraction) {
            double factor = 1.0 + (worldRng.nextDouble() < 0.6 ? -1 : 1) * (0.05 + 0.2 * worldRng.nextDouble());
            catalogue.setPriceCents(item, Catalogue.roundPrice(catalogue.priceCents(item) / 100.0 * factor));
        } else {
            catalogue.setDeleted(item);
        }
        return catalogue.snapshot(item, t);
    }

    private int sampleBySqrtPopularity() {
        double[] w = new double[catalogue.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.sqrt(catalogue.popularity(i));
        }
        return SimRandom.sample(worldRng, w);
    }

    // ---------------------------------------------------------------- oracle

    private Shopper shopper(String userId) {
        if (userId == null || userId.length() < 2 || userId.charAt(0) != 'u') {
            throw new IllegalArgumentException("not a simulated user: " + userId);
        }
        int u;
        try {
            u = Integer.parseInt(userId.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a simulated user: " + userId);
        }
        if (u < 0 || u >= shoppers.length) {
            throw new IllegalArgumentException("no such user in this world: " + userId);
        }
        return shoppers[u];
    }

    /** The user's true interest over categories at {@code ts} (sums to 1). */
    public double[] trueCategoryInterest(String userId, long ts) {
        return shopper(userId).interest(ts);
    }

    /** The category the user is most interested in at {@code ts}. */
    public String dominantCategory(String userId, long ts) {
        return catalogue.categoryId(shopper(userId).dominantCategory(ts));
    }

    /**
     * The true preference over all items (indexed like the catalogue, {@code i00042} = index 42) at {@code ts}: the
     * probability that the user's next fresh view is that item, P(category) x P(item | category). Deleted items get
     * 0; out-of-stock items keep their score (stock is a catalogue fact, not a taste). Sums to about 1.
     */
    public double[] trueItemScores(String userId, long ts) {
        Shopper s = shopper(userId);
        double[] interest = s.interest(ts);
        double[] scores = new double[catalogue.size()];
        for (int c = 0; c < catalogue.numCategories(); c++) {
            int[] items = catalogue.itemsInCategory(c);
            double z = 0;
            for (int item : items) {
                scores[item] = s.itemWeight(item, ts);
                z += scores[item];
            }
            for (int item : items) {
                scores[item] = z > 0 ? interest[c] * scores[item] / z : 0;
            }
        }
        return scores;
    }

    /** The ids of the user's {@code n} truly most preferred items at {@code ts}, best first. */
    public List<String> trueTopItems(String userId, long ts, int n) {
        double[] scores = trueItemScores(userId, ts);
        Integer[] idx = new Integer[scores.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Double.compare(scores[b], scores[a]));
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < Math.min(n, idx.length); i++) {
            out.add(catalogue.itemId(idx[i]));
        }
        return out;
    }
}
