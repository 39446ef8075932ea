package io.streamrec.job;

import io.streamrec.candidates.OnlineCovisitation;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Type information for the chunks of the online co-visitation table in operator state. The chunks are immutable
 * views of the table ({@link OnlineCovisitation#freeze}), so the backend's synchronous copy keeps them as they are and
 * only its asynchronous part serialises them: a checkpoint no longer stops the task thread to write the table.
 */
final class OnlineChunkTypeInfo extends TypeInformation<OnlineCovisitation.Chunk> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<OnlineCovisitation.Chunk> getTypeClass() {
        return OnlineCovisitation.Chunk.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<OnlineCovisitation.Chunk> createSerializer(SerializerConfig config) {
        return Serializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "OnlineCovisitation.Chunk";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnlineChunkTypeInfo;
    }

    @Override
    public int hashCode() {
        return OnlineChunkTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof OnlineChunkTypeInfo;
    }

    /** Writes a chunk in {@link OnlineCovisitation.Chunk#write}'s format; immutable, so copies are the chunk itself. */
    static final class Serializer extends TypeSerializer<OnlineCovisitation.Chunk> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public TypeSerializer<OnlineCovisitation.Chunk> duplicate() {
            return this;
        }

        @Override
        public OnlineCovisitation.Chunk createInstance() {
            return null;
        }

        @Override
        public OnlineCovisitation.Chunk copy(OnlineCovisitation.Chunk from) {
            return from;
        }

        @Override
        public OnlineCovisitation.Chunk copy(OnlineCovisitation.Chunk from, OnlineCovisitation.Chunk reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(OnlineCovisitation.Chunk chunk, DataOutputView out) throws IOException {
            chunk.write(out);
        }

        @Override
        public OnlineCovisitation.Chunk deserialize(DataInputView in) throws IOException {
            return OnlineCovisitation.Chunk.read(in);
        }

        @Override
        public OnlineCovisitation.Chunk deserialize(OnlineCovisitation.Chunk reuse, DataInputView in)
                throws IOException {
            return deserialize(in);
        }

        @Override
        public void copy(DataInputView in, DataOutputView out) throws IOException {
            serialize(deserialize(in), out);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Serializer;
        }

        @Override
        public int hashCode() {
            return Serializer.class.hashCode();
        }

        @Override
        public TypeSerializerSnapshot<OnlineCovisitation.Chunk> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** One format version so far; restores to {@link Serializer}. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OnlineCovisitation.Chunk> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
