package io.streamrec.cli;

import io.streamrec.job.StreamrecJob;

/**
 * {@code streamrec job}: runs the job as {@code io.streamrec.job.StreamrecJob.main(args)} does (options are the job's
 * own), returning its exit code: 2 for a configuration error or a failed start-up check.
 */
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
        return StreamrecJob.run(args, System.out, System.err);
    }
}
