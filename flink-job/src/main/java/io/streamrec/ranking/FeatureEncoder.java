package io.streamrec.ranking;

import io.streamrec.event.EventType;
import io.streamrec.model.BundleException;
import io.streamrec.model.BundleManifest;
import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;

import java.util.Arrays;
import java.util.List;

/**
 * Turns {@link RankRequest}s into the ranker's input tensors exactly as docs/MODEL_BUNDLE.md ("Tensors", "Context
 * features", "Candidate features") defines them. Feature names and order come from the manifest; an unknown name is
 * refused at construction. Buffers are flat, reused between calls and grown only when a batch needs more room.
 * Not thread-safe: one encoder per thread.
 */
public final class FeatureEncoder {
    // Context feature kinds
    private static final int HOUR_SIN = 0;
    private static final int HOUR_COS = 1;
    private static final int DOW_SIN = 2;
    private static final int DOW_COS = 3;
    private static final int LOG_HIST_LEN = 4;
    private static final int TYPE_BASE = 100; // TYPE_BASE + EventType.ordinal()
    // Candidate feature kinds
    private static final int COVISIT = 0;

    private static final long DAY_MS = 86_400_000L;
    private static final long HOUR_MS = 3_600_000L;

    private final ItemIndex items;
    private final Covisitation covisit;
    private final int d;
    private final int seqLen;
    private final int covisitWindow;
    private final int[] contextKinds;
    private final int[] candidateKinds;
    private final int numContext;
    private final int numCandFeatures;

    private int batchSize;
    private int maxCandidates;
    private float[] interest = new float[0];
    private long[] histItems = new long[0];
    private long[] histTypes = new long[0];
    private float[] histAges = new float[0];
    private long[] candItems = new long[0];
    private float[] candFeats = new float[0];
    private float[] context = new float[0];
    private Covisitation.Neighbours[] windowLists = new Covisitation.Neighbours[0];

    public FeatureEncoder(ModelBundle bundle) throws BundleException {
        this(bundle.manifest(), bundle.items(), bundle.covisit(), "bundle " + bundle.location());
    }

    /** For tests and tools that assemble the parts themselves. */
    public FeatureEncoder(BundleManifest manifest, ItemIndex items, Covisitation covisit, String where)
            throws BundleException {
        this.items = items;
        this.covisit = covisit;
        this.d = manifest.embeddingDim();
        this.seqLen = manifest.seqLen();
        this.covisitWindow = manifest.covisitWindow();
        this.contextKinds = compileContext(manifest.contextFeatures(), where);
        this.candidateKinds = compileCandidate(manifest.candidateFeatures(), where);
        this.numContext = contextKinds.length;
        this.numCandFeatures = candidateKinds.length;
    }

    // ---------------------------------------------------------------- feature names

    /** The context feature names this reader knows. */
    public static boolean isKnownContextFeature(String name) {
        return contextKind(name) >= 0;
    }

    /** The candidate feature names this reader knows. */
    public static boolean isKnownCandidateFeature(String name) {
        return candidateKind(name) >= 0;
    }

    private static int contextKind(String name) {
        switch (name) {
            case "hour_sin":
                return HOUR_SIN;
            case "hour_cos":
                return HOUR_COS;
            case "dow_sin":
                return DOW_SIN;
            case "dow_cos":
                return DOW_COS;
            case "log_hist_len":
                return LOG_HIST_LEN;
            default:
                if (name.startsWith("type_")) {
                    EventType t = EventType.fromWire(name.substring("type_".length()));
                    if (t != null && t.wireName().equals(name.substring("type_".length()))) {
                        return TYPE_BASE + t.ordinal();
                    }
                }
                return -1;
        }
    }

    private static int candidateKind(String name) {
        return "covisit".equals(name) ? COVISIT : -1;
    }

    private static int[] compileContext(List<String> names, String where) throws BundleException {
        int[] kinds = new int[names.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = contextKind(names.get(i));
            if (kinds[i] < 0) {
                throw new BundleException(where + ": manifest.json context_features has unknown feature name '"
                        + names.get(i) + "'");
            }
        }
        return kinds;
    }

