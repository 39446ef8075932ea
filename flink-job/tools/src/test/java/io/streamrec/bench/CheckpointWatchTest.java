package io.streamrec.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link CheckpointWatch}: each new checkpoint the gauges show is counted once, from the first reading on. */
class CheckpointWatchTest {
    /** A watch whose gauges give these readings in turn (null: not registered yet), then the last one again. */
    private static CheckpointWatch fed(long[]... readings) {
        int[] next = {0};
        return new CheckpointWatch(() -> readings.length == 0 ? null
                : readings[Math.min(next[0]++, readings.length - 1)], 0);
    }

    @Test
    void countsEachCheckpointOnceAndNotThoseBeforeTheFirstReading() throws Exception {
        CheckpointWatch w = fed(new long[]{4, 900, 9_000_000}, new long[]{4, 900, 9_000_000},
                new long[]{5, 100, 2_000_000}, new long[]{5, 100, 2_000_000}, new long[]{6, 300, 4_000_000});
        for (int i = 0; i < 4; i++) {
            w.observe();
        }
        w.close(); // reads the last one
        CheckpointWatch.Summary s = w.summary();
        assertEquals(2, s.completed(), "checkpoints 5 and 6; 4 was before the watch");
        assertEquals(200.0, s.meanMs(), 1e-9);
        assertEquals(300.0, s.maxMs(), 1e-9);
        assertEquals(3.0, s.meanMb(), 1e-9);
    }

    @Test
    void waitsForTheGaugesAndLetsTheLatestStandForCheckpointsItMissed() {
        CheckpointWatch w = fed(null, new long[]{0, 0, 0}, new long[]{3, 50, 1_000_000});
        w.observe();
        w.observe();
        w.observe();
        assertEquals(new CheckpointWatch.Summary(3, 50, 50, 1.0), w.summary());
        assertEquals(new CheckpointWatch.Summary(0, 0, 0, 0), fed().summary());
    }
}
