package io.streamrec.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every streamrec setting, as a typed Flink {@link ConfigOption} with a default and a description. This class is the
 * single source of the README's configuration table ({@link ConfigDocs}); {@link StreamrecConfig} validates values
 * against it and names the option when one is wrong. Flink's own keys (parallelism, checkpointing, state backend)
 * pass through unchanged.
 */
public final class StreamrecOptions {

    private StreamrecOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("kafka.bootstrap-servers").stringType().defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers for every topic the job reads and writes.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("kafka.group-id").stringType().defaultValue("streamrec")
                    .withDescription("Consumer group id of the job's Kafka sources.");

    public static final ConfigOption<String> STARTING_OFFSETS =
            ConfigOptions.key("kafka.starting-offsets").stringType().defaultValue("committed")
                    .withDescription("Where a fresh job starts reading: 'committed' (the group's offsets, else earliest), "
                            + "'earliest' or 'latest'. A restore from a checkpoint or savepoint always resumes.");

    public static final ConfigOption<Duration> PRODUCER_LINGER =
            ConfigOptions.key("kafka.producer-linger").durationType().defaultValue(Duration.ofMillis(1))
                    .withDescription("linger.ms of the job's Kafka producers (recommendations and dead letters): how "
                            + "long a record may wait for others to share its produce request. 0 sends every "
                            + "list in its own request, which at 5,000 events/s cost the 2-core bench machine a "
                            + "quarter of its CPU in produce requests and doubled the p99 (docs/BENCHMARKS.md); "
                            + "1 ms adds at most 1 ms to a list's latency.");

    public static final ConfigOption<Duration> KAFKA_STARTUP_TIMEOUT =
            ConfigOptions.key("kafka.startup-timeout").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("How long the start-up check waits for the Kafka brokers (with the "
                            + "kafka.properties.* settings, so SASL/TLS apply) to answer and to describe the job's "
                            + "topics before the job refuses to start with one line naming the address.");

    public static final ConfigOption<Boolean> STARTUP_CHECKS =
            ConfigOptions.key("job.startup-checks").booleanType().defaultValue(true)
                    .withDescription("Before submitting, check on the client that model.path loads and validates "
                            + "and that Kafka is reachable and the job's topics exist (topic.feedback unless "
                            + "empty); a failure ends the command with exit code 2 instead of a job that restarts. "
                            + "Set false where the client cannot "
                            + "see what the cluster sees (model.path only on the TaskManagers, Kafka only from "
                            + "inside the cluster's network).");

    public static final ConfigOption<String> TOPIC_EVENTS =
            ConfigOptions.key("topic.events").stringType().defaultValue("user-events")
                    .withDescription("Input topic of shopper events, keyed by user_id.");

    public static final ConfigOption<String> TOPIC_ITEMS =
            ConfigOptions.key("topic.items").stringType().defaultValue("item-updates")
                    .withDescription("Compacted catalog topic keyed by item_id: stock, price, category, deletion.");

    public static final ConfigOption<String> TOPIC_RECOMMENDATIONS =
            ConfigOptions.key("topic.recommendations").stringType().defaultValue("recommendations")
                    .withDescription("Output topic: each user's complete current top-K list, keyed by user_id.");

    public static final ConfigOption<String> TOPIC_DLQ =
            ConfigOptions.key("topic.dlq").stringType().defaultValue("user-events-dlq")
                    .withDescription("Dead-letter topic: malformed input with the reason, topic, partition and offset.");

    public static final ConfigOption<String> TOPIC_FEEDBACK =
            ConfigOptions.key("topic.feedback").stringType().defaultValue("recommendation-feedback")
                    .withDescription("Output topic of online feedback, keyed by user_id: one compact JSON per judged "
                            + "event (variant, model_version, event_id, event_type, rank of the event's item in the "
                            + "list, 0 for a miss, list_size, event_ts). Empty: not written (the metrics remain).");

