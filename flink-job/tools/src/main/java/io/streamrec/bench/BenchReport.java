package io.streamrec.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.config.Secrets;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.model.ModelBundle;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bench run's figures: collected as JSON (the --json file) and rendered as the table it prints. The headline ratios
 * are like for like only: the pipeline against the raw model at the same K, batch and history ({@link #likeForLike}).
 */
final class BenchReport {
    final ObjectNode json = PipelineBench.MAPPER.createObjectNode();
    private final BenchPlan plan;
    private final PrintStream log;
    private final List<RawModelBench.Result> raw = new ArrayList<>();
    private final List<Drain> drains = new ArrayList<>();
    private final List<RetrievalBench.IvfResult> ivfs = new ArrayList<>();
    /** The pipeline's ranker.batch-size (its default, or --job-conf's). */
    int jobBatchSize = StreamrecOptions.RANKER_BATCH_SIZE.defaultValue();
    /** The raw model like for like with the pipeline: index 0 one thread, 1 two threads (null until measured). */
    private final RawModelBench.Result[] like = new RawModelBench.Result[2];

    BenchReport(BenchPlan plan, PrintStream log) {
        this.plan = plan;
        this.log = log;
        json.put("mode", plan.mode);
        json.put("config", plan.config);
        json.put("users", plan.users);
        json.put("items", BenchTraffic.items);
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
        json.put("broker", bootstrap == null ? "KRaft broker in its own JVM, started by the bench" : bootstrap);
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

    /** The measured configuration: the profile, its job options and the bundle. */
    void profile(BenchProfile p, String bundlePath, ModelBundle bundle) {
        ObjectNode o = json.putObject("config_profile");
        o.put("name", p.name);
        o.put("source", p.source);
        ObjectNode opts = o.putObject("job_options");
        p.jobOptions.forEach(opts::put);
        ObjectNode b = json.putObject("bundle");
        b.put("path", bundlePath);
        b.put("items", bundle.items().size());
        b.put("seq_len", bundle.manifest().seqLen());
        b.put("embedding_dim", bundle.manifest().embeddingDim());
    }

    /** The raw model at the pipeline's K, batch and history, on {@code threads} threads (1 or 2). */
    void likeForLike(RawModelBench.Result x, int threads) {
        like[threads - 1] = x;
        raw(x);
        if (threads == 1) {
            ObjectNode o = json.putObject("raw_model_like_for_like");
            o.put("k", x.k);
            o.put("batch", x.batch);
            o.put("history", x.history);
            o.put("threads", 1);
            o.put("events_per_s", Stats.round(x.eventsPerSecond(), 1));
            o.put("cpu_us_per_event", Stats.round(x.cpuUsPerEvent(), 1));
        }
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
        o.put("source", x.source);
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
        log.printf("    IVF, %s, %,d items, %d lists, nprobe %d: p50 %.3f ms, p99 %.3f ms, "
                + "recall@100 %.3f (exact scan on the same data: p50 %.3f, p99 %.3f ms; build %.1f s)%n",
                x.source, x.items, x.lists, x.nprobe, x.ivf.pMs(0.5), x.ivf.pMs(0.99), x.recall, x.exact.pMs(0.5),
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
        log.printf("    candidates per event on this traffic (replayed offline with the job's settings): %.1f%n", v);
    }

    /**
     * The p = 1 drain's candidates per event as the job counted them (rounded), recorded as the like-for-like K;
     * {@code offline} when no drain measured it.
     */
    int measuredCandidates(int offline) {
        for (Drain d : drains) {
            if (d.parallelism == 1 && !Double.isNaN(d.candidatesPerEvent)) {
                json.put("pipeline_mean_candidates_offline", json.path("pipeline_mean_candidates").asDouble());
                json.put("pipeline_mean_candidates", Stats.round(d.candidatesPerEvent, 1));
                log.printf("    candidates per event scored by the job (p=1 drain): %.1f%n", d.candidatesPerEvent);
                return Math.max(1, (int) Math.round(d.candidatesPerEvent));
            }
        }
        return offline;
    }

    void drain(Drain d) {
        drains.add(d);
        ObjectNode o = json.withArray("pipeline").addObject();
        o.put("parallelism", d.parallelism);
        o.put("events_per_s", Stats.round(d.eventsPerSecond, 1));
        o.put("steady_events_per_s", Stats.round(d.steadyEventsPerSecond, 1));
        o.put("outputs", d.outputs);
        o.put("seconds", Stats.round(d.seconds, 3));
        o.put("cpu_us_per_event", Stats.round(d.cpuUsPerEvent, 1));
        if (!Double.isNaN(d.candidatesPerEvent)) {
            o.put("candidates_per_event", Stats.round(d.candidatesPerEvent, 1));
        }
        if (!Double.isNaN(d.modelUs)) {
            o.putObject("cpu_us_per_event_split").put("model", Stats.round(d.modelUs, 1))
                    .put("operator", Stats.round(d.operatorUs, 1)).put("rest", Stats.round(d.restUs, 1));
            o.put("events_per_onnx_call", Stats.round(d.eventsPerCall, 2));
        }
        ObjectNode st = o.putObject("cpu_us_per_event_by_stage");
        d.cpuByStage.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> st.put(e.getKey(), Stats.round(e.getValue(), 1)));
        if (d.parallelism == 1) {
            log.println("    p=1 CPU per event by stage (µs): " + st);
        }
    }

    double bestDrain() {
        double best = 0;
        for (Drain d : drains) {
            best = Math.max(best, d.eventsPerSecond);
        }
        return best;
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
        Drain p1 = drain(1);
        if (p1 != null) {
            json.put("pipeline_events_per_s", Stats.round(p1.eventsPerSecond, 1));
            if (!Double.isNaN(p1.modelUs)) {
                // p = 1 process CPU per event: model (ONNX), the keyed operator's own Java work, the rest
                ObjectNode c = json.putObject("cpu_us_per_event");
                c.put("model", Stats.round(p1.modelUs, 1));
                c.put("operator", Stats.round(p1.operatorUs, 1));
                c.put("rest", Stats.round(p1.restUs, 1));
                json.put("cpu_rest_includes_broker", json.path("broker").asText().startsWith("embedded"));
                if (like[0] != null) { // cross-check: the same model's CPU per event measured alone
                    json.put("cpu_us_per_event_model_alone", Stats.round(like[0].cpuUsPerEvent(), 1));
                }
            }
        }
        json.put("job_batch_size", jobBatchSize);
        if (like[0] != null) {
            json.put("raw_model_events_per_s", Stats.round(like[0].eventsPerSecond(), 1));
        }
        if (like[0] != null && p1 != null) {
            json.put("like_for_like_ratio", Stats.round(p1.eventsPerSecond / like[0].eventsPerSecond(), 3));
            if (p1.cpuUsPerEvent > 0) {
                // load-independent: CPU the model needs per event ÷ CPU the whole pipeline used per event
                json.put("like_for_like_cpu_ratio", Stats.round(like[0].cpuUsPerEvent() / p1.cpuUsPerEvent, 3));
            }
        }
        Drain p2 = drain(2);
        if (like[1] != null && p2 != null) {
            json.put("like_for_like_ratio_p2", Stats.round(p2.eventsPerSecond / like[1].eventsPerSecond(), 3));
        }
    }

    Drain drain(int p) {
        for (Drain d : drains) {
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
        for (Drain d : drains) {
            RawModelBench.Result b = like[d.parallelism == 1 ? 0 : 1];
            row(sb, String.format(Locale.ROOT, "pipeline p=%d, config %s (Kafka→job→Kafka)", d.parallelism,
                            plan.config), String.format(Locale.ROOT, "%.0f ev/s", d.eventsPerSecond),
                    b == null ? "-" : String.format(Locale.ROOT, "like for like %.2f", d.eventsPerSecond
                            / b.eventsPerSecond()));
            if (d.cpuUsPerEvent > 0) {
                row(sb, String.format(Locale.ROOT, "  CPU per event, p=%d (process)", d.parallelism),
                        String.format(Locale.ROOT, "%.0f CPU-µs", d.cpuUsPerEvent),
                        b == null ? "-" : String.format(Locale.ROOT, "raw %.0f CPU-µs", b.cpuUsPerEvent()));
            }
            if (d.parallelism == 1 && !Double.isNaN(d.modelUs)) {
                row(sb, "  p=1 CPU-µs/event: model / operator / rest", String.format(Locale.ROOT,
                        "%.0f / %.0f / %.0f", d.modelUs, d.operatorUs, d.restUs),
                        String.format(Locale.ROOT, "%.1f events per ONNX call", d.eventsPerCall));
            }
        }
        for (var p : json.path("latency_sweep")) {
            String at = String.format(Locale.ROOT, "latency @%.0f ev/s (%.0f%%), median of %d",
                    p.get("offered_events_per_s").asDouble(), 100 * p.get("fraction_of_max").asDouble(),
                    p.get("runs").asInt());
            row(sb, at, String.format(Locale.ROOT, "%.1f/%.1f/%.1f ms", p.get("p50").asDouble(),
                    p.get("p99").asDouble(), p.get("p999").asDouble()), String.format(Locale.ROOT,
                    "p50/p99/p99.9; worst p99 %.1f", p.get("worst_run_p99").asDouble()));
        }
        if (json.has("retrieval_p99_ms")) {
            json.get("retrieval_p99_ms").fields().forEachRemaining(e -> row(sb,
                    String.format(Locale.ROOT, "retrieval p99, %,d items", Integer.parseInt(e.getKey())),
                    ms(e.getValue().asDouble()), e.getKey().equals("1000000") ? "≤ 5 ms" : "-"));
        }
        for (RetrievalBench.IvfResult x : ivfs) {
            String what = x.source.startsWith("bundle") ? "bundle" : "synthetic";
            row(sb, String.format(Locale.ROOT, "IVF p99, %s, %,d items, %d/%d lists", what, x.items, x.nprobe,
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
