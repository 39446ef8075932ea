package io.streamrec.state;

import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link UserState} bytes of every released {@link UserStateSerializer} format, committed under
 * {@code src/test/resources/state-compat/user-state/<format>/}, still restore: snapshot compatibility, every value field
 * by field, and a rewrite in the current format. Regenerate nothing here: a new format's folder is written once by
 * {@link StateCompatGeneratorTest} (see its Javadoc) and the old folders stay.
 */
class UserStateSerializerUpgradeTest {
    private final UserStateUpgradeSpec spec = new UserStateUpgradeSpec();

    @Test
    void migratesThePojoSerializedStateOfTheReleasesBeforeTheDenseSerializer() throws Exception {
        TypeSerializerSchemaCompatibility<UserState> compat = SerializerUpgradeFiles.checkUpgrade(spec, 0);
        assertTrue(compat.isCompatibleAfterMigration(), compat.toString());
    }

    @Test
    void restoresFormat0HeapOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("heap", 0);
    }

    @Test
    void restoresFormat0RocksDbOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("rocksdb", 0);
    }

    @Test
    void restoresFormat1StateWithAnEmptyLastList() throws Exception {
        TypeSerializerSchemaCompatibility<UserState> compat = SerializerUpgradeFiles.checkUpgrade(spec, 1);
        assertTrue(compat.isCompatibleAfterMigration(), compat.toString());
        for (UserState s : spec.restored(1)) {
            assertArrayEquals(new int[0], s.lastList);
        }
        assertInstanceOf(UserStateSerializer.Format1Serializer.class,
                SerializerUpgradeFiles.readSnapshot(spec, 1).restoreSerializer());
    }

    @Test
    void restoresFormat2StateAsIsWithItsLastLists() throws Exception {
        TypeSerializerSchemaCompatibility<UserState> compat = SerializerUpgradeFiles.checkUpgrade(spec, 2);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
        assertEquals(20, spec.restored(2).get(1).lastList.length);
    }

    @Test
    void theCurrentSerializerRefusesFormat1BytesInsteadOfMisreadingThem() throws Exception {
        byte[] data = Files.readAllBytes(SerializerUpgradeFiles.folder(spec, 1).resolve(SerializerUpgradeFiles.DATA_FILE));
        // read as if the format had not changed: every value ends where format 2 expects the list's length
        assertThrows(IOException.class, () -> SerializerUpgradeFiles.deserializeAll(spec.currentSerializer(), data));
    }

    @Test
    void aSnapshotOfAFormatNewerThanThisReleaseIsRefused() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out,
                new UserStateSerializer.Snapshot(UserStateSerializer.CURRENT_FORMAT + 1));
        assertThrows(IOException.class, () -> TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader()));
    }

    @Test
    void restoresFormat1HeapOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("heap", 1);
    }

    @Test
    void restoresFormat1RocksDbOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("rocksdb", 1);
    }

    @Test
    void restoresFormat2HeapOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("heap", 2);
    }

    @Test
    void restoresFormat2RocksDbOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("rocksdb", 2);
    }

    /** Every user of the committed operator snapshot comes back, field by field, through the TTL wrapper. */
    private void restoresOperatorSnapshot(String backend, int format) throws Exception {
        List<UserState> expected = spec.restored(format);
        Path file = SerializerUpgradeFiles.folder(spec, format).resolve(UserStateOperatorSnapshots.fileName(backend));
        List<UserState> restored = UserStateOperatorSnapshots.restore(backend, expected.size(), file);
        for (int i = 0; i < expected.size(); i++) {
            assertNotNull(restored.get(i), backend + " format " + format + ": user-" + i + " lost");
            spec.assertSameValue(expected.get(i), restored.get(i), backend + " format " + format + " user-" + i);
        }
    }
}
