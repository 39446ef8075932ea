package io.streamrec.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.EventType;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.ranking.FeatureEncoder;
import io.streamrec.ranking.OnnxRanker;
import io.streamrec.ranking.RankerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped bundle's golden.json, replayed independently of {@link BundleLoader#load}'s own check: ONNX Runtime
 * Java must reproduce PyTorch's scores and the Java feature code must reproduce Python's, within the tolerance.
 */
class GoldenParityTest {
    private static ModelBundle bundle;
    private static JsonNode golden;
    private static double tol;
    private static OnnxRanker ranker;

    @BeforeAll
    static void load() throws Exception {
        bundle = ShippedBundle.load();
        golden = new ObjectMapper().readTree(bundle.goldenJson());
        tol = golden.get("tolerance").asDouble();
        assertEquals(1e-4, bundle.manifest().goldenTolerance(), 1e-12);
        ranker = new OnnxRanker(bundle, RankerOptions.defaults());
        ranker.open();
    }

    @AfterAll
    static void close() {
        if (ranker != null) {
            ranker.close();
        }
    }

    @Test
    void onnxRuntimeReproducesEveryGoldenRankerCase() throws Exception {
        JsonNode cases = golden.get("ranker_cases");
        assertFalse(cases.isEmpty());
        boolean batched = false;
        boolean single = false;
        double worst = 0;
        for (int c = 0; c < cases.size(); c++) {
            Map<String, OnnxRanker.RawTensor> in = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = cases.get(c).get("inputs").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                boolean isFloat = bundle.manifest().input(e.getKey()).dtype().equals("float32");
                List<Long> shape = new ArrayList<>();
                List<Double> flat = new ArrayList<>();
                walk(e.getValue(), 0, shape, flat);
                long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
                if (isFloat) {
                    float[] f = new float[flat.size()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = flat.get(i).floatValue();
                    }
                    in.put(e.getKey(), OnnxRanker.RawTensor.floats(dims, f));
                } else {
                    long[] l = new long[flat.size()];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = flat.get(i).longValue();
                    }
                    in.put(e.getKey(), OnnxRanker.RawTensor.longs(dims, l));
                }
            }
            float[][] got = ranker.runRaw(in);
            JsonNode want = cases.get(c).get("scores");
            assertEquals(want.size(), got.length, "case " + c + " batch size");
            batched |= got.length > 1;
            for (int b = 0; b < got.length; b++) {
                assertEquals(want.get(b).size(), got[b].length, "case " + c + " row " + b);
                single |= got[b].length == 1;
                for (int k = 0; k < got[b].length; k++) {
                    double diff = Math.abs(want.get(b).get(k).asDouble() - got[b][k]);
                    worst = Math.max(worst, diff);
                    assertTrue(diff <= tol, "ranker case " + c + " [" + b + "][" + k + "] differs by " + diff);
                }
            }
        }
        assertTrue(batched, "golden.json needs a ranker case with batch > 1");
        assertTrue(single, "golden.json needs a ranker case with a single candidate");
        System.out.printf("golden ranker parity: %d cases, max |diff| %.3g%n", cases.size(), worst);
    }

    private static void walk(JsonNode n, int depth, List<Long> shape, List<Double> flat) {
        if (n.isArray()) {
            if (shape.size() == depth) {
                shape.add((long) n.size());
            }
            for (JsonNode c : n) {
                walk(c, depth + 1, shape, flat);
            }
        } else {
            flat.add(n.asDouble());
        }
    }

    @Test
    void javaInterestUpdateReproducesEveryGoldenInterestCase() {
        JsonNode cases = golden.get("interest_cases");
        assertFalse(cases.isEmpty());
        int d = bundle.manifest().embeddingDim();
        for (int c = 0; c < cases.size(); c++) {
            JsonNode events = cases.get(c).get("events");
            JsonNode expected = cases.get(c).get("expected");
            float[] v = new float[d];
            long last = InterestVector.NONE;
            for (int e = 0; e < events.size(); e++) {
                JsonNode ev = events.get(e);
                last = InterestVector.update(bundle, v, last, ev.get("item_id").asText(),
                        EventType.fromWire(ev.get("type").asText()), ev.get("ts").asLong());
                for (int i = 0; i < d; i++) {
                    double diff = Math.abs(expected.get(e).get(i).asDouble() - v[i]);
                    assertTrue(diff <= tol, "interest case " + c + " event " + e + " component " + i + " differs by "
                            + diff);
                }
            }
        }
    }

    @Test
    void javaContextFeaturesReproduceEveryGoldenContextCase() throws Exception {
        FeatureEncoder enc = new FeatureEncoder(bundle);
        List<String> names = bundle.manifest().contextFeatures();
        JsonNode cases = golden.get("context_cases");
        assertFalse(cases.isEmpty());
        for (int c = 0; c < cases.size(); c++) {
            JsonNode cs = cases.get(c);
            long ts = cs.get("ts").asLong();
            EventType type = EventType.fromWire(cs.get("type").asText());
            int histLen = cs.get("hist_len").asInt();
            float[] out = new float[names.size()];
            enc.encodeContext(ts, type, histLen, out, 0);
            for (int i = 0; i < names.size(); i++) {
                double want = cs.get("expected").get(i).asDouble();
                assertEquals(want, out[i], tol, "context case " + c + " " + names.get(i));
                assertEquals(want, FeatureEncoder.contextFeature(names.get(i), ts, type, histLen,
                        bundle.manifest().seqLen()), tol, "contextFeature(" + names.get(i) + ") case " + c);
            }
        }
    }

    @Test
    void javaCandidateFeaturesReproduceEveryGoldenCandidateCase() throws Exception {
        FeatureEncoder enc = new FeatureEncoder(bundle);
        JsonNode cases = golden.get("candidate_feature_cases");
        assertFalse(cases.isEmpty());
        int f = bundle.manifest().candidateFeatures().size();
        for (int c = 0; c < cases.size(); c++) {
            JsonNode cs = cases.get(c);
            String[] hist = new String[cs.get("history").size()];
            for (int i = 0; i < hist.length; i++) {
                hist[i] = cs.get("history").get(i).asText();
            }
            float[] out = new float[f];
            for (int k = 0; k < cs.get("candidates").size(); k++) {
                String cand = cs.get("candidates").get(k).asText();
                enc.encodeCandidate(hist, hist.length, cand, out, 0);
                for (int i = 0; i < f; i++) {
                    assertEquals(cs.get("expected").get(k).get(i).asDouble(), out[i], tol,
                            "candidate case " + c + " candidate " + cand);
                }
                int cov = bundle.manifest().candidateFeatures().indexOf("covisit");
                if (cov >= 0) {
                    assertEquals(cs.get("expected").get(k).get(cov).asDouble(),
                            FeatureEncoder.covisitFeature(bundle.covisit(), hist, hist.length,
                                    bundle.manifest().covisitWindow(), cand), tol);
                }
            }
        }
    }

    @Test
    void loadsTheShippedBundleFromTheClasspathWithItsManifestValues() {
        assertEquals(bundle.manifest().modelVersion(), bundle.modelVersion());
        assertEquals(bundle.manifest().numItems(), bundle.items().size());
        assertEquals(bundle.manifest().embeddingDim(), bundle.items().dim());
        assertEquals(bundle.items().size() * bundle.items().dim(), bundle.items().embeddings().length);
        assertEquals(1, bundle.items().indexOf(bundle.items().idOf(1)));
        assertEquals(0, bundle.items().indexOf("__no_such_item__"));
        assertFalse(bundle.popular().isEmpty());
        assertTrue(bundle.covisit().size() > 0);
    }
}
