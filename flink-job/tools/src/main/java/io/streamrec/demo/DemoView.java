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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the demo shows, fed from two threads: the simulator's producer (events sent) and the view consumer
 * (recommendations and dead letters read back from Kafka). Rendering happens on a third.
 */
final class DemoView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WINDOW = 4000;

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
    private final long[] emitLatency = new long[WINDOW];
    private final long[] consumeLatency = new long[WINDOW];
    private long latencyCount;
    private volatile String modelVersion = "-";

    DemoView(Catalogue catalogue, List<String> watched) {
        this.catalogue = catalogue;
        this.watched = List.copyOf(watched);
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
                int i = (int) (latencyCount++ % WINDOW);
                emitLatency[i] = emittedTs > 0 ? emittedTs - eventTs : -1;
                consumeLatency[i] = consumedTs - eventTs;
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
        String key = reason.replaceAll("'[^']*'", "'…'");
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

    /** p50 and p99 (ms) of event→emitted and event→consumed over the last few thousand lists; null if none yet. */
    synchronized long[] latencyPercentiles() {
        int n = (int) Math.min(latencyCount, WINDOW);
        if (n == 0) {
            return null;
        }
        long[] a = Arrays.copyOf(emitLatency, n);
        long[] b = Arrays.copyOf(consumeLatency, n);
        Arrays.sort(a);
        Arrays.sort(b);
        return new long[] {pct(a, 0.5), pct(a, 0.99), pct(b, 0.5), pct(b, 0.99)};
    }

    private static long pct(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
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
}
