package io.streamrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void pregeneratedEventsCarryTheRealScheduleOnceStamped() {
        BenchTraffic.items = 200;
        LoadGenerator g = new LoadGenerator(null, 7, 500, "events", "items", 1000, false);
        long periodNs = 1_000_000; // 1,000 events/s for 0.5 s
        LoadGenerator.Step step = g.generate("r0s1", periodNs, 500_000_000L);
        int events = 0;
        long shiftUs = 3_600_000_123L; // an hour and 123 µs later than planned
        for (int i = 0; i < step.size; i++) {
            if (step.tsPos[i] < 0) {
                continue;
            }
            long dueUs = step.anchorUs + step.dueNs[i] / 1000 + shiftUs;
            step.stamp(i, shiftUs);
            String json = new String(step.values[i], StandardCharsets.UTF_8);
            assertTrue(json.startsWith("{\"event_id\":\"r0s1." + dueUs + "."), json);
            assertTrue(json.contains(",\"ts\":" + dueUs / 1000 + ","), json);
            assertEquals(events * periodNs, step.dueNs[i], "one event per period, item updates in between");
            events++;
        }
        assertEquals(500, events);
    }

    @Test
    void writesFixedWidthDigits() {
        byte[] b = "x0000000000000y".getBytes(StandardCharsets.US_ASCII);
        LoadGenerator.writeDigits(b, 1, 1796627236236L, 13);
        assertEquals("x1796627236236y", new String(b, StandardCharsets.US_ASCII));
        assertEquals(1796627236236L, LoadGenerator.readDigits(b, 1, 13));
    }
}
