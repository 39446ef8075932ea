package io.streamrec.storefront;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * The {@code recommendations} topic as the storefront's browsers see it: each shopper's latest list (the highest
 * {@code seq}: a list that arrives after a newer one is dropped, as the contract tells consumers to) and, per shopper,
 * the pages that follow them. A list goes only to the subscribers of its own {@code user_id}, never to another
 * shopper's page. It also measures click→update latency: the gateway notes when it received each event, and the list
 * whose {@code trigger_event_id} is that event carries the milliseconds since. Thread-safe: the Kafka thread
 * publishes while HTTP threads subscribe.
 */
public final class RecommendationFeed {
    /** Shoppers whose latest list is kept; the least recently updated leaves first. */
    static final int MAX_USERS = 50_000;
    /** Clicks awaiting their list; older ones are forgotten (their list came, or never will). */
    static final int MAX_PENDING = 10_000;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Latest> latest = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Latest> e) {
            return size() > MAX_USERS;
        }
    };
    private final Map<String, Long> clicks = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> e) {
            return size() > MAX_PENDING;
        }
    };
    private final Map<String, Set<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private long lists;
    private long stale;

    private record Latest(long seq, String message) {}

    /** Notes that the gateway received event {@code eventId} at {@code receivedMs}. */
    public synchronized void clicked(String eventId, long receivedMs) {
        clicks.put(eventId, receivedMs);
    }

    /**
     * Takes one record of the recommendations topic; returns the message sent to the shopper's pages, or null when
     * it was dropped (older than the list already seen, or not a list).
     *
     * <p>The message is a JSON object: {@code list} (the record as the job wrote it) and {@code latency_ms} (from the
     * gateway's receipt of the trigger event to now, when that event came through this storefront; else null).
     */
    public String publish(byte[] value, long nowMs) {
        JsonNode rec;
        try {
            rec = mapper.readTree(value);
        } catch (Exception e) {
            return null;
        }
        if (rec == null || !rec.isObject() || !rec.path("user_id").isTextual() || !rec.path("seq").canConvertToLong()) {
            return null;
        }
        String user = rec.get("user_id").asText();
        long seq = rec.get("seq").asLong();
        String message;
        synchronized (this) {
            Latest before = latest.get(user);
            if (before != null && seq <= before.seq()) {
                stale++;
                return null;
            }
            Long clickedAt = clicks.remove(rec.path("trigger_event_id").asText(""));
            ObjectNode m = mapper.createObjectNode();
            if (clickedAt == null) {
                m.putNull("latency_ms");
            } else {
                m.put("latency_ms", Math.max(0, nowMs - clickedAt));
            }
            m.set("list", rec);
            message = m.toString();
            latest.put(user, new Latest(seq, message));
            lists++;
        }
        Set<Consumer<String>> subs = subscribers.get(user);
        if (subs != null) {
            for (Consumer<String> s : subs) {
                s.accept(message);
            }
        }
        return message;
    }

    /**
     * Follows one shopper: {@code sink} gets the shopper's latest list at once (if any) and every newer one after.
     * Close the returned handle when the page goes away.
     */
    public AutoCloseable subscribe(String userId, Consumer<String> sink) {
        Set<Consumer<String>> subs = subscribers.computeIfAbsent(userId, u -> new CopyOnWriteArraySet<>());
        subs.add(sink);
        String current;
        synchronized (this) {
            Latest l = latest.get(userId);
            current = l == null ? null : l.message();
        }
        if (current != null) {
            sink.accept(current);
        }
        return () -> subscribers.computeIfPresent(userId, (u, s) -> {
            s.remove(sink);
            return s.isEmpty() ? null : s;
        });
    }

    /** Pages following someone now. */
    public int subscriberCount() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }

    /** Lists taken so far. */
    public synchronized long lists() {
        return lists;
    }

    /** Lists dropped because a newer one of the same shopper had been seen. */
    public synchronized long staleDropped() {
        return stale;
    }
}
