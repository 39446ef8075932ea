package io.streamrec.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.UserEvent;
import io.streamrec.sim.Catalogue;
import io.streamrec.sim.SimRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What the demo shows, fed from two threads: the simulator's producer (events sent) and the view consumer
 * (recommendations and dead letters read back from Kafka), and the frame a third thread prints ({@link #frame}).
 *
 * <p>A frame fits a terminal (80×40 unless told otherwise): the header (counts, latency, dead letters) stays on top,
 * every line is cut to the width, the watched users share the remaining lines. Latency is kept in two parts: the
 * first {@link #DEFAULT_WARM_UP} after the first list (JIT, ONNX session, RocksDB caches still warming) is shown
 * as warm-up, apart from the steady figures, so a slow start does not pass for the job's latency.
 */
final class DemoView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WINDOW = 4000;
    /** How long after the first list latencies count as warm-up. */
    static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(10);
    static final int DEFAULT_WIDTH = 80;
    static final int DEFAULT_HEIGHT = 40;
    private static final int HEADER_LINES = 5;

    /** One recommended item as shown. */
    record Item(String itemId, double score, String source) {}

    /** The latest list for a user. */
    record Rec(long seq, String modelVersion, long eventTs, long emittedTs, long consumedTs, List<Item> items,
            List<Item> discover) {}

    private final Catalogue catalogue;
    private final List<String> watched;
    private final Map<String, ArrayDeque<UserEvent>> recentEvents = new ConcurrentHashMap<>();
    private final Map<String, Rec> latest = new ConcurrentHashMap<>();
    private final Map<String, Long> maxSeq = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> dlqReasons = new ConcurrentHashMap<>();
    private final AtomicLong recs = new AtomicLong();
    private final AtomicLong dlq = new AtomicLong();
    private final AtomicLong staleSeq = new AtomicLong();
    private final AtomicLong unparsable = new AtomicLong();
    private final long warmUpMs;
    private final Latencies steady = new Latencies();
    private final Latencies warmUp = new Latencies();
    private long firstListConsumedTs = -1;
    private volatile String modelVersion = "-";

    DemoView(Catalogue catalogue, List<String> watched) {
        this(catalogue, watched, DEFAULT_WARM_UP);
    }

    DemoView(Catalogue catalogue, List<String> watched, Duration warmUp) {
        this.catalogue = catalogue;
        this.watched = List.copyOf(watched);
        this.warmUpMs = warmUp.toMillis();
        for (String u : watched) {
            recentEvents.put(u, new ArrayDeque<>());
        }
    }

    List<String> watched() {
        return watched;
    }

    /** Producer thread: every record sent. */
    void onSent(SimRecord r) {
        UserEvent e = r.event();
        if (e == null || r.duplicate()) {
            return;
        }
        ArrayDeque<UserEvent> q = recentEvents.get(e.userId);
        if (q != null) {
            synchronized (q) {
                q.addLast(e);
                while (q.size() > 4) {
                    q.removeFirst();
                }
            }
        }
    }

    /** Consumer thread: a record of the recommendations topic. */
    void onRecommendation(byte[] value, long consumedTs) {
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (Exception e) {
            unparsable.incrementAndGet();
            return;
        }
        if (n == null || !n.hasNonNull("user_id")) {
            unparsable.incrementAndGet();
            return;
        }
        recs.incrementAndGet();
        String user = n.get("user_id").asText();
        long seq = n.path("seq").asLong(-1);
        Long prev = maxSeq.get(user);
        if (prev != null && seq <= prev) {
            staleSeq.incrementAndGet(); // a storefront would drop this one
            return;
        }
        maxSeq.put(user, seq);
        long eventTs = n.path("event_ts").asLong(0);
        long emittedTs = n.path("emitted_ts").asLong(0);
        modelVersion = n.path("model_version").asText("-");
        if (eventTs > 0) {
            synchronized (this) {
                if (firstListConsumedTs < 0) {
                    firstListConsumedTs = consumedTs;
                }
                Latencies l = consumedTs - firstListConsumedTs < warmUpMs ? warmUp : steady;
                l.add(emittedTs > 0 ? emittedTs - eventTs : -1, consumedTs - eventTs);
            }
        }
        if (watched.contains(user)) {
            latest.put(user, new Rec(seq, modelVersion, eventTs, emittedTs, consumedTs, items(n.path("items")),
                    items(n.path("discover"))));
        }
    }

    private static List<Item> items(JsonNode list) {
        List<Item> items = new ArrayList<>();
        for (JsonNode it : list) {
            items.add(new Item(it.path("item_id").asText(), it.path("score").asDouble(), it.path("source").asText("")));
        }
        return items;
    }

    /** Consumer thread: a record of the dead-letter topic. */
    void onDeadLetter(byte[] value) {
        dlq.incrementAndGet();
        String reason = "?";
        try {
            JsonNode n = JSON.readTree(value);
            reason = n.path("reason").asText("?");
        } catch (Exception ignored) {
            // count it anyway
        }
        // Group "unknown event type 'hover' (expected ...)", "oversized payload: 614522 bytes ..." by their kind.
        String key = reason.replaceAll("(?<!field )'[^']*'", "'…'"); // values vary; field names are kept
        int cut = key.length();
        for (char c : new char[] {':', '('}) {
            int i = key.indexOf(c);
            if (i > 0) {
                cut = Math.min(cut, i);
            }
        }
        key = key.substring(0, cut).trim();
        int got = key.indexOf(", got ");
        if (got > 0) {
            key = key.substring(0, got);
        }
        if (key.length() > 40) {
            key = key.substring(0, 40);
        }
        dlqReasons.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    }

    long recommendations() { return recs.get(); }
    long deadLetters() { return dlq.get(); }
    long staleSeq() { return staleSeq.get(); }
    String modelVersion() { return modelVersion; }
    Rec latest(String user) { return latest.get(user); }

    List<UserEvent> recentEvents(String user) {
        ArrayDeque<UserEvent> q = recentEvents.get(user);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            return new ArrayList<>(q);
        }
    }

    Map<String, Long> dlqReasons() {
        Map<String, Long> m = new TreeMap<>();
        dlqReasons.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    /**
     * p50 and p99 (ms) of event→emitted and event→consumed: the steady figures once there are any, the warm-up ones
     * before; null if no list arrived yet. {@link #frame} labels the two apart.
     */
    synchronized long[] latencyPercentiles() {
        long[] s = steady.percentiles();
        return s != null ? s : warmUp.percentiles();
    }

    /** The steady figures only (lists after the warm-up), as {@link #latencyPercentiles()}; null if none yet. */
    synchronized long[] steadyPercentiles() {
        return steady.percentiles();
    }

    /** The warm-up figures only (lists within the warm-up after the first); null if none. */
    synchronized long[] warmUpPercentiles() {
        return warmUp.percentiles();
    }

    /** The last {@link #WINDOW} latencies of one phase, in a ring. */
    private static final class Latencies {
        private final long[] emit = new long[WINDOW];
        private final long[] consume = new long[WINDOW];
        private long count;

        void add(long emitMs, long consumeMs) {
            int i = (int) (count++ % WINDOW);
            emit[i] = emitMs;
            consume[i] = consumeMs;
        }

        long[] percentiles() {
            int n = (int) Math.min(count, WINDOW);
            if (n == 0) {
                return null;
            }
            long[] a = Arrays.copyOf(emit, n);
            long[] b = Arrays.copyOf(consume, n);
            Arrays.sort(a);
            Arrays.sort(b);
            return new long[] {pct(a, 0.5), pct(a, 0.99), pct(b, 0.5), pct(b, 0.99)};
        }

        private static long pct(long[] sorted, double q) {
            return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
        }
    }

    String categoryOf(String itemId) {
        int i = catalogue.indexOf(itemId);
        return i < 0 ? "c??" : catalogue.categoryIdOfItem(i);
    }

    String label(String categoryId) {
        try {
            return catalogue.categoryLabel(Integer.parseInt(categoryId.substring(1)));
        } catch (RuntimeException e) {
            return "?";
        }
    }

    static List<Map.Entry<Integer, Double>> topCategories(double[] interest, int n) {
        List<Map.Entry<Integer, Double>> l = new ArrayList<>();
        for (int c = 0; c < interest.length; c++) {
            l.add(Map.entry(c, interest[c]));
        }
        l.sort(Collections.reverseOrder(Map.Entry.comparingByValue()));
        return l.subList(0, Math.min(n, l.size()));
    }
    /** A user's {@code n} strongest true interests as the frame shows them: "c03 shoes 41%". */
    static List<String> interestLabels(Catalogue cat, double[] interest, int n) {
        List<String> out = new ArrayList<>(n);
        for (Map.Entry<Integer, Double> e : topCategories(interest, n)) {
            out.add(String.format(Locale.ROOT, "%s %s %.0f%%", cat.categoryId(e.getKey()), cat.categoryLabel(e.getKey()),
                    100 * e.getValue()));
        }
        return out;
    }

    /** What the header shows that the view does not collect itself: the simulator's counts, the broker, the rates. */
    record Header(double elapsedSeconds, String broker, long eventsSent, double eventsPerSecond, long malformed,
            long duplicates, long catalogueUpdates, double recsPerSecond, String storefrontUrl) {}

    /** The terminal's size from {@code COLUMNS}/{@code LINES} when the shell exports them, else 80×40. */
    static int[] terminalSize() {
        return new int[] {envInt("COLUMNS", DEFAULT_WIDTH), envInt("LINES", DEFAULT_HEIGHT)};
    }

    private static int envInt(String name, int fallback) {
        try {
            int v = Integer.parseInt(System.getenv().getOrDefault(name, "").trim());
            return v >= 20 ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * One frame: at most {@code height} lines of at most {@code width} columns, no line break inside a line, the
     * header first. {@code trueInterests} gives a watched user's strongest interests as labels ("c03 shoes 41%").
     */
    String frame(Header h, Function<String, List<String>> trueInterests, int width, int height) {
        List<String> out = new ArrayList<>(height);
        long[] st = steadyPercentiles();
        long[] wu = warmUpPercentiles();
        long t = (long) h.elapsedSeconds();
        out.add(String.format(Locale.ROOT, "streamrec demo %02d:%02d  model %s  broker %s", t / 60, t % 60,
                modelVersion(), h.broker()));
        if (h.storefrontUrl() != null) {
            out.add("storefront " + h.storefrontUrl());
        }
        out.add(String.format(Locale.ROOT, "events %,d (%.0f/s)  malformed %,d  duplicates %,d  updates %,d",
                h.eventsSent(), h.eventsPerSecond(), h.malformed(), h.duplicates(), h.catalogueUpdates()));
        Map<String, Long> reasons = dlqReasons();
        out.add(String.format(Locale.ROOT, "recs %,d (%.0f/s)  stale %,d  DLQ %,d%s", recommendations(),
                h.recsPerSecond(), staleSeq(), deadLetters(), reasons.isEmpty() ? "" : " " + reasons));
        long warmS = warmUpMs / 1000;
        String warmLabel = "warm-up " + warmS + " s";
        if (st != null) {
            out.add(latencyLine("steady", st));
        } else {
            out.add(wu == null ? "latency  (no recommendations yet)"
                    : "steady   (figures after the first " + warmS + " s of lists)");
        }
        out.add(wu == null ? warmLabel + " (none yet)" : latencyLine(warmLabel, wu));
        // Users share the lines left; a short terminal shows fewer users (at least three lines each) than none at all.
        int budget = Math.max(0, height - out.size());
        int shown = Math.max(1, Math.min(watched.size(), budget / 3));
        int perUser = budget / shown;
        for (String u : watched.subList(0, Math.min(shown, watched.size()))) {
            List<String> block = userBlock(u, trueInterests.apply(u), width);
            out.addAll(block.subList(0, Math.min(block.size(), perUser)));
        }
        StringBuilder sb = new StringBuilder(width * height);
        for (String line : out.subList(0, Math.min(out.size(), height))) {
            sb.append(fit(line, width)).append('\n');
        }
        return sb.toString();
    }

    private static String latencyLine(String label, long[] p) {
        return String.format(Locale.ROOT, "%-12s event→emitted p50 %d ms p99 %d  consumed p50 %d p99 %d (ms)",
                label, p[0], p[1], p[2], p[3]);
    }

    /** A watched user's lines, most important first (a short frame keeps the top): blank, who, events, lists. */
    private List<String> userBlock(String user, List<String> interests, int width) {
        List<String> b = new ArrayList<>();
        b.add("");
        b.add(user + "  wants " + (interests.isEmpty() ? "-" : String.join("  ", interests)));
        StringBuilder ev = new StringBuilder("  events:");
        List<UserEvent> recent = recentEvents(user);
        if (recent.isEmpty()) {
            ev.append(" -");
        }
        for (int i = recent.size() - 1; i >= 0; i--) { // newest first: what the width cuts is the oldest
            UserEvent e = recent.get(i);
            ev.append("  ").append(e.type.wireName()).append(' ').append(e.itemId).append(' ').append(e.category);
        }
        b.add(ev.toString());
        Rec rec = latest(user);
        if (rec == null) {
            b.add("  top-5: (none yet)");
            return b;
        }
        b.add(String.format(Locale.ROOT, "  top-5  seq %d, %d ms after the event, model %s", rec.seq(),
                rec.emittedTs() - rec.eventTs(), rec.modelVersion()));
        List<Item> top = rec.items().subList(0, Math.min(5, rec.items().size()));
        int cell = Math.max(10, (width - 4) / 2);
        for (int i = 0; i < top.size(); i += 2) {
            String left = fit(String.format(Locale.ROOT, "%d. %s", i + 1, describe(top.get(i))), cell);
            String right = i + 1 < top.size()
                    ? fit(String.format(Locale.ROOT, "%d. %s", i + 2, describe(top.get(i + 1))), cell) : "";
            b.add(("   " + pad(left, cell) + " " + right).stripTrailing());
        }
        if (!rec.discover().isEmpty()) {
            StringBuilder d = new StringBuilder("  new for you:");
            for (Item it : rec.discover().subList(0, Math.min(3, rec.discover().size()))) {
                d.append("  ").append(describe(it));
            }
            b.add(d.toString());
        }
        return b;
    }

    /** An item as shown: its name, its category's label, and where it came from (the id if the catalogue lacks it). */
    String describe(Item it) {
        int i = catalogue.indexOf(it.itemId());
        String source = it.source() == null || it.source().isEmpty() ? "" : " (" + it.source() + ")";
        if (i < 0) {
            return it.itemId() + source;
        }
        return catalogue.name(i) + " · " + label(categoryOf(it.itemId())) + source;
    }

    /** {@code line} cut to {@code width} columns (an ellipsis marks the cut), control characters removed. */
    static String fit(String line, int width) {
        String clean = line.replaceAll("[\\p{Cntrl}&&[^\t]]", "").replace('\t', ' ');
        if (clean.length() <= width) {
            return clean;
        }
        return width <= 1 ? clean.substring(0, Math.max(0, width)) : clean.substring(0, width - 1) + "…";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
