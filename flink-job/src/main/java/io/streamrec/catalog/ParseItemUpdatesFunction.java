package io.streamrec.catalog;

import io.streamrec.event.DeadLetter;
import io.streamrec.event.ParseEventsFunction;
import io.streamrec.event.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses catalog records; malformed ones, and records whose key exceeds {@link DeadLetter#MAX_KEY_BYTES}, go to
 * the same dead-letter side output as bad events, size-bounded by {@link DeadLetter#of} like them.
 */
public class ParseItemUpdatesFunction extends ProcessFunction<RawRecord, ItemUpdate> {
    private static final long serialVersionUID = 1L;

    private final int payloadPrefixBytes;
    private transient ItemUpdateParser parser;
    private transient Counter updatesIn;
    private transient Counter rejected;

    public ParseItemUpdatesFunction(int payloadPrefixBytes) {
        this.payloadPrefixBytes = payloadPrefixBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new ItemUpdateParser();
        updatesIn = getRuntimeContext().getMetricGroup().counter("itemUpdatesIn");
        rejected = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<ItemUpdate> out) {
        updatesIn.inc();
        // An oversized key is an item id no event can name; as a tombstone's id it would sit in broadcast state.
        String keyProblem = DeadLetter.oversizedKey(record.key);
        ItemUpdate u = keyProblem == null ? parser.parse(record) : null;
        if (u != null) {
            out.collect(u);
        } else {
            rejected.inc();
            String reason = keyProblem != null ? keyProblem : parser.lastError;
            ctx.output(ParseEventsFunction.DEAD_LETTERS,
                    DeadLetter.of(record, reason, System.currentTimeMillis(), payloadPrefixBytes));
        }
    }
}
