package io.streamrec.candidates;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventClockTest {
    private static final long T = 1_700_000_000_000L;
    private static final long DAY = 86_400_000L;

    @Test
    void trustsInOrderTimesAndLateTimesWithinTheWindowAsTheyAre() {
        EventClock c = new EventClock(DAY, 3);
        assertEquals(T, c.time(T));
        assertEquals(T + 5_000, c.time(T + 5_000));
        assertEquals(T + 1_000, c.time(T + 1_000), "a late event within the window keeps its time");
        assertEquals(T + 5_000, c.now(0), "and does not move the clock back");
        assertEquals(T + 5_000 + DAY, c.time(T + 5_000 + DAY), "a step of exactly the window is trusted");
    }

    @Test
    void datesAnOutlierAtTheWindowsEdgeWithoutMovingTheClock() {
        EventClock c = new EventClock(DAY, 3);
        c.time(T);
        assertEquals(T + DAY, c.time(Long.MAX_VALUE));
        assertEquals(T - DAY, c.time(0));
        assertEquals(T, c.now(0));
        assertEquals(T + 1, c.time(T + 1), "an event in the window resets the outlier count");
        assertEquals(T + 1 + DAY, c.time(Long.MAX_VALUE));
        assertEquals(T + 1 + DAY, c.time(Long.MAX_VALUE));
        assertEquals(T + 1, c.now(0), "two outliers in a row are not yet a jump");
    }

    @Test
    void theThirdOutlierInARowMovesTheClockBackwardsOrForwards() {
        EventClock c = new EventClock(DAY, 3);
        c.time(Long.MAX_VALUE); // a wrong first event sets the clock
        c.time(T);
        c.time(T + 1);
        assertEquals(T + 2, c.time(T + 2));
        assertEquals(T + 2, c.now(0));
        assertEquals(T + 3, c.time(T + 3), "the stream's time is trusted again");
    }

    @Test
    void saturatesInsteadOfOverflowing() {
        assertEquals(Long.MAX_VALUE, EventClock.minus(Long.MAX_VALUE, Long.MIN_VALUE));
        assertEquals(Long.MIN_VALUE, EventClock.minus(Long.MIN_VALUE, 1));
        assertEquals(Long.MAX_VALUE, EventClock.plus(Long.MAX_VALUE, DAY));
        assertEquals(Long.MIN_VALUE, EventClock.plus(Long.MIN_VALUE, -1));
        EventClock c = new EventClock(DAY, 3);
        c.time(Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE + DAY, c.bound(Long.MAX_VALUE));
        assertEquals(Long.MIN_VALUE, c.bound(Long.MIN_VALUE));
    }
}
