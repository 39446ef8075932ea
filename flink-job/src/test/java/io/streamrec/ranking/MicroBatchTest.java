package io.streamrec.ranking;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MicroBatchTest {
    @Test
    void fillsItsSlotsInOrderUntilFull() {
        MicroBatch b = new MicroBatch(2);
        PreparedEvent first = b.next();
        assertEquals(1, b.pending());
        assertFalse(b.isFull());
        PreparedEvent second = b.next();
        assertTrue(b.isFull());
        assertSame(first, b.slot(0));
        assertSame(second, b.slot(1));
    }

    @Test
    void hasAtLeastOneSlot() {
        assertEquals(1, new MicroBatch(0).capacity());
        assertEquals(8, new MicroBatch(8).capacity());
    }

    @Test
    void callsNoModelWhenNoEventHasACandidate() {
        MicroBatch b = new MicroBatch(2);
        b.next().request.numCandidates = 0;
        b.next().request.numCandidates = 0;
        // a null ranker and a failing timer: either would fail the test if the batch called the model
        float[][] scores = b.score(null, us -> {
            throw new AssertionError("timed a call that should not happen");
        });
        assertNull(scores);
        assertEquals(0, MicroBatch.row(scores, 1).length);
        assertEquals(0, b.pending(), "scoring empties the batch");
    }

    @Test
    void reusesTheSameSlotsBatchAfterBatch() {
        MicroBatch b = new MicroBatch(1);
        PreparedEvent slot = b.next();
        b.score(null, us -> { });
        assertSame(slot, b.next());
    }
}
