package io.streamrec.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Trains and exports a bundle with model-export: {@code python -m streamrec_model build} in {@code <repo>/model-export}. */
final class Trainer {
    private Trainer() {}

    static void build(Path repo, String python, Path config, Path data, Path bundle, Path checkpoint, Path logFile,
                      PrintStream log) throws IOException, InterruptedException {
        Path dir = repo.resolve("model-export");
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "streamrec_model", "build",
                "--data", data.toString(), "--format", "jsonl", "--bundle", bundle.toString(),
                "--checkpoint", checkpoint.toString()));
        if (config != null) {
            cmd.add("--config");
            cmd.add(config.toString());
        }
        log.println("evaluate: training: (cd " + dir + " && " + String.join(" ", cmd) + ") > " + logFile);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        int rc = p.waitFor();
        if (rc != 0) {
            List<String> lines = Files.readAllLines(logFile);
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            throw new IOException("model-export failed with exit code " + rc + "; last lines of " + logFile + ":\n"
                    + tail);
        }
        log.printf(Locale.ROOT, "evaluate: bundle trained in %.0f s: %s%n", (System.nanoTime() - t0) / 1e9, bundle);
    }
}