    public static final ConfigOption<Integer> FEEDBACK_HORIZON_EVENTS =
            ConfigOptions.key("feedback.horizon-events").intType().defaultValue(1)
                    .withDescription("How many of a user's next events (with an item) judge each emitted list: 1 "
                            + "is evaluate's next-event protocol and costs no state beyond the last list. With N > 1 "
                            + "a list closes on its first hit (its rank), after N events or when feedback.horizon "
                            + "has passed (a miss), and up to N open lists per user are kept in keyed state, about "
                            + "4 x recs.top-k + 40 bytes each (1-100).");

    public static final ConfigOption<Duration> FEEDBACK_HORIZON =
            ConfigOptions.key("feedback.horizon").durationType().defaultValue(Duration.ofMinutes(30))
                    .withDescription("With feedback.horizon-events > 1: how long after its event, in event time, "
                            + "a list can still be hit.");

    public static final ConfigOption<String> MODEL_PATH =
            ConfigOptions.key("model.path").stringType().defaultValue("classpath:default")
                    .withDescription("Model bundle to serve: a directory, a .zip, or 'classpath:default' (the bundle "
                            + "shipped in the jar); or a model store, a folder with a serving.json naming the versions "
                            + "that serve as A/B variants (docs/MODEL_LIFECYCLE.md). Folders may be on any file system "
                            + "Flink has (s3://, hdfs://, file://).");

    public static final ConfigOption<Duration> MODEL_RELOAD_INTERVAL =
            ConfigOptions.key("model.reload-interval").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("How often a running job checks model.path for a new bundle or serving plan "
                            + "(0 disables). A new bundle that fails validation is refused and the current model keeps "
                            + "serving.");

    public static final ConfigOption<Integer> TOP_K =
            ConfigOptions.key("recs.top-k").intType().defaultValue(20)
                    .withDescription("Number of items in each recommendation list (1-1000).");

    public static final ConfigOption<String> LISTS_FROM =
            ConfigOptions.key("recs.lists-from").stringType().noDefaultValue()
                    .withDescription("Event time (ISO-8601 instant, e.g. 2026-12-08T00:00:00Z) from which events get "
                            + "a list. An earlier event updates the user's state and the shared tables as usual but "
                            + "is not ranked and emits no list: start a new deployment on the topic's retained "
                            + "history (kafka.starting-offsets=earliest) to warm its state without ranking that "
                            + "history or writing stale lists for it; evaluate sets it to the test part's start. Such "
                            + "events cost a fraction of a ranked one. Unset: every event gets a list.");

    public static final ConfigOption<Boolean> FILTER_PURCHASED =
            ConfigOptions.key("recs.filter-purchased").booleanType().defaultValue(true)
                    .withDescription("Never recommend an item the user has already purchased.");

    public static final ConfigOption<Boolean> FILTER_SEEN =
            ConfigOptions.key("recs.filter-seen").booleanType().defaultValue(false)
                    .withDescription("Never recommend an item already in the user's recent history (discovery only).");

    public static final ConfigOption<Boolean> DISCOVER_LIST =
            ConfigOptions.key("recs.discover-list").booleanType().defaultValue(false)
                    .withDescription("Also emit 'discover', a second list of recs.top-k items that are not in the "
                            + "user's recent history, ordered as recs.discover-order says (a discovery carousel next "
                            + "to the main list, which mixes re-visits and new items). Costs about a quarter more CPU "
                            + "per event in ranker order and half as much again in neighbour order "
                            + "(docs/BENCHMARKS.md).");

    /** How the discovery list is ordered ({@link #DISCOVER_ORDER}). */
    public enum DiscoverOrder { RANKER, NEIGHBOURS }

