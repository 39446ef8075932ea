package io.streamrec.job;

import io.streamrec.catalog.CatalogFilterFunction;
import io.streamrec.catalog.ItemUpdate;
import io.streamrec.catalog.ParseItemUpdatesFunction;
import io.streamrec.catalog.TopKFunction;
import io.streamrec.config.ConfigDocs;
import io.streamrec.config.ConfigException;
import io.streamrec.config.Secrets;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.DeadLetter;
import io.streamrec.event.EventLimits;
import io.streamrec.event.ParseEventsFunction;
import io.streamrec.event.RawRecord;
import io.streamrec.event.RawRecordDeserializer;
import io.streamrec.event.UserEvent;
import io.streamrec.feedback.FeedbackSerializationSchema;
import io.streamrec.feedback.ListFeedback;
import io.streamrec.feedback.OnlineFeedbackSink;
import io.streamrec.sink.DeadLetterSerializationSchema;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationSerializationSchema;
import io.streamrec.sink.ScoredList;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Properties;


/**
 * The streamrec pipeline: parse and validate (bad records to the DLQ) → event-time watermarks → keyBy(user_id) →
 * {@link RecommendFunction} (state, candidates, ONNX ranking) → {@link CatalogFilterFunction} (stock, top-K) → sink;
 * the ranking operator's feedback side output goes to the {@link OnlineFeedbackSink} (metrics) and, unless
 * {@code topic.feedback} is empty, to the {@code recommendation-feedback} topic.
 *
 * <p>Like the flink-training exercises, the job takes its sources and sinks as constructor parameters so tests and the
 * offline evaluator plug in their own; {@link #main} only wires Kafka. Every operator has a name and a stable uid, so
 * savepoints survive upgrades.
 */
public class StreamrecJob {

    private static final Logger LOG = LoggerFactory.getLogger(StreamrecJob.class);

    private final Configuration conf;
    private final Source<RawRecord, ?, ?> events;
    private final Source<RawRecord, ?, ?> itemUpdates;
    private final Sink<Recommendation> recommendationSink;
    private final Sink<DeadLetter> deadLetterSink;
    private final Sink<ListFeedback> feedbackSink;

    /** The streams {@link #build} creates, for callers that attach their own sinks or collect results. */
    public static final class Pipeline {
        public final DataStream<Recommendation> recommendations;
        public final DataStream<DeadLetter> deadLetters;
        /** How each accepted event judged its user's list (the ranking operator's feedback side output). */
        public final DataStream<ListFeedback> feedback;

        Pipeline(DataStream<Recommendation> recommendations, DataStream<DeadLetter> deadLetters,
                 DataStream<ListFeedback> feedback) {
            this.recommendations = recommendations;
            this.deadLetters = deadLetters;
            this.feedback = feedback;
        }
    }

    /**
     * @param itemUpdates may be null (no catalog: nothing is filtered for stock)
     * @param recommendationSink may be null: the caller attaches its own to {@link Pipeline#recommendations}
     * @param deadLetterSink may be null, likewise
     */
    public StreamrecJob(Configuration conf, Source<RawRecord, ?, ?> events, Source<RawRecord, ?, ?> itemUpdates,
                        Sink<Recommendation> recommendationSink, Sink<DeadLetter> deadLetterSink) {
        this(conf, events, itemUpdates, recommendationSink, deadLetterSink, null);
    }

    /** @param feedbackSink may be null: no feedback topic (the feedback metrics are always on) */
    public StreamrecJob(Configuration conf, Source<RawRecord, ?, ?> events, Source<RawRecord, ?, ?> itemUpdates,
                        Sink<Recommendation> recommendationSink, Sink<DeadLetter> deadLetterSink,
                        Sink<ListFeedback> feedbackSink) {
        StreamrecConfig.validate(conf);
        this.conf = conf;
        this.events = events;
        this.itemUpdates = itemUpdates;
        this.recommendationSink = recommendationSink;
        this.deadLetterSink = deadLetterSink;
        this.feedbackSink = feedbackSink;
    }

