package io.streamrec.ranking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.event.EventType;
import io.streamrec.model.BundleException;
import io.streamrec.model.BundleManifest;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.ShippedBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureEncoderTest {
    private static ModelBundle bundle;

    @BeforeAll
    static void load() throws BundleException {
        bundle = ShippedBundle.load();
    }

    @Test
    void hourAndWeekdayFollowTheContractOnKnownInstants() {
        // 2023-11-14T22:13:20Z is a Tuesday (w = 1), h = 22.2222...
        long ts = 1_700_000_000_000L;
        double h = 22 + 13 / 60.0 + 20 / 3600.0;
        assertEquals(Math.sin(2 * Math.PI * h / 24), FeatureEncoder.contextFeature("hour_sin", ts, null, 0, 50), 1e-12);
        assertEquals(Math.cos(2 * Math.PI * h / 24), FeatureEncoder.contextFeature("hour_cos", ts, null, 0, 50), 1e-12);
        assertEquals(Math.sin(2 * Math.PI / 7), FeatureEncoder.contextFeature("dow_sin", ts, null, 0, 50), 1e-12);
        // 1970-01-01 was a Thursday: w = 3
        assertEquals(Math.cos(2 * Math.PI * 3 / 7), FeatureEncoder.contextFeature("dow_cos", 0, null, 0, 50), 1e-12);
        // before the epoch still counts days with floor
        assertEquals(Math.sin(2 * Math.PI * 2 / 7), FeatureEncoder.contextFeature("dow_sin", -1, null, 0, 50), 1e-12);
    }

    @Test
    void typeFlagsAndLogHistLenCapAtSeqLen() {
        assertEquals(1.0, FeatureEncoder.contextFeature("type_add_to_cart", 0, EventType.ADD_TO_CART, 1, 50));
        assertEquals(0.0, FeatureEncoder.contextFeature("type_view", 0, EventType.ADD_TO_CART, 1, 50));
        assertEquals(Math.log(4), FeatureEncoder.contextFeature("log_hist_len", 0, EventType.VIEW, 3, 50), 1e-12);
        assertEquals(Math.log(51), FeatureEncoder.contextFeature("log_hist_len", 0, EventType.VIEW, 400, 50), 1e-12);
    }

    @Test
    void knowsExactlyTheContractFeatureNames() {
        for (String n : List.of("hour_sin", "hour_cos", "dow_sin", "dow_cos", "log_hist_len", "type_view",
                "type_click", "type_add_to_cart", "type_remove_from_cart", "type_purchase", "type_search")) {
            assertTrue(FeatureEncoder.isKnownContextFeature(n), n);
        }
        assertFalse(FeatureEncoder.isKnownContextFeature("type_VIEW"));
        assertFalse(FeatureEncoder.isKnownContextFeature("type_refund"));
        assertTrue(FeatureEncoder.isKnownCandidateFeature("covisit"));
        assertFalse(FeatureEncoder.isKnownCandidateFeature("hour_sin"));
        assertThrows(IllegalArgumentException.class, () -> FeatureEncoder.contextFeature("x", 0, null, 0, 1));
    }

    @Test
    void covisitSumsRecencyWeightedNeighbourWeightsWithinTheWindow() {
        String a = bundle.items().idOf(1);
        var nb = firstWithNeighbours();
        String from = nb[0];
        String to = nb[1];
        float w = bundle.covisit().weight(from, to);
        assertTrue(w > 0);
        // from at positions 0 and 2 -> w/1 + w/3
        String[] hist = {from, "__unknown__", from};
        assertEquals(Math.log1p(w + w / 3.0), FeatureEncoder.covisitFeature(bundle.covisit(), hist, 3, 10, to), 1e-9);
        // window 2 drops position 2
        assertEquals(Math.log1p(w), FeatureEncoder.covisitFeature(bundle.covisit(), hist, 3, 2, to), 1e-9);
        assertEquals(0.0, FeatureEncoder.covisitFeature(bundle.covisit(), hist, 3, 10, "__unknown__"));
        assertTrue(a != null);
    }

    private static String[] firstWithNeighbours() {
        for (int i = 1; i <= bundle.items().size(); i++) {
            var n = bundle.covisit().neighbours(bundle.items().idOf(i));
            if (n != null && n.size() > 0) {
                return new String[]{bundle.items().idOf(i), n.id(0)};
            }
        }
        throw new AssertionError("no covisit lists");
    }

    @Test
    void encodesHistoryMostRecentFirstTruncatedToSeqLenAndPadsCandidates() throws BundleException {
        FeatureEncoder enc = new FeatureEncoder(bundle);
        int L = bundle.manifest().seqLen();
        int d = bundle.manifest().embeddingDim();
        int n = L + 5;
        String[] hist = new String[n];
        EventType[] types = new EventType[n];
        long[] ts = new long[n];
        for (int i = 0; i < n; i++) {
            hist[i] = bundle.items().idOf(1 + i % bundle.items().size());
            types[i] = EventType.values()[i % 6];
            ts[i] = 1_000_000L - i * 1_500L;
        }
        hist[1] = "__unknown__";
        ts[2] = 1_000_000L + 7_000L; // a later-than-trigger timestamp ages to 0
        RankRequest r1 = RankRequest.of(new float[d], hist, types, ts,
                new String[]{bundle.items().idOf(3), bundle.items().idOf(4), bundle.items().idOf(5)});
        RankRequest r2 = RankRequest.of(new float[d], new String[]{hist[0]}, new EventType[]{EventType.PURCHASE},
                new long[]{5L}, new String[]{bundle.items().idOf(7)});
        int k = enc.encode(List.of(r1, r2));
        assertEquals(3, k);
        assertEquals(1, enc.histItems()[0]);
        assertEquals(0, enc.histItems()[1]);
        assertEquals(EventType.CLICK.modelIndex(), enc.histTypes()[1]);
        assertEquals(1.5f, enc.histAges()[1]);
        assertEquals(0f, enc.histAges()[2]);
        assertEquals(1 + (L - 1) % bundle.items().size(), enc.histItems()[L - 1]);
        // second row: one event, rest padding
        assertEquals(1, enc.histItems()[L]);
        assertEquals(EventType.PURCHASE.modelIndex(), enc.histTypes()[L]);
        for (int p = 1; p < L; p++) {
            assertEquals(0, enc.histItems()[L + p]);
            assertEquals(0, enc.histTypes()[L + p]);
            assertEquals(0f, enc.histAges()[L + p]);
        }
        assertEquals(7, enc.candItems()[3]);
        assertEquals(0, enc.candItems()[4]);
        assertEquals(0, enc.candItems()[5]);
        int f = enc.numCandidateFeatures();
        for (int i = 4 * f; i < 6 * f; i++) {
            assertEquals(0f, enc.candFeats()[i]);
        }
        // context of row 2 says purchase and hist_len 1
        int c = enc.numContextFeatures();
        List<String> names = bundle.manifest().contextFeatures();
        assertEquals(1f, enc.context()[c + names.indexOf("type_purchase")]);
        assertEquals((float) Math.log(2), enc.context()[c + names.indexOf("log_hist_len")], 1e-7);
        assertEquals((float) Math.log(L + 1), enc.context()[names.indexOf("log_hist_len")], 1e-6);
    }

    @Test
    void reusesBuffersWhenTheBatchFits() throws BundleException {
        FeatureEncoder enc = new FeatureEncoder(bundle);
        int d = bundle.manifest().embeddingDim();
        RankRequest r = RankRequest.of(new float[d], new String[]{"a"}, new EventType[]{EventType.VIEW},
                new long[]{1}, new String[]{"x", "y"});
        enc.encode(List.of(r, r));
        float[] feats = enc.candFeats();
        long[] items = enc.candItems();
        enc.encode(List.of(r));
        assertTrue(feats == enc.candFeats() && items == enc.candItems());
    }

    // ------------------------------------------------------------ history and online co-visitation features

    private static final List<String> ALL = List.of("covisit", "hist_count", "hist_recency", "hist_age", "hist_cart",
            "hist_purchase", "online_covisit");
    private static final long T = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    /** The shipped manifest with other candidate features, seq_len and online_covisit object (null = none). */
    private static BundleManifest manifest(List<String> features, int seqLen, String onlineCovisitJson)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = (ObjectNode) json.readTree(Files.readAllBytes(
                io.streamrec.model.ShippedBundle.directory().resolve("manifest.json")));
        ArrayNode names = m.putArray("candidate_features");
        features.forEach(names::add);
        m.put("seq_len", seqLen);
        if (onlineCovisitJson != null) {
            m.set("online_covisit", json.readTree(onlineCovisitJson));
        }
        return BundleManifest.parse(json.writeValueAsBytes(m), "test manifest");
    }

    private static FeatureEncoder encoder(List<String> features, int seqLen) throws Exception {
        return new FeatureEncoder(manifest(features, seqLen, "{\"items\": 2, \"pair_window\": 5, \"max_gap_s\": 86400}"),
                bundle.items(), bundle.covisit(), "test");
    }

    /** Five events, most recent first; new1 is unknown to the vocabulary, A and B are known. */
    private static final String[] HIST = {"new1", null, "new1", null, null};
    private static final EventType[] TYPES = {EventType.VIEW, EventType.ADD_TO_CART, EventType.PURCHASE,
            EventType.VIEW, EventType.VIEW};
    private static final long[] TS = {T, T - HOUR, T - 2 * HOUR, T - 3 * HOUR, T - HOUR / 2};

    private static String[] history() {
        String[] h = HIST.clone();
        h[1] = bundle.items().idOf(1);
        h[3] = bundle.items().idOf(1);
        h[4] = bundle.items().idOf(2);
        return h;
    }

    private static float[] features(FeatureEncoder enc, String[] hist, String candidate, OnlineCovisitation t) {
        float[] out = new float[enc.numCandidateFeatures()];
        enc.prepareCandidates(hist, TYPES, TS, hist.length, T, t);
        enc.encodeCandidate(candidate, out, 0);
        return out;
    }

    @Test
    void histFeaturesMatchByItemIdSoUnknownItemsMatchToo() throws Exception {
        FeatureEncoder enc = encoder(ALL, 50);
        String[] h = history();
        String a = h[1];
        String b = h[4];
        assertEquals(0, bundle.items().indexOf("new1"), "new1 is unknown to the vocabulary");
        // new1: positions 0 (view) and 2 (purchase)
        float[] f = features(enc, h, "new1", null);
        assertEquals((float) Math.log(3), f[1]);
        assertEquals(1f, f[2]);
        assertEquals(0f, f[3], "seen at the trigger: age 0");
        assertEquals(0f, f[4]);
        assertEquals(1f, f[5]);
        assertEquals(0f, f[6], "no online table: 0");
        // a: positions 1 (add_to_cart, 1 h before) and 3 (view)
        f = features(enc, h, a, null);
        assertEquals((float) FeatureEncoder.covisitFeature(bundle.covisit(), h, 5, 10, a), f[0]);
        assertEquals((float) Math.log(3), f[1]);
        assertEquals(0.5f, f[2]);
        assertEquals((float) Math.log(2), f[3]);
        assertEquals(1f, f[4]);
        assertEquals(0f, f[5]);
        // b: position 4 only, half an hour before the trigger
        f = features(enc, h, b, null);
        assertEquals((float) Math.log(2), f[1]);
        assertEquals(0.2f, f[2]);
        assertEquals((float) Math.log(1.5), f[3]);
        assertEquals(0f, f[4]);
        assertEquals(0f, f[5]);
        // not in the history: all hist_* are 0
        f = features(enc, h, "elsewhere", null);
        for (int i = 1; i <= 5; i++) {
            assertEquals(0f, f[i], ALL.get(i));
        }
    }

    @Test
    void covisitFeatureByModelIndexEqualsTheSumOverEveryWindowList() throws Exception {
        FeatureEncoder enc = encoder(ALL, 50);
        var items = bundle.items();
        // a history of known items (with a repeat and an unknown one), and as candidates every neighbour of them
        String[] h = {items.idOf(3), "new1", items.idOf(1), items.idOf(3), items.idOf(2), items.idOf(7)};
        java.util.LinkedHashSet<String> cands = new java.util.LinkedHashSet<>(List.of("new1", "elsewhere"));
        for (String x : h) {
            var nb = bundle.covisit().neighbours(x);
            for (int j = 0; nb != null && j < nb.size(); j++) {
                cands.add(nb.id(j));
            }
        }
        assertTrue(cands.size() > 20, "the shipped bundle's lists give many candidates");
        float[] out = new float[enc.numCandidateFeatures()];
        enc.prepareCandidates(h, null, null, h.length, T, null);
        for (String c : cands) {
            enc.encodeCandidate(c, out, 0);
            assertEquals((float) FeatureEncoder.covisitFeature(bundle.covisit(), h, h.length, 10, c),
                    out[0], c);
        }
        // the same candidates through a batch, with and without the generator's model indices
        String[] ids = cands.toArray(new String[0]);
        int[] idx = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            idx[i] = items.indexOf(ids[i]);
        }
        RankRequest r = RankRequest.of(new float[items.dim()], h, new EventType[] {EventType.VIEW, EventType.VIEW,
                EventType.VIEW, EventType.VIEW, EventType.VIEW, EventType.VIEW}, new long[] {T, T, T, T, T, T}, ids);
        enc.encode(List.of(r));
        float[] looked = java.util.Arrays.copyOf(enc.candFeats(), ids.length * enc.numCandidateFeatures());
        r.candidateIndices = idx;
        enc.encode(List.of(r));
        float[] given = java.util.Arrays.copyOf(enc.candFeats(), ids.length * enc.numCandidateFeatures());
        assertTrue(java.util.Arrays.equals(looked, given));
        // a second event starts from clean sums
        enc.prepareCandidates(new String[] {"new1"}, null, null, 1, T, null);
        enc.encodeCandidate(ids[2], out, 0);
        assertEquals(0f, out[0]);
    }

    @Test
    void histFeaturesReadOnlyTheLastSeqLenEvents() throws Exception {
        FeatureEncoder enc = encoder(ALL, 4);
        String[] h = history();
        float[] f = features(enc, h, h[4], null);
        for (int i = 1; i <= 5; i++) {
            assertEquals(0f, f[i], ALL.get(i) + ": position 4 is beyond L = 4");
        }
        assertEquals((float) Math.log(3), features(enc, h, "new1", null)[1]);
    }

    @Test
    void histAgeIsZeroForAnOccurrenceAfterTheTrigger() throws Exception {
        FeatureEncoder enc = encoder(List.of("hist_age"), 50);
        float[] out = new float[1];
        enc.prepareCandidates(new String[] {"x", "y"}, new EventType[] {EventType.VIEW, EventType.VIEW},
                new long[] {T, T + 5 * HOUR}, 2, T, null);
        enc.encodeCandidate("y", out, 0);
        assertEquals(0f, out[0]);
    }

    @Test
    void onlineCovisitSumsTheFirstKDistinctItemsLists() throws Exception {
        FeatureEncoder enc = encoder(ALL, 50);
        String[] h = history();
        String a = h[1];
        // K = 2: seeds new1 (q = 0) and a (q = 1); b is the third distinct item and is ignored
        OnlineCovisitation t = OnlineCovisitation.of(Map.of(
                "new1", List.of(Map.entry("c", 2.0)),
                a, List.of(Map.entry("c", 3.0), Map.entry("new1", 1.0), Map.entry("new2", 4.0)),
                h[4], List.of(Map.entry("c", 100.0)),
                "x", List.of(Map.entry("c", 100.0))));
        assertEquals((float) Math.log1p(2 + 3 / 2.0), features(enc, h, "c", t)[6]);
        assertEquals((float) Math.log1p(1 / 2.0), features(enc, h, "new1", t)[6]);
        assertEquals((float) Math.log1p(4 / 2.0), features(enc, h, "new2", t)[6], "unknown to the vocabulary");
        assertEquals(0f, features(enc, h, a, t)[6]);
    }

    @Test
    void batchEncodingUsesTheRequestsTypesTimesAndTable() throws Exception {
        FeatureEncoder enc = encoder(ALL, 50);
        String[] h = history();
        OnlineCovisitation t = OnlineCovisitation.of(Map.of("new1", List.of(Map.entry("c", 2.0))));
        RankRequest r = RankRequest.of(new float[bundle.manifest().embeddingDim()], h, TYPES, TS,
                new String[] {"new1", "c"});
        r.onlineCovisit = t;
        enc.encode(List.of(r));
        float[] f = enc.candFeats();
        int n = ALL.size();
        assertEquals((float) Math.log(3), f[1]);
        assertEquals(1f, f[5]);
        assertEquals(0f, f[n + 1]);
        assertEquals((float) Math.log(3), f[n + 6]);
    }

    @Test
    void knowsTheHistoryAndOnlineFeaturesAndStillRefusesUnknownNames() throws Exception {
        for (String name : ALL) {
            assertTrue(FeatureEncoder.isKnownCandidateFeature(name), name);
        }
        assertFalse(FeatureEncoder.isKnownCandidateFeature("hist_views"));
        BundleException e = assertThrows(BundleException.class, () -> encoder(List.of("hist_count", "hist_views"), 50));
        assertTrue(e.getMessage().contains("hist_views"), e.getMessage());
    }

    @Test
    void refusesOnlineCovisitWithoutTheManifestObject() {
        BundleException e = assertThrows(BundleException.class,
                () -> manifest(List.of("covisit", "online_covisit"), 50, null));
        assertTrue(e.getMessage().contains("online_covisit"), e.getMessage());
    }
}
