package io.streamrec.ranking;

import io.streamrec.candidates.ItemScores;
import io.streamrec.candidates.OnlineCovisitation;
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
 *
 * <p>This class owns the batch layout (the padded {@code [batch, ...]} tensors) and is the one entry point callers
 * and the golden replay use; the features themselves live in {@link ContextFeatures} (trigger-only, stateless) and
 * {@link CandidateFeatures} (per-event state built once, then a lookup per candidate), so each can be read against
 * its section of the contract on its own.
 */
public final class FeatureEncoder {
    private final ItemIndex items;
    private final int d;
    private final int seqLen;
    private final ContextFeatures contextFeatures;
    private final CandidateFeatures candidateFeatures;
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

    public FeatureEncoder(ModelBundle bundle) throws BundleException {
        this(bundle.manifest(), bundle.items(), bundle.covisit(), "bundle " + bundle.location());
    }

    /** For tests and tools that assemble the parts themselves. */
    public FeatureEncoder(BundleManifest manifest, ItemIndex items, Covisitation covisit, String where)
            throws BundleException {
        this.items = items;
        this.d = manifest.embeddingDim();
        this.seqLen = manifest.seqLen();
        this.contextFeatures = new ContextFeatures(manifest.contextFeatures(), seqLen, where);
        this.candidateFeatures = new CandidateFeatures(manifest.candidateFeatures(), items, covisit, seqLen,
                manifest.covisitWindow(), manifest.onlineCovisitItems(), where);
        this.numContext = contextFeatures.size();
        this.numCandFeatures = candidateFeatures.size();
        if (candidateFeatures.needsOnline() && !manifest.hasOnlineCovisit()) {
            throw new BundleException(where + ": manifest.json candidate_features names 'online_covisit' but the "
                    + "manifest has no key 'online_covisit'");
        }
    }

    // ---------------------------------------------------------------- feature names

    /** The context feature names this reader knows. */
    public static boolean isKnownContextFeature(String name) {
        return ContextFeatures.isKnown(name);
    }

    /** The candidate feature names this reader knows. */
    public static boolean isKnownCandidateFeature(String name) {
        return CandidateFeatures.isKnown(name);
    }

    /** True when the manifest names a {@code hist_*} feature (they need the history's types and times). */
    public boolean needsHistoryDetails() {
        return candidateFeatures.needsHistory();
    }

    /** True when the manifest names {@code online_covisit} (it needs {@link RankRequest#onlineCovisit}). */
    public boolean needsOnlineCovisit() {
        return candidateFeatures.needsOnline();
    }

    // ---------------------------------------------------------------- per-feature functions

    /**
     * One context feature by name, in float64 (the tensor holds it as float32).
     *
     * @param histLen number of events in the user's history including the trigger (capped at {@code seqLen} here)
     * @throws IllegalArgumentException for an unknown name
     */
    public static double contextFeature(String name, long ts, EventType type, int histLen, int seqLen) {
        return ContextFeatures.feature(name, ts, type, histLen, seqLen);
    }

    /**
     * The {@code covisit} candidate feature: {@code ln(1 + Σ_{p<M'} weight(hist_p → c) / (p + 1))},
     * {@code M' = min(window, histLen)}, history most recent first.
     */
    public static double covisitFeature(Covisitation covisit, String[] hist, int histLen, int window,
                                        String candidate) {
        return CandidateFeatures.covisitFeature(covisit, hist, histLen, window, candidate);
    }

    /** Writes the manifest's context features, in order, to {@code out[off..off+C)}. */
    public void encodeContext(long ts, EventType type, int histLen, float[] out, int off) {
        contextFeatures.encode(ts, type, histLen, out, off);
    }

    /**
     * Writes the manifest's candidate features for one candidate, in order, to {@code out[off..off+F)}, for a
     * history without types, times or online table (enough for {@code covisit}; {@code hist_count} and
     * {@code hist_recency} also work, the other features read as if nothing matched).
     */
    public void encodeCandidate(String[] hist, int histLen, String candidate, float[] out, int off) {
        prepareCandidates(hist, null, null, histLen, 0L, null);
        encodeCandidate(candidate, out, off);
    }

    /**
     * Builds the per-event state the candidate features read: the covisit window's lists, the history's per-item
     * aggregates over {@code L' = min(L, histLen)} events and the online co-visitation scores (after the trigger was
     * added to {@code online}; null reads as an empty table). Then call {@link #encodeCandidate(String, float[], int)}
     * per candidate.
     *
     * @param types history event types, most recent first; may be null when no {@code hist_cart}/{@code hist_purchase}
     * @param ts    history event times, epoch ms; may be null when no {@code hist_age}
     */
    public void prepareCandidates(String[] hist, EventType[] types, long[] ts, int histLen, long triggerTs,
                                  OnlineCovisitation online) {
        prepareCandidates(hist, types, ts, histLen, triggerTs, online, null);
    }

    /**
     * As above; when {@code precomputed} is not null it is used as the online co-visitation scores instead of
     * accumulating them from {@code online} now (see {@link RankRequest#onlineScores}).
     */
    public void prepareCandidates(String[] hist, EventType[] types, long[] ts, int histLen, long triggerTs,
                                  OnlineCovisitation online, ItemScores precomputed) {
        candidateFeatures.prepare(hist, types, ts, histLen, triggerTs, online, precomputed);
    }

    /** The number of distinct history items {@code K} the {@code online_covisit} feature sums over. */
    public int onlineCovisitItems() {
        return candidateFeatures.onlineItems();
    }

    /** One candidate's features from the state {@link #prepareCandidates} built, to {@code out[off..off+F)}. */
    public void encodeCandidate(String candidate, float[] out, int off) {
        encodeCandidate(candidate, candidate == null ? 0 : items.indexOf(candidate), out, off);
    }

    /** As above, with the candidate's model index already known (0 = unknown to the model). */
    public void encodeCandidate(String candidate, int modelIndex, float[] out, int off) {
        candidateFeatures.encode(candidate, modelIndex, out, off);
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

            prepareCandidates(r.histItems, r.histTypes, r.histTs, r.histLen, r.triggerTs, r.onlineCovisit,
                    r.onlineScores);
            int cb = i * k;
            int n = r.numCandidates;
            for (int c = 0; c < n; c++) {
                String id = r.candidates[c];
                int idx = r.candidateIndices != null ? r.candidateIndices[c] : items.indexOf(id);
                candItems[cb + c] = idx;
                encodeCandidate(id, idx, candFeats, (cb + c) * numCandFeatures);
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
