package io.streamrec.job;

import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sink.ScoredList;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Harness tests of the keyed state-and-rank operator on the RocksDB backend with the shipped model bundle. */
class RecommendFunctionTest {

    private static ModelBundle bundle;
    private static final long T0 = 1_764_000_000_000L;

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness;
    private RecommendFunction function;

    @BeforeAll
    static void loadBundle() throws Exception {
        bundle = BundleLoader.load("classpath:default");
    }

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness(new JobSettings());
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    /** Snapshots the harness, closes it, and opens a new one running {@code settings} restored from the snapshot. */
    private void restartFromSnapshot(JobSettings settings) throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        harness.close();
        harness = newHarness(settings);
        harness.initializeState(snapshot);
        harness.open();
    }

    /** Replaces the default harness with an open one running the defaults plus the discovery list; returns them. */
    private JobSettings reopenWithDiscoveryList() throws Exception {
        return reopenWithDiscoveryList(s -> { });
    }

    /** The same, with {@code change} applied to the settings first. */
    private JobSettings reopenWithDiscoveryList(java.util.function.Consumer<JobSettings> change) throws Exception {
        JobSettings settings = new JobSettings();
        settings.discoverList = true;
        change.accept(settings);
        reopenWith(settings);
        return settings;
    }

    /** Replaces the default harness with an open one running {@code settings}. */
    private void reopenWith(JobSettings settings) throws Exception {
        harness.close();
        harness = newHarness(settings);
        harness.open();
    }

    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> newHarness(JobSettings settings)
            throws Exception {
        settings.modelReloadIntervalMs = 0;
        function = new RecommendFunction(settings);
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new BatchingRecommendOperator(function, 1, 0),
                        UserEvent::getUserId, Types.STRING); // the production operator, unbatched
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static String item(int i) {
        return bundle.items().idOf(1 + (i % bundle.items().size()));
    }

    private static UserEvent event(String id, String user, String item, EventType type, long ts) {
        return new UserEvent(id, user, item, type, ts);
    }

    private void send(UserEvent e) throws Exception {
        harness.processElement(new StreamRecord<>(e, e.ts));
    }

    private UserState stateOf(String user) throws Exception {
        @SuppressWarnings("unchecked")
        KeyedProcessOperator<String, UserEvent, ScoredList> op =
                (KeyedProcessOperator<String, UserEvent, ScoredList>) harness.getOperator();
        op.setCurrentKey(user);
        return function.currentState();
    }

    @Test
    void emitsOneRankedListPerEventWithIncreasingSeq() throws Exception {
        for (int i = 0; i < 5; i++) {
            send(event("e" + i, "u1", item(i), EventType.VIEW, T0 + i * 1000));
        }
        List<ScoredList> out = harness.extractOutputValues();
        assertEquals(5, out.size());
        for (int i = 0; i < 5; i++) {
            ScoredList l = out.get(i);
            assertEquals(i + 1, l.seq);
            assertEquals("e" + i, l.triggerEventId);
            assertEquals(bundle.modelVersion(), l.modelVersion);
            assertTrue(l.items.length > 0);
            for (int j = 1; j < l.scores.length; j++) {
                assertTrue(l.scores[j - 1] >= l.scores[j], "list is best-first");
            }
            assertEquals(l.items.length, Arrays.stream(l.items).distinct().count(), "no duplicate items");
        }
    }

    @Test
    void updatesStateWithTheBundlesFormula() throws Exception {
        send(event("e1", "u1", item(3), EventType.VIEW, T0));
        send(event("e2", "u1", item(4), EventType.ADD_TO_CART, T0 + 60_000));
        UserState s = stateOf("u1");
        float[] expected = new float[bundle.manifest().embeddingDim()];
        long last = io.streamrec.model.InterestVector.update(bundle, expected, Long.MIN_VALUE, item(3),
                EventType.VIEW, T0);
        io.streamrec.model.InterestVector.update(bundle, expected, last, item(4), EventType.ADD_TO_CART,
                T0 + 60_000);
        assertArrayEquals(expected, s.interest);
        assertArrayEquals(new String[] {item(4), item(3)}, s.histItems);
        assertArrayEquals(new String[] {item(4)}, s.cart);
        assertEquals(2, s.seq);
    }

    @Test
    void emitsNothingForDuplicateEvent() throws Exception {
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        send(event("e2", "u1", item(2), EventType.VIEW, T0 + 1));
        List<ScoredList> out = harness.extractOutputValues();
        assertEquals(2, out.size());
        assertEquals(2, out.get(1).seq);
        assertEquals(2, stateOf("u1").histItems.length);
    }

    @Test
    void neverRecommendsAPurchasedItem() throws Exception {
        String bought = item(7);
        send(event("e1", "u1", bought, EventType.VIEW, T0));
        send(event("e2", "u1", bought, EventType.ADD_TO_CART, T0 + 1000));
        List<ScoredList> before = harness.extractOutputValues();
        assertTrue(Arrays.asList(before.get(1).items).contains(bought), "a viewed item is re-proposed");
        send(event("e3", "u1", bought, EventType.PURCHASE, T0 + 2000));
        send(event("e4", "u1", item(8), EventType.VIEW, T0 + 3000));
        List<ScoredList> out = harness.extractOutputValues();
        assertFalse(Arrays.asList(out.get(2).items).contains(bought));
        assertFalse(Arrays.asList(out.get(3).items).contains(bought));
        assertEquals(0, stateOf("u1").cart.length, "a purchase leaves the cart");
    }

    @Test
    void neverRecommendsARecentItemWithTheSeenFilterOn() throws Exception {
        JobSettings settings = new JobSettings();
        settings.filterSeen = true;
        reopenWith(settings);
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        send(event("e2", "u1", item(2), EventType.VIEW, T0 + 1000));
        send(event("e3", "u2", item(3), EventType.VIEW, T0 + 2000));
        List<ScoredList> out = harness.extractOutputValues();
        List<String> u1 = Arrays.asList(out.get(1).items);
        assertFalse(u1.contains(item(1)) || u1.contains(item(2)), "u1's own items are filtered: " + u1);
        assertFalse(Arrays.asList(out.get(2).items).contains(item(3)), "so are u2's");
        assertTrue(u1.size() > 0, "the list is still filled from other sources");
    }

    @Test
    void marksHistoryItemsAndRanksEnoughOthersForTheDiscoveryListInRankerOrder() throws Exception {
        JobSettings settings = reopenWithDiscoveryList(s -> s.discoverOrder = StreamrecOptions.DiscoverOrder.RANKER);
        int wanted = settings.topK + RecommendFunction.OVERFETCH;
        for (int i = 0; i < 30; i++) {
            send(event("e" + i, "u1", item(i % 12), EventType.VIEW, T0 + i * 1000));
        }
        java.util.Set<String> history = new java.util.HashSet<>(Arrays.asList(stateOf("u1").histItems));
        ScoredList l = harness.extractOutputValues().get(29);
        assertNotNull(l.skipInDiscover);
        assertEquals(l.items.length, l.skipInDiscover.length);
        int outside = 0;
        for (int j = 0; j < l.items.length; j++) {
            assertEquals(history.contains(l.items[j]), l.skipInDiscover[j], "mark of " + l.items[j]);
            outside += l.skipInDiscover[j] ? 0 : 1;
        }
        assertTrue(l.mainCount() <= wanted && l.mainCount() > 0);
        assertTrue(l.extra > 0, "twelve history items leave the ranked list short of others");
        assertEquals(wanted, outside, "extras are added until top-K + overfetch entries are outside the history");
        float lowestMain = Float.POSITIVE_INFINITY;
        for (int j = 0; j < l.mainCount(); j++) {
            lowestMain = Math.min(lowestMain, l.scores[j]);
        }
        for (int j = l.mainCount(); j < l.items.length; j++) {
            assertFalse(l.skipInDiscover[j], "an extra is never a history item");
            assertTrue(l.scores[j] <= lowestMain, "extras rank below the main list");
            if (j > l.mainCount()) {
                assertTrue(l.scores[j - 1] >= l.scores[j], "extras are best-first");
            }
        }
        assertEquals(l.items.length, Arrays.stream(l.items).distinct().count(), "no item twice");
    }

    /**
     * u2 views x1, x2, x3; u3 views x5 and, two days later, x1 (too far apart to co-visit); then u1 views x1. By hand:
     * online co-visitation from x1: x2 1, x3 1/2. Session neighbours through x1: u3 and u2 (sim 1 each); u3's items
     * score 1/√2, u2's 1/√3. So x2 = ln 2 + ln(1 + 1/√3), x3 = ln 1.5 + ln(1 + 1/√3), x5 = ln(1 + 1/√2); x1 is history.
     */
    private List<ScoredList> neighbourScenario() throws Exception {
        sendNeighboursSessions();
        sendNeighbourScenarioTrigger();
        return harness.extractOutputValues();
    }

    private static final long DAY = 86_400_000L;

    private void sendNeighboursSessions() throws Exception {
        send(event("a1", "u2", "x1", EventType.VIEW, T0));
        send(event("a2", "u2", "x2", EventType.VIEW, T0 + 1_000));
        send(event("a3", "u2", "x3", EventType.VIEW, T0 + 2_000));
        send(event("b1", "u3", "x5", EventType.VIEW, T0 + 3_000));
        send(event("b2", "u3", "x1", EventType.VIEW, T0 + 3_000 + 2 * DAY));
    }

    private void sendNeighbourScenarioTrigger() throws Exception {
        send(event("c1", "u1", "x1", EventType.VIEW, T0 + 4_000 + 2 * DAY));
    }

    private static void assertNeighbourDiscovery(ScoredList l) {
        int m = l.mainCount();
        for (int j = 0; j < m; j++) {
            assertTrue(l.skipInDiscover[j], "the discovery list skips every main-list entry");
        }
        String[] neighbours = Arrays.copyOfRange(l.items, m, m + 3);
        assertArrayEquals(new String[] {"x2", "x3", "x5"}, neighbours);
        double session2 = Math.log1p(1 / Math.sqrt(3));
        // the sequence term: in u2's session x2 came right after x1 (1) and x3 two events after it (1/2)
        double w = new JobSettings().discoverSequenceWeight;
        assertEquals((float) (Math.log(2) + session2 + w * Math.log(2)), l.scores[m], 1e-6);
        assertEquals((float) (Math.log(1.5) + session2 + w * Math.log(1.5)), l.scores[m + 1], 1e-6);
        assertEquals((float) Math.log1p(1 / Math.sqrt(2)), l.scores[m + 2], 1e-6);
        assertEquals("online_covisit", l.sources[m], "co-visitation gives x2 more");
        assertEquals("session_knn", l.sources[m + 1], "the session term is the larger for x3");
        assertEquals("session_knn", l.sources[m + 2], "only u3's session points to x5");
        assertEquals("x1", l.because[m], "x2 is explained by the item it was co-visited with");
        assertFilledByTheRanker(l, 3);
    }

    /** After the neighbours' {@code reached} entries, the ranker's candidates fill the list with score 0. */
    private static void assertFilledByTheRanker(ScoredList l, int reached) {
        int m = l.mainCount();
        assertEquals(new JobSettings().topK + RecommendFunction.OVERFETCH, l.extra, "filled to top-K + overfetch");
        java.util.Set<String> discover = new java.util.HashSet<>();
        for (int j = m; j < l.items.length; j++) {
            assertFalse(l.skipInDiscover[j]);
            assertTrue(discover.add(l.items[j]), "no item twice in the discovery list: " + l.items[j]);
            assertFalse(l.items[j].equals("x1"), "never the user's own item");
            if (j >= m + reached) {
                assertEquals(0f, l.scores[j], "a fill entry");
                assertFalse(l.sources[j].equals("session_knn"));
            }
        }
    }

    @Test
    void fillsANewShoppersDiscoveryListWithTheRankersCandidates() throws Exception {
        reopenWithDiscoveryList();
        send(event("c1", "u1", "x1", EventType.VIEW, T0));
        ScoredList l = harness.extractOutputValues().get(0);
        assertFilledByTheRanker(l, 0);
    }

    @Test
    void ordersTheDiscoveryListByCovisitationAndSessionNeighboursByDefault() throws Exception {
        JobSettings settings = reopenWithDiscoveryList();
        assertEquals(StreamrecOptions.DiscoverOrder.NEIGHBOURS, settings.discoverOrder);
        List<ScoredList> out = neighbourScenario();
        assertNeighbourDiscovery(out.get(5));
        assertArrayEquals(new String[] {"x1"}, function.sessionNeighbours().itemsOf("u1"));
    }

    @Test
    void leavesPurchasedItemsOutOfTheNeighbourDiscoveryList() throws Exception {
        reopenWithDiscoveryList();
        // u1 bought x5 long ago (beyond the pair window and the gap, so it co-visits nothing)
        send(event("p0", "u1", "x5", EventType.PURCHASE, T0 - 10 * 86_400_000L));
        List<ScoredList> out = neighbourScenario();
        ScoredList l = out.get(out.size() - 1);
        assertFalse(Arrays.asList(l.items).subList(l.mainCount(), l.items.length).contains("x5"));
        assertFalse(Arrays.asList(l.items).subList(l.mainCount(), l.items.length).contains("x1"));
    }

    @Test
    void rebuildsTheSessionIndexAndRestoresTheSequenceTableAfterRestore() throws Exception {
        JobSettings settings = reopenWithDiscoveryList();
        sendNeighboursSessions();
        restartFromSnapshot(settings);
        assertArrayEquals(new String[] {"x3", "x2", "x1"}, function.sessionNeighbours().itemsOf("u2"));
        assertArrayEquals(new String[] {"u3", "u2"}, function.sessionNeighbours().usersOf("x1"));
        assertEquals(1.0, function.sequenceTable().weight("x2", "x3"), 1e-12, "the sequence table's chunks restore");
        sendNeighbourScenarioTrigger();
        assertNeighbourDiscovery(harness.extractOutputValues().get(0)); // its scores need both
    }

    @Test
    void addsWhatCameAfterTheEventsItemToTheNeighbourDiscoveryList() throws Exception {
        // a weight above co-visitation's 1, so the term names the source
        reopenWithDiscoveryList(s -> s.discoverSequenceWeight = 2.0);
        List<ScoredList> out = neighbourScenario();
        ScoredList l = out.get(5);
        int m = l.mainCount();
        assertEquals("x2", l.items[m]);
        assertEquals((float) (Math.log(2) + Math.log1p(1 / Math.sqrt(3)) + 2 * Math.log(2)), l.scores[m], 1e-6);
        assertEquals("sequence", l.sources[m], "x2 came right after x1: the sequence term is the largest");
        assertEquals("x1", l.because[m], "explained by the item just viewed, which it followed");
        OnlineCovisitation t = function.sequenceTable();
        assertEquals(1.0, t.weight("x1", "x2"), 1e-12);
        assertEquals(0.5, t.weight("x1", "x3"), 1e-12);
        assertEquals(0.0, t.weight("x2", "x1"), "directed: x1 never came after x2");
        assertEquals(0.0, t.weight("x5", "x1"), "u3's two views are two days apart, beyond the gap");
    }

    @Test
    void keepsTheStateNamesAndTtlThatOldSavepointsHold() throws Exception {
        reopenWithDiscoveryList();
        sendNeighboursSessions();
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (org.apache.flink.runtime.state.OperatorStateHandle h : snapshot.getManagedOperatorState()) {
            names.addAll(h.getStateNameToPartitionOffsets().keySet());
        }
        assertEquals(java.util.Set.of("category-popularity-chunks", "online-covisitation-chunks", "sequence-chunks",
                "session-knn-users"), names);

        org.apache.flink.api.common.state.ValueStateDescriptor<UserState> d = UserStateDescriptor.create(20_000);
        assertEquals("user-state", d.getName());
        org.apache.flink.api.common.state.StateTtlConfig ttl = d.getTtlConfig();
        assertEquals(java.time.Duration.ofMillis(20_000), ttl.getTimeToLive());
        assertEquals(org.apache.flink.api.common.state.StateTtlConfig.UpdateType.OnCreateAndWrite,
                ttl.getUpdateType());
        assertEquals(org.apache.flink.api.common.state.StateTtlConfig.StateVisibility.NeverReturnExpired,
                ttl.getStateVisibility());
        assertEquals(1000, ttl.getCleanupStrategies().getRocksdbCompactFilterCleanupStrategy()
                .getQueryTimeAfterNumEntries());
    }

    @Test
    void keepsNoSequenceTableWithoutASequenceWeight() throws Exception {
        reopenWithDiscoveryList(s -> s.discoverSequenceWeight = 0);
        List<ScoredList> out = neighbourScenario();
        assertEquals(null, function.sequenceTable());
        ScoredList l = out.get(5);
        int m = l.mainCount();
        assertEquals((float) (Math.log(2) + Math.log1p(1 / Math.sqrt(3))), l.scores[m], 1e-6,
                "the co-visitation and session terms alone");
    }

    /** Three other shoppers view two items of category "c"; then u1 views a third item of it. */
    private void sendCategoryViews() throws Exception {
        send(categorised(event("k1", "u2", "y1", EventType.VIEW, T0)));
        send(categorised(event("k2", "u3", "y1", EventType.VIEW, T0 + 1_000)));
        send(categorised(event("k3", "u4", "y2", EventType.VIEW, T0 + 2_000)));
    }

    private static UserEvent categorised(UserEvent e) {
        e.category = "c";
        return e;
    }

    private void assertCategoryDiscovery(ScoredList l) {
        int m = l.mainCount();
        assertArrayEquals(new String[] {"y1", "y2"}, Arrays.copyOfRange(l.items, m, m + 2));
        double halfLife = new JobSettings().categoryHalfLifeMs;
        double y1 = Math.pow(2, -3_000 / halfLife) + Math.pow(2, -2_000 / halfLife);
        double y2 = Math.pow(2, -1_000 / halfLife);
        double w = new JobSettings().discoverCategoryWeight;
        assertEquals((float) (w * Math.log1p(y1)), l.scores[m], 1e-6);
        assertEquals((float) (w * Math.log1p(y2)), l.scores[m + 1], 1e-6);
        assertEquals("category_popular", l.sources[m]);
        assertEquals("category_popular", l.sources[m + 1]);
        assertEquals("z", l.because[m], "explained by the item just viewed, whose category it is popular in");
        assertFilledByTheRanker(l, 2);
    }

    @Test
    void addsTheEventsCategoryFavouritesToTheNeighbourDiscoveryList() throws Exception {
        reopenWithDiscoveryList();
        sendCategoryViews();
        send(categorised(event("k4", "u1", "z", EventType.VIEW, T0 + 3_000)));
        List<ScoredList> out = harness.extractOutputValues();
        assertCategoryDiscovery(out.get(3));
        // the trigger's own item counts too, but it is in u1's history, so never in u1's discovery list
        assertEquals(1.0, function.categoryPopularity().popularity("c", "z", T0 + 3_000), 1e-12);
    }

    @Test
    void categoryPopularitySurvivesSnapshotAndRestore() throws Exception {
        JobSettings settings = reopenWithDiscoveryList();
        sendCategoryViews();
        restartFromSnapshot(settings);
        send(categorised(event("k4", "u1", "z", EventType.VIEW, T0 + 3_000)));
        assertCategoryDiscovery(harness.extractOutputValues().get(0));
    }

    @Test
    void aFarFutureEventLeavesEveryListFiniteAndTheCategorysViewsRanking() throws Exception {
        reopenWithDiscoveryList();
        sendCategoryViews();
        send(categorised(event("k9", "u9", "bad", EventType.VIEW, Long.MAX_VALUE)));
        send(categorised(event("k4", "u1", "z", EventType.VIEW, T0 + 3_000)));
        send(categorised(event("k5", "u5", "y2", EventType.VIEW, T0 + 4_000)));
        send(categorised(event("k6", "u1", "z2", EventType.VIEW, T0 + 5_000)));
        List<ScoredList> out = harness.extractOutputValues();
        for (ScoredList l : out.subList(4, out.size())) {
            for (float f : l.scores) {
                assertTrue(Float.isFinite(f), l.triggerEventId + ": " + Arrays.toString(l.scores));
            }
        }
        ScoredList last = out.get(out.size() - 1);
        List<String> discovery = Arrays.asList(last.items).subList(last.mainCount(), last.items.length);
        assertTrue(discovery.indexOf("y1") >= 0 && discovery.indexOf("y2") >= 0, discovery.toString());
        double y2 = function.categoryPopularity().popularity("c", "y2", T0 + 5_000);
        assertTrue(y2 > 1.9 && y2 < 2.1, "both views of y2 count, the one after the far-future event too: " + y2);
    }

    @Test
    void restoresTheLiveTablesWithinSmallerByteBudgets() throws Exception {
        reopenWithDiscoveryList();
        String pad = "p".repeat(2 * 1024); // larger ids would outgrow the harness's 5 MB in-memory checkpoints
        for (int i = 0; i < 60; i++) {
            send(categorised(event("b" + i, "u" + (i % 7), pad + i, EventType.VIEW, T0 + i * 1_000L)));
        }
        assertTrue(function.onlineCovisitation().bytes() > 128L << 10, "" + function.onlineCovisitation().bytes());
        JobSettings small = new JobSettings();
        small.discoverList = true;
        small.onlineCovisitMaxBytes = 64L << 10;
        small.sessionMaxBytes = 64L << 10;
        small.categoryMaxBytes = 64L << 10;
        restartFromSnapshot(small);
        assertEquals(64L << 10, function.onlineCovisitation().maxBytes());
        assertTrue(function.onlineCovisitation().bytes() <= 64L << 10);
        assertTrue(function.onlineCovisitation().weight(pad + 59, pad + 52) > 0, "the latest pair (u3's) is kept");
        assertTrue(function.sequenceTable().bytes() <= 64L << 10 && function.sequenceTable().size() > 0);
        assertTrue(function.categoryPopularity().bytes() <= 64L << 10);
        assertTrue(function.categoryPopularity().popularity("c", pad + 59, T0 + 59_000L) > 0.9);
        assertTrue(function.sessionNeighbours().bytes() <= 64L << 10 && function.sessionNeighbours().users() > 0);
    }

    @Test
    void keepsNoCategoryTableWithoutACategoryWeight() throws Exception {
        reopenWithDiscoveryList(s -> s.discoverCategoryWeight = 0);
        sendCategoryViews();
        send(categorised(event("k4", "u1", "z", EventType.VIEW, T0 + 3_000)));
        assertEquals(null, function.categoryPopularity());
        ScoredList l = harness.extractOutputValues().get(3);
        for (String src : l.sources) {
            assertFalse(src.equals("category_popular"));
        }
    }

    @Test
    void keepsNoSessionIndexWhenTheDiscoveryListIsRankerOrderedOrOff() throws Exception {
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        assertEquals(null, function.sessionNeighbours(), "discovery list off");
        reopenWithDiscoveryList(s -> s.discoverOrder = StreamrecOptions.DiscoverOrder.RANKER);
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        assertEquals(null, function.sessionNeighbours(), "ranker order");
    }

    @Test
    void explainsOnlyTheEntriesTheListsShowWhenNothingIsOutOfStock() throws Exception {
        for (int i = 0; i < 8; i++) {
            send(event("e" + i, "u1", item(i), EventType.VIEW, T0 + i * 1000));
        }
        ScoredList l = harness.extractOutputValues().get(7);
        int topK = new JobSettings().topK;
        assertTrue(l.items.length > topK, "the list is overfetched");
        assertTrue(Arrays.stream(l.because, 0, topK).anyMatch(b -> b != null), "shown entries are explained");
        for (int j = topK; j < l.items.length; j++) {
            assertEquals(null, l.because[j], "overfetched entry " + j + " stands in only for a dropped item");
        }
    }

    @Test
    void sendsNoHistoryMarksWithTheDiscoveryListOff() throws Exception {
        assertFalse(new JobSettings().discoverList, "off by default");
        for (int i = 0; i < 5; i++) {
            send(event("e" + i, "u1", item(i), EventType.VIEW, T0 + i * 1000));
        }
        ScoredList l = harness.extractOutputValues().get(4);
        assertEquals(null, l.skipInDiscover);
        assertEquals(0, l.extra);
        assertEquals(new JobSettings().topK + RecommendFunction.OVERFETCH, l.items.length);
    }

    @Test
    void dropsUserStateAfterTtl() throws Exception {
        harness.close();
        JobSettings settings = new JobSettings();
        settings.stateTtlMs = 10_000;
        harness = newHarness(settings);
        harness.setStateTtlProcessingTime(0);
        harness.open();
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        send(event("e2", "u1", item(2), EventType.VIEW, T0 + 1));
        harness.setStateTtlProcessingTime(5_000);
        assertNotNull(stateOf("u1"), "still alive within the TTL");
        harness.setStateTtlProcessingTime(20_001);
        assertEquals(null, stateOf("u1"), "expired after the TTL");
        send(event("e3", "u1", item(3), EventType.VIEW, T0 + 2));
        List<ScoredList> out = harness.extractOutputValues();
        assertEquals(1, out.get(2).seq, "an expired user starts afresh");
        assertEquals(1, stateOf("u1").histItems.length);
    }

    @Test
    void snapshotAndRestoreKeepTheInterestVectorBitForBit() throws Exception {
        for (int i = 0; i < 8; i++) {
            send(event("e" + i, "u1", item(i * 5), i % 3 == 0 ? EventType.CLICK : EventType.VIEW, T0 + i * 7_919));
        }
        UserState before = stateOf("u1");
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
        send(event("e-next", "u1", item(99), EventType.VIEW, T0 + 100_000));
        ScoredList uninterrupted = harness.extractOutputValues().get(8);
        harness.close();

        harness = newHarness(new JobSettings());
        harness.initializeState(snapshot);
        harness.open();
        UserState restored = stateOf("u1");
        assertEquals(before.interest.length, restored.interest.length);
        for (int k = 0; k < before.interest.length; k++) {
            assertEquals(Float.floatToRawIntBits(before.interest[k]), Float.floatToRawIntBits(restored.interest[k]));
        }
        assertEquals(before.lastTs, restored.lastTs);
        assertArrayEquals(before.histItems, restored.histItems);
        assertEquals(before.seq, restored.seq);

        send(event("e-next", "u1", item(99), EventType.VIEW, T0 + 100_000));
        ScoredList afterRestore = harness.extractOutputValues().get(0);
        assertEquals(uninterrupted.seq, afterRestore.seq);
        assertArrayEquals(uninterrupted.items, afterRestore.items);
        assertArrayEquals(uninterrupted.scores, afterRestore.scores);
    }

    /** Settings where every candidate is emitted, so a test can see the online co-visitation source's items. */
    private static JobSettings everyCandidateEmitted() {
        JobSettings settings = new JobSettings();
        settings.topK = 1000;
        return settings;
    }

    private static int indexOf(ScoredList l, String item) {
        return Arrays.asList(l.items).indexOf(item);
    }

    @Test
    void proposesAnItemFirstSeenAfterTrainingToAnotherUserAfterCoVisitation() throws Exception {
        reopenWith(everyCandidateEmitted());
        String fresh = "fresh-item-after-training";
        assertEquals(0, bundle.items().indexOf(fresh), "not in the bundle's vocabulary");
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        send(event("e2", "u1", fresh, EventType.VIEW, T0 + 1_000));
        // learnt before ranking, from u1's history as it stood before e2: distance 1, both directions
        assertEquals(1.0, function.onlineCovisitation().weight(fresh, item(1)));
        assertEquals(1.0, function.onlineCovisitation().weight(item(1), fresh));
        send(event("e2", "u1", fresh, EventType.VIEW, T0 + 1_000));
        assertEquals(1.0, function.onlineCovisitation().weight(fresh, item(1)), "a duplicate teaches nothing");

        send(event("e3", "u2", item(1), EventType.VIEW, T0 + 2_000));
        ScoredList l = harness.extractOutputValues().get(2);
        assertEquals("e3", l.triggerEventId);
        int at = indexOf(l, fresh);
        assertTrue(at >= 0, "u2 gets the fresh item: " + Arrays.toString(l.items));
        assertEquals("online_covisit", l.sources[at]);
        assertEquals(item(1), l.because[at]);
    }

    @Test
    void onlineCoVisitationSurvivesSnapshotAndRestore() throws Exception {
        reopenWith(everyCandidateEmitted());
        String fresh = "fresh-item-after-training";
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        send(event("e2", "u1", fresh, EventType.VIEW, T0 + 1_000));
        send(event("e3", "u1", item(2), EventType.VIEW, T0 + 2_000));
        restartFromSnapshot(everyCandidateEmitted());
        assertEquals(1.0, function.onlineCovisitation().weight(fresh, item(1)));
        assertEquals(1.0, function.onlineCovisitation().weight(item(2), fresh));
        assertEquals(0.5, function.onlineCovisitation().weight(item(2), item(1)));
        send(event("e4", "u2", item(1), EventType.VIEW, T0 + 3_000));
        ScoredList l = harness.extractOutputValues().get(0);
        int at = indexOf(l, fresh);
        assertTrue(at >= 0, "the restored table still proposes the fresh item: " + Arrays.toString(l.items));
        assertEquals("online_covisit", l.sources[at]);
    }

    @Test
    void noOnlineTableWhenTheSourceIsOffAndTheBundleDoesNotNameTheFeature() throws Exception {
        JobSettings settings = new JobSettings();
        settings.onlineCovisitN = 0;
        reopenWith(settings);
        send(event("e1", "u1", item(1), EventType.VIEW, T0));
        send(event("e2", "u1", "fresh", EventType.VIEW, T0 + 1_000));
        assertEquals(null, function.onlineCovisitation());
        for (String src : harness.extractOutputValues().get(1).sources) {
            assertFalse(src.equals("online_covisit"));
        }
    }
}
