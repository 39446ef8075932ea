package io.streamrec.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.config.Secrets;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.UserEvent;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;

import java.io.File;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code streamrec bench}: the raw model (ONNX Runtime alone) and the whole pipeline measured in the same run, so the
 * ratio pipeline ÷ model is meaningful on a shared machine. See docs/BENCHMARKS.md.
 *
 * <p>Over 400 lines because it also owns the run plans ({@code --quick}, {@code --smoke}, full) and the JSON report
 * of every section; the report writer is the part to move out first if it grows.
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
                "usage: streamrec bench [--quick | --smoke] [--json FILE] [--plot FILE.png] [options]",
                "",
                "Measures, in one run: (1) the raw model: OnnxRanker alone on the bundle at K = 50, 100, 200;",
                "(2) the whole job draining a pre-loaded topic at parallelism 1 and 2 (K = 100 candidates per event);",
                "(3) event->recommendation latency at 50% of the measured max rate (full mode: a sweep of rates);",
                "(4) retrieval over 10k/100k/1M synthetic items (d=32); (5) state bytes per user and (full mode)",
                "the checkpoint duration with 1M users in RocksDB. Prints a table; --json writes the figures.",
                "",
                "  --quick                 about 2 minutes",
                "  --smoke                 tiny sizes, same code paths (tests; figures meaningless)",
                "  --json FILE             also write the results as JSON",
                "  --plot FILE             write latency against load as a PNG",
                "  --kafka.bootstrap-servers H:P  use this broker (e.g. `streamrec kafka`) instead of an embedded one",
                "  --job-conf 'k=v;k=v'    extra job/Flink options for the pipeline runs",
                "                          (e.g. 'execution.buffer-timeout.interval=1 ms')",
                "  --sections LIST         raw,retrieval,state,pipeline,latency,checkpoint (default: all of the mode)",
                "  --events N              events pre-loaded for the throughput runs",
                "  --warmup-events N       events of the unmeasured warm-up drain before them (default: as many as",
                "                          --events in full mode, 20000 in quick mode)",
                "  --latency-seconds S     seconds per offered rate",
                "  --latency-rates LIST    fractions of the max drain rate, e.g. 0.25,0.5,0.75",
                "  --producer-linger-ms N  linger.ms of the latency load generator (default 1; inside the latency)",
                "  --send-tick-us N        the latency load generator wakes at most every N µs and sends what is",
                "                          due (default 1000; 0 wakes once per event)",
                "  --latency-parallelism P job parallelism for the latency runs (default 1)",
                "  --job-jvm               run the latency job in a JVM of its own, as a TaskManager would, instead",
                "                          of in this JVM beside the load generator and its consumer",
                "  --latency-trace FILE    write every measured event's send, broker-append and emit times and",
                "                          its latency as CSV",
                "  --checkpoint-users N    users written before the timed checkpoint (default 1000000)",
                "  --max-rate R            events/s the latency fractions refer to when the pipeline section",
                "                          is skipped (default: the p=1 drain rate measured in the same run)",
                "  --model.path PATH       model bundle (default classpath:default)",
                "  --kafka.properties.K V  Kafka client setting K (SASL/TLS, ...) for every client of the broker given",
                "                          with --kafka.bootstrap-servers: the bench's and the jobs' it starts",
                "  --replot JSON           only redraw --plot from the latency_sweep of an earlier --json file",
                "  (deprecated aliases: --bootstrap-servers, --model)");
    }

    /** The job's option names are canonical; these older names of the same settings still work. */
    static final Map<String, String> ALIASES = Map.of("bootstrap-servers", "kafka.bootstrap-servers",
            "model", "model.path");

    /** Sizes per mode. */
    static final class Plan {
        /** Kafka client settings (SASL/TLS, ...) for every client of an external broker; empty for the embedded one. */
        Map<String, String> kafkaProperties = Map.of();
        String mode;
        double rawWarmup;
        double rawSeconds;
        int[] rawBatches;
        int events;
        int users = 2000;
        double latencySeconds;
        double[] latencyFractions;
        int latencyParallelism = 1;
        int[] retrievalSizes;
        int retrievalQueries;
        /** IVF prototype runs: {items, lists, nprobe}. */
        int[][] ivf;
        int stateEvents;
        int checkpointUsers;
        double maxRate;
        Set<String> sections;
        /** linger.ms of the latency runs' load generator. */
        int producerLingerMs = 1;
        /** The latency load generator's send tick in µs (PipelineBench#sendTickUs). */
        int sendTickUs = 1000;
        /** Where to write every measured event's send time and latency, or null. */
        java.nio.file.Path latencyTrace;
        /** Run the latency job in a JVM of its own. */
        boolean jobInOwnJvm;
        /** Events of the unmeasured drain before the measured ones (0: none). */
        int warmupEvents = 20_000;

        static Plan of(String mode) {
            Plan p = new Plan();
            p.mode = mode;
            switch (mode) {
                case "smoke":
                    p.rawWarmup = 0.2;
                    p.rawSeconds = 0.3;
                    p.rawBatches = new int[]{1, 8};
                    p.events = 600;
                    p.users = 200;
                    p.latencySeconds = 2;
                    p.latencyFractions = new double[]{0.5};
                    p.retrievalSizes = new int[]{10_000, 100_000};
                    p.retrievalQueries = 50;
                    p.ivf = new int[][]{{50_000, 64, 8}};
                    p.stateEvents = 5_000;
                    p.checkpointUsers = 0;
                    p.sections = Set.of("raw", "retrieval", "state", "pipeline", "latency");
                    break;
                case "quick":
                    p.rawWarmup = 1;
                    p.rawSeconds = 3;
                    p.rawBatches = new int[]{1, 8};
                    p.events = 20_000;
                    p.latencySeconds = 12;
                    p.latencyFractions = new double[]{0.5};
                    p.retrievalSizes = new int[]{10_000, 100_000, 1_000_000};
                    p.retrievalQueries = 200;
                    p.ivf = new int[][]{{1_000_000, 512, 16}};
                    p.stateEvents = 60_000;
                    p.checkpointUsers = 0;
                    p.sections = Set.of("raw", "retrieval", "state", "pipeline", "latency");
                    break;
                default:
                    p.rawWarmup = 3;
                    p.rawSeconds = 10;
                    p.rawBatches = new int[]{1, 2, 4, 8, 16};
                    p.events = 300_000;
                    p.warmupEvents = 300_000; // as many as measured: the measured drain then pays little JIT
                    p.latencySeconds = 30;
                    p.latencyFractions = new double[]{0.1, 0.25, 0.5, 0.75, 0.9};
                    p.retrievalSizes = new int[]{10_000, 100_000, 1_000_000};
                    p.retrievalQueries = 1000;
                    p.ivf = new int[][]{{1_000_000, 512, 8}, {1_000_000, 512, 16}, {1_000_000, 1024, 32}};
                    p.stateEvents = 200_000;
                    p.checkpointUsers = 1_000_000;
                    p.sections = Set.of("raw", "retrieval", "state", "pipeline", "latency", "checkpoint");
            }
            return p;
        }
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv,
                Set.of("json", "plot", "kafka.bootstrap-servers", "job-conf", "sections", "events", "warmup-events",
                        "producer-linger-ms", "send-tick-us", "latency-seconds", "latency-rates", "latency-parallelism",
                        "checkpoint-users", "model.path", "max-rate", "replot", "latency-trace"),
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
            List<PipelineBench.LatencyPoint> pts = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode p : j.path("latency_sweep")) {
                pts.add(PipelineBench.LatencyPoint.fromJson(p));
            }
            LatencyPlot.write(new File(a.get("plot", "")), pts, j.path("latency_ms").path("max_rate_events_per_s")
                    .asDouble(), String.format(Locale.ROOT, "streamrec: event→recommendation latency vs load (%s, %s)",
                    j.path("mode").asText(), j.path("date").asText().substring(0, 10)));
            out.println("plot written to " + a.get("plot", ""));
            return 0;
        }
        Plan plan = Plan.of(a.flag("smoke") ? "smoke" : a.flag("quick") ? "quick" : "full");
        if (a.has("sections")) {
            plan.sections = Set.of(a.get("sections", "").split(","));
        }
        plan.events = a.getInt("events", plan.events, 10);
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
        Map<String, String> jobConf = new LinkedHashMap<>();
        if (a.has("job-conf")) {
            for (String kv : a.get("job-conf", "").split(";")) {
                if (kv.isBlank()) {
                    continue;
                }
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new Args.UsageException("option --job-conf needs key=value pairs, got '" + kv + "'");
                }
                jobConf.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        plan.maxRate = a.getDouble("max-rate", 0, 0, 1e9);
        Map<String, String> kafkaProperties = a.withPrefix(StreamrecConfig.KAFKA_PROPERTIES);
        if (!kafkaProperties.isEmpty() && !a.has("kafka.bootstrap-servers")) {
            throw new Args.UsageException("options --" + StreamrecConfig.KAFKA_PROPERTIES
                    + "* need --kafka.bootstrap-servers (the embedded broker takes none)");
        }
        plan.kafkaProperties = kafkaProperties;
        Report r = execute(plan, a.get("model.path", "classpath:default"), a.get("kafka.bootstrap-servers", null),
                jobConf, a.has("plot") ? new File(a.get("plot", "")) : null);
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

    Report execute(Plan plan, String modelPath, String bootstrap, Map<String, String> jobConf, File plot)
            throws Exception {
        Report r = new Report(plan, out);
        String jb = jobConf.get(StreamrecOptions.RANKER_BATCH_SIZE.key());
        if (jb != null) {
            r.jobBatchSize = Integer.parseInt(jb.trim());
        }
        if (r.jobBatchSize > 1 && plan.sections.contains("raw")
                && java.util.Arrays.stream(plan.rawBatches).noneMatch(b -> b == r.jobBatchSize)) {
            plan.rawBatches = java.util.Arrays.copyOf(plan.rawBatches, plan.rawBatches.length + 1);
            plan.rawBatches[plan.rawBatches.length - 1] = r.jobBatchSize;
        }
        ModelBundle bundle = BundleLoader.load(modelPath);
        r.machine(bundle, jobConf, bootstrap);
        out.printf("streamrec bench (%s) — %s%n", plan.mode, r.json.path("machine").path("summary").asText());
        final int k = 100;

        if (plan.sections.contains("raw")) {
            out.println("[1] raw model: OnnxRanker alone, 1 intra-op thread, K candidates per event");
            for (int kk : new int[]{50, 100, 200}) {
                r.raw(RawModelBench.run(bundle, kk, 1, 1, plan.rawWarmup, plan.rawSeconds));
            }
            for (int b : plan.rawBatches) {
                if (b > 1) {
                    r.raw(RawModelBench.run(bundle, k, b, 1, plan.rawWarmup, plan.rawSeconds));
                }
            }
            r.raw(RawModelBench.run(bundle, k, 1, 2, plan.rawWarmup, plan.rawSeconds));
            if (!plan.mode.equals("smoke")) {
                // the ORT thread lever: two intra-op threads for one ranker (process CPU would double-count it, so
                // its CPU figure is the calling thread's only; compare the per-call times)
                r.raw(RawModelBench.run(bundle, k, 1, 1, 2, plan.rawWarmup, plan.rawSeconds));
            }
        }
        if (plan.sections.contains("retrieval")) {
            out.println("[4] retrieval: exact top-100 by inner product, d=32");
            for (int n : plan.retrievalSizes) {
                r.retrieval(RetrievalBench.run(n, 32, 100, plan.retrievalQueries, 11L));
            }
            for (int[] ivf : plan.ivf) {
                r.ivf(RetrievalBench.runIvf(ivf[0], 32, 100, plan.retrievalQueries, ivf[1], ivf[2], 13L));
            }
        }
        if (plan.sections.contains("state")) {
            out.println("[5] state bytes per user (Flink serializer of UserState)");
            r.state(StateBench.run(bundle, plan.users, plan.stateEvents, 5L));
            r.stateVariant("dedup_window_64", StateBench.run(bundle, plan.users, plan.stateEvents, 5L, 64));
        }
        boolean needKafka = plan.sections.contains("pipeline") || plan.sections.contains("latency")
                || plan.sections.contains("checkpoint");
        EmbeddedKafka kafka = null;
        PipelineBench pb = null;
        try {
            if (needKafka && bootstrap == null) {
                kafka = EmbeddedKafka.start(Map.of());
                bootstrap = kafka.bootstrapServers();
                out.printf("    embedded KRaft broker at %s (%d ms)%n", bootstrap, kafka.startMillis());
            }
            pb = needKafka ? new PipelineBench(bootstrap, jobConf, plan.kafkaProperties, out) : null;
            if (pb != null) {
                pb.producerLingerMs = plan.producerLingerMs;
                pb.sendTickUs = plan.sendTickUs;
                pb.jobInOwnJvm = plan.jobInOwnJvm;
                pb.latencyTrace = plan.latencyTrace;
            }
            double maxRate = 0;
            if (plan.sections.contains("pipeline")) {
                out.printf("[2] pipeline: %d pre-loaded events, K=%d, drained by a fresh job%n", plan.events, k);
                Topics.Names names = pb.names("tput");
                List<UserEvent> events = pb.preload(names, plan.events, 3L, plan.users);
                r.meanCandidates(PipelineBench.meanCandidates(bundle, events, k, Math.min(events.size(), 5000)));
                Duration timeout = Duration.ofSeconds(60 + plan.events / 20);
                if (!plan.mode.equals("smoke") && plan.warmupEvents > 0) {
                    // A first, unmeasured drain: without it the measured one pays the JIT compilation of Flink, Kafka
                    // and the job (measured: ~150 µs of compile time per event in a 30k-event drain), which a
                    // long-running job pays once. After a 20k-event warm-up the next 200k-event drain still spent
                    // ~40 CPU-µs per event compiling; after a 200k-event warm-up, 8 (docs/BENCHMARKS.md).
                    PipelineBench.Drain w = pb.drain(names, plan.warmupEvents, 1, k, timeout);
                    out.printf("    warm-up drain (not measured): %.0f events/s%n", w.eventsPerSecond);
                }
                for (int p : new int[]{1, 2}) {
                    PipelineBench.Drain d = pb.drain(names, plan.events, p, k, timeout);
                    out.printf("    p=%d: %.0f events/s (%d lists in %.2f s; after the first 20%%: %.0f/s)%n", p,
                            d.eventsPerSecond, d.outputs, d.seconds, d.steadyEventsPerSecond);
                    r.drain(d);
                    if (p == plan.latencyParallelism) {
                        maxRate = d.eventsPerSecond;
                    }
                }
                maxRate = maxRate > 0 ? maxRate : r.bestDrain();
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
                out.printf("[3] latency: offered %s events/s (fractions of %.0f/s), %.0f s each, p=%d%n",
                        java.util.Arrays.toString(rates), maxRate, plan.latencySeconds, plan.latencyParallelism);
                List<PipelineBench.LatencyPoint> pts = pb.latency(rates, plan.latencySeconds,
                        plan.latencyParallelism, k, 9L, plan.users);
                r.latency(pts, plan.latencyFractions, maxRate);
                if (plot != null) {
                    LatencyPlot.write(plot, pts, maxRate, String.format(Locale.ROOT,
                            "streamrec: event→recommendation latency vs load (p=%d, K=%d, %s)",
                            plan.latencyParallelism, k, plan.mode));
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
            }
        }
        r.finish();
        return r;
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

    /** Collects the figures as JSON and renders the table. */
    static final class Report {
        final ObjectNode json = PipelineBench.MAPPER.createObjectNode();
        private final Plan plan;
        private final PrintStream log;
        private final List<RawModelBench.Result> raw = new ArrayList<>();
        private final List<PipelineBench.Drain> drains = new ArrayList<>();
        private final List<RetrievalBench.IvfResult> ivfs = new ArrayList<>();
        /** The pipeline's ranker.batch-size (its default, or --job-conf's). */
        int jobBatchSize = StreamrecOptions.RANKER_BATCH_SIZE.defaultValue();

        Report(Plan plan, PrintStream log) {
            this.plan = plan;
            this.log = log;
            json.put("mode", plan.mode);
            json.put("date", Instant.now().toString());
        }

        void machine(ModelBundle bundle, Map<String, String> jobConf, String bootstrap) {
            ObjectNode m = json.putObject("machine");
            m.put("nproc", Runtime.getRuntime().availableProcessors());
            m.put("cpu", cpuModel());
            m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            m.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            m.put("load_avg_1m_at_start", load);
            m.put("summary", String.format(Locale.ROOT, "%d cores, %s, Java %s, load %.2f",
                    Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"),
                    load));
            json.put("model_version", bundle.modelVersion());
            json.put("broker", bootstrap == null ? "embedded KRaft (in-process)" : bootstrap);
            ObjectNode jc = json.putObject("job_conf");
            jobConf.forEach((k, v) -> jc.put(k, Secrets.shown(k, v)));
            if (!plan.kafkaProperties.isEmpty()) {
                ObjectNode kp = json.putObject("kafka_properties");
                Secrets.masked(plan.kafkaProperties).forEach(kp::put);
            }
        }

        static String cpuModel() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (Exception ignored) {
                // not Linux
            }
            return System.getProperty("os.arch");
        }

        void raw(RawModelBench.Result x) {
            raw.add(x);
            ArrayNode a = json.withArray("raw_model");
            ObjectNode o = a.addObject();
            o.put("k", x.k);
            o.put("batch", x.batch);
            o.put("threads", x.threads);
            o.put("intra_op_threads", x.intraOp);
            o.put("events_per_s", Stats.round(x.eventsPerSecond(), 1));
            o.put("us_per_call_p50", Stats.round(x.perCall.pUs(0.5), 1));
            o.put("us_per_call_p99", Stats.round(x.perCall.pUs(0.99), 1));
            o.put("us_per_candidate", Stats.round(x.usPerCandidate(), 2));
            o.put("cpu_us_per_event", Stats.round(x.cpuUsPerEvent(), 1));
            o.put("calls", x.calls);
            log.printf("    K=%3d batch=%2d threads=%d intra-op=%d: %8.0f events/s, %7.1f µs/call p50, %7.1f p99, "
                            + "%.1f CPU-µs/event%n", x.k, x.batch, x.threads, x.intraOp, x.eventsPerSecond(),
                    x.perCall.pUs(0.5), x.perCall.pUs(0.99), x.cpuUsPerEvent());
        }

        RawModelBench.Result rawAt(int k, int batch, int threads) {
            for (RawModelBench.Result x : raw) {
                if (x.k == k && x.batch == batch && x.threads == threads && x.intraOp == 1) {
                    return x;
                }
            }
            return null;
        }

        void retrieval(RetrievalBench.Result x) {
            json.with("retrieval_p99_ms").put(Integer.toString(x.items), Stats.round(x.perQuery.pMs(0.99), 3));
            json.with("retrieval_p50_ms").put(Integer.toString(x.items), Stats.round(x.perQuery.pMs(0.5), 3));
            log.printf("    %,9d items: p50 %.3f ms, p99 %.3f ms per event (%d queries)%n", x.items,
                    x.perQuery.pMs(0.5), x.perQuery.pMs(0.99), x.queries);
        }

        void ivf(RetrievalBench.IvfResult x) {
            ObjectNode o = json.withArray("retrieval_ivf_prototype").addObject();
            o.put("items", x.items);
            o.put("lists", x.lists);
            o.put("nprobe", x.nprobe);
            o.put("build_s", Stats.round(x.buildSeconds, 2));
            o.put("exact_p50_ms", Stats.round(x.exact.pMs(0.5), 3));
            o.put("exact_p99_ms", Stats.round(x.exact.pMs(0.99), 3));
            o.put("ivf_p50_ms", Stats.round(x.ivf.pMs(0.5), 3));
            o.put("ivf_p99_ms", Stats.round(x.ivf.pMs(0.99), 3));
            o.put("recall_at_100", Stats.round(x.recall, 4));
            ivfs.add(x);
            log.printf("    IVF prototype, %,d clustered items, %d lists, nprobe %d: p50 %.3f ms, p99 %.3f ms, "
                    + "recall@100 %.3f (exact scan on the same data: p50 %.3f, p99 %.3f ms; build %.1f s)%n",
                    x.items, x.lists, x.nprobe, x.ivf.pMs(0.5), x.ivf.pMs(0.99), x.recall, x.exact.pMs(0.5),
                    x.exact.pMs(0.99), x.buildSeconds);
        }

        void state(StateBench.Result x) {
            json.put("state_bytes_per_user", Stats.round(x.meanBytes, 1));
            ObjectNode s = json.putObject("state");
            s.put("serializer", x.serializer);
            s.put("users", x.users);
            s.put("mean_bytes", Stats.round(x.meanBytes, 1));
            s.put("p50_bytes", x.p50Bytes);
            s.put("p99_bytes", x.p99Bytes);
            s.put("max_bytes", x.maxBytes);
            UserStateShape.describe(x.largest, s.putObject("largest_user"));
            log.printf("    %s over %d simulated users: mean %.0f B, p50 %d B, p99 %d B, max %d B%n",
                    x.serializer, x.users, x.meanBytes, x.p50Bytes, x.p99Bytes, x.maxBytes);
        }

        void stateVariant(String name, StateBench.Result x) {
            ObjectNode s = json.with("state").putObject(name);
            s.put("mean_bytes", Stats.round(x.meanBytes, 1));
            s.put("p99_bytes", x.p99Bytes);
            s.put("max_bytes", x.maxBytes);
            log.printf("    with state.dedup-window 64: mean %.0f B, p99 %d B, max %d B%n", x.meanBytes, x.p99Bytes,
                    x.maxBytes);
        }

        void meanCandidates(double v) {
            json.put("pipeline_mean_candidates", Stats.round(v, 1));
            log.printf("    candidates per event on this traffic (replayed): %.1f%n", v);
        }

        void drain(PipelineBench.Drain d) {
            drains.add(d);
            ObjectNode o = json.withArray("pipeline").addObject();
            o.put("parallelism", d.parallelism);
            o.put("events_per_s", Stats.round(d.eventsPerSecond, 1));
            o.put("steady_events_per_s", Stats.round(d.steadyEventsPerSecond, 1));
            o.put("outputs", d.outputs);
            o.put("seconds", Stats.round(d.seconds, 3));
            o.put("cpu_us_per_event", Stats.round(d.cpuUsPerEvent, 1));
            ObjectNode st = o.putObject("cpu_us_per_event_by_stage");
            d.cpuByStage.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .forEach(e -> st.put(e.getKey(), Stats.round(e.getValue(), 1)));
            if (d.parallelism == 1) {
                log.println("    p=1 CPU per event by stage (µs): " + st);
            }
        }

        double bestDrain() {
            double best = 0;
            for (PipelineBench.Drain d : drains) {
                best = Math.max(best, d.eventsPerSecond);
            }
            return best;
        }

        void latency(List<PipelineBench.LatencyPoint> pts, double[] fractions, double maxRate) {
            ArrayNode a = json.putArray("latency_sweep");
            PipelineBench.LatencyPoint half = null;
            double bestDist = Double.MAX_VALUE;
            for (int i = 0; i < pts.size(); i++) {
                PipelineBench.LatencyPoint p = pts.get(i);
                ObjectNode o = a.addObject();
                o.put("fraction_of_max", fractions[i]);
                o.put("offered_events_per_s", Stats.round(p.offeredPerSecond, 1));
                o.put("achieved_events_per_s", Stats.round(p.achievedPerSecond, 1));
                o.put("sent", p.sent);
                o.put("received", p.received);
                o.put("p50", Stats.round(p.latency.pMs(0.5), 3));
                o.put("p99", Stats.round(p.latency.pMs(0.99), 3));
                o.put("p999", Stats.round(p.latency.pMs(0.999), 3));
                o.put("max", Stats.round(p.latency.pMs(1.0), 3));
                o.put("slow_events_in_busiest_1s_of_10s", Stats.round(p.slowestInBusiestSecond, 3));
                if (p.stepStartEpochMs > 0) {
                    o.put("step_start_utc", java.time.Instant.ofEpochMilli(p.stepStartEpochMs).toString());
                }
                ArrayNode bursts = o.putArray("slowest_1pct_bursts");
                for (PipelineBench.Burst b : p.bursts) {
                    bursts.addObject().put("start_s", b.startS()).put("peak_ms", Stats.round(b.peakMs(), 1))
                            .put("slow_events", b.slowEvents());
                }
                double dist = Math.abs(fractions[i] - 0.5);
                if (dist < bestDist) {
                    bestDist = dist;
                    half = p;
                }
            }
            if (half != null) {
                ObjectNode l = json.putObject("latency_ms");
                l.put("p50", Stats.round(half.latency.pMs(0.5), 3));
                l.put("p99", Stats.round(half.latency.pMs(0.99), 3));
                l.put("p999", Stats.round(half.latency.pMs(0.999), 3));
                l.put("rate_events_per_s", Stats.round(half.offeredPerSecond, 1));
                l.put("max_rate_events_per_s", Stats.round(maxRate, 1));
                l.put("samples", half.received);
                l.put("sent", half.sent);
            }
        }

        void checkpoint(CheckpointBench.Result x) {
            json.put("checkpoint_s_1m_users", Stats.round(x.firstCheckpointSeconds, 3));
            ObjectNode c = json.putObject("checkpoint");
            c.put("users", x.users);
            c.put("write_seconds", Stats.round(x.writeSeconds, 2));
            c.put("first_checkpoint_s", Stats.round(x.firstCheckpointSeconds, 3));
            c.put("incremental_checkpoint_s_after_1pct_updates", Stats.round(x.incrementalCheckpointSeconds, 3));
            c.put("checkpoint_dir_bytes", x.checkpointDirBytes);
            c.put("checkpoint_bytes_per_user", Stats.round(x.checkpointDirBytes / (double) x.users, 1));
        }

        void finish() {
            RawModelBench.Result base = rawAt(100, 1, 1);
            if (base != null) {
                json.put("raw_model_events_per_s", Stats.round(base.eventsPerSecond(), 1));
            }
            PipelineBench.Drain p1 = drain(1);
            if (p1 != null) {
                json.put("pipeline_events_per_s", Stats.round(p1.eventsPerSecond, 1));
            }
            if (base != null && p1 != null) {
                json.put("ratio", Stats.round(p1.eventsPerSecond / base.eventsPerSecond(), 3));
                if (p1.cpuUsPerEvent > 0) {
                    // load-independent: CPU the model needs per event ÷ CPU the whole pipeline used per event
                    json.put("cpu_ratio", Stats.round(base.cpuUsPerEvent() / p1.cpuUsPerEvent, 3));
                }
            }
            // The job scores ranker.batch-size events per ONNX call; the same model called that way is the
            // stricter baseline, reported next to the (one event per call).
            RawModelBench.Result batched = rawAt(100, jobBatchSize, 1);
            if (batched != null && p1 != null && jobBatchSize > 1) {
                json.put("raw_model_events_per_s_at_job_batch", Stats.round(batched.eventsPerSecond(), 1));
                json.put("job_batch_size", jobBatchSize);
                json.put("ratio_vs_raw_at_job_batch", Stats.round(p1.eventsPerSecond / batched.eventsPerSecond(), 3));
            }
            RawModelBench.Result base2 = rawAt(100, 1, 2);
            PipelineBench.Drain p2 = drain(2);
            if (base2 != null && p2 != null) {
                json.put("ratio_p2", Stats.round(p2.eventsPerSecond / base2.eventsPerSecond(), 3));
            }
        }

        PipelineBench.Drain drain(int p) {
            for (PipelineBench.Drain d : drains) {
                if (d.parallelism == p) {
                    return d;
                }
            }
            return null;
        }

        String table() {
            StringBuilder sb = new StringBuilder();
            String line = "+--------------------------------------------------+--------------------+--------------------+\n";
            sb.append(line);
            row(sb, "measure (" + plan.mode + ")", "value", "baseline / target");
            sb.append(line);
            for (RawModelBench.Result x : raw) {
                row(sb, String.format(Locale.ROOT, "raw model K=%d batch=%d threads=%d%s", x.k, x.batch, x.threads,
                                x.intraOp == 1 ? "" : " intra-op=" + x.intraOp),
                        String.format(Locale.ROOT, "%.0f ev/s", x.eventsPerSecond()),
                        String.format(Locale.ROOT, "%.0f µs/call p50", x.perCall.pUs(0.5)));
            }
            RawModelBench.Result base = rawAt(100, 1, 1);
            RawModelBench.Result base2 = rawAt(100, 1, 2);
            RawModelBench.Result batchedBase = jobBatchSize > 1 ? rawAt(100, jobBatchSize, 1) : null;
            for (PipelineBench.Drain d : drains) {
                RawModelBench.Result b = d.parallelism == 1 ? base : base2;
                row(sb, String.format(Locale.ROOT, "pipeline K=100 p=%d (Kafka→job→Kafka)", d.parallelism),
                        String.format(Locale.ROOT, "%.0f ev/s", d.eventsPerSecond),
                        b == null ? "-" : String.format(Locale.ROOT, "ratio %.2f (≥0.80)",
                                d.eventsPerSecond / b.eventsPerSecond()));
                if (d.parallelism == 1 && batchedBase != null) {
                    row(sb, String.format(Locale.ROOT, "  vs raw model at the job's batch=%d", jobBatchSize),
                            String.format(Locale.ROOT, "ratio %.2f", d.eventsPerSecond / batchedBase.eventsPerSecond()),
                            String.format(Locale.ROOT, "%.0f ev/s raw", batchedBase.eventsPerSecond()));
                }
                if (d.cpuUsPerEvent > 0) {
                    row(sb, String.format(Locale.ROOT, "  CPU per event, p=%d (process, incl. broker)",
                            d.parallelism), String.format(Locale.ROOT, "%.0f CPU-µs", d.cpuUsPerEvent),
                            b == null ? "-" : String.format(Locale.ROOT, "model %.0f CPU-µs", b.cpuUsPerEvent()));
                }
            }
            if (json.has("latency_ms")) {
                var l = json.get("latency_ms");
                String at = String.format(Locale.ROOT, " @%.0f ev/s", l.get("rate_events_per_s").asDouble());
                row(sb, "latency p50" + at, ms(l.get("p50").asDouble()), "≤ 5 ms");
                row(sb, "latency p99" + at, ms(l.get("p99").asDouble()), "≤ 15 ms");
                row(sb, "latency p99.9" + at, ms(l.get("p999").asDouble()), "-");
            }
            if (json.has("retrieval_p99_ms")) {
                json.get("retrieval_p99_ms").fields().forEachRemaining(e -> row(sb,
                        String.format(Locale.ROOT, "retrieval p99, %,d items", Integer.parseInt(e.getKey())),
                        ms(e.getValue().asDouble()), e.getKey().equals("1000000") ? "≤ 5 ms" : "-"));
            }
            for (RetrievalBench.IvfResult x : ivfs) {
                row(sb, String.format(Locale.ROOT, "IVF prototype p99, %,d items, %d/%d lists", x.items, x.nprobe,
                        x.lists), ms(x.ivf.pMs(0.99)), String.format(Locale.ROOT, "recall@100 %.3f", x.recall));
            }
            if (json.has("state_bytes_per_user")) {
                var s = json.get("state");
                row(sb, "state bytes/user (mean, serialized)",
                        String.format(Locale.ROOT, "%.0f B", s.get("mean_bytes").asDouble()), "≤ 1024 B");
                row(sb, "state bytes/user (p99 / max)",
                        String.format(Locale.ROOT, "%d / %d B", s.get("p99_bytes").asLong(),
                                s.get("max_bytes").asLong()), "≤ 1024 B");
            }
            if (json.has("checkpoint_s_1m_users")) {
                var c = json.get("checkpoint");
                row(sb, String.format(Locale.ROOT, "checkpoint, %,d users (first)", c.get("users").asInt()),
                        String.format(Locale.ROOT, "%.2f s", c.get("first_checkpoint_s").asDouble()), "≤ 10 s");
                row(sb, "checkpoint after 1% updated (incremental)",
                        String.format(Locale.ROOT, "%.2f s",
                                c.get("incremental_checkpoint_s_after_1pct_updates").asDouble()), "≤ 10 s");
            }
            sb.append(line);
            return sb.toString();
        }

        private static String ms(double v) {
            return String.format(Locale.ROOT, "%.2f ms", v);
        }

        private static void row(StringBuilder sb, String a, String b, String c) {
            sb.append(String.format(Locale.ROOT, "| %-48s | %18s | %-18s |%n", a, b, c));
        }
    }
}
