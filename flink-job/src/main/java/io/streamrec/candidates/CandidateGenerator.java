package io.streamrec.candidates;

import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;

import java.util.List;
import java.util.function.Predicate;

/**
 * Merges the candidate sources in priority order — recent items, co-visitation neighbours of the recent items,
 * online co-visitation neighbours (learnt from the live stream, by item id), retrieval (inner product with the
 * interest vector), popular — without duplicates and without excluded items.
 * Keeps all scratch buffers between calls: no allocation per call once warm. Not thread-safe: one per thread.
 */
public final class CandidateGenerator {
    private final ItemIndex items;
    private final Covisitation covisit;
    private final String[] popular;
    private final int[] popularIdx;
    private final CandidateOptions opt;
    private final int covisitSeeds;
    private final int onlineItems;
    private final int onlineHistory;
    private final ItemScores onlineScores = new ItemScores();
    private String[] onlineTop = new String[64];
    private final int n;
    private final int d;

    // dedupe: stamp per model index; unknown ids are checked by scanning the set
    private final int[] seen;
    private int stamp;
    // co-visitation accumulation
    private final float[] covScore;
    private int[] touched = new int[256];
    // retrieval
    private final float[] tileScores = new float[ItemIndex.TILE];
    private float[] allScores = new float[0];
    private final TopK heap = new TopK(128);
    private final IvfIndex ivf;
    private int[] ivfIds = new int[0];
    private float[] ivfScores = new float[0];

    public CandidateGenerator(ModelBundle bundle, CandidateOptions options) {
        this(bundle.items(), bundle.covisit(), bundle.popular(), bundle.manifest().covisitWindow(),
                withManifest(options, bundle));
    }

    private static CandidateOptions withManifest(CandidateOptions options, ModelBundle bundle) {
        CandidateOptions o = options == null ? CandidateOptions.defaults() : options.copy();
        if (o.onlineCovisitItems < 0) {
            o.onlineCovisitItems = bundle.manifest().onlineCovisitItems();
        }
        if (o.onlineCovisitHistory < 0) {
            o.onlineCovisitHistory = bundle.manifest().seqLen();
        }
        return o;
    }

    /** For tests and tools that assemble the parts themselves. */
    public CandidateGenerator(ItemIndex items, Covisitation covisit, List<String> popular, int covisitWindow,
                              CandidateOptions options) {
        this.items = items;
        this.covisit = covisit;
        this.opt = options == null ? CandidateOptions.defaults() : options;
        this.popular = popular.toArray(new String[0]);
        this.popularIdx = new int[this.popular.length];
        for (int i = 0; i < this.popular.length; i++) {
            popularIdx[i] = items.indexOf(this.popular[i]);
        }
        this.covisitSeeds = opt.covisitSeeds >= 0 ? opt.covisitSeeds
                : (covisitWindow > 0 ? covisitWindow : opt.recentN);
        this.onlineItems = opt.onlineCovisitItems >= 0 ? opt.onlineCovisitItems : OnlineCovisitation.DEFAULT_ITEMS;
        this.onlineHistory = opt.onlineCovisitHistory >= 0 ? opt.onlineCovisitHistory : Integer.MAX_VALUE;
        this.n = items.size();
        this.d = items.dim();
        this.seen = new int[n + 1];
        this.covScore = new float[n + 1];
        if (opt.ivfMinItems > 0 && n >= opt.ivfMinItems) {
            this.ivf = IvfIndex.build(items.embeddings(), n, d, IvfIndex.listsFor(n), 4, 17L,
                    opt.retrievalN + 64, opt.ivfProbe * 4);
        } else {
            this.ivf = null;
            items.columnTiles(); // build the shared scan layout now, not on the first event
        }
    }

    /**
     * A generator for {@link #retrieve} alone, always by the exact scan: what the evaluator's retrieval baseline and
     * the bench's retrieval section measure, with the job's own scan.
     */
    public static CandidateGenerator exactRetrieval(ItemIndex items, int retrievalN) {
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = retrievalN;
        o.covisitN = 0;
        o.recentEnabled = false;
        o.popularN = 0;
        o.ivfMinItems = 0;
        return new CandidateGenerator(items, Covisitation.of(java.util.Map.of(), items), List.of(), 0, o);
    }

    /** True when retrieval goes through the approximate IVF index rather than the exact scan. */
    public boolean approximate() {
        return ivf != null;
    }

    /**
     * Fills {@code out} (cleared first).
     *
     * @param interest    the user's interest vector (null or all zeros = cold)
     * @param recentItems the user's recent item ids, most recent first
     * @param excluded    items that must never be proposed (out of stock, deleted, purchased); may be null
     */
    public void generate(float[] interest, String[] recentItems, int recentLen, Predicate<String> excluded,
                         CandidateSet out) {
        generate(interest, recentItems, recentLen, null, excluded, out);
    }

