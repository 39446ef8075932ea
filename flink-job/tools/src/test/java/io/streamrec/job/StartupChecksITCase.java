package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.launcher.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The start-up checks against a real KRaft broker: the job's topics there pass, a missing one ends the command (the
 * feedback topic only while it is configured).
 */
class StartupChecksITCase {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theShippedBundleAndTheFourTopicsPass() {
        assertDoesNotThrow(() -> StartupChecks.run(StreamrecConfig.fromMap(Map.of(
                "kafka.bootstrap-servers", kafka.bootstrapServers(), "kafka.startup-timeout", "20 s"))));
    }

    @Test
    void aMissingTopicIsNamedWithItsOption() {
        StartupChecks.Failure f = assertThrows(StartupChecks.Failure.class, () -> StartupChecks.checkKafka(
                StreamrecConfig.fromMap(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "topic.recommendations", "no-such-recs"))));

        assertEquals("topic 'no-such-recs' (topic.recommendations) does not exist on " + kafka.bootstrapServers(),
                f.getMessage());
    }

    @Test
    void theFeedbackTopicIsRequiredUnlessItIsTurnedOff() {
        StartupChecks.Failure f = assertThrows(StartupChecks.Failure.class, () -> StartupChecks.checkKafka(
                StreamrecConfig.fromMap(Map.of("kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "topic.feedback", "no-such-feedback"))));
        assertEquals("topic 'no-such-feedback' (topic.feedback) does not exist on " + kafka.bootstrapServers(),
                f.getMessage());
        assertDoesNotThrow(() -> StartupChecks.checkKafka(StreamrecConfig.fromMap(Map.of(
                "kafka.bootstrap-servers", kafka.bootstrapServers(), "topic.feedback", ""))));
    }

    @Test
    void streamrecJobEndsWithExitCode2AndOneLineForAMissingTopic() {
        // `streamrec job` (the launcher's JobCommand) prints to System.err, as StreamrecJob.main does
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream systemErr = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = new Main().run(new String[] {"job", "--kafka.bootstrap-servers", kafka.bootstrapServers(),
                            "--topic.dlq", "no-such-dlq"},
                    new PrintStream(new ByteArrayOutputStream()), System.err);
        } finally {
            System.setErr(systemErr);
        }

        assertEquals(2, code);
        assertEquals(List.of(
                "streamrec job: topic 'no-such-dlq' (topic.dlq) does not exist on " + kafka.bootstrapServers(),
                "Run with --help for the options; --job.startup-checks false skips the start-up checks."),
                err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("streamrec job")
                        || l.startsWith("Run with")).toList());
        assertFalse(err.toString(StandardCharsets.UTF_8).contains("\tat "), "no stack trace: " + err);
    }
}
