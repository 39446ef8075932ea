package io.streamrec.demo;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tools' log4j2.properties (what {@code java -jar streamrec.jar} logs with) keeps Flink's metric name-collision
 * warning about the Kafka committers' {@code pendingCommittables} gauge out of the demo's screen, and only that
 * warning: Flink logs it through the logger named after {@code org.apache.flink.metrics.MetricGroup} (in
 * AbstractMetricGroup), so a level on {@code org.apache.flink.runtime.metrics.groups} never caught it.
 */
class DemoLoggingTest {

    private static final String LOGGER = "org.apache.flink.metrics.MetricGroup";

    private static boolean printed(LoggerConfig lc, Level level, String message) {
        Log4jLogEvent e = Log4jLogEvent.newBuilder().setLoggerName(LOGGER).setLevel(level)
                .setMessage(new SimpleMessage(message)).build();
        if (!level.isMoreSpecificThan(lc.getLevel())) {
            return false;
        }
        Filter f = lc.getFilter();
        return f == null || f.filter(e) != Filter.Result.DENY;
    }

    @Test
    void thePendingCommittablesCollisionIsSilencedAndOtherWarningsAreNot() throws Exception {
        try (InputStream in = DemoLoggingTest.class.getResourceAsStream("/log4j2.properties")) {
            assertNotNull(in, "tools log4j2.properties on the class path");
            Configuration conf = new PropertiesConfigurationFactory()
                    .getConfiguration(new LoggerContext("demo-logging-test"), new ConfigurationSource(in));
            conf.initialize();
            LoggerConfig lc = conf.getLoggerConfig(LOGGER);
            assertEquals(LOGGER, lc.getName(), "a logger of its own");
            assertFalse(printed(lc, Level.WARN, "Name collision: Group already contains a Metric with the name "
                    + "'pendingCommittables'. Metric will not be reported.[localhost, taskmanager, streamrec]"));
            assertTrue(printed(lc, Level.WARN, "Name collision: Group already contains a Metric with the name "
                    + "'eventToEmitLatencyMs'. Metric will not be reported.[localhost, taskmanager, streamrec]"),
                    "a collision of the job's own metrics still shows");
            assertTrue(printed(lc, Level.ERROR, "anything else"));
        }
    }
}
