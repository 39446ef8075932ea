package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.event.RawRecord;
import io.streamrec.sink.Recommendation;
import io.streamrec.store.ModelStore;
import io.streamrec.store.S3TestServer;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.TestBundles;
import io.streamrec.store.Variant;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real job in a MiniCluster with {@code model.path} an {@code s3://} model store: the TaskManager loads the
 * bundle the store's pointer names through Flink's S3 file system, so every list carries that version. Why: the
 * store tests call the loader directly; this shows the job's own start-up path reads a store on S3 too.
 */
class S3ModelPathJobITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    private static S3TestServer s3;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3TestServer.start("job-bucket");
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void theJobServesTheVersionTheStoreOnS3Names() throws Exception {
        String uri = "s3://job-bucket/models";
        ModelStore store = new ModelStore(uri);
        store.upload(TestBundles.copy(tmp.resolve("b"), "v-on-s3"), "v-on-s3");
        store.writePlan(new ServingPlan(List.of(new Variant("a", "v-on-s3", 100)), "t", "job test", List.of()));

        var conf = StreamrecConfig.fromMap(Map.of("recs.top-k", "5", "model.reload-interval", "0 s",
                "model.path", uri, "parallelism.default", "1", "events.max-ts-past", "36500 d"));
        StreamExecutionEnvironment env = StreamrecJob.environment(conf);
        DataGeneratorSource<RawRecord> source = new DataGeneratorSource<>(new CatalogLessJobITCase.Events(), 20,
                RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
        StreamrecJob.Pipeline p = new StreamrecJob(conf, source, null, null, null).build(env);
        List<Recommendation> out = new ArrayList<>();
        try (CloseableIterator<Recommendation> it = p.recommendations.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertEquals(16, out.size(), "one list per well-formed event");
        for (Recommendation r : out) {
            assertEquals("v-on-s3", r.modelVersion);
        }
    }
}
