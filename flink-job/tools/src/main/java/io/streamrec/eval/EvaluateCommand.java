package io.streamrec.eval;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.UserEvent;
import io.streamrec.event.UserEventJson;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.World;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code streamrec evaluate}: offline evaluation of the deployed pipeline. Reads a training and a test log (or one log
 * and a time-split fraction), trains a bundle with model-export (or takes {@code --model.path}), replays the training part
 * then the test part through the production job ({@link JobReplay}), scores the emitted lists and the baselines with
 * one {@link Scorer} ({@link Protocol}), and writes report.md, metrics.json and chart.png to {@code --out}.
 * See docs/EVALUATION.md.
 */
public final class EvaluateCommand implements Command {
    static final Set<String> OPTIONS = Set.of("train", "test", "log", "split", "format", "model.path", "out", "config",
            "repo", "python", "job-options", "oracle-seed", "oracle-users", "oracle-items", "oracle-categories",
            "max-events", "dump-lists", "tune-fraction");
    static final Set<String> FLAGS = Set.of("help", "oracle", "tune", "no-neural-baseline");
    /** The bundle evaluated is the model the job serves: the job's {@code model.path}; the older name still works. */
    static final Map<String, String> ALIASES = Map.of("bundle", "model.path");

    private final PrintStream log;

    public EvaluateCommand() {
        this(System.err);
    }

