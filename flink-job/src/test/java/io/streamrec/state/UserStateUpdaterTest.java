package io.streamrec.state;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.CategoryKey;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserStateUpdaterTest {

    private static ModelBundle bundle;
    private static final long T0 = 1_764_000_000_000L;

    @BeforeAll
    static void load() throws Exception {
        bundle = BundleLoader.load("classpath:default");
    }

    private static UserEvent e(String id, int item, EventType type, long ts) {
        return new UserEvent(id, "u", bundle.items().idOf(1 + item), type, ts);
    }

    @Test
    void keepsExactEventTimesThroughCompactOffsetsIncludingOutOfOrderEvents() {
        UserStateUpdater up = new UserStateUpdater(3, 10, 4);
        UserState s = new UserState();
        up.apply(s, e("a", 1, EventType.VIEW, T0), bundle);
        up.apply(s, e("b", 2, EventType.VIEW, T0 + 5_000), bundle);
        up.apply(s, e("c", 3, EventType.VIEW, T0 + 2_000), bundle);
        up.apply(s, e("d", 4, EventType.CLICK, T0 + 9_000), bundle);
        assertEquals(T0 + 9_000, s.lastTs);
        assertEquals(3, s.historyLength(), "history is bounded");
        assertEquals(T0 + 9_000, s.historyTs(0));
        assertEquals(T0 + 2_000, s.historyTs(1), "an out-of-order event keeps its own time");
        assertEquals(T0 + 5_000, s.historyTs(2));
    }

    @Test
    void keepsOneCategoryKeyPerHistoryEventAlignedWithItsItem() {
        UserStateUpdater up = new UserStateUpdater(3, 10, 4);
        UserState s = new UserState();
        UserEvent a = e("a", 1, EventType.VIEW, T0);
        a.category = "shoes";
        up.apply(s, a, bundle);
        up.apply(s, e("b", 2, EventType.VIEW, T0 + 1), bundle); // no category
        UserEvent c = e("c", 3, EventType.VIEW, T0 + 2);
        c.category = "hats";
        up.apply(s, c, bundle);
        UserEvent d = e("d", 4, EventType.VIEW, T0 + 3);
        d.category = "shoes";
        up.apply(s, d, bundle);
        assertArrayEquals(new byte[] {CategoryKey.of("shoes"), CategoryKey.of("hats"), CategoryKey.NONE},
                s.histCategories, "most recent first, bounded like the items");

        // a state restored without keys (three events) gets "no category" for its old events
        UserState old = new UserState();
        old.histItems = s.histItems.clone();
        old.histTypes = s.histTypes.clone();
        old.histOffsetMs = s.histOffsetMs.clone();
        old.lastTs = s.lastTs;
        old.interest = s.interest.clone();
        old.modelVersion = s.modelVersion;
        UserEvent f = e("f", 1, EventType.VIEW, T0 + 4);
        f.category = "shoes";
        up.apply(old, f, bundle);
        assertArrayEquals(new byte[] {CategoryKey.of("shoes"), 0, 0}, old.histCategories);
        assertEquals(old.histItems.length, old.histCategories.length);
    }

    @Test
    void dedupWindowIsBoundedAndRemembersHashesNotIds() {
        UserStateUpdater up = new UserStateUpdater(50, 10, 2);
        UserState s = new UserState();
        assertTrue(up.apply(s, e("a", 1, EventType.VIEW, T0), bundle));
        assertTrue(up.apply(s, e("b", 1, EventType.VIEW, T0 + 1), bundle));
        assertFalse(up.apply(s, e("b", 1, EventType.VIEW, T0 + 1), bundle), "a duplicate within the window");
        assertTrue(up.apply(s, e("c", 1, EventType.VIEW, T0 + 2), bundle));
        assertTrue(up.apply(s, e("a", 1, EventType.VIEW, T0 + 3), bundle), "'a' left the two-id window");
        assertEquals(2, s.recentEventHashes.length);
        assertEquals(4, s.seq);
        assertNotEquals(UserStateUpdater.eventIdHash("e1"), UserStateUpdater.eventIdHash("e2"));
    }

    @Test
    void rebuildingForANewModelReproducesTheIncrementalVector() {
        UserStateUpdater up = new UserStateUpdater(50, 10, 16);
        UserState s = new UserState();
        for (int i = 0; i < 10; i++) {
            up.apply(s, e("x" + i, i * 3, i % 2 == 0 ? EventType.VIEW : EventType.ADD_TO_CART, T0 + i * 61_000L),
                    bundle);
        }
        float[] incremental = s.interest.clone();
        long last = s.lastTs;
        UserStateUpdater.rebuildInterest(s, bundle);
        assertArrayEquals(incremental, s.interest, 1e-6f);
        assertEquals(last, s.lastTs);
        assertEquals(T0 + 9 * 61_000L, s.historyTs(0));
    }
}
