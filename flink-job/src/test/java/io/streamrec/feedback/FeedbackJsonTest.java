package io.streamrec.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.EventType;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The feedback topic's record: the exact field names other tools read, keyed by user, as its schema lists them. */
class FeedbackJsonTest {

    @Test
    void writesTheCompactRecordKeyedByUser() throws Exception {
        ListFeedback f = new ListFeedback("b", "v2", "u1", "e9", EventType.CLICK, 1733530000000L, 3, 20);
        ProducerRecord<byte[], byte[]> r = new FeedbackSerializationSchema("recommendation-feedback")
                .serialize(f, null, null);
        assertEquals("recommendation-feedback", r.topic());
        assertEquals("u1", new String(r.key(), StandardCharsets.UTF_8));
        assertNull(r.timestamp(), "the producer's clock: old event times must not meet the retention at once");
        assertEquals("{\"user_id\":\"u1\",\"variant\":\"b\",\"model_version\":\"v2\",\"event_id\":\"e9\","
                + "\"event_type\":\"click\",\"rank\":3,\"list_size\":20,\"event_ts\":1733530000000}",
                new String(r.value(), StandardCharsets.UTF_8));
        ListFeedback main = new ListFeedback(null, "v1", "u2", "e1", EventType.ADD_TO_CART, 1L, 0, 5);
        assertEquals("main", new ObjectMapper().readTree(new FeedbackJson().write(main)).path("variant").asText());
    }

    @Test
    void theSchemaRequiresExactlyTheWrittenFields() throws Exception {
        Path schema = Path.of(System.getProperty("streamrec.repo.root", ".."), "docs", "schemas",
                "recommendation-feedback.schema.json");
        JsonNode s = new ObjectMapper().readTree(Files.readString(schema));
        JsonNode written = new ObjectMapper().readTree(new FeedbackJson().write(
                new ListFeedback("a", "v", "u", "e", EventType.PURCHASE, 2L, 1, 10)));
        List<String> required = new ArrayList<>();
        s.path("required").forEach(n -> required.add(n.asText()));
        List<String> fields = new ArrayList<>();
        written.fieldNames().forEachRemaining(fields::add);
        assertEquals(required, fields);
    }
}
