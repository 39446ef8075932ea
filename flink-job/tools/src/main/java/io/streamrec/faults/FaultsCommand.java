package io.streamrec.faults;

import io.streamrec.cli.Args;
import io.streamrec.cli.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code streamrec faults}: the job on a real standalone Flink cluster (separate JVMs for ZooKeeper, the JobManager
 * and two TaskManagers, and a broker of its own), with faults injected while simulated traffic flows. Prints each
 * scenario's figures and exits non-zero if a promise broke. Everything it starts is stopped at the end.
 */
public final class FaultsCommand implements Command {
    /** Every scenario, in the order they run. */
    static final List<String> ALL = List.of("tm-kill-eo", "tm-kill-alo", "jm-restart", "broker-restart", "upgrade",
            "bundle-swap", "resubmit");
    /**
     * The job whose savepoint {@code upgrade} restores into the current one: the last commit with the previous
     * state format (UserState format 1, no online-feedback operator).
     */
    static final String PREVIOUS_RELEASE = "143a30d";

    private static final Set<String> OPTIONS = Set.of("scenarios", "work", "rate", "before", "after",
            "resubmissions", "previous-jar", "previous-ref", "flink-lib", "job-jar", "bundle", "cluster-conf");
    private static final Set<String> FLAGS = Set.of("keep", "help");

    @Override
    public String name() {
        return "faults";
    }

