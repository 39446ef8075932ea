package io.streamrec.state;

import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.junit.jupiter.api.Test;

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
}
