package io.streamrec.job;

import io.streamrec.event.UserEvent;
import io.streamrec.feedback.ListFeedback;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.runtime.checkpoint.CheckpointOptions;
import org.apache.flink.runtime.state.CheckpointStreamFactory;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OperatorSnapshotFutures;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Runs {@link RecommendFunction} with micro-batched ranking: each event's state update and candidates happen at once
 * (under its key), but its retrieval and ONNX call wait until {@code ranker.batch-size} events are pending or the
 * oldest has waited {@code ranker.batch-wait}, and then all of them are scored together (one call and one scan of
 * the item table for B events cost far less than B of each, docs/BENCHMARKS.md). Nothing pending ever crosses a
 * checkpoint barrier, a watermark or the end of the input: the batch is flushed in {@link #prepareSnapshotPreBarrier}, before a watermark is forwarded and in
 * {@link #finish}, so every list emitted belongs to the same checkpoint as the state update that produced it, and a
 * restore neither loses nor repeats it (beyond what at-least-once already allows). With a batch size of 1 this is
 * exactly a {@link KeyedProcessOperator}. After a restore, {@link #open} lets the function refill its session index
 * from the keyed state of the users this instance owns. A batch's lists are written back to their users' states (the
 * last list, for online feedback) under each user's key, and the key of the call that flushed is restored after.
 */
public class BatchingRecommendOperator extends KeyedProcessOperator<String, UserEvent, ScoredList>
        implements RecommendFunction.ListEmitter {
    private static final long serialVersionUID = 1L;

    private final RecommendFunction function;
    private final long maxWaitMs;
    private final int batchSize;

    private transient StreamRecord<ScoredList> reuse;
    private transient boolean timerPending;

    public BatchingRecommendOperator(RecommendFunction function, int batchSize, long maxWaitMs) {
        super(function);
        this.function = function;
        this.batchSize = batchSize;
        this.maxWaitMs = maxWaitMs;
    }

    @Override
    public void open() throws Exception {
        if (batchSize > 1) {
            function.emitTo(this); // before the function's open(), which sizes its batch from it
        }
        super.open();
        reuse = new StreamRecord<>(null);
        TaskInfo task = getRuntimeContext().getTaskInfo();
        function.rebuildSessions(user -> {
            if (KeyGroupRangeAssignment.assignKeyToParallelOperator(user, task.getMaxNumberOfParallelSubtasks(),
                    task.getNumberOfParallelSubtasks()) != task.getIndexOfThisSubtask()) {
                return false;
            }
            setCurrentKey(user);
            return true;
        });
    }

    @Override
    public void processElement(StreamRecord<UserEvent> element) throws Exception {
        super.processElement(element);
        if (function.pending() == 0) {
            return;
        }
        if (maxWaitMs <= 0) {
            function.flush();
        } else if (!timerPending) {
            timerPending = true;
            long now = getProcessingTimeService().getCurrentProcessingTime();
            getProcessingTimeService().registerTimer(now + maxWaitMs, t -> {
                timerPending = false;
                function.flush();
            });
        }
    }

    @Override
    public void emit(ScoredList list, long timestamp, boolean hasTimestamp) {
        if (hasTimestamp) {
            output.collect(reuse.replace(list, timestamp));
        } else {
            reuse.eraseTimestamp();
            output.collect(reuse.replace(list));
        }
    }

    @Override
    public void feedback(ListFeedback f, long timestamp, boolean hasTimestamp) {
        output.collect(RecommendFunction.FEEDBACK,
                hasTimestamp ? new StreamRecord<>(f, timestamp) : new StreamRecord<>(f));
    }

    @Override
    public void selectKey(String userId) {
        setCurrentKey(userId);
    }

    @Override
    public String currentKey() {
        return (String) getCurrentKey();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        function.flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        function.flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    /**
     * The checkpoint's synchronous part on the task thread (the live tables' freeze, the state backend's own part:
     * RocksDB flushes its memtable here), timed into the {@code checkpointSyncUs} histogram: while it runs, no event
     * is processed.
     */
    @Override
    public OperatorSnapshotFutures snapshotState(long checkpointId, long timestamp, CheckpointOptions options,
                                                 CheckpointStreamFactory factory) throws Exception {
        long t0 = System.nanoTime();
        try {
            return super.snapshotState(checkpointId, timestamp, options, factory);
        } finally {
            function.checkpointSynchronousPart((System.nanoTime() - t0) / 1000);
        }
    }

    @Override
    public void finish() throws Exception {
        function.flush();
        super.finish();
    }
}
