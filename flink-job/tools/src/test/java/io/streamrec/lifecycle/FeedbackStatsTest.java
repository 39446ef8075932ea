package io.streamrec.lifecycle;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code model status}'s live figures from feedback records: HR@K and MRR@K per variant, lenient parsing. */
class FeedbackStatsTest {
    private static byte[] rec(String variant, String version, String type, int rank, int k) {
        return ("{\"user_id\":\"u1\",\"variant\":\"" + variant + "\",\"model_version\":\"" + version
                + "\",\"event_id\":\"e\",\"event_type\":\"" + type + "\",\"rank\":" + rank + ",\"list_size\":" + k
                + ",\"event_ts\":1733530000000,\"future_field\":[1,2]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hitRateAndMrrPerVariant() {
        FeedbackStats s = new FeedbackStats();
        s.add(rec("a", "v1", "click", 1, 20));
        s.add(rec("a", "v1", "cart", 4, 20));
        s.add(rec("a", "v1", "view", 0, 20));
        s.add(rec("a", "v1", "view", 0, 20));
        s.add(rec("b", "v2", "purchase", 2, 10));
        s.add("not json".getBytes(StandardCharsets.UTF_8));
        s.add("{\"variant\":\"a\"}".getBytes(StandardCharsets.UTF_8));
        FeedbackStats.Row a = s.rows().get(0);
        assertEquals("a", a.variant);
        assertEquals(4, a.judged);
        assertEquals(0.5, a.hitRate(), 1e-9);
        assertEquals((1.0 + 0.25) / 4, a.mrr(), 1e-9);
        assertEquals("20", a.k());
        FeedbackStats.Row b = s.rows().get(1);
        assertEquals(1.0, b.hitRate(), 1e-9);
        assertEquals(0.5, b.mrr(), 1e-9);
        assertEquals(2, s.malformed());
        String table = s.table();
        assertTrue(table.contains("click=1 cart=1") || table.contains("cart=1 click=1"), table);
        assertTrue(table.contains("purchase=1"), table);
        assertTrue(table.contains("2 records were not judged events"), table);
    }

    @Test
    void readsTheRecordsTheJobWrites() {
        io.streamrec.feedback.FeedbackJson json = new io.streamrec.feedback.FeedbackJson();
        FeedbackStats s = new FeedbackStats();
        s.add(json.write(new io.streamrec.feedback.ListFeedback("b", "v2", "u1", "e1",
                io.streamrec.event.EventType.ADD_TO_CART, 1_733_530_000_000L, 2, 20)));
        s.add(json.write(new io.streamrec.feedback.ListFeedback(null, "v1", "u2", "e2",
                io.streamrec.event.EventType.VIEW, 1_733_530_000_000L, 0, 20)));
        assertEquals(0, s.malformed());
        assertEquals(List.of("b", "main"), s.rows().stream().map(r -> r.variant).toList());
        FeedbackStats.Row b = s.rows().get(0);
        assertEquals(0.5, b.mrr(), 1e-9);
        assertEquals(Map.of("add_to_cart", 1L), b.hitsByType);
        assertEquals(0.0, s.rows().get(1).hitRate(), 1e-9);
    }

    @Test
    void mixedOrMissingListSizesAreShownAsSuch() {
        FeedbackStats s = new FeedbackStats();
        s.add(rec("a", "v1", "click", 3, 10));
        s.add(rec("a", "v1", "click", 15, 20));
        s.add(rec("a", "v1", "click", 25, 20)); // a rank beyond the list is not a hit
        s.add("{\"variant\":\"b\",\"rank\":1}".getBytes(StandardCharsets.UTF_8));
        assertEquals("10-20", s.rows().get(0).k());
        assertEquals(2, s.rows().get(0).hits);
        assertEquals("?", s.rows().get(1).k());
        assertEquals("?", s.rows().get(1).version);
    }
}
