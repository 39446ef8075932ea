package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.model.BundleException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the job checks on the client before it submits, so that a wrong {@code model.path}, an unreachable broker, bad
 * credentials or a missing topic end the command with one line that names the option, instead of a job that is
 * submitted, fails in its tasks and restarts (or, for Kafka, waits silently and then loops on "Timed out waiting for a
 * node assignment").
 *
 * <p>Two checks: the model bundle loads and validates ({@link BundleLoader#load}, which also replays the golden cases),
 * and a Kafka {@link Admin} client, configured with the job's {@code kafka.properties.*} (so SASL and TLS apply as they
 * will for the job's sources and sinks), reaches the brokers and describes the job's topics (the four, and
 * {@code topic.feedback} unless it is empty) within
 * {@code kafka.startup-timeout}. {@code job.startup-checks: false} skips both, for a client that cannot see what the
 * cluster sees.
 */
public final class StartupChecks {

    /** A failed check; the message is one line that names the option involved. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }

        Failure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private StartupChecks() {}

    /** Runs every check unless {@code job.startup-checks} is false; throws the first failure. */
    public static void run(Configuration conf) throws Failure {
        if (!conf.get(StreamrecOptions.STARTUP_CHECKS)) {
            return;
        }
        checkModel(conf.get(StreamrecOptions.MODEL_PATH));
        checkKafka(conf);
    }

    /** The bundle at {@code location} loads and passes every validation, golden replay included. */
    public static void checkModel(String location) throws Failure {
        try {
            new io.streamrec.store.BundleSource(location).load();
        } catch (BundleException e) {
            throw new Failure("cannot serve the model bundle (" + StreamrecOptions.MODEL_PATH.key() + "): "
                    + oneLine(e.getMessage()), e);
        } catch (RuntimeException | LinkageError e) {
            throw new Failure("cannot serve the model bundle at " + location + " ("
                    + StreamrecOptions.MODEL_PATH.key() + "): " + oneLine(rootMessage(e)), e);
        }
    }

    /** The brokers answer, accept the credentials, and the job's topics exist, within kafka.startup-timeout. */
    public static void checkKafka(Configuration conf) throws Failure {
        String servers = conf.get(StreamrecOptions.BOOTSTRAP_SERVERS);
        Duration timeout = conf.get(StreamrecOptions.KAFKA_STARTUP_TIMEOUT);
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties p = new Properties();
        p.putAll(StreamrecConfig.kafkaProperties(conf));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(timeoutMs));
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-startup-check");

        Admin admin;
        try {
            admin = Admin.create(p);
        } catch (RuntimeException e) {
            if (rootMessage(e).contains("No resolvable bootstrap urls")) {
                throw new Failure("cannot resolve any address of Kafka at " + servers + " ("
                        + StreamrecOptions.BOOTSTRAP_SERVERS.key() + ")", e);
            }
            // a kafka.properties.* setting the client refuses
            throw new Failure("cannot create a Kafka client for " + servers + " ("
                    + StreamrecOptions.BOOTSTRAP_SERVERS.key() + ", " + StreamrecConfig.KAFKA_PROPERTIES + "*): "
                    + oneLine(rootMessage(e)), e);
        }
        try {
            try {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes()
                        .get(remainingMs(deadline) + 1000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw kafkaFailure(e, servers, timeout, null, null);
            }
            Map<String, ConfigOption<String>> topics = new LinkedHashMap<>();
            for (ConfigOption<String> o : List.of(StreamrecOptions.TOPIC_EVENTS, StreamrecOptions.TOPIC_ITEMS,
                    StreamrecOptions.TOPIC_RECOMMENDATIONS, StreamrecOptions.TOPIC_DLQ,
                    StreamrecOptions.TOPIC_FEEDBACK)) {
                if (!conf.get(o).isEmpty()) { // only topic.feedback may be empty (not written)
                    topics.putIfAbsent(conf.get(o), o);
                }
            }
            int left = (int) Math.max(1, remainingMs(deadline));
            Map<String, KafkaFuture<org.apache.kafka.clients.admin.TopicDescription>> described = admin
                    .describeTopics(topics.keySet(), new DescribeTopicsOptions().timeoutMs(left))
                    .topicNameValues();
            for (Map.Entry<String, ConfigOption<String>> t : topics.entrySet()) {
                try {
                    described.get(t.getKey()).get(remainingMs(deadline) + 1000, TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    throw kafkaFailure(e, servers, timeout, t.getKey(), t.getValue());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("interrupted while checking Kafka at " + servers, e);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static Failure kafkaFailure(Exception e, String servers, Duration timeout, String topic,
                                        ConfigOption<String> topicOption) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String what = topic == null ? "" : " while describing topic '" + topic + "' (" + topicOption.key() + ")";
        if (cause instanceof UnknownTopicOrPartitionException) {
            return new Failure("topic '" + topic + "' (" + topicOption.key() + ") does not exist on " + servers, e);
        }
        if (cause instanceof AuthenticationException) {
            return new Failure("Kafka at " + servers + " refused the credentials (" + StreamrecConfig.KAFKA_PROPERTIES
                    + "*): " + oneLine(rootMessage(cause)), e);
        }
        if (cause instanceof AuthorizationException) {
            return new Failure("Kafka at " + servers + " did not authorize the client" + what + " ("
                    + StreamrecConfig.KAFKA_PROPERTIES + "*): " + oneLine(rootMessage(cause)), e);
        }
        if (cause instanceof TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new Failure("cannot reach Kafka at " + servers + " within " + human(timeout) + what + " ("
                    + StreamrecOptions.BOOTSTRAP_SERVERS.key() + ")", e);
        }
        return new Failure("Kafka at " + servers + " failed the start-up check" + what + ": "
                + oneLine(rootMessage(cause)), e);
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** 30 s, 1500 ms, 2 min: how a person writes the timeout. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
