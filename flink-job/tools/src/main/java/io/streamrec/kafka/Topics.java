package io.streamrec.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topics of streamrec (four, and the feedback topic), with their default names, and an idempotent create. */
public final class Topics {
    public static final String EVENTS = "user-events";
    public static final String ITEMS = "item-updates";
    public static final String RECOMMENDATIONS = "recommendations";
    public static final String DLQ = "user-events-dlq";
    public static final String FEEDBACK = "recommendation-feedback";

    /** Topic names in use; defaults unless overridden. */
    public record Names(String events, String items, String recommendations, String dlq, String feedback) {
        /** The four named topics and the default feedback topic. */
        public Names(String events, String items, String recommendations, String dlq) {
            this(events, items, recommendations, dlq, FEEDBACK);
        }

        public static Names defaults() {
            return new Names(EVENTS, ITEMS, RECOMMENDATIONS, DLQ, FEEDBACK);
        }

        public List<String> all() {
            return List.of(events, items, recommendations, dlq, feedback);
        }
    }

    private Topics() {}

    /** The topic definitions: {@code items} compacted, the others deleted by time. */
    public static List<NewTopic> definitions(Names names, int partitions, short replication) {
        List<NewTopic> out = new ArrayList<>();
        out.add(new NewTopic(names.events(), partitions, replication));
        out.add(new NewTopic(names.items(), partitions, replication)
                .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0",
                        "segment.ms", "600000")));
        out.add(new NewTopic(names.recommendations(), partitions, replication));
        out.add(new NewTopic(names.dlq(), 1, replication));
        out.add(new NewTopic(names.feedback(), partitions, replication));
        return out;
    }

    /** Creates whatever of the topics is missing; existing topics are left alone. Returns the names it created. */
    public static List<String> createIfMissing(Admin admin, Names names, int partitions, short replication)
            throws Exception {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<NewTopic> todo = new ArrayList<>();
        for (NewTopic t : definitions(names, partitions, replication)) {
            if (!existing.contains(t.name())) {
                todo.add(t);
            }
        }
        List<String> created = new ArrayList<>();
        if (todo.isEmpty()) {
            return created;
        }
        var result = admin.createTopics(todo);
        for (NewTopic t : todo) {
            try {
                result.values().get(t.name()).get(30, TimeUnit.SECONDS);
                created.add(t.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    /** Convenience: connects, creates what is missing, closes. */
    public static List<String> createIfMissing(String bootstrapServers, Names names, int partitions, short replication)
            throws Exception {
        return createIfMissing(bootstrapServers, java.util.Map.of(), names, partitions, replication);
    }

    /** As {@link #createIfMissing(String, Names, int, short)}, with Kafka client settings (SASL/TLS, ...). */
    public static List<String> createIfMissing(String bootstrapServers, java.util.Map<String, String> kafkaProperties,
            Names names, int partitions, short replication) throws Exception {
        try (Admin admin = Admin.create(adminConfig(bootstrapServers, kafkaProperties))) {
            return createIfMissing(admin, names, partitions, replication);
        }
    }

    /** Deletes the named topics and waits for the broker to accept the deletion. */
    public static void delete(String bootstrapServers, java.util.Collection<String> topics) throws Exception {
        delete(bootstrapServers, java.util.Map.of(), topics);
    }

    /** As {@link #delete(String, java.util.Collection)}, with Kafka client settings (SASL/TLS, ...). */
    public static void delete(String bootstrapServers, java.util.Map<String, String> kafkaProperties,
            java.util.Collection<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(adminConfig(bootstrapServers, kafkaProperties))) {
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The admin client's configuration: its defaults, then {@code kafkaProperties} (the user's) over them. */
    public static Properties adminConfig(String bootstrapServers, java.util.Map<String, String> kafkaProperties) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
        p.putAll(kafkaProperties);
        return p;
    }
}
