package io.streamrec.candidates;

import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;

import java.util.List;
import java.util.function.Predicate;

/**
 * Merges the candidate sources in priority order — recent items, co-visitation neighbours of the recent items,
 * online co-visitation neighbours (learnt from the live stream, by item id), retrieval (inner product with the
 * interest vector), popular — without duplicates and without excluded items. In the job an event's candidates are
 * made in two steps: {@link #begin}, at the event, the sources that read its history and the live tables; then
 * {@link #complete}, for its micro-batch, retrieval and popular items, so that the batch's events share one scan of
 * the item table ({@link RetrievalSource}). {@link #generate} does both for one event.
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

    private final Dedupe dedupe;
    // co-visitation accumulation
    private final float[] covScore;
    private int[] touched = new int[256];
    private final TopK heap = new TopK(128);
    private final RetrievalSource retrieval;
    // the events of a batch that owe retrieval: their queries, sets and places in the batch
    private float[][] batchQueries = new float[0][];
    private CandidateSet[] batchSets = new CandidateSet[0];
    private int[] batchSlots = new int[0];

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
        this.dedupe = new Dedupe(items);
        this.covScore = new float[items.size() + 1];
        this.retrieval = new RetrievalSource(items, dedupe, opt);
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
        return retrieval.approximate();
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
        boolean noInterest = isZero(interest);
        fromHistory(recentItems, recentLen, online, excluded, out);
        finish(interest, !noInterest && opt.retrievalN > 0, recentLen <= 0 || noInterest, excluded, out);
    }

    /**
     * Starts an event's candidates: the sources that read the history and the live tables (recent, co-visitation,
     * online co-visitation), now. Retrieval and popular items are owed until {@link #complete}, which may run for
     * several events at once; {@code p.set} is not final until then.
     *
     * @param p the event's pending candidates, its filters built for this user
     */
    public void begin(float[] interest, String[] recentItems, int recentLen, OnlineCovisitation online,
                      PendingCandidates p) {
        boolean noInterest = isZero(interest);
        fromHistory(recentItems, recentLen, online, p.excluded(), p.set);
        p.retrieve = !noInterest && opt.retrievalN > 0;
        p.cold = recentLen <= 0 || noInterest;
        if (p.retrieve) {
            if (p.query.length != interest.length) {
                p.query = new float[interest.length];
            }
            System.arraycopy(interest, 0, p.query, 0, interest.length);
        }
        p.open = true;
    }

    /**
     * Completes what {@link #begin} left owed for the open events among {@code ps[0..b)}, in order: each gets the
     * candidates {@link #generate} would have given it. With the exact scan, their retrieval scans the item table
     * once for all of them.
     */
    public void complete(PendingCandidates[] ps, int b) {
        int q = batchRetrieval(ps, b);
        int next = 0;
        for (int i = 0; i < b; i++) {
            PendingCandidates p = ps[i];
            if (!p.open) {
                continue;
            }
            dedupe.restamp(p.set);
            if (next < q && batchSlots[next] == i) {
                retrieval.addFromBatch(next++, p.query, p.excluded(), p.set);
            } else if (p.retrieve) {
                retrieval.add(p.query, p.excluded(), p.set);
            }
            addPopular(p.cold, p.excluded(), p.set);
            p.open = false;
        }
    }

    /** Scans once for the open events that owe retrieval, when the source can; returns how many it scanned for. */
    private int batchRetrieval(PendingCandidates[] ps, int b) {
        if (batchSlots.length < b) {
            batchQueries = new float[b][];
            batchSets = new CandidateSet[b];
            batchSlots = new int[b];
        }
        float[][] qs = batchQueries;
        int q = 0;
        for (int i = 0; i < b; i++) {
            PendingCandidates p = ps[i];
            if (p.open && p.retrieve) {
                qs[q] = p.query;
                batchSets[q] = p.set;
                batchSlots[q++] = i;
            }
        }
        boolean scanned = retrieval.scanBatch(qs, batchSets, q);
        java.util.Arrays.fill(qs, 0, q, null);
        java.util.Arrays.fill(batchSets, 0, q, null);
        return scanned ? q : 0;
    }

    /** Sources 1–3 into {@code out} (cleared first), under a new dedupe stamp. */
    private void fromHistory(String[] recentItems, int recentLen, OnlineCovisitation online,
                             Predicate<String> excluded, CandidateSet out) {
        out.clear();
        dedupe.next();

        // 1. recent items, distinct, most recent first
        if (opt.recentEnabled) {
            int added = 0;
            for (int p = 0; p < recentLen && added < opt.recentN; p++) {
                if (dedupe.tryAdd(recentItems[p], -1, excluded, CandidateSource.RECENT, out)) {
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
    }

    /** Sources 4–5, under the stamp of {@link #fromHistory}. */
    private void finish(float[] interest, boolean retrieve, boolean cold, Predicate<String> excluded,
                        CandidateSet out) {
        // 4. retrieval: top-N by inner product (meaningless for an all-zero vector)
        if (retrieve) {
            retrieval.add(interest, excluded, out);
        }
        addPopular(cold, excluded, out);
    }

    /** 5. popular: always for a cold user, otherwise only to fill. */
    private void addPopular(boolean cold, Predicate<String> excluded, CandidateSet out) {
        int limit = cold ? opt.popularN : Math.max(0, opt.fillTo - out.size());
        int added = 0;
        for (int i = 0; i < popular.length && added < limit; i++) {
            if (dedupe.tryAdd(popular[i], popularIdx[i], excluded, CandidateSource.POPULAR, out)) {
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
            if (dedupe.tryAdd(items.idOf(idx), idx, excluded, CandidateSource.COVISIT, out)) {
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
                if (dedupe.tryAdd(onlineTop[i], -1, excluded, CandidateSource.ONLINE_COVISIT, out)) {
                    added++;
                }
            }
            if (added >= opt.onlineCovisitN || cap >= total) {
                return;
            }
            dedupe.truncate(out, start);
            // deeper, not the whole table at once: top(n) is a prefix of top(n') for n < n' (a total order), so the
            // items added are the same; most retries need a few more than cap, not all of the table
            cap = (int) Math.min(total, 4L * cap);
        }
    }

    /** The seeds {@code d_q} of the last online co-visitation source (valid until the next call). */
    public ItemScores onlineScores() {
        return onlineScores;
    }

    /**
     * The exact top-{@code k} model indices by inner product with {@code q}, best first (ties: lower index first).
     *
     * @return how many were written (min(k, num_items))
     */
    public int retrieve(float[] q, int k, int[] outIndices, float[] outScores) {
        return retrieval.retrieve(q, k, outIndices, outScores);
    }
}
