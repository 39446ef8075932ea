package io.streamrec.config;

import io.streamrec.event.DeadLetter;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.YamlParserUtils;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the job's {@link Configuration} from a config file ({@code --config FILE}: YAML, nested or flat like Flink's
 * own config.yaml, or {@code key=value} lines in a {@code .properties} file) and {@code --key value} /
 * {@code --key=value} arguments, which win over the file. Every key is checked eagerly: a key that is neither a
 * streamrec option nor a Flink option ({@link FlinkOptionKeys}) nor under {@code kafka.properties.}, a value of the
 * wrong type, or one out of range fails with a {@link ConfigException} that names the option and, for a typo, the
 * nearest known key. Flink's keys go to Flink untouched.
 */
public final class StreamrecConfig {

    /** Namespaces that belong to streamrec: an unknown key in them is a typo, not a Flink option. */
    private static final List<String> OWN_PREFIXES = List.of(
            "kafka.", "topic.", "model.", "recs.", "candidates.", "delivery.", "events.", "dlq.", "ranker.");

    /** Kafka client settings (SASL, TLS, ...) pass through under this prefix to every Kafka client. */
    public static final String KAFKA_PROPERTIES = "kafka.properties.";

    /** The widest event-time bound (about a century): replays of old logs fit, ms arithmetic cannot overflow. */
    static final Duration MAX_TS_BOUND = Duration.ofDays(36_500);

    private StreamrecConfig() {}

