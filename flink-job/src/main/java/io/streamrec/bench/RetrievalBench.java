package io.streamrec.bench;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateOptions;
import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;

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
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                float v = (float) gaussian(rnd);
                emb[i * dim + j] = v;
                norm += v * v;
            }
            float inv = (float) (1 / Math.sqrt(norm));
            for (int j = 0; j < dim; j++) {
                emb[i * dim + j] *= inv;
            }
        }
        ItemIndex index = ItemIndex.of(ids, emb, dim);
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = topN;
        o.covisitN = 0;
        o.recentEnabled = false;
        o.popularN = 0;
        CandidateGenerator g = new CandidateGenerator(index, Covisitation.of(Map.of(), index), List.of(), 0, o);
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

    private static double gaussian(SplittableRandom r) {
        double u = Math.max(1e-12, r.nextDouble());
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
