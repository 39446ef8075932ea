package io.streamrec.lifecycle;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.config.Secrets;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.eval.Baselines;
import io.streamrec.eval.EvalSettings;
import io.streamrec.eval.EvaluateCommand;
import io.streamrec.eval.JobReplay;
import io.streamrec.eval.ModelExport;
import io.streamrec.eval.Protocol;
import io.streamrec.eval.Recommender;
import io.streamrec.eval.Scorer;
import io.streamrec.event.UserEvent;
import io.streamrec.kafka.Topics;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.store.ModelStore;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code streamrec retrain}: one continuous-retraining cycle, for a scheduler. Reads a window of {@code user-events}
 * ({@link EventWindow}), holds back its latest slice, trains a bundle on the rest with model-export ({@link
 * ModelExport}), replays the window through the production job once with the new bundle and once with the serving
 * one ({@link JobReplay}, the same job options for both) and scores both on the held-back slice with the evaluator's
 * {@link Scorer}; publishes the new bundle to the {@link ModelStore} as a variant at a weight ({@link PlanEdits}) only
 * if its MRR@20 is not worse. Exit codes: 0 published (or, with --dry-run, would publish), 1 failure, 2 usage, 3 not
 * published because it is not better enough. See docs/RETRAINING.md.
 */
public final class RetrainCommand implements Command {
    static final Set<String> OPTIONS = Set.of("bootstrap", "topic", "window", "max-events", "events", "holdout",
            "config", "store", "variant", "weight", "min-gain", "version", "work", "repo", "python");
    static final Set<String> FLAGS = Set.of("dry-run", "help");
    /** Exit code of a cycle that kept the serving model. */
    public static final int NOT_PUBLISHED = 3;
    private static final String CANDIDATE = "candidate";
    private static final String SERVING = "serving";

    private final PrintStream out;
    private final PrintStream log;
    private long t0;

    public RetrainCommand() {
        this(System.out, System.err);
    }

    /** @param out the summary line (for the scheduler's log); @param log progress and the comparison */
    public RetrainCommand(PrintStream out, PrintStream log) {
        this.out = out;
        this.log = log;
    }

    @Override
    public String name() {
        return "retrain";
    }

