package io.streamrec.job;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * A profiling driver of the keyed operator's per-event path, not a test (surefire does not run it): the job's
 * defaults (all candidate sources as shipped, {@code classpath:default}, micro-batch 8) in
 * {@link BatchingRecommendOperator} on RocksDB, fed generated events of many users with repeat visits, so state
 * (de)serialization is included. It prints the Java heap bytes allocated per event on the driving thread (which runs
 * the whole operator), a figure that does not depend on the machine's load, and a digest of every list and judgement
 * (equal digests: equal outputs). The figure includes the harness's own copy of each emitted record (its output
 * serializer's copy, and a new serializer per side-output record); under JFR ({@code jdk.ObjectAllocationSample},
 * frames {@code AbstractStreamOperatorTestHarness$MockOutput}) that share can be told apart, along with CPU samples
 * (docs/BENCHMARKS.md, "Keyed operator profile").
 *
 * <p>Arguments: {@code [users=20000] [warm-up events=30000] [measured events=100000] [option=value ...]}, the
 * options being job options ({@code model.path=DIR}, {@code recs.discover-list=true}, ...) over the defaults.
 */
public final class KeyedOperatorProfile {
    private KeyedOperatorProfile() {
    }

    public static void main(String[] args) throws Exception {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 30_000;
        int measured = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
        for (int a = 3; a < args.length; a++) { // job options, e.g. model.path=DIR recs.discover-list=true
            int eq = args[a].indexOf('=');
            conf.setString(args[a].substring(0, eq), args[a].substring(eq + 1));
        }
        JobSettings settings = JobSettings.from(conf);
        settings.modelReloadIntervalMs = 0;
        ModelBundle bundle = BundleLoader.load(settings.modelPath);
        StreamRecord<UserEvent>[] events = events(bundle, users, warm + measured);

        RecommendFunction function = new RecommendFunction(settings);
        try (KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness =
                     new KeyedOneInputStreamOperatorTestHarness<>(new BatchingRecommendOperator(function,
                             settings.rankerBatchSize, settings.rankerBatchWaitMs), UserEvent::getUserId,
                             Types.STRING)) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            harness.open();
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            run(harness, events, 0, warm);
            long bytes0 = threads.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            long cpu0 = threads.getCurrentThreadCpuTime();
            run(harness, events, warm, warm + measured);
            long t1 = System.nanoTime();
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
            System.out.printf("users=%d warm-up=%d measured=%d batch=%d items=%d options=%s%n", users, warm,
                    measured, settings.rankerBatchSize, bundle.items().size(), conf);
            System.out.printf("allocated bytes/event: %.0f%n", (double) bytes / measured);
            System.out.printf("output digest (lists and judgements): %016x%n", digest);
            System.out.printf("thread CPU µs/event (model and operator; the harness's copies included): %.1f%n",
                    cpu / 1e3 / measured);
            System.out.printf("wall µs/event (load-dependent, not evidence): %.1f%n",
                    (t1 - t0) / 1e3 / measured);
        }
    }

    private static void run(KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness,
                            StreamRecord<UserEvent>[] events, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            harness.processElement(events[i]);
            if ((i & 1023) == 1023 || i == to - 1) { // the harness keeps every output: digest and drop them
                digest(harness);
                harness.getOutput().clear();
                if (harness.getSideOutput(RecommendFunction.FEEDBACK) != null) {
                    harness.getSideOutput(RecommendFunction.FEEDBACK).clear();
                }
            }
        }
    }

    private static long digest = 17;

    private static void mix(int h) {
        digest = 31 * digest + h;
    }

    /**
     * Folds every emitted list and judgement into {@link #digest} (equal digests, equal outputs), allocating nothing
     * but the harness's iterators, so the figure stays the operator's.
     */
    private static void digest(KeyedOneInputStreamOperatorTestHarness<String, UserEvent, ScoredList> harness) {
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord && ((StreamRecord<?>) o).getValue() instanceof ScoredList) {
                ScoredList l = (ScoredList) ((StreamRecord<?>) o).getValue();
                mix(l.userId.hashCode());
                mix(Long.hashCode(l.seq));
                mix(l.triggerEventId.hashCode());
                mix(l.variant == null ? 0 : l.variant.hashCode());
                mix(l.extra);
                mix(java.util.Arrays.hashCode(l.items));
                mix(java.util.Arrays.hashCode(l.scores));
                mix(java.util.Arrays.hashCode(l.sources));
                mix(java.util.Arrays.hashCode(l.because));
                mix(java.util.Arrays.hashCode(l.skipInDiscover));
            }
        }
        if (harness.getSideOutput(RecommendFunction.FEEDBACK) != null) {
            for (StreamRecord<?> r : harness.getSideOutput(RecommendFunction.FEEDBACK)) {
                io.streamrec.feedback.ListFeedback f = (io.streamrec.feedback.ListFeedback) r.getValue();
                mix(f.variant == null ? 0 : f.variant.hashCode());
                mix(f.modelVersion.hashCode());
                mix(f.userId.hashCode());
                mix(f.eventId.hashCode());
                mix(f.eventType.name().hashCode()); // the name: an enum's own hash changes from run to run
                mix(Long.hashCode(f.eventTs));
                mix(f.rank);
                mix(f.listSize);
            }
        }
    }

    /** Sessions of 1–12 events per user visit, items mostly near the user's last one, some carts and purchases. */
    @SuppressWarnings("unchecked")
    private static StreamRecord<UserEvent>[] events(ModelBundle bundle, int users, int n) {
        Random r = new Random(42);
        int items = bundle.items().size();
        int[] lastItem = new int[users];
        StreamRecord<UserEvent>[] out = new StreamRecord[n];
        long ts = 1_764_000_000_000L;
        int i = 0;
        while (i < n) {
            int user = (int) Math.min(users - 1, Math.abs(r.nextGaussian()) * users / 2.5);
            int visit = 1 + r.nextInt(12);
            for (int v = 0; v < visit && i < n; v++, i++) {
                int item = r.nextInt(3) == 0 || lastItem[user] == 0 ? 1 + r.nextInt(items)
                        : 1 + Math.floorMod(lastItem[user] + r.nextInt(21) - 10, items);
                lastItem[user] = item;
                int t = r.nextInt(100);
                EventType type = t < 80 ? EventType.VIEW : t < 90 ? EventType.CLICK
                        : t < 97 ? EventType.ADD_TO_CART : EventType.PURCHASE;
                ts += r.nextInt(100);
                out[i] = new StreamRecord<>(new UserEvent("e" + i, "u" + user, bundle.items().idOf(item), type, ts),
                        ts);
            }
        }
        return out;
    }
}
