package io.streamrec.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the job jar of an earlier commit, so the upgrade scenario restores a savepoint written by the code users
 * run today into the code they will run next. A detached git worktree of the commit, built offline with Maven
 * (the job module only), then removed; the jar is kept in the run's work folder.
 */
final class PreviousRelease {
    private PreviousRelease() {}

    static Path build(Path repo, String ref, Path work, FaultEnv.Progress progress) throws IOException,
            InterruptedException {
        Files.createDirectories(work);
        Path jar = work.resolve("previous-" + ref + ".jar");
        Path src = work.resolve("previous-src");
        long t0 = System.currentTimeMillis();
        run(repo, work.resolve("previous-build.log"), List.of("git", "-C", repo.toString(), "worktree", "add",
                "--detach", "--force", src.toString(), ref), "git worktree add " + ref);
        try {
            run(src, work.resolve("previous-build.log"), List.of("mvn", "-B", "-q", "-o", "-DskipTests", "-pl",
                    "flink-job", "package"), "the build of " + ref);
            Files.copy(src.resolve("flink-job/target/streamrec-job.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            run(repo, work.resolve("previous-build.log"), List.of("git", "-C", repo.toString(), "worktree",
                    "remove", "--force", src.toString()), "git worktree remove");
        }
        progress.say("built the job of %s in %d ms: %s", ref, System.currentTimeMillis() - t0, jar);
        return jar;
    }

    private static void run(Path dir, Path log, List<String> cmd, String what) throws IOException,
            InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(what + " failed; see " + log + " (or give the old job jar with --previous-jar)");
        }
    }
}
