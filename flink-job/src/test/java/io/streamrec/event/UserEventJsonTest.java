package io.streamrec.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/**
 * {@link UserEventJson} is the inverse of {@link EventParser}: whatever it writes parses back to the same event, for
 * every optional field present or absent, awkward strings and prices. And UserEvent stays a Flink POJO, since it
 * crosses the job's network shuffle with pipeline.generic-types off.
 */
class UserEventJsonTest {

    /** The round trips use times from 1970 on: a ts window wide enough for all of them, the other bounds as usual. */
    private final EventParser parser = new EventParser(1 << 20, 16,
            new EventLimits(256, java.time.Duration.ofDays(36500), java.time.Duration.ofDays(36500)),
            () -> 1_700_000_000_000L);

    private UserEvent roundTrip(UserEvent e) {
        byte[] bytes = UserEventJson.toJsonBytes(e);
        EventParser.Result r = parser.parse(new RawRecord(null, bytes, "user-events", 0, 0, e.ingestTs));
        assertTrue(r.ok(), r.reason + ": " + new String(bytes, StandardCharsets.UTF_8));
        return r.event;
    }

    private static UserEvent full() {
        UserEvent e = new UserEvent("e1", "u1", "i9", EventType.ADD_TO_CART, 1_700_000_000_000L);
        e.sessionId = "s1";
        e.category = "c3";
        e.price = 12.3;
        e.query = "red shoes";
        e.device = "ios";
        e.page = "category";
        e.ingestTs = 5;
        return e;
    }

    @Test
    void writesTheContractInItsFieldOrder() {
        assertEquals("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i9\",\"type\":\"add_to_cart\","
                + "\"ts\":1700000000000,\"session_id\":\"s1\",\"category\":\"c3\",\"price\":12.30,"
                + "\"query\":\"red shoes\",\"context\":{\"device\":\"ios\",\"page\":\"category\"}}",
                UserEventJson.toJson(full()));
        UserEvent bare = new UserEvent("e2", "u", "i", EventType.VIEW, 5);
        assertEquals("{\"event_id\":\"e2\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":5}",
                UserEventJson.toJson(bare));
        bare.page = "home";
        assertEquals("{\"event_id\":\"e2\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":5,"
                + "\"context\":{\"page\":\"home\"}}", UserEventJson.toJson(bare));
    }

    @Test
    void parsingWhatItWritesGivesTheEventBack() {
        UserEvent e = full();
        assertEquals(e, roundTrip(e));
        for (EventType t : EventType.values()) {
            // ids may not hold control characters (the contract); other strings may, and the writer escapes them
            UserEvent bare = new UserEvent("id \"quoted\" \\ ü 中", "u v", "i/", t, 0);
            bare.query = "tab\there\nnewline \u001f \"q\"";
            assertEquals(bare, roundTrip(bare));
        }
        // every subset of the optional fields
        for (int mask = 0; mask < 64; mask++) {
            UserEvent s = full();
            if ((mask & 1) != 0) s.sessionId = null;
            if ((mask & 2) != 0) s.category = null;
            if ((mask & 4) != 0) s.price = null;
            if ((mask & 8) != 0) s.query = null;
            if ((mask & 16) != 0) s.device = null;
            if ((mask & 32) != 0) s.page = null;
            assertEquals(s, roundTrip(s), UserEventJson.toJson(s));
        }
    }

    @Test
    void everyPriceTheContractAllowsSurvives() {
        // the contract's prices: finite and not negative
        double[] prices = {0, -0.0, 0.01, 0.1, 9.99, 12.3, 100, 5.25, 1.0 / 3, 1e-9, 123456789.12, 1e300,
                Double.MIN_VALUE, Double.MAX_VALUE, 92233720368547.75, 1e17};
        SplittableRandom r = new SplittableRandom(1);
        UserEvent e = new UserEvent("e", "u", "i", EventType.VIEW, 1);
        for (int i = 0; i < prices.length + 2000; i++) {
            e.price = i < prices.length ? prices[i] : i % 2 == 0 ? r.nextLong(0, 100_000_000) / 100.0
                    : Math.abs(Double.longBitsToDouble(r.nextLong()));
            if (!Double.isFinite(e.price)) {
                continue;
            }
            assertEquals(e.price, roundTrip(e).price, UserEventJson.toJson(e));
        }
        e.price = 12.3;
        assertTrue(UserEventJson.toJson(e).contains("\"price\":12.30"));
        e.price = 1.0 / 3;
        assertTrue(UserEventJson.toJson(e).contains("\"price\":0.3333333333333333"));
    }

    @Test
    void staysAFlinkPojo() {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(UserEvent.class));
    }
}
