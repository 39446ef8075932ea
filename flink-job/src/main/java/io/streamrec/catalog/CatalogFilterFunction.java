package io.streamrec.catalog;

import io.streamrec.sink.Recommendation;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Last stage before the sink: drops items the catalog says are out of stock or deleted (broadcast state fed by the
 * compacted {@code item-updates} topic), cuts the ranked list to top-K, stamps {@code emitted_ts}, and measures
 * event-to-emit latency. Only unavailable items are kept in broadcast state, so it stays small.
 */
public class CatalogFilterFunction extends BroadcastProcessFunction<ScoredList, ItemUpdate, Recommendation> {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, ItemUpdate> UNAVAILABLE = new MapStateDescriptor<>(
            "unavailable-items", Types.STRING, TypeInformation.of(ItemUpdate.class));

    private final int topK;
    private transient Counter recommendationsOut;
    private transient Histogram eventToEmitMs;

    public CatalogFilterFunction(int topK) {
        this.topK = topK;
    }

    @Override
    public void open(OpenContext openContext) {
        recommendationsOut = getRuntimeContext().getMetricGroup().counter("recommendationsOut");
        eventToEmitMs = getRuntimeContext().getMetricGroup()
                .histogram("eventToEmitLatencyMs", new DescriptiveStatisticsHistogram(10_000));
    }

    @Override
    public void processElement(ScoredList in, ReadOnlyContext ctx, Collector<Recommendation> out) throws Exception {
        ReadOnlyBroadcastState<String, ItemUpdate> unavailable = ctx.getBroadcastState(UNAVAILABLE);
        Recommendation r = new Recommendation();
        r.userId = in.userId;
        r.seq = in.seq;
        r.modelVersion = in.modelVersion;
        r.triggerEventId = in.triggerEventId;
        r.eventTs = in.eventTs;
        r.ingestTs = in.ingestTs;
        int n = 0;
        Recommendation.RecommendedItem[] items = new Recommendation.RecommendedItem[Math.min(topK, in.items.length)];
        for (int i = 0; i < in.items.length && n < items.length; i++) {
            if (unavailable.contains(in.items[i])) {
                continue;
            }
            items[n++] = new Recommendation.RecommendedItem(in.items[i], in.scores[i], in.sources[i],
                    in.because == null ? null : in.because[i]);
        }
        r.items = n == items.length ? items : java.util.Arrays.copyOf(items, n);
        r.emittedTs = System.currentTimeMillis();
        if (in.ingestTs > 0) {
            eventToEmitMs.update(Math.max(0, r.emittedTs - in.ingestTs));
        }
        recommendationsOut.inc();
        out.collect(r);
    }

    @Override
    public void processBroadcastElement(ItemUpdate u, Context ctx, Collector<Recommendation> out) throws Exception {
        BroadcastState<String, ItemUpdate> state = ctx.getBroadcastState(UNAVAILABLE);
        if (u.unavailable()) {
            state.put(u.itemId, u);
        } else {
            state.remove(u.itemId);
        }
    }
}
