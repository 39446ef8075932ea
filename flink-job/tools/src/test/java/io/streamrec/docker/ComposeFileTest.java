package io.streamrec.docker;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docker/docker-compose.yml is valid for Debian's docker-compose 1.29 ({@code config -q}), which is stricter than the
 * Compose specification's newer tools (it refused a top-level {@code name}), and the resolved stack has what
 * docs/DOCKER.md promises: the idempotent submitter, the storefront on 8088, Prometheus ports, the models volume, and
 * no ONNX Runtime version of its own (the root pom pins it; the cluster lib module copies the jar). Needs the
 * {@code docker-compose} binary: Debian package {@code docker-compose}; no Docker engine is used.
 */
class ComposeFileTest {

    private static final String PACKAGE_HINT = "docker-compose not found on PATH: install the Debian package "
            + "'docker-compose' (apt-get install -y --no-install-recommends docker-compose); "
            + "ComposeFileTest validates docker/docker-compose.yml with it";

    @Test
    void validatesWithDockerCompose129AndResolvesTheStack() throws Exception {
        Path compose = Scripts.repoFile("docker/docker-compose.yml");
        String binary = onPath("docker-compose");
        if (binary == null) {
            fail(PACKAGE_HINT);
        }
        Result quiet = run(binary, "-f", compose.toString(), "config", "-q");
        assertEquals(0, quiet.exit, "docker-compose config -q refused the file:\n" + quiet.output);
        assertEquals("", quiet.output.strip(), "config -q printed warnings");

        Result resolved = run(binary, "-f", compose.toString(), "config");
        assertEquals(0, resolved.exit, resolved.output);
        String c = resolved.output;
        for (String expected : new String[] {
                "job-submit:", "/streamrec/job-submit.sh", "storefront:", "- storefront", "published: 8088",
                "published: 9249", "published: 9250", "model-init:", "/models/current", "models:/models",
                "/flink-job/cluster/target/lib", "RETAIN_ON_CANCELLATION", "PrometheusReporterFactory"}) {
            assertTrue(c.contains(expected), "resolved compose config lacks '" + expected + "':\n" + c);
        }
    }

    @Test
    void pinsNoOnnxRuntimeVersionOfItsOwn() throws Exception {
        String text = Files.readString(Scripts.repoFile("docker/docker-compose.yml"), StandardCharsets.UTF_8);
        assertFalse(text.matches("(?s).*onnxruntime-\\d.*"), "the compose file names an onnxruntime version");
        assertFalse(text.contains("docker/lib"), "docker/lib is no longer where the jar comes from");
    }

    static String onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private record Result(int exit, String output) {}

    private static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), out);
    }
}
