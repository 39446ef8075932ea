package io.streamrec.faults;

import io.streamrec.cluster.StandaloneCluster;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.LiveProducer;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The traffic-and-fault scenarios: each submits the job to the cluster on topics of its own, sends simulated
 * shoppers' events (with some malformed records and duplicates) at a steady rate, injects its fault mid-stream, keeps
 * sending, then waits for the job to list every event and checks the {@link Ledger}.
 */
final class Scenarios {
    /** A fault injected at a moment; returns a note for the report and the time recovery is measured from. */
    interface Fault {
        Injected inject(String jobId) throws Exception;
    }

    /** What a fault did, and when the system was whole again but for the job (the kill, or the broker's return). */
    record Injected(String note, long since) {}

    /** One scenario's figures. */
    record Result(String name, String guarantee, long recoveryMs, long caughtUpMs, long restarts, Ledger.Check check,
                  String note) {
        boolean exactlyOnce() {
            return guarantee.equals("exactly-once");
        }

        /** The promises: nothing lost or doubled, seqs whole and counts exact; no list read twice in exactly-once. */
        boolean holds() {
            return check.lost() == 0 && check.doubled() == 0 && check.gaps() == 0 && check.countMismatches() == 0
                    && (!exactlyOnce() || check.repeats() == 0);
        }
    }

    private final FaultEnv env;
    private final FaultEnv.Progress progress;
    private final double rate;
    private final Duration before;
    private final Duration after;

    Scenarios(FaultEnv env, FaultEnv.Progress progress, double rate, Duration before, Duration after) {
        this.env = env;
        this.progress = progress;
        this.rate = rate;
        this.before = before;
        this.after = after;
    }

    /** A TaskManager killed with SIGKILL; a replacement is started once the job serves again. */
    Result taskManagerKilled(String guarantee) throws Exception {
        String name = "tm-kill-" + (guarantee.equals("exactly-once") ? "eo" : "alo");
        return run(name, guarantee, env.jobJar, jobId -> {
            int tm = env.cluster.taskManagerRunning(jobId);
            if (tm < 0) {
                throw new IllegalStateException("no live TaskManager runs tasks of job " + jobId);
            }
            long pid = env.cluster.taskManagerPid(tm);
            long at = System.currentTimeMillis();
            env.cluster.killTaskManager(tm);
            return new Injected("killed TaskManager " + StandaloneCluster.resourceId(tm) + " (pid " + pid
                    + "), which ran tasks of the job", at);
        }, () -> {
            env.cluster.startTaskManager();
            env.cluster.awaitTaskManagers(2, 60_000);
        });
    }

    /** The JobManager killed with SIGKILL and started again; ZooKeeper HA hands it the running job. */
    Result jobManagerRestarted() throws Exception {
        return run("jm-restart", "exactly-once", env.jobJar, jobId -> {
            long at = System.currentTimeMillis();
            env.cluster.killJobManager();
            env.cluster.startJobManager();
            long waited = env.cluster.awaitRunning(jobId, 120_000);
            return new Injected("JobManager killed and started again at once; job " + jobId + " RUNNING again "
                    + waited + " ms after the new JobManager's REST endpoint answered", at);
        }, null);
    }

    /** The broker stopped (a controlled shutdown) for 10 s and started again on the same storage. */
    Result brokerRestarted() throws Exception {
        return run("broker-restart", "exactly-once", env.jobJar, jobId -> {
            env.broker.stop();
            Thread.sleep(10_000);
            long ms = env.broker.start();
            return new Injected("broker stopped for 10 s, listening again " + ms + " ms after its start; recovery"
                    + " counted from then", System.currentTimeMillis());
        }, null);
    }

    /**
     * The job is run and stopped, and run again: the same traffic before and after, one {@link Ledger} across both.
     * {@code first} runs before the fault; the fault stops it with a savepoint and submits {@code next} from it.
     */
    Result savepointUpgrade(Path first, Path next, String guarantee) throws Exception {
        String[] savepoint = new String[1];
        return run("upgrade", guarantee, first, jobId -> {
            savepoint[0] = env.cluster.rest().stopWithSavepoint(jobId,
                    env.work.resolve("savepoints").toUri().toString());
            progress.say("savepoint %s", savepoint[0]);
            return new Injected("stopped with savepoint " + savepoint[0] + " and resubmitted from it",
                    System.currentTimeMillis());
        }, null, (names, sp) -> env.cluster.submit(next, env.jobArgs(names, guarantee, env.bundle), savepoint[0]));
    }

    /** Starts the follow-up job of a fault that stopped the first one; null = the first job keeps running. */
    interface Resubmit {
        String submit(Topics.Names names, String savepoint) throws Exception;
    }

    /** Runs after the figures are taken (restoring capacity for the next scenario). */
    interface Cleanup {
        void run() throws Exception;
    }

    private Result run(String name, String guarantee, Path jar, Fault fault, Cleanup cleanup) throws Exception {
        return run(name, guarantee, jar, fault, cleanup, null);
    }

    private Result run(String name, String guarantee, Path jar, Fault fault, Cleanup cleanup, Resubmit resubmit)
            throws Exception {
        boolean eo = guarantee.equals("exactly-once");
        Topics.Names names = env.topics(name);
        String jobId = env.cluster.submit(jar, env.jobArgs(names, guarantee, env.bundle), null);
        long running = env.cluster.awaitRunning(jobId, 120_000);
        progress.say("%s: job %s RUNNING %d ms after submission", name, jobId, running);
        try (Ledger ledger = new Ledger(env.broker.bootstrapServers(), names.recommendations(), eo);
             LiveProducer traffic = new LiveProducer(env.broker.bootstrapServers(), simulator(name), names.events(),
                     names.items(), rate, 0, null, ledger::sent).start()) {
            Thread.sleep(before.toMillis());
            long restartsBefore = env.cluster.rest().failures(jobId);
            Injected injected = fault.inject(jobId);
            long t = injected.since();
            String note = injected.note();
            progress.say("%s: %s", name, note);
            if (resubmit != null) {
                jobId = resubmit.submit(names, null);
                progress.say("%s: resubmitted as job %s, RUNNING after %d ms", name, jobId,
                        env.cluster.awaitRunning(jobId, 120_000));
                restartsBefore = 0;
            }
            Thread.sleep(after.toMillis());
            traffic.close();
            boolean all = ledger.awaitAll(Duration.ofSeconds(90));
            long recovery = ledger.firstNewListAfter(t);
            long caughtUp = ledger.caughtUpAfter(t, eo ? 5_000 : 2_000);
            long restarts = env.cluster.rest().failures(jobId) - restartsBefore;
            Ledger.Check c = ledger.check();
            if (resubmit != null) {
                note += "; " + ledger.usersAcross(t) + " users had lists for events sent before and after it";
            }
            progress.say("%s: %s%s", name, c, all ? "" : " (not every event was listed within 90 s)");
            return new Result(name, guarantee, recovery, caughtUp, restarts, c, note);
        } finally {
            try {
                env.cluster.rest().cancel(jobId);
            } catch (Exception alreadyStopped) {
                // stopped with a savepoint, or failed
            }
            if (cleanup != null) {
                cleanup.run();
            }
        }
    }

    /** Shoppers of a scenario's own: ids prefixed by the scenario, 300 users, the demo's rates of bad input. */
    static Simulator simulator(String scenario) {
        SimConfig cfg = SimConfig.defaults().users(300);
        return new Simulator(new World(cfg, scenario + "-"), 0.005, 0.002, System::currentTimeMillis);
    }
}
