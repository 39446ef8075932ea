package io.streamrec.ranking;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX Runtime 1.29 SIGSEGVs the whole JVM while creating its environment when the process command line is longer
 * than ~4 KB (telemetry regex recursion on a normal-sized stack). {@link OnnxRanker#environment()} must survive it.
 */
class OrtStartupITCase {
    /** Run in the child JVM. */
    public static void main(String[] args) throws Exception {
        OnnxRanker.environment();
        System.out.println("ORT-STARTED");
    }

    @Test
    void startsOnnxRuntimeInAJvmWhoseCommandLineIsLongerThan4KB() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String pad = "x".repeat(16_000);
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Dstreamrec.pad=" + pad, "-cp",
                System.getProperty("java.class.path"), OrtStartupITCase.class.getName()));
        pb.environment().remove("ORT_DISABLE_TELEMETRY");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), "child JVM exit code (139 = SIGSEGV); output: " + out);
        assertTrue(out.contains("ORT-STARTED"), out);
    }
}
