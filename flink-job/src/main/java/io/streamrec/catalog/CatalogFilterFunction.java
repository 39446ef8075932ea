package io.streamrec.catalog;

import io.streamrec.sink.Recommendation;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
    private transient TopKSelector selector;

    public CatalogFilterFunction(int topK) {
        this.topK = topK;
    }

    @Override
    public void open(OpenContext openContext) {
        selector = new TopKSelector(topK, getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ScoredList in, ReadOnlyContext ctx, Collector<Recommendation> out) throws Exception {
        ReadOnlyBroadcastState<String, ItemUpdate> unavailable = ctx.getBroadcastState(UNAVAILABLE);
        out.collect(selector.select(in, item -> {
            try {
                return unavailable.contains(item);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the catalog broadcast state", e);
            }
        }));
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
