package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.job.StreamrecJob;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.SimpleUdfStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replayed job is the production job: the same builder, the same operators, only the I/O differs. */
class SameJobTest {
    /** Operators that only exist because of Kafka I/O: the replay collects its output instead. */
    private static final Set<String> IO_ONLY = Set.of(
            "recommendations-sink", "dead-letter-sink", "feedback-topic", "no-item-updates");

    @Test
    void replayGraphHasTheProductionOperators(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration();
        StreamExecutionEnvironment prodEnv = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        StreamrecJob.kafka(conf).build(prodEnv);
        Map<String, String> prod = operators(prodEnv);

        StreamExecutionEnvironment replayEnv = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
        JobReplay.build(replayEnv, JobReplay.replayConf(conf), dir.resolve("replay.input"), 1);
        Map<String, String> replay = operators(replayEnv);

        // the Kafka sinks (and their committers, "Sink Committer: recommendations-sink") are the only other difference
        prod.keySet().removeIf(uid -> IO_ONLY.stream().anyMatch(uid::contains));
        replay.keySet().removeIf(uid -> IO_ONLY.stream().anyMatch(uid::contains));
        assertTrue(prod.containsKey("recommend") && prod.containsKey("parse-events")
                && prod.containsKey("catalog-filter-top-k") && prod.containsKey("event-watermarks"), prod::toString);
        // the event source keeps its uid; its implementation differs (bounded file vs Kafka), nothing else does
        assertTrue(prod.remove("user-events-source").contains("Kafka"));
        assertTrue(replay.remove("user-events-source").contains("DataGenerator"));
        assertTrue(prod.remove("item-updates-source").contains("Kafka"));
        assertTrue(replay.remove("item-updates-source").contains("DataGenerator"));
        assertEquals(prod, replay);
    }

    @Test
    void aFailingReplayFailsInsteadOfRestartingForever() {
        Configuration conf = JobReplay.replayConf(new Configuration());
        assertEquals("none", conf.get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(1, conf.get(org.apache.flink.configuration.CoreOptions.DEFAULT_PARALLELISM));
        Configuration user = new Configuration();
        user.set(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        assertEquals("fixed-delay",
                JobReplay.replayConf(user).get(org.apache.flink.configuration.RestartStrategyOptions.RESTART_STRATEGY));
    }

    /** uid -> operator name and user-function class (or factory class) of every node with a uid. */
    private static Map<String, String> operators(StreamExecutionEnvironment env) {
        Map<String, String> m = new TreeMap<>();
        for (StreamNode n : env.getStreamGraph().getStreamNodes()) {
            if (n.getTransformationUID() == null) {
                continue;
            }
            StreamOperatorFactory<?> f = n.getOperatorFactory();
            String impl = f instanceof SimpleUdfStreamOperatorFactory<?> u
                    ? u.getUserFunction().getClass().getName() : f == null ? "-" : f.getClass().getName();
            if (n.getOperatorName().contains("source")) {
                impl = describeSource(n);
            }
            m.put(n.getTransformationUID(), n.getOperatorName() + " / " + impl);
        }
        return m;
    }

    private static String describeSource(StreamNode n) {
        Object f = n.getOperatorFactory();
        if (f instanceof org.apache.flink.streaming.api.operators.SourceOperatorFactory<?> s) {
            try {
                var field = s.getClass().getDeclaredField("source");
                field.setAccessible(true);
                return field.get(s).getClass().getName();
            } catch (ReflectiveOperationException e) {
                return s.getClass().getName();
            }
        }
        return String.valueOf(f);
    }
}
