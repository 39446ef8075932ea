package io.streamrec.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The figures of one latency step: event-to-recommendation latency at one offered rate, clocked from each event's
 * scheduled send time, and when its slowest 1% happened (bursts, share in the checkpoint cycle's busiest second).
 * Apart from the run that measures them because the report, the plot and the read-back of a saved JSON
 * ({@link BenchCommand}) use them without a broker or a job.
 */
final class LatencyPoint {
    final double offeredPerSecond;
    final double achievedPerSecond;
    final int sent;
    final int received;
    /** Scheduled send → received by the bench's consumer. */
    final Stats latency;
    /** Scheduled send → the list's Kafka timestamp (emitted by the job; ms resolution), or null if not measured. */
    Stats toEmit;

    /**
     * Of the events slower than p99, the share sent in the busiest 1-s slot of a 10-s cycle (the checkpoint
     * interval): ~0.1-0.2 if the slow events are spread over time, near 1 if they come once per checkpoint.
     */
    double slowestInBusiestSecond;
    /** When the slowest 1% happened: each burst (slow events < 0.5 s apart), its start in seconds into the step. */
    List<Burst> bursts = List.of();
    /** Wall-clock start of the step (epoch ms), to line the bursts up with other processes' logs. */
    long stepStartEpochMs;
    /** The job over the whole run, warm-up included; null when the job ran in a JVM of its own. */
    JobInRun jobInRun;

    /**
     * What the job's own metrics said over a latency run: its checkpoints' freezes of the live tables, their whole
     * synchronous parts, the events per ONNX call, and the checkpoints end to end (the JobManager's view).
     */
    record JobInRun(MetricCapture.Durations tablesSnapshots, MetricCapture.Durations checkpointSyncs,
                    double eventsPerCall, CheckpointWatch.Summary checkpoints) {
    }

    /** A point read back from the JSON (three percentiles only). */
    static LatencyPoint fromJson(com.fasterxml.jackson.databind.JsonNode p) {
        long[] v = {(long) (p.path("p50").asDouble() * 1e6), (long) (p.path("p99").asDouble() * 1e6),
                (long) (p.path("p999").asDouble() * 1e6)};
        // 1000 samples shaped so that the nearest-rank percentiles give back p50, p99 and p99.9
        long[] s = new long[1000];
        for (int i = 0; i < 1000; i++) {
            s[i] = i < 500 ? v[0] : i < 990 ? v[1] : i < 999 ? v[2] : v[2];
        }
        s[499] = v[0];
        return new LatencyPoint(p.path("offered_events_per_s").asDouble(),
                p.path("achieved_events_per_s").asDouble(), p.path("sent").asInt(), p.path("received").asInt(),
                new Stats(s, s.length));
    }

    LatencyPoint(double offered, double achieved, int sent, int received, Stats latency) {
        this.offeredPerSecond = offered;
        this.achievedPerSecond = achieved;
        this.sent = sent;
        this.received = received;
        this.latency = latency;
    }

    /** A run of events slower than the step's p99, sent less than 0.5 s apart. */
    record Burst(double startS, double peakMs, int slowEvents) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.1f s (%d, peak %.0f ms)", startS, slowEvents, peakMs);
        }
    }

    /** The bursts of events slower than {@code threshold}, in send order, with when they started and their peak. */
    static List<Burst> stalls(long[] lat, long[] sentNs, long threshold, long startNs) {
        List<long[]> slow = new ArrayList<>();
        for (int i = 0; i < lat.length; i++) {
            if (lat[i] > threshold) {
                slow.add(new long[]{sentNs[i], lat[i]});
            }
        }
        slow.sort(java.util.Comparator.comparingLong(x -> x[0]));
        List<Burst> bursts = new ArrayList<>();
        int from = 0;
        long peak = 0;
        for (int i = 0; i < slow.size(); i++) {
            peak = Math.max(peak, slow.get(i)[1]);
            if (i + 1 == slow.size() || slow.get(i + 1)[0] - slow.get(i)[0] > 500_000_000L) {
                bursts.add(new Burst(Math.round((slow.get(from)[0] - startNs) / 1e8) / 10.0, peak / 1e6, i + 1 - from));
                from = i + 1;
                peak = 0;
            }
        }
        return bursts;
    }

    static double periodicity(long[] lat, long[] sentNs, long threshold, long cycleNs) {
        if (lat.length == 0) {
            return 0;
        }
        long t0 = Long.MAX_VALUE;
        for (long t : sentNs) {
            t0 = Math.min(t0, t);
        }
        int slots = 10;
        int[] hist = new int[slots];
        int slow = 0;
        for (int i = 0; i < lat.length; i++) {
            if (lat[i] > threshold) {
                slow++;
                hist[(int) (((sentNs[i] - t0) % cycleNs) * slots / cycleNs)]++;
            }
        }
        int best = 0;
        for (int h : hist) {
            best = Math.max(best, h);
        }
        return slow == 0 ? 0 : best / (double) slow;
    }
}
