package io.streamrec.bench;

import java.util.HashMap;
import java.util.Map;

/**
 * Throughput figures of one drain (a fresh job emptying the pre-loaded events topic) and the CPU accounting behind
 * them: process CPU per event and its split over pipeline stages by thread name. Apart from {@link PipelineBench},
 * which runs the drain, because the figures are pure arithmetic over timestamps and JVM counters, and
 * {@link BenchReport} reads them.
 */
final class Drain {
    final int parallelism;
    final int outputs;
    final double seconds;
    final double eventsPerSecond;
    final double steadyEventsPerSecond;
    /** Process CPU time (job + in-process broker + this consumer) per output, over the last 80% of outputs. */
    double cpuUsPerEvent;
    /** Candidates the job's ranker scored per list over the whole drain (its {@code candidatesScored}); NaN unknown. */
    double candidatesPerEvent = Double.NaN;
    /**
     * Lists per ONNX call over the whole drain (outputs ÷ the {@code inferenceLatencyUs} histograms' calls, counted
     * from the drain's fresh job): how full the micro-batches ran, at most {@code ranker.batch-size}; NaN unknown.
     * Not over the measured part only: a window that starts at an output cuts calls whose lists straddle it.
     */
    double eventsPerCall = Double.NaN;
    /** The same, per pipeline stage (Java threads by name; GC and JIT threads are not Java threads here). */
    final Map<String, Double> cpuByStage = new java.util.TreeMap<>();
    /**
     * Process CPU per event split three ways (µs; NaN until measured): the model (the ONNX calls' time from the job's
     * {@code inferenceLatencyUs} histograms: wall time, which is CPU time with one intra-op thread and no spinning only
     * when the thread is not preempted, so on a busy machine it overstates the model and the operator is clamped at
     * 0), the rank operator's other work on its thread (state, candidates, features,
     * top-K), and the rest of the process without the bench's own consumer (source, parse, sink, Kafka clients, the
     * in-process broker if any, Flink's runtime, GC, JIT and RocksDB's native threads).
     */
    double modelUs = Double.NaN;
    double operatorUs = Double.NaN;
    double restUs = Double.NaN;

    Drain(int parallelism, int outputs, double seconds, double eventsPerSecond, double steady) {
        this.parallelism = parallelism;
        this.outputs = outputs;
        this.seconds = seconds;
        this.eventsPerSecond = eventsPerSecond;
        this.steadyEventsPerSecond = steady;
    }

    /**
     * The figures of a drain from its outputs' Kafka timestamps ({@code ts}, {@code n} of them) and the process and
     * per-thread CPU times taken at output {@code steadyFrom} and at the last output.
     */
    static Drain of(int parallelism, long[] ts, int n, int steadyFrom, long cpu0, long cpu1,
                    Map<Long, Object[]> threads0, Map<Long, Object[]> threads1) {
        return of(parallelism, ts, n, steadyFrom, cpu0, cpu1, threads0, threads1, null, null, -1);
    }

    /**
     * As above, with the job's ONNX calls {calls, mean µs} ({@link MetricCapture#inference}) at the same two points
     * and the id of the bench's consumer thread, whose CPU is the measurement's, not the pipeline's.
     */
    static Drain of(int parallelism, long[] ts, int n, int steadyFrom, long cpu0, long cpu1,
                    Map<Long, Object[]> threads0, Map<Long, Object[]> threads1, double[] inf0, double[] inf1,
                    long consumerThread) {
        java.util.Arrays.sort(ts);
        double secs = Math.max(1, ts[n - 1] - ts[0]) / 1000.0;
        int skip = n / 5;
        double steadySecs = Math.max(1, ts[n - 1] - ts[skip]) / 1000.0;
        Drain d = new Drain(parallelism, n, secs, (n - 1) / secs, (n - 1 - skip) / steadySecs);
        int measured = Math.max(1, n - steadyFrom);
        d.cpuUsPerEvent = (cpu1 - cpu0) / 1e3 / measured;
        double attributed = 0;
        double rank = 0;
        double consumer = 0;
        if (threads0 != null && threads1 != null) {
            for (Map.Entry<Long, Object[]> e : threads1.entrySet()) {
                Object[] before = threads0.get(e.getKey());
                long delta = (Long) e.getValue()[1] - (before == null ? 0L : (Long) before[1]);
                if (delta > 0) {
                    String name = (String) e.getValue()[0];
                    if (stage(name).startsWith("rank operator")) {
                        rank += delta / 1e3 / measured;
                    } else if (e.getKey() == consumerThread) {
                        consumer += delta / 1e3 / measured;
                    }
                    d.cpuByStage.merge(stage(name), delta / 1e3 / measured, Double::sum);
                    if (!name.startsWith("@")) { // GC and JIT figures are elapsed times, not thread CPU
                        attributed += delta / 1e3 / measured;
                    }
                }
            }
            d.cpuByStage.put("rest: JVM-internal threads (JIT compiler, GC) and native threads (RocksDB)",
                    Math.max(0, d.cpuUsPerEvent - attributed));
            if (inf0 != null && inf1 != null && inf1[0] > inf0[0]) {
                d.modelUs = (Double.isNaN(inf1[2]) || Double.isNaN(inf0[2]) ? (inf1[0] - inf0[0]) * inf1[1]
                        : inf1[2] - inf0[2]) / measured; // exact while the histograms hold every call
                d.operatorUs = Math.max(0, rank - d.modelUs);
                d.eventsPerCall = n / inf1[0]; // the whole drain: its first call and last list bound it exactly
                d.restUs = Math.max(0, d.cpuUsPerEvent - rank - consumer);
            }
        }
        return d;
    }

