package io.streamrec.state;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserStateSerializerTest {
    private static final TypeSerializer<UserState> SERIALIZER =
            TypeInformation.of(UserState.class).createSerializer(new SerializerConfigImpl());

    private static UserState random(SplittableRandom rnd, int historyLen) {
        UserState s = new UserState();
        if (rnd.nextInt(5) > 0) {
            s.interest = new float[32];
            for (int i = 0; i < 32; i++) {
                s.interest[i] = (float) rnd.nextGaussian();
            }
            s.lastTs = 1_700_000_000_000L + rnd.nextLong(1L << 40);
            s.modelVersion = "model-" + rnd.nextInt(100);
        }
        s.histItems = new String[historyLen];
        s.histTypes = new byte[historyLen];
        s.histOffsetMs = new int[historyLen];
        s.histCategories = new byte[historyLen];
        boolean categories = rnd.nextInt(4) > 0; // else all keys 0: a log without categories
        int off = 0;
        for (int i = 0; i < historyLen; i++) {
            s.histItems[i] = "i" + rnd.nextInt(1_000_000) + (rnd.nextInt(10) == 0 ? "-ünïcode" : "");
            s.histTypes[i] = (byte) rnd.nextInt(7);
            s.histCategories[i] = categories && rnd.nextInt(8) > 0 ? (byte) (1 + rnd.nextInt(255)) : 0;
            // mostly increasing offsets, sometimes an out-of-order event (a negative step), up to the int clamp
            off = (int) Math.max(0, Math.min(Integer.MAX_VALUE, off + rnd.nextLong(-5_000, 600_000)));
            s.histOffsetMs[i] = i == historyLen - 1 && rnd.nextBoolean() ? Integer.MAX_VALUE : off;
        }
        s.purchased = new String[rnd.nextInt(12)];
        for (int i = 0; i < s.purchased.length; i++) {
            s.purchased[i] = "p" + rnd.nextInt(1000);
        }
        s.cart = new String[rnd.nextInt(12)];
        for (int i = 0; i < s.cart.length; i++) {
            s.cart[i] = "c" + rnd.nextInt(1000);
        }
        s.seq = rnd.nextInt(4) == 0 ? Long.MAX_VALUE - rnd.nextInt(10) : rnd.nextLong(1_000_000);
        s.recentEventHashes = new long[rnd.nextInt(17)];
        for (int i = 0; i < s.recentEventHashes.length; i++) {
            s.recentEventHashes[i] = rnd.nextLong();
        }
        s.lastList = new int[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1, 21)];
        for (int i = 0; i < s.lastList.length; i++) {
            s.lastList[i] = rnd.nextInt();
        }
        return s;
    }

    private static void assertSame(UserState a, UserState b) {
        assertArrayEquals(a.interest, b.interest);
        assertEquals(a.lastTs, b.lastTs);
        assertEquals(a.modelVersion, b.modelVersion);
        assertArrayEquals(a.histItems, b.histItems);
        assertArrayEquals(a.histTypes, b.histTypes);
        assertArrayEquals(a.histOffsetMs, b.histOffsetMs);
        assertArrayEquals(a.histCategories, b.histCategories);
        assertArrayEquals(a.purchased, b.purchased);
        assertArrayEquals(a.cart, b.cart);
        assertEquals(a.seq, b.seq);
        assertArrayEquals(a.recentEventHashes, b.recentEventHashes);
        assertArrayEquals(a.lastList, b.lastList);
    }

    private static byte[] bytes(TypeSerializer<UserState> ser, UserState s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        ser.serialize(s, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void typeInformationOfUserStateUsesTheDenseSerializer() {
        assertInstanceOf(UserStateSerializer.class, SERIALIZER);
    }

    @Test
    void everyFieldSurvivesARoundTripIncludingEdgeValues() throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int round = 0; round < 500; round++) {
            UserState s = random(rnd, rnd.nextInt(60));
            if (round % 7 == 0 && s.histTypes.length > 0) {
                s.histTypes[0] = 100; // a type index beyond the packed range is written unpacked
            }
            byte[] b = bytes(SERIALIZER, s);
            UserState back = SERIALIZER.deserialize(new DataInputDeserializer(b));
            assertSame(s, back);
            // copy() is deep, and copy(in, out) reproduces the bytes
            UserState c = SERIALIZER.copy(s);
            assertSame(s, c);
            if (s.histItems.length > 0) {
                assertNotSame(s.histItems, c.histItems);
            }
            DataOutputSerializer out = new DataOutputSerializer(256);
            SERIALIZER.copy(new DataInputDeserializer(b), out);
            assertArrayEquals(b, out.getCopyOfBuffer());
        }
        UserState empty = new UserState();
        assertSame(empty, SERIALIZER.deserialize(new DataInputDeserializer(bytes(SERIALIZER, empty))));
    }

    @Test
    void categoryKeysCostOneBytePerEventOnlyWhenTheLogHasCategories() throws Exception {
        UserState s = random(new SplittableRandom(7), 50);
        java.util.Arrays.fill(s.histCategories, (byte) 0);
        byte[] without = bytes(SERIALIZER, s);
        s.histCategories[49] = 17;
        assertEquals(without.length + 50, bytes(SERIALIZER, s).length);
        // a value without keys, as written before they existed, reads as "no category" for every event
        UserState old = SERIALIZER.deserialize(new DataInputDeserializer(without));
        assertArrayEquals(new byte[50], old.histCategories);
        assertArrayEquals(s.histItems, old.histItems);
        // keys missing from a state built in memory without them are written as 0, one per event
        s.histCategories = new byte[] {5};
        assertArrayEquals(java.util.Arrays.copyOf(new byte[] {5}, 50),
                SERIALIZER.deserialize(new DataInputDeserializer(bytes(SERIALIZER, s))).histCategories);
    }

    /** The serializer Flink would use without the annotation: its POJO serializer over the public fields. */
    private static TypeSerializer<UserState> pojoSerializer() {
        java.util.List<org.apache.flink.api.java.typeutils.PojoField> fields = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : UserState.class.getFields()) {
            fields.add(new org.apache.flink.api.java.typeutils.PojoField(f, TypeInformation.of(f.getType())));
        }
        return new org.apache.flink.api.java.typeutils.PojoTypeInfo<>(UserState.class, fields)
                .createSerializer(new SerializerConfigImpl());
    }

    @Test
    void saturatedUsersTakeAtLeast64BytesLessThanWithThePojoSerializer() throws Exception {
        TypeSerializer<UserState> pojo = pojoSerializer();
        assertInstanceOf(PojoSerializer.class, pojo);
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) {
            UserState s = random(rnd, 50);
            byte[] viaPojo = bytes(pojo, s);
            assertSame(s, pojo.deserialize(new DataInputDeserializer(viaPojo))); // the comparison is fair
            int dense = bytes(SERIALIZER, s).length;
            // 50 offsets of 1-3 instead of 4 bytes, 25 bytes of packed types instead of 50, varint lengths and seq
            assertTrue(dense <= viaPojo.length - 64, dense + " vs " + viaPojo.length);
        }
    }

    @Test
    void theSnapshotRestoresTheSameSerializerAsCompatible() throws Exception {
        TypeSerializerSnapshot<UserState> snap = SERIALIZER.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snap);
        TypeSerializerSnapshot<UserState> read = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertInstanceOf(UserStateSerializer.class, read.restoreSerializer());
        TypeSerializerSchemaCompatibility<UserState> compat =
                SERIALIZER.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertTrue(compat.isCompatibleAsIs());
    }

    @Test
    void aFormat2RoundTripKeepsTheLastList() throws Exception {
        UserState s = random(new SplittableRandom(3), 20);
        s.lastList = UserStateUpdater.itemHashes(new String[] {"a", "b", "c", "d"}, 10);
        UserState back = SERIALIZER.deserialize(new DataInputDeserializer(bytes(SERIALIZER, s)));
        assertArrayEquals(s.lastList, back.lastList);
        assertEquals(3, UserStateUpdater.rankInLastList(back, "c"));
        assertEquals(0, UserStateUpdater.rankInLastList(back, "e"));
        UserState copy = SERIALIZER.copy(s);
        assertArrayEquals(s.lastList, copy.lastList);
        assertNotSame(s.lastList, copy.lastList);
    }

    @Test
    void theLastListCostsOneLengthBytePlusFourBytesPerItem() throws Exception {
        UserState s = random(new SplittableRandom(11), 50);
        s.lastList = new int[0];
        int empty = bytes(SERIALIZER, s).length;
        int format1 = bytes(UserStateSerializer.Format1Serializer.INSTANCE, s).length;
        assertEquals(format1 + 1, empty, "an empty list costs its length byte");
        for (int k : new int[] {1, 10, 20}) {
            s.lastList = new int[k];
            assertEquals(empty + 4 * k, bytes(SERIALIZER, s).length, "top-" + k);
        }
    }
}
