package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.event.RawRecord;
import io.streamrec.sink.Recommendation;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job with a bounded source and no catalog topic (how tests and offline tools plug in their own input). */
class CatalogLessJobITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .build());

    /** Event i of user u(i % 3), with every fifth record malformed. */
    static final class Events implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public RawRecord map(Long i) {
            String user = "u" + (i % 3);
            String json = i % 5 == 4 ? "{\"event_id\":\"bad" + i + "\"}"
                    : "{\"event_id\":\"e" + i + "\",\"user_id\":\"" + user + "\",\"item_id\":\"i" + String.format("%05d", i)
                    + "\",\"type\":\"view\",\"ts\":" + (1_764_000_000_000L + i * 1000) + "}";
            return new RawRecord(user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8),
                    "user-events", 0, i, 0L);
        }
    }

    @Test
    void runsWithoutACatalogSourceAndEmitsTopKPerAcceptedEvent() throws Exception {
        // the events are from November 2025: a window that reaches back to them, as a replay of old events needs
        var conf = StreamrecConfig.fromMap(Map.of("recs.top-k", "5", "model.reload-interval", "0 s",
                "parallelism.default", "1", "events.max-ts-past", "36500 d"));
        StreamExecutionEnvironment env = StreamrecJob.environment(conf);
        DataGeneratorSource<RawRecord> source = new DataGeneratorSource<>(new Events(), 20,
                RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
        StreamrecJob.Pipeline p = new StreamrecJob(conf, source, null, null, null).build(env);
        List<Recommendation> out = new ArrayList<>();
        try (CloseableIterator<Recommendation> it = p.recommendations.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        assertEquals(16, out.size(), "one list per well-formed event");
        for (Recommendation r : out) {
            assertTrue(r.items.length > 0 && r.items.length <= 5);
        }
    }
}
