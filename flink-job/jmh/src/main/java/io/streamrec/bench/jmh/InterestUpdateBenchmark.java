package io.streamrec.bench.jmh;

import io.streamrec.model.InterestVector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.Random;

/** One incremental interest-vector update (decay + weighted embedding add) at dimension d. */
public class InterestUpdateBenchmark extends HotPathBenchmark {
    @Param({"32"})
    public int dim;

    private float[] emb;
    private float[] v;
    private long lastTs;
    private long ts;
    private int row;

    @Setup(Level.Trial)
    public void setup() {
        Random rnd = new Random(3);
        emb = new float[1000 * dim];
        for (int i = 0; i < emb.length; i++) {
            emb[i] = (float) rnd.nextGaussian();
        }
        v = new float[dim];
        lastTs = InterestVector.NONE;
        ts = 1_700_000_000_000L;
    }

    @Benchmark
    public long update() {
        ts += 1_500;
        row = (row + 7) % 1000;
        lastTs = InterestVector.update(v, lastTs, ts, 1.5f, emb, row, 3600.0);
        return lastTs;
    }
}
