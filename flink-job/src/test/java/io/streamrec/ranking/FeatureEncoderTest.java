package io.streamrec.ranking;

import io.streamrec.event.EventType;
import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.ShippedBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

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
}
