package io.streamrec.sink;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ScoredListSerializerTest {
    private final TypeSerializer<ScoredList> serializer =
            TypeInformation.of(ScoredList.class).createSerializer(new SerializerConfigImpl());

    private static ScoredList list(String user, long seq) {
        ScoredList l = new ScoredList();
        l.userId = user;
        l.seq = seq;
        l.modelVersion = "v7";
        l.variant = "b";
        l.triggerEventId = "e-" + seq;
        l.eventTs = 1_700_000_000_123L;
        l.ingestTs = 1_700_000_000_456L;
        l.items = new String[]{"i1", "i2", "ü-3"};
        l.scores = new float[]{2.5f, -0.25f, Float.NEGATIVE_INFINITY};
        l.sources = new String[]{"retrieval", "popular", "retrieval"};
        l.because = new String[]{null, "i9", null};
        return l;
    }

    private ScoredList roundTrip(ScoredList l) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(l, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static void assertSameList(ScoredList a, ScoredList b) {
        assertEquals(a.userId, b.userId);
        assertEquals(a.seq, b.seq);
        assertEquals(a.modelVersion, b.modelVersion);
        assertEquals(a.variant, b.variant);
        assertEquals(a.triggerEventId, b.triggerEventId);
        assertEquals(a.eventTs, b.eventTs);
        assertEquals(a.ingestTs, b.ingestTs);
        assertArrayEquals(a.items, b.items);
        assertArrayEquals(a.scores, b.scores);
        assertArrayEquals(a.sources, b.sources);
        assertArrayEquals(a.because, b.because);
        assertEquals(a.extra, b.extra);
        assertArrayEquals(a.skipInDiscover, b.skipInDiscover);
    }

    @Test
    void typeInformationFindsTheHandWrittenSerializer() {
        assertInstanceOf(ScoredListSerializer.class, serializer);
    }

    @Test
    void roundTripsEveryField() throws Exception {
        ScoredList l = list("u1", 300);
        assertSameList(l, roundTrip(l));
    }

    @Test
    void roundTripsTheDiscoveryListsMarksAndExtras() throws Exception {
        ScoredList l = list("u1", 301);
        l.extra = 1;
        l.skipInDiscover = new boolean[] {true, false, false};
        ScoredList back = roundTrip(l);
        assertSameList(l, back);
        assertEquals(2, back.mainCount());
        ScoredList copy = serializer.copy(l);
        assertArrayEquals(l.skipInDiscover, copy.skipInDiscover);
        assertNotSame(l.skipInDiscover, copy.skipInDiscover);
        assertEquals(1, copy.extra);
    }

    @Test
    void roundTripsMissingArraysAndStrings() throws Exception {
        ScoredList l = new ScoredList();
        l.seq = 1;
        ScoredList back = roundTrip(l);
        assertSameList(l, back);
        assertNull(back.items);
        assertNull(back.because);
    }

    @Test
    void readsRepeatedItemIdsAsOneInstance() throws Exception {
        ScoredList a = roundTrip(list("u1", 1));
        ScoredList b = roundTrip(list("u2", 2));
        assertSame(a.items[0], b.items[0]);
        assertSame(a.sources[0], b.sources[2]);
    }

    @Test
    void copyIsDeep() {
        ScoredList l = list("u1", 5);
        ScoredList c = serializer.copy(l);
        assertSameList(l, c);
        assertNotSame(l.items, c.items);
        assertNotSame(l.scores, c.scores);
    }
}
