package io.streamrec.storefront;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.cli.Args;
import io.streamrec.launcher.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code streamrec storefront}'s options: loopback and the job's topic names by default, bad values named. */
class StorefrontCommandTest {
    private static StorefrontOptions parse(String... argv) {
        return StorefrontCommand.options(argv);
    }

    @Test
    void defaultsAreLocalhostAndTheJobsTopics() {
        StorefrontOptions o = parse();
        assertEquals("127.0.0.1", o.bind);
        assertEquals(8088, o.port);
        assertEquals("localhost:9092", o.bootstrapServers);
        assertEquals("user-events", o.eventsTopic);
        assertEquals("item-updates", o.itemsTopic);
        assertEquals("recommendations", o.recommendationsTopic);
    }

    @Test
    void optionsOverrideAndBadValuesAreNamed() {
        StorefrontOptions o = parse("--kafka.bootstrap-servers", "b:9093", "--topic.events", "ev", "--port", "0",
                "--kafka.properties.security.protocol", "SASL_SSL");
        assertEquals("b:9093", o.bootstrapServers);
        assertEquals("ev", o.eventsTopic);
        assertEquals(0, o.port);
        assertEquals("SASL_SSL", o.kafkaProperties.get("security.protocol"));
        assertTrue(assertThrows(Args.UsageException.class, () -> parse("--port", "70000")).getMessage()
                .contains("--port"));
    }

    @Test
    void theLauncherListsIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = new Main().run(new String[] {"storefront", "--help"}, new PrintStream(out, true,
                StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--bind ADDR"));
        assertTrue(new Main().overview().contains("storefront"));
    }
}
