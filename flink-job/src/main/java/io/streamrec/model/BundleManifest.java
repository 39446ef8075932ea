package io.streamrec.model;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.streamrec.event.EventType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed, type-checked {@code manifest.json} of a model bundle (docs/MODEL_BUNDLE.md, "Manifest"). Immutable.
 * Parsing checks the keys' presence and types, {@code format_version == 1}, the event type list, that every event
 * type has a weight and the optional {@code revisit} object (known, distinct names, one finite weight each); cross-file
 * checks (hashes, sizes, ONNX signature, golden replay) are done by {@link ModelBundle}.
 *
 * <p>Over 400 lines because it is the one reader of manifest.json: each key's check sits next to its parsing, so every
 * refusal names the key.
 */
public final class BundleManifest {
    /** The only format this reader understands. */
    public static final int FORMAT_VERSION = 1;
    /** {@code online_covisit} defaults when a bundle has no such object: items (K), pair_window (W), max_gap_s (G). */
    public static final int DEFAULT_ONLINE_COVISIT_ITEMS = 3;
    public static final int DEFAULT_ONLINE_COVISIT_PAIR_WINDOW = 5;
    public static final long DEFAULT_ONLINE_COVISIT_MAX_GAP_S = 86_400L;

    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Reads the manifest accepting {@code NaN}/{@code Infinity} (what Python's json writes for a non-finite float), so
     * such a value is refused by the check of its key, which names the key, not as unreadable JSON.
     */
    private static final ObjectReader MANIFEST_READER = JSON.reader().with(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS);

    private final int formatVersion;
    private final String modelVersion;
    private final String createdUtc;
    private final int opset;
    private final int numItems;
    private final int embeddingDim;
    private final int seqLen;
    private final List<String> eventTypes;
    private final float[] eventTypeWeights; // by EventType.ordinal()
    private final double decayHalfLifeS;
    private final List<String> contextFeatures;
    private final List<String> candidateFeatures;
    private final int covisitWindow;
    private final boolean hasOnlineCovisit;
    private final int onlineCovisitItems;
    private final int onlineCovisitPairWindow;
    private final long onlineCovisitMaxGapS;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final Map<String, String> files;
    private final double goldenTolerance;
    private final String trainingJson;
    /** {@code revisit.features}, or null when the manifest has no {@code revisit}. */
    private final List<String> revisitFeatures;
    private final double[] revisitWeights;

    private BundleManifest(JsonNode root, String where) throws BundleException {
        formatVersion = intKey(root, "format_version", where);
        if (formatVersion != FORMAT_VERSION) {
            throw new BundleException(where + ": manifest.json format_version is " + formatVersion
                    + ", this reader only understands " + FORMAT_VERSION);
        }
        modelVersion = stringKey(root, "model_version", where);
        createdUtc = root.hasNonNull("created_utc") ? root.get("created_utc").asText() : "";
        opset = root.hasNonNull("opset") ? intKey(root, "opset", where) : -1;
        if (opset > 17) {
            throw new BundleException(where + ": manifest.json opset is " + opset + ", the contract allows at most 17");
        }
        numItems = positiveInt(root, "num_items", where);
        embeddingDim = positiveInt(root, "embedding_dim", where);
        seqLen = positiveInt(root, "seq_len", where);
        eventTypes = stringList(root, "event_types", where);
        List<String> expectedTypes = new ArrayList<>();
        for (EventType t : EventType.values()) {
            expectedTypes.add(t.wireName());
        }
        if (!eventTypes.equals(expectedTypes)) {
            throw new BundleException(where + ": manifest.json event_types is " + eventTypes + ", the contract requires "
                    + expectedTypes + " in that order");
        }
        JsonNode weights = root.get("event_type_weights");
        if (weights == null || !weights.isObject()) {
            throw new BundleException(where + ": manifest.json event_type_weights is missing or not an object");
        }
        eventTypeWeights = new float[EventType.values().length];
        for (EventType t : EventType.values()) {
            JsonNode w = weights.get(t.wireName());
            if (w == null || !w.isNumber()) {
                throw new BundleException(where + ": manifest.json event_type_weights has no numeric weight for event type '"
                        + t.wireName() + "'");
            }
            if (!Double.isFinite(w.asDouble())) {
                throw new BundleException(where + ": manifest.json event_type_weights." + t.wireName()
                        + " is not finite: " + w);
            }
            eventTypeWeights[t.ordinal()] = (float) w.asDouble();
        }
        JsonNode hl = root.get("decay_half_life_s");
        if (hl == null || !hl.isNumber() || !(hl.asDouble() > 0) || Double.isInfinite(hl.asDouble())) {
            throw new BundleException(where + ": manifest.json decay_half_life_s must be a positive number, got " + hl);
        }
        decayHalfLifeS = hl.asDouble();
        contextFeatures = stringList(root, "context_features", where);
        candidateFeatures = stringList(root, "candidate_features", where);
        covisitWindow = root.hasNonNull("covisit_window") ? nonNegativeInt(root, "covisit_window", where) : 0;
        JsonNode oc = root.get("online_covisit");
        hasOnlineCovisit = oc != null && !oc.isNull();
        if (hasOnlineCovisit) {
            if (!oc.isObject()) {
                throw new BundleException(where + ": manifest.json online_covisit must be an object {\"items\": K, "
                        + "\"pair_window\": W, \"max_gap_s\": G}, got " + oc);
            }
            onlineCovisitItems = positiveInt(oc, "items", where, "online_covisit.");
            onlineCovisitPairWindow = positiveInt(oc, "pair_window", where, "online_covisit.");
            JsonNode g = oc.get("max_gap_s");
            if (g == null || !g.isNumber() || !(g.asDouble() >= 0) || g.asDouble() != Math.floor(g.asDouble())
                    || g.asDouble() > 1e15) {
                throw new BundleException(where + ": manifest.json online_covisit.max_gap_s must be a whole number of "
                        + "seconds >= 0, got " + g);
            }
            onlineCovisitMaxGapS = (long) g.asDouble();
        } else {
            if (candidateFeatures.contains("online_covisit")) {
                throw new BundleException(where + ": manifest.json candidate_features names 'online_covisit' but "
                        + "the manifest has no key 'online_covisit' (its items, pair_window and max_gap_s are required "
                        + "then)");
            }
            onlineCovisitItems = DEFAULT_ONLINE_COVISIT_ITEMS;
            onlineCovisitPairWindow = DEFAULT_ONLINE_COVISIT_PAIR_WINDOW;
            onlineCovisitMaxGapS = DEFAULT_ONLINE_COVISIT_MAX_GAP_S;
        }
        inputs = tensorList(root, "inputs", where);
        outputs = tensorList(root, "outputs", where);
        JsonNode f = root.get("files");
        if (f == null || !f.isObject()) {
            throw new BundleException(where + ": manifest.json files is missing or not an object");
        }
        Map<String, String> fm = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String hex = e.getValue().asText("");
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new BundleException(where + ": manifest.json files." + e.getKey() + " is not a sha256 hex digest: '"
                        + hex + "'");
            }
            fm.put(e.getKey(), hex.toLowerCase(java.util.Locale.ROOT));
        }
        files = Collections.unmodifiableMap(fm);
        JsonNode tol = root.get("golden_tolerance");
        if (tol == null || !tol.isNumber() || !(tol.asDouble() > 0)) {
            throw new BundleException(where + ": manifest.json golden_tolerance must be a positive number, got " + tol);
        }
        goldenTolerance = tol.asDouble();
        trainingJson = root.has("training") ? root.get("training").toString() : "{}";
        JsonNode rv = root.get("revisit");
        if (rv == null || rv.isNull()) {
            revisitFeatures = null;
            revisitWeights = null;
        } else {
            if (!rv.isObject()) {
                throw new BundleException(where + ": manifest.json revisit must be an object {\"features\": [names], "
                        + "\"weights\": [floats]}, got " + rv);
            }
            revisitFeatures = revisitFeatures(rv.get("features"), where);
            revisitWeights = revisitWeights(rv.get("weights"), revisitFeatures.size(), where);
        }
    }

    private static List<String> revisitFeatures(JsonNode n, String where) throws BundleException {
        if (n == null || !n.isArray()) {
            throw new BundleException(where + ": manifest.json revisit.features must be a list of feature names, got "
                    + n);
        }
        List<String> out = new ArrayList<>();
        HashSet<String> distinct = new HashSet<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new BundleException(where + ": manifest.json revisit.features must be a list of strings, has "
                        + e);
            }
            String name = e.asText();
            if (!RevisitFeatures.isKnown(name)) {
                throw new BundleException(where + ": manifest.json revisit.features has unknown feature name '" + name
                        + "' (known: " + String.join(", ", RevisitFeatures.NAMES) + ")");
            }
            if (!distinct.add(name)) {
                throw new BundleException(where + ": manifest.json revisit.features names '" + name + "' twice");
            }
            out.add(name);
        }
        return List.copyOf(out);
    }

    private static double[] revisitWeights(JsonNode n, int count, String where) throws BundleException {
        if (n == null || !n.isArray()) {
            throw new BundleException(where + ": manifest.json revisit.weights must be a list of numbers, got " + n);
        }
        if (n.size() != count) {
            throw new BundleException(where + ": manifest.json revisit.weights has " + n.size()
                    + " weights but revisit.features names " + count + " features (one weight per feature)");
        }
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            JsonNode w = n.get(i);
            if (!w.isNumber()) {
                throw new BundleException(where + ": manifest.json revisit.weights[" + i + "] is not a number: " + w);
            }
            out[i] = w.asDouble();
            if (!Double.isFinite(out[i])) {
                throw new BundleException(where + ": manifest.json revisit.weights[" + i + "] is not finite: " + w);
            }
        }
        return out;
    }

    /** Parses and checks manifest bytes; {@code where} names the bundle in error messages. */
    public static BundleManifest parse(byte[] json, String where) throws BundleException {
        JsonNode root;
        try {
            root = MANIFEST_READER.readTree(json);
        } catch (IOException e) {
            throw new BundleException(where + ": manifest.json is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new BundleException(where + ": manifest.json is not a JSON object");
        }
        return new BundleManifest(root, where);
    }

    private static JsonNode required(JsonNode root, String key, String where) throws BundleException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw new BundleException(where + ": manifest.json has no key '" + key + "'");
        }
        return n;
    }

    private static int intKey(JsonNode root, String key, String where) throws BundleException {
        JsonNode n = required(root, key, where);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new BundleException(where + ": manifest.json " + key + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static int positiveInt(JsonNode root, String key, String where) throws BundleException {
        int v = intKey(root, key, where);
        if (v <= 0) {
            throw new BundleException(where + ": manifest.json " + key + " must be positive, got " + v);
        }
        return v;
    }

    /** A positive integer under a nested object; {@code prefix} names the parent in messages. */
    private static int positiveInt(JsonNode obj, String key, String where, String prefix) throws BundleException {
        JsonNode n = obj.get(key);
        if (n == null || n.isNull()) {
            throw new BundleException(where + ": manifest.json has no key '" + prefix + key + "'");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() <= 0) {
            throw new BundleException(where + ": manifest.json " + prefix + key + " must be a positive integer, got "
                    + n);
        }
        return n.intValue();
    }

    private static int nonNegativeInt(JsonNode root, String key, String where) throws BundleException {
        int v = intKey(root, key, where);
        if (v < 0) {
            throw new BundleException(where + ": manifest.json " + key + " must not be negative, got " + v);
        }
        return v;
    }

    private static String stringKey(JsonNode root, String key, String where) throws BundleException {
        JsonNode n = required(root, key, where);
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw new BundleException(where + ": manifest.json " + key + " must be a non-empty string, got " + n);
        }
        return n.asText();
    }

    private static List<String> stringList(JsonNode root, String key, String where) throws BundleException {
        JsonNode n = required(root, key, where);
        if (!n.isArray()) {
            throw new BundleException(where + ": manifest.json " + key + " must be a list of strings, got " + n);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new BundleException(where + ": manifest.json " + key + " must be a list of strings, has " + e);
            }
            out.add(e.asText());
        }
        return List.copyOf(out);
    }

    private static List<TensorSpec> tensorList(JsonNode root, String key, String where) throws BundleException {
        JsonNode n = required(root, key, where);
        if (!n.isArray() || n.isEmpty()) {
            throw new BundleException(where + ": manifest.json " + key + " must be a non-empty list of tensors");
        }
        List<TensorSpec> out = new ArrayList<>();
        for (JsonNode t : n) {
            JsonNode name = t.get("name");
            JsonNode dtype = t.get("dtype");
            JsonNode shape = t.get("shape");
            if (name == null || !name.isTextual() || dtype == null || !dtype.isTextual() || shape == null
                    || !shape.isArray()) {
                throw new BundleException(where + ": manifest.json " + key
                        + " entries need a string name, a string dtype and a shape list, got " + t);
            }
            List<Object> axes = new ArrayList<>();
            for (JsonNode a : shape) {
                if (a.isIntegralNumber()) {
                    axes.add(a.longValue());
                } else if (a.isTextual()) {
                    axes.add(a.asText());
                } else {
                    throw new BundleException(where + ": manifest.json " + key + "." + name.asText()
                            + " has an axis that is neither an integer nor a symbolic name: " + a);
                }
            }
            out.add(new TensorSpec(name.asText(), dtype.asText(), axes));
        }
        return List.copyOf(out);
    }

    public int formatVersion() {
        return formatVersion;
    }

    public String modelVersion() {
        return modelVersion;
    }

    public String createdUtc() {
        return createdUtc;
    }

    /** The ONNX opset the manifest declares, or -1 if absent. */
    public int opset() {
        return opset;
    }

    public int numItems() {
        return numItems;
    }

    public int embeddingDim() {
        return embeddingDim;
    }

    public int seqLen() {
        return seqLen;
    }

    public List<String> eventTypes() {
        return eventTypes;
    }

    public float eventTypeWeight(EventType type) {
        return eventTypeWeights[type.ordinal()];
    }

    public double decayHalfLifeS() {
        return decayHalfLifeS;
    }

    public List<String> contextFeatures() {
        return contextFeatures;
    }

    public List<String> candidateFeatures() {
        return candidateFeatures;
    }

    /** {@code M}: how many recent events feed the {@code covisit} feature. */
    public int covisitWindow() {
        return covisitWindow;
    }

    /** True when the manifest has an {@code online_covisit} object (required when that feature is named). */
    public boolean hasOnlineCovisit() {
        return hasOnlineCovisit;
    }

    /** {@code K} of {@code online_covisit}: how many distinct recent items are summed; 3 when absent. */
    public int onlineCovisitItems() {
        return onlineCovisitItems;
    }

    /** {@code W} of {@code online_covisit}: how many previous events an event pairs with; 5 when absent. */
    public int onlineCovisitPairWindow() {
        return onlineCovisitPairWindow;
    }

    /** {@code G} of {@code online_covisit}: the longest gap between paired events, seconds; 86400 when absent. */
    public long onlineCovisitMaxGapS() {
        return onlineCovisitMaxGapS;
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    /** The input spec with that name, or null. */
    public TensorSpec input(String name) {
        for (TensorSpec t : inputs) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The output spec with that name, or null. */
    public TensorSpec output(String name) {
        for (TensorSpec t : outputs) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** file name → lower-case sha256 hex, every file of the bundle except manifest.json. */
    public Map<String, String> files() {
        return files;
    }

    public double goldenTolerance() {
        return goldenTolerance;
    }

    /** The training report, verbatim JSON. */
    public String trainingJson() {
        return trainingJson;
    }

    /** True when the manifest has a {@code revisit} object (the optional re-visit scorer). */
    public boolean hasRevisit() {
        return revisitFeatures != null;
    }

    /** {@code revisit.features}, checked: known and distinct names; empty when there is no {@code revisit}. */
    public List<String> revisitFeatures() {
        return revisitFeatures == null ? List.of() : revisitFeatures;
    }

    /** {@code revisit.weights}, one finite weight per feature (a copy); empty when there is no {@code revisit}. */
    public double[] revisitWeights() {
        return revisitWeights == null ? new double[0] : revisitWeights.clone();
    }
}
