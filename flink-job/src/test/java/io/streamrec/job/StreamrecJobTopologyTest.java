package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The production topology: stable uids and names on every operator, and no Kryo anywhere. */
class StreamrecJobTopologyTest {

    private static StreamGraph productionGraph() {
        Configuration conf = StreamrecConfig.fromMap(Map.of("kafka.bootstrap-servers", "localhost:1"));
        StreamExecutionEnvironment env = StreamrecJob.environment(conf);
        StreamrecJob.kafka(conf).build(env);
        return env.getStreamGraph();
    }

    @Test
    void everyOperatorHasAUniqueUidAndAName() {
        Set<String> uids = new HashSet<>();
        for (StreamNode node : productionGraph().getStreamNodes()) {
            assertNotNull(node.getTransformationUID(), "operator without uid: " + node.getOperatorName());
            assertTrue(uids.add(node.getTransformationUID()), "duplicate uid " + node.getTransformationUID());
            assertFalse(node.getOperatorName().isBlank());
        }
        assertTrue(uids.containsAll(Set.of("user-events-source", "parse-events", "event-watermarks", "recommend",
                "item-updates-source", "parse-item-updates", "catalog-filter-top-k", "online-feedback")),
                uids.toString());
    }

    @Test
    void noRecordTypeFallsBackToKryo() {
        Configuration conf = StreamrecConfig.fromMap(Map.of());
        assertFalse(StreamrecJob.environment(conf).getConfiguration().get(PipelineOptions.GENERIC_TYPES),
                "pipeline.generic-types is off, so a Kryo fallback fails when the graph is built");
        for (StreamNode node : productionGraph().getStreamNodes()) {
            if (node.getTypeSerializerOut() != null) {
                assertFalse(node.getTypeSerializerOut().getClass().getName().contains("Kryo"),
                        node.getOperatorName() + " serializes with " + node.getTypeSerializerOut().getClass());
            }
            for (org.apache.flink.api.common.typeutils.TypeSerializer<?> in : node.getTypeSerializersIn()) {
                assertFalse(in.getClass().getName().contains("Kryo"), node.getOperatorName() + " reads with " + in);
            }
        }
    }
}
