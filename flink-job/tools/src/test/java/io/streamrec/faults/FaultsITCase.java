package io.streamrec.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default suite's share of {@code streamrec faults}: the job jar on a real standalone cluster (ZooKeeper, a
 * JobManager and two TaskManagers as separate JVMs, a broker in its own), a TaskManager killed mid-stream in
 * exactly-once mode, a savepoint of the previous release restored into this one, a bundle rewritten file by file
 * under the running job, and five resubmissions. The other scenarios (at-least-once kill, JobManager restart, broker
 * restart, twenty resubmissions) run with {@code bin/streamrec faults} (docs/RELIABILITY.md). A second cluster
 * runs the exactly-once kill with Flink's changelog state backend, which docs/CLUSTER.md offers for shorter checkpoint
 * stalls: its restore path is covered here.
 */
class FaultsITCase {
    @TempDir
    Path work;

    @Test
    void theJobKeepsItsPromisesOnARealClusterUnderFaults() throws Exception {
        Path root = Path.of(System.getProperty("streamrec.repo.root", "../..")).toAbsolutePath().normalize();
        boolean previousAvailable = new ProcessBuilder("git", "-C", root.toString(), "cat-file", "-e",
                FaultsCommand.PREVIOUS_RELEASE + "^{commit}").start().waitFor() == 0;
        List<String> scenarios = previousAvailable ? List.of("tm-kill-eo", "upgrade", "bundle-swap", "resubmit")
                : List.of("tm-kill-eo", "bundle-swap", "resubmit"); // a shallow clone lacks the previous release
        FaultReport report = FaultsCommand.execute(new FaultsCommand.Plan(root,
                root.resolve("flink-job/cluster/target/lib"), root.resolve("flink-job/target/streamrec-job.jar"),
                root.resolve("model-export/bundles/default"), scenarios, 100, Duration.ofSeconds(8),
                Duration.ofSeconds(10), 5, null, FaultsCommand.PREVIOUS_RELEASE, work, false,
                Map.of()));
        System.out.print(report.render());

        for (Scenarios.Result r : report.results()) {
            Ledger.Check c = r.check();
            assertTrue(c.produced() > 1_000, r.name() + ": traffic flowed: " + c);
            assertEquals(0, c.lost(), r.name() + ": no event without a list");
            assertEquals(0, c.doubled(), r.name() + ": no state update applied twice");
            assertEquals(0, c.repeats(), r.name() + ": a read_committed consumer reads each list once");
            assertEquals(0, c.gaps(), r.name() + ": every user's seq is 1..n");
            assertEquals(0, c.countMismatches(), r.name() + ": every user's seq counts their distinct events");
        }
        Scenarios.Result kill = report.results().get(0);
        assertTrue(kill.recoveryMs() >= 0, "lists for events sent after the kill"); // its time: docs/RELIABILITY.md
        assertTrue(kill.restarts() >= 1, "the kill was a failure the job recovered from");

        ClusterChecks.Swap swap = report.swap();
        assertTrue(swap.switchMs() >= 0, "every subtask switched to the new bundle");
        assertEquals(0, swap.staleAfterSwitch(), "no list from the old bundle after the switch");
        assertTrue(swap.listsByVersion().keySet().equals(java.util.Set.of(swap.from(), swap.to())),
                "lists come from the old or the new bundle only: " + swap.listsByVersion());
        assertEquals(0, swap.check().lost());

        for (ClusterChecks.Footprint f : report.footprints()) {
            assertTrue(f.ortCopies() <= 1, "one ONNX Runtime native copy per TaskManager: " + f);
        }
        long firstMeta = report.footprints().stream().filter(f -> f.submission() == 1)
                .mapToLong(ClusterChecks.Footprint::metaspaceKb).sum();
        long lastMeta = report.footprints().stream().filter(f -> f.submission() == 5)
                .mapToLong(ClusterChecks.Footprint::metaspaceKb).sum();
        assertTrue(lastMeta - firstMeta < 16 * 1024, "metaspace flat across resubmissions: " + firstMeta
                + " KB after the first, " + lastMeta + " KB after the fifth");
        assertTrue(noProcessMentions(work), "every process it started was stopped");
    }

    @Test
    void aTaskManagerKillRestoresFromChangelogCheckpointsWithNothingLostOrDoubled() throws Exception {
        Path root = Path.of(System.getProperty("streamrec.repo.root", "../..")).toAbsolutePath().normalize();
        Path dstl = work.resolve("changelog");
        Map<String, String> changelog = Map.of("state.changelog.enabled", "true",
                "state.changelog.storage", "filesystem",
                "state.changelog.dstl.dfs.base-path", dstl.toUri().toString());
        FaultReport report = FaultsCommand.execute(new FaultsCommand.Plan(root,
                root.resolve("flink-job/cluster/target/lib"), root.resolve("flink-job/target/streamrec-job.jar"),
                root.resolve("model-export/bundles/default"), List.of("tm-kill-eo"), 100, Duration.ofSeconds(8),
                Duration.ofSeconds(10), 1, null, FaultsCommand.PREVIOUS_RELEASE, work.resolve("run"), false,
                changelog));
        System.out.print(report.render());

        Scenarios.Result kill = report.results().get(0);
        assertTrue(kill.holds(), "nothing lost, doubled or read twice: " + kill.check());
        assertTrue(kill.check().produced() > 1_000, "traffic flowed: " + kill.check());
        assertTrue(kill.restarts() >= 1 && kill.recoveryMs() >= 0, "the job recovered from the kill");
        // the storage deletes a job's change files when it ends; its per-job folder stays behind
        try (var dirs = java.nio.file.Files.list(dstl)) {
            assertTrue(dirs.anyMatch(java.nio.file.Files::isDirectory),
                    "the job kept its state changes in the changelog storage under " + dstl);
        }
        assertTrue(noProcessMentions(work), "every process it started was stopped");
    }

    /** True if no process's command line names {@code dir} (the broker's, ZooKeeper's and Flink's all do). */
    private static boolean noProcessMentions(Path dir) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", dir.toString()).start();
        p.waitFor(10, TimeUnit.SECONDS);
        return p.getInputStream().readAllBytes().length == 0;
    }
}