    /** Wires the pipeline into the environment and returns its output streams. */
    public Pipeline build(StreamExecutionEnvironment env) {
        JobSettings settings = JobSettings.from(conf);
        long maxBytes = conf.get(StreamrecOptions.EVENT_MAX_BYTES).getBytes();
        int dlqPrefix = conf.get(StreamrecOptions.DLQ_PAYLOAD_BYTES);

        SingleOutputStreamOperator<UserEvent> parsed = env
                .fromSource(events, WatermarkStrategy.noWatermarks(), "user-events-source")
                .uid("user-events-source").name("user-events-source")
                .process(new ParseEventsFunction(maxBytes, dlqPrefix, EventLimits.from(conf)))
                .uid("parse-events").name("parse-and-validate-events");

        DataStream<UserEvent> timed = parsed
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<UserEvent>forBoundedOutOfOrderness(conf.get(StreamrecOptions.MAX_OUT_OF_ORDERNESS))
                        .withTimestampAssigner((e, previous) -> e.ts)
                        .withIdleness(conf.get(StreamrecOptions.SOURCE_IDLENESS)))
                .uid("event-watermarks").name("event-time-watermarks");

        SingleOutputStreamOperator<ScoredList> ranked = timed
                .keyBy(UserEvent::getUserId)
                .transform("user-state-candidates-rank", TypeInformation.of(ScoredList.class),
                        new BatchingRecommendOperator(new RecommendFunction(settings), settings.rankerBatchSize,
                                settings.rankerBatchWaitMs))
                .uid("recommend").name("user-state-candidates-rank");
        // how each user's next event judged their last list: per-variant metrics, and the feedback topic
        DataStream<ListFeedback> feedback = ranked.getSideOutput(RecommendFunction.FEEDBACK);
        feedback.sinkTo(new OnlineFeedbackSink()).uid("online-feedback").name("online-feedback");
        if (feedbackSink != null) {
            feedback.sinkTo(feedbackSink).uid("feedback-topic").name("feedback-topic");
        }

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
        return new Pipeline(recommendations, deadLetters, feedback);
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
        Properties kafkaProperties = StreamrecConfig.kafkaProperties(conf);
        KafkaSourceBuilder<RawRecord> eventsBuilder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(servers)
                .setTopics(conf.get(StreamrecOptions.TOPIC_EVENTS))
                .setGroupId(group)
                .setStartingOffsets(start)
                .setDeserializer(new RawRecordDeserializer());
        kafkaProperties.forEach((k, v) -> eventsBuilder.setProperty((String) k, (String) v));
        KafkaSource<RawRecord> events = eventsBuilder.build();
        // The catalog is a compacted topic: always read it whole, so every instance knows every unavailable item.
        KafkaSourceBuilder<RawRecord> itemsBuilder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(servers)
                .setTopics(conf.get(StreamrecOptions.TOPIC_ITEMS))
                .setGroupId(group + "-catalog")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RawRecordDeserializer());
        kafkaProperties.forEach((k, v) -> itemsBuilder.setProperty((String) k, (String) v));
        KafkaSource<RawRecord> items = itemsBuilder.build();
        String feedbackTopic = conf.get(StreamrecOptions.TOPIC_FEEDBACK);
        return new StreamrecJob(conf, events, items,
                kafkaSink(conf, "-recs", new RecommendationSerializationSchema(
                        conf.get(StreamrecOptions.TOPIC_RECOMMENDATIONS))),
                kafkaSink(conf, "-dlq", new DeadLetterSerializationSchema(conf.get(StreamrecOptions.TOPIC_DLQ))),
                feedbackTopic.isEmpty() ? null
                        : kafkaSink(conf, "-feedback", new FeedbackSerializationSchema(feedbackTopic)));
    }

    /**
     * A Kafka sink as every output of the job has it: the configured delivery guarantee (its transactional ids
     * {@code <group-id><suffix>}), transaction timeout, linger and {@code kafka.properties.*}.
     */
    static <T> KafkaSink<T> kafkaSink(Configuration conf, String transactionalSuffix,
                                      KafkaRecordSerializationSchema<T> serializer) {
        DeliveryGuarantee guarantee = StreamrecConfig.exactlyOnce(conf)
                ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
        KafkaSinkBuilder<T> builder = KafkaSink.<T>builder()
                .setBootstrapServers(conf.get(StreamrecOptions.BOOTSTRAP_SERVERS))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(conf.get(StreamrecOptions.GROUP_ID) + transactionalSuffix)
                .setProperty("transaction.timeout.ms",
                        String.valueOf(conf.get(StreamrecOptions.TRANSACTION_TIMEOUT).toMillis()))
                .setProperty("linger.ms", String.valueOf(conf.get(StreamrecOptions.PRODUCER_LINGER).toMillis()))
                .setRecordSerializer(serializer);
        StreamrecConfig.kafkaProperties(conf).forEach((k, v) -> builder.setProperty((String) k, (String) v));
        return builder.build();
    }

    /**
     * The execution environment for the job ({@link JobEnvironment}): the job's defaults apply only where neither the
     * user nor, under {@code flink run}, the cluster set a value. Under {@code java -jar} this is a local MiniCluster.
     */
    public static StreamExecutionEnvironment environment(Configuration userConf) {
        return JobEnvironment.create(userConf);
    }

    /**
     * Runs the {@link StartupChecks} (unless {@code job.startup-checks} is false), then builds the Kafka-wired job and
     * submits it without blocking (used by the demo and the tests).
     *
     * @throws StartupChecks.Failure when a check fails; nothing was submitted
     */
    public static JobClient executeAsync(Configuration conf) throws Exception {
        StartupChecks.run(conf);
        logConfiguration(conf);
        StreamExecutionEnvironment env = environment(conf);
        kafka(conf).build(env);
        return env.executeAsync(conf.get(StreamrecOptions.JOB_NAME));
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.err);
        // A job that ran returns normally: under flink run the client must not be killed by System.exit.
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * What {@link #main} does, with the exit code returned instead of exiting: 0 once the job has run (or after
     * {@code --help}), 2 for a configuration error or a failed {@link StartupChecks start-up check}. Those print one
     * line and a hint to {@code err}, and no stack trace: the cause is in the line.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(usage());
            return 0;
        }
        Configuration conf;
        try {
            conf = StreamrecConfig.fromArgs(args);
        } catch (ConfigException e) {
            // One line and a hint: the option table would scroll the error off the screen.
            err.println("streamrec job: " + e.getMessage());
            err.println("Run with --help for the options.");
            return 2;
        }
        try {
            StartupChecks.run(conf);
        } catch (StartupChecks.Failure e) {
            LOG.debug("Start-up check failed", e);
            err.println("streamrec job: " + e.getMessage());
            err.println("Run with --help for the options; --" + StreamrecOptions.STARTUP_CHECKS.key()
                    + " false skips the start-up checks.");
            return 2;
        }
        logConfiguration(conf);
        StreamExecutionEnvironment env = environment(conf);
        kafka(conf).build(env);
        env.execute(conf.get(StreamrecOptions.JOB_NAME));
        return 0;
    }

    /** Logs the options the job was given, secrets ({@link Secrets}) masked. */
    private static void logConfiguration(Configuration conf) {
        LOG.info("Starting streamrec job '{}' with {}", conf.get(StreamrecOptions.JOB_NAME),
                Secrets.masked(conf.toMap()));
    }

    /** What {@code --help} prints: how to run the job, then every streamrec option. */
    public static String usage() {
        return "Usage: streamrec job [--config FILE] [--<option> VALUE ...]\n"
                + "Runs the streamrec job on Kafka: a local MiniCluster under java -jar, the cluster under flink run.\n"
                + "--config reads YAML (nested or flat, like Flink's config.yaml) or a .properties file; arguments\n"
                + "win over the file. Flink options (parallelism.default, execution.checkpointing.*, ...) are accepted;\n"
                + "under flink run the cluster's own settings win over the job's defaults. Kafka client settings\n"
                + "(SASL, TLS) go under kafka.properties.*, e.g. --kafka.properties.security.protocol SASL_PLAINTEXT.\n"
                + "\nOptions:\n"
                + ConfigDocs.plainText();
    }
}
