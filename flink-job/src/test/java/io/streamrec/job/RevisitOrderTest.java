package io.streamrec.job;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.RevisitTestBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job's emitted lists under a bundle with a {@code revisit} scorer: the same events through the same ranker, once
 * without and once with re-visit weights; the history slots are refilled in re-visit order, every other slot and every
 * score stays.
 */
class RevisitOrderTest {
    private static final long T0 = 1_764_000_000_000L;
    /** Oldest distinct item first: the opposite of the recency the ranker leans on. */
    private static final List<String> FEATURES = List.of("log_rank");
    private static final double[] WEIGHTS = {1.0};
    /** An offset into the catalogue's long tail, far from the popular items the candidate sources propose. */
    private static final int FAR = 1500;

    @TempDir
    static Path tmp;
    private static Path plain;
    private static Path revisit;
    private static ModelBundle shipped;

    @BeforeAll
    static void writeBundles() throws Exception {
        plain = RevisitTestBundle.write(tmp.resolve("plain"), "plain", null, null);
        revisit = RevisitTestBundle.write(tmp.resolve("revisit"), "revisit", FEATURES, WEIGHTS);
        shipped = BundleLoader.load(plain.toString());
    }

    private static String item(int i) {
        return shipped.items().idOf(1 + i);
    }

    /** u1's events: item(5) is bought (the filter drops it), item(1) is touched twice. */
    private static List<UserEvent> events() {
        return events(0);
    }

    /** The same events on items {@code offset} places further down the popularity order. */
    private static List<UserEvent> events(int offset) {
        List<UserEvent> e = new ArrayList<>();
        EventType[] types = {EventType.VIEW, EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.VIEW,
                EventType.PURCHASE, EventType.VIEW};
        int[] items = {1, 2, 1, 3, 4, 5, 6};
        for (int i = 0; i < items.length; i++) {
            e.add(new UserEvent("e" + i, "u1", item(offset + items[i]), types[i], T0 + i * 60_000L));
        }
        return e;
    }