    @Override
    public String summary() {
        return "run the job on a local multi-process Flink cluster and inject failures";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: streamrec faults [--scenarios " + String.join(",", ALL) + "]",
                "                        [--rate 100] [--before 10s] [--after 20s] [--resubmissions 20]",
                "                        [--previous-jar JAR | --previous-ref " + PREVIOUS_RELEASE + "]",
                "                        [--work DIR] [--keep]",
                "",
                "Starts a KRaft broker, ZooKeeper, a Flink JobManager and two TaskManagers as separate JVMs, submits",
                "the job jar with Flink's CLI frontend (parallelism 2, 2-s checkpoints) and, for each scenario, sends",
                "simulated events at --rate per second, injects the fault after --before, keeps sending for --after,",
                "then checks every list a read_committed consumer read. Scenarios:",
                "  tm-kill-eo, tm-kill-alo  a TaskManager killed with SIGKILL (exactly-once, at-least-once)",
                "  jm-restart               the JobManager killed and restarted (ZooKeeper high availability)",
                "  broker-restart           the broker stopped for 10 s and started again",
                "  upgrade                  stop with a savepoint, then run the current job jar from it; the",
                "                           first job is built from git --previous-ref (or --previous-jar)",
                "  bundle-swap              the model bundle rewritten file by file under the running job",
                "  resubmit                 --resubmissions submit-and-cancel cycles; TaskManager metaspace,",
                "                           resident memory and ONNX Runtime native copies after each",
                "  --flink-lib DIR   the cluster's jars (default flink-job/cluster/target/lib)",
                "  --job-jar JAR     the job (default flink-job/target/streamrec-job.jar)",
                "  --bundle DIR      the model bundle (default model-export/bundles/default)",
                "  --cluster-conf 'k=v;k=v'  config.yaml entries over the cluster's settings, e.g. the changelog",
                "                    state backend (docs/RELIABILITY.md)",
                "  --work DIR        logs, checkpoints and broker data (default a new temporary folder);",
                "                    --keep keeps it",
                "Exit code 1 if any scenario lost or doubled an event.");
    }

    @Override
    public int run(String[] argv) throws Exception {
        Args a = Args.parseOptions(argv, OPTIONS, FLAGS);
        Path root = repoRoot();
        Path lib = Path.of(a.get("flink-lib", root.resolve("flink-job/cluster/target/lib").toString()));
        Path jobJar = Path.of(a.get("job-jar", root.resolve("flink-job/target/streamrec-job.jar").toString()));
        Path bundle = Path.of(a.get("bundle", root.resolve("model-export/bundles/default").toString()));
        for (Path p : List.of(lib, jobJar, bundle)) {
            if (!Files.exists(p)) {
                throw new Args.UsageException(p + " does not exist; build with: mvn -B -q -DskipTests package");
            }
        }
        Set<String> scenarios = new LinkedHashSet<>(Arrays.asList(a.get("scenarios", String.join(",", ALL))
                .split(",")));
        for (String s : scenarios) {
            if (!ALL.contains(s)) {
                throw new Args.UsageException("option --scenarios: unknown scenario '" + s + "'; known: " + ALL);
            }
        }
        double rate = a.getDouble("rate", 100, 1, 100_000);
        Duration before = a.getDuration("before", Duration.ofSeconds(10));
        Duration after = a.getDuration("after", Duration.ofSeconds(20));
        int resubmissions = a.getInt("resubmissions", 20, 1);
        boolean keep = a.flag("keep") || a.has("work");
        Path work = a.has("work") ? Path.of(a.get("work", null)).toAbsolutePath()
                : Files.createTempDirectory("streamrec-faults-");
        FaultReport report = execute(new Plan(root, lib, jobJar, bundle, List.copyOf(scenarios), rate, before,
                after, resubmissions, a.has("previous-jar") ? Path.of(a.get("previous-jar", null)) : null,
                a.get("previous-ref", PREVIOUS_RELEASE), work, keep, a.getPairs("cluster-conf")));
        System.out.print(report.render());
        return report.allHold() ? 0 : 1;
    }

    /** What to run: the parts, the scenarios and their timing. */
    record Plan(Path root, Path lib, Path jobJar, Path bundle, List<String> scenarios, double rate, Duration before,
                Duration after, int resubmissions, Path previousJar, String previousRef, Path work, boolean keep,
                Map<String, String> clusterConf) {}

    /** Starts the broker and the cluster, runs the plan's scenarios in order, stops everything, returns figures. */
    static FaultReport execute(Plan plan) throws Exception {
        FaultEnv.Progress progress = new FaultEnv.Progress();
        Path previous = plan.previousJar();
        if (previous == null && plan.scenarios().contains("upgrade")) {
            previous = PreviousRelease.build(plan.root(), plan.previousRef(), plan.work(), progress);
        }
        FaultReport report = new FaultReport();
        try (FaultEnv env = new FaultEnv(plan.work(), plan.lib(), plan.jobJar(), plan.bundle(),
                plan.clusterConf())) {
            Thread stop = new Thread(() -> {
                try {
                    env.close();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "faults-stop");
            Runtime.getRuntime().addShutdownHook(stop); // Ctrl-C stops the cluster and the broker too
            env.start(progress);
            Scenarios s = new Scenarios(env, progress, plan.rate(), plan.before(), plan.after());
            ClusterChecks checks = new ClusterChecks(env, progress);
            for (String name : plan.scenarios()) {
                progress.say("scenario %s", name);
                switch (name) {
                    case "tm-kill-eo" -> report.add(s.taskManagerKilled("exactly-once"));
                    case "tm-kill-alo" -> report.add(s.taskManagerKilled("at-least-once"));
                    case "jm-restart" -> report.add(s.jobManagerRestarted());
                    case "broker-restart" -> report.add(s.brokerRestarted());
                    case "upgrade" -> report.add(s.savepointUpgrade(previous, plan.jobJar(), "exactly-once"));
                    case "bundle-swap" -> report.swap(checks.bundleSwap(plan.rate(), plan.before(), plan.after()));
                    case "resubmit" -> report.resubmissions(checks.resubmissions(plan.resubmissions()));
                    default -> throw new IllegalStateException(name);
                }
            }
            Runtime.getRuntime().removeShutdownHook(stop);
        } finally {
            if (!plan.keep()) {
                deleteTree(plan.work());
            } else {
                progress.say("logs, checkpoints and data kept in %s", plan.work());
            }
        }
        return report;
    }

    /** The repository this jar was built in: flink-job/tools/target/streamrec.jar is three levels down. */
    static Path repoRoot() {
        try {
            Path jar = Path.of(FaultsCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent().getParent().getParent().getParent();
            return Files.exists(root.resolve("flink-job")) ? root : Path.of("").toAbsolutePath();
        } catch (Exception e) {
            return Path.of("").toAbsolutePath();
        }
    }

    private static void deleteTree(Path dir) throws IOException, InterruptedException {
        new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor(60, TimeUnit.SECONDS);
    }
}
