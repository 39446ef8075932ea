package io.streamrec.bench;

import io.streamrec.event.EventType;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.OnnxRanker;
import io.streamrec.ranking.RankRequest;
import io.streamrec.ranking.RankerOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Section 1: the physical limit. ONNX Runtime Java alone ({@link OnnxRanker} on the bundle, one intra-op thread as in
 * the job) scoring K candidates per event, with full 50-event histories, on prepared requests: no Kafka, no state, no
 * retrieval. This is the baseline the pipeline is divided by, like for like: {@link BenchCommand} runs it at the
 * pipeline's mean candidate count and the job's {@code ranker.batch-size}.
 */
final class RawModelBench {

    /** One measurement: {@code threads} rankers in parallel, {@code batch} events per ONNX call, K candidates each. */
    static final class Result {
        final int k;
        final int batch;
        final int threads;
        final long calls;
        final double seconds;
        final Stats perCall;
        /** History length of each request: the bundle's seq_len, as a saturated user in the job has. */
        int history;
        /** ONNX Runtime intra-op threads of each ranker (1 in the job by default: ranker.intra-op-threads). */
        int intraOp = 1;
        /** CPU time the ranker threads used while measured, nanoseconds (load-independent cost). */
        long cpuNanos;

        Result(int k, int batch, int threads, long calls, double seconds, Stats perCall) {
            this.k = k;
            this.batch = batch;
            this.threads = threads;
            this.calls = calls;
            this.seconds = seconds;
            this.perCall = perCall;
        }

        double eventsPerSecond() {
            return calls * batch / seconds;
        }

        /** CPU microseconds per event: independent of how much of the machine we got. */
        double cpuUsPerEvent() {
            return cpuNanos / 1e3 / (calls * (double) batch);
        }

        double usPerCandidate() {
            return perCall.meanUs() / (batch * (double) k);
        }
    }

    private RawModelBench() {}

    /** Prepared requests: random vocabulary items as history and candidates (distinct candidates), like warm users. */
    static List<RankRequest> requests(ModelBundle bundle, int k, int count, long seed) {
        ItemIndex items = bundle.items();
        int n = items.size();
        int l = bundle.manifest().seqLen();
        SplittableRandom rnd = new SplittableRandom(seed);
        EventType[] types = {EventType.VIEW, EventType.VIEW, EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART,
                EventType.PURCHASE};
        long now = 1_790_000_000_000L;
        List<RankRequest> out = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            int d = bundle.manifest().embeddingDim();
            float[] interest = new float[d];
            for (int j = 0; j < d; j++) {
                interest[j] = (float) (rnd.nextDouble() * 2 - 1) * 0.3f;
            }
            String[] hist = new String[l];
            EventType[] ht = new EventType[l];
            long[] ts = new long[l];
            for (int i = 0; i < l; i++) {
                hist[i] = items.idOf(1 + rnd.nextInt(n));
                ht[i] = types[rnd.nextInt(types.length)];
                ts[i] = now - i * 60_000L - rnd.nextInt(60_000);
            }
            String[] cands = new String[k];
            java.util.HashSet<Integer> used = new java.util.HashSet<>();
            for (int i = 0; i < k; i++) {
                int idx;
                do {
                    idx = 1 + rnd.nextInt(n);
                } while (!used.add(idx) && used.size() < n);
                cands[i] = items.idOf(idx);
            }
            out.add(RankRequest.of(interest, hist, ht, ts, cands));
        }
        return out;
    }

    /**
     * Runs {@code threads} independent rankers for {@code seconds} after {@code warmupSeconds}, each call scoring
     * {@code batch} prepared requests of K candidates.
     */
    static Result run(ModelBundle bundle, int k, int batch, int threads, double warmupSeconds, double seconds)
            throws Exception {
        return run(bundle, k, batch, threads, 1, warmupSeconds, seconds);
    }

    /** As above with {@code intraOp} ONNX Runtime intra-op threads per ranker (spinning stays off). */
    static Result run(ModelBundle bundle, int k, int batch, int threads, int intraOp, double warmupSeconds,
                      double seconds) throws Exception {
        List<Thread> ts = new ArrayList<>();
        long[][] samples = new long[threads][];
        int[] counts = new int[threads];
        AtomicReference<Throwable> error = new AtomicReference<>();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        double[] elapsed = new double[threads];
        long[] cpu = new long[threads];
        for (int t = 0; t < threads; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                try (OnnxRanker ranker = new OnnxRanker(bundle, new RankerOptions().intraOpThreads(intraOp))) {
                    ranker.open();
                    List<RankRequest> pool = requests(bundle, k, 64, 17L * (id + 1) + k);
                    List<List<RankRequest>> batches = new ArrayList<>();
                    for (int i = 0; i < pool.size(); i += batch) {
                        List<RankRequest> b = new ArrayList<>();
                        for (int j = 0; j < batch; j++) {
                            b.add(pool.get((i + j) % pool.size()));
                        }
                        batches.add(b);
                    }
                    long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
                    int i = 0;
                    while (System.nanoTime() < warmEnd) {
                        ranker.score(batches.get(i++ % batches.size()));
                    }
                    start.await();
                    long[] lat = new long[1 << 16];
                    int c = 0;
                    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    long end = t0 + (long) (seconds * 1e9);
                    long now = t0;
                    while (now < end) {
                        long a = System.nanoTime();
                        ranker.score(batches.get(i++ % batches.size()));
                        now = System.nanoTime();
                        if (c == lat.length) {
                            lat = java.util.Arrays.copyOf(lat, c * 2);
                        }
                        lat[c++] = now - a;
                    }
                    elapsed[id] = (now - t0) / 1e9;
                    cpu[id] = mx.getCurrentThreadCpuTime() - cpu0;
                    samples[id] = lat;
                    counts[id] = c;
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                    start.reset();
                }
            }, "raw-model-" + t);
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        if (error.get() != null) {
            throw new IllegalStateException("raw model benchmark failed: " + error.get(), error.get());
        }
        int total = 0;
        double secs = 0;
        for (int t = 0; t < threads; t++) {
            total += counts[t];
            secs = Math.max(secs, elapsed[t]);
        }
        long[] all = new long[total];
        int p = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(samples[t], 0, all, p, counts[t]);
            p += counts[t];
        }
        // events/s over all threads: calls / wall seconds (threads ran concurrently)
        Result r = new Result(k, batch, threads, total, secs, new Stats(all, total));
        r.intraOp = intraOp;
        r.history = bundle.manifest().seqLen();
        for (long c : cpu) {
            r.cpuNanos += c;
        }
        return r;
    }
}