    /** The window's items a candidate can be, in log_rank order (oldest first); item(5) was bought. */
    private static List<String> expectedRevisitOrder() {
        return List.of(item(2), item(1), item(3), item(4), item(6));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness(
            RecommendFunction function) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function),
                        UserEvent::getUserId, Types.STRING);
        h.setStateBackend(new EmbeddedRocksDBStateBackend());
        return h;
    }

    private static JobSettings settings(Path bundle, int topK) {
        JobSettings s = new JobSettings();
        s.modelPath = bundle.toString();
        s.modelReloadIntervalMs = 0;
        s.topK = topK;
        return s;
    }

    /** The last list emitted for {@link #events()} with that bundle. */
    private static ScoredList lastList(Path bundle, int topK) throws Exception {
        return lastListWith(settings(bundle, topK));
    }

    private static ScoredList lastListWith(JobSettings settings) throws Exception {
        return lastListWith(settings, 0);
    }

    private static ScoredList lastListWith(JobSettings settings, int offset) throws Exception {
        RecommendFunction f = new RecommendFunction(settings);
        try (KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(f)) {
            h.open();
            for (UserEvent e : events(offset)) {
                h.processElement(new StreamRecord<>(e, e.ts));
            }
            List<ScoredList> out = h.extractOutputValues();
            return out.get(out.size() - 1);
        }
    }

    private static List<String> windowSlots(ScoredList l) {
        return windowSlots(l, 0);
    }

    private static List<String> windowSlots(ScoredList l, int o) {
        List<String> window = List.of(item(o + 1), item(o + 2), item(o + 3), item(o + 4), item(o + 5), item(o + 6));
        List<String> out = new ArrayList<>();
        for (String it : l.items) {
            if (window.contains(it)) {
                out.add(it);
            }
        }
        return out;
    }

    @Test
    void reordersReVisitedItemsByTheBundlesWeightsAndKeepsSlotScoresAndOtherSlots() throws Exception {
        ScoredList before = lastList(plain, 1000); // every candidate emitted: S is every history candidate
        ScoredList after = lastList(revisit, 1000);
        assertEquals("revisit", after.modelVersion);
        assertEquals(before.items.length, after.items.length);
        assertArrayEquals(before.scores, after.scores, "every slot keeps the ranker's score");

        List<String> ranker = windowSlots(before);
        assertEquals(5, ranker.size(), "the five re-visit candidates are in the list: " + ranker);
        assertNotEquals(expectedRevisitOrder(), ranker, "the ranker's own order differs (else the test shows nothing)");
        assertEquals(expectedRevisitOrder(), windowSlots(after));
        assertFalse(Arrays.asList(after.items).contains(item(5)), "a bought item never comes back");

        List<String> window = expectedRevisitOrder();
        List<String> beforeItems = Arrays.asList(before.items);
        for (int j = 0; j < after.items.length; j++) {
            if (!window.contains(before.items[j])) {
                assertEquals(before.items[j], after.items[j], "slot " + j + " holds no re-visit: it stays");
                assertEquals(before.sources[j], after.sources[j]);
                assertEquals(before.because[j], after.because[j]);
            } else {
                assertTrue(window.contains(after.items[j]), "a re-visit slot gets a re-visit");
                int own = beforeItems.indexOf(after.items[j]);
                assertEquals(before.sources[own], after.sources[j], "an item keeps its own source");
                assertEquals(before.because[own], after.because[j], "an item keeps its own because");
            }
        }
    }

    @Test
    void ordersReVisitsByTheEventsCategoriesKeptInTheUsersState() throws Exception {
        // the trigger item(6) is in category X, and so are item(4) and item(2) at their latest events; item(1) was X
        // once but its latest event is Y; item(5) (bought) has none. Same category first, then recency.
        Path bundle = RevisitTestBundle.write(tmp.resolve("category"), "category", List.of("same_category"),
                new double[] {1.0});
        String[] categories = {"X", "X", "Y", "Y", "X", null, "X"};
        RecommendFunction f = new RecommendFunction(settings(bundle, 1000));
        ScoredList last;
        try (KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(f)) {
            h.open();
            List<UserEvent> events = events();
            for (int i = 0; i < events.size(); i++) {
                UserEvent e = events.get(i);
                e.category = categories[i];
                h.processElement(new StreamRecord<>(e, e.ts));
            }
            List<ScoredList> out = h.extractOutputValues();
            last = out.get(out.size() - 1);
        }
        assertEquals(List.of(item(6), item(4), item(2), item(3), item(1)), windowSlots(last));
        // without categories in the events the same bundle falls back to recency
        assertEquals(List.of(item(6), item(4), item(3), item(1), item(2)),
                windowSlots(lastListWith(settings(bundle, 1000))));
    }

    @Test
    void aShortListFillsItsReVisitSlotsWithTheBestReVisits() throws Exception {
        // topK 1 + OVERFETCH: the ranker's list may hold fewer re-visits than there are candidates; whichever slots
        // it gives them get the best by re-visit score
        ScoredList before = lastList(plain, 1);
        ScoredList after = lastList(revisit, 1);
        assertArrayEquals(before.scores, after.scores);
        int slots = windowSlots(before).size();
        assertEquals(expectedRevisitOrder().subList(0, slots), windowSlots(after));
    }

    @Test
    void bringsInAReVisitTheCandidateSourcesDidNotProposeAsARecentItem() throws Exception {
        // one recent candidate and the popular items only: the oldest re-visit, which log_rank puts first, is a
        // long-tail item that no source proposes
        int o = FAR;
        JobSettings s = settings(plain, 1000);
        s.recentN = 1;
        s.covisitN = 0;
        s.onlineCovisitN = 0;
        s.retrievalN = 0;
        ScoredList before = lastListWith(s, o);
        assertFalse(Arrays.asList(before.items).contains(item(o + 2)), "item(o + 2) must be no candidate");
        List<String> ranker = windowSlots(before, o);
        assertFalse(ranker.isEmpty(), "the ranker gives the window at least one slot");

        s.modelPath = revisit.toString();
        ScoredList after = lastListWith(s, o);
        assertArrayEquals(before.scores, after.scores, "every slot keeps the ranker's score");
        List<String> best = List.of(item(o + 2), item(o + 1), item(o + 3), item(o + 4), item(o + 6));
        assertEquals(best.subList(0, ranker.size()), windowSlots(after, o),
                "the window's slots take the best re-visits, candidates or not");
        int j = Arrays.asList(after.items).indexOf(item(o + 2));
        assertEquals("recent", after.sources[j]);
        assertEquals(item(o + 2), after.because[j]);
        assertFalse(Arrays.asList(after.items).contains(item(o + 5)), "a bought item never comes back");
    }

    @Test
    void aHotSwappedBundleBringsItsReVisitScorerAndTheNextOneTakesItAway() throws Exception {
        Path live = RevisitTestBundle.copyDefault(tmp.resolve("live"));
        copyBundle(plain, live);
        JobSettings s = settings(live, 1000);
        s.modelReloadIntervalMs = 50;
        RecommendFunction f = new RecommendFunction(s);
        try (KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h = harness(f)) {
            h.open();
            assertNull(f.revisitScorer());
            List<UserEvent> events = events();
            for (UserEvent e : events) {
                h.processElement(new StreamRecord<>(e, e.ts));
            }
            copyBundle(revisit, live);
            ScoredList l = sendUntilVersion(h, "revisit");
            assertNotNull(f.revisitScorer());
            // the window grew by repeats of item(6) at r = 0: the log_rank order is unchanged
            assertEquals(expectedRevisitOrder(), windowSlots(l));

            copyBundle(plain, live);
            sendUntilVersion(h, "plain");
            assertNull(f.revisitScorer(), "a bundle without revisit brings back the ranker's order");
        }
    }

    private static int extra;

    private static ScoredList sendUntilVersion(KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> h,
                                               String version) throws Exception {
        for (int tries = 0; tries < 200; tries++) {
            Thread.sleep(50);
            UserEvent e = new UserEvent("x" + extra, "u1", item(6), EventType.VIEW, T0 + 3_600_000L + extra * 1000L);
            extra++;
            h.processElement(new StreamRecord<>(e, e.ts));
            List<ScoredList> out = h.extractOutputValues();
            ScoredList last = out.get(out.size() - 1);
            if (last.modelVersion.equals(version)) {
                return last;
            }
        }
        throw new AssertionError("the job never served " + version);
    }

    /** Golden first, then the manifest: the reloader sees a hash mismatch in between, never a mixed bundle. */
    private static void copyBundle(Path from, Path to) throws Exception {
        Files.copy(from.resolve("golden.json"), to.resolve("golden.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(from.resolve("manifest.json"), to.resolve("manifest.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