    /**
     * Fills {@code out} (cleared first), with the online co-visitation source when {@code online} is not null.
     *
     * @param online the online co-visitation table, after the trigger event was added to it; may be null
     */
    public void generate(float[] interest, String[] recentItems, int recentLen, OnlineCovisitation online,
                         Predicate<String> excluded, CandidateSet out) {
        out.clear();
        if (++stamp == 0) { // wrapped: reset the stamps
            java.util.Arrays.fill(seen, 0);
            stamp = 1;
        }
        boolean noInterest = isZero(interest);
        boolean cold = recentLen <= 0 || noInterest;

        // 1. recent items, distinct, most recent first
        if (opt.recentEnabled) {
            int added = 0;
            for (int p = 0; p < recentLen && added < opt.recentN; p++) {
                if (tryAdd(recentItems[p], -1, excluded, CandidateSource.RECENT, out)) {
                    added++;
                }
            }
        }

        // 2. co-visitation neighbours of the recent items, weighted by recency like the covisit feature
        if (opt.covisitN > 0 && recentLen > 0) {
            addCovisit(recentItems, Math.min(recentLen, covisitSeeds), excluded, out);
        }

        // 3. online co-visitation neighbours of the last distinct items, by id: items the bundle does not know too
        if (opt.onlineCovisitN > 0 && online != null && recentLen > 0) {
            addOnlineCovisit(online, recentItems, Math.min(recentLen, onlineHistory), excluded, out);
        }

        // 4. retrieval: top-N by inner product (meaningless for an all-zero vector)
        if (opt.retrievalN > 0 && !noInterest) {
            addRetrieval(interest, excluded, out);
        }

        // 5. popular: always for a cold user, otherwise only to fill
        int limit = cold ? opt.popularN : Math.max(0, opt.fillTo - out.size());
        int added = 0;
        for (int i = 0; i < popular.length && added < limit; i++) {
            if (tryAdd(popular[i], popularIdx[i], excluded, CandidateSource.POPULAR, out)) {
                added++;
            }
        }
    }

    private static boolean isZero(float[] v) {
        if (v == null) {
            return true;
        }
        for (float x : v) {
            if (x != 0f) {
                return false;
            }
        }
        return true;
    }

    /** Adds the item unless it is null, already present or excluded. idx = -1: look it up. */
    private boolean tryAdd(String id, int idx, Predicate<String> excluded, CandidateSource src, CandidateSet out) {
        if (id == null) {
            return false;
        }
        if (idx < 0) {
            idx = items.indexOf(id);
        }
        if (idx > 0) {
            if (seen[idx] == stamp) {
                return false;
            }
        } else {
            String[] arr = out.itemArray();
            for (int i = 0, s = out.size(); i < s; i++) {
                if (out.modelIndex(i) == 0 && arr[i].equals(id)) {
                    return false;
                }
            }
        }
        if (excluded != null && excluded.test(id)) {
            return false;
        }
        if (idx > 0) {
            seen[idx] = stamp;
        }
        out.add(id, idx, src);
        return true;
    }

    private void addCovisit(String[] recent, int seeds, Predicate<String> excluded, CandidateSet out) {
        int t = 0;
        for (int p = 0; p < seeds; p++) {
            Covisitation.Neighbours nb = covisit.neighbours(recent[p]);
            if (nb == null) {
                continue;
            }
            float div = p + 1;
            for (int i = 0, s = nb.size(); i < s; i++) {
                int idx = nb.modelIndex(i);
                if (idx <= 0) {
                    continue; // the model cannot score items outside its vocabulary
                }
                if (covScore[idx] == 0f) {
                    if (t == touched.length) {
                        touched = java.util.Arrays.copyOf(touched, t * 2);
                    }
                    touched[t++] = idx;
                }
                covScore[idx] += nb.weight(i) / div;
            }
        }
        heap.reset(t);
        for (int i = 0; i < t; i++) {
            int idx = touched[i];
            heap.offer(covScore[idx], idx);
            covScore[idx] = 0f;
        }
        int m = heap.drainSorted();
        int added = 0;
        for (int i = 0; i < m && added < opt.covisitN; i++) {
            int idx = heap.idAt(i);
            if (tryAdd(items.idOf(idx), idx, excluded, CandidateSource.COVISIT, out)) {
                added++;
            }
        }
    }

