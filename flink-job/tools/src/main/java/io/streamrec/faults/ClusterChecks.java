package io.streamrec.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.LiveProducer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The two cluster checks that are not about lost events: what repeated submissions leave behind in a TaskManager
 * (metaspace, resident memory, mapped copies of ONNX Runtime's native library), and a model bundle replaced on the
 * cluster's file system while traffic flows.
 */
final class ClusterChecks {
    private static final Pattern METASPACE = Pattern.compile("Metaspace\\s+used (\\d+)K");
    /** The Java heap's address range, as {@code GC.heap_info} prints it: {@code [0x…, 0x…)}. */
    private static final Pattern HEAP_RANGE = Pattern.compile("heap.*\\[0x([0-9a-f]+), 0x([0-9a-f]+)\\)");

    /** One TaskManager's footprint after a submission was cancelled and a full GC ran. */
    record Footprint(int submission, long pid, long metaspaceKb, long heapRssKb, long rssKb, int ortCopies) {
        /** Resident memory outside the Java heap: metaspace, thread stacks, code, native libraries and their memory. */
        long offHeapKb() {
            return rssKb - heapRssKb;
        }
    }

    /** What the bundle swap saw: lists per model version, the switch time, and the reload attempts refused. */
    record Swap(String from, String to, Map<String, Long> listsByVersion, long switchMs, long staleAfterSwitch,
                List<String> refusals, Ledger.Check check) {}

    private final FaultEnv env;
    private final FaultEnv.Progress progress;

    ClusterChecks(FaultEnv env, FaultEnv.Progress progress) {
        this.env = env;
        this.progress = progress;
    }

    /** Submits and cancels the job {@code n} times into the same TaskManagers, measuring them after each. */
    List<Footprint> resubmissions(int n) throws Exception {
        Topics.Names names = env.topics("resubmit");
        List<Footprint> all = new ArrayList<>();
        all.addAll(footprints(0));
        for (int i = 1; i <= n; i++) {
            String jobId = env.cluster.submit(env.jobJar, env.jobArgs(names, "at-least-once", env.bundle), null);
            env.cluster.awaitRunning(jobId, 120_000);
            Thread.sleep(1_000);
            env.cluster.rest().cancel(jobId);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!"CANCELED".equals(env.cluster.rest().jobState(jobId)) && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            List<Footprint> f = footprints(i);
            all.addAll(f);
            progress.say("resubmission %d/%d: %s", i, n, f);
        }
        return all;
    }

    private List<Footprint> footprints(int submission) throws IOException, InterruptedException {
        List<Footprint> out = new ArrayList<>();
        for (long pid : env.cluster.liveTaskManagerPids()) {
            jcmd(pid, "GC.run");
            String heapInfo = jcmd(pid, "GC.heap_info");
            Matcher m = METASPACE.matcher(heapInfo);
            long metaspace = m.find() ? Long.parseLong(m.group(1)) : -1;
            Matcher h = HEAP_RANGE.matcher(heapInfo);
            long heap = h.find() ? residentKb(pid, Long.parseUnsignedLong(h.group(1), 16),
                    Long.parseUnsignedLong(h.group(2), 16)) : 0;
            long rss = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(-1);
            Set<String> ort = new HashSet<>();
            for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"))) {
                if (l.contains("libonnxruntime.so")) {
                    ort.add(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
            out.add(new Footprint(submission, pid, metaspace, heap, rss, ort.size()));
        }
        return out;
    }

    /** The resident kilobytes of the process's mappings that lie within [from, to): for the heap, its resident part. */
    private static long residentKb(long pid, long from, long to) throws IOException {
        long kb = 0;
        boolean inside = false;
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps"))) {
            int dash = l.indexOf('-');
            if (dash > 0 && l.indexOf(' ') > dash && l.substring(0, dash).matches("[0-9a-f]+")) {
                long start = Long.parseUnsignedLong(l.substring(0, dash), 16);
                inside = Long.compareUnsigned(start, from) >= 0 && Long.compareUnsigned(start, to) < 0;
            } else if (inside && l.startsWith("Rss:")) {
                kb += Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return kb;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    /**
     * Runs the job on a bundle folder of its own and, while traffic flows, overwrites that folder file by file with
     * a new version: the manifest first, then each file truncated and written in four parts 75 ms apart (the slow,
     * non-atomic copy a shared file system gives, so the job sees half-written bundles), then waits until every
     * subtask serves the new version.
     */
    Swap bundleSwap(double rate, Duration before, Duration after) throws Exception {
        Path serving = env.work.resolve("bundles").resolve("serving");
        copyBundle(env.bundle, serving, null, 0);
        String from = modelVersion(serving);
        String to = from + "-next";
        Topics.Names names = env.topics("bundle-swap");
        String jobId = env.cluster.submit(env.jobJar, env.jobArgs(names, "exactly-once", serving), null);
        env.cluster.awaitRunning(jobId, 120_000);
        try (Ledger ledger = new Ledger(env.broker.bootstrapServers(), names.recommendations(), true);
             LiveProducer traffic = new LiveProducer(env.broker.bootstrapServers(), Scenarios.simulator("swap"),
                     names.events(), names.items(), rate, 0, null, ledger::sent).start()) {
            Thread.sleep(before.toMillis());
            long t = System.currentTimeMillis();
            copyBundle(env.bundle, serving, to, 300);
            progress.say("bundle-swap: %s overwritten with %s in %d ms", serving, to, System.currentTimeMillis() - t);
            long switched = -1;
            while (System.currentTimeMillis() - t < 60_000) {
                List<String> versions = env.cluster.rest().operatorMetric(jobId, "modelVersion");
                if (!versions.isEmpty() && versions.stream().allMatch(to::equals)) {
                    switched = System.currentTimeMillis() - t;
                    break;
                }
                Thread.sleep(200);
            }
            List<String> refusals = env.cluster.rest().operatorMetric(jobId, "modelReloadFailures");
            progress.say("bundle-swap: every subtask serves %s after %d ms; reload refusals per subtask %s", to,
                    switched, refusals);
            Thread.sleep(after.toMillis());
            traffic.close();
            ledger.awaitAll(Duration.ofSeconds(90));
            Map<String, Long> byVersion = new TreeMap<>();
            long stale = 0;
            long switchAt = t + Math.max(switched, 0);
            for (Ledger.ListRead r : ledger.reads()) {
                byVersion.merge(r.model(), 1L, Long::sum);
                if (!r.model().equals(to) && switched >= 0 && r.readAt() > switchAt + 5_000) {
                    stale++;
                }
            }
            return new Swap(from, to, byVersion, switched, stale, refusals, ledger.check());
        } finally {
            env.cluster.rest().cancel(jobId);
        }
    }

    /** Copies a bundle folder, manifest first, optionally renaming its version and pausing between files. */
    private static void copyBundle(Path from, Path to, String newVersion, long pauseMs) throws Exception {
        Files.createDirectories(to);
        List<Path> files;
        try (Stream<Path> s = Files.list(from)) {
            files = new ArrayList<>(s.sorted().toList());
        }
        files.sort((a, b) -> a.getFileName().toString().equals("manifest.json") ? -1
                : b.getFileName().toString().equals("manifest.json") ? 1 : 0);
        for (Path f : files) {
            Path target = to.resolve(f.getFileName().toString());
            if (f.getFileName().toString().equals("manifest.json") && newVersion != null) {
                ObjectMapper json = new ObjectMapper();
                ObjectNode m = (ObjectNode) json.readTree(f.toFile());
                m.put("model_version", newVersion);
                Files.writeString(target, json.writerWithDefaultPrettyPrinter().writeValueAsString(m));
            } else if (pauseMs > 0) {
                slowCopy(f, target, pauseMs);
            } else {
                Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (pauseMs > 0) {
                Thread.sleep(pauseMs);
            }
        }
    }

    /** Rewrites {@code target} in four parts with pauses between them: for a while it is truncated, half-written. */
    private static void slowCopy(Path source, Path target, long pauseMs) throws Exception {
        byte[] bytes = Files.readAllBytes(source);
        try (var out = Files.newOutputStream(target)) { // truncates
            int step = Math.max(1, (bytes.length + 3) / 4);
            for (int off = 0; off < bytes.length; off += step) {
                out.write(bytes, off, Math.min(step, bytes.length - off));
                out.flush();
                Thread.sleep(pauseMs / 4);
            }
        }
    }

    private static String modelVersion(Path bundle) throws IOException {
        return new ObjectMapper().readTree(bundle.resolve("manifest.json").toFile()).path("model_version").asText();
    }
}
