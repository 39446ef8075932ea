package io.streamrec.candidates;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import io.streamrec.state.UserState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCandidatesTest {
    private static final long T0 = 1_700_000_000_000L;

    private final ItemIndex items = CandidateGeneratorTest.randomItems(10, 4, 7L);
    private final CandidateGenerator generator = generator();
    private final LiveTables tables = new LiveTables();
    private final CandidateSet out = new CandidateSet();
    private final PendingCandidates pending = new PendingCandidates(out);
    private final ItemScores online = new ItemScores();
    private final DiscoveryList discovery = new DiscoveryList();

    private CandidateGenerator generator() {
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = 10;
        o.popularN = 10;
        o.fillTo = 0;
        List<String> popular = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            popular.add("i" + i);
        }
        return new CandidateGenerator(items, Covisitation.of(Map.of(), items), popular, 3, o);
    }

    /** u1 viewed i1 just now and i2 a second before; it bought i3. */
    private static UserState user() {
        UserState s = new UserState();
        s.interest = new float[] {1, 0, 0, 0};
        s.histItems = new String[] {"i1", "i2"};
        s.histOffsetMs = new int[] {0, 1_000};
        s.histTypes = new byte[2];
        s.lastTs = T0;
        s.purchased = new String[] {"i3"};
        return s;
    }

    private static UserEvent trigger() {
        return new UserEvent("e1", "u1", "i1", EventType.VIEW, T0);
    }

    private List<String> generate(EventCandidates c) {
        c.generate(generator, user(), trigger(), tables, 3, 50, pending, online, discovery);
        assertTrue(pending.isOpen(), "retrieval and popular items wait for the batch");
        generator.complete(new PendingCandidates[] {pending}, 1);
        assertFalse(pending.isOpen());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            ids.add(out.item(i));
        }
        return ids;
    }

    @Test
    void leavesPurchasedItemsOutOnlyWhenFilteringPurchases() {
        EventCandidates filtered = new EventCandidates(true, false, null);
        assertFalse(generate(filtered).contains("i3"));
        assertTrue(pending.excluded().test("i3"));
        assertFalse(pending.excluded().test("i1"), "seen items pass without the seen filter");
        assertTrue(filtered.filters());

        EventCandidates open = new EventCandidates(false, false, null);
        assertTrue(generate(open).contains("i3"));
        assertFalse(pending.excluded().test("i3"));
        assertFalse(open.filters());
    }

    @Test
    void leavesTheHistoryOutWhenFilteringSeenItems() {
        assertTrue(generate(new EventCandidates(false, false, null)).contains("i1"), "a recent item");
        List<String> ids = generate(new EventCandidates(false, true, null));
        assertFalse(ids.contains("i1"));
        assertFalse(ids.contains("i2"));
        assertTrue(ids.contains("i3"));
    }

    @Test
    void sumsOnlineScoresOverTheModelsWindowOfTheHistory() {
        tables.setOnline(OnlineCovisitation.unbounded(1, 86_400));
        tables.online().update("i5", T0 - 5_000, new String[] {"i1"}, new long[] {T0 - 6_000}, 1);
        tables.online().update("i6", T0 - 3_000, new String[] {"i2"}, new long[] {T0 - 4_000}, 1);
        EventCandidates c = new EventCandidates(false, false, null);
        c.generate(generator, user(), trigger(), tables, 3, 1, pending, online, discovery);
        assertEquals(1.0, online.get("i5"), 1e-12);
        assertEquals(0.0, online.get("i6"), "i2 is beyond a window of L = 1");
        c.generate(generator, user(), trigger(), tables, 3, 50, pending, online, discovery);
        assertEquals(0.5, online.get("i6"), 1e-12, "the second distinct item weighs 1/2");
    }

    @Test
    void fusesADiscoveryListOnlyWithAFusion() {
        tables.setSessions(new SessionNeighbours(10, 10));
        tables.sessions().observe("u2", new String[] {"i7", "i1"}, 2);
        tables.sessions().observe("u1", new String[] {"i1", "i2"}, 2);
        generate(new EventCandidates(false, false, null));
        assertEquals(0, discovery.size());
        generate(new EventCandidates(false, false, new DiscoveryFusion(10, 5, 20, 1.0, 0, 0)));
        assertTrue(discovery.contains("i7"), "what the neighbour u2 viewed");
        assertEquals(CandidateSource.SESSION_KNN, discovery.source(0));
    }
}
