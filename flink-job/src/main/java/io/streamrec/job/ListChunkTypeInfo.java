package io.streamrec.job;

import io.streamrec.candidates.ListChunk;
import io.streamrec.state.FixedTypeInfo;
import io.streamrec.state.StatelessSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Type information for the chunks of the operator's bounded tables in operator state (the online co-visitation table
 * and category popularity). The chunks are immutable views of a table ({@link ListChunk}), so the backend's
 * synchronous copy keeps them as they are and only its asynchronous part serialises them: a checkpoint does not stop
 * the task thread to write a table.
 */
final class ListChunkTypeInfo extends FixedTypeInfo<ListChunk> {
    private static final long serialVersionUID = 1L;

    ListChunkTypeInfo() {
        super(ListChunk.class, Serializer.INSTANCE);
    }

    /** Writes a chunk in {@link ListChunk#write}'s format; immutable, so copies are the chunk itself. */
    static final class Serializer extends StatelessSerializer<ListChunk> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public ListChunk createInstance() {
            return null;
        }

        @Override
        public ListChunk copy(ListChunk from) {
            return from;
        }

        @Override
        public void serialize(ListChunk chunk, DataOutputView out) throws IOException {
            chunk.write(out);
        }

        @Override
        public ListChunk deserialize(DataInputView in) throws IOException {
            return ListChunk.read(in);
        }

        @Override
        public TypeSerializerSnapshot<ListChunk> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    /** One format version so far; restores to {@link Serializer}. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ListChunk> {
        public Snapshot() {
            super(() -> Serializer.INSTANCE);
        }
    }
}
