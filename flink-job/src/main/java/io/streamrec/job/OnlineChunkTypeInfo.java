package io.streamrec.job;

import io.streamrec.candidates.ListChunk;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;

/**
 * Only the serializer snapshot class that checkpoints of the online co-visitation table carried before its chunks
 * became {@link ListChunk}s ({@link ListChunkTypeInfo}): Flink instantiates a snapshot by its class name, so without
 * this class such a checkpoint or savepoint fails to restore ("could not find class"). Its chunks are
 * {@link ListChunk} format 1, which the current serializer reads, so the snapshot restores to it and is compatible
 * as is. Never write it; never remove it while a savepoint of that format may still be restored.
 */
final class OnlineChunkTypeInfo {
    private OnlineChunkTypeInfo() {
    }

    /** The snapshot of format-1 chunks; restores to {@link ListChunkTypeInfo}'s serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ListChunk> {
        public Snapshot() {
            super(() -> ListChunkTypeInfo.Serializer.INSTANCE);
        }
    }
}
