package io.streamrec.state;

import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
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
    void restoresFormat1StateAsIs() throws Exception {
        TypeSerializerSchemaCompatibility<UserState> compat = SerializerUpgradeFiles.checkUpgrade(spec, 1);
        assertTrue(compat.isCompatibleAsIs(), compat.toString());
    }

    @Test
    void restoresFormat1HeapOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("heap", 1);
    }

    @Test
    void restoresFormat1RocksDbOperatorSnapshot() throws Exception {
        restoresOperatorSnapshot("rocksdb", 1);
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
