package io.streamrec.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire form of {@link Recommendation} on the {@code recommendations} topic, written with a streaming generator
 * (no reflection per record) and read back by the demo, the evaluator and the tests. Field names are the documented
 * contract: user_id, seq, model_version, trigger_event_id, event_ts, emitted_ts, items[item_id, score, source, because],
 * and discover (the same entries) when the job emits a discovery list.
 */
public final class RecommendationJson {
    private final JsonFactory factory = new JsonFactory();
    private final ObjectMapper mapper = new ObjectMapper(factory);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);

    public byte[] write(Recommendation r) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("user_id", r.userId);
            g.writeNumberField("seq", r.seq);
            g.writeStringField("model_version", r.modelVersion);
            if (r.variant != null) {
                g.writeStringField("variant", r.variant);
            }
            g.writeStringField("trigger_event_id", r.triggerEventId);
            g.writeNumberField("event_ts", r.eventTs);
            g.writeNumberField("emitted_ts", r.emittedTs);
            writeList(g, "items", r.items);
            if (r.discover != null) {
                writeList(g, "discover", r.discover);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    private static void writeList(JsonGenerator g, String field, Recommendation.RecommendedItem[] list)
            throws IOException {
        g.writeArrayFieldStart(field);
        for (Recommendation.RecommendedItem it : list) {
            g.writeStartObject();
            g.writeStringField("item_id", it.itemId);
            g.writeNumberField("score", it.score);
            g.writeStringField("source", it.source);
            if (it.because != null) {
                g.writeArrayFieldStart("because");
                g.writeString(it.because);
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static Recommendation.RecommendedItem[] readList(JsonNode items) {
        Recommendation.RecommendedItem[] out = new Recommendation.RecommendedItem[items.size()];
        for (int i = 0; i < items.size(); i++) {
            JsonNode it = items.get(i);
            JsonNode because = it.path("because");
            out[i] = new Recommendation.RecommendedItem(it.path("item_id").asText(),
                    (float) it.path("score").asDouble(), it.path("source").asText(),
                    because.isArray() && because.size() > 0 ? because.get(0).asText() : null);
        }
        return out;
    }

    public Recommendation read(byte[] json) {
        try {
            JsonNode n = mapper.readTree(json);
            Recommendation r = new Recommendation();
            r.userId = n.path("user_id").asText();
            r.seq = n.path("seq").asLong();
            r.modelVersion = n.path("model_version").asText();
            r.variant = n.hasNonNull("variant") ? n.get("variant").asText() : null;
            r.triggerEventId = n.path("trigger_event_id").asText();
            r.eventTs = n.path("event_ts").asLong();
            r.emittedTs = n.path("emitted_ts").asLong();
            r.items = readList(n.path("items"));
            if (n.has("discover")) {
                r.discover = readList(n.path("discover"));
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("not a recommendation: " + e.getMessage(), e);
        }
    }
}
