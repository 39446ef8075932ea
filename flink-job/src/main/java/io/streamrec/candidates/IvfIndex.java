package io.streamrec.candidates;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An inverted-file (IVF) index for inner-product retrieval over large catalogues: spherical k-means over a sample
 * gives C centroids, every item goes to the list of its best centroid, and a query scans only the lists of its
 * {@code nprobe} best centroids. Each list is stored column by column, like the exact scan's tiles, so scoring a list
 * vectorises. Approximate; {@code bench} reports its recall@100 against the exact scan, on a clustered synthetic
 * catalogue (0.98 at 1M items, 512 lists, 16 probes) and on the bundle's own embeddings with the job's queries, where
 * it is far lower (0.65 on a 40k-item Taobao bundle at 16 of 101 lists: trained embeddings are not clustered like
 * that). {@link CandidateGenerator} uses it from {@code candidates.ivf-min-items} items up.
 * Not thread-safe (scratch buffers): one per generator.
 */
public final class IvfIndex {
    final int n;
    final int d;
    final int c;
    private final float[] centroidsT; // d x c, column per centroid, so scoring all centroids vectorises
    private final int[] listStart;    // c + 1
    private final int[] listIds;      // item index (0-based) per slot
    private final float[][][] listCols; // per list, per dimension: that dimension of the list's vectors, in slot order
    private final float[] listScores;   // scratch: one list's scores
    private final float[] centroidScores;
    private final int[] probe;
    private float[] heapScore;
    private int[] heapId;

    private IvfIndex(int n, int d, int c, float[] centroidsT, int[] listStart, int[] listIds, float[][][] listCols,
                         int maxK, int maxProbe) {
        this.n = n;
        this.d = d;
        this.c = c;
        this.centroidsT = centroidsT;
        this.listStart = listStart;
        this.listIds = listIds;
        this.listCols = listCols;
        int longest = 0;
        for (int k = 0; k < c; k++) {
            longest = Math.max(longest, listStart[k + 1] - listStart[k]);
        }
        this.listScores = new float[longest];
        this.centroidScores = new float[c];
        this.probe = new int[maxProbe];
        this.heapScore = new float[maxK];
        this.heapId = new int[maxK];
    }

