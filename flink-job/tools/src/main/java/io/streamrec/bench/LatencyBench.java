package io.streamrec.bench;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.Topics;
import org.apache.flink.core.execution.JobClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Section 3: event → recommendation latency without coordinated omission. Each run starts a fresh job (in this JVM's
 * MiniCluster, or with {@code --job-jvm} in a JVM of its own) on fresh topics, a {@link LoadGenerator} in a JVM of its
 * own, and a consumer ({@link LatencyRecorder}); after a warm-up it offers each rate in turn. Every list's latency is
 * clocked from its event's scheduled send time, so a late send (a stall in the generator) is counted, and the
 * generator shares no heap, collector or safepoint with the job or the consumer. Checkpoints stay at the job's default
 * interval. Runs are repeated ({@code --latency-runs}) because one step of one run is not a figure: the report gives
 * the median and the worst run.
 */
final class LatencyBench {
    private final PipelineBench pb;
    private final java.io.PrintStream log;

    LatencyBench(PipelineBench pb, java.io.PrintStream log) {
        this.pb = pb;
        this.log = log;
    }

    /** {@code runs} runs of every rate in {@code rates}, {@code secondsPerRate} each: the points per run. */
    List<List<LatencyPoint>> runs(double[] rates, double secondsPerRate, int runs, int parallelism, long seed,
                                  int users) throws Exception {
        List<List<LatencyPoint>> all = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            all.add(run(run, rates, secondsPerRate, parallelism, seed + run, users));
        }
        return all;
    }

    private List<LatencyPoint> run(int run, double[] rates, double secondsPerRate, int parallelism, long seed,
                                   int users) throws Exception {
        Topics.Names names = pb.names("lat-r" + run + "-p" + parallelism);
        pb.createTopics(names);
        brokerAppendTime(names.events());
        Map<String, String> conf = pb.jobConf(names, names.recommendations(), parallelism);
        if (!pb.jobInOwnJvm) {
            conf.put(MetricCapture.CONF_KEY, MetricCapture.class.getName()); // batch fill, checkpoint freezes
            MetricCapture.reset();
        }
        JobProcess own = pb.jobInOwnJvm ? JobProcess.start(conf) : null;
        if (own != null) {
            log.printf("    job in its own JVM (pid %d, output in %s)%n", own.pid(), own.log());
        }
        JobClient job = own != null ? null : StreamrecJob.executeAsync(StreamrecConfig.fromMap(conf));
        List<LatencyPoint> points = new ArrayList<>();
        long sentInRun = 0;
        LatencyRecorder recorder = new LatencyRecorder();
        LoadProcess load = null;
        CheckpointWatch checkpoints = own != null ? null : new CheckpointWatch(MetricCapture::lastCheckpoint, 250);
        try {
            recorder.start(pb.consumer(names.recommendations()));
            load = LoadProcess.start(pb.producerConfig(false), seed, users, names.events(), names.items(),
                    pb.sendTickUs, pb.latencyTrace != null);
            log.printf("    run %d: load generator in its own JVM (pid %d, output in %s)%n", run + 1, load.pid(),
                    load.log());
            // Warm-up: until the job answers promptly (job start, RocksDB, the ONNX Runtime, JIT). Two passes, the
            // second at the first measured rate, so JIT, RocksDB and ORT are warm before anything is measured.
            double warm = Math.min(30, Math.max(1.5, secondsPerRate / 3));
            int w = 0;
            for (double warmRate : new double[]{Math.max(50, rates[0]), rates[0]}) {
                String tag = "w" + w++;
                LoadProcess.Step st = load.offer(tag, warmRate, warm);
                sentInRun += st.sent();
                long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (recorder.received(tag) < st.sent() && System.nanoTime() < settle) {
                    if (own != null) {
                        own.checkAlive();
                    }
                    Thread.sleep(50);
                }
                recorder.samples(tag);
            }
            for (int i = 0; i < rates.length; i++) {
                String tag = "r" + run + "s" + i;
                long startEpochMs = System.currentTimeMillis();
                LoadProcess.Step st = load.offer(tag, rates[i], secondsPerRate);
                sentInRun += st.sent();
                LoadProcess.print(log, load.lastLogLine());
                recorder.await(tag, st.sent(), 10);
                LatencyRecorder.Samples s = recorder.samples(tag);
                LatencyPoint p = point(rates[i], secondsPerRate, st, s);
                p.stepStartEpochMs = startEpochMs;
                if (pb.latencyTrace != null) {
                    LatencyRecorder.trace(pb.latencyTrace, run == 0 && i == 0, tag, rates[i], s, load.appends(tag));
                }
                log.printf("  latency run %d p=%d at %.0f ev/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (%d/%d);"
                                + " slowest 1%% in bursts at %s%n", run + 1, parallelism, rates[i],
                        p.latency.pMs(0.5), p.latency.pMs(0.99), p.latency.pMs(0.999), p.received, p.sent, p.bursts);
                points.add(p);
            }
            if (own == null) {
                MetricCapture.Durations freeze = MetricCapture.tablesSnapshot();
                MetricCapture.Durations sync = MetricCapture.checkpointSync();
                double perCall = sentInRun / Math.max(1, MetricCapture.inference()[0]);
                checkpoints.close();
                CheckpointWatch.Summary whole = checkpoints.summary();
                LatencyPoint.JobInRun inRun = new LatencyPoint.JobInRun(freeze, sync, perCall, whole);
                points.forEach(p -> p.jobInRun = inRun);
                log.printf("    run %d, warm-up included: %.1f events per ONNX call; %d checkpoints held the task"
                                + " thread %.1f ms on average, at most %.1f ms (the live tables' freeze: %.1f and"
                                + " %.1f ms); end to end %.0f ms on average, at most %.0f ms, %.1f MB each (%d)%n",
                        run + 1, perCall, sync.count(), sync.meanUs() / 1000, sync.maxUs() / 1000,
                        freeze.meanUs() / 1000, freeze.maxUs() / 1000, whole.meanMs(), whole.maxMs(), whole.meanMb(),
                        whole.completed());
            }
        } finally {
            if (checkpoints != null) {
                checkpoints.close();
            }
            if (load != null) {
                load.close();
            }
            recorder.close();
            if (own != null) {
                own.close();
            } else {
                PipelineBench.cancel(job);
            }
        }
        return points;
    }

    /** One step's figures from its samples; latencies are from the scheduled send. */
    static LatencyPoint point(double rate, double seconds, LoadProcess.Step st, LatencyRecorder.Samples s) {
        long[] lat = s.lat();
        LatencyPoint p = new LatencyPoint(rate, st.sent() / seconds, st.sent(), lat.length,
                new Stats(lat, lat.length));
        p.toEmit = new Stats(s.toEmit(), s.toEmit().length);
        long startNs = st.anchorEpochUs() * 1000;
        p.slowestInBusiestSecond = LatencyPoint.periodicity(lat, s.scheduledNs(), p.latency.pNanos(0.99),
                10_000_000_000L);
        p.bursts = LatencyPoint.stalls(lat, s.scheduledNs(), p.latency.pNanos(0.99), startNs);
        return p;
    }

    /**
     * Makes the broker stamp each record of {@code topic} with its append time, which the producer's acknowledgement
     * then carries: the latency trace can then split a list's latency at the broker. Only the bench's own topics.
     */
    private void brokerAppendTime(String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Topics.adminConfig(pb.bootstrap(), pb.kafkaProperties()))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            var op = new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("message.timestamp.type", "LogAppendTime"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
