package io.streamrec.demo;

import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Sends every log line of the demo's JVM (Flink's, Kafka's, the job's) to a file, so that none lands inside the
 * terminal view; the demo prints the file's name. Replaces the console configuration of {@code log4j2.properties}
 * for this process only.
 */
final class DemoLog {
    private DemoLog() {}

    static void toFile(Path file) {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setStatusLevel(Level.ERROR);
        b.setConfigurationName("streamrec-demo");
        b.add(b.newAppender("file", "File").addAttribute("fileName", file.toString())
                .add(b.newLayout("PatternLayout").addAttribute("pattern", "%d{HH:mm:ss.SSS} %-5p %c{1} - %m%n")));
        b.add(b.newRootLogger(Level.INFO).add(b.newAppenderRef("file")));
        b.add(b.newLogger("org.apache.kafka", Level.WARN).add(b.newAppenderRef("file")).addAttribute("additivity",
                false));
        Configurator.reconfigure(b.build());
    }
}
