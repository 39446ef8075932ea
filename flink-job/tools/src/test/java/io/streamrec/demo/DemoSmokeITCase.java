package io.streamrec.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code streamrec demo --duration 20s} as a user would (a fresh JVM, the launcher's JVM flags) and checks that
 * recommendations came back through Kafka and were printed. A child JVM because the job needs bigger thread stacks
 * (-Xss16m, see bin/streamrec) than the surefire fork has, and so that a native crash fails the test instead of the
 * build.
 */
class DemoSmokeITCase {
    private static final Pattern FINISHED = Pattern.compile(
            "streamrec demo finished: (\\d+) events sent, (\\d+) recommendations received, (\\d+) dead letters");

    @Test
    void demoPrintsRecommendations(@TempDir Path dir) throws Exception {
        Path outFile = dir.resolve("demo.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx1g", "-Xss16m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
                "--add-opens=java.base/java.time=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + dir,
                "-cp", System.getProperty("java.class.path"), "io.streamrec.launcher.Main",
                "demo", "--duration", "20s", "--users", "100", "--rate", "150", "--plain"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
        boolean done = p.waitFor(240, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(outFile, StandardCharsets.UTF_8);
        assertTrue(done, "the demo did not stop by itself; output:\n" + tail(out));
        assertEquals(0, p.exitValue(), "demo exit code; output:\n" + tail(out));
        Matcher m = FINISHED.matcher(out);
        assertTrue(m.find(), "no closing summary; output:\n" + tail(out));
        long events = Long.parseLong(m.group(1));
        long recs = Long.parseLong(m.group(2));
        assertTrue(events > 1000, "events sent: " + events);
        assertTrue(recs > events / 2, "recommendations received: " + recs + " for " + events + " events");
        assertTrue(Pattern.compile("top-5  seq \\d+, \\d+ ms after the event").matcher(out).find()
                && Pattern.compile("\n   1\\. \\S").matcher(out).find(), "no top-5 was printed:\n" + tail(out));
        assertTrue(Pattern.compile("logs go to \\S+\\.log").matcher(out).find(), "the log file is not named");
        assertTrue(!out.contains(" INFO ") && !out.contains(" WARN "), "a log line landed in the view");
        assertTrue(Pattern.compile("event→emitted p50 \\d+ ms").matcher(out).find(), "no latency line");
        assertTrue(out.contains("DLQ "), "no DLQ count");
        assertTrue(Pattern.compile("storefront at http://127\\.0\\.0\\.1:\\d+/").matcher(out).find(),
                "the storefront's URL was not printed");
    }

    private static String tail(String s) {
        return s.length() <= 6000 ? s : s.substring(s.length() - 6000);
    }
}
