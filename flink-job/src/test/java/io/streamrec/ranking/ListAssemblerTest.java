package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSource;
import io.streamrec.candidates.DiscoveryFusion;
import io.streamrec.candidates.LiveTables;
import io.streamrec.candidates.SessionNeighbours;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.ShippedBundle;
import io.streamrec.sink.ScoredList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class ListAssemblerTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final float[] SCORES = {0.9f, 0.8f, 0.7f, 0.6f};

    private static ModelBundle bundle;
    private static String h;
    private static String a;
    private static String b;
    private static String c;

    @BeforeAll
    static void load() throws Exception {
        bundle = ShippedBundle.load();
        h = bundle.items().idOf(1);
        a = bundle.items().idOf(2);
        b = bundle.items().idOf(3);
        c = bundle.items().idOf(4);
    }

    /** u1 has just viewed h; the candidates are h (recent), then a, b, c, in score order. */
    private static PreparedEvent prepared() {
        PreparedEvent p = new PreparedEvent();
        p.candidates.add(h, 1, CandidateSource.RECENT);
        p.candidates.add(a, 2, CandidateSource.RETRIEVAL);
        p.candidates.add(b, 3, CandidateSource.RETRIEVAL);
        p.candidates.add(c, 4, CandidateSource.POPULAR);
        p.request.histItems = new String[] {h};
        p.request.histLen = 1;
        p.histLen = 1;
        p.userId = "u1";
        p.eventId = "e1";
        p.seq = 3;
        return p;
    }

    @Test
    void topIndicesOrdersBestFirst() {
        float[] s = {0.1f, 0.9f, -1f, 0.5f, 0.9f, 0.3f};
        assertArrayEquals(new int[] {1, 4, 3}, ListAssembler.topIndices(s, s.length, 3));
        assertArrayEquals(new int[] {1, 4, 3, 5, 0, 2}, ListAssembler.topIndices(s, s.length, 6));
    }

    @Test
    void emitsTheBestTopKPlusOverfetchWithTheEventsIdentity() {
        ScoredList l = new ListAssembler(2, 1, false, false).assemble(prepared(), SCORES, bundle, null, null);
        assertArrayEquals(new String[] {h, a, b}, l.items);
        assertArrayEquals(new float[] {0.9f, 0.8f, 0.7f}, l.scores);
        assertArrayEquals(new String[] {"recent", "retrieval", "retrieval"}, l.sources);
        assertEquals(0, l.extra);
        assertNull(l.skipInDiscover, "no discovery list");
        assertEquals("u1", l.userId);
        assertEquals("e1", l.triggerEventId);
        assertEquals(3, l.seq);
        assertEquals(bundle.modelVersion(), l.modelVersion);
    }

    @Test
    void explainsOnlyTheEntriesTheListShows() {
        ScoredList l = new ListAssembler(1, 2, false, false).assemble(prepared(), SCORES, bundle, null, null);
        assertEquals(h, l.because[0], "a recent item explains itself");
        assertNull(l.because[1], "overfetched: shown only if the catalog filter drops an item");
        assertNull(l.because[2]);
    }

    @Test
    void skipsHistoryItemsInTheRankerOrderedDiscoveryListAndAppendsTheNextBest() {
        ScoredList l = new ListAssembler(2, 0, true, false).assemble(prepared(), SCORES, bundle, null, null);
        assertArrayEquals(new String[] {h, a, b}, l.items, "b follows so that top-K entries are outside the history");
        assertArrayEquals(new boolean[] {true, false, false}, l.skipInDiscover);
        assertEquals(1, l.extra);
        assertEquals(2, l.mainCount());
        assertArrayEquals(new float[] {0.9f, 0.8f, 0.7f}, l.scores);
    }

    @Test
    void appendsTheNeighbourListAndFillsItWithTheRankersBestAtScoreZero() {
        PreparedEvent p = prepared();
        LiveTables tables = new LiveTables();
        tables.setSessions(new SessionNeighbours(10, 10));
        tables.sessions().observe("u2", new String[] {"d1", h}, 2);
        tables.sessions().observe("u1", new String[] {h}, 1);
        new DiscoveryFusion(2, 5, 20, 1.0, 0, 0).fuse(tables, new UserEvent("e1", "u1", h, EventType.VIEW, T0),
                new String[] {h}, 1, p.onlineScores, item -> false, p.discovery);
        assertEquals(1, p.discovery.size(), "one neighbour item: the list is short");

        ScoredList l = new ListAssembler(2, 0, true, true).assemble(p, SCORES, bundle, null, null);
        assertArrayEquals(new String[] {h, a, "d1", a}, l.items);
        assertArrayEquals(new boolean[] {true, true, false, false}, l.skipInDiscover, "the main list is skipped");
        assertEquals(2, l.extra);
        assertEquals((float) p.discovery.score(0), l.scores[2]);
        assertEquals(0f, l.scores[3], "a fill entry");
        assertEquals("session_knn", l.sources[2]);
        assertEquals("retrieval", l.sources[3]);
        assertNotNull(l.because[3], "the first top-K outside the history are explained");
    }
}
