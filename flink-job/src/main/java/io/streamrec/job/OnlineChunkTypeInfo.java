package io.streamrec.job;

import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.state.FixedTypeInfo;
import io.streamrec.state.StatelessSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Type information for the chunks of the online co-visitation table in operator state. The chunks are immutable
 * views of the table ({@link OnlineCovisitation#freeze}), so the backend's synchronous copy keeps them as they are and
 * only its asynchronous part serialises them: a checkpoint no longer stops the task thread to write the table.
 */
final class OnlineChunkTypeInfo extends FixedTypeInfo<OnlineCovisitation.Chunk> {
    private static final long serialVersionUID = 1L;

    OnlineChunkTypeInfo() {
        super(OnlineCovisitation.Chunk.class, Serializer.INSTANCE);
    }

    /** Writes a chunk in {@link OnlineCovisitation.Chunk#write}'s format; immutable, so copies are the chunk itself. */
    static final class Serializer extends StatelessSerializer<OnlineCovisitation.Chunk> {
        private static final long serialVersionUID = 1L;
        static final Serializer INSTANCE = new Serializer();

        @Override
        public boolean isImmutableType() {
            return true;
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
        public void serialize(OnlineCovisitation.Chunk chunk, DataOutputView out) throws IOException {
            chunk.write(out);
        }

        @Override
        public OnlineCovisitation.Chunk deserialize(DataInputView in) throws IOException {
            return OnlineCovisitation.Chunk.read(in);
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
