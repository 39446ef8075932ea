package io.streamrec.candidates;

import io.streamrec.state.SerializerUpgradeFiles;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live tables' checkpoint chunks as committed under {@code src/test/resources/state-compat/list-chunk/<format>/}
 * still restore: the operator state serializer's snapshot is compatible and every chunk reads back field by field and
 * survives a rewrite. Written once per format by {@code StateCompatGeneratorTest}.
 */
class ListChunkSerializerUpgradeTest {
    @Test
    void restoresFormat1ChunksOfTheOnlineTableWithZeroStamps() throws Exception {
        // written under the serializer snapshot class of that release, OnlineChunkTypeInfo, which must still load
        TypeSerializerSchemaCompatibility<ListChunk> compat =
                SerializerUpgradeFiles.checkUpgrade(new ListChunkUpgradeSpec(), 1);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
    }

    @Test
    void restoresFormat2ChunksAsIs() throws Exception {
        TypeSerializerSchemaCompatibility<ListChunk> compat =
                SerializerUpgradeFiles.checkUpgrade(new ListChunkUpgradeSpec(), 2);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
    }
}
