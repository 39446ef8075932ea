package io.streamrec.job;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.feedback.ListFeedback;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sink.ScoredList;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Harness tests of the ranking operator's online feedback on RocksDB with the shipped bundle: each accepted event is
 * judged against its user's last list ({@link UserState#lastList}, the first top-K of the emitted list) on the
 * {@link RecommendFunction#FEEDBACK} side output, unbatched and micro-batched, and the list survives a restore; with
 * {@code feedback.horizon-events} N > 1 each list is judged by the next N events within the window instead.
 */
class OnlineFeedbackHarnessTest {
    private static final long T0 = 1_764_000_000_000L;
    private static ModelBundle bundle;

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness;
    private RecommendFunction function;
    private JobSettings settings;

    @BeforeAll
    static void loadBundle() throws Exception {
        bundle = BundleLoader.load("classpath:default");
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void open(int batchSize, OperatorSubtaskState restore) throws Exception {
        open(batchSize, restore, 1);
    }

    private void open(int batchSize, OperatorSubtaskState restore, int horizonEvents) throws Exception {
        settings = new JobSettings();
        settings.feedbackHorizonEvents = horizonEvents;
        settings.feedbackHorizonMs = 30 * 60_000L;
        settings.modelReloadIntervalMs = 0;
        settings.rankerBatchSize = batchSize;
        settings.topK = 10;
        function = new RecommendFunction(settings);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new BatchingRecommendOperator(function, batchSize, 60_000), UserEvent::getUserId, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
    }

    private static String item(int i) {
        return bundle.items().idOf(1 + (i % bundle.items().size()));
    }

    private void send(String id, String user, String item, EventType type, long ts) throws Exception {
        harness.processElement(new StreamRecord<>(new UserEvent(id, user, item, type, ts), ts));
    }

    private List<ListFeedback> feedback() {
        Queue<StreamRecord<ListFeedback>> q = harness.getSideOutput(RecommendFunction.FEEDBACK);
        List<ListFeedback> out = new ArrayList<>();
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    private ScoredList lastListOf(String user) {
        ScoredList last = null;
        for (ScoredList l : harness.extractOutputValues()) {
            if (l.userId.equals(user)) {
                last = l;
            }
        }
        return last;
    }

    private UserState stateOf(String user) throws Exception {
        ((BatchingRecommendOperator) harness.getOperator()).setCurrentKey(user);
        return function.currentState();
    }

    @Test
    void aClickOnTheThirdItemOfTheFirstListIsJudgedRank3() throws Exception {
        open(1, null);
        send("e1", "u1", item(3), EventType.VIEW, T0);
        assertTrue(feedback().isEmpty(), "the first event has no list to judge");
        ScoredList first = harness.extractOutputValues().get(0);
        assertTrue(first.mainCount() >= settings.topK, "the shipped bundle fills a top-" + settings.topK);
        assertArrayEquals(UserStateUpdater.itemHashes(first.items, settings.topK), stateOf("u1").lastList);

        send("e2", "u1", first.items[2], EventType.CLICK, T0 + 1_000);
        List<ListFeedback> fb = feedback();
        assertEquals(List.of(new ListFeedback("main", bundle.modelVersion(), "u1", "e2",
                EventType.CLICK, T0 + 1_000, 3, settings.topK)), fb);
        // the second list replaces the first
        assertArrayEquals(UserStateUpdater.itemHashes(lastListOf("u1").items, settings.topK),
                stateOf("u1").lastList);
    }

    @Test
    void anItemOutsideTheListIsAMissAndADuplicateIsNotJudged() throws Exception {
        open(1, null);
        send("e1", "u1", item(3), EventType.VIEW, T0);
        ScoredList first = harness.extractOutputValues().get(0);
        String outside = null;
        for (int i = 0; outside == null; i++) {
            String c = item(i);
            if (UserStateUpdater.rankInLastList(stateOf("u1"), c) == 0) {
                outside = c;
            }
        }
        send("e2", "u1", outside, EventType.ADD_TO_CART, T0 + 1_000);
        send("e2", "u1", first.items[0], EventType.CLICK, T0 + 2_000); // a duplicate event id: dropped
        assertEquals(List.of(new ListFeedback(null, bundle.modelVersion(), "u1", "e2",
                EventType.ADD_TO_CART, T0 + 1_000, 0, settings.topK)),
                feedback());
    }

    @Test
    void microBatchedListsAreWrittenBackToTheirOwnUsers() throws Exception {
        open(4, null);
        send("a1", "u1", item(1), EventType.VIEW, T0);
        send("b1", "u2", item(2), EventType.VIEW, T0);
        send("a2", "u1", item(5), EventType.VIEW, T0 + 1_000); // u1's first list is still waiting: nothing to judge
        send("b2", "u2", item(6), EventType.VIEW, T0 + 1_000); // the batch is full: four lists, two users
        assertEquals(4, harness.extractOutputValues().size());
        assertTrue(feedback().isEmpty(), feedback().toString());
        ScoredList u1 = lastListOf("u1");
        ScoredList u2 = lastListOf("u2");
        assertEquals("a2", u1.triggerEventId);
        assertArrayEquals(UserStateUpdater.itemHashes(u1.items, settings.topK), stateOf("u1").lastList);
        assertArrayEquals(UserStateUpdater.itemHashes(u2.items, settings.topK), stateOf("u2").lastList);
        assertNotEquals(0, stateOf("u1").lastList[0]);

        send("a3", "u1", u1.items[1], EventType.PURCHASE, T0 + 2_000);
        assertEquals(List.of(new ListFeedback(null, bundle.modelVersion(), "u1", "a3",
                EventType.PURCHASE, T0 + 2_000, 2, settings.topK)),
                feedback());
    }

    @Test
    void aUsersEventsInOneBatchBuildOnEachOtherBeforeTheStateIsWritten() throws Exception {
        open(4, null);
        send("a1", "u1", item(1), EventType.VIEW, T0);
        send("a2", "u1", item(2), EventType.VIEW, T0 + 1_000);
        send("a1", "u1", item(1), EventType.VIEW, T0 + 2_000); // a duplicate of the pending first event
        send("b1", "u2", item(3), EventType.VIEW, T0);
        assertEquals(0, harness.extractOutputValues().size(), "the duplicate took no slot: 3 of 4 pending");
        assertNull(stateOf("u1"), "nothing written before the batch is scored");
        send("b2", "u2", item(4), EventType.VIEW, T0 + 1_000); // the batch is full: 4 lists of 2 users
        assertEquals(4, harness.extractOutputValues().size());
        UserState u1 = stateOf("u1");
        assertEquals(2, u1.seq);
        assertEquals(2, u1.historyLength());
        assertArrayEquals(UserStateUpdater.itemHashes(lastListOf("u1").items, settings.topK), u1.lastList);
    }

    @Test
    void theLastListSurvivesARestore() throws Exception {
        open(1, null);
        send("e1", "u1", item(3), EventType.VIEW, T0);
        ScoredList first = harness.extractOutputValues().get(0);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        open(1, snapshot);
        send("e2", "u1", first.items[4], EventType.VIEW, T0 + 1_000);
        assertEquals(5, feedback().get(0).rank);
    }

    /** The 1-based rank of {@code item} in the list's top-K, 0 when absent: what the job judges against. */
    private int rankIn(ScoredList l, String item) {
        for (int i = 0; i < Math.min(settings.topK, l.mainCount()); i++) {
            if (l.items[i].equals(item)) {
                return i + 1;
            }
        }
        return 0;
    }

    private String outside(ScoredList... lists) {
        for (int i = 0; ; i++) {
            String c = item(i);
            boolean in = false;
            for (ScoredList l : lists) {
                in |= rankIn(l, c) > 0;
            }
            if (!in) {
                return c;
            }
        }
    }

    @Test
    void withAHorizonAListIsJudgedByTheNextEventsUntilItsFirstHitOrTheWindow() throws Exception {
        open(1, null, 3);
        send("e1", "u1", item(3), EventType.VIEW, T0);
        ScoredList l1 = harness.extractOutputValues().get(0);
        send("e2", "u1", outside(l1), EventType.VIEW, T0 + 1_000);
        assertTrue(feedback().isEmpty(), "a miss within the horizon leaves the list open: " + feedback());
        ScoredList l2 = harness.extractOutputValues().get(1);
        String hit = l1.items[4];
        send("e3", "u1", hit, EventType.CLICK, T0 + 2_000);
        List<ListFeedback> expected = new ArrayList<>();
        expected.add(new ListFeedback(null, bundle.modelVersion(), "u1", "e3", EventType.CLICK, T0 + 2_000, 5,
                settings.topK));
        if (rankIn(l2, hit) > 0) {
            expected.add(new ListFeedback(null, bundle.modelVersion(), "u1", "e3", EventType.CLICK, T0 + 2_000,
                    rankIn(l2, hit), settings.topK));
        }
        assertEquals(expected, feedback());

        // 31 minutes later: every list still open (l2 unless it was hit, l3) closes as a miss named by e4
        long late = T0 + 2_000 + 31 * 60_000L;
        send("e4", "u1", l1.items[0], EventType.PURCHASE, late);
        List<ListFeedback> closed = feedback().subList(expected.size(), feedback().size());
        assertEquals(expected.size() == 2 ? 1 : 2, closed.size(), closed.toString());
        for (ListFeedback f : closed) {
            assertEquals(0, f.rank);
            assertEquals("e4", f.eventId);
        }
    }

    @Test
    void withAHorizonAListWithoutAHitClosesAfterNEventsAndSurvivesARestore() throws Exception {
        open(1, null, 2);
        send("e1", "u1", item(3), EventType.VIEW, T0);
        ScoredList l1 = harness.extractOutputValues().get(0);
        send("e2", "u1", outside(l1), EventType.VIEW, T0 + 1_000);
        ScoredList l2 = harness.extractOutputValues().get(1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        open(1, snapshot, 2);
        send("e3", "u1", outside(l1, l2), EventType.CLICK, T0 + 2_000);
        assertEquals(List.of(new ListFeedback(null, bundle.modelVersion(), "u1", "e3", EventType.CLICK, T0 + 2_000,
                0, settings.topK)), feedback(), "l1 closes after its 2 events; l2 has had one");
    }
}
