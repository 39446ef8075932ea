package io.streamrec.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.cli.Args;
import io.streamrec.eval.EvaluateCommand;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.launcher.Main;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code retrain} refuses before any training, the file window, and which variant it compares with. */
class RetrainCommandTest {
    private static int run(PrintStream out, String... args) throws Exception {
        return new RetrainCommand(out, out).run(args);
    }

    @Test
    void refusesBadUsage(@TempDir Path dir) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        String store = dir.resolve("store").toString();
        assertThrows(Args.UsageException.class, () -> run(sink, "--store", store));
        assertThrows(Args.UsageException.class, () -> run(sink, "--events", "f", "--bootstrap", "b", "--store", store));
        assertThrows(Args.UsageException.class, () -> run(sink, "--events", "f"));
        assertThrows(Args.UsageException.class, () -> run(sink, "--events", "f", "--store", store, "--weight", "101"));
        assertThrows(Args.UsageException.class,
                () -> run(sink, "--events", "f", "--store", store, "--variant", "Not A Name"));
        assertThrows(Args.UsageException.class, () -> run(sink, "--events", "f", "--store", store, "--nope", "1"));
    }

    @Test
    void isASubcommandOfTheLauncher() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        assertEquals(0, new Main().run(new String[] {"--help"}, ps, ps));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("retrain"));
        assertEquals(2, new Main().run(new String[] {"retrain", "--events", "f"}, ps, ps));
    }

    @Test
    void tooFewEventsFailWithoutTouchingTheStore(@TempDir Path dir) throws Exception {
        List<UserEvent> few = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            few.add(new UserEvent("e" + i, "u" + (i % 5), "i" + i, EventType.VIEW, 1_000_000L + i * 1000L));
        }
        Path f = dir.resolve("few.jsonl");
        EvaluateCommand.writeJsonl(f, few);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = run(new PrintStream(out, true, StandardCharsets.UTF_8), "--events", f.toString(), "--store",
                dir.resolve("store").toString());
        assertEquals(1, rc);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("retrain: result=failed"), out.toString());
        assertFalse(Files.exists(dir.resolve("store").resolve("serving.json")));
    }

    @Test
    void fileWindowCountsBackFromTheNewestEvent(@TempDir Path dir) throws Exception {
        List<UserEvent> events = new ArrayList<>();
        for (int h = 0; h < 48; h++) {
            events.add(new UserEvent("e" + h, "u1", "i" + h, EventType.VIEW, h * 3_600_000L));
        }
        Path f = dir.resolve("log.jsonl");
        EvaluateCommand.writeJsonl(f, events);
        assertEquals(13, EventWindow.fromFile(f, Duration.ofHours(12), Long.MAX_VALUE).events().size());
        List<UserEvent> newest = EventWindow.fromFile(f, null, 5).events();
        assertEquals(List.of("e43", "e44", "e45", "e46", "e47"), newest.stream().map(e -> e.eventId).toList());
    }

    @Test
    void comparesWithTheVariantMostUsersSee() {
        ServingPlan p = new ServingPlan(List.of(new Variant("a", "v1", 30), new Variant("b", "v2", 70),
                new Variant("c", "v3", 70)), "t", "n", List.of());
        assertEquals("b", RetrainCommand.largest(p).name());
    }
}
