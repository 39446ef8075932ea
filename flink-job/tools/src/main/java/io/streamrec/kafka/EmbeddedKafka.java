package io.streamrec.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller) in this JVM, from Kafka's own test kit. Set up
 * for a single node: offsets and transaction-state topics with replication 1, so consumer groups and EXACTLY_ONCE
 * transactions work; {@code transaction.max.timeout.ms} stays at its 15-minute default.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopics();               // the streamrec topics, item-updates compacted
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>{@link #start(Map, SaslPlain)} puts SASL/PLAIN on the client listener, to test what a secured cluster sees.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /** The test kit's listener names (TestKitDefaults): clients connect to EXTERNAL, the KRaft quorum to CONTROLLER. */
    private static final String CLIENT_LISTENER = "EXTERNAL";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaClusterTestKit cluster;
    private final Path baseDir;
    private final long startMillis;
    private final SaslPlain sasl;

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDir, long startMillis, SaslPlain sasl) {
        this.cluster = cluster;
        this.baseDir = baseDir;
        this.startMillis = startMillis;
        this.sasl = sasl;
    }

    /**
     * One SASL/PLAIN user the broker's client listener accepts (the broker also uses it for its own inter-broker
     * connections). The controller listener stays PLAINTEXT: only this JVM's broker talks to it.
     */
    public record SaslPlain(String username, String password) {

        /** Client settings that log in as {@code username} with {@code withPassword} (for kafka.properties.*). */
        public Map<String, String> clientProperties(String withPassword) {
            return Map.of(
                    "security.protocol", "SASL_PLAINTEXT",
                    "sasl.mechanism", "PLAIN",
                    "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                            + username + "\" password=\"" + withPassword + "\";");
        }

        /** Client settings with the right password. */
        public Map<String, String> clientProperties() {
            return clientProperties(password);
        }

        /** Broker settings for a SASL_PLAINTEXT client listener with this single user. */
        Map<String, String> brokerProperties() {
            String listener = CLIENT_LISTENER.toLowerCase(java.util.Locale.ROOT);
            return Map.of(
                    "listener.security.protocol.map", CLIENT_LISTENER + ":SASL_PLAINTEXT," + CONTROLLER_LISTENER
                            + ":PLAINTEXT",
                    "sasl.enabled.mechanisms", "PLAIN",
                    "sasl.mechanism.inter.broker.protocol", "PLAIN",
                    // the listener's own JAAS entry: username/password are the broker's inter-broker login,
                    // user_NAME="PASSWORD" the accounts it accepts
                    "listener.name." + listener + ".plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + username
                            + "\" password=\"" + password + "\" user_" + username + "=\"" + password + "\";");
        }
    }

    /** Starts a broker with default settings and waits until it is ready. */
    public static EmbeddedKafka start() throws Exception {
        return start(Map.of());
    }

    /** Starts a broker with extra broker properties (they override the single-node defaults). */
    public static EmbeddedKafka start(Map<String, String> extraBrokerProps) throws Exception {
        return start(extraBrokerProps, null);
    }

    /**
     * Starts a broker whose client listener requires SASL/PLAIN as {@code sasl} (null: PLAINTEXT), with extra broker
     * properties. {@link #admin()} and {@link #clientProperties()} log in as that user.
     */
    public static EmbeddedKafka start(Map<String, String> extraBrokerProps, SaslPlain sasl) throws Exception {
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("streamrec-kafka-");
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .setBaseDirectory(dir)
                .build();
        KafkaClusterTestKit.Builder b = new KafkaClusterTestKit.Builder(nodes);
        for (Map.Entry<String, String> e : singleNodeProps().entrySet()) {
            b.setConfigProp(e.getKey(), e.getValue());
        }
        if (sasl != null) {
            for (Map.Entry<String, String> e : sasl.brokerProperties().entrySet()) {
                b.setConfigProp(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : extraBrokerProps.entrySet()) {
            b.setConfigProp(e.getKey(), e.getValue());
        }
        KafkaClusterTestKit cluster = b.build();
        try {
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            try {
                cluster.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            deleteRecursively(dir);
            throw e;
        }
        return new EmbeddedKafka(cluster, dir, (System.nanoTime() - t0) / 1_000_000, sasl);
    }

    /** format() prints the bootstrap metadata to stdout; the demo's terminal does not need it. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(out);
        }
    }

    /** Broker settings a single node needs (also used for the standalone broker's server.properties). */
    public static Map<String, String> singleNodeProps() {
        return Map.of(
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "4",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "4",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false",
                "num.partitions", "4",
                "log.cleaner.backoff.ms", "5000");
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** How long start-up took, from building the node config to a ready broker. */
    public long startMillis() {
        return startMillis;
    }

    /** The client settings this broker needs besides bootstrap.servers: SASL's when it has a user, else none. */
    public Map<String, String> clientProperties() {
        return sasl == null ? Map.of() : sasl.clientProperties();
    }

    /** A byte-array producer for this broker, with its client settings and {@code extra}; the caller closes it. */
    public KafkaProducer<byte[], byte[]> producer(Map<String, String> extra) {
        Properties p = new Properties();
        p.putAll(clientProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putAll(extra);
        return new KafkaProducer<>(p);
    }

    /**
     * A byte-array consumer of {@code topic} from its earliest offset, in a group of its own, with this broker's
     * client settings and {@code extra}; the caller closes it.
     */
    public KafkaConsumer<byte[], byte[]> consumer(String topic, Map<String, String> extra) {
        Properties p = new Properties();
        p.putAll(clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "streamrec-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.putAll(extra);
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(topic));
        return c;
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        Properties p = new Properties();
        p.putAll(clientProperties());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(p);
    }

    /** Creates the streamrec topics (the four, and the feedback topic) with their default names, 4 partitions. */
    public List<String> createTopics() throws Exception {
        return createTopics(Topics.Names.defaults(), 4);
    }

    /** Creates the topics ({@code items} compacted), if missing. Returns the ones created. */
    public List<String> createTopics(Topics.Names names, int partitions) throws Exception {
        try (Admin admin = admin()) {
            return Topics.createIfMissing(admin, names, partitions, (short) 1);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            cluster.close();
        } finally {
            deleteRecursively(baseDir);
        }
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // best effort: temp files
        }
    }
}
