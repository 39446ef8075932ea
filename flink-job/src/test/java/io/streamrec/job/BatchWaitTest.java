package io.streamrec.job;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A micro-batch's wait counts idle time only: time spent preparing its later events lets the batch fill. */
class BatchWaitTest {
    private static final long MS = 1_000_000L;

    @Test
    void anIdleBatchHasWaitedWhenTheMaximumHasPassed() {
        BatchWait w = new BatchWait(1);
        w.started(100 * MS);
        assertEquals(1, w.remainingMs(100 * MS));
        assertEquals(1, w.remainingMs(100 * MS + MS / 2), "a part of a millisecond left rounds up");
        assertEquals(0, w.remainingMs(101 * MS));
    }

    @Test
    void timeSpentPreparingTheBatchsEventsDoesNotCount() {
        BatchWait w = new BatchWait(1);
        w.started(0);
        for (int i = 0; i < 5; i++) {
            w.busy(2 * MS); // five events of 2 ms each, back to back: a backlog
        }
        assertEquals(0, w.idleNanos(10 * MS));
        assertEquals(1, w.remainingMs(10 * MS), "still waiting: the batch keeps filling");
        assertEquals(0, w.remainingMs(11 * MS), "1 ms without input: score it");
    }

    @Test
    void aNewBatchStartsItsOwnWait() {
        BatchWait w = new BatchWait(3);
        w.started(0);
        w.busy(2 * MS);
        w.started(50 * MS);
        assertEquals(3, w.remainingMs(50 * MS));
        assertEquals(MS, w.idleNanos(51 * MS));
    }
}
