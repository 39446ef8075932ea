package io.streamrec.storefront;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Who shops here, for the page's shopper selector: ids given at start (the simulator's most active users, in the
 * demo) first, then the users seen most often in the tail of the {@code user-events} topic. Any other id can be typed
 * in the page. Bounded: it counts at most {@link #MAX_USERS} users, the least recently seen leaving first.
 * Thread-safe.
 */
public final class ShopperDirectory {
    static final int MAX_USERS = 20_000;

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> suggested;
    private final Map<String, long[]> counts = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> e) {
            return size() > MAX_USERS;
        }
    };

    public ShopperDirectory(List<String> suggested) {
        this.suggested = List.copyOf(suggested);
    }

    /** Counts one record of the events topic (its key is the user id; malformed records count by key too). */
    public synchronized void seen(byte[] key, byte[] value) {
        String user = null;
        if (key != null && key.length > 0 && key.length <= 256) {
            user = new String(key, java.nio.charset.StandardCharsets.UTF_8);
        } else if (value != null) {
            try {
                JsonNode n = mapper.readTree(value);
                user = n != null && n.path("user_id").isTextual() ? n.get("user_id").asText() : null;
            } catch (Exception e) {
                return;
            }
        }
        if (user != null && !user.isBlank()) {
            counts.computeIfAbsent(user, u -> new long[1])[0]++;
        }
    }

    /** Up to {@code n} ids: the suggested ones, then the most active seen. */
    public synchronized List<String> top(int n) {
        LinkedHashSet<String> out = new LinkedHashSet<>(suggested);
        List<Map.Entry<String, long[]>> seen = new ArrayList<>(counts.entrySet());
        seen.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        for (Map.Entry<String, long[]> e : seen) {
            if (out.size() >= n) {
                break;
            }
            out.add(e.getKey());
        }
        return new ArrayList<>(out).subList(0, Math.min(n, out.size()));
    }
}