    private void addOnlineCovisit(OnlineCovisitation online, String[] recent, int len, Predicate<String> excluded,
                                  CandidateSet out) {
        online.accumulate(recent, len, onlineItems, onlineScores);
        int total = onlineScores.size();
        if (total == 0) {
            return;
        }
        // at most out.size() of the best can be duplicates; go deeper only when exclusions ate more
        int cap = Math.min(total, opt.onlineCovisitN + out.size());
        int start = out.size();
        while (true) {
            if (onlineTop.length < cap) {
                onlineTop = new String[Math.max(cap, onlineTop.length * 2)];
            }
            int m = onlineScores.top(cap, onlineTop, null);
            int added = 0;
            for (int i = 0; i < m && added < opt.onlineCovisitN; i++) {
                if (tryAdd(onlineTop[i], -1, excluded, CandidateSource.ONLINE_COVISIT, out)) {
                    added++;
                }
            }
            if (added >= opt.onlineCovisitN || cap >= total) {
                return;
            }
            out.truncate(start, seen);
            // deeper, not the whole table at once: top(n) is a prefix of top(n') for n < n' (a total order), so the
            // items added are the same; most retries need a few more than cap, not all of the table
            cap = (int) Math.min(total, 4L * cap);
        }
    }

    /** The seeds {@code d_q} of the last online co-visitation source (valid until the next call). */
    public ItemScores onlineScores() {
        return onlineScores;
    }

    private void addRetrieval(float[] q, Predicate<String> excluded, CandidateSet out) {
        int want = opt.retrievalN;
        // both searches leave out the items already in the set, so only exclusions can cost depth
        int cap = Math.min(n, want + 32);
        int probes = opt.ivfProbe;
        while (true) {
            int m = topByInnerProduct(q, cap, probes, out);
            int added = 0;
            int start = out.size();
            for (int i = 0; i < m && added < want; i++) {
                int idx = ivf != null ? ivfIds[i] + 1 : heap.idAt(i);
                if (tryAdd(items.idOf(idx), idx, excluded, CandidateSource.RETRIEVAL, out)) {
                    added++;
                }
            }
            if (added >= want || cap >= n) {
                return;
            }
            // Too many of the best were excluded: undo and search deeper, IVF in more lists (rare).
            out.truncate(start, seen);
            cap = (int) Math.min(n, (long) cap * 4);
            probes = opt.ivfProbe * 4;
        }
    }

    /**
     * The top {@code cap} items by inner product that are not in the event's set so far: in {@link #ivfIds}
     * (0-based) with IVF, searching {@code probes} lists, else in the heap.
     */
    private int topByInnerProduct(float[] q, int cap, int probes, CandidateSet inSet) {
        if (ivf == null) {
            return scan(q, cap, inSet);
        }
        if (ivfIds.length < cap) {
            ivfIds = new int[cap];
            ivfScores = new float[cap];
        }
        return ivf.search(q, cap, probes, seen, stamp, ivfIds, ivfScores);
    }

    /**
     * Scores every item against q (exact inner product), then leaves the top {@code cap} model indices sorted
     * best-first in the heap's read-out; returns how many. The model items of {@code skip} (may be null; the event's
     * set so far) score -infinity, so they fall behind every other item and a shallower selection finds as many new
     * ones (the order of the others is unchanged: the same candidates are added).
     */
    private int scan(float[] q, int cap, CandidateSet skip) {
        float[][][] tiles = items.columnTiles();
        final int tile = ItemIndex.TILE;
        float[] s = tileScores;
        if (allScores.length < n) {
            allScores = new float[n];
        }
        for (int tIdx = 0; tIdx < tiles.length; tIdx++) {
            float[][] cols = tiles[tIdx];
            ColumnScan.score(q, d, cols, tile, s);
            int rows = Math.min(tile, n - tIdx * tile);
            System.arraycopy(s, 0, allScores, tIdx * tile, rows);
        }
        for (int i = 0, size = skip == null ? 0 : skip.size(); i < size; i++) {
            int idx = skip.modelIndex(i);
            if (idx > 0) {
                allScores[idx - 1] = Float.NEGATIVE_INFINITY;
            }
        }
        return heap.selectTop(allScores, n, cap, 1);
    }

    /**
     * The exact top-{@code k} model indices by inner product with {@code q}, best first (ties: lower index first).
     *
     * @return how many were written (min(k, num_items))
     */
    public int retrieve(float[] q, int k, int[] outIndices, float[] outScores) {
        int cap = Math.min(k, n);
        int m = scan(q, cap, null);
        for (int i = 0; i < m; i++) {
            outIndices[i] = heap.idAt(i);
            if (outScores != null) {
                outScores[i] = heap.scoreAt(i);
            }
        }
        return m;
    }
}
