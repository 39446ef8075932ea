package io.streamrec.bench.jmh;

import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateOptions;
import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Exact top-100 retrieval by inner product over N random items of dimension d; a new query each call. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class RetrievalBenchmark {
    @Param({"10000", "100000", "1000000"})
    public int items;

    @Param({"32"})
    public int dim;

    @Param({"100"})
    public int topN;

    private CandidateGenerator generator;
    private float[][] queries;
    private int next;
    private int[] outIdx;
    private float[] outScores;

    @Setup(Level.Trial)
    public void setup() {
        Random rnd = new Random(1);
        String[] ids = new String[items];
        float[] emb = new float[items * dim];
        for (int i = 0; i < items; i++) {
            ids[i] = "i" + i;
        }
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) rnd.nextGaussian();
        }
        ItemIndex index = ItemIndex.of(ids, emb, dim);
        generator = new CandidateGenerator(index, Covisitation.of(Map.of(), index), List.of(), 0,
                CandidateOptions.defaults());
        queries = new float[64][dim];
        for (float[] q : queries) {
            for (int j = 0; j < dim; j++) {
                q[j] = (float) rnd.nextGaussian();
            }
        }
        outIdx = new int[topN];
        outScores = new float[topN];
    }

    @Benchmark
    public int retrieve() {
        float[] q = queries[next++ & 63];
        return generator.retrieve(q, topN, outIdx, outScores);
    }
}
