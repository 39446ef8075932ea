package io.streamrec.bench.jmh;

import io.streamrec.candidates.ListChunk;
import io.streamrec.candidates.OnlineCovisitation;
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

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A checkpoint of the online co-visitation table filled to the job's default bounds (200,000 items × 32 neighbours):
 * {@code freeze}, what the task thread does at the checkpoint, against {@code write}, serialising every frozen chunk,
 * which the operator state backend does in the checkpoint's asynchronous part (and the job did on the task thread
 * before). The table is filled from sessions of 10 events over a 300,000-item catalogue.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class OnlineTableCheckpointBenchmark {
    @Param({"200000"})
    public int maxItems;

    private OnlineCovisitation table;
    private List<ListChunk> frozen;

    @Setup(Level.Trial)
    public void fill() {
        table = new OnlineCovisitation(5, 86_400, 32, maxItems);
        int catalogue = maxItems * 3 / 2;
        String[] ids = new String[catalogue];
        for (int i = 0; i < catalogue; i++) {
            ids[i] = "item-" + i;
        }
        SplittableRandom rnd = new SplittableRandom(1);
        String[] prev = new String[5];
        long[] prevTs = new long[5];
        long ts = 0;
        for (int session = 0; session < 2 * maxItems; session++) {
            int base = rnd.nextInt(catalogue);
            int len = 0;
            for (int k = 0; k < 10; k++) {
                String item = ids[(base + rnd.nextInt(200)) % catalogue];
                ts += 1000;
                table.update(item, ts, prev, prevTs, len);
                System.arraycopy(prev, 0, prev, 1, 4);
                System.arraycopy(prevTs, 0, prevTs, 1, 4);
                prev[0] = item;
                prevTs[0] = ts;
                len = Math.min(5, len + 1);
            }
        }
        frozen = table.freeze(4096);
    }

    @Benchmark
    public int freeze() {
        return table.freeze(4096).size();
    }

    @Benchmark
    public long write() throws IOException {
        CountingStream bytes = new CountingStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (ListChunk c : frozen) {
            c.write(out);
        }
        out.flush();
        return bytes.count;
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
