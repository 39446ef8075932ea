package io.streamrec.state;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed {@link UserState} values of every {@link UserStateSerializer} format, rebuilt from plain arithmetic
 * (no random generator whose sequence a JDK could change), so the upgrade test compares what it reads with values it
 * builds itself. The edge cases: an empty user, a saturated history with every flag set, category keys, an event type
 * beyond the packed range (types written one per byte), and extreme numbers; from format 2, last lists. Format 0 is
 * the state of the releases before the dense serializer, written by Flink's POJO serializer over
 * {@link #POJO_FIELDS}. Never change a format's values once its folder is committed; a new format adds values.
 */
public final class UserStateUpgradeSpec implements SerializerUpgradeFiles.UpgradeSpec<UserState> {
    @Override
    public String name() {
        return "user-state";
    }

    @Override
    public int currentFormat() {
        return 2;
    }

    @Override
    public TypeSerializer<UserState> currentSerializer() {
        return TypeInformation.of(UserState.class).createSerializer(new SerializerConfigImpl());
    }

    /**
     * The fields of {@link UserState} before {@link UserStateSerializer} existed, when Flink's POJO serializer wrote
     * the state: format 0 here. Those releases had no category keys and no last list.
     */
    static final List<String> POJO_FIELDS = List.of("interest", "lastTs", "modelVersion", "histItems", "histTypes",
            "histOffsetMs", "purchased", "cart", "seq", "recentEventHashes");

    /** The type information those releases used: Flink's POJO type over {@link #POJO_FIELDS}. */
    static TypeInformation<UserState> pojoTypeInfo() {
        List<PojoField> fields = new ArrayList<>();
        for (String name : POJO_FIELDS) {
            try {
                Field f = UserState.class.getField(name);
                fields.add(new PojoField(f, TypeInformation.of(f.getType())));
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
        }
        return new PojoTypeInfo<>(UserState.class, fields);
    }

    @Override
    public List<UserState> values(int format) {
        if (format == 0) { // the format-1 values as the POJO era held them: no category keys
            List<UserState> v = values(1);
            for (UserState s : v) {
                s.histCategories = new byte[0];
            }
            return v;
        }
        List<UserState> v = new ArrayList<>();
        v.add(new UserState()); // a user with nothing yet: no interest, no time, no model
        v.add(history(50, 32, false, 3)); // a saturated user, types packed two per byte
        UserState categories = history(12, 8, true, 5);
        v.add(categories);
        UserState unpacked = history(7, 4, false, 11);
        unpacked.histTypes[0] = 100; // beyond 0..15: the whole history's types are written one per byte
        v.add(unpacked);
        UserState extremes = history(3, 2, true, 13);
        extremes.lastTs = Long.MIN_VALUE; // the interest without a time, and no model version
        extremes.modelVersion = null;
        extremes.seq = Long.MAX_VALUE;
        extremes.histOffsetMs = new int[] {0, Integer.MAX_VALUE, 5}; // the clamp, then a step back
        extremes.histItems[2] = "ünïcödé-€-𝄞";
        extremes.recentEventHashes = new long[] {Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE};
        v.add(extremes);
        if (format >= 2) { // the last list emitted: full, partial, and extreme hashes
            v.get(1).lastList = new int[20];
            for (int i = 0; i < 20; i++) {
                v.get(1).lastList[i] = UserStateUpdater.itemHash("item-" + (i * 31) % 10_007);
            }
            v.get(2).lastList = new int[] {UserStateUpdater.itemHash("item-5")};
            extremes.lastList = new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
            UserState onlyAList = new UserState(); // a state whose only content is a list
            onlyAList.lastList = new int[] {42, 43};
            v.add(onlyAList);
        }
        return v;
    }

    /** A user with {@code n} history events and a {@code d}-dimensional interest, all fields from {@code k}. */
    static UserState history(int n, int d, boolean withCategories, int k) {
        UserState s = new UserState();
        s.interest = new float[d];
        for (int i = 0; i < d; i++) {
            s.interest[i] = (i - d / 2f) / (k + 1f) + (i % 3 == 0 ? -0.0f : 0.125f);
        }
        s.lastTs = 1_700_000_000_000L + 1_000L * k;
        s.modelVersion = "model-" + k;
        s.histItems = new String[n];
        s.histTypes = new byte[n];
        s.histOffsetMs = new int[n];
        s.histCategories = new byte[n];
        int off = 0;
        for (int i = 0; i < n; i++) {
            s.histItems[i] = "item-" + (i * 7919 + k) % 10_007;
            s.histTypes[i] = (byte) ((i + k) % 7);
            off += i % 5 == 4 ? -1_500 : 45_000 + 1_000 * (i % 3); // mostly older, sometimes out of order
            s.histOffsetMs[i] = Math.max(0, off);
            s.histCategories[i] = withCategories && i % 4 != 3 ? (byte) (1 + (i * 37 + k) % 255) : 0;
        }
        s.purchased = new String[k % 6];
        for (int i = 0; i < s.purchased.length; i++) {
            s.purchased[i] = "bought-" + (k * 31 + i);
        }
        s.cart = new String[(k + 2) % 5];
        for (int i = 0; i < s.cart.length; i++) {
            s.cart[i] = "cart-" + (k * 17 + i);
        }
        s.seq = 1_000L * k + n;
        s.recentEventHashes = new long[Math.min(16, n)];
        for (int i = 0; i < s.recentEventHashes.length; i++) {
            s.recentEventHashes[i] = UserStateUpdater.eventIdHash("event-" + k + "-" + i);
        }
        return s;
    }

    @Override
    public void assertSameValue(UserState expected, UserState actual, String what) {
        assertArrayEquals(expected.interest, actual.interest, what + ": interest");
        assertEquals(expected.lastTs, actual.lastTs, what + ": lastTs");
        assertEquals(expected.modelVersion, actual.modelVersion, what + ": modelVersion");
        assertArrayEquals(expected.histItems, actual.histItems, what + ": histItems");
        assertArrayEquals(expected.histTypes, actual.histTypes, what + ": histTypes");
        assertArrayEquals(expected.histOffsetMs, actual.histOffsetMs, what + ": histOffsetMs");
        if (expected.histCategories.length == 0 || actual.histCategories.length == 0) {
            // a state without keys: the serializer writes and reads it as one key 0 per event
            assertArrayEquals(Arrays.copyOf(expected.histCategories, expected.histItems.length),
                    Arrays.copyOf(actual.histCategories, actual.histItems.length), what + ": histCategories");
        } else {
            assertArrayEquals(expected.histCategories, actual.histCategories, what + ": histCategories");
        }
        assertArrayEquals(expected.purchased, actual.purchased, what + ": purchased");
        assertArrayEquals(expected.cart, actual.cart, what + ": cart");
        assertEquals(expected.seq, actual.seq, what + ": seq");
        assertArrayEquals(expected.recentEventHashes, actual.recentEventHashes, what + ": recentEventHashes");
        assertArrayEquals(expected.lastList, actual.lastList, what + ": lastList");
    }
}
