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
}
