package io.streamrec.eval;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs model-export ({@code python -m streamrec_model ...} in {@code <repo>/model-export}) for the evaluator: {@link
 * #build} trains and exports a bundle, {@link #gru4rec} the GRU4Rec baseline, {@link #convert} turns a raw log into the
 * input topic's JSON lines (model-export is the one reader of the raw formats).
 */
public final class ModelExport {
    private ModelExport() {}

    public static void build(Path repo, String python, Path config, Path data, Path bundle, Path checkpoint, Path logFile,
                      PrintStream log) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("build", "--data", data.toString(), "--format", "jsonl",
                "--bundle", bundle.toString(), "--checkpoint", checkpoint.toString()));
        if (config != null) {
            args.add("--config");
            args.add(config.toString());
        }
        long t0 = System.nanoTime();
        run(repo, python, args, logFile, log, "training");
        log.printf(Locale.ROOT, "evaluate: bundle trained in %.0f s: %s%n", (System.nanoTime() - t0) / 1e9, bundle);
    }

    /**
     * {@code baseline-gru4rec --data DATA --format jsonl --out DIR --session-gap-s S --KEY VALUE ...}: trains the
     * GRU4Rec baseline on the training part and writes {@link Gru4RecBaseline#CONTRACT}, the ONNX model and its golden
     * cases into {@code out} (streamrec_model/sequential.py). {@code params} are the command's knobs by their
     * snake_case names (EvalSettings.gru4rec). Returns the wall time in seconds.
     */
    static double gru4rec(Path repo, String python, Path data, Path out, long sessionGapS, Map<String, Object> params,
                        Path logFile, PrintStream log) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("baseline-gru4rec", "--data", data.toString(), "--format", "jsonl",
                "--out", out.toString(), "--session-gap-s", Long.toString(sessionGapS)));
        params.forEach((k, v) -> {
            args.add("--" + k.replace('_', '-'));
            args.add(String.valueOf(v));
        });
        long t0 = System.nanoTime();
        run(repo, python, args, logFile, log, "training gru4rec");
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.printf(Locale.ROOT, "evaluate: gru4rec trained in %.0f s: %s%n", seconds, out);
        return seconds;
    }

    /**
     * {@code convert --format FORMAT --id-prefix PREFIX --report REPORT INPUT OUTPUT}: OUTPUT gets the JSON lines,
     * REPORT the format found and the skipped lines by reason (see streamrec_model/convert.py).
     */
    static void convert(Path repo, String python, Path input, String format, String idPrefix, Path output,
                        Path report, Path logFile, PrintStream log) throws IOException, InterruptedException {
        Files.deleteIfExists(report); // a failed run writes none: never read a stale one
        run(repo, python, List.of("convert", "--format", format, "--id-prefix", idPrefix, "--report",
                report.toString(), input.toAbsolutePath().toString(), output.toString()), logFile, log, "converting");
    }

    /** How often a running command's latest step (its log's last timestamped line) is echoed to the progress log. */
    static final int PROGRESS_EVERY_S = 15;
    /** A line model-export's {@code log_msg} wrote: {@code [hh:mm:ss] ...}. */
    private static final Pattern STEP = Pattern.compile("\\[\\d\\d:\\d\\d:\\d\\d\\] .*");

    /**
     * The last line of {@code logFile} that model-export's {@code log_msg} wrote ({@code [hh:mm:ss] ...}: a step or a
     * progress quarter), from its last 8 KiB; null if there is none yet.
     */
    static String lastStep(Path logFile) throws IOException {
        if (!Files.exists(logFile)) {
            return null;
        }
        try (var f = new java.io.RandomAccessFile(logFile.toFile(), "r")) {
            long from = Math.max(0, f.length() - 8192);
            byte[] b = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(b);
            String[] lines = new String(b, java.nio.charset.StandardCharsets.UTF_8).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String l = lines[i].strip();
                if (STEP.matcher(l).matches()) {
                    return l;
                }
            }
            return null;
        }
    }

    /**
     * Runs one model-export command with its output in {@code logFile}, echoing its latest step every
     * {@link #PROGRESS_EVERY_S} s; fails with the log's tail if it fails.
     */
    private static void run(Path repo, String python, List<String> args, Path logFile, PrintStream log, String what)
            throws IOException, InterruptedException {
        Path dir = repo.resolve("model-export");
        List<String> cmd = new ArrayList<>(List.of(python, "-m", "streamrec_model"));
        cmd.addAll(args);
        log.println("evaluate: " + what + ": (cd " + dir + " && " + String.join(" ", cmd) + ") > " + logFile);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(logFile.toFile()).start();
        String shown = null;
        while (!p.waitFor(PROGRESS_EVERY_S, java.util.concurrent.TimeUnit.SECONDS)) {
            String line = lastStep(logFile);
            if (line != null && !line.equals(shown)) {
                log.println("evaluate: " + what + ": " + line);
                shown = line;
            }
        }
        int rc = p.exitValue();
        if (rc != 0) {
            List<String> lines = Files.readAllLines(logFile);
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
            throw new IOException("model-export failed with exit code " + rc + "; last lines of " + logFile + ":\n"
                    + tail);
        }
    }
}
