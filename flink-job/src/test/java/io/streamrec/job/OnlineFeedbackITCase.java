package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.event.RawRecord;
import io.streamrec.feedback.OnlineFeedbackMetrics;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code online-feedback} sink in a running job on a MiniCluster: every accepted event after a user's first is
 * judged, and the counters and gauges reach Flink's metric system under the variant (main) and the serving model
 * version.
 */
class OnlineFeedbackITCase {
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .setConfiguration(REPORTER.addToConfiguration(new Configuration())).build());

    @Test
    void everyEventAfterAUsersFirstIsJudgedUnderTheServingModelVersion() throws Exception {
        long[] judgedAndHits = run("1");
        assertEquals(13, judgedAndHits[0], "16 accepted events, minus each of the 3 users' first");
    }

    @Test
    void underMicroBatchingAnEventWhoseListIsStillPendingIsJudgedWhenTheBatchIsScored() throws Exception {
        // the source floods: a user's next event arrives while the previous list waits in the batch of 8
        long[] judgedAndHits = run("8");
        assertEquals(13, judgedAndHits[0], "every accepted event after a user's first, as unbatched");
    }

    /** Runs the job over the 20 records with {@code batchSize}; returns lists judged and hits, over all versions. */
    private long[] run(String batchSize) throws Exception {
        var conf = StreamrecConfig.fromMap(Map.of("recs.top-k", "5", "model.reload-interval", "0 s",
                "parallelism.default", "1", "events.max-ts-past", "36500 d", "ranker.batch-size", batchSize));
        StreamExecutionEnvironment env = StreamrecJob.environment(conf);
        // 20 records of 3 users, every fifth malformed: 16 accepted events, 3 of them a user's first
        DataGeneratorSource<RawRecord> source = new DataGeneratorSource<>(new CatalogLessJobITCase.Events(), 20,
                RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
        StreamrecJob.Pipeline p = new StreamrecJob(conf, source, null, null, null).build(env);
        p.recommendations.sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("online-feedback");

        long judged = 0;
        long hits = 0;
        Double hitRate = null;
        Double mrr = null;
        for (Map.Entry<String, Metric> m : REPORTER.getMetricsByIdentifiers(result.getJobID()).entrySet()) {
            String id = m.getKey();
            if (!id.contains(OnlineFeedbackMetrics.GROUP + "." + OnlineFeedbackMetrics.VARIANT_KEY + ".main."
                    + OnlineFeedbackMetrics.VERSION_KEY + ".")) {
                continue;
            }
            if (id.endsWith(".listsJudged")) {
                judged += ((Counter) m.getValue()).getCount();
            } else if (id.endsWith(".hits")) {
                hits += ((Counter) m.getValue()).getCount();
            } else if (id.endsWith(".onlineHitRate")) {
                hitRate = (Double) ((Gauge<?>) m.getValue()).getValue();
            } else if (id.endsWith(".onlineMrr")) {
                mrr = (Double) ((Gauge<?>) m.getValue()).getValue();
            }
        }
        assertTrue(hitRate != null && mrr != null, "the gauges are registered");
        assertVariantListsAndCoverage(result.getJobID(), 16);
        assertPrometheusNamesAndLabels();
        assertEquals((double) hits / judged, hitRate, 1e-12);
        assertTrue(mrr <= hitRate, "a hit counts at most 1 in the MRR");
        return new long[] {judged, hits};
    }

    /** The ranking operator's per-variant group: every list counted, and a coverage in (0, 1]. */
    private static void assertVariantListsAndCoverage(org.apache.flink.api.common.JobID job, long lists) {
        Long out = null;
        Double coverage = null;
        for (Map.Entry<String, Metric> m : REPORTER.getMetricsByIdentifiers(job).entrySet()) {
            if (!m.getKey().contains(".variant.main.")) {
                continue;
            }
            if (m.getKey().endsWith(".listsOut")) {
                out = ((Counter) m.getValue()).getCount();
            } else if (m.getKey().endsWith(".coverage")) {
                coverage = (Double) ((Gauge<?>) m.getValue()).getValue();
            }
        }
        assertEquals(lists, out, "listsOut of variant main");
        assertTrue(coverage != null && coverage > 0 && coverage <= 1, "coverage " + coverage);
    }

    /**
     * What Prometheus shows (its reporter names a metric {@code flink_} + the group's logical scope + the metric's
     * name, joined by {@code _}, and turns the group's variables into labels): the names and labels
     * docs/ONLINE_FEEDBACK.md lists.
     */
    private static void assertPrometheusNamesAndLabels() {
        boolean gauges = false;
        boolean counters = false;
        for (Map.Entry<org.apache.flink.metrics.MetricGroup, Map<String, Metric>> g
                : REPORTER.getMetricsByGroup().entrySet()) {
            if (!g.getValue().containsKey("onlineHitRate") && !g.getValue().containsKey("listsJudged")) {
                continue;
            }
            String scope = ((org.apache.flink.runtime.metrics.groups.AbstractMetricGroup<?>) g.getKey())
                    .getLogicalScope((org.apache.flink.metrics.CharacterFilter) x -> x, '_');
            Map<String, String> labels = g.getKey().getAllVariables();
            assertEquals("main", labels.get("<variant>"));
            assertTrue(labels.containsKey("<model_version>"), labels.toString());
            if (g.getValue().containsKey("onlineHitRate")) {
                gauges = true;
                assertEquals("taskmanager_job_task_operator_onlineFeedback_variant_model_version", scope);
                assertTrue(g.getValue().keySet().containsAll(
                        java.util.Set.of("onlineHitRate", "onlineMrr", "onlineHr10", "onlineMrr20")));
            } else {
                counters = true;
                assertEquals("taskmanager_job_task_operator_onlineFeedback_variant_model_version_event_type", scope);
                assertTrue(labels.containsKey("<event_type>"), labels.toString());
            }
        }
        assertTrue(gauges && counters, "the feedback groups were reported");
    }
}
