package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.event.RawRecord;
import io.streamrec.sink.Recommendation;
import io.streamrec.store.ModelStore;
import io.streamrec.store.S3TestServer;
import io.streamrec.store.ServingPlan;
import io.streamrec.store.TestBundles;
import io.streamrec.store.Variant;
import io.streamrec.store.VariantAssigner;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real job in a MiniCluster with {@code model.path} an {@code s3://} model store serving two variants: the
 * TaskManager loads both bundles the pointer names through Flink's S3 file system, and every list carries the
 * variant and version its user's hash assigns. Why: the store tests call the loader directly; this shows the job's
 * own start-up path reads a store on S3 too.
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

    /** Event i of user s(i % 200), every one well formed: enough users for an A/B split. */
    static final class ManyUsers implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public RawRecord map(Long i) {
            String user = "s" + (i % USERS);
            String json = "{\"event_id\":\"e" + i + "\",\"user_id\":\"" + user + "\",\"item_id\":\"i"
                    + String.format("%05d", i % 50) + "\",\"type\":\"view\",\"ts\":"
                    + (1_764_000_000_000L + i * 1000) + "}";
            return new RawRecord(user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8),
                    "user-events", 0, i, 0L);
        }
    }

    private static final int USERS = 200;
    private static final int EVENTS = 400;

    @Test
    void theJobServesTheVariantsTheStoreOnS3Names() throws Exception {
        String uri = "s3://job-bucket/models";
        ModelStore store = new ModelStore(uri);
        store.upload(TestBundles.copy(tmp.resolve("b1"), "v1-s3"), "v1-s3");
        store.upload(TestBundles.copy(tmp.resolve("b2"), "v2-s3"), "v2-s3");
        List<Variant> variants = List.of(new Variant("a", "v1-s3", 50), new Variant("b", "v2-s3", 50));
        store.writePlan(new ServingPlan(variants, "t", "job test", List.of()));

        var conf = StreamrecConfig.fromMap(Map.of("recs.top-k", "5", "model.reload-interval", "0 s",
                "model.path", uri, "parallelism.default", "1", "events.max-ts-past", "36500 d"));
        StreamExecutionEnvironment env = StreamrecJob.environment(conf);
        DataGeneratorSource<RawRecord> source = new DataGeneratorSource<>(new ManyUsers(), EVENTS,
                RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
        StreamrecJob.Pipeline p = new StreamrecJob(conf, source, null, null, null).build(env);
        List<Recommendation> out = new ArrayList<>();
        try (CloseableIterator<Recommendation> it = p.recommendations.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertEquals(EVENTS, out.size(), "one list per event");
        VariantAssigner assigner = VariantAssigner.of(variants);
        Set<String> usersOfA = new HashSet<>();
        for (Recommendation r : out) {
            Variant expected = variants.get(assigner.assign(r.userId));
            assertEquals(expected.name(), r.variant, r.userId);
            assertEquals(expected.version(), r.modelVersion, "the bundle loaded from s3:// for " + r.variant);
            if (expected.name().equals("a")) {
                usersOfA.add(r.userId);
            }
        }
        assertTrue(usersOfA.size() > USERS / 4 && usersOfA.size() < USERS * 3 / 4, "a serves " + usersOfA.size()
                + " of " + USERS + " users");
    }
}
