package io.streamrec.job;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Harness tests of micro-batched ranking on RocksDB: lists come out only when a batch fills, its wait expires, a
 * checkpoint barrier or watermark is due, or the input ends; and a batched list is the list the unbatched operator
 * emits for the same events (scores within float tolerance).
 */
class BatchingRecommendOperatorTest {
    private static final long T0 = 1_764_000_000_000L;
    private static ModelBundle bundle;

    private final List<KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList>> open = new ArrayList<>();

    @BeforeAll
    static void loadBundle() throws Exception {
        bundle = BundleLoader.load("classpath:default");
    }

    @AfterEach
    void closeHarnesses() throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h : open) {
            h.close();
        }
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness(int batchSize, long waitMs)
            throws Exception {
        return harness(batchSize, waitMs, "classpath:default");
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness(int batchSize, long waitMs,
                                                                                        String modelPath)
            throws Exception {
        return harness(batchSize, waitMs, modelPath, settings -> { });
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness(int batchSize, long waitMs,
                                                                                        String modelPath,
                                                                                        java.util.function.Consumer<JobSettings> tweak)
            throws Exception {
        JobSettings settings = new JobSettings();
        settings.modelPath = modelPath;
        settings.modelReloadIntervalMs = 0;
        settings.rankerBatchSize = batchSize;
        tweak.accept(settings);
        OneInputStreamOperator<UserEvent, ScoredList> op = batchSize == 0
                ? new KeyedProcessOperator<>(new RecommendFunction(settings))
                : new BatchingRecommendOperator(new RecommendFunction(settings), batchSize, waitMs);
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h =
                new KeyedOneInputStreamOperatorTestHarness<>(op, UserEvent::getUserId, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
        open.add(h);
        return h;
    }

    private static List<UserEvent> events(int n) {
        return events(n, bundle);
    }

    /** Three users, repeated within a batch, with co-visited items so the online table learns between events. */
    private static List<UserEvent> events(int n, ModelBundle b) {
        List<UserEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String user = "u" + (i % 3);
            EventType type = i % 7 == 6 ? EventType.ADD_TO_CART : (i % 11 == 10 ? EventType.PURCHASE : EventType.VIEW);
            String item = i % 13 == 12 ? "new-item-" + (i % 2) // unknown to the bundle: online source and features
                    : b.items().idOf(1 + ((i * 5) % 11) % b.items().size());
            out.add(new UserEvent("e" + i, user, item, type, T0 + i * 1_000L));
        }
        return out;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h, UserEvent e)
            throws Exception {
        h.processElement(new StreamRecord<>(e, e.ts));
    }

    private static void sendAll(KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h,
                                List<UserEvent> events) throws Exception {
        for (UserEvent e : events) {
            send(h, e);
        }
    }

    @Test
    void emitsNothingUntilTheBatchIsFullThenEveryListInEventOrder() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(4, 60_000);
        List<UserEvent> in = events(4);
        for (int i = 0; i < 3; i++) {
            send(h, in.get(i));
        }
        assertEquals(0, h.extractOutputValues().size(), "three of four pending: nothing scored yet");
        send(h, in.get(3));
        List<ScoredList> out = h.extractOutputValues();
        assertEquals(4, out.size());
        for (int i = 0; i < 4; i++) {
            assertEquals("e" + i, out.get(i).triggerEventId);
        }
        List<StreamRecord<? extends ScoredList>> records = h.extractOutputStreamRecords();
        for (int i = 0; i < 4; i++) {
            assertEquals(in.get(i).ts, records.get(i).getTimestamp(), "each list keeps its own event's timestamp");
        }
    }

    @Test
    void batchedListsEqualTheUnbatchedOperatorsLists() throws Exception {
        assertBatchedEqualsUnbatched("classpath:default", bundle);
    }

    @Test
    void batchedListsEqualUnbatchedWithHistoryAndOnlineCoVisitationFeatures() throws Exception {
        // a model-export bundle naming all seven candidate features: the online scores of a pending event must be
        // those of the table as it stood after that event, although later events of the batch update it
        String dir = io.streamrec.model.ShippedBundle.allFeaturesDirectory().toString();
        assertBatchedEqualsUnbatched(dir, BundleLoader.load(dir));
    }

    private void assertBatchedEqualsUnbatched(String modelPath, ModelBundle model) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> single = harness(0, 0, modelPath);
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> batched = harness(5, 60_000, modelPath);
        List<UserEvent> in = events(20, model);
        for (UserEvent e : in) {
            send(single, e);
            send(batched, e);
        }
        List<ScoredList> a = single.extractOutputValues();
        List<ScoredList> b = batched.extractOutputValues();
        assertEquals(20, a.size());
        assertEquals(20, b.size());
        assertSameLists(a, b);
    }

    @Test
    void warmUpEventsEmitNothingAndTheListsAfterThemAreThoseOfAFullRun() throws Exception {
        // recs.lists-from: the first 13 events only update state and tables; the all-features bundle reads the
        // history, the online co-visitation table and the session tables, all of which the warm-up must feed
        String dir = io.streamrec.model.ShippedBundle.allFeaturesDirectory().toString();
        List<UserEvent> in = events(30, BundleLoader.load(dir));
        long from = in.get(13).ts;
        for (int batch : new int[] {0, 5}) {
            // with the discovery list in neighbour order, so the session, category and sequence tables serve too
            KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> full =
                    harness(batch, 60_000, dir, st -> st.discoverList = true);
            KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> warm =
                    harness(batch, 60_000, dir, st -> {
                        st.discoverList = true;
                        st.listsFromTs = from;
                    });
            sendAll(full, in);
            sendAll(warm, in);
            full.getOneInputOperator().finish();
            warm.getOneInputOperator().finish();
            List<ScoredList> all = full.extractOutputValues();
            List<ScoredList> after = warm.extractOutputValues();
            assertEquals(30, all.size(), "batch " + batch);
            assertEquals(17, after.size(), "batch " + batch + ": one list per event from event 13 on");
            assertEquals("e13", after.get(0).triggerEventId);
            assertSameLists(all.subList(13, 30), after);
        }
    }

    /** The same lists, event by event: ids, per-user seq, sources, items; scores to 1e-4 (exact ties may swap). */
    private static void assertSameLists(List<ScoredList> a, List<ScoredList> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            ScoredList x = a.get(i);
            ScoredList y = b.get(i);
            assertEquals(x.triggerEventId, y.triggerEventId);
            assertEquals(x.seq, y.seq);
            assertEquals(x.items.length, y.items.length, "list " + i);
            assertArrayEquals(x.sources, y.sources, "list " + i);
            assertArrayEquals(x.because, y.because, "list " + i);
            assertEquals(x.extra, y.extra, "list " + i);
            assertEquals(x.skipInDiscover == null, y.skipInDiscover == null, "list " + i);
            for (int j = 0; j < x.scores.length; j++) {
                assertEquals(x.scores[j], y.scores[j], 1e-4, "list " + i + " rank " + j);
            }
            // the same multiset of items; exact ties may swap places
            assertEquals(new java.util.TreeSet<>(List.of(x.items)), new java.util.TreeSet<>(List.of(y.items)),
                    "list " + i);
        }
    }

    @Test
    void flushesPendingListsBeforeTheCheckpointBarrier() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(8, 60_000);
        sendAll(h, events(3));
        assertEquals(0, h.extractOutputValues().size());
        h.prepareSnapshotPreBarrier(1L);
        assertEquals(3, h.extractOutputValues().size(), "nothing pending may cross the barrier");
        h.snapshot(1L, 1L);
    }

    @Test
    void timesEachCheckpointsSynchronousPartAndTheTablesFreezeInIt() throws Exception {
        JobSettings settings = new JobSettings();
        settings.modelPath = "classpath:default";
        settings.modelReloadIntervalMs = 0;
        settings.rankerBatchSize = 8;
        RecommendFunction function = new RecommendFunction(settings);
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new BatchingRecommendOperator(function, 8, 60_000),
                        UserEvent::getUserId, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        h.open();
        open.add(h);
        sendAll(h, events(20));
        h.snapshot(1L, 1L);
        sendAll(h, events(5));
        h.snapshot(2L, 2L);
        RecommendMetrics m = function.metrics();
        assertEquals(2, m.checkpointSyncUs.getCount(), "one figure per checkpoint");
        assertEquals(2, m.tablesSnapshotUs.getCount());
        // the whole synchronous part includes the tables' freeze
        assertTrue(m.checkpointSyncUs.getStatistics().getMax() >= m.tablesSnapshotUs.getStatistics().getMin());
    }

    @Test
    void flushesPendingListsBeforeForwardingAWatermark() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(8, 60_000);
        sendAll(h, events(2));
        h.processWatermark(new Watermark(T0 + 5_000));
        List<Object> out = new ArrayList<>(h.getOutput());
        assertEquals(3, out.size());
        assertInstanceOf(StreamRecord.class, out.get(0));
        assertInstanceOf(StreamRecord.class, out.get(1));
        assertInstanceOf(Watermark.class, out.get(2), "the watermark follows the lists it covers");
    }

    @Test
    void flushesWhenTheOldestPendingEventHasWaitedTheMaximum() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(8, 5);
        h.setProcessingTime(1_000L);
        send(h, events(1).get(0));
        h.setProcessingTime(1_004L);
        assertEquals(0, h.extractOutputValues().size(), "still within the wait");
        h.setProcessingTime(1_005L);
        assertEquals(1, h.extractOutputValues().size());
        send(h, events(2).get(1));
        h.setProcessingTime(1_010L);
        assertEquals(2, h.extractOutputValues().size(), "a new wait starts with the next pending event");
    }

    @Test
    void flushesPendingListsWhenTheInputEnds() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(8, 60_000);
        sendAll(h, events(3));
        h.getOneInputOperator().finish();
        assertEquals(3, h.extractOutputValues().size());
        assertTrue(h.extractOutputValues().stream().allMatch(l -> l.items.length > 0));
    }
}