    public static final ConfigOption<DiscoverOrder> DISCOVER_ORDER =
            ConfigOptions.key("recs.discover-order").enumType(DiscoverOrder.class).defaultValue(DiscoverOrder.NEIGHBOURS)
                    .withDescription("How the discovery list is ordered (with recs.discover-list). 'ranker': the "
                            + "ranker's order of the candidates outside the history. 'neighbours': items outside the "
                            + "history scored ln(1 + online co-visitation) + recs.discover-session-weight × ln(1 + "
                            + "session-kNN) + recs.discover-category-weight × ln(1 + popularity in the event's "
                            + "category) + recs.discover-sequence-weight × ln(1 + how often the item came after the "
                            + "event's item), so items only similar shoppers' recent sessions or the category's "
                            + "current favourites point to can appear; the ranker's order fills a short list. Better "
                            + "on every evaluation set, for about 40 CPU-µs more per event than 'ranker' "
                            + "(docs/EVALUATION.md and docs/BENCHMARKS.md).");

    public static final ConfigOption<Double> DISCOVER_SESSION_WEIGHT =
            ConfigOptions.key("recs.discover-session-weight").doubleType().defaultValue(1.0)
                    .withDescription("Weight of the session-kNN term in the 'neighbours' discovery order (0-100).");

    public static final ConfigOption<Integer> SESSION_KNN_SEEDS =
            ConfigOptions.key("session-knn.seeds").intType().defaultValue(5)
                    .withDescription("Distinct recent items of the user that find its session neighbours (1-50).");

    public static final ConfigOption<Boolean> SESSION_KNN_IDF =
            ConfigOptions.key("session-knn.idf").booleanType().defaultValue(false)
                    .withDescription("Weights each item the session neighbours score by ln(1 + users in the index / "
                            + "users whose recent items hold it), as V-SKNN does: items every shopper touches count "
                            + "less. Off: no gain that held on both real sets (docs/EVALUATION.md).");

    public static final ConfigOption<Integer> SESSION_KNN_NEIGHBOURS =
            ConfigOptions.key("session-knn.neighbours").intType().defaultValue(50)
                    .withDescription("Most similar other users whose recent items are scored (1-10000).");

    public static final ConfigOption<Integer> SESSION_KNN_ITEM_USERS =
            ConfigOptions.key("session-knn.item-users").intType().defaultValue(100)
                    .withDescription("Users each item of the session index remembers, most recent first (1-10000).");

    public static final ConfigOption<Integer> SESSION_KNN_MAX_USERS =
            ConfigOptions.key("session-knn.max-users").intType().defaultValue(100_000)
                    .withDescription("Users the session index keeps per parallel instance, each with the distinct "
                            + "items of its history window; the least recently active leaves first (1-100000000). "
                            + "The index exists only with recs.discover-order=neighbours.");

    public static final ConfigOption<Double> DISCOVER_CATEGORY_WEIGHT =
            ConfigOptions.key("recs.discover-category-weight").doubleType().defaultValue(0.5)
                    .withDescription("Weight of a third term in the 'neighbours' discovery order: ln(1 + the item's "
                            + "time-decayed popularity in the event's category), learnt from the stream. Events "
                            + "without a category add nothing. 0 turns the category table off (0-100).");

    public static final ConfigOption<Double> DISCOVER_SEQUENCE_WEIGHT =
            ConfigOptions.key("recs.discover-sequence-weight").doubleType().defaultValue(0.25)
                    .withDescription("Weight of a fourth term in the 'neighbours' discovery order: ln(1 + how often the "
                            + "item came within sequence.pair-window events after the event's item), from a directed "
                            + "table learnt from the stream with the online co-visitation table's bounds and a 1-day "
                            + "gap. 0 turns the table off (0-100).");

    public static final ConfigOption<Integer> SEQUENCE_PAIR_WINDOW =
            ConfigOptions.key("sequence.pair-window").intType().defaultValue(3)
                    .withDescription("How many of a user's previous events an event counts as coming after, the k-th "
                            + "with weight 1/k (1-50).");

