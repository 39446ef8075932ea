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
        Path props = writeServerProperties(dir, port, controllerPort, host);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        long t0 = System.nanoTime();
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            Process fmt = new ProcessBuilder(java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t", clusterId,
                    "-c", props.toString(), "--standalone").inheritIO().start();
            int rc = fmt.waitFor();
            if (rc != 0) {
                System.err.println("streamrec kafka: storage format failed with exit code " + rc);
                return 1;
            }
        }
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms" + heap, "-Xmx" + heap));
        String extra = System.getenv("KAFKA_OPTS"); // as Kafka's own scripts: extra JVM options for the broker
        List<String> extraOpts = extra == null || extra.isBlank() ? List.of() : List.of(extra.trim().split("\\s+"));
        if (extraOpts.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
            // Kafka's own scripts' collector settings; two collectors on one command line would be a JVM error
            cmd.addAll(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35"));
        }
        cmd.addAll(extraOpts);
        cmd.addAll(List.of("-cp", cp, "kafka.Kafka", props.toString()));
        Process broker = new ProcessBuilder(cmd).inheritIO().start();
        Thread hook = new Thread(() -> {
            broker.destroy(); // SIGTERM: a controlled shutdown
            try {
                broker.waitFor();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!waitForPort("localhost", port, broker, 60_000)) {
            System.err.println("streamrec kafka: the broker did not open port " + port);
            broker.destroy();
            return 1;
        }
        System.err.printf("streamrec kafka: broker ready at %s:%d after %d ms (pid %d, dir %s)%n", host, port,
                (System.nanoTime() - t0) / 1_000_000, broker.pid(), dir);
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

    /** Writes DIR/server.properties for a combined broker+controller node and returns its path. */
    static Path writeServerProperties(Path dir, int port, int controllerPort, String host) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        StringBuilder sb = new StringBuilder();
        sb.append("# Written by streamrec kafka: a single-node KRaft broker (broker + controller).\n");
        sb.append("process.roles=broker,controller\n");
        sb.append("node.id=1\n");
        sb.append("listeners=PLAINTEXT://:").append(port).append(",CONTROLLER://:").append(controllerPort).append('\n');
        sb.append("advertised.listeners=PLAINTEXT://").append(host).append(':').append(port).append('\n');
        sb.append("controller.listener.names=CONTROLLER\n");
        sb.append("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n");
        sb.append("inter.broker.listener.name=PLAINTEXT\n");
        sb.append("controller.quorum.bootstrap.servers=localhost:").append(controllerPort).append('\n');
        sb.append("log.dirs=").append(dir.resolve("data")).append('\n');
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(EmbeddedKafka.singleNodeProps()).entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        Path p = dir.resolve("server.properties");
        Files.writeString(p, sb.toString());
        return p;
    }

    static boolean waitForPort(String host, int port, Process proc, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!proc.isAlive()) {
                return false;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                return true;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        return false;
    }
}