    private static int[] compileCandidate(List<String> names, String where) throws BundleException {
        int[] kinds = new int[names.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = candidateKind(names.get(i));
            if (kinds[i] < 0) {
                throw new BundleException(where + ": manifest.json candidate_features has unknown feature name '"
                        + names.get(i) + "'");
            }
        }
        return kinds;
    }

    // ---------------------------------------------------------------- per-feature functions

    /**
     * One context feature by name, in float64 (the tensor holds it as float32).
     *
     * @param histLen number of events in the user's history including the trigger (capped at {@code seqLen} here)
     * @throws IllegalArgumentException for an unknown name
     */
    public static double contextFeature(String name, long ts, EventType type, int histLen, int seqLen) {
        int kind = contextKind(name);
        if (kind < 0) {
            throw new IllegalArgumentException("unknown context feature '" + name + "'");
        }
        return contextValue(kind, ts, type, histLen, seqLen);
    }

    private static double contextValue(int kind, long ts, EventType type, int histLen, int seqLen) {
        switch (kind) {
            case HOUR_SIN:
                return Math.sin(2 * Math.PI * hours(ts) / 24.0);
            case HOUR_COS:
                return Math.cos(2 * Math.PI * hours(ts) / 24.0);
            case DOW_SIN:
                return Math.sin(2 * Math.PI * dow(ts) / 7.0);
            case DOW_COS:
                return Math.cos(2 * Math.PI * dow(ts) / 7.0);
            case LOG_HIST_LEN:
                return Math.log1p(Math.max(0, Math.min(histLen, seqLen)));
            default:
                return type != null && kind - TYPE_BASE == type.ordinal() ? 1.0 : 0.0;
        }
    }

    /** Fractional hour of day, UTC: {@code (ts mod 86_400_000) / 3_600_000}. */
    static double hours(long ts) {
        return Math.floorMod(ts, DAY_MS) / (double) HOUR_MS;
    }

    /** Day of week, 0 = Monday: {@code (floor(ts / 86_400_000) + 3) mod 7}. */
    static int dow(long ts) {
        return (int) Math.floorMod(Math.floorDiv(ts, DAY_MS) + 3, 7L);
    }

    /**
     * The {@code covisit} candidate feature: {@code ln(1 + Σ_{p<M'} weight(hist_p → c) / (p + 1))},
     * {@code M' = min(window, histLen)}, history most recent first.
     */
    public static double covisitFeature(Covisitation covisit, String[] hist, int histLen, int window,
                                        String candidate) {
        int m = Math.min(window, histLen);
        double sum = 0;
        for (int p = 0; p < m; p++) {
            sum += (double) covisit.weight(hist[p], candidate) / (p + 1);
        }
        return Math.log1p(sum);
    }

    /** Writes the manifest's context features, in order, to {@code out[off..off+C)}. */
    public void encodeContext(long ts, EventType type, int histLen, float[] out, int off) {
        for (int c = 0; c < numContext; c++) {
            out[off + c] = (float) contextValue(contextKinds[c], ts, type, histLen, seqLen);
        }
    }

    /** Writes the manifest's candidate features for one candidate, in order, to {@code out[off..off+F)}. */
    public void encodeCandidate(String[] hist, int histLen, String candidate, float[] out, int off) {
        int m = prepareWindow(hist, histLen);
        encodeCandidate(m, candidate, out, off);
    }

    private int prepareWindow(String[] hist, int histLen) {
        int m = Math.min(covisitWindow, histLen);
        if (windowLists.length < m) {
            windowLists = new Covisitation.Neighbours[m];
        }
        for (int p = 0; p < m; p++) {
            windowLists[p] = covisit.neighbours(hist[p]);
        }
        return m;
    }

    private void encodeCandidate(int m, String candidate, float[] out, int off) {
        for (int f = 0; f < numCandFeatures; f++) {
            // COVISIT is the only candidate kind so far
            double sum = 0;
            if (candidate != null) {
                for (int p = 0; p < m; p++) {
                    Covisitation.Neighbours n = windowLists[p];
                    if (n != null) {
                        sum += (double) n.weightOf(candidate) / (p + 1);
                    }
                }
            }
            out[off + f] = (float) Math.log1p(sum);
        }
    }

