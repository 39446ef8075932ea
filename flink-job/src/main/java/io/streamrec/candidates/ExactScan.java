package io.streamrec.candidates;

import io.streamrec.model.ItemIndex;

/**
 * The exact retrieval scan: every item's inner product with a query, summed in dimension order
 * ({@link ColumnScan}), and the best {@code cap} by (score, lower index first). Two ways with the same results:
 * {@link #single}, one query, all scores kept and selected at once ({@link TopK#selectTop}); and {@link #batch},
 * several queries, each tile of the item table scored for all of them in turn while it is in cache, each query's
 * best selected as the tiles go ({@link TopK#offerAll}). Why the batch: over a realistic catalogue (118k items × 32
 * floats = 15 MB) one query's scan reads the table from memory, about 1 ms per event in the keyed operator (JFR); a
 * micro-batch of 8 events reads it once. Not thread-safe.
 */
final class ExactScan {
    private final ItemIndex items;
    private final int n;
    private final int d;
    private final float[] tileScores = new float[ItemIndex.TILE];
    private final float[] tileScores2 = new float[ItemIndex.TILE];
    private float[] allScores = new float[0];
    private final TopK singleTop = new TopK(128);
    private TopK[] tops = new TopK[0];
    // per query of a batch: the rows its set skips, ascending, how many, and the next one to skip
    private int[][] skipRows = new int[0][];
    private int[] skipLen = new int[0];
    private int[] skipAt = new int[0];

    ExactScan(ItemIndex items) {
        this.items = items;
        this.n = items.size();
        this.d = items.dim();
        items.columnTiles(); // build the scan layout now, not on the first event
    }

    /**
     * Scores every item against q, then leaves the top {@code cap} model indices sorted best-first in
     * {@link #singleResult()}; returns how many. The model items of {@code skip} (may be null) score -infinity, so they
     * fall behind every other item and a shallower selection finds as many new ones (the order of the others is
     * unchanged).
     */
    int single(float[] q, int cap, CandidateSet skip) {
        float[][][] tiles = items.columnTiles();
        final int tile = ItemIndex.TILE;
        float[] s = tileScores;
        if (allScores.length < n) {
            allScores = new float[n];
        }
        for (int t = 0; t < tiles.length; t++) {
            ColumnScan.score(q, d, tiles[t], tile, s);
            System.arraycopy(s, 0, allScores, t * tile, Math.min(tile, n - t * tile));
        }
        for (int i = 0, size = skip == null ? 0 : skip.size(); i < size; i++) {
            int idx = skip.modelIndex(i);
            if (idx > 0) {
                allScores[idx - 1] = Float.NEGATIVE_INFINITY;
            }
        }
        return singleTop.selectTop(allScores, n, cap, 1);
    }

    /** The result of the last {@link #single}: {@code idAt(i)} is a model index. */
    TopK singleResult() {
        return singleTop;
    }

    /**
     * Scores the table once for queries {@code qs[0..b)}; query k's best {@code caps[k]} (at most n) are then in
     * {@link #batchResult}(k), sorted best-first, model indices, exactly as {@link #single}(qs[k], caps[k], skips[k])
     * leaves them: the model items of {@code skips[k]} (may be null) score -infinity. Queries are scored two at a time
     * ({@link ColumnScan#score2}). Skipping the sets' items lets each query select only as deep as one event needs,
     * which is what most of the selection's cost depends on.
     */
    void batch(float[][] qs, int[] caps, CandidateSet[] skips, int b) {
        prepareBatch(caps, skips, b);
        float[][][] tiles = items.columnTiles();
        final int tile = ItemIndex.TILE;
        float[] s = tileScores;
        float[] s2 = tileScores2;
        for (int t = 0; t < tiles.length; t++) {
            float[][] cols = tiles[t];
            int base = t * tile;
            int rows = Math.min(tile, n - base);
            int k = 0;
            for (; k + 1 < b; k += 2) {
                ColumnScan.score2(qs[k], qs[k + 1], d, cols, tile, s, s2);
                skipAndOffer(k, s, base, rows);
                skipAndOffer(k + 1, s2, base, rows);
            }
            if (k < b) {
                ColumnScan.score(qs[k], d, cols, tile, s);
                skipAndOffer(k, s, base, rows);
            }
        }
        for (int k = 0; k < b; k++) {
            tops[k].endStream();
        }
    }

    /** Starts each query's selection and sorts the rows its set skips. */
    private void prepareBatch(int[] caps, CandidateSet[] skips, int b) {
        if (tops.length < b) {
            TopK[] grown = java.util.Arrays.copyOf(tops, b);
            for (int k = tops.length; k < b; k++) {
                grown[k] = new TopK(1);
            }
            tops = grown;
            skipRows = java.util.Arrays.copyOf(skipRows, b);
            skipLen = new int[b];
            skipAt = new int[b];
        }
        for (int k = 0; k < b; k++) {
            tops[k].beginStream(Math.min(caps[k], n));
            CandidateSet skip = skips == null ? null : skips[k];
            int size = skip == null ? 0 : skip.size();
            if (skipRows[k] == null || skipRows[k].length < size) {
                skipRows[k] = new int[Math.max(size, 16)];
            }
            int c = 0;
            for (int i = 0; i < size; i++) {
                int idx = skip.modelIndex(i);
                if (idx > 0) {
                    skipRows[k][c++] = idx - 1;
                }
            }
            java.util.Arrays.sort(skipRows[k], 0, c);
            skipLen[k] = c;
            skipAt[k] = 0;
        }
    }

    /** Sets query k's skipped rows of the tile at {@code base} to -infinity, then offers its scores. */
    private void skipAndOffer(int k, float[] s, int base, int rows) {
        int[] sk = skipRows[k];
        int c = skipAt[k];
        int len = skipLen[k];
        int end = base + rows;
        while (c < len && sk[c] < end) {
            s[sk[c++] - base] = Float.NEGATIVE_INFINITY;
        }
        skipAt[k] = c;
        tops[k].offerAll(s, rows, base + 1);
    }

    /** Query k's selection after {@link #batch}: {@code idAt(i)} is a model index, best first. */
    TopK batchResult(int k) {
        return tops[k];
    }
}
