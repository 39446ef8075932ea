package io.streamrec.kafka;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * {@code streamrec kafka}: a standalone single-node KRaft broker as a child process on this jar's classpath. Formats
 * the storage once ({@code kafka.tools.StorageTool format --standalone}), then runs {@code kafka.Kafka}. For
 * benchmarks and for trying the job against a broker that outlives it.
 */
public final class KafkaCommand implements Command {
    private static final Set<String> OPTIONS = Set.of("dir", "port", "controller-port", "host", "partitions",
            "heap");
    private static final Set<String> FLAGS = Set.of("create-topics", "help");

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String summary() {
        return "run a standalone single-node Kafka broker (KRaft) from this jar";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: streamrec kafka [--dir DIR] [--port 9092] [--controller-port 9093] [--host localhost]",
                "                       [--create-topics [--partitions 4]] [--heap 1g]",
                "",
                "Runs kafka.Kafka in a child JVM until Ctrl-C. DIR (default /tmp/streamrec-kafka) holds",
                "server.properties and the log directory; the storage is formatted on first use and reused after.",
                "  --host H          advertised host name for clients (default localhost)",
                "  --create-topics   once the broker is up, create user-events, item-updates (compacted),",
                "                    recommendations and user-events-dlq if missing",
                "Environment: KAFKA_OPTS, extra JVM options for the broker's JVM (as in Kafka's own scripts),",
                "e.g. KAFKA_OPTS='-Xlog:gc:file=/tmp/broker-gc.log:time'. The broker runs G1 (Kafka's settings) unless",
                "KAFKA_OPTS names another collector, e.g. KAFKA_OPTS=-XX:+UseZGC.");
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv, OPTIONS, FLAGS); // --help is answered by Main
        Path dir = Path.of(a.get("dir", "/tmp/streamrec-kafka")).toAbsolutePath();
        int port = a.getInt("port", 9092, 1);
        int controllerPort = a.getInt("controller-port", 9093, 1);
        if (port > 65535 || controllerPort > 65535 || port == controllerPort) {
            throw new Args.UsageException("option --port/--controller-port must be distinct ports <= 65535");
        }
        String host = a.get("host", "localhost");
        int partitions = a.getInt("partitions", 4, 1);
        String heap = a.get("heap", "1g");
        if (!heap.matches("\\d+[kmgKMG]?")) {
            throw new Args.UsageException("option --heap needs a size like 1g or 512m, got '" + heap + "'");
        }
        String extra = System.getenv("KAFKA_OPTS"); // as Kafka's own scripts: extra JVM options for the broker
        List<String> extraOpts = extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
        KafkaServerProcess broker = new KafkaServerProcess(dir, port, controllerPort, host,
                KafkaServerProcess.defaultJvmOptions(heap, extraOpts), null);
        Thread hook = new Thread(() -> {
            try {
                broker.stop(); // SIGTERM: a controlled shutdown
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long ms;
        try {
            ms = broker.start();
        } catch (java.io.IOException e) {
            System.err.println("streamrec kafka: " + e.getMessage());
            return 1;
        }
        System.err.printf("streamrec kafka: broker ready at %s:%d after %d ms (pid %d, dir %s)%n", host, port,
                ms, broker.pid(), dir);
        if (a.flag("create-topics")) {
            List<String> created = Topics.createIfMissing("localhost:" + port, Topics.Names.defaults(), partitions,
                    (short) 1);
            System.err.println("streamrec kafka: created topics " + created);
        }
        int rc = broker.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        return rc;
    }
}
