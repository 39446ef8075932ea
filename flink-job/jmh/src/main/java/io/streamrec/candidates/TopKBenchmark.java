package io.streamrec.candidates;

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

/**
 * JMH: the retrieval top-N over precomputed scores, {@link TopK#selectTop} against offering every score to the heap
 * (what the exact scan did before), on random scores and on scores that rise along the item order (a catalogue stored
 * by category, a user interested in a late one). Lives in the candidates package because TopK is package-private;
 * run it like the others: {@code java -cp flink-job/target/streamrec.jar org.openjdk.jmh.Main TopKBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TopKBenchmark {
    @Param({"2000", "10000", "100000"})
    public int items;

    @Param({"132"})
    public int cap;

    @Param({"random", "rising"})
    public String order;

    private float[][] scores;
    private int next;
    private TopK heap;
    private TopK selector;

    @Setup(Level.Trial)
    public void setup() {
        Random rnd = new Random(1);
        scores = new float[16][items];
        for (float[] s : scores) {
            for (int i = 0; i < items; i++) {
                s[i] = (float) rnd.nextGaussian() + ("rising".equals(order) ? i * 0.01f : 0f);
            }
        }
        heap = new TopK(cap);
        selector = new TopK(cap);
    }

    @Benchmark
    public int heapOfferEach() {
        float[] s = scores[next++ & 15];
        heap.reset(cap);
        for (int i = 0; i < s.length; i++) {
            if (s[i] >= heap.threshold()) {
                heap.offer(s[i], i + 1);
            }
        }
        return heap.drainSorted();
    }

    @Benchmark
    public int selectTop() {
        return selector.selectTop(scores[next++ & 15], items, cap, 1);
    }
}
