package io.streamrec.eval;

import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.DeadLetter;
import io.streamrec.event.UserEvent;
import io.streamrec.job.StreamrecJob;
import io.streamrec.sink.Recommendation;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Replays a time-ordered log through the production job: {@link StreamrecJob#build} with a bounded
 * {@link ReplaySource} instead of Kafka, no catalog topic, no Kafka sinks (the lists are collected), parallelism 1,
 * in the production environment ({@link StreamrecJob#environment}: RocksDB, checkpoints, no Kryo). Parsing,
 * validation, watermarks, state, candidates, ranking and the filters all run as in production; only the parser's
 * event-time window is widened to the log's own times ({@link #admitTimes}), since a log is history, and the events
 * before the first kept one warm the state without being ranked ({@link #warmUpBeforeKept}).
 */
public final class JobReplay {

    /** What the job emitted for the scored events. */
    public static final class Result {
        public final Map<String, List<String>> lists = new HashMap<>();
        /** The discovery lists, by trigger event id; empty when the job emits none ({@code recs.discover-list}). */
        public final Map<String, List<String>> discoverLists = new HashMap<>();
        public long emitted;
        public long deadLetters;
        public final Map<String, Long> deadLetterReasons = new HashMap<>();
        public String modelVersion;
        public double seconds;
    }

    private JobReplay() {}

    private static List<String> ids(Recommendation.RecommendedItem[] items) {
        List<String> l = new ArrayList<>(items.length);
        for (Recommendation.RecommendedItem it : items) {
            l.add(it.itemId);
        }
        return l;
    }

    /**
     * The configuration the replay runs with: the user's, forced to parallelism 1 (time order). Unless the user set a
     * restart strategy, a failing replay fails instead of restarting forever (Flink's default with checkpointing on);
     * restarts change nothing in what the job computes, and a replay that restarts would be re-read from the start.
     */
    public static Configuration replayConf(Configuration user) {
        Configuration conf = new Configuration();
        conf.addAll(user);
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        if (!user.containsKey(RestartStrategyOptions.RESTART_STRATEGY.key())) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        }
        return conf;
    }

    /**
     * Unless the user set {@code recs.lists-from}, sets it to the earliest event time among the events whose lists
     * are kept: the events before it (the training part) only build the state and the tables, as they would in a
     * job that ranked them, and are not ranked (RecommendFunction's warm-up). The lists kept are the same.
     */
    static void warmUpBeforeKept(Configuration conf, List<UserEvent> events, Set<String> keep) {
        if (conf.contains(StreamrecOptions.LISTS_FROM)) {
            return;
        }
        long first = Long.MAX_VALUE;
        for (UserEvent e : events) {
            if (keep.contains(e.eventId)) {
                first = Math.min(first, e.ts);
            }
        }
        if (first != Long.MAX_VALUE) {
            conf.set(StreamrecOptions.LISTS_FROM, java.time.Instant.ofEpochMilli(first).toString());
        }
    }

    /** How long a replay may run with the window {@link #admitTimes} computed at its start. */
    static final Duration REPLAY_MARGIN = Duration.ofDays(1);

    /**
     * Widens {@code conf}'s event-time window ({@code events.max-ts-past} and {@code events.max-ts-future}, relative
     * to processing time) so that the job accepts every ts in {@code [minTs, maxTs]} while it runs, for a run that
     * starts at {@code now} and lasts less than a day. A historical log is older than the 30 days the live job
     * accepts (and a simulated one may lie in the future); without this, its events would all be dead letters. The
     * window is never narrowed, so the user's own setting, if wider, stands and nothing else changes: every event the
     * window now admits is one the parser would have accepted with no window at all.
     *
     * @throws IllegalArgumentException if the log spans more than the widest window the job allows (36500 d)
     */
    public static void admitTimes(Configuration conf, long minTs, long maxTs, long now) {
        long margin = REPLAY_MARGIN.toMillis();
        long past = conf.get(StreamrecOptions.EVENT_MAX_TS_PAST).toMillis();
        long future = conf.get(StreamrecOptions.EVENT_MAX_TS_FUTURE).toMillis();
        // processing time moves on while the replay runs: the oldest event must stay inside for the whole run
        long oldest = Math.max(0, minTs); // a negative ts is refused whatever the window
        if (now - oldest + margin > past) {
            past = now - oldest + margin;
        }
        if (maxTs - now > future) {
            future = maxTs - now + margin;
        }
        long widest = Duration.ofDays(36_500).toMillis();
        if (past > widest || future > widest) {
            throw new IllegalArgumentException("the log's times " + java.time.Instant.ofEpochMilli(minTs) + " .. "
                    + java.time.Instant.ofEpochMilli(maxTs) + " lie more than 36500 days from now; the job's "
                    + "event-time window (events.max-ts-past, events.max-ts-future) cannot reach them");
        }
        conf.set(StreamrecOptions.EVENT_MAX_TS_PAST, Duration.ofMillis(past));
        conf.set(StreamrecOptions.EVENT_MAX_TS_FUTURE, Duration.ofMillis(future));
    }

    /**
     * Wires the production job to the replay source in {@code env}. The catalog input is a bounded source holding
     * one no-op update (an unknown item in stock): the log has no catalogue, but this way the catalog parser, the
     * broadcast and the catalog filter run exactly as in production (the same operators and uids), with nothing out of
     * stock.
     */
    public static StreamrecJob.Pipeline build(StreamExecutionEnvironment env, Configuration conf, Path replayFile,
                                              long count) throws java.io.IOException {
        Path items = replayFile.resolveSibling(replayFile.getFileName() + ".items");
        ReplaySource.writeRaw(items, List.<String[]>of(new String[] {NO_OP_ITEM_KEY, NO_OP_ITEM_UPDATE}));
        return new StreamrecJob(conf, ReplaySource.create(replayFile, count, conf.get(StreamrecOptions.TOPIC_EVENTS)),
                ReplaySource.create(items, 1, conf.get(StreamrecOptions.TOPIC_ITEMS)), null, null).build(env);
    }

    static final String NO_OP_ITEM_KEY = "__streamrec_evaluate_no_catalog__";
    static final String NO_OP_ITEM_UPDATE = "{\"item_id\":\"" + NO_OP_ITEM_KEY + "\",\"in_stock\":true,\"deleted\":false}";

    /**
     * Runs the replay of {@code events} and keeps the lists emitted after the events in {@code keep} (by
     * trigger_event_id). Prints progress (percentage of events read by the source, events/s) to {@code progress} every two
     * seconds (local execution only: the count lives in this JVM).
     */
    public static Result run(Configuration userConf, List<UserEvent> events, Set<String> keep, Path workDir,
                             PrintStream progress) throws Exception {
        Configuration conf = replayConf(userConf);
        if (!events.isEmpty()) {
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            for (UserEvent e : events) {
                min = Math.min(min, e.ts);
                max = Math.max(max, e.ts);
            }
            admitTimes(conf, min, max, System.currentTimeMillis());
        }
        warmUpBeforeKept(conf, events, keep);
        long listsFrom = io.streamrec.config.StreamrecConfig.listsFrom(conf);
        long warmUp = events.stream().filter(e -> e.ts < listsFrom).count();
        Path file = workDir.resolve("replay.input");
        ReplaySource.write(file, events);
        StreamExecutionEnvironment env = StreamrecJob.environment(conf);
        env.setParallelism(1);
        StreamrecJob.Pipeline p = build(env, conf, file, events.size());
        CloseableIterator<Recommendation> recs = p.recommendations.collectAsync();
        CloseableIterator<DeadLetter> dlq = p.deadLetters.collectAsync();
        Result res = new Result();
        long t0 = System.nanoTime();
        var client = env.executeAsync(conf.get(StreamrecOptions.JOB_NAME) + "-evaluate");
        AtomicLong dead = new AtomicLong();
        Map<String, Long> reasons = new HashMap<>();
        Thread dlqDrain = new Thread(() -> {
            try (dlq) {
                while (dlq.hasNext()) {
                    DeadLetter d = dlq.next();
                    dead.incrementAndGet();
                    synchronized (reasons) {
                        String r = d.reason == null ? "?" : d.reason.replaceAll(":.*", "");
                        reasons.merge(r, 1L, Long::sum);
                    }
                }
            } catch (Exception e) {
                progress.println("evaluate: dead-letter collection failed: " + e);
            }
        }, "evaluate-dlq-drain");
        dlqDrain.setDaemon(true);
        dlqDrain.start();
        long read0 = ReplaySource.RECORDS_READ.get();
        java.util.concurrent.ScheduledExecutorService ticker = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "evaluate-progress");
                    t.setDaemon(true);
                    return t;
                });
        ticker.scheduleAtFixedRate(() -> {
            long read = ReplaySource.RECORDS_READ.get() - read0 - 1; // minus the catalog's no-op record
            double s = (System.nanoTime() - t0) / 1e9;
            progress.printf(Locale.ROOT, "replay: %5.1f%% (%d/%d events read), %.0f events/s, %.0f s%n",
                    100.0 * Math.max(0, read) / Math.max(1, events.size()), Math.max(0, read), events.size(),
                    Math.max(0, read) / s, s);
        }, 2, 2, java.util.concurrent.TimeUnit.SECONDS);
        try (recs) {
            while (recs.hasNext()) {
                Recommendation r = recs.next();
                res.emitted++;
                if (res.modelVersion == null) {
                    res.modelVersion = r.modelVersion;
                }
                if (keep.contains(r.triggerEventId)) {
                    res.lists.put(r.triggerEventId, ids(r.items));
                    if (r.discover != null) {
                        res.discoverLists.put(r.triggerEventId, ids(r.discover));
                    }
                }
            }
        } finally {
            ticker.shutdownNow();
        }
        client.getJobExecutionResult().get();
        dlqDrain.join(10_000);
        res.seconds = (System.nanoTime() - t0) / 1e9;
        res.deadLetters = dead.get();
        synchronized (reasons) {
            res.deadLetterReasons.putAll(reasons);
        }
        progress.printf(Locale.ROOT, "replay: done, %d lists for %d events (%d before recs.lists-from: state only) "
                + "in %.1f s (%.0f events/s), %d dead letters%n", res.emitted, events.size(), warmUp, res.seconds,
                events.size() / Math.max(res.seconds, 1e-9), res.deadLetters);
        long missing = events.size() - warmUp - res.emitted - res.deadLetters;
        if (missing > 0) {
            // Flink's result fetcher only warns when it loses results; this count is the check that matters
            progress.printf(Locale.ROOT, "evaluate: warning: %d events got neither a list nor a dead letter "
                    + "(duplicate event ids, or results lost by the replay); they score as misses%n", missing);
        }
        return res;
    }
}