    public EvaluateCommand(PrintStream log) {
        this.log = log;
    }

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "offline evaluation: replay an event log through the job, score it against baselines";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: streamrec evaluate (--train FILE --test FILE | --log FILE --split F) --out DIR [options]",
                "Replays the training part (to build user state) and then the test part through the production job,",
                "scores the list emitted after every test event against the same user's next item (full catalogue,",
                "no sampled negatives), with baselines, and writes report.md, metrics.json and chart.png to DIR.",
                "  --train FILE --test FILE  training and test logs",
                "  --log FILE --split F      one log, split by time: the first fraction F of events (0<F<1) trains",
                "  --format FMT              jsonl | csv | taobao | diginetica | auto (default auto: what the first",
                "                            line shows, else what the file name suggests). A log that is not JSON",
                "                            lines is converted by model-export first (DIR/<file name>.jsonl)",
                "  --model.path DIR          use this model bundle (a directory, .zip or classpath:default); without",
                "                            it a bundle is trained on the training part with model-export",
                "                            (--bundle is its deprecated alias)",
                "  --config FILE             JSON hyper-parameters: the trainer's keys plus an \"evaluation\" section",
                "                            (default <repo>/model-export/configs/eval-default.json)",
                "  --repo DIR                the streamrec checkout (default $STREAMREC_HOME, else found from the jar)",
                "  --python PATH             Python with torch and onnx for training and converting (default",
                "                            /usr/bin/python3)",
                "  --job-options K=V,K=V     job options for the replay, e.g. recs.filter-purchased=false",
                "  --max-events N            use only the first N events of the (time-ordered) log(s)",
                "  --dump-lists FILE         also write every scored event's lists (JSON lines, top 100 per method)",
                "  --tune                    choose the session-kNN baselines' parameters (vsknn, stan) on a",
                "                            validation split of the training part (best MRR@20, protocol all),",
                "                            write DIR/tune.json, then score the test part once with them",
                "  --tune-fraction F         the validation split: the last F of training events (default 0.1)",
                "  --no-neural-baseline      skip the gru4rec baseline (GRU4Rec trained offline by model-export on",
                "                            the training part, run with ONNX Runtime; knobs: the config's",
                "                            evaluation.gru4rec, e.g. epochs, time_budget_s, dim, max_len)",
                "  --oracle                  the log comes from the simulator: also score the world's oracle",
                "  --oracle-seed S --oracle-users U --oracle-items I --oracle-categories C",
                "                            the simulate options the log was generated with (defaults as simulate)");
    }

    public static void main(String[] args) throws Exception {
        EvaluateCommand c = new EvaluateCommand();
        try {
            System.exit(c.run(args));
        } catch (Args.UsageException e) {
            System.err.println("streamrec evaluate: " + e.getMessage());
            System.err.println(c.usage());
            System.exit(2);
        }
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv, OPTIONS, FLAGS, Args.Names.of(name(), ALIASES)); // --help is answered by Main
        boolean twoFiles = a.has("train") || a.has("test");
        if (twoFiles == a.has("log")) {
            throw new Args.UsageException("give either --train FILE --test FILE or --log FILE --split F");
        }
        if (twoFiles && !(a.has("train") && a.has("test"))) {
            throw new Args.UsageException("--train and --test go together");
        }
        if (a.has("log") && !a.has("split")) {
            throw new Args.UsageException("--log needs --split F (the training fraction, e.g. 0.8)");
        }
        if (!a.has("out")) {
            throw new Args.UsageException("--out DIR is required");
        }
        Path out = Path.of(a.get("out", null)).toAbsolutePath();
        Files.createDirectories(out);
        String format = a.get("format", "auto");
        long t0 = System.nanoTime();

        Path repo = findRepo(a.get("repo", null));
        Path configFile = a.has("config") ? Path.of(a.get("config", null)).toAbsolutePath()
                : repo == null ? null : repo.resolve("model-export/configs/eval-default.json");
        if (configFile != null && !Files.isRegularFile(configFile)) {
            if (a.has("config")) {
                throw new Args.UsageException("--config " + configFile + " does not exist");
            }
            configFile = null;
        }
        EvalSettings settings = EvalSettings.load(configFile);
        if (configFile != null) {
            // the exact hyper-parameters of this run, next to its report
            Files.copy(configFile, out.resolve("config.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        // 1. data: raw formats become JSON lines with model-export's convert, in the output directory
        String python = a.get("python", "/usr/bin/python3");
        EventLogReader.Converter converter = repo == null ? null : new EventLogReader.Converter(repo, python, out, log);
        Report.Data data = new Report.Data();
        List<UserEvent> train;
        List<UserEvent> test;
        long maxEvents = a.getLong("max-events", Long.MAX_VALUE, 2);
        if (a.has("log")) {
            double split = a.getDouble("split", 0.8, Double.MIN_VALUE, 1.0);
            EventLogReader.EventLog l = EventLogReader.read(Path.of(a.get("log", null)), format, "r", converter);
            List<UserEvent> all = cap(l.events(), maxEvents);
            log.printf(Locale.ROOT, "evaluate: read %d events from %s (%s), %d bad rows %s%n", l.events().size(),
                    l.source(), l.format(), l.bad(), l.badRows());
            data.sources.add(describe(l));
            TimeSplit ts = TimeSplit.of(all, split);
            train = ts.before();
            test = ts.after();
            data.split = String.format(Locale.ROOT, "time split of one log: first %.3f of events train "
                    + "(cutoff ts %d = %s)", split, ts.cutoff(), java.time.Instant.ofEpochMilli(ts.cutoff()));
        } else {
            EventLogReader.EventLog lt =
                    EventLogReader.read(Path.of(a.get("train", null)), format, "train-", converter);
            EventLogReader.EventLog ls = EventLogReader.read(Path.of(a.get("test", null)), format, "test-", converter);
            data.sources.add(describe(lt));
            data.sources.add(describe(ls));
            train = cap(lt.events(), maxEvents);
            test = cap(ls.events(), maxEvents);
            data.split = "separate training and test logs (replayed training first, then test)";
        }
        if (train.isEmpty() || test.isEmpty()) {
            throw new Args.UsageException("the training and the test part must both contain events");
        }
        log.printf(Locale.ROOT, "evaluate: %d training events, %d test events%n", train.size(), test.size());

        // 2. the job's options, checked before any training; then the early scoring pass starts (ScoringPasses)
        Map<String, String> jobOptions = new LinkedHashMap<>(settings.job);
        for (String kv : a.get("job-options", "").split(",")) {
            if (kv.isBlank()) {
                continue;
            }
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new Args.UsageException("--job-options takes key=value pairs separated by commas, got '"
                        + kv + "'");
            }
            jobOptions.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        var conf = StreamrecConfig.fromMap(jobOptions);
        if (conf.get(StreamrecOptions.TOP_K) < Protocol.K) {
            throw new Args.UsageException("recs.top-k must be >= " + Protocol.K + " for HR@20/MRR@20/NDCG@20");
        }
        boolean purchaseFilter = conf.get(StreamrecOptions.FILTER_PURCHASED);
        int purchasedMax = conf.get(StreamrecOptions.PURCHASED_MAX);
        java.util.function.UnaryOperator<Recommender> shopRules = // the job's purchased-item filter, for every method
                b -> purchaseFilter ? new Baselines.PurchaseFiltered(b, purchasedMax) : b;
        if (a.has("tune-fraction") && !a.flag("tune")) {
            throw new Args.UsageException("--tune-fraction goes with --tune");
        }
        double tuneFraction = !a.flag("tune") ? 0
                : a.getDouble("tune-fraction", Tuning.DEFAULT_FRACTION, Double.MIN_VALUE, 1.0);
        Oracle oracle = null;
        if (a.flag("oracle")) {
            SimConfig sc = SimConfig.defaults()
                    .seed(a.getLong("oracle-seed", SimConfig.DEFAULT_SEED, Long.MIN_VALUE))
                    .users(a.getInt("oracle-users", SimConfig.DEFAULT_USERS, 1))
                    .items(a.getInt("oracle-items", SimConfig.DEFAULT_ITEMS, 1))
                    .categories(a.getInt("oracle-categories", SimConfig.DEFAULT_CATEGORIES, 1));
            oracle = new Oracle(new World(sc));
            data.oracle = sc.toString();
        }
        long gapS = settings.sessionGapS; // read before the early pass owns (and --tune changes) the settings
        Map<String, Object> gruParams = new LinkedHashMap<>(settings.gru4rec);
        var early = ScoringPasses.startEarly(train, test, settings, tuneFraction, out.resolve("tune.json"), shopRules,
                oracle, a.has("dump-lists"), log);

        // 3. bundle, and the neural baseline, both trained on the training part only
        Path trainFile = out.resolve("train.jsonl");
        boolean neural = !a.flag("no-neural-baseline");
        if (neural && repo == null) {
            log.println("evaluate: no streamrec checkout to train gru4rec with (--repo, STREAMREC_HOME): skipping it");
            neural = false;
        }
        if (neural || !a.has("model.path")) {
            writeJsonl(trainFile, train);
        }
        String bundlePath;
        if (a.has("model.path")) {
            bundlePath = a.get("model.path", null);
            data.bundleOrigin = "given with --model.path";
        } else {
            if (repo == null) {
                throw new Args.UsageException("cannot find the streamrec checkout to train with model-export: "
                        + "give --repo DIR, set STREAMREC_HOME, or pass --model.path DIR");
            }
            Path bundleDir = out.resolve("bundle");
            ModelExport.build(repo, python, configFile, trainFile, bundleDir,
                    out.resolve("checkpoint"), out.resolve("train.log"), log);
            bundlePath = bundleDir.toString();
            data.bundleOrigin = "trained by model-export on the training part (train.jsonl; log in train.log)";
        }
        Path gruDir = out.resolve("gru4rec");
        double gruSeconds = !neural ? 0
                : ModelExport.gru4rec(repo, python, trainFile, gruDir, gapS, gruParams, out.resolve("gru4rec.log"), log);
        ModelBundle bundle = BundleLoader.load(bundlePath);
        data.bundle = bundlePath;
        data.modelVersion = bundle.modelVersion();

        // 4. the job
        jobOptions.put(StreamrecOptions.MODEL_PATH.key(), bundlePath);
        jobOptions.putIfAbsent(StreamrecOptions.MODEL_RELOAD_INTERVAL.key(), "0 s");
        conf = StreamrecConfig.fromMap(jobOptions);
        List<UserEvent> replay = new ArrayList<>(train.size() + test.size());
        replay.addAll(train);
        replay.addAll(test);
        Set<String> keep = new HashSet<>();
        for (UserEvent e : test) {
            keep.add(e.eventId);
        }
        JobReplay.Result job = JobReplay.run(conf, replay, keep, out, log);
        Files.deleteIfExists(out.resolve("replay.input"));
        Files.deleteIfExists(out.resolve("replay.input.items"));

        // 5. the late scoring pass, merged with the early one
        long ts0 = System.nanoTime();
        ScoringPasses.Scored scored;
        if (a.has("dump-lists")) {
            try (var dump = Files.newBufferedWriter(Path.of(a.get("dump-lists", null)))) {
                scored = ScoringPasses.late(early, train, test, job, bundle, neural ? gruDir : null, settings,
                        shopRules, dump, log);
            }
        } else {
            scored = ScoringPasses.late(early, train, test, job, bundle, neural ? gruDir : null, settings, shopRules,
                    null, log);
        }
        Protocol.Stats stats = scored.stats();
        Scorer scorer = scored.scorer();
        data.tuning = scored.tuned();
        if (scored.gru4rec() != null) {
            data.gru4rec = String.format(Locale.ROOT, "trained by model-export baseline-gru4rec on the training "
                    + "part in %.0f s (gru4rec/, log in gru4rec.log); %s", gruSeconds, scored.gru4rec());
        }
        log.printf(Locale.ROOT, "evaluate: scored %d test events (%d with a new next item) for %d methods; the late "
                + "pass took %.1f s%n", stats.scoredEvents, stats.scoredNewItem, scorer.methods().size(),
                (System.nanoTime() - ts0) / 1e9);
        scored.seconds().forEach((m, sec) -> { // shared state (popular, repeat, session index) counts where first fed
            data.methodSeconds.put(m, sec);
            log.printf(Locale.ROOT, "evaluate: %s took %.2f s (observe + lists, one pass)%n", m, sec);
        });
        long noList = 0;
        for (UserEvent e : test) {
            if (!job.lists.containsKey(e.eventId)) {
                noList++;
            }
        }
        data.testEventsWithoutList = noList;

        // 6. report
        data.seconds = (System.nanoTime() - t0) / 1e9;
        data.configFile = configFile == null ? "(built-in defaults)" : configFile.toString();
        data.command = String.join(" ", argv);
        Report.write(out, data, stats, job, scorer, settings, jobOptions);
        log.printf(Locale.ROOT, "evaluate: report in %s (report.md, metrics.json, chart.png)%n", out);
        return 0;
    }

    /** A log cut by time: events before {@code cutoff} (the ts at the {@code fraction} quantile) and the rest. */
    record TimeSplit(List<UserEvent> before, List<UserEvent> after, long cutoff) {
        static TimeSplit of(List<UserEvent> all, double fraction) {
            int k = (int) Math.min(Math.max((long) (all.size() * fraction), 1), all.size() - 1);
            long cutoff = all.stream().mapToLong(e -> e.ts).sorted().skip(k).findFirst().orElseThrow();
            return new TimeSplit(all.stream().filter(e -> e.ts < cutoff).toList(),
                    all.stream().filter(e -> e.ts >= cutoff).toList(), cutoff);
        }
    }

    private static List<UserEvent> cap(List<UserEvent> l, long max) {
        return l.size() <= max ? l : l.subList(0, (int) max);
    }

    private static String describe(EventLogReader.EventLog l) {
        return String.format(Locale.ROOT, "%s (format %s): %d events read, %d bad rows %s", l.source(), l.format(),
                l.events().size(), l.bad(), l.badRows());
    }

    public static void writeJsonl(Path file, List<UserEvent> events) throws IOException {
        try (var os = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (UserEvent e : events) {
                os.write(UserEventJson.toJsonBytes(e));
                os.write('\n');
            }
        }
    }

    /**
     * The streamrec checkout: {@code --repo}, else {@code $STREAMREC_HOME}, else the first ancestor of the jar (or
     * classes directory) that has {@code model-export/streamrec_model}; null if none.
     */
    public static Path findRepo(String option) {
        if (option != null) {
            return Path.of(option).toAbsolutePath();
        }
        String env = System.getenv("STREAMREC_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        try {
            Path p = Path.of(EvaluateCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path d = p; d != null; d = d.getParent()) {
                if (Files.isDirectory(d.resolve("model-export/streamrec_model"))) {
                    return d;
                }
            }
        } catch (Exception ignored) {
            // no code source: fall through
        }
        return null;
    }
}
