package io.streamrec.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The latency section's JSON: every run's steps ({@code latency_runs}), per offered rate the median over runs and the
 * worst run ({@code latency_sweep}), and the headline at half load ({@code latency_ms}: the median of each percentile
 * over the runs, and {@code latency_worst_run_ms}: the run with the highest p99). Apart from {@link BenchReport}
 * because runs × steps is its own small piece of arithmetic, and tests can check it without a broker.
 */
final class LatencyReport {
    static final String CLOCK = "from each event's scheduled send time (load generator in its own JVM) to the list's "
            + "receipt by the bench's consumer";

    private LatencyReport() {
    }

    /**
     * Writes the keys above into {@code json}; returns the per-rate medians as points (for the plot).
     *
     * @param runs      per run, one point per entry of {@code fractions}
     * @param fractions each step's fraction of {@code maxRate}
     */
    static List<LatencyPoint> write(ObjectNode json, List<List<LatencyPoint>> runs, double[] fractions,
                                    double maxRate) {
        ArrayNode all = json.putArray("latency_runs");
        for (int r = 0; r < runs.size(); r++) {
            ObjectNode run = all.addObject();
            run.put("run", r + 1);
            ArrayNode steps = run.putArray("steps");
            for (int i = 0; i < runs.get(r).size(); i++) {
                step(steps.addObject(), runs.get(r).get(i), fractions[i]);
            }
        }
        int half = 0;
        for (int i = 1; i < fractions.length; i++) {
            if (Math.abs(fractions[i] - 0.5) < Math.abs(fractions[half] - 0.5)) {
                half = i;
            }
        }
        ArrayNode sweep = json.putArray("latency_sweep");
        List<LatencyPoint> medians = new ArrayList<>();
        for (int i = 0; i < fractions.length; i++) {
            ObjectNode o = sweep.addObject();
            o.put("fraction_of_max", fractions[i]);
            final int step = i;
            o.put("offered_events_per_s", Stats.round(runs.get(0).get(i).offeredPerSecond, 1));
            o.put("achieved_events_per_s", Stats.round(median(runs, p -> p.get(step).achievedPerSecond), 1));
            o.put("sent", (long) median(runs, p -> p.get(step).sent));
            o.put("received", (long) median(runs, p -> p.get(step).received));
            o.put("p50", ms(median(runs, p -> p.get(step).latency.pMs(0.5))));
            o.put("p99", ms(median(runs, p -> p.get(step).latency.pMs(0.99))));
            o.put("p999", ms(median(runs, p -> p.get(step).latency.pMs(0.999))));
            o.put("max", ms(median(runs, p -> p.get(step).latency.pMs(1.0))));
            o.put("worst_run_p99", ms(max(runs, p -> p.get(step).latency.pMs(0.99))));
            o.put("runs", runs.size());
            medians.add(LatencyPoint.fromJson(o));
        }
        if (!runs.isEmpty() && !runs.get(0).isEmpty()) {
            final int h = half;
            ObjectNode l = json.putObject("latency_ms");
            l.put("p50", ms(median(runs, p -> p.get(h).latency.pMs(0.5))));
            l.put("p99", ms(median(runs, p -> p.get(h).latency.pMs(0.99))));
            l.put("p999", ms(median(runs, p -> p.get(h).latency.pMs(0.999))));
            l.put("statistic", "median over " + runs.size() + " run(s) of each percentile");
            l.put("clock", CLOCK);
            l.put("fraction_of_max", fractions[h]);
            l.put("rate_events_per_s", Stats.round(runs.get(0).get(h).offeredPerSecond, 1));
            l.put("max_rate_events_per_s", Stats.round(maxRate, 1));
            l.put("runs", runs.size());
            l.put("samples", (long) median(runs, p -> p.get(h).received));
            l.put("sent", (long) median(runs, p -> p.get(h).sent));
            ObjectNode emit = l.putObject("to_emit");
            emit.put("p50", ms(median(runs, p -> emit(p.get(h), 0.5))));
            emit.put("p99", ms(median(runs, p -> emit(p.get(h), 0.99))));
            emit.put("p999", ms(median(runs, p -> emit(p.get(h), 0.999))));
            int worst = 0;
            for (int r = 1; r < runs.size(); r++) {
                if (runs.get(r).get(h).latency.pNanos(0.99) > runs.get(worst).get(h).latency.pNanos(0.99)) {
                    worst = r;
                }
            }
            ObjectNode w = json.putObject("latency_worst_run_ms");
            LatencyPoint p = runs.get(worst).get(h);
            w.put("run", worst + 1);
            w.put("p50", ms(p.latency.pMs(0.5)));
            w.put("p99", ms(p.latency.pMs(0.99)));
            w.put("p999", ms(p.latency.pMs(0.999)));
            w.put("max", ms(p.latency.pMs(1.0)));
        }
        return medians;
    }