    @Override
    public String summary() {
        return "one retraining cycle: train on recent events, compare offline, publish to the model store if better";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: streamrec retrain (--bootstrap HOST:PORT | --events FILE) --store URI [options]",
                "Trains a bundle on a window of user-events, checks it against the serving bundle on the window's",
                "latest held-back slice (the job replayed offline, HR@20 and MRR@20 as `evaluate` scores them), and",
                "publishes it as a new version and variant only if its MRR@20 is not worse.",
                "  --bootstrap HOST:PORT   read the window from Kafka (--kafka.properties.K V: client settings)",
                "  --topic NAME            the events topic (default " + Topics.EVENTS + ")",
                "  --events FILE           read the window from JSON lines in the topic's format instead",
                "  --window D              records of the last D by record timestamp, e.g. 24h (default 24h unless",
                "                          --max-events is given; for --events FILE: back from its newest event)",
                "  --max-events N          at most the newest N events",
                "  --holdout F             the latest fraction F of the window is held back to compare (default 0.1)",
                "  --store URI             the model store (a folder or any Flink file system URI); its serving",
                "                          plan's largest-weight variant is the bundle to beat",
                "  --variant NAME          publish as this variant (default retrain)",
                "  --weight W              at W % of users; the other variants share 100-W (default 10)",
                "  --min-gain G            publish only if MRR@20 (all) new - serving >= G (default 0.0)",
                "  --version V             the new version's name (default r<UTC yyyyMMdd-HHmmss>)",
                "  --dry-run               compare but never publish (exit 0 if it would publish, 3 if not)",
                "  --config FILE           model-export config (default <repo>/model-export/configs/eval-default.json;",
                "                          its \"evaluation\".\"job\" options apply to both replays)",
                "  --work DIR              keep the window, bundle and logs here (default: a temporary folder,",
                "                          deleted at the end)",
                "  --repo DIR --python PATH   the checkout and Python for model-export (as evaluate)",
                "Exit codes: 0 published, 1 failure, 2 usage, 3 not published (not better by --min-gain).",
                "Prints one summary line on stdout: 'retrain: result=... version=... mrr20_all=NEW/SERVING ...'.");
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv, OPTIONS, FLAGS, Args.Names.of(name(), Map.of())
                .withPrefixes(StreamrecConfig.KAFKA_PROPERTIES));
        t0 = System.nanoTime();
        if (a.has("bootstrap") == a.has("events")) {
            throw new Args.UsageException("give exactly one of --bootstrap HOST:PORT or --events FILE");
        }
        if (!a.has("store")) {
            throw new Args.UsageException("--store URI is required (the model store to compare with and publish to)");
        }
        double holdout = a.getDouble("holdout", 0.1, 1e-9, 1.0);
        int weight = a.getInt("weight", 10, 0);
        if (weight > 100) {
            throw new Args.UsageException("--weight is a percentage in 0..100, got " + weight);
        }
        String variant = a.get("variant", "retrain");
        String version = a.get("version", "r" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC).format(Instant.now()));
        try {
            new Variant(variant, version, weight);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        double minGain = a.getDouble("min-gain", 0.0, -1.0, 1.0000001);
        long maxEvents = a.getLong("max-events", Long.MAX_VALUE, 2);
        Duration window = a.has("window") ? a.getDuration("window", null)
                : a.has("max-events") || a.has("events") ? null : Duration.ofHours(24);
        Path repo = EvaluateCommand.findRepo(a.get("repo", null));
        if (repo == null) {
            throw new Args.UsageException("cannot find the streamrec checkout for model-export: give --repo DIR or "
                    + "set STREAMREC_HOME");
        }
        Path config = a.has("config") ? Path.of(a.get("config", null)).toAbsolutePath()
                : repo.resolve("model-export/configs/eval-default.json");
        if (!Files.isRegularFile(config)) {
            throw new Args.UsageException("--config " + config + " does not exist");
        }
        ModelStore store = new ModelStore(a.get("store", null));
        boolean tempWork = !a.has("work");
        Path work = tempWork ? Files.createTempDirectory("streamrec-retrain-")
                : Files.createDirectories(Path.of(a.get("work", null)).toAbsolutePath());
        try {
            return cycle(a, store, work, config, repo, window, maxEvents, holdout, variant, version, weight, minGain);
        } finally {
            if (tempWork) {
                deleteTree(work);
            }
        }
    }

    private int cycle(Args a, ModelStore store, Path work, Path config, Path repo, Duration window, long maxEvents,
                      double holdout, String variant, String version, int weight, double minGain) throws Exception {
        // 1. the window
        EventWindow.Read read;
        if (a.has("bootstrap")) {
            Map<String, String> props = a.withPrefix(StreamrecConfig.KAFKA_PROPERTIES);
            String topic = a.get("topic", Topics.EVENTS);
            step("reading " + topic + " from " + a.get("bootstrap", null) + (window == null ? "" : ", last "
                    + window.toString().substring(2).toLowerCase(Locale.ROOT))
                    + (maxEvents == Long.MAX_VALUE ? "" : ", newest " + maxEvents + " events")
                    + (props.isEmpty() ? "" : ", client properties " + Secrets.masked(props)));
            read = EventWindow.fromKafka(a.get("bootstrap", null), topic, props, window, maxEvents,
                    work.resolve("window.jsonl"));
        } else {
            step("reading " + a.get("events", null));
            read = EventWindow.fromFile(Path.of(a.get("events", null)), window, maxEvents);
        }
        List<UserEvent> all = read.events();
        step(String.format(Locale.ROOT, "%d events from %s, %d unusable rows %s", all.size(), read.source(),
                read.badRows().values().stream().mapToInt(Integer::intValue).sum(), read.badRows()));
        int testSize = (int) Math.max(1, Math.round(all.size() * holdout));
        if (all.size() - testSize < 100 || testSize < 10) {
            step("not enough events to train and compare (" + all.size() + "); need >= 100 to train, 10 held back");
            summary("failed", "-", variant, 0, all.size(), null, null);
            return 1;
        }
        long cutoff = all.get(all.size() - testSize).ts;
        List<UserEvent> train = all.stream().filter(e -> e.ts < cutoff).toList();
        List<UserEvent> test = all.stream().filter(e -> e.ts >= cutoff).toList();
        if (train.isEmpty()) {
            throw new IOException("every event of the window has the same time: cannot hold back its latest slice");
        }
        step(String.format(Locale.ROOT, "%d events train, %d held back (from %s)", train.size(), test.size(),
                Instant.ofEpochMilli(cutoff)));

        // 2. train and validate
        Path trainFile = work.resolve("train.jsonl");
        EvaluateCommand.writeJsonl(trainFile, train);
        Path bundle = work.resolve("bundle");
        step("training with model-export, config " + config + " (log: " + work.resolve("train.log") + ")");
        try (AutoCloseable ticker = tail(work.resolve("train.log"))) {
            ModelExport.build(repo, a.get("python", "/usr/bin/python3"), config, trainFile, bundle,
                    work.resolve("checkpoint"), work.resolve("train.log"), log);
        }
        BundleLoader.load(bundle.toString()); // the job's full validation: refused bundles never reach the store
        step("trained and validated " + bundle);

        // 3. compare on the held-back slice
        byte[] planBytes = store.readPlanBytes();
        ServingPlan plan = planBytes == null ? null : ServingPlan.parse(planBytes);
        Variant serving = plan == null ? null : largest(plan);
        EvalSettings settings = EvalSettings.load(config);
        List<Recommender> methods = new ArrayList<>();
        methods.add(replay(CANDIDATE, bundle.toString(), settings, train, test, work));
        if (serving != null) {
            methods.add(replay(SERVING, store.versionLocation(serving.version()), settings, train, test, work));
        } else {
            step("the store has no serving plan yet: nothing to compare with, the new bundle serves alone");
        }
        Scorer scorer = new Scorer();
        Protocol.Stats stats = Protocol.run(train, test, methods, scorer);
        step(String.format(Locale.ROOT, "scored %d held-back events (%d with a new next item)", stats.scoredEvents,
                stats.scoredNewItem));
        log.printf(Locale.ROOT, "retrain: %-28s %10s %10s %10s %10s%n", "", "MRR@20", "HR@20", "MRR@20 new",
                "HR@20 new");
        for (Recommender m : methods) {
            Scorer.MethodScores s = scorer.method(m.name());
            String who = m.name().equals(CANDIDATE) ? "new " + version
                    : "serving " + serving.name() + "=" + serving.version();
            log.printf(Locale.ROOT, "retrain: %-28s %10.4f %10.4f %10.4f %10.4f%n", who,
                    s.cell("all", "all").get("MRR@20"), s.cell("all", "all").get("HR@20"),
                    s.cell("new", "all").get("MRR@20"), s.cell("new", "all").get("HR@20"));
        }
        Scorer.MethodScores cand = scorer.method(CANDIDATE);
        Scorer.MethodScores serv = serving == null ? null : scorer.method(SERVING);

        // 4. decide and publish
        double mrrNew = cand.cell("all", "all").get("MRR@20");
        double mrrServing = serv == null ? Double.NaN : serv.cell("all", "all").get("MRR@20");
        if (serv != null && mrrNew - mrrServing < minGain) {
            log.printf(Locale.ROOT, "retrain: not published: MRR@20 %.4f vs serving %.4f, gain %+.4f < --min-gain "
                    + "%.4f; %s keeps serving%n", mrrNew, mrrServing, mrrNew - mrrServing, minGain, plan);
            summary(a.flag("dry-run") ? "dry-run-not-better" : "not-better", version, variant, weight, all.size(),
                    cand, serv);
            return NOT_PUBLISHED;
        }
        if (a.flag("dry-run")) {
            step("dry run: would publish " + version + " as " + variant + " at " + weight + " %");
            summary("dry-run", version, variant, weight, all.size(), cand, serv);
            return 0;
        }
        String note = serv == null ? "retrain " + version + " (first bundle)" : String.format(Locale.ROOT,
                "retrain %s: MRR@20 %.4f vs %.4f (%s=%s) on %d held-back events", version, mrrNew, mrrServing,
                serving.name(), serving.version(), stats.scoredEvents);
        store.upload(bundle, version);
        // the plan read again just before the write: a promotion made while this cycle trained is kept
        byte[] now = store.readPlanBytes();
        ServingPlan next = PlanEdits.withVariant(now == null ? null : ServingPlan.parse(now), variant, version, weight,
                Instant.now().toString(), note);
        store.writePlan(next);
        step("published " + store.versionLocation(version) + "; serving now " + next);
        summary("published", version, variant, weight, all.size(), cand, serv);
        return 0;
    }

    /** Replays the window through the job with one bundle; its lists for the held-back events, as a method. */
    private Recommender replay(String name, String bundle, EvalSettings settings, List<UserEvent> train,
                               List<UserEvent> test, Path work) throws Exception {
        step("replaying " + (train.size() + test.size()) + " events through the job with the " + name + " bundle "
                + bundle);
        Map<String, String> opts = new LinkedHashMap<>(settings.job);
        opts.put(StreamrecOptions.MODEL_PATH.key(), bundle);
        opts.put(StreamrecOptions.MODEL_RELOAD_INTERVAL.key(), "0 s");
        List<UserEvent> events = new ArrayList<>(train);
        events.addAll(test);
        Set<String> keep = new HashSet<>();
        test.forEach(e -> keep.add(e.eventId));
        JobReplay.Result r = JobReplay.run(StreamrecConfig.fromMap(opts), events, keep, work, log);
        return new Baselines.Fixed(name, r.lists, r.discoverLists.isEmpty() ? null : r.discoverLists);
    }

    /** The variant with the largest weight (the first of equals): the one most users see. */
    static Variant largest(ServingPlan plan) {
        Variant best = plan.variants().get(0);
        for (Variant v : plan.variants()) {
            if (v.weight() > best.weight()) {
                best = v;
            }
        }
        return best;
    }

    /** Every 30 s while model-export trains: the elapsed time and the last line of its log. */
    private AutoCloseable tail(Path trainLog) {
        var ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retrain-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                List<String> lines = Files.readAllLines(trainLog);
                step("training: " + (lines.isEmpty() ? "starting" : lines.get(lines.size() - 1).strip()));
            } catch (IOException | RuntimeException e) {
                step("training");
            }
        }, 30, 30, java.util.concurrent.TimeUnit.SECONDS);
        return ticker::shutdownNow;
    }

    private void step(String msg) {
        log.printf(Locale.ROOT, "retrain: [%6.1f s] %s%n", (System.nanoTime() - t0) / 1e9, msg);
    }

    /** One line a scheduler can log and grep: result, version and both sides' metrics (NEW/SERVING). */
    private void summary(String result, String version, String variant, int weight, int events,
                         Scorer.MethodScores cand, Scorer.MethodScores serv) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "retrain: result=%s version=%s variant=%s weight=%d events=%d", result, version, variant, weight,
                events));
        for (String[] m : new String[][] {{"all", "MRR@20", "mrr20_all"}, {"all", "HR@20", "hr20_all"},
                {"new", "MRR@20", "mrr20_new"}, {"new", "HR@20", "hr20_new"}}) {
            sb.append(' ').append(m[2]).append('=').append(metric(cand, m)).append('/').append(metric(serv, m));
        }
        sb.append(String.format(Locale.ROOT, " seconds=%.0f", (System.nanoTime() - t0) / 1e9));
        out.println(sb);
    }

    private static String metric(Scorer.MethodScores s, String[] m) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.4f", s.cell(m[0], "all").get(m[1]));
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
