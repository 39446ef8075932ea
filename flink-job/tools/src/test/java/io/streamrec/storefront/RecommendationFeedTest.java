package io.streamrec.storefront;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each page sees its own shopper's lists only, newest wins, and a list answering a storefront click carries latency. */
class RecommendationFeedTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static byte[] list(String user, long seq, String trigger) {
        return ("{\"user_id\":\"" + user + "\",\"seq\":" + seq + ",\"model_version\":\"m1\",\"trigger_event_id\":\""
                + trigger + "\",\"event_ts\":1,\"emitted_ts\":2,\"items\":[{\"item_id\":\"i1\",\"score\":1.0,"
                + "\"source\":\"popular\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<Long> seqs(List<String> messages) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String m : messages) {
            out.add(MAPPER.readTree(m).get("list").get("seq").asLong());
        }
        return out;
    }

    @Test
    void deliversEachListOnlyToItsShoppersPages() throws Exception {
        RecommendationFeed feed = new RecommendationFeed();
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        List<String> a2 = new ArrayList<>();
        feed.subscribe("u1", a::add);
        feed.subscribe("u2", b::add);
        feed.subscribe("u1", a2::add);
        feed.publish(list("u1", 1, "e1"), 10);
        feed.publish(list("u2", 1, "e2"), 10);
        feed.publish(list("u3", 1, "e3"), 10);
        feed.publish(list("u1", 2, "e4"), 10);
        assertEquals(List.of(1L, 2L), seqs(a));
        assertEquals(List.of(1L, 2L), seqs(a2));
        assertEquals(List.of(1L), seqs(b));
        for (String m : a) {
            assertEquals("u1", MAPPER.readTree(m).get("list").get("user_id").asText());
        }
        assertEquals("u2", MAPPER.readTree(b.get(0)).get("list").get("user_id").asText());
    }

    @Test
    void dropsAListOlderThanOneAlreadySeen() throws Exception {
        RecommendationFeed feed = new RecommendationFeed();
        List<String> got = new ArrayList<>();
        feed.subscribe("u1", got::add);
        feed.publish(list("u1", 5, "e5"), 10);
        assertNull(feed.publish(list("u1", 4, "e4"), 11));
        assertNull(feed.publish(list("u1", 5, "e5"), 12));
        feed.publish(list("u1", 6, "e6"), 13);
        assertEquals(List.of(5L, 6L), seqs(got));
        assertEquals(2, feed.staleDropped());
        assertNull(feed.publish("not json".getBytes(StandardCharsets.UTF_8), 14));
    }

    @Test
    void aNewPageGetsTheCurrentListAndAClosedOneNothing() throws Exception {
        RecommendationFeed feed = new RecommendationFeed();
        feed.publish(list("u1", 3, "e3"), 10);
        List<String> got = new ArrayList<>();
        AutoCloseable sub = feed.subscribe("u1", got::add);
        assertEquals(List.of(3L), seqs(got));
        assertEquals(1, feed.subscriberCount());
        sub.close();
        assertEquals(0, feed.subscriberCount());
        feed.publish(list("u1", 4, "e4"), 11);
        assertEquals(List.of(3L), seqs(got));
    }

    @Test
    void measuresClickToUpdateLatencyForStorefrontEvents() throws Exception {
        RecommendationFeed feed = new RecommendationFeed();
        feed.clicked("sf-9", 1_000);
        JsonNode fromSim = MAPPER.readTree(feed.publish(list("u1", 1, "e-sim"), 1_100));
        assertTrue(fromSim.get("latency_ms").isNull());
        JsonNode fromClick = MAPPER.readTree(feed.publish(list("u1", 2, "sf-9"), 1_042));
        assertEquals(42, fromClick.get("latency_ms").asLong());
        // the click is measured once
        JsonNode again = MAPPER.readTree(feed.publish(list("u1", 3, "sf-9"), 1_300));
        assertTrue(again.get("latency_ms").isNull());
    }
}
