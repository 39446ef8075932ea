package io.streamrec.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's configuration table is generated from {@link StreamrecOptions}; this fails when they drift apart. */
class ConfigDocsTest {

    @Test
    void readmeContainsTheGeneratedOptionTable() throws Exception {
        Path readme = Path.of(System.getProperty("streamrec.repo.root", ".."), "README.md");
        String text = Files.readString(readme);
        assertTrue(text.contains(ConfigDocs.markdownTable()),
                "README.md's configuration table is out of date; regenerate it with: "
                        + "java -cp flink-job/tools/target/streamrec.jar io.streamrec.config.ConfigDocs");
    }
}