    private static void step(ObjectNode o, LatencyPoint p, double fraction) {
        o.put("fraction_of_max", fraction);
        o.put("offered_events_per_s", Stats.round(p.offeredPerSecond, 1));
        o.put("achieved_events_per_s", Stats.round(p.achievedPerSecond, 1));
        o.put("sent", p.sent);
        o.put("received", p.received);
        o.put("p50", ms(p.latency.pMs(0.5)));
        o.put("p99", ms(p.latency.pMs(0.99)));
        o.put("p999", ms(p.latency.pMs(0.999)));
        o.put("max", ms(p.latency.pMs(1.0)));
        if (p.toEmit != null) {
            o.putObject("to_emit").put("p50", ms(p.toEmit.pMs(0.5))).put("p99", ms(p.toEmit.pMs(0.99)))
                    .put("p999", ms(p.toEmit.pMs(0.999)));
        }
        o.put("slow_events_in_busiest_1s_of_10s", Stats.round(p.slowestInBusiestSecond, 3));
        if (p.stepStartEpochMs > 0) {
            o.put("step_start_utc", java.time.Instant.ofEpochMilli(p.stepStartEpochMs).toString());
        }
        if (p.jobInRun != null) {
            MetricCapture.Durations t = p.jobInRun.tablesSnapshots();
            MetricCapture.Durations c = p.jobInRun.checkpointSyncs();
            o.putObject("job_in_run").put("tables_snapshots", t.count())
                    .put("tables_snapshot_mean_ms", Stats.round(t.meanUs() / 1000, 2))
                    .put("tables_snapshot_max_ms", Stats.round(t.maxUs() / 1000, 2))
                    .put("events_per_onnx_call", Stats.round(p.jobInRun.eventsPerCall(), 2))
                    .put("checkpoint_syncs", c.count())
                    .put("checkpoint_sync_mean_ms", Stats.round(c.meanUs() / 1000, 2))
                    .put("checkpoint_sync_max_ms", Stats.round(c.maxUs() / 1000, 2))
                    .put("checkpoints_completed", p.jobInRun.checkpoints().completed())
                    .put("checkpoint_end_to_end_mean_ms", Stats.round(p.jobInRun.checkpoints().meanMs(), 1))
                    .put("checkpoint_end_to_end_max_ms", Stats.round(p.jobInRun.checkpoints().maxMs(), 1))
                    .put("checkpoint_size_mean_mb", Stats.round(p.jobInRun.checkpoints().meanMb(), 2));
        }
        ArrayNode bursts = o.putArray("slowest_1pct_bursts");
        for (LatencyPoint.Burst b : p.bursts) {
            bursts.addObject().put("start_s", b.startS()).put("peak_ms", Stats.round(b.peakMs(), 1))
                    .put("slow_events", b.slowEvents());
        }
    }

    private static double emit(LatencyPoint p, double q) {
        return p.toEmit == null ? Double.NaN : p.toEmit.pMs(q);
    }

    private static double ms(double v) {
        return Stats.round(v, 3);
    }

    /** The median over runs of {@code f} (the mean of the middle two for an even count). */
    static double median(List<List<LatencyPoint>> runs, java.util.function.ToDoubleFunction<List<LatencyPoint>> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return 0;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double max(List<List<LatencyPoint>> runs,
                              java.util.function.ToDoubleFunction<List<LatencyPoint>> f) {
        return Arrays.stream(runs.stream().mapToDouble(f).toArray()).max().orElse(0);
    }
}
