package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSource;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.CategoryKey;
import io.streamrec.state.UserState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreparedEventTest {
    private static final long T0 = 1_700_000_000_000L;

    /** Viewed a (now), b and c, one and two seconds earlier; no category keys in the state. */
    private static UserState user() {
        UserState s = new UserState();
        s.interest = new float[] {0.5f, -1f};
        s.histItems = new String[] {"a", "b", "c"};
        s.histTypes = new byte[] {1, 2, 1}; // model indices start at 1
        s.histOffsetMs = new int[] {0, 1_000, 2_000};
        s.lastTs = T0;
        s.seq = 7;
        return s;
    }

    private static UserEvent trigger() {
        return new UserEvent("e1", "u1", "a", EventType.VIEW, T0);
    }

    @Test
    void copiesTheUsersStateAndCapsTheRequestAtTheModelsL() {
        PreparedEvent p = new PreparedEvent();
        p.candidates.add("x", 1, CandidateSource.RETRIEVAL);
        UserState s = user();
        p.prepare(s, trigger(), 2, null, null);
        RankRequest r = p.request;
        assertEquals(2, r.histLen, "L = 2");
        assertEquals(3, p.histLen, "the whole history, for the re-visit window and the discovery marks");
        assertArrayEquals(new String[] {"a", "b", "c"}, java.util.Arrays.copyOf(r.histItems, 3));
        assertArrayEquals(new long[] {T0, T0 - 1_000, T0 - 2_000}, java.util.Arrays.copyOf(r.histTs, 3));
        assertEquals(EventType.fromModelIndex(2), r.histTypes[1]);
        assertEquals(CategoryKey.NONE, r.histCategories[0], "a state without keys reads as no category");
        assertArrayEquals(s.interest, r.interest);
        assertTrue(s.interest != r.interest, "a private copy: the state may change before the batch is scored");
        assertEquals(T0, r.triggerTs);
        assertEquals(1, r.numCandidates);
        assertEquals("x", r.candidates[0]);
        assertNull(r.onlineScores);
        assertFalse(p.filtered);
        assertEquals(7, p.seq);
    }

    @Test
    void readsTheFiltersForTheHistoryOnlyWhenGivenThem() {
        PreparedEvent p = new PreparedEvent();
        p.prepare(user(), trigger(), 50, item -> item.equals("b"), null);
        assertTrue(p.filtered);
        assertTrue(p.allowedAt[0]);
        assertFalse(p.allowedAt[1], "b is refused by the filters");
        assertTrue(p.allowedAt[2]);
    }

    @Test
    void passesTheOnlineScoresOnlyWithAnOnlineTable() {
        PreparedEvent p = new PreparedEvent();
        OnlineCovisitation table = OnlineCovisitation.unbounded(5, 86_400);
        p.prepare(user(), trigger(), 50, null, table);
        assertSame(table, p.request.onlineCovisit);
        assertSame(p.onlineScores, p.request.onlineScores);
    }

    @Test
    void stampsTheStreamTimestampOrItsAbsence() {
        PreparedEvent p = new PreparedEvent();
        p.stamp(5L);
        assertTrue(p.hasTimestamp);
        assertEquals(5L, p.timestamp);
        p.stamp(null);
        assertFalse(p.hasTimestamp);
        assertEquals(0L, p.timestamp);
    }

    @Test
    void releaseDropsTheEventsReferences() {
        PreparedEvent p = new PreparedEvent();
        p.candidates.add("x", 1, CandidateSource.RETRIEVAL);
        p.prepare(user(), trigger(), 50, null, null);
        p.release();
        assertNull(p.userId);
        assertNull(p.eventId);
        assertNull(p.request.histItems[0]);
        assertEquals(0, p.candidates.size());
    }
}
