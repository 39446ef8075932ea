package io.streamrec.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.job.JobSettings;
import io.streamrec.event.UserEvent;
import io.streamrec.cluster.StandaloneCluster;
import io.streamrec.kafka.KafkaServerProcess;
import io.streamrec.kafka.Topics;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code streamrec bench}: the raw model (ONNX Runtime alone) and the whole pipeline measured in the same run and like
 * for like (same bundle, candidates, history and micro-batch), so the ratio pipeline ÷ model is meaningful on a shared
 * machine; latency clocked from the scheduled send. See docs/BENCHMARKS.md.
 * The run plans are {@link BenchPlan}, the figures {@link BenchReport}.
 */
public final class BenchCommand implements Command {
    private final PrintStream out;

    public BenchCommand() {
        this(System.out);
    }

    public BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "throughput and latency benchmarks (raw model vs pipeline, retrieval, state, checkpoints)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: streamrec bench [--quick | --smoke] [--config default|evaluated] [--json FILE] [options]",
                "",
                "Measures, in one run, the job in the configuration users run (--config): (1) the raw model like for",
                "like: OnnxRanker alone on the same bundle, K = the pipeline's mean candidates per event, the job's",
                "ranker.batch-size, full histories, one thread; (2) the whole job draining a pre-loaded topic at",
                "parallelism 1 and 2, with CPU per event split into model, operator and rest; (3) latency from each",
                "event's scheduled send time (load generator in a JVM of its own) at 25/50/75% of the measured",
                "max, repeated runs; (4) retrieval over 10k/100k/1M synthetic items (d=32); (5) state bytes per user",
                "and the checkpoint duration with many users in RocksDB. Prints a table; --json writes the figures.",
                "--quick runs the same sections and method, shorter.",
                "",
                "  --quick                 the same as the full run, shorter (about 5 minutes)",
                "  --smoke                 tiny sizes, same code paths (tests; figures meaningless)",
                "  --config NAME           default: the job's defaults (every candidate source on); evaluated: the",
                "                          job options of evaluate's quality figures (eval-default.json's",
                "                          evaluation.job); default: default",
                "  --eval-config FILE      where eval-default.json is (default: found in the checkout)",
                "  --bundle PATH           model bundle (default classpath:default; same as --model.path)",
                "  --users N               simulated users of the pipeline and latency traffic (default 1000000,",
                "                          quick 100000)",
                "  --items N               items of the simulated catalogue (default 2000, the default bundle's",
                "                          world; a bundle trained on `simulate --items N` traffic needs the same N)",
                "  --json FILE             also write the results as JSON",
                "  --plot FILE             write latency against load as a PNG",
                "  --kafka.bootstrap-servers H:P  use this broker (e.g. `streamrec kafka`) instead of starting one in a JVM of its own",
                "  --job-conf 'k=v;k=v'    extra job/Flink options for the pipeline runs (over the --config profile)",
                "  --sections LIST         raw,retrieval,state,pipeline,latency,checkpoint (default: all)",
                "  --events N              events pre-loaded for the throughput runs",
                "  --warmup-events N       events of the unmeasured warm-up drain before them (default: as many as",
                "                          --events in full mode, 60000 in quick mode)",
                "  --latency-runs N        runs per rate, each a fresh job and load generator (default 5, quick 1)",
                "  --latency-seconds S     seconds per offered rate (default 120, quick 20)",
                "  --latency-rates LIST    fractions of the max drain rate (default 0.25,0.5,0.75)",
                "  --producer-linger-ms N  linger.ms of the latency load generator (default 1; inside the latency)",
                "  --send-tick-us N        the load generator wakes at most every N µs and sends what is due",
                "                          (default 1000; 0 wakes once per event); the wait is inside the latency",
                "  --latency-parallelism P job parallelism for the latency runs (default 1)",
                "  --job-jvm               run the latency job in a JVM of its own, as a TaskManager would",
                "  --latency-trace FILE    write every measured event's scheduled, broker-append and emit times and",
                "                          its latency as CSV",
                "  --checkpoint-users N    users written before the timed checkpoint (default 1000000, quick 100000)",
                "  --max-rate R            events/s the latency fractions refer to when the pipeline section",
                "                          is skipped (default: the p=1 drain rate measured in the same run)",
                "  --kafka.properties.K V  Kafka client setting K (SASL/TLS, ...) for every client of the broker given",
                "                          with --kafka.bootstrap-servers: the bench's and the jobs' it starts",
                "  --replot JSON           only redraw --plot from the latency_sweep of an earlier --json file",
                "  (aliases: --model.path and --model for --bundle, --bootstrap-servers)");
    }

    /** The job's option names are canonical; these older names of the same settings still work. */
    static final Map<String, String> ALIASES = Map.of("bootstrap-servers", "kafka.bootstrap-servers",
            "model", "model.path", "bundle", "model.path");


    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv,
                Set.of("json", "plot", "kafka.bootstrap-servers", "job-conf", "sections", "events", "warmup-events",
                        "producer-linger-ms", "send-tick-us", "latency-seconds", "latency-rates", "latency-parallelism",
                        "checkpoint-users", "model.path", "max-rate", "replot", "latency-trace", "config",
                        "eval-config", "users", "latency-runs", "items"),
                Set.of("quick", "smoke", "help", "job-jvm"),
                Args.Names.of(name(), ALIASES).withPrefixes(StreamrecConfig.KAFKA_PROPERTIES));
        if (a.flag("help")) {
            out.println(usage());
            return 0;
        }
        if (a.flag("quick") && a.flag("smoke")) {
            throw new Args.UsageException("--quick and --smoke exclude each other");
        }
        if (a.has("replot")) {
            if (!a.has("plot")) {
                throw new Args.UsageException("--replot needs --plot FILE.png");
            }
            com.fasterxml.jackson.databind.JsonNode j = PipelineBench.MAPPER.readTree(
                    Path.of(a.get("replot", "")).toFile());
            List<LatencyPoint> pts = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode p : j.path("latency_sweep")) {
                pts.add(LatencyPoint.fromJson(p));
            }
            LatencyPlot.write(new File(a.get("plot", "")), pts, j.path("latency_ms").path("max_rate_events_per_s")
                    .asDouble(), String.format(Locale.ROOT, "streamrec: event→recommendation latency vs load (%s, %s)",
                    j.path("mode").asText(), j.path("date").asText().substring(0, 10)));
            out.println("plot written to " + a.get("plot", ""));
            return 0;
        }
        BenchPlan plan = BenchPlan.of(a.flag("smoke") ? "smoke" : a.flag("quick") ? "quick" : "full");
        if (a.has("sections")) {
            plan.sections = Set.of(a.get("sections", "").split(","));
        }
        plan.events = a.getInt("events", plan.events, 10);
        plan.config = a.get("config", plan.config);
        plan.users = a.getInt("users", plan.users, 1);
        BenchTraffic.items = a.getInt("items", io.streamrec.sim.SimConfig.DEFAULT_ITEMS, 1);
        plan.latencyRuns = a.getInt("latency-runs", plan.latencyRuns, 1);
        plan.producerLingerMs = a.getInt("producer-linger-ms", plan.producerLingerMs, 0);
        plan.sendTickUs = a.getInt("send-tick-us", plan.sendTickUs, 0);
        // a drain stops after N lists, so the warm-up can use at most the pre-loaded events
        plan.warmupEvents = Math.min(plan.events, a.getInt("warmup-events", plan.warmupEvents, 0));
        plan.latencySeconds = a.getDouble("latency-seconds", plan.latencySeconds, 0.5, 3600);
        plan.jobInOwnJvm = a.flag("job-jvm");
        plan.latencyTrace = a.has("latency-trace") ? java.nio.file.Path.of(a.get("latency-trace", "")) : null;
        plan.latencyParallelism = a.getInt("latency-parallelism", plan.latencyParallelism, 1);
        plan.checkpointUsers = a.getInt("checkpoint-users", plan.checkpointUsers == 0 ? 1_000_000
                : plan.checkpointUsers, 1);
        if (!plan.config.equals("default") && !plan.config.equals("evaluated")) {
            throw new Args.UsageException("--config takes default or evaluated, got '" + plan.config + "'");
        }
        if (a.has("latency-rates")) {
            String[] parts = a.get("latency-rates", "").split(",");
            plan.latencyFractions = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    plan.latencyFractions[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new Args.UsageException("option --latency-rates needs numbers, got '" + parts[i] + "'");
                }
            }
        }
        Map<String, String> jobConf = a.getPairs("job-conf");
        plan.maxRate = a.getDouble("max-rate", 0, 0, 1e9);
        Map<String, String> kafkaProperties = a.withPrefix(StreamrecConfig.KAFKA_PROPERTIES);
        if (!kafkaProperties.isEmpty() && !a.has("kafka.bootstrap-servers")) {
            throw new Args.UsageException("options --" + StreamrecConfig.KAFKA_PROPERTIES
                    + "* need --kafka.bootstrap-servers (the broker the bench starts takes none)");
        }
        plan.kafkaProperties = kafkaProperties;
        BenchReport r = execute(plan, a.get("model.path", "classpath:default"), a.get("kafka.bootstrap-servers", null),
                jobConf, a.has("plot") ? new File(a.get("plot", "")) : null, a.get("eval-config", null));
        out.println();
        out.print(r.table());
        if (a.has("json")) {
            Path f = Path.of(a.get("json", ""));
            if (f.toAbsolutePath().getParent() != null) {
                Files.createDirectories(f.toAbsolutePath().getParent());
            }
            Files.writeString(f, PipelineBench.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(r.json) + "\n");
            out.println("JSON written to " + f);
        }
        return 0;
    }

    BenchReport execute(BenchPlan plan, String modelPath, String bootstrap, Map<String, String> jobConf, File plot)
            throws Exception {
        return execute(plan, modelPath, bootstrap, jobConf, plot, null);
    }

    BenchReport execute(BenchPlan plan, String modelPath, String bootstrap, Map<String, String> jobConf, File plot,
                        String evalConfig) throws Exception {
        BenchReport r = new BenchReport(plan, out);
        // the measured configuration: the profile's job options and the bundle, then the user's --job-conf
        BenchProfile profile = BenchProfile.of(plan.config, evalConfig);
        Map<String, String> profileConf = new LinkedHashMap<>(profile.jobOptions);
        profileConf.put(StreamrecOptions.MODEL_PATH.key(), modelPath);
        Map<String, String> effective = new LinkedHashMap<>(profileConf);
        effective.putAll(jobConf);
        JobSettings job = JobSettings.from(StreamrecConfig.fromMap(effective));
        r.jobBatchSize = job.rankerBatchSize; // the job's option (its default unless --job-conf sets it)
        ModelBundle bundle = BundleLoader.load(modelPath);
        r.machine(bundle, jobConf, bootstrap);
        r.profile(profile, modelPath, bundle);
        out.printf("streamrec bench (%s, config %s) — %s%n", plan.mode, plan.config,
                r.json.path("machine").path("summary").asText());
        int kOffline = 100;
        if (plan.sections.contains("raw") || plan.sections.contains("pipeline")) {
            // the candidates per event on the pipeline's traffic, replayed offline: the raw model's K unless the
            // pipeline section measures the job's own (its candidatesScored counter), which also counts online
            // co-visitation and is then used instead
            List<UserEvent> sample = BenchTraffic.events(3L, plan.users, Math.min(plan.events, 50_000));
            double mean = BenchTraffic.meanCandidates(bundle, sample, job, 5000);
            r.meanCandidates(mean);
            kOffline = Math.max(1, (int) Math.round(mean));
        }
        if (!plan.sections.contains("pipeline")) {
            rawSection(plan, r, bundle, kOffline);
        }
        if (plan.sections.contains("retrieval")) {
            out.println("[4] retrieval: exact top-100 by inner product, d=32");
            for (int n : plan.retrievalSizes) {
                r.retrieval(RetrievalBench.run(n, 32, 100, plan.retrievalQueries, 11L));
            }
            for (int[] ivf : plan.ivf) {
                r.ivf(RetrievalBench.runIvf(ivf[0], 32, 100, plan.retrievalQueries, ivf[1], ivf[2], 13L));
            }
            // the bundle's own embeddings with the job's queries: the recall candidates.ivf-min-items trades away
            List<UserEvent> traffic = BenchTraffic.events(3L, plan.users, Math.min(plan.events, 200_000));
            RetrievalBench.IvfResult onBundle =
                    RetrievalBench.runIvfOnBundle(bundle, traffic, 100, plan.retrievalQueries, job.ivfProbe);
            if (onBundle != null) {
                r.ivf(onBundle);
            } else {
                out.println("    IVF on the bundle's embeddings: skipped, no simulated event names one of its items"
                        + " (--items must match the bundle's world)");
            }
        }
        if (plan.sections.contains("state")) {
            out.println("[5] state bytes per user (Flink serializer of UserState)");
            r.state(StateBench.run(bundle, plan.stateUsers, plan.stateEvents, 5L));
            r.stateVariant("dedup_window_64", StateBench.run(bundle, plan.stateUsers, plan.stateEvents, 5L, 64));
        }
        boolean needKafka = plan.sections.contains("pipeline") || plan.sections.contains("latency")
                || plan.sections.contains("checkpoint");
        KafkaServerProcess kafka = null;
        Path kafkaDir = null;
        PipelineBench pb = null;
        try {
            if (needKafka && bootstrap == null) {
                // In a JVM of its own, as a user's broker is: sharing the job's JVM, each of the job's collections
                // stalled the broker too, and each of the broker's stalled the job.
                kafkaDir = Files.createTempDirectory("streamrec-bench-kafka");
                kafka = new KafkaServerProcess(kafkaDir, StandaloneCluster.freePort(), StandaloneCluster.freePort(),
                        "localhost", KafkaServerProcess.defaultJvmOptions("1g", List.of()), kafkaDir.resolve("kafka.log"));
                long ms = kafka.start();
                bootstrap = kafka.bootstrapServers();
                out.printf("    KRaft broker in its own JVM at %s (%d ms; log %s)%n", bootstrap, ms,
                        kafkaDir.resolve("kafka.log"));
            }
            pb = needKafka ? new PipelineBench(bootstrap, jobConf, plan.kafkaProperties, out) : null;
            if (pb != null) {
                pb.producerLingerMs = plan.producerLingerMs;
                pb.sendTickUs = plan.sendTickUs;
                pb.jobInOwnJvm = plan.jobInOwnJvm;
                pb.latencyTrace = plan.latencyTrace;
                pb.profileConf = profileConf;
            }
            double maxRate = 0;
            if (plan.sections.contains("pipeline")) {
                out.printf("[2] pipeline: %d pre-loaded events of %d users, drained by a fresh job%n", plan.events,
                        plan.users);
                Topics.Names names = pb.names("tput");
                pb.preload(names, plan.events, 3L, plan.users);
                Duration timeout = Duration.ofSeconds(60 + plan.events / 20);
                if (!plan.mode.equals("smoke") && plan.warmupEvents > 0) {
                    // A first, unmeasured drain: without it the measured one pays the JIT compilation of Flink, Kafka
                    // and the job (measured: ~150 µs of compile time per event in a 30k-event drain), which a
                    // long-running job pays once. After a 20k-event warm-up the next 200k-event drain still spent
                    // ~40 CPU-µs per event compiling; after a 200k-event warm-up, 8 (docs/BENCHMARKS.md).
                    Drain w = pb.drain(names, plan.warmupEvents, 1, timeout);
                    out.printf("    warm-up drain (not measured): %.0f events/s%n", w.eventsPerSecond);
                }
                for (int p : new int[]{1, 2}) {
                    Drain d = pb.drain(names, plan.events, p, timeout);
                    out.printf("    p=%d: %.0f events/s (%d lists in %.2f s; after the first 20%%: %.0f/s)%n", p,
                            d.eventsPerSecond, d.outputs, d.seconds, d.steadyEventsPerSecond);
                    r.drain(d);
                    if (p == plan.latencyParallelism) {
                        maxRate = d.eventsPerSecond;
                    }
                }
                maxRate = maxRate > 0 ? maxRate : r.bestDrain();
                if (plan.sections.contains("raw")) {
                    double waited = Drain.awaitQuiet(plan.mode.equals("smoke") ? 2 : 90);
                    r.json.put("raw_model_waited_for_quiet_s", Stats.round(waited, 1));
                    out.printf("    waited %.1f s for the machine to go quiet before the raw model%n", waited);
                }
                rawSection(plan, r, bundle, r.measuredCandidates(kOffline));
            }
            if (plan.sections.contains("latency")) {
                if (plan.maxRate > 0 && !plan.sections.contains("pipeline")) {
                    maxRate = plan.maxRate;
                }
                if (maxRate <= 0) {
                    throw new Args.UsageException("the latency section needs the pipeline section or --max-rate");
                }
                double[] rates = new double[plan.latencyFractions.length];
                for (int i = 0; i < rates.length; i++) {
                    rates[i] = Math.max(5, Math.round(maxRate * plan.latencyFractions[i]));
                }
                out.printf("[3] latency from the scheduled send: offered %s events/s (fractions of %.0f/s), %.0f s "
                                + "each, %d run(s), p=%d%n", java.util.Arrays.toString(rates), maxRate,
                        plan.latencySeconds, plan.latencyRuns, plan.latencyParallelism);
                List<List<LatencyPoint>> runs = new LatencyBench(pb, out).runs(rates, plan.latencySeconds,
                        plan.latencyRuns, plan.latencyParallelism, 9L, plan.users);
                List<LatencyPoint> pts = LatencyReport.write(r.json, runs, plan.latencyFractions, maxRate);
                if (plot != null) {
                    LatencyPlot.write(plot, pts, maxRate, String.format(Locale.ROOT,
                            "streamrec: latency from the scheduled send vs load (p=%d, %s, %s, median of %d)",
                            plan.latencyParallelism, plan.config, plan.mode, runs.size()));
                    out.println("    plot written to " + plot);
                }
            }
            if (plan.sections.contains("checkpoint")) {
                out.printf("[5b] checkpoint with %d users in RocksDB%n", plan.checkpointUsers);
                r.checkpoint(CheckpointBench.run(bootstrap, plan.kafkaProperties, plan.checkpointUsers, out));
            }
        } finally {
            if (pb != null) {
                pb.cleanup();
            }
            if (kafka != null) {
                kafka.close();
                CheckpointBench.deleteRecursively(kafkaDir);
            }
        }
        r.finish();
        return r;
    }

    /**
     * The raw model lines: like for like at K = {@code kLike} (the pipeline's candidates per event), the job's batch
     * and full histories, on one and two threads; then K = 100 lines for context.
     */
    private void rawSection(BenchPlan plan, BenchReport r, ModelBundle bundle, int kLike) throws Exception {
        final int k = 100;
        if (plan.sections.contains("raw")) {
            out.printf("[1] raw model: OnnxRanker alone, 1 intra-op thread; like for like: K=%d (the pipeline's mean"
                    + " candidates), the job's batch of %d, history %d%n", kLike, r.jobBatchSize,
                    bundle.manifest().seqLen());
            r.likeForLike(RawModelBench.run(bundle, kLike, r.jobBatchSize, 1, plan.rawWarmup, plan.rawSeconds), 1);
            r.likeForLike(RawModelBench.run(bundle, kLike, r.jobBatchSize, 2, plan.rawWarmup, plan.rawSeconds), 2);
            for (int kk : plan.mode.equals("full") ? new int[]{50, 100, 200} : new int[]{k}) {
                r.raw(RawModelBench.run(bundle, kk, 1, 1, plan.rawWarmup, plan.rawSeconds));
            }
            for (int b : plan.rawBatches) {
                if (b > 1 && b != r.jobBatchSize) {
                    r.raw(RawModelBench.run(bundle, k, b, 1, plan.rawWarmup, plan.rawSeconds));
                }
            }
            if (plan.mode.equals("full")) {
                // the ORT thread lever: two intra-op threads for one ranker (process CPU would double-count it, so
                // its CPU figure is the calling thread's only; compare the per-call times)
                r.raw(RawModelBench.run(bundle, k, 1, 1, 2, plan.rawWarmup, plan.rawSeconds));
            }
        }
    }

    public static void main(String[] args) {
        BenchCommand c = new BenchCommand();
        int code;
        try {
            code = c.run(args);
        } catch (Args.UsageException e) {
            System.err.println("streamrec bench: " + e.getMessage());
            System.err.println(c.usage());
            code = 2;
        } catch (Exception e) {
            System.err.println("streamrec bench: failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.exit(code);
    }

}
