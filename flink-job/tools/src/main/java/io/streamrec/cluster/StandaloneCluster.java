package io.streamrec.cluster;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Flink session cluster as separate JVMs on this machine, started the way Flink's own scripts start
 * one, from a {@code lib/} folder of Maven Central jars (module {@code flink-job/cluster}): a ZooKeeper for high
 * availability ({@code FlinkZooKeeperQuorumPeer}, as {@code start-zookeeper-quorum.sh}), a JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), each sized by
 * {@code BashJavaUtils} from the same {@code config.yaml}. Jobs are submitted with Flink's CLI frontend, as
 * {@code flink run} does. Processes can be killed ({@code SIGKILL}) and started again to inject faults.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    /**
     * jemalloc for TaskManagers, as Flink's Docker images preload it: with glibc's malloc, RocksDB's and ONNX
     * Runtime's freed native memory stayed resident and grew 1-2 MB per job submission; with jemalloc it was flat.
     */
    private static final Path JEMALLOC = java.util.stream.Stream.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
            "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2").map(Path::of).filter(Files::exists).findFirst()
            .orElse(null);

    private final Path work;
    private final Path lib;
    private final Path conf;
    private final Path logs;
    private final int restPort;
    private final int zkPort;
    private final List<String> addOpens;
    private Process zookeeper;
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int started;
    private final Map<String, List<String>> resourceParams = new java.util.HashMap<>();

    /**
     * @param lib the cluster's jars (Flink, Log4j, ONNX Runtime)
     * @param settings config.yaml entries over the defaults below (checkpointing, heartbeats, ...)
     */
    public StandaloneCluster(Path work, Path lib, int slotsPerTaskManager, Map<String, String> settings)
            throws IOException {
        this.work = work.toAbsolutePath();
        this.lib = lib.toAbsolutePath();
        this.conf = this.work.resolve("conf");
        this.logs = this.work.resolve("log");
        Files.createDirectories(conf);
        Files.createDirectories(logs);
        this.restPort = freePort();
        this.zkPort = freePort();
        this.addOpens = moduleFlags();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.rpc.port", Integer.toString(freePort()));
        c.put("jobmanager.bind-host", "localhost");
        c.put("taskmanager.bind-host", "localhost");
        c.put("taskmanager.host", "localhost");
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "localhost");
        c.put("rest.port", Integer.toString(restPort));
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slotsPerTaskManager));
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("taskmanager.memory.process.size", "1536m");
        c.put("taskmanager.memory.managed.fraction", "0.15");
        c.put("classloader.parent-first-patterns.additional", "ai.onnxruntime");
        c.put("high-availability.type", "zookeeper");
        c.put("high-availability.zookeeper.quorum", "localhost:" + zkPort);
        c.put("high-availability.storageDir", this.work.resolve("ha").toUri().toString());
        c.put("high-availability.cluster-id", "/streamrec-faults");
        // a killed JobManager's leadership ends with its ZooKeeper session: 10 s instead of Flink's 60 s
        c.put("high-availability.zookeeper.client.session-timeout", "10000");
        c.put("io.tmp.dirs", this.work.resolve("tmp").toString());
        c.put("web.tmpdir", this.work.resolve("tmp").toString());
        c.putAll(settings);
        StringBuilder yaml = new StringBuilder("# Written by streamrec faults.\n");
        c.forEach((k, v) -> yaml.append(k).append(": ").append(v.contains(":") || v.contains("#") ? quote(v) : v)
                .append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml.toString());
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO", "rootLogger.appenderRef.out.ref = out",
                "appender.out.type = Console", "appender.out.name = out",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n", ""));
        Files.writeString(conf.resolve("zoo.cfg"), String.join("\n", "tickTime=2000", "initLimit=10",
                "syncLimit=5", "dataDir=" + this.work.resolve("zookeeper"), "clientPort=" + zkPort,
                "server.1=localhost:" + freePort() + ":" + freePort(), ""));
        Files.createDirectories(this.work.resolve("tmp"));
    }

    private static String quote(String v) {
        return "'" + v.replace("'", "''") + "'";
    }

    public FlinkRest rest() {
        return new FlinkRest("localhost", restPort);
    }

    /** Starts ZooKeeper, the JobManager and {@code taskManagers} TaskManagers; waits until all have registered. */
    public void start(int taskManagers) throws IOException, InterruptedException {
        zookeeper = launch("zookeeper", List.of("-Xmx256m"),
                "org.apache.flink.runtime.zookeeper.FlinkZooKeeperQuorumPeer",
                List.of("--zkConfigFile", conf.resolve("zoo.cfg").toString(), "--peerId", "1"));
        startJobManager();
        for (int i = 0; i < taskManagers; i++) {
            startTaskManager();
        }
        awaitTaskManagers(taskManagers, 90_000);
    }

    public void startJobManager() throws IOException, InterruptedException {
        List<String> p = resourceParams("GET_JM_RESOURCE_PARAMS");
        jobManager = launch("jobmanager", List.of(p.get(0).split(" ")),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                withConfDir(dynamic(p.get(1))));
        FlinkRest rest = rest();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!rest.isUp()) {
            if (!jobManager.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IOException("the JobManager's REST endpoint did not come up; see " + logs);
            }
            Thread.sleep(200);
        }
    }

    /** Starts one more TaskManager and returns its index. */
    public int startTaskManager() throws IOException, InterruptedException {
        List<String> p = resourceParams("GET_TM_RESOURCE_PARAMS");
        List<String> jvm = new ArrayList<>(List.of(p.get(0).split(" ")));
        jvm.addAll(List.of("-Xss16m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=10"));
        int index = taskManagers.size();
        List<String> args = new ArrayList<>(dynamic(p.get(1)));
        args.addAll(List.of("-D", "taskmanager.resource-id=" + resourceId(index))); // the id REST reports
        ProcessBuilder pb = command("org.apache.flink.runtime.taskexecutor.TaskManagerRunner", jvm,
                withConfDir(args));
        if (JEMALLOC != null && !pb.environment().containsKey("LD_PRELOAD")) {
            pb.environment().put("LD_PRELOAD", JEMALLOC.toString());
        }
        taskManagers.add(pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                logs.resolve("taskmanager-" + index + ".log").toFile())).start());
        return index;
    }

    /** The resource id TaskManager {@code index} registers with, as the REST API names it. */
    public static String resourceId(int index) {
        return "tm-" + index;
    }

    /** The index of a live TaskManager running tasks of the job, or -1. */
    public int taskManagerRunning(String jobId) throws IOException, InterruptedException {
        FlinkRest rest = rest();
        for (var v : rest.get("/jobs/" + jobId).path("vertices")) {
            for (var tm : rest.get("/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/taskmanagers")
                    .path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                for (int i = 0; i < taskManagers.size(); i++) {
                    if (id.equals(resourceId(i)) && taskManagers.get(i).isAlive()) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** Waits until exactly {@code n} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int n, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        FlinkRest rest = rest();
        while (true) {
            try {
                if (rest.registeredTaskManagers() == n) {
                    return;
                }
            } catch (IOException e) {
                // the JobManager is still starting
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException(n + " TaskManagers did not register within " + timeoutMs / 1000 + " s; see "
                        + logs);
            }
            Thread.sleep(250);
        }
    }

    /** Kills TaskManager {@code i} with SIGKILL: no shutdown hook, no goodbye to the JobManager. */
    public void killTaskManager(int i) throws InterruptedException {
        Process p = taskManagers.get(i);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    /** Kills the JobManager with SIGKILL. */
    public void killJobManager() throws InterruptedException {
        jobManager.destroyForcibly();
        jobManager.waitFor(10, TimeUnit.SECONDS);
    }

    public long taskManagerPid(int i) {
        return taskManagers.get(i).pid();
    }

    public List<Long> liveTaskManagerPids() {
        return taskManagers.stream().filter(Process::isAlive).map(Process::pid).toList();
    }

    /**
     * Submits a job jar with Flink's CLI frontend ({@code flink run -d [-s savepoint] jar args}) and returns the
     * job id it prints. The job's {@code main} runs in the client JVM, as under {@code flink run}.
     */
    public String submit(Path jar, List<String> args, String savepoint) throws IOException, InterruptedException {
        List<String> cli = new ArrayList<>(List.of("run", "-d"));
        if (savepoint != null) {
            cli.addAll(List.of("-s", savepoint));
        }
        cli.add(jar.toAbsolutePath().toString());
        cli.addAll(args);
        Path out = logs.resolve("submit-" + (++started) + ".log");
        Process p = command("org.apache.flink.client.cli.CliFrontend", List.of("-Xmx512m", "-Xss16m"), cli)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("flink run did not return within 180 s; see " + out);
        }
        String text = Files.readString(out);
        Matcher m = JOB_ID.matcher(text);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IOException("flink run failed (exit " + p.exitValue() + "); see " + out);
        }
        return m.group(1);
    }

    /** Waits until the job is RUNNING with all its tasks deployed; returns the ms waited. */
    public long awaitRunning(String jobId, long timeoutMs) throws IOException, InterruptedException {
        long t0 = System.currentTimeMillis();
        FlinkRest rest = rest();
        while (System.currentTimeMillis() - t0 < timeoutMs) {
            try {
                var job = rest.get("/jobs/" + jobId);
                boolean allRunning = "RUNNING".equals(job.path("state").asText());
                for (var v : job.path("vertices")) {
                    allRunning &= "RUNNING".equals(v.path("status").asText());
                }
                if (allRunning) {
                    return System.currentTimeMillis() - t0;
                }
            } catch (IOException e) {
                // not known yet (a recovering JobManager)
            }
            Thread.sleep(200);
        }
        throw new IOException("job " + jobId + " was not RUNNING within " + timeoutMs / 1000 + " s; see " + logs);
    }

    /**
     * The JVM flags and dynamic memory properties BashJavaUtils computes for a JobManager or TaskManager, computed
     * once per kind: the configuration does not change, and a restarted process starts as fast as a supervisor
     * (systemd, Kubernetes) would start it.
     */
    private List<String> resourceParams(String which) throws IOException, InterruptedException {
        List<String> cached = resourceParams.get(which);
        if (cached == null) {
            cached = computeResourceParams(which);
            resourceParams.put(which, cached);
        }
        return cached;
    }

    private List<String> computeResourceParams(String which) throws IOException, InterruptedException {
        Path out = logs.resolve("bash-java-utils.log");
        Process p = command("org.apache.flink.runtime.util.bash.BashJavaUtils", List.of("-Xmx128m"),
                List.of(which, "--configDir", conf.toString())).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        p.waitFor(60, TimeUnit.SECONDS);
        List<String> results = Files.readAllLines(out).stream()
                .filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length()).trim()).toList();
        if (results.size() < 2) {
            throw new IOException("BashJavaUtils " + which + " gave no memory settings; see " + out);
        }
        return results.subList(results.size() - 2, results.size());
    }

    private static List<String> dynamic(String line) {
        return line.isBlank() ? List.of() : List.of(line.trim().split(" "));
    }

    private Process launch(String name, List<String> jvm, String main, List<String> args) throws IOException {
        return command(main, jvm, args).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile())).start();
    }

    private List<String> withConfDir(List<String> args) {
        List<String> full = new ArrayList<>(List.of("--configDir", conf.toString()));
        full.addAll(args);
        return full;
    }

    /** The allocator TaskManagers run with: "jemalloc" when Debian's libjemalloc2 is installed, else "glibc". */
    public static String taskManagerAllocator() {
        return JEMALLOC != null ? "jemalloc" : "glibc";
    }

    private ProcessBuilder command(String main, List<String> jvm, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.addAll(addOpens);
        cmd.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        cmd.addAll(List.of("-cp", lib + "/*", main));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("FLINK_CONF_DIR", conf.toString());
        return pb;
    }

    /** Flink's Java 17 module flags, as this JVM was given them ({@code bin/streamrec} and the test runner do). */
    private static List<String> moduleFlags() {
        List<String> flags = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports")) {
                flags.add(a);
            }
        }
        return flags;
    }

    /** A port free on this machine now (the OS picks it). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Stops every process this cluster started: TaskManagers, the JobManager, then ZooKeeper. */
    @Override
    public void close() throws InterruptedException {
        List<Process> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        all.add(zookeeper);
        for (Process p : all) {
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Process p : all) {
            if (p != null && !p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
