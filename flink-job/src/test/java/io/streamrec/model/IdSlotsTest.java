package io.streamrec.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The id table behind {@link ItemIndex#indexOf} and a co-visitation list's weight lookup. */
class IdSlotsTest {

    @Test
    void findsEveryIdAtItsPositionAndNothingElse() {
        Random rnd = new Random(3);
        String[] ids = new String[5000];
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "item-" + Long.toString(rnd.nextLong() & Long.MAX_VALUE, 36);
            expected.putIfAbsent(ids[i], i + 1);
        }
        IdSlots slots = new IdSlots(ids);
        for (int i = 0; i < ids.length; i++) {
            // a new instance, equal but not the same, as an event's parsed id is
            assertEquals(expected.get(ids[i]), slots.find(new String(ids[i].toCharArray())), ids[i]);
        }
        for (int i = 0; i < 5000; i++) {
            assertEquals(0, slots.find("other-" + i));
        }
        assertEquals(0, slots.find(null));
    }

    @Test
    void tellsApartIdsWithTheSameHashAndKeepsTheFirstOfARepeat() {
        // "Aa" and "BB" have the same String.hashCode, so they share a probe chain
        String[] ids = {"Aa", "BB", "AaAa", "BBBB", "AaBB", "Aa"};
        IdSlots slots = new IdSlots(ids);
        assertEquals(1, slots.find("Aa"));
        assertEquals(2, slots.find("BB"));
        assertEquals(3, slots.find("AaAa"));
        assertEquals(4, slots.find("BBBB"));
        assertEquals(5, slots.find("AaBB"));
        assertEquals(0, slots.find("BBAa"));
        assertEquals(5, slots.firstRepeat()); // the second "Aa"
        assertEquals(-1, new IdSlots(new String[] {"Aa", "BB"}).firstRepeat());
        assertEquals(new IdSlots(new String[0]).find("Aa"), 0);
    }
}
