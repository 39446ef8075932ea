package io.streamrec.candidates;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.state.UserState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveTablesTest {
    private static final long T0 = 1_700_000_000_000L;

    /** A state whose history is {@code items}, most recent first, one second apart, the first at {@code T0}. */
    private static UserState history(String... items) {
        UserState s = new UserState();
        s.histItems = items;
        s.histOffsetMs = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            s.histOffsetMs[i] = i * 1_000;
        }
        s.lastTs = T0;
        return s;
    }

    private static UserEvent view(String item, long ts) {
        return new UserEvent("e-" + item, "u1", item, EventType.VIEW, ts);
    }

    @Test
    void learnsTheEventsPairsWithTheHistoryBeforeIt() {
        LiveTables t = new LiveTables();
        t.setOnline(OnlineCovisitation.unbounded(5, 86_400));
        t.setSequence(OnlineCovisitation.directed(5, 86_400, 100, 1000));
        t.learn(history("x1", "x0"), view("x2", T0 + 1_000));
        assertEquals(1.0, t.online().weight("x2", "x1"), 1e-12);
        assertEquals(0.5, t.online().weight("x0", "x2"), 1e-12, "the second previous event pairs at 1/2");
        assertEquals(1.0, t.sequence().weight("x1", "x2"), 1e-12, "x2 came after x1");
        assertEquals(0.0, t.sequence().weight("x2", "x1"), "directed");
    }

    @Test
    void pairsOnlyWithinTheTablesPairWindow() {
        LiveTables t = new LiveTables();
        t.setOnline(OnlineCovisitation.unbounded(1, 86_400));
        t.learn(history("x1", "x0"), view("x2", T0 + 1_000));
        assertEquals(1.0, t.online().weight("x2", "x1"), 1e-12);
        assertEquals(0.0, t.online().weight("x2", "x0"), "beyond a pair window of 1");
    }

    @Test
    void observeFeedsTheSessionIndexAndTheCategoryTable() {
        LiveTables t = new LiveTables();
        t.setSessions(new SessionNeighbours(10, 10));
        t.setCategories(new CategoryPopularity(10, 10, 3_600_000L));
        UserEvent e = view("x1", T0);
        e.category = "c";
        t.observe(e, history("x1", "x0"));
        assertArrayEquals(new String[] {"x1", "x0"}, t.sessions().itemsOf("u1"));
        assertEquals(1.0, t.categories().popularity("c", "x1", T0), 1e-12);
    }

    @Test
    void withoutTablesLearnsAndObservesNothing() {
        LiveTables t = new LiveTables();
        t.learn(history("x1"), view("x2", T0 + 1_000));
        t.observe(view("x2", T0 + 1_000), history("x2", "x1"));
        assertEquals(null, t.online());
        assertEquals(null, t.sessions());
    }
}
