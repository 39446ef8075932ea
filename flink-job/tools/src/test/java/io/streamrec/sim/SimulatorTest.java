package io.streamrec.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.catalog.ItemUpdateJson;
import io.streamrec.catalog.ItemUpdateParser;
import io.streamrec.event.EventParser;
import io.streamrec.event.EventType;
import io.streamrec.event.RawRecord;
import io.streamrec.event.UserEventJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The simulator's output stage: good records are the input contract as UserEventJson and ItemUpdateJson write it (and
 * the job's parsers read them back), malformed and duplicate records come at their rates, and everything is
 * deterministic given the seed.
 */
class SimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void goodEventsFollowTheInputContract() throws Exception {
        Simulator sim = new Simulator(new World(SimConfig.defaults().users(200)), 0, 0, null);
        for (int i = 0; i < 5000; i++) {
            SimRecord r = sim.next();
            JsonNode n = JSON.readTree(r.value());
            if (r.itemUpdate()) {
                assertEquals(r.key(), n.get("item_id").asText());
                assertTrue(n.get("category").isTextual() && n.get("price").isNumber());
                assertTrue(n.get("in_stock").isBoolean() && n.get("deleted").isBoolean() && n.get("ts").isLong());
                continue;
            }
            assertNotNull(r.event());
            assertEquals(r.key(), n.get("user_id").asText());
            assertTrue(n.get("event_id").isTextual());
            assertTrue(n.get("item_id").asText().matches("i\\d{5}"));
            assertTrue(n.get("user_id").asText().matches("u\\d{5}"));
            assertTrue(n.get("category").asText().matches("c\\d{2}"));
            assertNotNull(EventType.fromWire(n.get("type").asText()));
            assertTrue(n.get("ts").isIntegralNumber());
            assertTrue(n.get("price").isNumber());
            assertTrue(n.get("context").get("device").isTextual());
        }
        assertEquals(0, sim.malformedSent());
        assertEquals(0, sim.duplicatesSent());
    }

    @Test
    void theBytesAreTheWritersAndParseBackToTheRecordsObjects() {
        // the simulator writes UserEvent and ItemUpdate with their one writer, and the job's parsers read them back
        Simulator sim = new Simulator(new World(SimConfig.defaults().users(200)), 0, 0, null);
        // simulated time starts at SimConfig.DEFAULT_START_MS: the parser's clock stands there, its ts window wide
        EventParser events = new EventParser(1 << 20, 16, new io.streamrec.event.EventLimits(256,
                java.time.Duration.ofDays(3650), java.time.Duration.ofDays(3650)), () -> SimConfig.DEFAULT_START_MS);
        ItemUpdateParser items = new ItemUpdateParser();
        int searches = 0;
        for (SimRecord r : sim.catalogueSnapshot()) {
            assertEquals(r.update(), items.parse(new RawRecord(null, r.value(), "item-updates", 0, 0, -1)));
        }
        for (int i = 0; i < 5000; i++) {
            SimRecord r = sim.next();
            RawRecord raw = new RawRecord(null, r.value(), "t", 0, 0, 0);
            if (r.itemUpdate()) {
                int item = sim.world().catalogue().indexOf(r.update().itemId);
                assertArrayEquals(ItemUpdateJson.toJsonBytes(r.update(), sim.world().catalogue().name(item),
                        sim.world().catalogue().categoryLabelOfItem(item)), r.value());
                assertEquals(r.update(), items.parse(raw));
                continue;
            }
            assertArrayEquals(UserEventJson.toJsonBytes(r.event()), r.value());
            EventParser.Result back = events.parse(raw);
            assertTrue(back.ok(), back.reason);
            assertEquals(r.event(), back.event);
            searches += r.event().query != null ? 1 : 0;
        }
        assertTrue(searches > 0); // the optional fields were exercised: query, and context on every event
    }

    @Test
    void recordsAreDeterministicGivenTheSeed() {
        Simulator a = new Simulator(new World(SimConfig.defaults().users(300)), 0.01, 0.01, null);
        Simulator b = new Simulator(new World(SimConfig.defaults().users(300)), 0.01, 0.01, null);
        for (int i = 0; i < 20_000; i++) {
            SimRecord x = a.next();
            SimRecord y = b.next();
            assertEquals(x.key(), y.key());
            assertArrayEquals(x.value(), y.value());
        }
    }

    @Test
    void malformedRateIsHonouredAndEveryKindIsReallyBad() throws Exception {
        double rate = 0.02;
        Simulator sim = new Simulator(new World(SimConfig.defaults().users(500)), rate, 0, null);
        Map<Malformer.Kind, Integer> kinds = new EnumMap<>(Malformer.Kind.class);
        long eventRecords = 0;
        while (eventRecords < 50_000) {
            SimRecord r = sim.next();
            if (r.itemUpdate()) {
                continue;
            }
            eventRecords++;
            for (byte b : r.value()) {
                assertTrue(b != '\n', "a record must fit on one line");
            }
            if (r.malformed() != null) {
                kinds.merge(r.malformed(), 1, Integer::sum);
                assertTrue(isRejected(r.value()), r.malformed() + " would pass validation: "
                        + new String(r.value(), 0, Math.min(300, r.value().length), StandardCharsets.UTF_8));
            } else {
                assertFalse(isRejected(r.value()));
            }
        }
        double observed = sim.malformedSent() / (double) eventRecords;
        assertTrue(Math.abs(observed - rate) < rate * 0.25, "malformed fraction " + observed);
        assertEquals(Malformer.Kind.values().length, kinds.size(), "kinds seen: " + kinds);
    }

    @Test
    void duplicatesAreExactResendsOfEarlierEvents() {
        Simulator sim = new Simulator(new World(SimConfig.defaults().users(500)), 0, 0.01, null);
        Map<String, byte[]> byId = new HashMap<>();
        long events = 0;
        while (events < 30_000) {
            SimRecord r = sim.next();
            if (r.itemUpdate()) {
                continue;
            }
            events++;
            if (r.duplicate()) {
                byte[] orig = byId.get(r.event().eventId);
                assertNotNull(orig, "duplicate of an event not sent before");
                assertArrayEquals(orig, r.value());
            } else {
                assertTrue(byId.put(r.event().eventId, r.value()) == null);
            }
        }
        double f = sim.duplicatesSent() / (double) events;
        assertTrue(f > 0.006 && f < 0.014, "duplicate fraction " + f);
    }

    @Test
    void wallClockModeRestampsEvents() {
        long[] clock = {1_000_000L};
        Simulator sim = new Simulator(new World(SimConfig.defaults().users(50)), 0, 0, () -> clock[0]++);
        for (int i = 0; i < 100; i++) {
            SimRecord r = sim.next();
            long ts = r.itemUpdate() ? r.update().ts : r.event().ts;
            assertTrue(ts >= 1_000_000L && ts < 1_000_200L);
        }
    }

    /** What a strict validator of the input contract would do (the job's parser is elsewhere; this is the spec). */
    static boolean isRejected(byte[] value) {
        if (value.length > 64 * 1024) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            return true;
        }
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (Exception e) {
            return true;
        }
        if (n == null || !n.isObject()) {
            return true;
        }
        for (String f : new String[] {"event_id", "user_id", "item_id", "type"}) {
            if (!n.hasNonNull(f) || !n.get(f).isTextual() || n.get(f).asText().isEmpty()) {
                return true;
            }
        }
        if (!n.hasNonNull("ts") || !n.get("ts").isIntegralNumber()) {
            return true;
        }
        return EventType.fromWire(n.get("type").asText()) == null;
    }
}
