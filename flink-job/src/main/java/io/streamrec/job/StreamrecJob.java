package io.streamrec.job;

import io.streamrec.catalog.CatalogFilterFunction;
import io.streamrec.catalog.ItemUpdate;
import io.streamrec.catalog.ParseItemUpdatesFunction;
import io.streamrec.catalog.TopKFunction;
import io.streamrec.config.ConfigDocs;
import io.streamrec.config.ConfigException;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.DeadLetter;
import io.streamrec.event.ParseEventsFunction;
import io.streamrec.event.RawRecord;
import io.streamrec.event.RawRecordDeserializer;
import io.streamrec.event.UserEvent;
import io.streamrec.sink.DeadLetterSerializationSchema;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationSerializationSchema;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;

/**
 * The streamrec pipeline: parse and validate (bad records to the DLQ) → event-time watermarks → keyBy(user_id) →
 * {@link RecommendFunction} (state, candidates, ONNX ranking) → {@link CatalogFilterFunction} (stock, top-K) → sink.
 *
 * <p>Like the flink-training exercises, the job takes its sources and sinks as constructor parameters so tests and the
 * offline evaluator plug in their own; {@link #main} only wires Kafka. Every operator has a name and a stable uid, so
 * savepoints survive upgrades.
 */
public class StreamrecJob {

    private final Configuration conf;
    private final Source<RawRecord, ?, ?> events;
    private final Source<RawRecord, ?, ?> itemUpdates;
    private final Sink<Recommendation> recommendationSink;
    private final Sink<DeadLetter> deadLetterSink;

    /** The streams {@link #build} creates, for callers that attach their own sinks or collect results. */
    public static final class Pipeline {
        public final DataStream<Recommendation> recommendations;
        public final DataStream<DeadLetter> deadLetters;

        Pipeline(DataStream<Recommendation> recommendations, DataStream<DeadLetter> deadLetters) {
            this.recommendations = recommendations;
            this.deadLetters = deadLetters;
        }
    }

    /**
     * @param itemUpdates may be null (no catalog: nothing is filtered for stock)
     * @param recommendationSink may be null: the caller attaches its own to {@link Pipeline#recommendations}
     * @param deadLetterSink may be null, likewise
     */
    public StreamrecJob(Configuration conf, Source<RawRecord, ?, ?> events, Source<RawRecord, ?, ?> itemUpdates,
                        Sink<Recommendation> recommendationSink, Sink<DeadLetter> deadLetterSink) {
        StreamrecConfig.validate(conf);
        this.conf = conf;
        this.events = events;
        this.itemUpdates = itemUpdates;
        this.recommendationSink = recommendationSink;
        this.deadLetterSink = deadLetterSink;
    }

    /** Wires the pipeline into the environment and returns its output streams. */
    public Pipeline build(StreamExecutionEnvironment env) {
        JobSettings settings = JobSettings.from(conf);
        long maxBytes = conf.get(StreamrecOptions.EVENT_MAX_BYTES).getBytes();
        int dlqPrefix = conf.get(StreamrecOptions.DLQ_PAYLOAD_BYTES);

        SingleOutputStreamOperator<UserEvent> parsed = env
                .fromSource(events, WatermarkStrategy.noWatermarks(), "user-events-source")
                .uid("user-events-source").name("user-events-source")
                .process(new ParseEventsFunction(maxBytes, dlqPrefix))
                .uid("parse-events").name("parse-and-validate-events");

        DataStream<UserEvent> timed = parsed
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<UserEvent>forBoundedOutOfOrderness(conf.get(StreamrecOptions.MAX_OUT_OF_ORDERNESS))
                        .withTimestampAssigner((e, previous) -> e.ts)
                        .withIdleness(conf.get(StreamrecOptions.SOURCE_IDLENESS)))
                .uid("event-watermarks").name("event-time-watermarks");

        DataStream<ScoredList> ranked = timed
                .keyBy(UserEvent::getUserId)
                .transform("user-state-candidates-rank", TypeInformation.of(ScoredList.class),
                        new BatchingRecommendOperator(new RecommendFunction(settings), settings.rankerBatchSize,
                                settings.rankerBatchWaitMs))
                .uid("recommend").name("user-state-candidates-rank");

        DataStream<DeadLetter> deadLetters = parsed.getSideOutput(ParseEventsFunction.DEAD_LETTERS);

        SingleOutputStreamOperator<Recommendation> recommendations;
        if (itemUpdates != null) {
            SingleOutputStreamOperator<ItemUpdate> parsedItems = env
                    .fromSource(itemUpdates, WatermarkStrategy.noWatermarks(), "item-updates-source")
                    .uid("item-updates-source").name("item-updates-source")
                    .process(new ParseItemUpdatesFunction(dlqPrefix))
                    .uid("parse-item-updates").name("parse-item-updates");
            deadLetters = deadLetters.union(parsedItems.getSideOutput(ParseEventsFunction.DEAD_LETTERS));
            BroadcastStream<ItemUpdate> broadcast = parsedItems.broadcast(CatalogFilterFunction.UNAVAILABLE);
            recommendations = ranked
                    .connect(broadcast)
                    .process(new CatalogFilterFunction(settings.topK))
                    .uid("catalog-filter-top-k").name("catalog-filter-top-k");
        } else {
            recommendations = ranked
                    .process(new TopKFunction(settings.topK))
                    .uid("top-k").name("top-k");
        }

