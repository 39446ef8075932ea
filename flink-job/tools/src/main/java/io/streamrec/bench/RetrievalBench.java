package io.streamrec.bench;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.IvfIndex;
import io.streamrec.event.UserEvent;
import io.streamrec.model.InterestVector;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Section 4: the retrieval part of {@link CandidateGenerator} (exact top-N by inner product, the job's tiled scan)
 * over synthetic catalogues of unit-norm gaussian embeddings, d = 32, one query per event.
 */
final class RetrievalBench {
    static final class Result {
        final int items;
        final int queries;
        final Stats perQuery;

        Result(int items, int queries, Stats perQuery) {
            this.items = items;
            this.queries = queries;
            this.perQuery = perQuery;
        }
    }

    private RetrievalBench() {}

    static Result run(int numItems, int dim, int topN, int queries, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        String[] ids = new String[numItems];
        float[] emb = new float[numItems * dim];
        for (int i = 0; i < numItems; i++) {
            ids[i] = "i" + i;
            for (int j = 0; j < dim; j++) {
                emb[i * dim + j] = (float) gaussian(rnd);
            }
        }
        normalizeRows(emb, numItems, dim);
        CandidateGenerator g = CandidateGenerator.exactRetrieval(ItemIndex.of(ids, emb, dim), topN);
        int[] outIdx = new int[topN];
        float[] outScores = new float[topN];
        float[][] qs = new float[64][dim];
        for (float[] q : qs) {
            for (int j = 0; j < dim; j++) {
                q[j] = (float) gaussian(rnd);
            }
        }
        int warm = Math.max(5, Math.min(200, 2_000_000 / numItems * 10));
        for (int i = 0; i < warm; i++) {
            g.retrieve(qs[i % qs.length], topN, outIdx, outScores);
        }
        long[] lat = new long[queries];
        for (int i = 0; i < queries; i++) {
            long t0 = System.nanoTime();
            g.retrieve(qs[i % qs.length], topN, outIdx, outScores);
            lat[i] = System.nanoTime() - t0;
        }
        return new Result(numItems, queries, new Stats(lat, queries));
    }

    /** The IVF index against the exact scan on the same embeddings and queries. */
    static final class IvfResult {
        int items;
        int lists;
        int nprobe;
        double buildSeconds;
        Stats exact;
        Stats ivf;
        double recall;
        /** What the embeddings and queries are. */
        String source;
    }

    /**
     * A clustered catalogue (items around {@code n/1000} topic centres, like categories; uniform random vectors
     * have no structure for any index to use), queries near random items: exact scan (the job's code) vs IVF.
     */
    static IvfResult runIvf(int numItems, int dim, int topN, int queries, int lists, int nprobe, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int topics = Math.max(16, numItems / 1000);
        float[] centres = new float[topics * dim];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) gaussian(rnd);
        }
        normalizeRows(centres, topics, dim);
        float[] emb = new float[numItems * dim];
        double noise = 0.6 / Math.sqrt(dim);
        for (int i = 0; i < numItems; i++) {
            int t = rnd.nextInt(topics);
            for (int j = 0; j < dim; j++) {
                emb[i * dim + j] = centres[t * dim + j] + (float) (noise * gaussian(rnd));
            }
        }
        normalizeRows(emb, numItems, dim);
        String[] ids = new String[numItems];
        for (int i = 0; i < numItems; i++) {
            ids[i] = "i" + i;
        }
        float[][] qs = new float[queries][dim];
        for (float[] q : qs) {
            int item = rnd.nextInt(numItems);
            for (int j = 0; j < dim; j++) {
                q[j] = emb[item * dim + j] + (float) (0.4 / Math.sqrt(dim) * gaussian(rnd));
            }
            normalizeRows(q, 1, dim);
        }
        IvfResult r = compare(ItemIndex.of(ids, emb, dim), qs, topN, lists, nprobe, seed + 1);
        r.source = "synthetic clustered";
        return r;
    }

    /**
     * The job's IVF settings against the exact scan on a trained bundle's own embeddings, with the queries the job
     * makes: each user's interest vector ({@link InterestVector}, the job's update with the bundle's type weights and
     * half-life) after every {@code every}-th event of {@code events}, up to {@code queries} of them. Lists and
     * nprobe are what the job uses at this size ({@link IvfIndex#listsFor}, {@code candidates.ivf-probe}).
     *
     * @return null when no event touches the bundle's items (traffic of another world), so there is no query
     */
    static IvfResult runIvfOnBundle(ModelBundle bundle, List<UserEvent> events, int topN, int queries, int nprobe) {
        ItemIndex index = bundle.items();
        int dim = index.dim();
        Map<String, float[]> vectors = new HashMap<>();
        Map<String, long[]> last = new HashMap<>();
        List<float[]> qs = new ArrayList<>();
        int every = Math.max(1, events.size() / Math.max(1, queries));
        for (int i = 0; i < events.size() && qs.size() < queries; i++) {
            UserEvent e = events.get(i);
            float[] v = vectors.computeIfAbsent(e.userId, u -> new float[dim]);
            long[] ts = last.computeIfAbsent(e.userId, u -> new long[] {InterestVector.NONE});
            ts[0] = InterestVector.update(bundle, v, ts[0], e.itemId, e.type, e.ts);
            if (i % every == every - 1 && ts[0] != InterestVector.NONE) {
                qs.add(v.clone());
            }
        }
        if (qs.isEmpty()) {
            return null;
        }
        IvfResult r = compare(index, qs.toArray(new float[0][]), topN, IvfIndex.listsFor(index.size()), nprobe, 17L);
        r.source = "bundle " + bundle.modelVersion();
        return r;
    }

    /** Exact scan (the job's code) against an IVF index built as the job builds it, on the same queries. */
    private static IvfResult compare(ItemIndex index, float[][] qs, int topN, int lists, int nprobe, long seed) {
        int numItems = index.size();
        int dim = index.dim();
        int queries = qs.length;
        CandidateGenerator g = CandidateGenerator.exactRetrieval(index, topN);
        long b0 = System.nanoTime();
        IvfIndex ivf = IvfIndex.build(index.embeddings(), numItems, dim, lists, 4, seed, topN, nprobe);
        IvfResult r = new IvfResult();
        r.buildSeconds = (System.nanoTime() - b0) / 1e9;
        int[] exactIdx = new int[topN];
        float[] exactScores = new float[topN];
        int[] ivfIdx = new int[topN];
        float[] ivfScores = new float[topN];
        for (int i = 0; i < Math.min(20, queries); i++) { // warm-up
            g.retrieve(qs[i], topN, exactIdx, exactScores);
            ivf.search(qs[i], topN, nprobe, ivfIdx, ivfScores);
        }
        long[] te = new long[queries];
        long[] ti = new long[queries];
        double hits = 0;
        HashSet<Integer> truth = new HashSet<>();
        for (int i = 0; i < queries; i++) {
            long t0 = System.nanoTime();
            int m = g.retrieve(qs[i], topN, exactIdx, exactScores);
            long t1 = System.nanoTime();
            int mi = ivf.search(qs[i], topN, nprobe, ivfIdx, ivfScores);
            long t2 = System.nanoTime();
            te[i] = t1 - t0;
            ti[i] = t2 - t1;
            truth.clear();
            for (int j = 0; j < m; j++) {
                truth.add(exactIdx[j] - 1); // model indices are 1-based
            }
            int h = 0;
            for (int j = 0; j < mi; j++) {
                if (truth.contains(ivfIdx[j])) {
                    h++;
                }
            }
            hits += h / (double) Math.max(1, m);
        }
        r.items = numItems;
        r.lists = lists;
        r.nprobe = nprobe;
        r.exact = new Stats(te, queries);
        r.ivf = new Stats(ti, queries);
        r.recall = hits / queries;
        return r;
    }

    private static void normalizeRows(float[] a, int rows, int dim) {
        for (int i = 0; i < rows; i++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                norm += a[i * dim + j] * a[i * dim + j];
            }
            float inv = (float) (1 / Math.sqrt(Math.max(norm, 1e-12)));
            for (int j = 0; j < dim; j++) {
                a[i * dim + j] *= inv;
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
