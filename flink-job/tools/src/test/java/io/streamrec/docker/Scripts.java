package io.streamrec.docker;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository's files (docker/…) for the tests that check them, from Maven's {@code streamrec.repo.root}. */
final class Scripts {

    private Scripts() {}

    static Path repoFile(String relative) {
        String root = System.getProperty("streamrec.repo.root");
        Path base = root == null || root.isBlank() ? Path.of("../..") : Path.of(root);
        Path p = base.resolve(relative).toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            throw new IllegalStateException(relative + " not found under " + base.toAbsolutePath().normalize());
        }
        return p;
    }
}
