package io.streamrec.bench;

import java.util.function.Supplier;

/**
 * Every checkpoint a latency run completed, from the JobManager's gauges ({@code numberOfCompletedCheckpoints},
 * {@code lastCheckpointDuration}, {@code lastCheckpointSize}, read through {@link MetricCapture}): how long each took
 * end to end, asynchronous part included, and how many bytes it wrote. Why: the job's own histograms time only the
 * synchronous part, while the asynchronous part (the RocksDB upload, the live tables' serialisation) runs on the same
 * two cores as the rank thread; a gauge holds only the latest checkpoint, so a thread polls it and keeps each new one.
 */
final class CheckpointWatch implements AutoCloseable {
    /** What a run's checkpoints took: how many completed, their mean and largest end-to-end ms, their mean MB. */
    record Summary(long completed, double meanMs, double maxMs, double meanMb) {
    }

    private final Supplier<long[]> gauges;
    private final Thread poller;
    private long seen = -1;
    private long completed;
    private double sumMs;
    private double maxMs;
    private double sumBytes;

    /**
     * @param gauges {completed checkpoints, last duration ms, last size bytes}, or null before the job has them
     * @param pollMs how often to read them; 0 starts no thread (the caller calls {@link #observe})
     */
    CheckpointWatch(Supplier<long[]> gauges, long pollMs) {
        this.gauges = gauges;
        if (pollMs <= 0) {
            poller = null;
            return;
        }
        poller = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    observe();
                    Thread.sleep(pollMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-checkpoint-watch");
        poller.setDaemon(true);
        poller.start();
    }

    /**
     * Reads the gauges once and keeps the latest checkpoint if it is new. The first reading only sets the baseline, so
     * checkpoints completed before the watch started are not counted; when more than one completed between readings,
     * only the latest one's figures are known and it stands for them.
     */
    synchronized void observe() {
        long[] g = gauges.get();
        if (g == null) {
            return;
        }
        if (seen < 0) {
            seen = g[0];
            return;
        }
        if (g[0] > seen) {
            long n = g[0] - seen;
            seen = g[0];
            completed += n;
            sumMs += n * (double) g[1];
            maxMs = Math.max(maxMs, g[1]);
            sumBytes += n * (double) g[2];
        }
    }

    synchronized Summary summary() {
        return completed == 0 ? new Summary(0, 0, 0, 0)
                : new Summary(completed, sumMs / completed, maxMs, sumBytes / completed / 1e6);
    }

    @Override
    public void close() throws InterruptedException {
        if (poller != null) {
            poller.interrupt();
            poller.join(5_000);
        }
        observe();
    }
}
