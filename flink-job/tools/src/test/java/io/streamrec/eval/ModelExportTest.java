package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code evaluate} echoes of a running model-export command: the latest step of its log. */
class ModelExportTest {

    @Test
    void echoesTheLastTimestampedLineAndSkipsTablesAndChecks(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("train.log");
        assertNull(ModelExport.lastStep(log));
        Files.writeString(log, "| method | HR@10 |\n");
        assertNull(ModelExport.lastStep(log));
        Files.writeString(log, "[01:49:02] retrieval epoch 3/10  25% \n[01:49:10] retrieval epoch 3/10 loss 5.69\n"
                + "| ranker | 0.63 |\n  [ok] onnx.checker full_check\n");
        assertEquals("[01:49:10] retrieval epoch 3/10 loss 5.69", ModelExport.lastStep(log));
        // only the tail is read: a long log costs the same
        Files.writeString(log, "x".repeat(100_000) + "\n[02:00:00] ranker epoch 1/25  50% \n");
        assertEquals("[02:00:00] ranker epoch 1/25  50%", ModelExport.lastStep(log));
    }
}