    // ---------------------------------------------------------------- batch encoding

    /**
     * Encodes a batch into the reused buffers. The candidate axis is padded to the batch's largest
     * {@code numCandidates} with model index 0 and zero features.
     *
     * @return the padded candidate count K
     */
    public int encode(List<RankRequest> batch) {
        int b = batch.size();
        int k = 0;
        for (int i = 0; i < b; i++) {
            k = Math.max(k, batch.get(i).numCandidates);
        }
        ensureCapacity(b, k);
        batchSize = b;
        maxCandidates = k;
        int L = seqLen;
        for (int i = 0; i < b; i++) {
            RankRequest r = batch.get(i);
            if (r.interest == null || r.interest.length != d) {
                throw new IllegalArgumentException("request " + i + ": interest must have length " + d + ", got "
                        + (r.interest == null ? "null" : r.interest.length));
            }
            System.arraycopy(r.interest, 0, interest, i * d, d);
            int h = Math.min(r.histLen, L);
            int hb = i * L;
            for (int p = 0; p < h; p++) {
                histItems[hb + p] = items.indexOf(r.histItems[p]);
                EventType t = r.histTypes[p];
                histTypes[hb + p] = t == null ? 0 : t.modelIndex();
                histAges[hb + p] = (float) (Math.max(0L, r.triggerTs - r.histTs[p]) / 1000.0);
            }
            Arrays.fill(histItems, hb + h, hb + L, 0L);
            Arrays.fill(histTypes, hb + h, hb + L, 0L);
            Arrays.fill(histAges, hb + h, hb + L, 0f);

            EventType trig = r.triggerType != null ? r.triggerType : (r.histLen > 0 ? r.histTypes[0] : null);
            encodeContext(r.triggerTs, trig, r.histLen, context, i * numContext);

            int m = prepareWindow(r.histItems, r.histLen);
            int cb = i * k;
            int n = r.numCandidates;
            for (int c = 0; c < n; c++) {
                String id = r.candidates[c];
                candItems[cb + c] = items.indexOf(id);
                encodeCandidate(m, id, candFeats, (cb + c) * numCandFeatures);
            }
            Arrays.fill(candItems, cb + n, cb + k, 0L);
            Arrays.fill(candFeats, (cb + n) * numCandFeatures, (cb + k) * numCandFeatures, 0f);
        }
        return k;
    }

    private void ensureCapacity(int b, int k) {
        if (interest.length < b * d) {
            interest = new float[b * d];
        }
        if (histItems.length < b * seqLen) {
            histItems = new long[b * seqLen];
            histTypes = new long[b * seqLen];
            histAges = new float[b * seqLen];
        }
        if (context.length < b * numContext) {
            context = new float[b * numContext];
        }
        if (candItems.length < b * k) {
            candItems = new long[b * k];
        }
        if (candFeats.length < b * k * numCandFeatures) {
            candFeats = new float[b * k * numCandFeatures];
        }
    }

    public int batchSize() {
        return batchSize;
    }

    public int maxCandidates() {
        return maxCandidates;
    }

    public int dim() {
        return d;
    }

    public int seqLen() {
        return seqLen;
    }

    public int numContextFeatures() {
        return numContext;
    }

    public int numCandidateFeatures() {
        return numCandFeatures;
    }

    /** {@code [batch, d]}, valid up to {@code batchSize()*dim()}. */
    public float[] interest() {
        return interest;
    }

    /** {@code [batch, L]}. */
    public long[] histItems() {
        return histItems;
    }

    /** {@code [batch, L]}. */
    public long[] histTypes() {
        return histTypes;
    }

    /** {@code [batch, L]}. */
    public float[] histAges() {
        return histAges;
    }

    /** {@code [batch, K]}. */
    public long[] candItems() {
        return candItems;
    }

    /** {@code [batch, K, F]}. */
    public float[] candFeats() {
        return candFeats;
    }

    /** {@code [batch, C]}. */
    public float[] context() {
        return context;
    }
}
