package io.streamrec.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.UserEvent;
import io.streamrec.kafka.EmbeddedKafka;
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
 * {@code streamrec bench}: the raw model (ONNX Runtime alone) and the whole pipeline measured in the same run, so the
 * ratio pipeline ÷ model is meaningful on a shared machine. See docs/BENCHMARKS.md.
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
        BenchReport r = execute(plan, a.get("model.path", "classpath:default"), a.get("kafka.bootstrap-servers", null),
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

    BenchReport execute(BenchPlan plan, String modelPath, String bootstrap, Map<String, String> jobConf, File plot)
            throws Exception {
        BenchReport r = new BenchReport(plan, out);
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
                r.meanCandidates(BenchTraffic.meanCandidates(bundle, events, k, Math.min(events.size(), 5000)));
                Duration timeout = Duration.ofSeconds(60 + plan.events / 20);
                if (!plan.mode.equals("smoke") && plan.warmupEvents > 0) {
                    // A first, unmeasured drain: without it the measured one pays the JIT compilation of Flink, Kafka
                    // and the job (measured: ~150 µs of compile time per event in a 30k-event drain), which a
                    // long-running job pays once. After a 20k-event warm-up the next 200k-event drain still spent
                    // ~40 CPU-µs per event compiling; after a 200k-event warm-up, 8 (docs/BENCHMARKS.md).
                    Drain w = pb.drain(names, plan.warmupEvents, 1, k, timeout);
                    out.printf("    warm-up drain (not measured): %.0f events/s%n", w.eventsPerSecond);
                }
                for (int p : new int[]{1, 2}) {
                    Drain d = pb.drain(names, plan.events, p, k, timeout);
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
                List<LatencyPoint> pts = pb.latency(rates, plan.latencySeconds,
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

}
