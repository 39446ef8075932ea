package io.streamrec.catalog;

import io.streamrec.sink.Recommendation;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The last stage when the job runs without a catalog topic (offline replays, tests): top-K only, no stock filter.
 */
public class TopKFunction extends ProcessFunction<ScoredList, Recommendation> {
    private static final long serialVersionUID = 1L;

    private final int topK;
    private transient TopKSelector selector;

    public TopKFunction(int topK) {
        this.topK = topK;
    }

    @Override
    public void open(OpenContext openContext) {
        selector = new TopKSelector(topK, getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(ScoredList in, Context ctx, Collector<Recommendation> out) {
        out.collect(selector.select(in, item -> false));
    }
}
