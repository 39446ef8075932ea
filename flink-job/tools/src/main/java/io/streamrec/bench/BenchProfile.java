package io.streamrec.bench;

import io.streamrec.cli.Args;
import io.streamrec.eval.EvalSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job configuration a bench run measures ({@code --config}): {@code default}, the job's own defaults (every
 * candidate source as the job ships it, no option set), or {@code evaluated}, the job options that
 * {@code streamrec evaluate}'s quality figures come from: the {@code evaluation.job} section of
 * model-export/configs/eval-default.json, read with the evaluator's own {@link EvalSettings}. A profile only sets job
 * options; the bundle is {@code --bundle} (the evaluated figures come from a bundle trained with the same file).
 */
final class BenchProfile {
    static final String EVAL_CONFIG = "model-export/configs/eval-default.json";

    final String name;
    /** Job options the profile sets (empty for {@code default}). */
    final Map<String, String> jobOptions;
    /** Where the options come from, for the report. */
    final String source;

    private BenchProfile(String name, Map<String, String> jobOptions, String source) {
        this.name = name;
        this.jobOptions = jobOptions;
        this.source = source;
    }

    /** The profile {@code name}; {@code evalConfig}: evaluated's file (null: found in the checkout). */
    static BenchProfile of(String name, String evalConfig) throws java.io.IOException {
        switch (name) {
            case "default":
                return new BenchProfile(name, Map.of(), "the job's defaults");
            case "evaluated":
                Path file = evalConfig != null ? Path.of(evalConfig) : findEvalConfig();
                if (file == null || !Files.isRegularFile(file)) {
                    throw new Args.UsageException("--config evaluated needs " + EVAL_CONFIG + ": run from the "
                            + "checkout, set STREAMREC_HOME, or give --eval-config FILE");
                }
                return new BenchProfile(name, new LinkedHashMap<>(EvalSettings.load(file).job),
                        "evaluation.job of " + file);
            default:
                throw new Args.UsageException("--config takes default or evaluated, got '" + name + "'");
        }
    }

    /**
     * eval-default.json as {@code streamrec evaluate} finds it: under $STREAMREC_HOME, else under the first ancestor
     * of this jar (or classes directory) that has it. (EvaluateCommand's own lookup is package-private.)
     */
    static Path findEvalConfig() {
        String env = System.getenv("STREAMREC_HOME");
        if (env != null && !env.isBlank() && Files.isRegularFile(Path.of(env, EVAL_CONFIG))) {
            return Path.of(env, EVAL_CONFIG);
        }
        try {
            Path p = Path.of(BenchProfile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path d = p; d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve(EVAL_CONFIG))) {
                    return d.resolve(EVAL_CONFIG);
                }
            }
        } catch (Exception ignored) {
            // no code source
        }
        Path cwd = Path.of(EVAL_CONFIG).toAbsolutePath();
        return Files.isRegularFile(cwd) ? cwd : null;
    }
}
