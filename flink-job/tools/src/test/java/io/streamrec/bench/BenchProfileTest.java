package io.streamrec.bench;

import io.streamrec.eval.EvalSettings;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench measures the configuration users run: the job's defaults, or evaluate's, not a cut-down pipeline. */
class BenchProfileTest {

    @Test
    void theDefaultProfileLeavesEveryCandidateSourceAsTheJobShipsIt() throws Exception {
        BenchProfile p = BenchProfile.of("default", null);
        assertTrue(p.jobOptions.isEmpty(), p.jobOptions.toString());
        PipelineBench b = new PipelineBench("broker:9093", Map.of(), new PrintStream(OutputStream.nullOutputStream()));
        try {
            b.profileConf = Map.of("model.path", "classpath:default");
            Map<String, String> conf = b.jobConf(b.names("t"), "recs", 1);
            assertTrue(conf.keySet().stream().noneMatch(k -> k.startsWith("candidates.")), conf.toString());
            assertEquals("classpath:default", conf.get("model.path"), "the bundle reaches the job");
        } finally {
            b.cleanup();
        }
    }

    @Test
    void theEvaluatedProfileIsEvaluatesJobOptions() throws Exception {
        Path file = BenchProfile.findEvalConfig();
        assertNotNull(file, "eval-default.json is found from the build's classes directory");
        BenchProfile p = BenchProfile.of("evaluated", null);
        assertEquals(EvalSettings.load(file).job, p.jobOptions);
        assertEquals("true", p.jobOptions.get("recs.discover-list"));
        // valid job options: the job's own validation accepts them, and the bench reads its settings from them
        io.streamrec.job.JobSettings js = io.streamrec.job.JobSettings.from(
                io.streamrec.config.StreamrecConfig.fromMap(p.jobOptions));
        assertTrue(js.discoverList);
    }

    @Test
    void anUnknownProfileIsAUsageError() {
        try {
            BenchProfile.of("fast", null);
            throw new AssertionError("expected a usage error");
        } catch (io.streamrec.cli.Args.UsageException expected) {
            assertTrue(expected.getMessage().contains("default or evaluated"));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
