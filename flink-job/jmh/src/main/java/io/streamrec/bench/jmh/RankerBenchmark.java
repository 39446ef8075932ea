package io.streamrec.bench.jmh;

import io.streamrec.event.EventType;
import io.streamrec.model.InterestVector;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.ranking.OnnxRanker;
import io.streamrec.ranking.RankRequest;
import io.streamrec.ranking.RankerOptions;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One ranker call for one event with K candidates and a full history, on the shipped bundle
 * ({@code classpath:default}; override with {@code -p bundle=/path}). Single ORT thread, as in the job.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RankerBenchmark {
    @Param({"50", "100", "200"})
    public int k;

    @Param({"classpath:default"})
    public String bundle;

    private OnnxRanker ranker;
    private List<RankRequest> batch;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        ModelBundle b = BundleLoader.load(bundle);
        ranker = new OnnxRanker(b, RankerOptions.defaults());
        ranker.open();
        batch = List.of(request(b, new Random(42), b.manifest().seqLen(), k));
    }

    @Benchmark
    public float[][] score() {
        return ranker.score(batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ranker.close();
    }

    /** A plausible request: random history replayed through the interest update, random known candidates. */
    static RankRequest request(ModelBundle b, Random rnd, int histLen, int numCandidates) {
        int n = b.items().size();
        String[] hist = new String[histLen];
        EventType[] types = new EventType[histLen];
        long[] ts = new long[histLen];
        long t = 1_700_000_000_000L;
        for (int i = 0; i < histLen; i++) {
            hist[i] = b.items().idOf(1 + rnd.nextInt(n));
            types[i] = EventType.values()[rnd.nextInt(6)];
            ts[i] = t;
            t -= rnd.nextInt(600_000);
        }
        float[] v = new float[b.manifest().embeddingDim()];
        long last = InterestVector.NONE;
        for (int i = histLen - 1; i >= 0; i--) {
            last = InterestVector.update(b, v, last, hist[i], types[i], ts[i]);
        }
        String[] cands = new String[numCandidates];
        for (int i = 0; i < numCandidates; i++) {
            cands[i] = b.items().idOf(1 + rnd.nextInt(n));
        }
        return RankRequest.of(v, hist, types, ts, cands);
    }
}