    /** Builds the index over row-major unit vectors {@code emb} (n x d). */
    public static IvfIndex build(float[] emb, int n, int d, int c, int iterations, long seed, int maxK,
                                 int maxProbe) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int sampleSize = Math.min(n, 30 * c);
        int[] sample = new int[sampleSize];
        for (int i = 0; i < sampleSize; i++) {
            sample[i] = rnd.nextInt(n);
        }
        float[] cT = new float[d * c];
        for (int k = 0; k < c; k++) {
            int row = sample[k % sampleSize];
            for (int j = 0; j < d; j++) {
                cT[j * c + k] = emb[row * d + j];
            }
        }
        float[] scores = new float[c];
        int[] assign = new int[sampleSize];
        for (int it = 0; it < iterations; it++) {
            for (int i = 0; i < sampleSize; i++) {
                assign[i] = best(emb, sample[i] * d, d, c, cT, scores);
            }
            float[] sum = new float[d * c];
            int[] count = new int[c];
            for (int i = 0; i < sampleSize; i++) {
                int k = assign[i];
                count[k]++;
                for (int j = 0; j < d; j++) {
                    sum[j * c + k] += emb[sample[i] * d + j];
                }
            }
            for (int k = 0; k < c; k++) {
                if (count[k] == 0) { // empty cluster: restart it on a random sample row
                    int row = sample[rnd.nextInt(sampleSize)];
                    for (int j = 0; j < d; j++) {
                        sum[j * c + k] = emb[row * d + j];
                    }
                }
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    norm += sum[j * c + k] * sum[j * c + k];
                }
                float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-12)));
                for (int j = 0; j < d; j++) {
                    cT[j * c + k] = sum[j * c + k] * inv;
                }
            }
        }
        int[] all = new int[n];
        int[] count = new int[c];
        for (int i = 0; i < n; i++) {
            all[i] = best(emb, i * d, d, c, cT, scores);
            count[all[i]]++;
        }
        int[] start = new int[c + 1];
        for (int k = 0; k < c; k++) {
            start[k + 1] = start[k] + count[k];
        }
        int[] fill = Arrays.copyOf(start, c);
        int[] ids = new int[n];
        float[][][] cols = new float[c][d][];
        for (int k = 0; k < c; k++) {
            for (int j = 0; j < d; j++) {
                cols[k][j] = new float[count[k]];
            }
        }
        for (int i = 0; i < n; i++) {
            int k = all[i];
            int slot = fill[k]++;
            ids[slot] = i;
            int within = slot - start[k];
            for (int j = 0; j < d; j++) {
                cols[k][j][within] = emb[i * d + j];
            }
        }
        return new IvfIndex(n, d, c, cT, start, ids, cols, maxK, maxProbe);
    }

    private static int best(float[] emb, int off, int d, int c, float[] cT, float[] scores) {
        score(emb, off, d, c, cT, scores);
        int best = 0;
        for (int k = 1; k < c; k++) {
            if (scores[k] > scores[best]) {
                best = k;
            }
        }
        return best;
    }

    private static void score(float[] q, int off, int d, int c, float[] cT, float[] scores) {
        Arrays.fill(scores, 0f);
        for (int j = 0; j < d; j++) {
            float qj = q[off + j];
            int base = j * c;
            for (int k = 0; k < c; k++) {
                scores[k] += qj * cT[base + k];
            }
        }
    }

    /** The number of lists for a catalogue of n items: about sqrt(n)/2, at least 16. */
    public static int listsFor(int n) {
        return Math.max(16, (int) Math.round(Math.sqrt(n) / 2));
    }

    /** Approximate top-k (0-based item indices, best first); returns how many were written. */
    public int search(float[] q, int k, int nprobe, int[] outIds, float[] outScores) {
        return search(q, k, nprobe, null, 0, outIds, outScores);
    }

    /**
     * Approximate top-k, leaving out item i where {@code skip[i + 1] == mark} (the generator's stamps, by 1-based
     * model index; {@code skip} may be null), so a caller that already holds some items gets k others.
     */
    public int search(float[] q, int k, int nprobe, int[] skip, int mark, int[] outIds, float[] outScores) {
        if (k > heapScore.length) {
            heapScore = new float[k];
            heapId = new int[k];
        }
        score(q, 0, d, c, centroidsT, centroidScores);
        // the nprobe best centroids, by partial selection
        int p = Math.min(Math.min(nprobe, c), probe.length);
        for (int i = 0; i < p; i++) {
            probe[i] = -1;
        }
        for (int kk = 0; kk < c; kk++) {
            float s = centroidScores[kk];
            if (probe[p - 1] >= 0 && s <= centroidScores[probe[p - 1]]) {
                continue;
            }
            int pos = p - 1;
            while (pos > 0 && (probe[pos - 1] < 0 || centroidScores[probe[pos - 1]] < s)) {
                probe[pos] = probe[pos - 1];
                pos--;
            }
            probe[pos] = kk;
        }
        int size = 0;
        for (int pi = 0; pi < p; pi++) {
            int list = probe[pi];
            int start = listStart[list];
            int rows = listStart[list + 1] - start;
            ColumnScan.score(q, d, listCols[list], rows, listScores);
            for (int r = 0; r < rows; r++) {
                int id = listIds[start + r];
                if (skip != null && skip[id + 1] == mark) {
                    continue;
                }
                float s = listScores[r];
                if (size < k) {
                    heapScore[size] = s;
                    heapId[size] = id;
                    siftUp(size++);
                } else if (s > heapScore[0]) {
                    heapScore[0] = s;
                    heapId[0] = id;
                    siftDown(size);
                }
            }
        }
        int m = size;
        while (size > 0) { // pop the min-heap into best-first order
            outScores[size - 1] = heapScore[0];
            outIds[size - 1] = heapId[0];
            size--;
            heapScore[0] = heapScore[size];
            heapId[0] = heapId[size];
            siftDown(size);
        }
        return m;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heapScore[parent] <= heapScore[i]) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= size) {
                return;
            }
            int m = l + 1 < size && heapScore[l + 1] < heapScore[l] ? l + 1 : l;
            if (heapScore[i] <= heapScore[m]) {
                return;
            }
            swap(i, m);
            i = m;
        }
    }

    private void swap(int a, int b) {
        float s = heapScore[a];
        heapScore[a] = heapScore[b];
        heapScore[b] = s;
        int t = heapId[a];
        heapId[a] = heapId[b];
        heapId[b] = t;
    }
}
