package io.streamrec.lifecycle;

import io.streamrec.cli.Args;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code streamrec model} builds the Flink configuration for a store's file system: config.yaml, then flags. */
class StoreFileSystemsTest {

    @Test
    void confAndDashDSettingsAreTakenOutOfTheCommandLine() {
        StoreFileSystems.Split s = StoreFileSystems.split(new String[] {"status", "--conf", "s3.endpoint=http://h:9",
                "--store", "s3://b/m", "-D", "s3.access-key=k", "-Ds3.path.style.access=true",
                "--conf=s3.secret-key=a=b"});
        assertEquals(List.of("status", "--store", "s3://b/m"), List.of(s.rest()));
        assertEquals(Map.of("s3.endpoint", "http://h:9", "s3.access-key", "k", "s3.path.style.access", "true",
                "s3.secret-key", "a=b"), s.conf());
        assertTrue(assertThrows(Args.UsageException.class, () -> StoreFileSystems.split(new String[] {"--conf"}))
                .getMessage().contains("--conf needs KEY=VALUE"));
        assertTrue(assertThrows(Args.UsageException.class, () -> StoreFileSystems.split(new String[] {"-D", "=x"}))
                .getMessage().contains("-D needs KEY=VALUE"));
    }

    @Test
    void flinkConfDirIsReadFirstAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "s3.endpoint: http://from-yaml:9000\ns3.path.style.access: true\n");
        Configuration c = StoreFileSystems.configuration(Map.of("s3.endpoint", "http://from-flag:9000"),
                Map.of("FLINK_CONF_DIR", dir.toString()));
        assertEquals("http://from-flag:9000", c.getString("s3.endpoint", null));
        assertEquals("true", c.getString("s3.path.style.access", null));
        Configuration none = StoreFileSystems.configuration(Map.of(), Map.of("FLINK_CONF_DIR",
                dir.resolve("missing").toString()));
        assertNull(none.getString("s3.endpoint", null));
    }
}
