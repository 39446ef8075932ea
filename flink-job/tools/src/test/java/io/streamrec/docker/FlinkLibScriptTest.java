package io.streamrec.docker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/flink-lib.sh, the Flink containers' entrypoint, outside Docker: it copies the cluster lib's onnxruntime jar
 * (whatever version the root pom pinned) onto Flink's lib/, the Prometheus reporter only when the image has no
 * plugins/metrics-prometheus, hands its arguments to the image's entrypoint, and refuses to start without the jar.
 */
class FlinkLibScriptTest {

    @TempDir
    Path dir;

    @Test
    void putsOnnxRuntimeOnFlinksLibThenRunsTheImagesEntrypoint() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("streamrec-lib"));
        Files.writeString(lib.resolve("onnxruntime-7.7.7.jar"), "ort");
        Files.writeString(lib.resolve("flink-metrics-prometheus-2.2.1.jar"), "prom");
        Path flinkLib = Files.createDirectories(dir.resolve("flink/lib"));

        Result r = run(lib, "taskmanager");
        assertEquals(0, r.exit, r.output);
        assertEquals("entrypoint taskmanager", r.output.strip());
        assertEquals("ort", Files.readString(flinkLib.resolve("onnxruntime-7.7.7.jar")));
        assertTrue(Files.exists(flinkLib.resolve("flink-metrics-prometheus-2.2.1.jar")), "no plugin: reporter on lib/");

        // An image that ships the reporter as a plugin keeps it there only.
        Files.delete(flinkLib.resolve("flink-metrics-prometheus-2.2.1.jar"));
        Path plugin = Files.createDirectories(dir.resolve("flink/plugins/metrics-prometheus"));
        Files.writeString(plugin.resolve("flink-metrics-prometheus-2.2.1.jar"), "plugin");
        assertEquals(0, run(lib, "jobmanager").exit);
        assertFalse(Files.exists(flinkLib.resolve("flink-metrics-prometheus-2.2.1.jar")));
    }

    @Test
    void refusesToStartWithoutTheJar() throws Exception {
        Files.createDirectories(dir.resolve("flink/lib"));
        Result r = run(Files.createDirectories(dir.resolve("empty")), "jobmanager");
        assertEquals(1, r.exit);
        assertTrue(r.output.contains("expected one onnxruntime-*.jar") && r.output.contains("mvn"), r.output);
        assertFalse(r.output.contains("entrypoint"), "the image's entrypoint must not run");
    }

    private record Result(int exit, String output) {}

    private Result run(Path streamrecLib, String arg) throws Exception {
        Path entry = dir.resolve("entrypoint.sh");
        Files.writeString(entry, "#!/usr/bin/env bash\necho entrypoint \"$@\"\n");
        assertTrue(entry.toFile().setExecutable(true));
        ProcessBuilder pb = new ProcessBuilder("bash", Scripts.repoFile("docker/flink-lib.sh").toString(), arg);
        Map<String, String> env = pb.environment();
        env.put("STREAMREC_LIB", streamrecLib.toString());
        env.put("FLINK_HOME", dir.resolve("flink").toString());
        env.put("FLINK_ENTRYPOINT", entry.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
