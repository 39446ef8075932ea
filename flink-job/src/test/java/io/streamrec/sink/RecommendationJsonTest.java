package io.streamrec.sink;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecommendationJsonTest {
    private static Recommendation rec(boolean withDiscover) {
        Recommendation r = new Recommendation();
        r.userId = "u1";
        r.seq = 7;
        r.modelVersion = "v1";
        r.triggerEventId = "e9";
        r.eventTs = 1000;
        r.emittedTs = 1005;
        r.items = new Recommendation.RecommendedItem[] {
            new Recommendation.RecommendedItem("i1", 1.5f, "recent", null),
            new Recommendation.RecommendedItem("i2", 0.5f, "covisit", "i1")};
        if (withDiscover) {
            r.discover = new Recommendation.RecommendedItem[] {
                new Recommendation.RecommendedItem("i2", 0.5f, "covisit", "i1"),
                new Recommendation.RecommendedItem("i3", 0.25f, "retrieval", null)};
        }
        return r;
    }

    @Test
    void writesAndReadsTheDiscoveryList() {
        RecommendationJson json = new RecommendationJson();
        byte[] bytes = json.write(rec(true));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"discover\":[{\"item_id\":\"i2\",\"score\":0.5,\"source\":\"covisit\","
                + "\"because\":[\"i1\"]}"), text);
        Recommendation back = json.read(bytes);
        assertEquals(2, back.items.length);
        assertEquals("i1", back.items[0].itemId);
        assertEquals(2, back.discover.length);
        assertEquals("i3", back.discover[1].itemId);
        assertEquals("retrieval", back.discover[1].source);
        assertEquals("i1", back.discover[0].because);
    }

    @Test
    void leavesTheDiscoveryListOutWhenThereIsNone() {
        RecommendationJson json = new RecommendationJson();
        byte[] bytes = json.write(rec(false));
        assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("discover"));
        assertNull(json.read(bytes).discover);
    }

    @Test
    void writesTheVariantAfterTheModelVersionAndReadsItBack() {
        RecommendationJson json = new RecommendationJson();
        Recommendation r = rec(false);
        r.variant = "b";
        byte[] bytes = json.write(r);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"variant\":\"b\""), text);
        assertEquals("b", json.read(bytes).variant);
        assertNull(json.read(json.write(rec(false))).variant, "no variant field when the list has none");
    }
}