        if (recommendationSink != null) {
            recommendations.sinkTo(recommendationSink).uid("recommendations-sink").name("recommendations-sink");
        }
        if (deadLetterSink != null) {
            deadLetters.sinkTo(deadLetterSink).uid("dead-letter-sink").name("dead-letter-sink");
        }
        return new Pipeline(recommendations, deadLetters);
    }

    /** The job wired to Kafka as configured. */
    public static StreamrecJob kafka(Configuration conf) {
        StreamrecConfig.validate(conf);
        String servers = conf.get(StreamrecOptions.BOOTSTRAP_SERVERS);
        String group = conf.get(StreamrecOptions.GROUP_ID);
        OffsetsInitializer start;
        switch (conf.get(StreamrecOptions.STARTING_OFFSETS)) {
            case "earliest":
                start = OffsetsInitializer.earliest();
                break;
            case "latest":
                start = OffsetsInitializer.latest();
                break;
            default:
                start = OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        }
        KafkaSource<RawRecord> events = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(servers)
                .setTopics(conf.get(StreamrecOptions.TOPIC_EVENTS))
                .setGroupId(group)
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer())
                .build();
        // The catalog is a compacted topic: always read it whole, so every instance knows every unavailable item.
        KafkaSource<RawRecord> items = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(servers)
                .setTopics(conf.get(StreamrecOptions.TOPIC_ITEMS))
                .setGroupId(group + "-catalog")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer())
                .build();
        boolean exactlyOnce = StreamrecConfig.exactlyOnce(conf);
        DeliveryGuarantee guarantee = exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
        String timeoutMs = String.valueOf(conf.get(StreamrecOptions.TRANSACTION_TIMEOUT).toMillis());
        String lingerMs = String.valueOf(conf.get(StreamrecOptions.PRODUCER_LINGER).toMillis());
        KafkaSink<Recommendation> recSink = KafkaSink.<Recommendation>builder()
                .setBootstrapServers(servers)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(group + "-recs")
                .setProperty("transaction.timeout.ms", timeoutMs)
                .setProperty("linger.ms", lingerMs)
                .setRecordSerializer(new RecommendationSerializationSchema(
                        conf.get(StreamrecOptions.TOPIC_RECOMMENDATIONS)))
                .build();
        KafkaSink<DeadLetter> dlqSink = KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(servers)
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(group + "-dlq")
                .setProperty("transaction.timeout.ms", timeoutMs)
                .setProperty("linger.ms", lingerMs)
                .setRecordSerializer(new DeadLetterSerializationSchema(conf.get(StreamrecOptions.TOPIC_DLQ)))
                .build();
        return new StreamrecJob(conf, events, items, recSink, dlqSink);
    }

    /**
     * The execution environment for the job: RocksDB with incremental checkpoints every 30 s, no Kryo fallback,
     * object reuse and a zero buffer timeout for latency. Values the user set (in the configuration or a cluster's config.yaml) win. Under
     * {@code java -jar} this is a local MiniCluster; under {@code flink run} it is the cluster's environment.
     */
    public static StreamExecutionEnvironment environment(Configuration userConf) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Each checkpoint stalls the rank thread for tens of ms (RocksDB flushes its memtable in the synchronous
        // part); every 30 s instead of 10 s that touches a third as many events, which brought the half-load p99
        // under 15 ms, and an at-least-once restore replays at most 30 s of events (docs/BENCHMARKS.md).
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                "file://" + System.getProperty("java.io.tmpdir") + "/streamrec-checkpoints");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // Latency: network buffers flushed after every record (0 ms; at half load p50 5.3 -> 4.0 ms against 1 ms, for
        // ~2 % of drain throughput) and no defensive copies between chained operators (no function here keeps or
        // mutates a record after emitting it); docs/BENCHMARKS.md measured both.
        conf.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ZERO);
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.addAll(userConf);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** Builds the Kafka-wired job and submits it without blocking (used by the demo and the tests). */
    public static JobClient executeAsync(Configuration conf) throws Exception {
        StreamExecutionEnvironment env = environment(conf);
        kafka(conf).build(env);
        return env.executeAsync(conf.get(StreamrecOptions.JOB_NAME));
    }

    public static void main(String[] args) throws Exception {
        Configuration conf;
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            usage(System.out);
            return;
        }
        try {
            conf = StreamrecConfig.fromArgs(args);
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = environment(conf);
        kafka(conf).build(env);
        env.execute(conf.get(StreamrecOptions.JOB_NAME));
    }

    static void usage(java.io.PrintStream out) {
        out.println("usage: streamrec job [--config FILE] [--<option> <value> ...]");
        out.println("Runs the streamrec job on Kafka. Flink options (parallelism.default, execution.checkpointing.*)");
        out.println("are accepted too. streamrec options:");
        out.print(ConfigDocs.markdownTable());
    }
}
