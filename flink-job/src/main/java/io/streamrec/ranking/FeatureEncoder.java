package io.streamrec.ranking;

import io.streamrec.candidates.HistoryWindow;
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
 * Per event, the history's per-item aggregates ({@code hist_*}) and the online co-visitation scores are built once
 * (at most L history entries, at most K lists) and each candidate is a hash lookup in them, never a history scan.
 * Not thread-safe: one encoder per thread.
 *
 * <p>Over 500 lines because it is the Java side of the contract's feature list: the names, each feature's function and
 * the batch layout change together when the contract does, and the golden replay checks them as one.
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
    private static final int HIST_COUNT = 1;
    private static final int HIST_RECENCY = 2;
    private static final int HIST_AGE = 3;
    private static final int HIST_CART = 4;
    private static final int HIST_PURCHASE = 5;
    private static final int ONLINE_COVISIT = 6;

    private static final long DAY_MS = 86_400_000L;
    private static final long HOUR_MS = 3_600_000L;

    private final ItemIndex items;
    private final Covisitation covisit;
    private final int d;
    private final int seqLen;
    private final int covisitWindow;
    private final int onlineItems;
    private final int[] contextKinds;
    private final int[] candidateKinds;
    private final int numContext;
    private final int numCandFeatures;
    private final boolean needsHistory;
    private final boolean needsCovisit;
    private final boolean needsOnline;

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
    private int windowLen;
    /**
     * The {@code covisit} feature's sums by model index, accumulated once per event from the window's lists (each
     * list's neighbours, in window order, so every sum adds its terms in the same order as looking the candidate up
     * in every list would); only the {@link #covisitTouched} entries are non-zero. Candidates the model does not know
     * (index 0) are still looked up by id.
     */
    private double[] covisitSums = new double[0];
    private int[] covisitTouched = new int[0];
    private int covisitTouchedLen;
    /** Whether the bundle's co-visitation lists carry model indices of this encoder's vocabulary. */
    private final boolean covisitByIndex;
    private final HistoryWindow history = new HistoryWindow();
    private final ItemScores onlineScores = new ItemScores();
    /** The scores the current candidates read: {@link #onlineScores} or a request's precomputed ones. */
    private ItemScores activeScores = onlineScores;
    private long triggerTs;

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
        this.onlineItems = manifest.onlineCovisitItems();
        this.contextKinds = compileContext(manifest.contextFeatures(), where);
        this.candidateKinds = compileCandidate(manifest.candidateFeatures(), where);
        this.numContext = contextKinds.length;
        this.numCandFeatures = candidateKinds.length;
        boolean hist = false;
        boolean cov = false;
        boolean online = false;
        for (int k : candidateKinds) {
            hist |= k >= HIST_COUNT && k <= HIST_PURCHASE;
            cov |= k == COVISIT;
            online |= k == ONLINE_COVISIT;
        }
        this.needsHistory = hist;
        this.needsCovisit = cov;
        this.covisitByIndex = covisit != null && covisit.itemIndex() == items;
        this.needsOnline = online;
        if (online && !manifest.hasOnlineCovisit()) {
            throw new BundleException(where + ": manifest.json candidate_features names 'online_covisit' but the "
                    + "manifest has no key 'online_covisit'");
        }
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
        switch (name) {
            case "covisit":
                return COVISIT;
            case "hist_count":
                return HIST_COUNT;
            case "hist_recency":
                return HIST_RECENCY;
            case "hist_age":
                return HIST_AGE;
            case "hist_cart":
                return HIST_CART;
            case "hist_purchase":
                return HIST_PURCHASE;
            case "online_covisit":
                return ONLINE_COVISIT;
            default:
                return -1;
        }
    }

    /** True when the manifest names a {@code hist_*} feature (they need the history's types and times). */
    public boolean needsHistoryDetails() {
        return needsHistory;
    }

    /** True when the manifest names {@code online_covisit} (it needs {@link RankRequest#onlineCovisit}). */
    public boolean needsOnlineCovisit() {
        return needsOnline;
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
        int lp = Math.min(seqLen, histLen);
        this.triggerTs = triggerTs;
        windowLen = needsCovisit ? prepareWindow(hist, histLen) : 0;
        if (needsHistory) {
            history.build(hist, types, ts, lp);
        }
        if (needsOnline) {
            if (precomputed != null) {
                activeScores = precomputed;
            } else {
                activeScores = onlineScores;
                if (online != null) {
                    online.accumulate(hist, lp, onlineItems, onlineScores);
                } else {
                    onlineScores.clearAll();
                }
            }
        }
    }

    /** The number of distinct history items {@code K} the {@code online_covisit} feature sums over. */
    public int onlineCovisitItems() {
        return onlineItems;
    }

    private int prepareWindow(String[] hist, int histLen) {
        int m = Math.min(covisitWindow, histLen);
        if (windowLists.length < m) {
            windowLists = new Covisitation.Neighbours[m];
        }
        for (int i = 0; i < covisitTouchedLen; i++) {
            covisitSums[covisitTouched[i]] = 0.0;
        }
        covisitTouchedLen = 0;
        if (covisitByIndex && covisitSums.length < items.size() + 1) {
            covisitSums = new double[items.size() + 1];
        }
        for (int p = 0; p < m; p++) {
            Covisitation.Neighbours nb = covisit.neighbours(hist[p]);
            windowLists[p] = nb;
            if (nb == null || !covisitByIndex) {
                continue;
            }
            for (int j = 0, k = nb.size(); j < k; j++) {
                int idx = nb.modelIndex(j);
                if (idx <= 0) {
                    continue;
                }
                if (covisitSums[idx] == 0.0) {
                    if (covisitTouchedLen == covisitTouched.length) {
                        covisitTouched = Arrays.copyOf(covisitTouched, Math.max(64, 2 * covisitTouchedLen));
                    }
                    covisitTouched[covisitTouchedLen++] = idx;
                }
                covisitSums[idx] += (double) nb.weight(j) / (p + 1);
            }
        }
        return m;
    }

    /** One candidate's features from the state {@link #prepareCandidates} built, to {@code out[off..off+F)}. */
    public void encodeCandidate(String candidate, float[] out, int off) {
        encodeCandidate(candidate, candidate == null ? 0 : items.indexOf(candidate), out, off);
    }

    /** As above, with the candidate's model index already known (0 = unknown to the model). */
    public void encodeCandidate(String candidate, int modelIndex, float[] out, int off) {
        int slot = needsHistory && candidate != null ? history.find(candidate) : -1;
        for (int f = 0; f < numCandFeatures; f++) {
            double v;
            switch (candidateKinds[f]) {
                case COVISIT: {
                    double sum = 0;
                    if (modelIndex > 0 && covisitByIndex) {
                        sum = covisitSums[modelIndex];
                    } else if (candidate != null) {
                        for (int p = 0; p < windowLen; p++) {
                            Covisitation.Neighbours n = windowLists[p];
                            if (n != null) {
                                sum += (double) n.weightOf(candidate) / (p + 1);
                            }
                        }
                    }
                    v = Math.log1p(sum);
                    break;
                }
                case HIST_COUNT:
                    v = slot < 0 ? 0.0 : Math.log1p(history.count(slot));
                    break;
                case HIST_RECENCY:
                    v = slot < 0 ? 0.0 : 1.0 / (1 + history.firstPos(slot));
                    break;
                case HIST_AGE:
                    v = slot < 0 || !history.hasTs() ? 0.0
                            : Math.log1p(Math.max(0L, triggerTs - history.firstTs(slot)) / (double) HOUR_MS);
                    break;
                case HIST_CART:
                    v = slot >= 0 && history.seen(slot, EventType.ADD_TO_CART) ? 1.0 : 0.0;
                    break;
                case HIST_PURCHASE:
                    v = slot >= 0 && history.seen(slot, EventType.PURCHASE) ? 1.0 : 0.0;
                    break;
                default: // ONLINE_COVISIT
                    v = Math.log1p(activeScores.get(candidate));
                    break;
            }
            out[off + f] = (float) v;
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