    public static final ConfigOption<Duration> CATEGORY_POPULAR_HALF_LIFE =
            ConfigOptions.key("category-popular.half-life").durationType().defaultValue(Duration.ofDays(7))
                    .withDescription("How long a view takes to count half in its category's popularity (≥ 1 ms).");

    public static final ConfigOption<Integer> CATEGORY_POPULAR_ITEMS =
            ConfigOptions.key("category-popular.items").intType().defaultValue(200)
                    .withDescription("Items each category keeps; a new item replaces the least popular (1-100000).");

    public static final ConfigOption<Integer> CATEGORY_POPULAR_MAX_CATEGORIES =
            ConfigOptions.key("category-popular.max-categories").intType().defaultValue(10_000)
                    .withDescription("Categories kept per parallel instance; the least recently viewed leaves first "
                            + "(1-10000000). The table exists only with recs.discover-order=neighbours and a "
                            + "category weight above 0.");

    public static final ConfigOption<MemorySize> ONLINE_COVISIT_MAX_BYTES =
            ConfigOptions.key("candidates.online-covisit-max-bytes").memoryType()
                    .defaultValue(MemorySize.parse("512mb"))
                    .withDescription("Heap the online co-visitation table, and the sequence table each, may take per "
                            + "parallel instance, as approximately accounted (each distinct id once at 2 bytes a "
                            + "char, plus about 100 bytes an item and 16 a neighbour slot): past it the least "
                            + "recently updated items are dropped, as at candidates.online-covisit-max-items. The "
                            + "default holds 200,000 items of 32-char ids with full lists; long ids (up to "
                            + "events.max-bytes) meet it first (≥ 1 mb).");

    public static final ConfigOption<MemorySize> SESSION_KNN_MAX_BYTES =
            ConfigOptions.key("session-knn.max-bytes").memoryType().defaultValue(MemorySize.parse("256mb"))
                    .withDescription("Heap the session index may take per parallel instance, as approximately "
                            + "accounted (ids at 2 bytes a char plus about 100 bytes a user or item and 4 an edge): "
                            + "past it the least recently active users leave, as at session-knn.max-users. The "
                            + "default holds 100,000 users and 200,000 items of 32-char ids (≥ 1 mb).");

    public static final ConfigOption<MemorySize> CATEGORY_POPULAR_MAX_BYTES =
            ConfigOptions.key("category-popular.max-bytes").memoryType().defaultValue(MemorySize.parse("256mb"))
                    .withDescription("Heap the category popularity table may take per parallel instance, as "
                            + "approximately accounted (ids at 2 bytes a char plus 160 bytes a category and 16 an "
                            + "item): past it the least recently viewed categories leave. The default holds 10,000 "
                            + "categories of 200 items of 32-char ids (≥ 1 mb).");

    public static final ConfigOption<Integer> RETRIEVAL_N =
            ConfigOptions.key("candidates.retrieval-n").intType().defaultValue(100)
                    .withDescription("Candidates from nearest items to the interest vector (inner product).");

    public static final ConfigOption<Integer> COVISIT_N =
            ConfigOptions.key("candidates.covisit-n").intType().defaultValue(50)
                    .withDescription("Candidates from co-visitation neighbours of the recent items.");

    public static final ConfigOption<Integer> ONLINE_COVISIT_N =
            ConfigOptions.key("candidates.online-covisit-n").intType().defaultValue(50)
                    .withDescription("Candidates from the online co-visitation table: neighbours, learnt from the live "
                            + "event stream, of the user's last distinct items (the bundle's online_covisit K, else 3), "
                            + "including items the bundle does not know. 0 disables the source, and the table too "
                            + "unless the bundle names the online_covisit feature.");

