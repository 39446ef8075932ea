package io.streamrec.job;

import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deploys a new model bundle into a running job without a restart. A daemon thread checks {@code model.path} every
 * {@code model.reload-interval}; when the bundle's manifest changes it loads and fully validates the new bundle off the
 * processing thread, and then runs the caller's {@link Preparer} on it there too (the job opens the ONNX session and
 * builds the retrieval index, which takes seconds for a large catalogue), so the processing thread only swaps
 * references. A ready model is handed over through {@link #poll()}; a bundle that fails validation or preparation is
 * logged with the failed check and counted, and the current model keeps serving. The same broken bundle is not
 * retried until it changes.
 *
 * @param <T> what the caller serves from a bundle (the bundle itself with the identity preparer)
 */
public final class ModelReloader<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);

    /** Turns a validated bundle into what serves it, off the processing thread. */
    @FunctionalInterface
    public interface Preparer<T> {
        T prepare(ModelBundle bundle) throws Exception;
    }

    private final String location;
    private final Preparer<T> preparer;
    /** Releases a prepared model that was never polled because a newer one replaced it, or at close. */
    private final java.util.function.Consumer<T> discard;
    private final AtomicReference<T> pending = new AtomicReference<>();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile String currentFingerprint;
    private volatile String failedFingerprint;
    private ScheduledExecutorService executor;

    public ModelReloader(String location, String initialFingerprint, Preparer<T> preparer,
                         java.util.function.Consumer<T> discard) {
        this.location = location;
        this.currentFingerprint = initialFingerprint;
        this.preparer = preparer;
        this.discard = discard;
    }

    /** A reloader that hands over the validated bundle itself. */
    public static ModelReloader<ModelBundle> ofBundles(String location, String initialFingerprint) {
        return new ModelReloader<>(location, initialFingerprint, b -> b, b -> { });
    }

    /** Starts polling; a zero interval or a classpath bundle means never. */
    public void start(long intervalMillis) {
        if (intervalMillis <= 0 || location.startsWith("classpath:")) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamrec-model-reloader");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::check, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Checks once, synchronously (the scheduled task, also used by tests). */
    public void check() {
        String fp;
        try {
            fp = fingerprint(location);
        } catch (IOException e) {
            record("cannot read model.path '" + location + "': " + e.getMessage(), null);
            return;
        }
        if (fp == null || fp.equals(currentFingerprint) || fp.equals(failedFingerprint)) {
            return;
        }
        ModelBundle bundle;
        try {
            bundle = BundleLoader.load(location);
        } catch (BundleException | RuntimeException e) {
            record("refused new model bundle at " + location + ": " + e.getMessage()
                    + "; the current model keeps serving", fp);
            return;
        }
        T ready;
        try {
            ready = preparer.prepare(bundle);
        } catch (Exception e) {
            record("could not prepare model bundle " + bundle.modelVersion() + " at " + location + " for serving: "
                    + e.getMessage() + "; the current model keeps serving", fp);
            return;
        }
        currentFingerprint = fp;
        failedFingerprint = null;
        T superseded = pending.getAndSet(ready);
        if (superseded != null) {
            discard.accept(superseded);
        }
        LOG.info("Validated and prepared new model bundle {} from {}; switching to it", bundle.modelVersion(),
                location);
    }

    private void record(String message, String fp) {
        failures.incrementAndGet();
        lastError.set(message);
        failedFingerprint = fp;
        LOG.error(message);
    }

    /** The newly validated and prepared model, once; null when there is none. */
    public T poll() {
        return pending.getAndSet(null);
    }

    public long failures() {
        return failures.get();
    }

    public String lastError() {
        return lastError.get();
    }

    /**
     * A cheap identity of a bundle location: for a directory, the manifest's bytes and every file's name, size and
     * modification time; for a zip, its size and modification time. A bundle copied file by file changes identity
     * with every file written, so a load refused while the copy was half done is retried once the copy moves on.
     */
    public static String fingerprint(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            return location;
        }
        Path p = Path.of(location);
        if (Files.isDirectory(p)) {
            Path manifest = p.resolve("manifest.json");
            if (!Files.exists(manifest)) {
                return null;
            }
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(Files.readAllBytes(manifest));
                java.util.List<Path> files;
                try (java.util.stream.Stream<Path> s = Files.list(p)) {
                    files = s.sorted().toList();
                }
                for (Path f : files) {
                    String entry = "\n" + f.getFileName() + ":" + Files.size(f) + "@"
                            + Files.getLastModifiedTime(f).toMillis();
                    sha.update(entry.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                return HexFormat.of().formatHex(sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            } catch (java.nio.file.NoSuchFileException e) {
                return null; // a file went away while listing: the bundle is being replaced
            }
        }
        if (!Files.exists(p)) {
            return null;
        }
        return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(10, TimeUnit.SECONDS); // a preparation in flight finishes or is dropped
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        T left = pending.getAndSet(null);
        if (left != null) {
            discard.accept(left);
        }
    }
}
