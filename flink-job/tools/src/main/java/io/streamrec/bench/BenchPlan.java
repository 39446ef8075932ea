package io.streamrec.bench;


import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * What one {@code streamrec bench} run measures and how much: the sections and sizes of --smoke, --quick and a
 * full run. --quick runs the same sections with the same method as a full run, only shorter (fewer users, events,
 * runs and seconds), so its JSON has the same keys; --smoke is --quick at toy sizes for the tests.
 */
final class BenchPlan {
    /** Kafka client settings (SASL/TLS, ...) for every client of an external broker; empty for the one the bench starts. */
    Map<String, String> kafkaProperties = Map.of();
    String mode;
    double rawWarmup;
    double rawSeconds;
    int[] rawBatches;
    int events;
    /** Simulated users of the pipeline and latency traffic (full: 1M, so state outgrows RocksDB's block cache). */
    int users;
    /** Users of the state section (few, so that each is saturated: the per-user figure is a full user's). */
    int stateUsers = 2000;
    /** The job configuration measured: default or evaluated ({@link BenchProfile}). */
    String config = "default";
    /** Latency runs per rate (each a fresh job and load generator). */
    int latencyRuns;
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

    static BenchPlan of(String mode) {
        BenchPlan p = new BenchPlan();
        p.mode = mode;
        switch (mode) {
            case "smoke":
                p.rawWarmup = 0.2;
                p.rawSeconds = 0.3;
                p.rawBatches = new int[]{1};
                p.events = 600;
                p.users = 200;
                p.stateUsers = 200;
                p.latencyRuns = 1;
                p.latencySeconds = 2;
                p.latencyFractions = new double[]{0.5};
                p.retrievalSizes = new int[]{10_000, 100_000};
                p.retrievalQueries = 50;
                p.ivf = new int[][]{{50_000, 64, 8}};
                p.stateEvents = 5_000;
                p.checkpointUsers = 2_000;
                p.sections = Set.of("raw", "retrieval", "state", "pipeline", "latency", "checkpoint");
                break;
            case "quick":
                p.rawWarmup = 1;
                p.rawSeconds = 3;
                p.rawBatches = new int[]{1};
                // after a 20,000-event warm-up the measured drain still spent about half its process CPU compiling
                // (563 µs/event of JIT compile time) and reported 0.13 against 0.30 for a warm JVM: the warm-up is
                // what a short run must not skimp on
                p.events = 60_000;
                p.warmupEvents = 60_000;
                p.users = 100_000;
                p.latencyRuns = 1;
                p.latencySeconds = 20;
                p.latencyFractions = new double[]{0.25, 0.5, 0.75};
                p.retrievalSizes = new int[]{10_000, 100_000, 1_000_000};
                p.retrievalQueries = 200;
                p.ivf = new int[][]{{1_000_000, 512, 16}};
                p.stateEvents = 60_000;
                p.checkpointUsers = 100_000;
                p.sections = Set.of("raw", "retrieval", "state", "pipeline", "latency", "checkpoint");
                break;
            default:
                p.rawWarmup = 3;
                p.rawSeconds = 10;
                p.rawBatches = new int[]{1, 2, 4, 16};
                p.events = 300_000;
                p.warmupEvents = 300_000; // as many as measured: the measured drain then pays little JIT
                p.users = 1_000_000;
                p.latencyRuns = 5;
                p.latencySeconds = 120;
                p.latencyFractions = new double[]{0.25, 0.5, 0.75};
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
