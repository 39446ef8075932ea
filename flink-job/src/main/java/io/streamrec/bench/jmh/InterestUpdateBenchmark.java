package io.streamrec.bench.jmh;

import io.streamrec.model.InterestVector;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** One incremental interest-vector update (decay + weighted embedding add) at dimension d. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterestUpdateBenchmark {
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
