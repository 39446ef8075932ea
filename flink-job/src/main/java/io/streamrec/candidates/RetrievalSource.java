package io.streamrec.candidates;

import io.streamrec.model.ItemIndex;

import java.util.function.Predicate;

/**
 * The retrieval source: the {@code retrievalN} items with the highest inner product with the interest vector that
 * the set lacks and the filters allow, by the exact scan ({@link ExactScan}) or, over large catalogues, the IVF index
 * ({@link IvfIndex}). One event at a time ({@link #add}), or the exact scan's events of a micro-batch at once
 * ({@link #scanBatch}, then {@link #addFromBatch} per event), with the same items in the same order. Not thread-safe.
 */
final class RetrievalSource {
    private final ItemIndex items;
    private final Dedupe dedupe;
    private final int n;
    private final int want;
    private final int ivfProbe;
    private final IvfIndex ivf;
    private ExactScan exact; // null with IVF, until retrieve() asks for the exact scan
    private int[] ivfIds = new int[0];
    private float[] ivfScores = new float[0];
    private int[] batchCaps = new int[0];

    RetrievalSource(ItemIndex items, Dedupe dedupe, CandidateOptions opt) {
        this.items = items;
        this.dedupe = dedupe;
        this.n = items.size();
        this.want = opt.retrievalN;
        this.ivfProbe = opt.ivfProbe;
        if (opt.ivfMinItems > 0 && n >= opt.ivfMinItems) {
            this.ivf = IvfIndex.build(items.embeddings(), n, items.dim(), IvfIndex.listsFor(n), 4, 17L,
                    opt.retrievalN + 64, opt.ivfProbe * 4);
        } else {
            this.ivf = null;
            this.exact = new ExactScan(items);
        }
    }

    boolean approximate() {
        return ivf != null;
    }

    /** Adds one event's retrieval candidates to {@code out}, under the dedupe's current stamp. */
    void add(float[] q, Predicate<String> excluded, CandidateSet out) {
        // both searches leave out the items already in the set, so only exclusions can cost depth
        int cap = Math.min(n, want + 32);
        int probes = ivfProbe;
        while (true) {
            int m = topByInnerProduct(q, cap, probes, out);
            int added = 0;
            int start = out.size();
            for (int i = 0; i < m && added < want; i++) {
                int idx = ivf != null ? ivfIds[i] + 1 : exact.singleResult().idAt(i);
                if (dedupe.tryAdd(items.idOf(idx), idx, excluded, CandidateSource.RETRIEVAL, out)) {
                    added++;
                }
            }
            if (added >= want || cap >= n) {
                return;
            }
            // Too many of the best were excluded: undo and search deeper, IVF in more lists (rare).
            dedupe.truncate(out, start);
            cap = (int) Math.min(n, (long) cap * 4);
            probes = ivfProbe * 4;
        }
    }

    /**
     * The top {@code cap} items by inner product that are not in the event's set so far: in {@link #ivfIds}
     * (0-based) with IVF, searching {@code probes} lists, else in the exact scan's result.
     */
    private int topByInnerProduct(float[] q, int cap, int probes, CandidateSet inSet) {
        if (ivf == null) {
            return exact.single(q, cap, inSet);
        }
        if (ivfIds.length < cap) {
            ivfIds = new int[cap];
            ivfScores = new float[cap];
        }
        return ivf.search(q, cap, probes, dedupe.marks(), dedupe.stamp(), ivfIds, ivfScores);
    }

    /**
     * Scans the item table once for the events whose queries are {@code qs[0..b)} and whose sets are
     * {@code sets[0..b)}; afterwards {@link #addFromBatch}(k, ...) adds event k's candidates. Only with the exact scan
     * and at least two events (returns false otherwise: use {@link #add}). The sets must not change before then.
     */
    boolean scanBatch(float[][] qs, CandidateSet[] sets, int b) {
        if (ivf != null || b < 2) {
            return false; // one query: the single scan
        }
        if (batchCaps.length < b) {
            batchCaps = new int[b];
        }
        for (int k = 0; k < b; k++) {
            batchCaps[k] = Math.min(n, want + 32); // as add()'s first search: the scan skips the set's items too
        }
        exact.batch(qs, batchCaps, sets, b);
        return true;
    }

    /**
     * Adds event k's retrieval from the batched scan: the first {@code retrievalN} items in score order that the set
     * lacks and the filters allow, as {@link #add} finds them; deeper by the single scan when the batch's selection
     * runs out (exclusions ate more than its margin). Under the dedupe's stamp of event k's set.
     */
    void addFromBatch(int k, float[] q, Predicate<String> excluded, CandidateSet out) {
        TopK top = exact.batchResult(k);
        int m = Math.min(batchCaps[k], n);
        int start = out.size();
        int added = 0;
        for (int i = 0; i < m && added < want; i++) {
            int idx = top.idAt(i);
            if (dedupe.tryAdd(items.idOf(idx), idx, excluded, CandidateSource.RETRIEVAL, out)) {
                added++;
            }
        }
        if (added < want && m < n) {
            dedupe.truncate(out, start);
            add(q, excluded, out);
        }
    }

    /**
     * The exact top-{@code k} model indices by inner product with {@code q}, best first (ties: lower index first).
     *
     * @return how many were written (min(k, num_items))
     */
    int retrieve(float[] q, int k, int[] outIndices, float[] outScores) {
        if (exact == null) {
            exact = new ExactScan(items);
        }
        int m = exact.single(q, Math.min(k, n), null);
        TopK top = exact.singleResult();
        for (int i = 0; i < m; i++) {
            outIndices[i] = top.idAt(i);
            if (outScores != null) {
                outScores[i] = top.scoreAt(i);
            }
        }
        return m;
    }
}
