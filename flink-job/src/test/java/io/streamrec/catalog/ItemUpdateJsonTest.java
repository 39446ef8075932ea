package io.streamrec.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.streamrec.event.RawRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/**
 * {@link ItemUpdateJson} is the inverse of {@link ItemUpdateParser}: what it writes parses back to the same update
 * (present or absent category and price, deletions, out of stock). ItemUpdate stays a Flink POJO: it is the value of
 * the catalogue filter's broadcast state, so it is in checkpoints and savepoints.
 */
class ItemUpdateJsonTest {

    private static ItemUpdate roundTrip(ItemUpdate u) {
        ItemUpdateParser p = new ItemUpdateParser();
        ItemUpdate back = p.parse(new RawRecord(u.itemId.getBytes(StandardCharsets.UTF_8), ItemUpdateJson.toJsonBytes(u),
                "item-updates", 0, 0, 999));
        assertNotNull(back, p.lastError);
        return back;
    }

    @Test
    void writesTheContractInItsFieldOrder() {
        ItemUpdate u = new ItemUpdate("i7", false, false);
        u.category = "c2";
        u.price = 19.9;
        u.ts = 1_700_000_000_000L;
        assertEquals("{\"item_id\":\"i7\",\"category\":\"c2\",\"price\":19.90,\"in_stock\":false,\"deleted\":false,"
                + "\"ts\":1700000000000}", ItemUpdateJson.toJson(u));
    }

    @Test
    void writesDisplayNamesThatTheParserIgnores() {
        ItemUpdate u = new ItemUpdate("i7", true, false);
        u.category = "c2";
        u.ts = 5;
        String json = ItemUpdateJson.toJson(u, "Walnut \"Desk\" Lamp", "lighting");
        assertEquals("{\"item_id\":\"i7\",\"name\":\"Walnut \\\"Desk\\\" Lamp\",\"category\":\"c2\","
                + "\"category_name\":\"lighting\",\"in_stock\":true,\"deleted\":false,\"ts\":5}", json);
        ItemUpdate back = new ItemUpdateParser().parse(new RawRecord(null, json.getBytes(StandardCharsets.UTF_8),
                "item-updates", 0, 0, 0));
        assertEquals(u, back);
    }

    @Test
    void parsingWhatItWritesGivesTheUpdateBack() {
        for (int mask = 0; mask < 16; mask++) {
            ItemUpdate u = new ItemUpdate("item \"x\" ü", (mask & 1) != 0, (mask & 2) != 0);
            u.category = (mask & 4) != 0 ? null : "c\\1";
            u.price = (mask & 8) != 0 ? null : 0.1 + mask;
            u.ts = 42L * mask;
            assertEquals(u, roundTrip(u), ItemUpdateJson.toJson(u));
        }
    }

    @Test
    void staysAFlinkPojo() {
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(ItemUpdate.class));
    }
}