    /** CPU time of every live thread of this JVM: id → {name, nanos}. */
    static Map<Long, Object[]> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Object[]> m = new HashMap<>();
        for (java.lang.management.ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            long cpu = mx.getThreadCpuTime(ti.getThreadId());
            if (cpu >= 0) {
                m.put(ti.getThreadId(), new Object[]{ti.getThreadName(), cpu});
            }
        }
        // Not Java threads: JIT compiler and GC time (elapsed time of that work, reported by the JVM).
        long gcMs = 0;
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        m.put(-1L, new Object[]{"@gc", gcMs * 1_000_000L});
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        m.put(-2L, new Object[]{"@jit", jit == null ? 0L : jit.getTotalCompilationTime() * 1_000_000L});
        return m;
    }

    /** Which part of the pipeline a thread belongs to, from Flink's and Kafka's thread names. */
    static String stage(String t) {
        if (t.equals("@gc")) {
            return "GC (collection time)";
        }
        if (t.equals("@jit")) {
            return "JIT compilation (compile time)";
        }
        if (t.contains("user-state-candidates-rank")) {
            return "rank operator (state, candidates, ONNX)";
        }
        if (t.contains("catalog-filter-top-k")) {
            return "catalog filter + Kafka sink writer";
        }
        if (t.contains("user-events-source") || t.startsWith("Source Data Fetcher for Source: user-events")) {
            return "Kafka source + parse";
        }
        if (t.startsWith("kafka-producer-network-thread")) {
            return "Kafka producer I/O threads";
        }
        if (t.startsWith("data-plane-kafka") || t.startsWith("kafka-") || t.contains("raft")
                || t.startsWith("quorum-controller") || t.startsWith("ExpirationReaper")
                || t.startsWith("broker-") || t.startsWith("controller-") || t.contains("LogCleaner")) {
            return "Kafka broker (in-process)";
        }
        if (t.equals("main")) {
            return "bench consumer (main)";
        }
        if (t.startsWith("C2 CompilerThread") || t.startsWith("C1 CompilerThread")) {
            return "JIT compiler";
        }
        if (t.startsWith("GC ") || t.startsWith("G1 ") || t.contains("GC Thread")) {
            return "GC";
        }
        if (t.contains("rocksdb") || t.contains("AsyncOperations") || t.contains("Checkpoint")) {
            return "checkpointing / RocksDB background";
        }
        return "other (Flink runtime, metrics, item-updates, DLQ)";
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }

    /**
     * Waits until the whole machine is nearly idle (under 10 % CPU over a second), at most {@code maxSeconds}, and
     * returns the seconds waited. The raw model's lines run after the drains (they need the candidates the job
     * scored); right after a drain the cancelled job's RocksDB, the broker and the collector still work for a while,
     * and one line measured then ran at half the speed of the next.
     */
    static double awaitQuiet(int maxSeconds) throws InterruptedException {
        System.gc();
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.OperatingSystemMXBean sys)) {
            return 0;
        }
        long t0 = System.nanoTime();
        sys.getCpuLoad(); // starts the window
        for (int i = 0; i < maxSeconds; i++) {
            Thread.sleep(1000);
            double load = sys.getCpuLoad();
            if (load >= 0 && load < 0.10) {
                break;
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
