package io.streamrec.feedback;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The horizon's rules on plain lists: a list closes on its first hit (that rank, that event), after N events (a miss
 * named by the N-th), or when an event comes after the window (a miss named by that event); at most N stay open; an
 * event without an item judges nothing. And what one open list costs in state.
 */
class FeedbackHorizonTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final long WINDOW = 30 * 60_000L;

    private final List<ListFeedback> out = new ArrayList<>();

    private static FeedbackHorizon.OpenList list(long ts, String... items) {
        int[] h = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            h[i] = UserStateUpdater.itemHash(items[i]);
        }
        return new FeedbackHorizon.OpenList(h, "b", "v2", ts);
    }

    private static UserEvent event(String id, String item, EventType type, long ts) {
        return new UserEvent(id, "u1", item, type, ts);
    }

    @Test
    void aListClosesOnItsFirstHitWithinNEvents() {
        FeedbackHorizon h = new FeedbackHorizon(3, WINDOW);
        List<FeedbackHorizon.OpenList> open = new ArrayList<>(List.of(list(T0, "a", "b", "c")));
        open = h.judge(open, event("e1", "x", EventType.VIEW, T0 + 1), out::add);
        assertEquals(1, open.size());
        assertTrue(out.isEmpty());
        open = h.judge(open, event("e2", "c", EventType.ADD_TO_CART, T0 + 2), out::add);
        assertTrue(open.isEmpty());
        assertEquals(List.of(new ListFeedback("b", "v2", "u1", "e2", EventType.ADD_TO_CART, T0 + 2, 3, 3)), out);
    }

    @Test
    void aListWithoutAHitClosesAfterNEventsAsAMiss() {
        FeedbackHorizon h = new FeedbackHorizon(2, WINDOW);
        List<FeedbackHorizon.OpenList> open = new ArrayList<>(List.of(list(T0, "a", "b")));
        open = h.judge(open, event("e1", "x", EventType.VIEW, T0 + 1), out::add);
        open = h.judge(open, event("e2", null, EventType.SEARCH, T0 + 2), out::add); // no item: does not count
        open = h.judge(open, event("e3", "y", EventType.CLICK, T0 + 3), out::add);
        assertTrue(open.isEmpty());
        assertEquals(List.of(new ListFeedback("b", "v2", "u1", "e3", EventType.CLICK, T0 + 3, 0, 2)), out);
    }

    @Test
    void anEventAfterTheWindowClosesTheListAsAMissEvenOnAnItemOfIt() {
        FeedbackHorizon h = new FeedbackHorizon(5, WINDOW);
        List<FeedbackHorizon.OpenList> open = new ArrayList<>(List.of(list(T0, "a", "b"), list(T0 + WINDOW, "c")));
        open = h.judge(open, event("e1", "a", EventType.PURCHASE, T0 + WINDOW + 1), out::add);
        assertEquals(List.of(new ListFeedback("b", "v2", "u1", "e1", EventType.PURCHASE, T0 + WINDOW + 1, 0, 2)),
                out);
        assertEquals(1, open.size(), "the second list is still inside its window");
        assertEquals(1, open.get(0).judged);
    }

    @Test
    void oneEventJudgesEveryOpenListAndAtMostNStayOpen() {
        FeedbackHorizon h = new FeedbackHorizon(2, WINDOW);
        List<FeedbackHorizon.OpenList> open = new ArrayList<>();
        open = h.add(open, list(T0, "a", "b"));
        open = h.add(open, list(T0 + 1, "b", "a"));
        open = h.add(open, list(T0 + 2, "z"));
        assertEquals(2, open.size(), "bounded: N lists");
        h.judge(open, event("e1", "z", EventType.CLICK, T0 + 3), out::add);
        assertEquals(1, out.size());
        assertEquals(1, out.get(0).rank);
        open = new ArrayList<>(List.of(list(T0, "a", "b"), list(T0 + 1, "b", "a")));
        out.clear();
        h.judge(open, event("e2", "a", EventType.CLICK, T0 + 3), out::add);
        assertEquals(List.of(1, 2), out.stream().map(f -> f.rank).toList());
    }

    /** The figure docs/ONLINE_FEEDBACK.md quotes: one open list of 20 hashes, as its state serializer writes it. */
    @Test
    void anOpenListOfTwentyCostsAboutOneHundredTwentyBytes() throws Exception {
        TypeInformation<FeedbackHorizon.OpenList> info = TypeInformation.of(FeedbackHorizon.OpenList.class);
        assertInstanceOf(PojoTypeInfo.class, info, "a POJO, not Kryo");
        TypeSerializer<FeedbackHorizon.OpenList> s = info.createSerializer(new SerializerConfigImpl());
        String[] items = new String[20];
        for (int i = 0; i < items.length; i++) {
            items[i] = "i" + (10_000 + i);
        }
        FeedbackHorizon.OpenList l = list(T0, items);
        l.variant = "main";
        l.modelVersion = "sim-v1";
        DataOutputSerializer o = new DataOutputSerializer(256);
        s.serialize(l, o);
        int bytes = o.length();
        System.out.println("open list of 20 hashes: " + bytes + " bytes serialized (+8 TTL timestamp)");
        assertTrue(bytes >= 80 + 8 && bytes <= 130, bytes + " bytes");
    }
}
