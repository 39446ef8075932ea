package io.streamrec.cli;

import io.streamrec.job.StreamrecJob;

/** {@code streamrec job}: runs {@code io.streamrec.job.StreamrecJob.main(args)} (options are the job's own). */
public final class JobCommand implements Command {

    @Override
    public String name() {
        return "job";
    }

    @Override
    public String summary() {
        return "run the recommendation job (local MiniCluster, or the cluster under flink run)";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "Usage: streamrec job [--config FILE] [--<option> VALUE ...]",
                "",
                "Runs io.streamrec.job.StreamrecJob. Options are the job's (see README, Configuration), e.g.",
                "  streamrec job --kafka.bootstrap-servers localhost:9092 --recs.top-k 10",
                "Under `flink run` the jar's main class does the same: arguments that start with an option",
                "(not a subcommand) go to the job.");
    }

    @Override
    public int run(String[] args) throws Exception {
        StreamrecJob.main(args);
        return 0;
    }
}
