package io.streamrec.config;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamrecConfigTest {

    @Test
    void defaultsApplyWhenNothingIsGiven() {
        Configuration c = StreamrecConfig.fromArgs(new String[0]);
        assertEquals(20, c.get(StreamrecOptions.TOP_K));
        assertEquals("user-events", c.get(StreamrecOptions.TOPIC_EVENTS));
        assertFalse(StreamrecConfig.exactlyOnce(c));
    }

    @Test
    void argumentsOverrideTheConfigFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streamrec.yaml");
        Files.writeString(file, "# comment\nrecs.top-k: 7\nstate.ttl: 2 h\ndelivery.guarantee: \"exactly-once\"\n"
                + "parallelism.default: 2\n");
        Configuration c = StreamrecConfig.fromArgs(new String[] {"--config", file.toString(), "--recs.top-k=9"});
        assertEquals(9, c.get(StreamrecOptions.TOP_K));
        assertEquals(Duration.ofHours(2), c.get(StreamrecOptions.STATE_TTL));
        assertTrue(StreamrecConfig.exactlyOnce(c));
        assertEquals("2", c.toMap().get("parallelism.default"));
    }

    @Test
    void badValueNamesTheOption() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.top-k", "many"}));
        assertTrue(e.getMessage().contains("'recs.top-k'"), e.getMessage());
        assertTrue(e.getMessage().contains("many"), e.getMessage());
    }

    @Test
    void outOfRangeValueNamesTheOption() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.top-k", "0"}));
        assertEquals("option 'recs.top-k' must be between 1 and 1000, got 0", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--delivery.guarantee", "maybe"}));
        assertTrue(e.getMessage().startsWith("option 'delivery.guarantee' must be"), e.getMessage());
    }

    @Test
    void listsFromIsAnInstantAndABadOneNamesTheOption() {
        assertEquals(Long.MIN_VALUE, StreamrecConfig.listsFrom(StreamrecConfig.fromArgs(new String[0])));
        assertEquals(1_796_688_000_000L, StreamrecConfig.listsFrom(
                StreamrecConfig.fromArgs(new String[] {"--recs.lists-from", "2026-12-08T00:00:00Z"})));
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.lists-from", "yesterday"}));
        assertTrue(e.getMessage().startsWith("invalid value 'yesterday' for option 'recs.lists-from'"), e.getMessage());
    }

    @Test
    void producerLingerDefaultsToOneMillisecondAndOutOfRangeNamesTheOption() {
        assertEquals(java.time.Duration.ofMillis(1),
                StreamrecConfig.fromArgs(new String[0]).get(StreamrecOptions.PRODUCER_LINGER));
        assertEquals(java.time.Duration.ZERO, StreamrecConfig.fromArgs(new String[] {"--kafka.producer-linger",
                "0 ms"}).get(StreamrecOptions.PRODUCER_LINGER));
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--kafka.producer-linger", "2 min"}));
        assertTrue(e.getMessage().startsWith("option 'kafka.producer-linger' must be between 0 ms and 1 min"),
                e.getMessage());
    }

    @Test
    void subMillisecondBatchWaitIsRefusedRatherThanSilentlyZero() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--ranker.batch-wait", "500 micros"}));
        assertTrue(e.getMessage().startsWith("option 'ranker.batch-wait' must be 0 or whole milliseconds"),
                e.getMessage());
        assertEquals(java.time.Duration.ofMillis(2), StreamrecConfig.fromArgs(new String[] {"--ranker.batch-wait",
                "2 ms"}).get(StreamrecOptions.RANKER_BATCH_WAIT));
    }

    @Test
    void discoveryOrderAndSessionIndexOptionsHaveDefaultsAndBadValuesNameTheOption() {
        var conf = StreamrecConfig.fromArgs(new String[0]);
        assertEquals(StreamrecOptions.DiscoverOrder.NEIGHBOURS, conf.get(StreamrecOptions.DISCOVER_ORDER));
        assertEquals(1.0, conf.get(StreamrecOptions.DISCOVER_SESSION_WEIGHT));
        assertEquals(5, conf.get(StreamrecOptions.SESSION_KNN_SEEDS));
        assertEquals(50, conf.get(StreamrecOptions.SESSION_KNN_NEIGHBOURS));
        assertEquals(100, conf.get(StreamrecOptions.SESSION_KNN_ITEM_USERS));
        assertEquals(100_000, conf.get(StreamrecOptions.SESSION_KNN_MAX_USERS));
        assertEquals(StreamrecOptions.DiscoverOrder.RANKER, StreamrecConfig.fromArgs(
                new String[] {"--recs.discover-order", "ranker"}).get(StreamrecOptions.DISCOVER_ORDER));
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.discover-order", "popularity"}));
        assertTrue(e.getMessage().contains("'recs.discover-order'"), e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.discover-session-weight", "-1"}));
        assertTrue(e.getMessage().startsWith("option 'recs.discover-session-weight' must be between 0 and 100"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--session-knn.seeds", "0"}));
        assertTrue(e.getMessage().startsWith("option 'session-knn.seeds' must be between 1 and 50"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--session-knn.max-users", "0"}));
        assertTrue(e.getMessage().startsWith("option 'session-knn.max-users' must be between 1"), e.getMessage());
    }

    @Test
    void categoryPopularityOptionsHaveDefaultsAndOutOfRangeValuesNameTheOption() {
        var conf = StreamrecConfig.fromArgs(new String[0]);
        assertEquals(0.5, conf.get(StreamrecOptions.DISCOVER_CATEGORY_WEIGHT));
        assertEquals(java.time.Duration.ofDays(7), conf.get(StreamrecOptions.CATEGORY_POPULAR_HALF_LIFE));
        assertEquals(200, conf.get(StreamrecOptions.CATEGORY_POPULAR_ITEMS));
        assertEquals(10_000, conf.get(StreamrecOptions.CATEGORY_POPULAR_MAX_CATEGORIES));
        assertEquals(java.time.Duration.ofHours(6), StreamrecConfig.fromArgs(
                new String[] {"--category-popular.half-life", "6 h"}).get(StreamrecOptions.CATEGORY_POPULAR_HALF_LIFE));
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.discover-category-weight", "101"}));
        assertTrue(e.getMessage().startsWith("option 'recs.discover-category-weight' must be between 0 and 100"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--category-popular.half-life", "0 ms"}));
        assertTrue(e.getMessage().startsWith("option 'category-popular.half-life' must be at least 1 ms"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--category-popular.items", "0"}));
        assertTrue(e.getMessage().startsWith("option 'category-popular.items' must be between 1 and 100000"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--category-popular.max-categories", "0"}));
        assertTrue(e.getMessage().startsWith("option 'category-popular.max-categories' must be between 1"),
                e.getMessage());
    }

    @Test
    void sequenceOptionsHaveDefaultsAndOutOfRangeValuesNameTheOption() {
        var conf = StreamrecConfig.fromArgs(new String[0]);
        assertEquals(0.25, conf.get(StreamrecOptions.DISCOVER_SEQUENCE_WEIGHT));
        assertEquals(3, conf.get(StreamrecOptions.SEQUENCE_PAIR_WINDOW));
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.discover-sequence-weight", "-1"}));
        assertTrue(e.getMessage().startsWith("option 'recs.discover-sequence-weight' must be between 0 and 100"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--sequence.pair-window", "51"}));
        assertTrue(e.getMessage().startsWith("option 'sequence.pair-window' must be between 1 and 50"),
                e.getMessage());
    }

    @Test
    void onlineCovisitOptionsHaveDefaultsAndOutOfRangeValuesNameTheOption() {
        var conf = StreamrecConfig.fromArgs(new String[0]);
        assertEquals(50, conf.get(StreamrecOptions.ONLINE_COVISIT_N));
        assertEquals(128, conf.get(StreamrecOptions.ONLINE_COVISIT_NEIGHBOURS));
        assertEquals(200_000, conf.get(StreamrecOptions.ONLINE_COVISIT_MAX_ITEMS));
        assertEquals(0, StreamrecConfig.fromArgs(new String[] {"--candidates.online-covisit-n", "0"})
                .get(StreamrecOptions.ONLINE_COVISIT_N));
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--candidates.online-covisit-n", "-1"}));
        assertTrue(e.getMessage().startsWith("option 'candidates.online-covisit-n' must not be negative"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--candidates.online-covisit-neighbours", "0"}));
        assertTrue(e.getMessage().startsWith("option 'candidates.online-covisit-neighbours' must be between 1"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--candidates.online-covisit-max-items", "1"}));
        assertTrue(e.getMessage().startsWith("option 'candidates.online-covisit-max-items' must be between 2"),
                e.getMessage());
    }

    @Test
    void tableByteBudgetsHaveDefaultsAndBudgetsUnderOneMegabyteNameTheOption() {
        var conf = StreamrecConfig.fromArgs(new String[0]);
        assertEquals(512L << 20, conf.get(StreamrecOptions.ONLINE_COVISIT_MAX_BYTES).getBytes());
        assertEquals(256L << 20, conf.get(StreamrecOptions.SESSION_KNN_MAX_BYTES).getBytes());
        assertEquals(256L << 20, conf.get(StreamrecOptions.CATEGORY_POPULAR_MAX_BYTES).getBytes());
        var settings = io.streamrec.job.JobSettings.from(StreamrecConfig.fromArgs(new String[] {
                "--candidates.online-covisit-max-bytes", "64 mb", "--session-knn.max-bytes", "2 gb",
                "--category-popular.max-bytes", "1mb"}));
        assertEquals(64L << 20, settings.onlineCovisitMaxBytes);
        assertEquals(2L << 30, settings.sessionMaxBytes);
        assertEquals(1L << 20, settings.categoryMaxBytes);
        for (String key : new String[] {"candidates.online-covisit-max-bytes", "session-knn.max-bytes",
                "category-popular.max-bytes"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> StreamrecConfig.fromArgs(new String[] {"--" + key, "512 kb"}));
            assertTrue(e.getMessage().startsWith("option '" + key + "' must be at least 1 mb"), e.getMessage());
        }
    }

    @Test
    void eventContractBoundsHaveDefaultsAndOutOfRangeValuesNameTheOption() {
        Configuration c = StreamrecConfig.fromArgs(new String[0]);
        assertEquals(256, c.get(StreamrecOptions.EVENT_MAX_ID_LENGTH));
        assertEquals(Duration.ofDays(30), c.get(StreamrecOptions.EVENT_MAX_TS_PAST));
        assertEquals(Duration.ofHours(1), c.get(StreamrecOptions.EVENT_MAX_TS_FUTURE));
        c = StreamrecConfig.fromArgs(new String[] {"--events.max-id-length", "64", "--events.max-ts-past", "4000 d",
            "--events.max-ts-future", "0 ms"});
        assertEquals(64, c.get(StreamrecOptions.EVENT_MAX_ID_LENGTH));
        assertEquals(Duration.ofDays(4000), c.get(StreamrecOptions.EVENT_MAX_TS_PAST));
        assertEquals(Duration.ZERO, c.get(StreamrecOptions.EVENT_MAX_TS_FUTURE));
        String[][] bad = {
            {"events.max-id-length", "0", "option 'events.max-id-length' must be between 1 and 65536, got 0"},
            {"events.max-id-length", "70000", "option 'events.max-id-length' must be between 1 and 65536, got 70000"},
            {"events.max-ts-past", "0 ms", "option 'events.max-ts-past' must be between 1 ms and 36500 d, got PT0S"},
            {"events.max-ts-past", "36501 d", "option 'events.max-ts-past' must be between 1 ms and 36500 d, got "
                    + "PT876024H"},
            {"events.max-ts-future", "-1 ms", null},
            {"events.max-ts-future", "999999999999 d", "option 'events.max-ts-future' must be between 0 ms and "
                    + "36500 d, got PT23999999999976H"}};
        for (String[] b : bad) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> StreamrecConfig.fromArgs(new String[] {"--" + b[0], b[1]}), b[0] + "=" + b[1]);
            if (b[2] != null) {
                assertEquals(b[2], e.getMessage());
            } else {
                assertTrue(e.getMessage().contains("'" + b[0] + "'"), e.getMessage());
            }
        }
    }

    @Test
    void unknownOptionInOurNamespaceIsATypoWithASuggestion() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--recs.topk", "5"}));
        assertTrue(e.getMessage().contains("unknown option 'recs.topk'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'recs.top-k'"), e.getMessage());
    }

    @Test
    void missingValueAndMissingFileAreClear() {
        assertEquals("option --recs.top-k needs a value",
                assertThrows(ConfigException.class, () -> StreamrecConfig.fromArgs(new String[] {"--recs.top-k"}))
                        .getMessage());
        assertTrue(assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--config", "/nonexistent/x.yaml"}))
                .getMessage().startsWith("cannot read config file '/nonexistent/x.yaml'"));
    }

    @Test
    void nestedYamlReadsLikeFlinksConfigYaml(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streamrec.yaml");
        Files.writeString(file, "recs:\n  top-k: 10\nkafka:\n  bootstrap-servers: broker:9092\n"
                + "  properties:\n    security.protocol: SASL_PLAINTEXT\n"
                + "execution:\n  checkpointing:\n    interval: 45 s\n"
                + "classloader.parent-first-patterns.additional: [ai.onnxruntime, org.example]\n");
        Configuration c = StreamrecConfig.fromArgs(new String[] {"--config", file.toString()});
        assertEquals(10, c.get(StreamrecOptions.TOP_K));
        assertEquals("broker:9092", c.get(StreamrecOptions.BOOTSTRAP_SERVERS));
        assertEquals("45 s", c.toMap().get("execution.checkpointing.interval"));
        assertEquals(java.util.List.of("ai.onnxruntime", "org.example"),
                c.get(org.apache.flink.configuration.CoreOptions.ALWAYS_PARENT_FIRST_LOADER_PATTERNS_ADDITIONAL));
        assertEquals("SASL_PLAINTEXT", StreamrecConfig.kafkaProperties(c).getProperty("security.protocol"));
    }

    @Test
    void propertiesFilesStillRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("streamrec.properties");
        Files.writeString(file, "# comment\nrecs.top-k=6\nkafka.group-id = shop\n");
        Configuration c = StreamrecConfig.fromArgs(new String[] {"--config", file.toString()});
        assertEquals(6, c.get(StreamrecOptions.TOP_K));
        assertEquals("shop", c.get(StreamrecOptions.GROUP_ID));
    }

    @Test
    void invalidYamlAndEmptyValuesNameTheFile(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "recs:\n  top-k: [10\n");
        assertTrue(assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--config", bad.toString()}))
                .getMessage().startsWith("config file '" + bad + "' is not valid YAML"));
        Path empty = dir.resolve("empty.yaml");
        Files.writeString(empty, "recs:\n  top-k:\n");
        assertEquals("config file '" + empty + "': option 'recs.top-k' has no value",
                assertThrows(ConfigException.class,
                        () -> StreamrecConfig.fromArgs(new String[] {"--config", empty.toString()})).getMessage());
    }

    @Test
    void misspelledKeysAnywhereAreRefusedWithTheNearestKnownKey() {
        ConfigException ttl = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--state.tll", "1d"}));
        assertTrue(ttl.getMessage().startsWith("unknown option 'state.tll' (did you mean 'state.ttl'?)"),
                ttl.getMessage());
        ConfigException parallelism = assertThrows(ConfigException.class,
                () -> StreamrecConfig.fromArgs(new String[] {"--paralelism.default", "4"}));
        assertTrue(parallelism.getMessage().contains("did you mean 'parallelism.default'"), parallelism.getMessage());
        assertFalse(parallelism.getMessage().contains("\n"), "one line");
        assertThrows(ConfigException.class, () -> StreamrecConfig.fromArgs(new String[] {"--no.such.thing", "1"}));
    }

    @Test
    void flinkOptionsAndKafkaClientPropertiesAreAccepted() {
        Configuration c = StreamrecConfig.fromArgs(new String[] {
            "--parallelism.default", "4", "--state.backend.rocksdb.writebuffer.size", "4 mb",
            "--heartbeat.timeout", "6000", "--metrics.reporter.prom.factory.class", "x",
            "--kafka.properties.sasl.mechanism", "PLAIN", "--kafka.properties.security.protocol", "SASL_SSL"});
        assertEquals("4", c.toMap().get("parallelism.default"));
        java.util.Properties kafka = StreamrecConfig.kafkaProperties(c);
        assertEquals(2, kafka.size());
        assertEquals("PLAIN", kafka.getProperty("sasl.mechanism"));
        assertEquals("SASL_SSL", kafka.getProperty("security.protocol"));
    }
}