    /** Parses command-line arguments (optionally naming a config file) into a validated configuration. */
    public static Configuration fromArgs(String[] args) {
        Map<String, String> fromFile = new LinkedHashMap<>();
        Map<String, String> fromArgs = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || a.length() == 2) {
                throw new ConfigException("unexpected argument '" + a + "': options look like --key value");
            }
            String key;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                key = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else {
                key = a.substring(2);
                if (i + 1 >= args.length) {
                    throw new ConfigException("option --" + key + " needs a value");
                }
                value = args[++i];
            }
            if (key.equals("config")) {
                fromFile.putAll(readFile(Path.of(value)));
            } else {
                fromArgs.put(key, value);
            }
        }
        Map<String, String> all = new LinkedHashMap<>(fromFile);
        all.putAll(fromArgs);
        return fromMap(all);
    }

    /** Validates a key/value map and returns it as a Flink configuration. */
    public static Configuration fromMap(Map<String, String> values) {
        for (String key : values.keySet()) {
            boolean known = find(key) != null || key.startsWith(KAFKA_PROPERTIES)
                    || FlinkOptionKeys.keys().contains(key)
                    || !isOwnNamespace(key) && FlinkOptionKeys.isKnown(key);
            if (!known) {
                throw new ConfigException("unknown option '" + key + "'" + suggestion(key)
                        + "; --help lists streamrec's options, Kafka client settings go under '" + KAFKA_PROPERTIES
                        + "'");
            }
        }
        Configuration conf = Configuration.fromMap(values);
        validate(conf);
        return conf;
    }

    /**
     * {@code recs.lists-from} as epoch milliseconds; {@link Long#MIN_VALUE} (every event gets a list) when unset.
     *
     * @throws ConfigException naming the option if the value is not an ISO-8601 instant
     */
    public static long listsFrom(Configuration conf) {
        String v = conf.getOptional(StreamrecOptions.LISTS_FROM).orElse("").strip();
        if (v.isEmpty()) {
            return Long.MIN_VALUE;
        }
        try {
            return java.time.Instant.parse(v).toEpochMilli();
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigException("invalid value '" + v + "' for option '" + StreamrecOptions.LISTS_FROM.key()
                    + "': not an ISO-8601 instant such as 2026-12-08T00:00:00Z (unset: every event gets a list)");
        }
    }

    /** Reads every streamrec option once, so a bad value fails now and names its key; then checks ranges. */
    public static void validate(Configuration conf) {
        for (ConfigOption<?> option : StreamrecOptions.all()) {
            try {
                conf.get(option);
            } catch (RuntimeException e) {
                String shown = Secrets.shown(option.key(), conf.toMap().get(option.key()));
                throw new ConfigException("invalid value '" + shown + "' for option '"
                        + option.key() + "': " + rootMessage(e) + ". " + ConfigDocs.description(option), e);
            }
        }
        listsFrom(conf);
        positive(conf, StreamrecOptions.TOP_K, 1000);
        positive(conf, StreamrecOptions.FEEDBACK_HORIZON_EVENTS, 100);
        positiveDuration(conf, StreamrecOptions.FEEDBACK_HORIZON);
        positive(conf, StreamrecOptions.RETRIEVAL_N, 100_000);
        nonNegative(conf, StreamrecOptions.COVISIT_N);
        nonNegative(conf, StreamrecOptions.ONLINE_COVISIT_N);
        positive(conf, StreamrecOptions.ONLINE_COVISIT_NEIGHBOURS, 10_000);
        int maxItems = conf.get(StreamrecOptions.ONLINE_COVISIT_MAX_ITEMS);
        if (maxItems < 2 || maxItems > 100_000_000) {
            throw new ConfigException("option '" + StreamrecOptions.ONLINE_COVISIT_MAX_ITEMS.key()
                    + "' must be between 2 and 100000000 (a pair needs two items), got " + maxItems);
        }
        positive(conf, StreamrecOptions.SESSION_KNN_SEEDS, 50);
        positive(conf, StreamrecOptions.SESSION_KNN_NEIGHBOURS, 10_000);
        positive(conf, StreamrecOptions.SESSION_KNN_ITEM_USERS, 10_000);
        positive(conf, StreamrecOptions.SESSION_KNN_MAX_USERS, 100_000_000);
        double sessionWeight = conf.get(StreamrecOptions.DISCOVER_SESSION_WEIGHT);
        if (!(sessionWeight >= 0 && sessionWeight <= 100)) {
            throw new ConfigException("option '" + StreamrecOptions.DISCOVER_SESSION_WEIGHT.key()
                    + "' must be between 0 and 100, got " + sessionWeight);
        }
        double categoryWeight = conf.get(StreamrecOptions.DISCOVER_CATEGORY_WEIGHT);
        if (!(categoryWeight >= 0 && categoryWeight <= 100)) {
            throw new ConfigException("option '" + StreamrecOptions.DISCOVER_CATEGORY_WEIGHT.key()
                    + "' must be between 0 and 100, got " + categoryWeight);
        }
        double sequenceWeight = conf.get(StreamrecOptions.DISCOVER_SEQUENCE_WEIGHT);
        if (!(sequenceWeight >= 0 && sequenceWeight <= 100)) {
            throw new ConfigException("option '" + StreamrecOptions.DISCOVER_SEQUENCE_WEIGHT.key()
                    + "' must be between 0 and 100, got " + sequenceWeight);
        }
        positive(conf, StreamrecOptions.SEQUENCE_PAIR_WINDOW, 50);
        positive(conf, StreamrecOptions.CATEGORY_POPULAR_ITEMS, 100_000);
        positive(conf, StreamrecOptions.CATEGORY_POPULAR_MAX_CATEGORIES, 10_000_000);
        if (conf.get(StreamrecOptions.CATEGORY_POPULAR_HALF_LIFE).toMillis() < 1) {
            throw new ConfigException("option '" + StreamrecOptions.CATEGORY_POPULAR_HALF_LIFE.key()
                    + "' must be at least 1 ms, got " + conf.get(StreamrecOptions.CATEGORY_POPULAR_HALF_LIFE));
        }
        for (ConfigOption<MemorySize> budget : List.of(StreamrecOptions.ONLINE_COVISIT_MAX_BYTES,
                StreamrecOptions.SESSION_KNN_MAX_BYTES, StreamrecOptions.CATEGORY_POPULAR_MAX_BYTES)) {
            if (conf.get(budget).getBytes() < MemorySize.parse("1mb").getBytes()) {
                throw new ConfigException("option '" + budget.key() + "' must be at least 1 mb, got "
                        + conf.get(budget).toHumanReadableString());
            }
        }
        nonNegative(conf, StreamrecOptions.RECENT_N);
        nonNegative(conf, StreamrecOptions.POPULAR_N);
        nonNegative(conf, StreamrecOptions.IVF_MIN_ITEMS);
        positive(conf, StreamrecOptions.IVF_PROBE, 100_000);
        positive(conf, StreamrecOptions.PURCHASED_MAX, 100_000);
        positive(conf, StreamrecOptions.DEDUP_WINDOW, 100_000);
        // A larger prefix would not fit a dead letter into the producer's default max.request.size (DeadLetter).
        positive(conf, StreamrecOptions.DLQ_PAYLOAD_BYTES, DeadLetter.MAX_PAYLOAD_PREFIX_BYTES);
        positive(conf, StreamrecOptions.RANKER_THREADS, 256);
        positive(conf, StreamrecOptions.RANKER_BATCH_SIZE, 4096);
        Duration wait = conf.get(StreamrecOptions.RANKER_BATCH_WAIT);
        if (wait.isNegative()) {
            throw new ConfigException("option '" + StreamrecOptions.RANKER_BATCH_WAIT.key() + "' must not be negative");
        }
        if (!wait.isZero() && wait.toNanos() % 1_000_000 != 0) {
            // the wait is a processing-time timer, and Flink's timers have millisecond resolution: 500 micros would
            // silently have become 0 (no waiting at all)
            throw new ConfigException("option '" + StreamrecOptions.RANKER_BATCH_WAIT.key()
                    + "' must be 0 or whole milliseconds (Flink timers have millisecond resolution), got " + wait);
        }
        positiveDuration(conf, StreamrecOptions.STATE_TTL);
        positiveDuration(conf, StreamrecOptions.TRANSACTION_TIMEOUT);
        positiveDuration(conf, StreamrecOptions.KAFKA_STARTUP_TIMEOUT);
        Duration linger = conf.get(StreamrecOptions.PRODUCER_LINGER);
        if (linger.isNegative() || linger.toMillis() > 60_000) {
            throw new ConfigException("option '" + StreamrecOptions.PRODUCER_LINGER.key()
                    + "' must be between 0 ms and 1 min, got " + linger);
        }
        if (conf.get(StreamrecOptions.MODEL_RELOAD_INTERVAL).isNegative()) {
            throw new ConfigException("option 'model.reload-interval' must not be negative");
        }
        if (conf.get(StreamrecOptions.EVENT_MAX_BYTES).getBytes() < 256) {
            throw new ConfigException("option 'events.max-bytes' must be at least 256 bytes, got "
                    + conf.get(StreamrecOptions.EVENT_MAX_BYTES));
        }
        positive(conf, StreamrecOptions.EVENT_MAX_ID_LENGTH, 65_536);
        tsBound(conf, StreamrecOptions.EVENT_MAX_TS_PAST, 1);
        tsBound(conf, StreamrecOptions.EVENT_MAX_TS_FUTURE, 0);
        deliveryGuarantee(conf);
        String offsets = conf.get(StreamrecOptions.STARTING_OFFSETS);
        if (!List.of("committed", "earliest", "latest").contains(offsets)) {
            throw new ConfigException("option 'kafka.starting-offsets' must be committed, earliest or latest, got '"
                    + offsets + "'");
        }
        for (ConfigOption<String> topic : List.of(StreamrecOptions.TOPIC_EVENTS, StreamrecOptions.TOPIC_ITEMS,
                StreamrecOptions.TOPIC_RECOMMENDATIONS, StreamrecOptions.TOPIC_DLQ)) {
            if (conf.get(topic).isBlank()) {
                throw new ConfigException("option '" + topic.key() + "' must name a topic");
            }
        }
    }

    /**
     * The Kafka client settings given under {@code kafka.properties.} (SASL, TLS, timeouts, ...), without the prefix:
     * every Kafka client the job creates gets them.
     */
    public static Properties kafkaProperties(Configuration conf) {
        Properties p = new Properties();
        conf.toMap().forEach((k, v) -> {
            if (k.startsWith(KAFKA_PROPERTIES) && k.length() > KAFKA_PROPERTIES.length()) {
                p.setProperty(k.substring(KAFKA_PROPERTIES.length()), v);
            }
        });
        return p;
    }

    /** True when the configured delivery guarantee is exactly-once; fails naming the option for unknown values. */
    public static boolean exactlyOnce(Configuration conf) {
        return deliveryGuarantee(conf);
    }

    private static boolean deliveryGuarantee(Configuration conf) {
        String g = conf.get(StreamrecOptions.DELIVERY_GUARANTEE).toLowerCase(Locale.ROOT).replace('_', '-');
        switch (g) {
            case "at-least-once":
                return false;
            case "exactly-once":
                return true;
            default:
                throw new ConfigException("option 'delivery.guarantee' must be at-least-once or exactly-once, got '"
                        + conf.get(StreamrecOptions.DELIVERY_GUARANTEE) + "'");
        }
    }

    private static void positive(Configuration conf, ConfigOption<Integer> option, int max) {
        int v = conf.get(option);
        if (v < 1 || v > max) {
            throw new ConfigException("option '" + option.key() + "' must be between 1 and " + max + ", got " + v);
        }
    }

    private static void nonNegative(Configuration conf, ConfigOption<Integer> option) {
        int v = conf.get(option);
        if (v < 0) {
            throw new ConfigException("option '" + option.key() + "' must not be negative, got " + v);
        }
    }

    private static void positiveDuration(Configuration conf, ConfigOption<Duration> option) {
        Duration d = conf.get(option);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException("option '" + option.key() + "' must be a positive duration, got " + d);
        }
    }

    /** An event-time bound: at least {@code minMillis}, at most 36500 days (no overflow in ms arithmetic). */
    private static void tsBound(Configuration conf, ConfigOption<Duration> option, long minMillis) {
        Duration d = conf.get(option);
        if (d.compareTo(MAX_TS_BOUND) > 0 || d.isNegative() || d.toMillis() < minMillis) {
            throw new ConfigException("option '" + option.key() + "' must be between " + minMillis
                    + " ms and 36500 d, got " + d);
        }
    }

    static Map<String, String> readFile(Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException("cannot read config file '" + file + "' given with --config");
        }
        if (file.getFileName().toString().endsWith(".properties")) {
            return readProperties(file);
        }
        Map<String, Object> yaml;
        try {
            yaml = YamlParserUtils.loadYamlFile(file.toFile());
        } catch (Exception e) {
            throw new ConfigException("config file '" + file + "' is not valid YAML: "
                    + rootMessage(e).lines().findFirst().orElse(""), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        flatten(file, "", yaml == null ? Map.of() : yaml, out);
        return out;
    }

    /** Nested YAML maps become dotted keys, as in Flink's config.yaml: {@code recs: {top-k: 10}} is recs.top-k. */
    private static void flatten(Path file, String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                flatten(file, key + ".", nested, out);
            } else if (v == null) {
                throw new ConfigException("config file '" + file + "': option '" + key + "' has no value");
            } else if (v instanceof List<?> list) {
                StringBuilder sb = new StringBuilder("[");
                for (Object item : list) {
                    sb.append(sb.length() > 1 ? ", " : "").append(item);
                }
                out.put(key, sb.append(']').toString());
            } else {
                out.put(key, String.valueOf(v));
            }
        }
    }

    private static Map<String, String> readProperties(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file '" + file + "' given with --config: " + e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : p.stringPropertyNames()) {
            out.put(key, p.getProperty(key).strip());
        }
        return out;
    }

    private static boolean isOwnNamespace(String key) {
        if (key.equals("job.name") || key.equals("state.ttl") || key.equals("state.purchased-max")
                || key.equals("state.dedup-window")) {
            return true;
        }
        for (String p : OWN_PREFIXES) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static ConfigOption<?> find(String key) {
        for (ConfigOption<?> o : StreamrecOptions.all()) {
            if (o.key().equals(key)) {
                return o;
            }
        }
        return null;
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        List<String> candidates = new ArrayList<>();
        for (ConfigOption<?> o : StreamrecOptions.all()) {
            candidates.add(o.key());
        }
        candidates.addAll(FlinkOptionKeys.keys());
        for (String k : candidates) {
            int d = distance(key, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= 4 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
