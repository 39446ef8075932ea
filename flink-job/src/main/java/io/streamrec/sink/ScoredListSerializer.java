package io.streamrec.sink;

import io.streamrec.state.CompactIO;
import io.streamrec.state.FixedTypeInfo;
import io.streamrec.state.InternedStrings;
import io.streamrec.state.StatelessSerializer;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * The serializer of {@link ScoredList}, the record every event sends from the ranking operator to the catalog filter
 * (a network channel, so every list is written and read once). Flink's POJO serializer read each item id, source and
 * "because" id into a new {@code String}: at half load that was the largest single source of the job's garbage (JFR,
 * docs/BENCHMARKS.md). Here the ids and sources are read through {@link InternedStrings}, and the arrays need no
 * per-field null flags. Nothing keeps a ScoredList in state, so the format can change freely between releases.
 */
public final class ScoredListSerializer extends StatelessSerializer<ScoredList> {
    private static final long serialVersionUID = 1L;
    static final ScoredListSerializer INSTANCE = new ScoredListSerializer();

    private static final int HAS_ITEMS = 1;
    private static final int HAS_SCORES = 2;
    private static final int HAS_SOURCES = 4;
    private static final int HAS_BECAUSE = 8;
    private static final int HAS_DISCOVER_SKIPS = 16;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public ScoredList createInstance() {
        return new ScoredList();
    }

    @Override
    public ScoredList copy(ScoredList from) {
        ScoredList c = new ScoredList();
        c.userId = from.userId;
        c.seq = from.seq;
        c.modelVersion = from.modelVersion;
        c.variant = from.variant;
        c.triggerEventId = from.triggerEventId;
        c.eventTs = from.eventTs;
        c.ingestTs = from.ingestTs;
        c.items = from.items == null ? null : from.items.clone();
        c.scores = from.scores == null ? null : from.scores.clone();
        c.sources = from.sources == null ? null : from.sources.clone();
        c.because = from.because == null ? null : from.because.clone();
        c.extra = from.extra;
        c.skipInDiscover = from.skipInDiscover == null ? null : from.skipInDiscover.clone();
        return c;
    }

    @Override
    public void serialize(ScoredList l, DataOutputView out) throws IOException {
        out.writeByte((l.items != null ? HAS_ITEMS : 0) | (l.scores != null ? HAS_SCORES : 0)
                | (l.sources != null ? HAS_SOURCES : 0) | (l.because != null ? HAS_BECAUSE : 0)
                | (l.skipInDiscover != null ? HAS_DISCOVER_SKIPS : 0));
        StringValue.writeString(l.userId, out);
        CompactIO.writeVarint(out, l.seq);
        StringValue.writeString(l.modelVersion, out);
        StringValue.writeString(l.variant, out);
        StringValue.writeString(l.triggerEventId, out);
        out.writeLong(l.eventTs);
        out.writeLong(l.ingestTs);
        if (l.items != null) {
            CompactIO.writeStrings(out, l.items);
        }
        if (l.scores != null) {
            CompactIO.writeVarint(out, l.scores.length);
            for (float f : l.scores) {
                out.writeFloat(f);
            }
        }
        if (l.sources != null) {
            CompactIO.writeStrings(out, l.sources);
        }
        if (l.because != null) {
            CompactIO.writeStrings(out, l.because);
        }
        CompactIO.writeVarint(out, l.extra);
        if (l.skipInDiscover != null) {
            CompactIO.writeVarint(out, l.skipInDiscover.length);
            for (boolean b : l.skipInDiscover) {
                out.writeBoolean(b);
            }
        }
    }

    @Override
    public ScoredList deserialize(DataInputView in) throws IOException {
        ScoredList l = new ScoredList();
        int flags = in.readUnsignedByte();
        l.userId = StringValue.readString(in);
        l.seq = CompactIO.readVarint(in);
        l.modelVersion = InternedStrings.read(in);
        l.variant = InternedStrings.read(in);
        l.triggerEventId = StringValue.readString(in);
        l.eventTs = in.readLong();
        l.ingestTs = in.readLong();
        if ((flags & HAS_ITEMS) != 0) {
            l.items = CompactIO.readStrings(in);
        }
        if ((flags & HAS_SCORES) != 0) {
            float[] s = new float[CompactIO.readLength(in)];
            for (int i = 0; i < s.length; i++) {
                s[i] = in.readFloat();
            }
            l.scores = s;
        }
        if ((flags & HAS_SOURCES) != 0) {
            l.sources = CompactIO.readStrings(in);
        }
        if ((flags & HAS_BECAUSE) != 0) {
            l.because = CompactIO.readStrings(in);
        }
        l.extra = CompactIO.readLength(in);
        if ((flags & HAS_DISCOVER_SKIPS) != 0) {
            boolean[] h = new boolean[CompactIO.readLength(in)];
            for (int i = 0; i < h.length; i++) {
                h[i] = in.readBoolean();
            }
            l.skipInDiscover = h;
        }
        return l;
    }

    @Override
    public TypeSerializerSnapshot<ScoredList> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot: one format version so far. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ScoredList> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Referenced by {@code @TypeInfo} on {@link ScoredList}, so {@code TypeInformation.of} finds this serializer. */
    public static final class Factory extends TypeInfoFactory<ScoredList> {
        @Override
        public TypeInformation<ScoredList> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new FixedTypeInfo<>(ScoredList.class, INSTANCE);
        }
    }
}
