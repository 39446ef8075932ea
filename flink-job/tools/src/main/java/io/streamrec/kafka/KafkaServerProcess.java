package io.streamrec.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker (broker and controller in one) in a child JVM running {@code kafka.Kafka} from this
 * jar's class path: what {@code streamrec kafka} runs and what the fault scenarios stop and start again. The storage
 * in {@code dir} is formatted once and reused, so a restarted broker keeps its topics, offsets and transactions.
 */
public final class KafkaServerProcess implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final String host;
    private final List<String> jvmOptions;
    /** Where the broker's output goes; null = inherit this process's. */
    private final Path log;
    private Process process;

    /**
     * @param jvmOptions heap and collector flags for the broker's JVM
     * @param log file for the broker's output, appended to across restarts; null to inherit this process's output
     */
    public KafkaServerProcess(Path dir, int port, int controllerPort, String host, List<String> jvmOptions, Path log) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.host = host;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = log;
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    /** Formats the storage if it is new, starts the broker and waits up to 60 s for its port; returns the ms taken. */
    public long start() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path props = writeServerProperties(dir, port, controllerPort, host);
        String java = javaBinary();
        String cp = System.getProperty("java.class.path");
        if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
            ProcessBuilder fmt = new ProcessBuilder(java, "-cp", cp, "kafka.tools.StorageTool", "format", "-t",
                    Uuid.randomUuid().toString(), "-c", props.toString(), "--standalone");
            int rc = redirect(fmt).start().waitFor();
            if (rc != 0) {
                throw new IOException("formatting the broker's storage in " + dir + " failed with exit code " + rc);
            }
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", cp, "kafka.Kafka", props.toString()));
        process = redirect(new ProcessBuilder(cmd)).start();
        if (!waitForPort("localhost", port, process, 60_000)) {
            process.destroyForcibly();
            throw new IOException("the broker did not open port " + port + (log == null ? "" : "; see " + log));
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private ProcessBuilder redirect(ProcessBuilder pb) {
        if (log == null) {
            return pb.inheritIO();
        }
        return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Blocks until the broker exits; returns its exit code. */
    public int waitFor() throws InterruptedException {
        return process.waitFor();
    }

    /** A controlled shutdown (SIGTERM), as an operator's restart does; killed if it takes over 60 s. */
    public void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Writes DIR/server.properties for a combined broker+controller node and returns its path. */
    static Path writeServerProperties(Path dir, int port, int controllerPort, String host) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        StringBuilder sb = new StringBuilder();
        sb.append("# Written by streamrec: a single-node KRaft broker (broker + controller).\n");
        sb.append("process.roles=broker,controller\n");
        sb.append("node.id=1\n");
        sb.append("listeners=PLAINTEXT://:").append(port).append(",CONTROLLER://:").append(controllerPort).append('\n');
        sb.append("advertised.listeners=PLAINTEXT://").append(host).append(':').append(port).append('\n');
        sb.append("controller.listener.names=CONTROLLER\n");
        sb.append("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n");
        sb.append("inter.broker.listener.name=PLAINTEXT\n");
        sb.append("controller.quorum.bootstrap.servers=localhost:").append(controllerPort).append('\n');
        sb.append("log.dirs=").append(dir.resolve("data")).append('\n');
        for (Map.Entry<String, String> e : new TreeMap<>(EmbeddedKafka.singleNodeProps()).entrySet()) {
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

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Kafka's own scripts' collector settings, unless {@code extra} names a collector. */
    public static List<String> defaultJvmOptions(String heap, List<String> extra) {
        List<String> opts = new ArrayList<>(List.of("-Xms" + heap, "-Xmx" + heap));
        if (extra.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
            opts.addAll(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35"));
        }
        opts.addAll(extra);
        return opts;
    }

}
