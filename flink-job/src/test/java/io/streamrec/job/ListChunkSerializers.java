package io.streamrec.job;

import io.streamrec.candidates.ListChunk;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The operator-state serializer of the live tables' checkpoint chunks, for tests outside this package (the
 * committed state files of {@code ListChunkUpgradeSpec}): the type information itself stays package-private.
 */
public final class ListChunkSerializers {
    private ListChunkSerializers() {
    }

    public static TypeSerializer<ListChunk> current() {
        return new ListChunkTypeInfo().createSerializer(new SerializerConfigImpl());
    }
}
