package io.streamrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
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
}
