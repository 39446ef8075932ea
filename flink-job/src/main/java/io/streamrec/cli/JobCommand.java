package io.streamrec.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** {@code streamrec job}: runs {@code io.streamrec.job.StreamrecJob.main(args)} (options are the job's own). */
public final class JobCommand implements Command {
    static final String JOB_CLASS = "io.streamrec.job.StreamrecJob";

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
                "Runs " + JOB_CLASS + ". Options are the job's (see README, Configuration), e.g.",
                "  streamrec job --kafka.bootstrap-servers localhost:9092 --recs.top-k 10",
                "Under `flink run` the jar's main class does the same: arguments that start with an option",
                "(not a subcommand) go to the job.");
    }

    @Override
    public int run(String[] args) throws Exception {
        Method main;
        try {
            // Looked up reflectively so the launcher builds whether or not the job is on this branch yet.
            main = Class.forName(JOB_CLASS).getMethod("main", String[].class);
        } catch (ClassNotFoundException e) {
            System.err.println("streamrec job: " + JOB_CLASS + " is not in this build");
            return 1;
        }
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new RuntimeException(cause);
        }
        return 0;
    }
}
