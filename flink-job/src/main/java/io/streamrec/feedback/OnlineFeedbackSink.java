package io.streamrec.feedback;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The {@code online-feedback} sink: turns the ranking operator's {@link ListFeedback} side output into metrics per
 * variant and model version ({@link OnlineFeedbackMetrics}) on the writer's metric group. Why a sink: the figures are the output, there
 * is nothing to forward, and a sink writer owns its metric group for the job's lifetime. Stateless: after a restart the
 * windows refill from new lists (counters restart at 0, as Flink counters do).
 */
public class OnlineFeedbackSink implements Sink<ListFeedback> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<ListFeedback> createWriter(WriterInitContext context) {
        return new Writer(new OnlineFeedbackMetrics(context.metricGroup()));
    }

    /** Records every feedback; nothing is buffered, so flush has nothing to do. */
    static final class Writer implements SinkWriter<ListFeedback> {
        private final OnlineFeedbackMetrics metrics;

        Writer(OnlineFeedbackMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void write(ListFeedback feedback, Context context) {
            metrics.record(feedback);
        }

        @Override
        public void flush(boolean endOfInput) {
        }

        @Override
        public void close() {
        }
    }
}
