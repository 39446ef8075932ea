package io.streamrec.ranking;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.event.EventType;
import io.streamrec.model.BundleException;
import io.streamrec.model.CategoryKey;
import io.streamrec.model.InterestVector;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.TensorSpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays golden.json (docs/MODEL_BUNDLE.md, "Golden cases"): ranker cases through ONNX Runtime, interest, context,
 * candidate-feature and (when the manifest has {@code revisit}) re-visit cases through the Java feature code. Any value
 * off by more than the tolerance, or a re-visit case's items in another order, refuses the bundle.
 *
 * <p>Over 400 lines because it replays golden.json's case lists one after another; each checker is short, and they
 * share the file's parsing, tolerance and error wording.
 */
final class GoldenReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenReplay() {
    }

    static void verify(ModelBundle bundle) throws BundleException {
        String where = "bundle " + bundle.location() + ": golden.json";
        JsonNode root;
        try {
            root = JSON.readTree(bundle.goldenJson());
        } catch (IOException e) {
            throw new BundleException(where + " is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BundleException(where + " is not a JSON object");
        }
        double tol = bundle.manifest().goldenTolerance();
        JsonNode t = root.get("tolerance");
        if (t != null && t.isNumber() && t.asDouble() > 0) {
            tol = Math.min(tol, t.asDouble());
        }
        verifyRanker(bundle, list(root, "ranker_cases", where), tol, where);
        verifyInterest(bundle, list(root, "interest_cases", where), tol, where);
        FeatureEncoder enc = new FeatureEncoder(bundle);
        verifyContext(bundle, enc, list(root, "context_cases", where), tol, where);
        verifyCandidates(bundle, enc, list(root, "candidate_feature_cases", where), tol, where);
        RevisitScorer revisit = RevisitScorer.forBundle(bundle);
        if (revisit != null) {
            JsonNode cases = root.get("revisit_cases");
            if (cases == null || !cases.isArray()) {
                throw new BundleException(where + " has no list 'revisit_cases' (the manifest has 'revisit')");
            }
            if (cases.isEmpty()) {
                throw new BundleException(where + " revisit_cases is empty (the manifest has 'revisit'; an "
                        + "unchecked re-visit scorer is not served)");
            }
            verifyRevisit(revisit, cases, tol, where);
        }
    }

    private static JsonNode list(JsonNode root, String key, String where) throws BundleException {
        JsonNode n = root.get(key);
        if (n == null || !n.isArray()) {
            throw new BundleException(where + " has no list '" + key + "'");
        }
        return n;
    }

    private static void check(double expected, double got, double tol, String where, String what)
            throws BundleException {
        if (!(Math.abs(expected - got) <= tol)) {
            throw new BundleException(where + " " + what + ": expected " + expected + ", Java gives " + got
                    + " (|diff| " + Math.abs(expected - got) + " > tolerance " + tol + ")");
        }
    }

    // ------------------------------------------------------------------ ranker

    private static void verifyRanker(ModelBundle bundle, JsonNode cases, double tol, String where)
            throws BundleException {
        if (cases.isEmpty()) {
            throw new BundleException(where + " ranker_cases is empty");
        }
        boolean batched = false;
        boolean single = false;
        try (OnnxRanker ranker = new OnnxRanker(bundle, RankerOptions.defaults())) {
            ranker.open();
            for (int c = 0; c < cases.size(); c++) {
                String at = "ranker_cases[" + c + "]";
                JsonNode inputs = cases.get(c).get("inputs");
                JsonNode scores = cases.get(c).get("scores");
                if (inputs == null || !inputs.isObject() || scores == null || !scores.isArray()) {
                    throw new BundleException(where + " " + at + " needs an 'inputs' object and a 'scores' list");
                }
                Map<String, OnnxRanker.RawTensor> raw = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = inputs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    TensorSpec spec = bundle.manifest().input(e.getKey());
                    if (spec == null) {
                        throw new BundleException(where + " " + at + " has input '" + e.getKey()
                                + "' that manifest.json inputs does not declare");
                    }
                    raw.put(e.getKey(), tensor(e.getValue(), spec, where + " " + at + "." + e.getKey()));
                }
                for (TensorSpec s : bundle.manifest().inputs()) {
                    if (!raw.containsKey(s.name())) {
                        throw new BundleException(where + " " + at + " lacks input '" + s.name() + "'");
                    }
                }
                float[][] got;
                try {
                    got = ranker.runRaw(raw);
                } catch (OrtException e) {
                    throw new BundleException(where + " " + at + ": ONNX Runtime failed: " + e.getMessage(), e);
                }
                if (got.length != scores.size()) {
                    throw new BundleException(where + " " + at + " expects " + scores.size()
                            + " score rows, ONNX Runtime gives " + got.length);
                }
                batched |= got.length > 1;
                for (int b = 0; b < got.length; b++) {
                    JsonNode row = scores.get(b);
                    if (row.size() != got[b].length) {
                        throw new BundleException(where + " " + at + " scores[" + b + "] has " + row.size()
                                + " values, ONNX Runtime gives " + got[b].length);
                    }
                    single |= got[b].length == 1;
                    for (int k = 0; k < got[b].length; k++) {
                        check(row.get(k).asDouble(), got[b][k], tol, where, at + " scores[" + b + "][" + k + "]");
                    }
                }
            }
        }
        if (!batched || !single) {
            throw new BundleException(where + " ranker_cases must hold a case with batch > 1 (" + batched
                    + ") and one with a single candidate (" + single + ")");
        }
    }

    private static OnnxRanker.RawTensor tensor(JsonNode node, TensorSpec spec, String at) throws BundleException {
        List<Long> shape = new ArrayList<>();
        JsonNode n = node;
        while (n.isArray()) {
            shape.add((long) n.size());
            if (n.isEmpty()) {
                break;
            }
            n = n.get(0);
        }
        if (shape.size() != spec.rank()) {
            throw new BundleException(at + " has rank " + shape.size() + ", manifest.json says " + spec.shape());
        }
        long[] dims = shape.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long x : dims) {
            count *= x;
        }
        boolean isFloat = "float32".equals(spec.dtype());
        float[] f = isFloat ? new float[(int) count] : null;
        long[] l = isFloat ? null : new long[(int) count];
        int[] pos = {0};
        flatten(node, dims, 0, f, l, pos, at);
        return isFloat ? OnnxRanker.RawTensor.floats(dims, f) : OnnxRanker.RawTensor.longs(dims, l);
    }

    private static void flatten(JsonNode n, long[] dims, int axis, float[] f, long[] l, int[] pos, String at)
            throws BundleException {
        if (axis == dims.length) {
            if (!n.isNumber()) {
                throw new BundleException(at + " holds a non-number " + n);
            }
            if (f != null) {
                f[pos[0]++] = (float) n.asDouble();
            } else {
                l[pos[0]++] = n.asLong();
            }
            return;
        }
        if (!n.isArray() || n.size() != dims[axis]) {
            throw new BundleException(at + " is not a rectangular array of shape " + Arrays.toString(dims));
        }
        for (JsonNode c : n) {
            flatten(c, dims, axis + 1, f, l, pos, at);
        }
    }

    // ------------------------------------------------------------------ interest

    private static void verifyInterest(ModelBundle bundle, JsonNode cases, double tol, String where)
            throws BundleException {
        int d = bundle.manifest().embeddingDim();
        for (int c = 0; c < cases.size(); c++) {
            String at = "interest_cases[" + c + "]";
            JsonNode events = cases.get(c).get("events");
            JsonNode expected = cases.get(c).get("expected");
            if (events == null || expected == null || !events.isArray() || !expected.isArray()
                    || events.size() != expected.size()) {
                throw new BundleException(where + " " + at + " needs 'events' and 'expected' lists of equal length");
            }
            float[] v = new float[d];
            long last = InterestVector.NONE;
            for (int e = 0; e < events.size(); e++) {
                JsonNode ev = events.get(e);
                EventType type = EventType.fromWire(ev.path("type").asText(null));
                if (type == null || !ev.path("ts").isIntegralNumber()) {
                    throw new BundleException(where + " " + at + ".events[" + e + "] needs a known type and an integer ts, got "
                            + ev);
                }
                last = InterestVector.update(bundle, v, last, ev.path("item_id").asText(null), type,
                        ev.get("ts").asLong());
                JsonNode exp = expected.get(e);
                if (exp.size() != d) {
                    throw new BundleException(where + " " + at + ".expected[" + e + "] has " + exp.size()
                            + " values, embedding_dim is " + d);
                }
                for (int i = 0; i < d; i++) {
                    check(exp.get(i).asDouble(), v[i], tol, where, at + ".expected[" + e + "][" + i + "]");
                }
            }
        }
    }

    // ------------------------------------------------------------------ context

    private static void verifyContext(ModelBundle bundle, FeatureEncoder enc, JsonNode cases, double tol,
                                      String where) throws BundleException {
        int cnt = bundle.manifest().contextFeatures().size();
        float[] out = new float[cnt];
        for (int c = 0; c < cases.size(); c++) {
            String at = "context_cases[" + c + "]";
            JsonNode cs = cases.get(c);
            EventType type = EventType.fromWire(cs.path("type").asText(null));
            JsonNode exp = cs.get("expected");
            if (type == null || !cs.path("ts").isIntegralNumber() || !cs.path("hist_len").isIntegralNumber()
                    || exp == null || exp.size() != cnt) {
                throw new BundleException(where + " " + at + " needs ts, a known type, hist_len and " + cnt
                        + " expected values");
            }
            enc.encodeContext(cs.get("ts").asLong(), type, cs.get("hist_len").asInt(), out, 0);
            for (int i = 0; i < cnt; i++) {
                check(exp.get(i).asDouble(), out[i], tol, where,
                        at + ".expected[" + i + "] (" + bundle.manifest().contextFeatures().get(i) + ")");
            }
        }
    }

    // ------------------------------------------------------------------ candidate features

    private static void verifyCandidates(ModelBundle bundle, FeatureEncoder enc, JsonNode cases, double tol,
                                         String where) throws BundleException {
        int f = bundle.manifest().candidateFeatures().size();
        float[] out = new float[f];
        for (int c = 0; c < cases.size(); c++) {
            String at = "candidate_feature_cases[" + c + "]";
            JsonNode cs = cases.get(c);
            JsonNode hist = cs.get("history");
            JsonNode cands = cs.get("candidates");
            JsonNode exp = cs.get("expected");
            if (hist == null || cands == null || exp == null || !hist.isArray() || !cands.isArray()
                    || exp.size() != cands.size()) {
                throw new BundleException(where + " " + at
                        + " needs 'history', 'candidates' and one 'expected' row per candidate");
            }
            String[] h = new String[hist.size()];
            for (int i = 0; i < h.length; i++) {
                h[i] = hist.get(i).asText();
            }
            EventType[] types = null;
            long[] ts = null;
            long triggerTs = 0L;
            if (enc.needsHistoryDetails()) {
                types = historyTypes(cs.get("history_types"), h.length, where + " " + at, HIST_REASON);
                ts = historyTimes(cs.get("history_ts"), h.length, where + " " + at, HIST_REASON);
                JsonNode trig = cs.get("trigger_ts");
                if (trig == null || !trig.isIntegralNumber()) {
                    throw new BundleException(where + " " + at + " needs an integer 'trigger_ts' (a hist_* feature is "
                            + "named), got " + trig);
                }
                triggerTs = trig.asLong();
            }
            OnlineCovisitation online = null;
            if (enc.needsOnlineCovisit()) {
                online = onlineTable(cs.get("online_covisit"), where + " " + at);
            }
            enc.prepareCandidates(h, types, ts, h.length, triggerTs, online);
            for (int k = 0; k < cands.size(); k++) {
                enc.encodeCandidate(cands.get(k).asText(), out, 0);
                JsonNode row = exp.get(k);
                if (row.size() != f) {
                    throw new BundleException(where + " " + at + ".expected[" + k + "] has " + row.size()
                            + " values, candidate_features has " + f);
                }
                for (int i = 0; i < f; i++) {
                    check(row.get(i).asDouble(), out[i], tol, where,
                            at + ".expected[" + k + "][" + i + "] (" + bundle.manifest().candidateFeatures().get(i)
                                    + ")");
                }
            }
        }
    }

    private static final String HIST_REASON = " (a hist_* feature is named)";

    private static EventType[] historyTypes(JsonNode n, int len, String at, String reason) throws BundleException {
        if (n == null || !n.isArray() || n.size() != len) {
            throw new BundleException(at + " needs 'history_types', one event type per history entry" + reason
                    + ", got " + n);
        }
        EventType[] out = new EventType[len];
        for (int i = 0; i < len; i++) {
            out[i] = EventType.fromWire(n.get(i).asText(null));
            if (out[i] == null || !out[i].wireName().equals(n.get(i).asText())) {
                throw new BundleException(at + ".history_types[" + i + "] is not a known event type: " + n.get(i));
            }
        }
        return out;
    }

    private static long[] historyTimes(JsonNode n, int len, String at, String reason) throws BundleException {
        if (n == null || !n.isArray() || n.size() != len) {
            throw new BundleException(at + " needs 'history_ts', one epoch-ms time per history entry" + reason
                    + ", got " + n);
        }
        long[] out = new long[len];
        for (int i = 0; i < len; i++) {
            if (!n.get(i).isIntegralNumber()) {
                throw new BundleException(at + ".history_ts[" + i + "] is not an integer: " + n.get(i));
            }
            out[i] = n.get(i).asLong();
        }
        return out;
    }

    // ------------------------------------------------------------------ re-visit order

    private static void verifyRevisit(RevisitScorer scorer, JsonNode cases, double tol, String where)
            throws BundleException {
        int nf = scorer.numFeatures();
        for (int c = 0; c < cases.size(); c++) {
            String at = "revisit_cases[" + c + "]";
            JsonNode cs = cases.get(c);
            JsonNode hist = cs.get("history");
            JsonNode items = cs.get("items");
            JsonNode feats = cs.get("features");
            JsonNode scores = cs.get("scores");
            JsonNode trig = cs.get("trigger_ts");
            if (hist == null || !hist.isArray() || items == null || !items.isArray() || feats == null
                    || !feats.isArray() || scores == null || !scores.isArray() || trig == null
                    || !trig.isIntegralNumber()) {
                throw new BundleException(where + " " + at + " needs 'history', 'history_types', 'history_ts', an "
                        + "integer 'trigger_ts', 'items', 'features' and 'scores'");
            }
            String[] h = new String[hist.size()];
            for (int i = 0; i < h.length; i++) {
                if (!hist.get(i).isTextual()) {
                    throw new BundleException(where + " " + at + ".history[" + i + "] is not an item id: "
                            + hist.get(i));
                }
                h[i] = hist.get(i).asText();
            }
            EventType[] types = historyTypes(cs.get("history_types"), h.length, where + " " + at, "");
            long[] ts = historyTimes(cs.get("history_ts"), h.length, where + " " + at, "");
            byte[] categories = historyCategories(cs.get("history_categories"), h.length, where + " " + at);
            int n = scorer.prepare(h, types, ts, categories, h.length, trig.asLong());
            List<String> javaItems = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                javaItems.add(scorer.item(r));
            }
            if (items.size() != n) {
                throw new BundleException(where + " " + at + ".items has " + items.size() + " items, Java finds the "
                        + n + " distinct items " + javaItems + " in the window");
            }
            for (int r = 0; r < n; r++) {
                if (!items.get(r).isTextual() || !items.get(r).asText().equals(javaItems.get(r))) {
                    throw new BundleException(where + " " + at + ".items[" + r + "]: expected " + items.get(r)
                            + ", Java gives '" + javaItems.get(r) + "' (Java's order by r: " + javaItems + ")");
                }
            }
            if (feats.size() != n || scores.size() != n) {
                throw new BundleException(where + " " + at + " has " + feats.size() + " feature rows and "
                        + scores.size() + " scores for " + n + " items");
            }
            for (int r = 0; r < n; r++) {
                JsonNode row = feats.get(r);
                if (!row.isArray() || row.size() != nf) {
                    throw new BundleException(where + " " + at + ".features[" + r + "] has " + row.size()
                            + " values, revisit.features has " + nf);
                }
                for (int f = 0; f < nf; f++) {
                    check(row.get(f).asDouble(), scorer.feature(r, f), tol, where,
                            at + ".features[" + r + "][" + f + "] (" + scorer.features().get(f) + ")");
                }
                check(scores.get(r).asDouble(), scorer.score(r), tol, where, at + ".scores[" + r + "]");
            }
        }
    }

    /**
     * A re-visit case's optional {@code history_categories} (one category string or null per history event) as
     * category keys; null when the case has none.
     */
    private static byte[] historyCategories(JsonNode n, int len, String at) throws BundleException {
        if (n == null) {
            return null;
        }
        if (!n.isArray() || n.size() != len) {
            throw new BundleException(at + ".history_categories must list one category (or null) per history event");
        }
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            JsonNode c = n.get(i);
            if (!c.isNull() && !c.isTextual()) {
                throw new BundleException(at + ".history_categories[" + i + "] is not a string or null: " + c);
            }
            out[i] = CategoryKey.of(c.isNull() ? null : c.asText());
        }
        return out;
    }

    /** The case's {@code online_covisit} table, loaded as given: {@code {"ITEM": [["NEIGHBOUR", weight], ...]}}. */
    private static OnlineCovisitation onlineTable(JsonNode n, String at)
            throws BundleException {
        if (n == null || !n.isObject()) {
            throw new BundleException(at + " needs an 'online_covisit' object (the feature is named), got " + n);
        }
        Map<String, List<Map.Entry<String, Double>>> lists = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isArray()) {
                throw new BundleException(at + ".online_covisit." + e.getKey() + " is not a list");
            }
            List<Map.Entry<String, Double>> l = new ArrayList<>();
            for (JsonNode pair : e.getValue()) {
                if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual() || !pair.get(1).isNumber()) {
                    throw new BundleException(at + ".online_covisit." + e.getKey()
                            + " entries must be [\"NEIGHBOUR\", weight], got " + pair);
                }
                l.add(Map.entry(pair.get(0).asText(), pair.get(1).asDouble()));
            }
            lists.put(e.getKey(), l);
        }
        try {
            return OnlineCovisitation.of(lists);
        } catch (IllegalArgumentException e) {
            throw new BundleException(at + ".online_covisit: " + e.getMessage(), e);
        }
    }
}
