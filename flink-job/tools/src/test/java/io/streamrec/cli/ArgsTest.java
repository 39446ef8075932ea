package io.streamrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Args}: the option parser every subcommand uses. */
class ArgsTest {
    @Test
    void durationsParse() {
        assertEquals(Duration.ofSeconds(90), Args.parseDuration("90"));
        assertEquals(Duration.ofSeconds(90), Args.parseDuration("90s"));
        assertEquals(Duration.ofMinutes(5), Args.parseDuration("5m"));
        assertEquals(Duration.ofHours(2), Args.parseDuration("2h"));
        assertEquals(Duration.ofMillis(250), Args.parseDuration("250ms"));
        Args a = Args.parse(new String[] {"--x=3", "--f", "pos"}, Set.of("x"), Set.of("f"));
        assertEquals(3, a.getInt("x", 0, 0));
        assertTrue(a.flag("f"));
        assertEquals(List.of("pos"), a.positional());
    }

    private static final Args.Names NAMES = new Args.Names("simulate",
            Map.of("bootstrap-servers", "kafka.bootstrap-servers"), Set.of("kafka.properties."));

    @Test
    void deprecatedAliasSetsTheCanonicalOptionAndWarnsOnceOnStderr() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Args a = Args.parse(new String[] {"--bootstrap-servers", "h:1", "--bootstrap-servers=h:2"},
                Set.of("kafka.bootstrap-servers"), Set.of(), NAMES, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("h:2", a.get("kafka.bootstrap-servers", null));
        assertFalse(a.has("bootstrap-servers"));
        assertEquals("streamrec simulate: --bootstrap-servers is deprecated, use --kafka.bootstrap-servers\n",
                err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void canonicalNameDoesNotWarn() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Args a = Args.parse(new String[] {"--kafka.bootstrap-servers", "h:1"}, Set.of("kafka.bootstrap-servers"),
                Set.of(), NAMES, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals("h:1", a.get("kafka.bootstrap-servers", null));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void optionsUnderAnAllowedPrefixAreAcceptedAndCollected() {
        Args a = Args.parse(new String[] {"--kafka.properties.security.protocol", "SASL_SSL",
                "--kafka.properties.sasl.mechanism=PLAIN"}, Set.of(), Set.of(), NAMES, System.err);
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"),
                a.withPrefix("kafka.properties."));
    }

    @Test
    void unknownOptionsAreStillRefusedWithPrefixesAllowed() {
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> Args.parse(
                new String[] {"--kafka.propertiesx", "1"}, Set.of(), Set.of(), NAMES, System.err));
        assertEquals("unknown option --kafka.propertiesx", e.getMessage());
        assertThrows(Args.UsageException.class, () -> Args.parse(
                new String[] {"--kafka.properties.", "1"}, Set.of(), Set.of(), NAMES, System.err));
        assertThrows(Args.UsageException.class, () -> Args.parse(
                new String[] {"--kafka.properties.acks", "1"}, Set.of(), Set.of(), Args.Names.of("demo", Map.of()),
                System.err));
    }

    @Test
    void pairsKeepOrderAndEqualsSignsInValuesAndRefuseAKeylessPair() {
        Args a = Args.parseOptions(new String[] {"--job-conf",
                "state.changelog.enabled=true; a.path=file:///x?y=1;;execution.checkpointing.interval=10 s"},
                Set.of("job-conf"), Set.of());
        assertEquals(List.of("state.changelog.enabled", "a.path", "execution.checkpointing.interval"),
                List.copyOf(a.getPairs("job-conf").keySet()));
        assertEquals("file:///x?y=1", a.getPairs("job-conf").get("a.path"));
        assertEquals("10 s", a.getPairs("job-conf").get("execution.checkpointing.interval"));
        assertTrue(a.getPairs("absent").isEmpty());
        Args bad = Args.parseOptions(new String[] {"--cluster-conf", "a=1;=2"}, Set.of("cluster-conf"), Set.of());
        Args.UsageException e = assertThrows(Args.UsageException.class, () -> bad.getPairs("cluster-conf"));
        assertTrue(e.getMessage().contains("--cluster-conf") && e.getMessage().contains("'=2'"), e.getMessage());
    }
}
