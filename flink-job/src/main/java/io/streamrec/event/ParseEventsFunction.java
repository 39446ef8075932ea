package io.streamrec.event;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * First operator after the Kafka source: turns raw records into {@link UserEvent}s and routes everything it cannot
 * accept to the {@link #DEAD_LETTERS} side output, which the job writes to the dead-letter topic. Counts both.
 *
 * <p>Nothing that arrives may stop the job (issue #18): a key over {@link DeadLetter#MAX_KEY_BYTES} is rejected before
 * parsing, a parser that throws on some input is turned into a dead letter rather than a task failure (which would
 * replay the same record after every restart), and every dead letter is size-bounded by {@link DeadLetter#of}.
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
        String reason = DeadLetter.oversizedKey(record.key);
        if (reason == null) {
            EventParser.Result r;
            try {
                r = parser.parse(record);
            } catch (RuntimeException | StackOverflowError e) {
                // the parser promises not to throw; if some input breaks that promise, that input is the problem
                r = new EventParser.Result();
                r.reason = "unparseable record: " + e;
            }
            if (r.ok()) {
                out.collect(r.event); // outside the try: a failure downstream is not this record's fault
                return;
            }
            reason = r.reason;
        }
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, DeadLetter.of(record, reason, System.currentTimeMillis(), payloadPrefixBytes));
    }
}
