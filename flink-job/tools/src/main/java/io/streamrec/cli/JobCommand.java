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
        return StreamrecJob.usage().stripTrailing();
    }

    @Override
    public int run(String[] args) throws Exception {
        StreamrecJob.main(args);
        return 0;
    }
}
