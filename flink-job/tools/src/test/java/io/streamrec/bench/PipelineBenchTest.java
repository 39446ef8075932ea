package io.streamrec.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PipelineBenchTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    void slowEventsLessThanHalfASecondApartFormOneBurstWithItsStartSizeAndPeak() {
        long start = 100 * S;
        // sent at (s into the step, latency ms); the threshold is 20 ms
        double[][] events = {{1.0, 5}, {2.0, 30}, {2.2, 80}, {2.6, 25}, {3.0, 4}, {5.0, 40}, {7.0, 21}, {7.4, 22}};
        long[] lat = new long[events.length];
        long[] sent = new long[events.length];
        for (int i = 0; i < events.length; i++) {
            // given out of send order: the bursts must not depend on the order the lists arrived in
            int j = events.length - 1 - i;
            sent[j] = start + (long) (events[i][0] * S);
            lat[j] = (long) (events[i][1] * MS);
        }
        List<LatencyPoint.Burst> bursts = LatencyPoint.stalls(lat, sent, 20 * MS, start);
        assertEquals(List.of(new LatencyPoint.Burst(2.0, 80, 3), new LatencyPoint.Burst(5.0, 40, 1),
                new LatencyPoint.Burst(7.0, 22, 2)), bursts);
    }

    @Test
    void noSlowEventsMeansNoBursts() {
        assertEquals(List.of(), LatencyPoint.stalls(new long[]{MS, 2 * MS}, new long[]{0, S}, 20 * MS, 0));
    }

    @Test
    void traceTimesAreMillisecondsWithThreeDecimalsAsStringFormatWrites() {
        long[] cases = {0L, 999L, 1_500L, 12_345_678L, 1_795_679_232_749_027_000L, -2_500_000L};
        for (long nanos : cases) {
            StringBuilder sb = new StringBuilder();
            LatencyRecorder.appendMillis(sb, nanos);
            org.junit.jupiter.api.Assertions.assertEquals(
                    String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6), sb.toString(), "nanos " + nanos);
        }
    }

    private static LatencyPoint step(double rate, long... latMs) {
        long[] ns = new long[latMs.length];
        for (int i = 0; i < ns.length; i++) {
            ns[i] = latMs[i] * MS;
        }
        LatencyPoint p = new LatencyPoint(rate, rate, ns.length, ns.length, new Stats(ns, ns.length));
        p.toEmit = new Stats(ns, ns.length);
        return p;
    }

    @Test
    void theHeadlineIsTheMedianOverRunsAtHalfLoadAndTheWorstRunIsNamed() {
        com.fasterxml.jackson.databind.node.ObjectNode json = PipelineBench.MAPPER.createObjectNode();
        double[] fractions = {0.25, 0.5, 0.75};
        List<List<LatencyPoint>> runs = List.of(
                List.of(step(25, 1, 2, 3), step(50, 2, 4, 9), step(75, 5, 6, 7)),
                List.of(step(25, 1, 2, 3), step(50, 3, 5, 30), step(75, 5, 6, 7)),
                List.of(step(25, 1, 2, 3), step(50, 1, 3, 6), step(75, 5, 6, 7)));
        List<LatencyPoint> medians = LatencyReport.write(json, runs, fractions, 100);
        var l = json.get("latency_ms");
        assertEquals(4.0, l.get("p50").asDouble(), "median of the half-load p50s 4, 5, 3");
        assertEquals(9.0, l.get("p99").asDouble(), "median of the half-load p99s 9, 30, 6");
        assertEquals(0.5, l.get("fraction_of_max").asDouble());
        assertEquals(3, l.get("runs").asInt());
        assertEquals(2, json.get("latency_worst_run_ms").get("run").asInt());
        assertEquals(30.0, json.get("latency_worst_run_ms").get("p99").asDouble());
        assertEquals(3, json.get("latency_runs").size());
        assertEquals(3, json.get("latency_runs").get(0).get("steps").size());
        assertEquals(30.0, json.get("latency_sweep").get(1).get("worst_run_p99").asDouble());
        assertEquals(3, medians.size());
        for (var p : json.get("latency_sweep")) {
            org.junit.jupiter.api.Assertions.assertTrue(p.get("p50").asDouble() <= p.get("p99").asDouble()
                    && p.get("p99").asDouble() <= p.get("p999").asDouble(), p.toString());
        }
    }

    @Test
    void theMedianOfAnEvenNumberOfRunsIsTheMeanOfTheMiddleTwo() {
        List<List<LatencyPoint>> runs = List.of(List.of(step(1, 2)), List.of(step(1, 4)));
        assertEquals(3.0, LatencyReport.median(runs, r -> r.get(0).latency.pMs(0.5)));
    }

    @Test
    void aListIsClockedFromTheScheduledTimeItsTriggerEventIdCarries() {
        String json = "{\"user_id\":\"u1\",\"trigger_event_id\":\"r0s1.1796000000123456.e42\",\"event_ts\":1}";
        String id = LatencyRecorder.triggerEventId(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("r0s1.1796000000123456.e42", id);
        assertEquals(1_796_000_000_123_456L, LatencyRecorder.scheduledMicros(id));
        assertEquals(-1L, LatencyRecorder.scheduledMicros("e42"), "an id the bench did not stamp");
        assertEquals(-1L, LatencyRecorder.scheduledMicros("a.b.c"));
        assertEquals(-1L, LatencyRecorder.scheduledMicros(null));
    }
}