    public static final ConfigOption<Integer> ONLINE_COVISIT_NEIGHBOURS =
            ConfigOptions.key("candidates.online-covisit-neighbours").intType().defaultValue(128)
                    .withDescription("Neighbours the online co-visitation table keeps per item; when a list is full a "
                            + "new neighbour replaces the lightest (Space-Saving). About 16 bytes each, so at most "
                            + "about 2 KB per item (1-10000). The trainer's table is unbounded: a smaller list "
                            + "serves features the ranker never saw (docs/EVALUATION.md).");

    public static final ConfigOption<Integer> ONLINE_COVISIT_MAX_ITEMS =
            ConfigOptions.key("candidates.online-covisit-max-items").intType().defaultValue(200_000)
                    .withDescription("Items the online co-visitation table keeps per parallel instance; the least "
                            + "recently updated is dropped first. The table is operator state, checkpointed with the "
                            + "job and merged on rescale (2-100000000).");

    public static final ConfigOption<Boolean> RECENT_ENABLED =
            ConfigOptions.key("candidates.recent-enabled").booleanType().defaultValue(true)
                    .withDescription("Propose the user's own recent items (re-engagement).");

    public static final ConfigOption<Integer> RECENT_N =
            ConfigOptions.key("candidates.recent-n").intType().defaultValue(20)
                    .withDescription("How many distinct recent items to propose when candidates.recent-enabled.");

    public static final ConfigOption<Integer> POPULAR_N =
            ConfigOptions.key("candidates.popular-n").intType().defaultValue(50)
                    .withDescription("Popular items proposed to cold users, and used to fill short lists.");

    public static final ConfigOption<Integer> IVF_MIN_ITEMS =
            ConfigOptions.key("candidates.ivf-min-items").intType().defaultValue(200_000)
                    .withDescription("Catalogues with at least this many items retrieve through an approximate IVF "
                            + "index (about sqrt(n)/2 lists) instead of the exact scan; 0 = always exact.");

    public static final ConfigOption<Integer> IVF_PROBE =
            ConfigOptions.key("candidates.ivf-probe").intType().defaultValue(16)
                    .withDescription("How many IVF lists one retrieval scans (more: better recall, slower).");

    public static final ConfigOption<Duration> STATE_TTL =
            ConfigOptions.key("state.ttl").durationType().defaultValue(Duration.ofDays(7))
                    .withDescription("A user's state is dropped after this long without an event.");

    public static final ConfigOption<Integer> PURCHASED_MAX =
            ConfigOptions.key("state.purchased-max").intType().defaultValue(100)
                    .withDescription("How many purchased and in-cart items a user's state remembers (bounded state).");

    public static final ConfigOption<Integer> DEDUP_WINDOW =
            ConfigOptions.key("state.dedup-window").intType().defaultValue(16)
                    .withDescription("How many recent event ids per user are kept to drop duplicate events.");

    public static final ConfigOption<String> DELIVERY_GUARANTEE =
            ConfigOptions.key("delivery.guarantee").stringType().defaultValue("at-least-once")
                    .withDescription("'at-least-once' (lowest latency; consumers keep the highest seq) or "
                            + "'exactly-once' (Kafka transactions; output visible when a checkpoint completes).");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("delivery.transaction-timeout").durationType().defaultValue(Duration.ofMinutes(10))
                    .withDescription("Kafka transaction timeout for exactly-once. Must not exceed the broker's "
                            + "transaction.max.timeout.ms (15 min by default).");

    public static final ConfigOption<MemorySize> EVENT_MAX_BYTES =
            ConfigOptions.key("events.max-bytes").memoryType().defaultValue(MemorySize.parse("64kb"))
                    .withDescription("Larger input records go to the dead-letter topic as oversized.");

    public static final ConfigOption<Integer> EVENT_MAX_ID_LENGTH =
            ConfigOptions.key("events.max-id-length").intType().defaultValue(256)
                    .withDescription("Longest event_id, user_id, item_id, session_id or category accepted, in "
                            + "characters (Unicode code points, as the JSON Schema's maxLength counts); a record with "
                            + "a longer one goes to the dead-letter topic. Ids become state keys and Kafka keys and "
                            + "are kept per user and per item, so one 60,000-character id costs memory on every "
                            + "table it reaches; 256 is far above real ids (a UUID has 36) (1-65536).");

