package io.streamrec.candidates;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiscoveryFusionTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final Predicate<String> NOTHING = item -> false;

    private LiveTables tables;
    private final ItemScores online = new ItemScores();
    private final DiscoveryList out = new DiscoveryList();

    /** u2 viewed x1 then x2 then x3; u1 has just viewed x1. Online co-visitation: x1 with x2 (1) and x3 (0.5). */
    @BeforeEach
    void tables() {
        tables = new LiveTables();
        tables.setSessions(new SessionNeighbours(100, 100));
        tables.sessions().observe("u2", new String[] {"x3", "x2", "x1"}, 3);
        tables.sessions().observe("u1", new String[] {"x1"}, 1);
        tables.setOnline(OnlineCovisitation.unbounded(5, 86_400));
        tables.online().update("x2", T0 + 1_000, new String[] {"x1"}, new long[] {T0}, 1);
        tables.online().update("x3", T0 + 2_000, new String[] {"x2", "x1"}, new long[] {T0 + 1_000, T0}, 2);
    }

    private static UserEvent view(String user, String item, long ts) {
        return new UserEvent("e-" + item, user, item, EventType.VIEW, ts);
    }

    private void fuse(DiscoveryFusion f, String[] hist, Predicate<String> excluded) {
        tables.online().accumulate(hist, hist.length, 3, online);
        f.fuse(tables, view("u1", hist[0], T0 + 10_000), hist, hist.length, online, excluded, out);
    }

    private static DiscoveryFusion fusion(int length, double sessionWeight, double categoryWeight,
                                          double sequenceWeight) {
        return new DiscoveryFusion(length, 5, 20, sessionWeight, categoryWeight, sequenceWeight);
    }

    private List<String> items() {
        List<String> items = new ArrayList<>();
        for (int j = 0; j < out.size(); j++) {
            items.add(out.item(j));
        }
        return items;
    }

    @Test
    void scoresAnItemByTheSumOfItsLogTerms() {
        fuse(fusion(10, 0.5, 0, 0), new String[] {"x1"}, NOTHING);
        assertEquals(List.of("x2", "x3"), items());
        double session = tables.sessions().lastScore("x2");
        assertTrue(session > 0, "u2 is u1's neighbour and viewed x2");
        assertEquals(Math.log1p(1.0) + 0.5 * Math.log1p(session), out.score(0), 1e-12);
        assertEquals(Math.log1p(0.5) + 0.5 * Math.log1p(tables.sessions().lastScore("x3")), out.score(1), 1e-12);
    }

    @Test
    void leavesTheHistoryAndExcludedItemsOut() {
        fuse(fusion(10, 1, 0, 0), new String[] {"x1"}, item -> item.equals("x3"));
        assertEquals(List.of("x2"), items());
        assertFalse(out.contains("x1"), "in the history window");
        assertFalse(out.contains("x3"), "refused by the filters");
    }

    @Test
    void keepsOnlyTheBestEntriesUpToTheListLength() {
        fuse(fusion(1, 1, 0, 0), new String[] {"x1"}, NOTHING);
        assertEquals(List.of("x2"), items());
    }

    @Test
    void namesTheTermThatGaveMostAsTheSource() {
        fuse(fusion(10, 0.01, 0, 0), new String[] {"x1"}, NOTHING);
        assertEquals(CandidateSource.ONLINE_COVISIT, out.source(0));
        fuse(fusion(10, 100, 0, 0), new String[] {"x1"}, NOTHING);
        assertEquals(CandidateSource.SESSION_KNN, out.source(0));
    }

    @Test
    void fusesCategoryTermOnlyWithACategoryTable() {
        CategoryPopularity categories = new CategoryPopularity(10, 10, 3_600_000L);
        fuse(fusion(10, 1, 2.0, 0), new String[] {"x1"}, NOTHING);
        assertFalse(out.contains("y1"), "no category table: the weight alone adds nothing");

        categories.observe("c", "y1", T0 + 10_000);
        tables.setCategories(categories);
        tables.online().accumulate(new String[] {"x1"}, 1, 3, online);
        UserEvent e = view("u1", "x1", T0 + 10_000);
        e.category = "c";
        new DiscoveryFusion(10, 5, 20, 1, 2.0, 0).fuse(tables, e, new String[] {"x1"}, 1, online, NOTHING, out);
        assertTrue(out.contains("y1"));
        int j = items().indexOf("y1");
        assertEquals(2.0 * Math.log1p(1.0), out.score(j), 1e-12, "popularity 1, not yet decayed");
        assertEquals(CandidateSource.CATEGORY_POPULAR, out.source(j));
    }

    @Test
    void addsWhatCameAfterTheEventsItemWithTheSequenceWeight() {
        OnlineCovisitation sequence = OnlineCovisitation.directed(5, 86_400, 100, 1000);
        sequence.update("x4", T0 + 5_000, new String[] {"x1"}, new long[] {T0 + 4_000}, 1);
        tables.setSequence(sequence);
        fuse(fusion(10, 1, 0, 3.0), new String[] {"x1"}, NOTHING);
        int j = items().indexOf("x4");
        assertTrue(j >= 0, "x4 came right after x1");
        assertEquals(3.0 * Math.log1p(1.0), out.score(j), 1e-12);
        assertEquals(CandidateSource.SEQUENCE, out.source(j));
    }

    @Test
    void clearingDropsTheEntries() {
        fuse(fusion(10, 1, 0, 0), new String[] {"x1"}, NOTHING);
        assertTrue(out.size() > 0);
        out.clear();
        assertEquals(0, out.size());
        assertFalse(out.contains("x2"));
    }
}
