package io.streamrec.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The bench's handle on the {@link LoadGenerator} running in a JVM of its own: starts it with this JVM's flags and
 * class path but a 2 GiB heap of its own (the simulated world of 1M users is ~0.8 GB, and its GC pauses would count as
 * latency, since every event is clocked from its scheduled time), hands it the producer's settings on stdin (so no
 * secret is on a command line), and asks it for one step of load at a time. Apart from the generator so that the
 * generator's process holds nothing but the schedule and its producer.
 */
final class LoadProcess implements AutoCloseable {
    private final Process process;
    private final Writer toChild;
    private final BufferedReader fromChild;
    private final Path log;
    private final Path appendsDir;
    private final Thread stopOnExit;

    /** One step's result: events sent, and the schedule's start (epoch µs). */
    record Step(int sent, long anchorEpochUs) {
    }

    private LoadProcess(Process process, Path log, Path appendsDir) {
        this.process = process;
        this.log = log;
        this.appendsDir = appendsDir;
        this.toChild = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.fromChild = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.stopOnExit = new Thread(process::destroyForcibly, "stop-bench-load-jvm");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
    }

    /**
     * Starts the generator; returns once it has sent the catalogue snapshot to {@code itemsTopic}.
     *
     * @param recordAppends whether it records the broker's append time of each event (for the latency trace)
     */
    static LoadProcess start(Properties producerConfig, long seed, int users, String eventsTopic, String itemsTopic,
                             int tickUs, boolean recordAppends) throws IOException {
        List<String> flags = new ArrayList<>();
        for (String f : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // not the bench's recording and logging flags: they name files, which two JVMs would write over
            if (!f.startsWith("-Xmx") && !f.startsWith("-Xms") && !f.startsWith("-agentlib:jdwp")
                    && !f.startsWith("-XX:StartFlightRecording") && !f.startsWith("-Xlog:")) {
                flags.add(f);
            }
        }
        flags.add("-Xmx2g"); // the simulated world of 1M users holds ~0.8 GB: room enough that its GC stays short
        List<String> cmd = JobProcess.javaCommand(flags, LoadGenerator.class.getName());
        Path appends = recordAppends ? Files.createTempDirectory("streamrec-bench-appends-") : null;
        cmd.addAll(List.of(Long.toString(seed), Integer.toString(users), Integer.toString(BenchTraffic.items),
                eventsTopic, itemsTopic,
                Integer.toString(tickUs)));
        if (appends != null) {
            cmd.add(appends.toString());
        }
        Path log = Files.createTempFile("streamrec-bench-load-", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        LoadProcess lp = new LoadProcess(p, log, appends);
        StringWriter props = new StringWriter();
        producerConfig.store(props, null);
        lp.toChild.write(props.toString());
        lp.toChild.write(LoadGenerator.PREFIX + "end\n");
        lp.toChild.flush();
        lp.await("ready", 120);
        return lp;
    }

    long pid() {
        return process.pid();
    }

    /** Offers {@code rate} events/s for {@code seconds}; the events' ids start with {@code tag}. Blocks until sent. */
    Step offer(String tag, double rate, double seconds) throws IOException {
        toChild.write(String.format(java.util.Locale.ROOT, "%soffer %s %.3f %.3f%n", LoadGenerator.PREFIX, tag,
                rate, seconds));
        toChild.flush();
        String[] done = await("done", seconds + 120).split(" ");
        return new Step(Integer.parseInt(done[1]), Long.parseLong(done[2]));
    }

    /** The append times the generator recorded for the step {@code tag}: event id → epoch ms (empty if none). */
    java.util.Map<String, Long> appends(String tag) throws IOException {
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        Path f = appendsDir == null ? null : appendsDir.resolve("appended-" + tag + ".csv");
        if (f != null && Files.exists(f)) {
            for (String line : Files.readAllLines(f)) {
                int c = line.lastIndexOf(',');
                if (c > 0) {
                    m.put(line.substring(0, c), Long.parseLong(line.substring(c + 1)));
                }
            }
            Files.delete(f);
        }
        return m;
    }

    /** The last lines of the generator's log (its producer's delays), to print with a step. */
    String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).contains("load producer:")) {
                    return lines.get(i).trim();
                }
            }
        } catch (IOException ignored) {
            // the log is only informative
        }
        return "";
    }

    private String await(String what, double seconds) throws IOException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            if (!fromChild.ready() && !process.isAlive()) {
                throw new IllegalStateException("the load generator's JVM exited with status "
                        + process.exitValue() + "; its output is in " + log);
            }
            if (!fromChild.ready()) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                continue;
            }
            String line = fromChild.readLine();
            if (line != null && line.startsWith(LoadGenerator.PREFIX + what)) {
                return line.substring(LoadGenerator.PREFIX.length());
            }
        }
        throw new IllegalStateException("the load generator did not answer '" + what + "' within " + seconds
                + " s; its output is in " + log);
    }

    /** Asks the generator to quit (killed after 10 s) and deletes its temporary files. */
    @Override
    public void close() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running
        }
        try {
            toChild.write(LoadGenerator.PREFIX + "quit\n");
            toChild.flush();
        } catch (IOException gone) {
            // already exited
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (appendsDir != null) {
            CheckpointBench.deleteRecursively(appendsDir);
        }
    }

    /** Where the generator's own log is, for messages. */
    Path log() {
        return log;
    }

    static void print(PrintStream out, String line) {
        if (!line.isEmpty()) {
            out.println("    " + line);
        }
    }
}
