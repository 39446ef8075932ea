package io.streamrec.event;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * First operator after the Kafka source: turns raw records into {@link UserEvent}s and routes everything it cannot
 * accept to the {@link #DEAD_LETTERS} side output, which the job writes to the dead-letter topic. Counts both.
 */
public class ParseEventsFunction extends ProcessFunction<RawRecord, UserEvent> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final long maxBytes;
    private final int payloadPrefixBytes;
    private final EventLimits limits;

    private transient EventParser parser;
    private transient Counter eventsIn;
    private transient Counter deadLetters;

    public ParseEventsFunction(long maxBytes, int payloadPrefixBytes) {
        this(maxBytes, payloadPrefixBytes, EventLimits.defaults());
    }

    /** @param limits the contract's bounds (id length, ts window around processing time) */
    public ParseEventsFunction(long maxBytes, int payloadPrefixBytes, EventLimits limits) {
        this.maxBytes = maxBytes;
        this.payloadPrefixBytes = payloadPrefixBytes;
        this.limits = limits;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new EventParser(maxBytes, payloadPrefixBytes, limits, System::currentTimeMillis);
        eventsIn = getRuntimeContext().getMetricGroup().counter("eventsIn");
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<UserEvent> out) {
        eventsIn.inc();
        EventParser.Result r = parser.parse(record);
        if (r.ok()) {
            out.collect(r.event);
        } else {
            deadLetters.inc();
            ctx.output(DEAD_LETTERS, parser.deadLetter(record, r.reason, System.currentTimeMillis()));
        }
    }
}