    public static final ConfigOption<Duration> EVENT_MAX_TS_PAST =
            ConfigOptions.key("events.max-ts-past").durationType().defaultValue(Duration.ofDays(30))
                    .withDescription("Oldest event time accepted, relative to processing time: a record whose ts is "
                            + "further in the past goes to the dead-letter topic. 30 d is four times Kafka's default "
                            + "7-day retention, so a job that restarts from the earliest offsets or lags by a week "
                            + "keeps every event, yet a ts in seconds instead of milliseconds (January 1970) or 0 is "
                            + "refused. Replays of historical logs (evaluate) set the window from the log's own "
                            + "times (1 ms-36500 d).");

    public static final ConfigOption<Duration> EVENT_MAX_TS_FUTURE =
            ConfigOptions.key("events.max-ts-future").durationType().defaultValue(Duration.ofHours(1))
                    .withDescription("Furthest event time accepted ahead of processing time. Producers' clocks drift "
                            + "by seconds (servers with NTP) to minutes (devices); 1 h tolerates that, while a ts in "
                            + "microseconds or in the year 9999, which would pull the event-time watermark ahead of "
                            + "every real event, goes to the dead-letter topic (0 ms-36500 d).");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            ConfigOptions.key("events.max-out-of-orderness").durationType().defaultValue(Duration.ofSeconds(5))
                    .withDescription("Bounded out-of-orderness of event-time watermarks.");

    public static final ConfigOption<Duration> SOURCE_IDLENESS =
            ConfigOptions.key("events.idleness").durationType().defaultValue(Duration.ofSeconds(30))
                    .withDescription("A source split with no events for this long stops holding back watermarks.");

    public static final ConfigOption<Integer> DLQ_PAYLOAD_BYTES =
            ConfigOptions.key("dlq.payload-prefix-bytes").intType().defaultValue(4096)
                    .withDescription("How many bytes of a bad record's payload the dead-letter record keeps, at most "
                            + "743280: with its escaped key, reason and fields a dead letter then stays under the "
                            + "producer's default max.request.size of 1 MiB, so no record can stop the DLQ sink.");

    public static final ConfigOption<Integer> RANKER_THREADS =
            ConfigOptions.key("ranker.intra-op-threads").intType().defaultValue(1)
                    .withDescription("ONNX Runtime intra-op threads per ranker (one ranker per parallel instance).");

    public static final ConfigOption<Integer> RANKER_BATCH_SIZE =
            ConfigOptions.key("ranker.batch-size").intType().defaultValue(8)
                    .withDescription("Events scored in one ONNX call (micro-batching). Each event's state and "
                            + "candidates are computed on arrival; its retrieval and ranking wait until this many "
                            + "events are pending or ranker.batch-wait has passed (the batch's events share one "
                            + "scan of the item table). Nothing pending crosses a checkpoint, a watermark or the "
                            + "end of the input. 1 scores every event on its own.");

    public static final ConfigOption<Duration> RANKER_BATCH_WAIT =
            ConfigOptions.key("ranker.batch-wait").durationType().defaultValue(Duration.ofMillis(1))
                    .withDescription("The longest an event waits for its micro-batch to fill before it is scored "
                            + "(the latency micro-batching may add). 0 scores what is pending after every event.");

    public static final ConfigOption<String> JOB_NAME =
            ConfigOptions.key("job.name").stringType().defaultValue("streamrec")
                    .withDescription("Name of the Flink job.");

    /** Every option declared above, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> out = new ArrayList<>();
        for (Field f : StreamrecOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
                try {
                    out.add((ConfigOption<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableList(out);
    }
}
