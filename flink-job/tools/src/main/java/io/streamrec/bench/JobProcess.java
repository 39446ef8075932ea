package io.streamrec.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The job in a JVM of its own ({@code streamrec job}), as a deployment runs it: on a TaskManager, apart from the
 * shop's producers and the storefront's consumers. The latency runs' load generator and consumer would otherwise
 * share the job's heap, garbage collector and safepoints, which no production job does.
 *
 * <p>The child gets this JVM's own flags (heap, stack size, collector, module opens, {@code JAVA_OPTS}) and class
 * path, so both JVMs run the same build with the same settings. Its output goes to a log file, named if it fails.
 */
final class JobProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    /** Stops the child if this JVM exits first (Ctrl-C, a failure): an orphaned job would keep a core busy. */
    private final Thread stopOnExit;

    private JobProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.stopOnExit = new Thread(process::destroyForcibly, "stop-bench-job-jvm");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /** Starts {@code streamrec job} with {@code conf} as its options. */
    static JobProcess start(Map<String, String> conf) throws IOException {
        List<String> cmd = javaCommand(ManagementFactory.getRuntimeMXBean().getInputArguments(),
                "io.streamrec.launcher.Main");
        cmd.add("job");
        conf.forEach((k, v) -> {
            cmd.add("--" + k);
            cmd.add(v);
        });
        Path log = Files.createTempFile("streamrec-bench-job-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new JobProcess(p, log);
    }

    /** A command line that runs {@code mainClass} with this JVM's executable, class path and {@code jvmFlags}. */
    static List<String> javaCommand(List<String> jvmFlags, String mainClass) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        return cmd;
    }

    /** Throws, naming the log, if the job's JVM has exited. */
    void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("the job's JVM exited with status " + process.exitValue()
                    + "; its output is in " + log);
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Stops the job's JVM (SIGTERM, so Flink's shutdown hooks run; killed after 30 s). */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
