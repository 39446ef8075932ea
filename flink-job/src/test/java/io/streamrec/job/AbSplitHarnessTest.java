package io.streamrec.job;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.sink.ScoredList;
import io.streamrec.store.ModelStore;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.TestBundles;
import io.streamrec.store.Variant;
import io.streamrec.store.VariantAssigner;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Harness tests of the A/B split on RocksDB: a model store serves two versions of the shipped bundle as variants
 * {@code a} and {@code b}; every list names the variant the stable hash gives its user and carries that variant's
 * model version, the split follows the weights, a promotion moves every user to the promoted variant, and a plan that
 * names a corrupt version is refused while the old variants keep serving.
 */
class AbSplitHarnessTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final int USERS = 600;

    @TempDir
    Path tmp;
    private Path storeDir;
    private ModelStore store;
    private KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness;
    private RecommendFunction function;

    @BeforeEach
    void makeStore() throws Exception {
        storeDir = tmp.resolve("store");
        store = new ModelStore(storeDir.toString());
        store.upload(bundleCopy("v-a", false), "v-a");
        store.upload(bundleCopy("v-b", false), "v-b");
        store.upload(bundleCopy("v-bad", true), "v-bad");
        store.writePlan(new ServingPlan(List.of(new Variant("a", "v-a", 50), new Variant("b", "v-b", 50)),
                "t0", "test", List.of()));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    /** A copy of the shipped bundle with its own model_version; corrupt: one embedding byte flipped. */
    private Path bundleCopy(String version, boolean corrupt) throws Exception {
        Path dir = TestBundles.copy(tmp.resolve("bundle-" + version), version);
        if (corrupt) {
            TestBundles.corrupt(dir);
        }
        return dir;
    }

    private void open(int batchSize) throws Exception {
        JobSettings settings = new JobSettings();
        settings.modelPath = storeDir.toString();
        settings.modelReloadIntervalMs = 0;
        settings.rankerBatchSize = batchSize;
        function = new RecommendFunction(settings);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new BatchingRecommendOperator(function, batchSize, 60_000), UserEvent::getUserId, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
    }

    private void sendRound(int round, String item) throws Exception {
        for (int u = 0; u < USERS; u++) {
            long ts = T0 + round * 60_000L + u;
            harness.processElement(new StreamRecord<>(
                    new UserEvent("e" + round + "-" + u, "user-" + u, item, EventType.VIEW, ts), ts));
        }
        ((BatchingRecommendOperator) harness.getOperator()).prepareSnapshotPreBarrier(round);
    }

    /** The lists of round {@code round} (the output so far, from list index {@code from}), checked and counted. */
    private Map<String, Integer> checkLists(List<ScoredList> lists, Map<String, String> versions,
                                            VariantAssigner assigner, String[] names) {
        Map<String, Integer> perVariant = new HashMap<>();
        for (ScoredList l : lists) {
            int user = Integer.parseInt(l.userId.substring("user-".length()));
            String expected = names[assigner.assign("user-" + user)];
            assertEquals(expected, l.variant, "variant of " + l.userId);
            assertEquals(versions.get(l.variant), l.modelVersion, "model of variant " + l.variant);
            perVariant.merge(l.variant, 1, Integer::sum);
        }
        return perVariant;
    }

    @Test
    void everyListNamesItsUsersVariantAndTheSplitFollowsTheWeights() throws Exception {
        open(8);
        sendRound(0, "i1");
        List<ScoredList> lists = harness.extractOutputValues();
        assertEquals(USERS, lists.size(), "one list per event, none lost or doubled");
        Map<String, Integer> split = checkLists(lists, Map.of("a", "v-a", "b", "v-b"),
                new VariantAssigner(new int[] {50, 50}), new String[] {"a", "b"});
        int a = split.getOrDefault("a", 0);
        assertTrue(Math.abs(a - USERS / 2) <= USERS / 10, "50/50 split within 10 points: " + split);
    }

    @Test
    void aPromotionMovesEveryUserAndRebuildsTheirInterestVectors() throws Exception {
        open(1);
        sendRound(0, "i1");
        ServingPlan plan = store.readPlan();
        store.writePlan(plan.then(List.of(new Variant("b", "v-b", 100)), "t1", "promote b"));
        function.checkModelNow();
        sendRound(1, "i2");
        List<ScoredList> all = harness.extractOutputValues();
        List<ScoredList> after = all.subList(USERS, all.size());
        assertEquals(USERS, after.size());
        Map<String, Integer> split = checkLists(after, Map.of("b", "v-b"), new VariantAssigner(new int[] {100}),
                new String[] {"b"});
        assertEquals(Map.of("b", USERS), split);
        assertEquals(0, function.modelReloadFailures());
    }

    @Test
    void aPlanNamingACorruptVersionIsRefusedAndTheOldVariantsKeepServing() throws Exception {
        open(1);
        ServingPlan plan = store.readPlan();
        store.writePlan(plan.then(List.of(new Variant("a", "v-a", 50), new Variant("c", "v-bad", 50)), "t1",
                "a corrupt publish"));
        function.checkModelNow();
        assertEquals(1, function.modelReloadFailures(), "the plan is refused");
        sendRound(0, "i1");
        checkLists(harness.extractOutputValues(), Map.of("a", "v-a", "b", "v-b"),
                new VariantAssigner(new int[] {50, 50}), new String[] {"a", "b"});
    }
}
