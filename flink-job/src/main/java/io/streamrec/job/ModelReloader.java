package io.streamrec.job;

import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;
import io.streamrec.store.BundleSource;
import io.streamrec.store.Variant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deploys new model bundles into a running job without a restart. A daemon thread checks {@code model.path} (a
 * {@link BundleSource}: one bundle, or a model store whose pointer file names the variants) every
 * {@code model.reload-interval}; when it changes it loads and fully validates every new bundle off the
 * processing thread, and then runs the caller's {@link Preparer} on it there too (the job opens the ONNX session and
 * builds the retrieval index, which takes seconds for a large catalogue), so the processing thread only swaps
 * references. A ready model is handed over through {@link #poll()}; a bundle that fails validation or preparation is
 * logged with the failed check and counted, and the current models keep serving (one refused bundle refuses
 * the whole plan). The same broken bundle is not
 * retried until it changes.
 *
 * @param <T> what the caller serves from a bundle (the bundle itself with the identity preparer)
 */
public final class ModelReloader<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelReloader.class);

    /** Turns a validated bundle into what serves it, off the processing thread. */
    @FunctionalInterface
    public interface Preparer<T> {
        /** @param served every variant that serves, in plan order, each with its validated bundle */
        T prepare(List<BundleSource.Served> served) throws Exception;
    }

    private final String location;
    private final BundleSource source;
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
        this.source = new BundleSource(location);
        this.currentFingerprint = initialFingerprint;
        this.preparer = preparer;
        this.discard = discard;
    }

    /** A reloader that hands over the validated bundle itself. */
    public static ModelReloader<ModelBundle> ofBundles(String location, String initialFingerprint) {
        return new ModelReloader<>(location, initialFingerprint, served -> served.get(0).bundle(), b -> { });
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
            fp = source.fingerprint();
        } catch (IOException e) {
            record("cannot read model.path '" + location + "': " + e.getMessage(), null);
            return;
        }
        if (fp == null || fp.equals(currentFingerprint) || fp.equals(failedFingerprint)) {
            return;
        }
        List<BundleSource.Served> served;
        try {
            served = source.load();
        } catch (BundleException | RuntimeException e) {
            record("refused new model bundle at " + location + ": " + e.getMessage()
                    + "; the current model keeps serving", fp);
            return;
        }
        T ready;
        try {
            ready = preparer.prepare(served);
        } catch (Exception e) {
            record("could not prepare model bundle " + versions(served) + " at " + location + " for serving: "
                    + e.getMessage() + "; the current model keeps serving", fp);
            return;
        }
        currentFingerprint = fp;
        failedFingerprint = null;
        T superseded = pending.getAndSet(ready);
        if (superseded != null) {
            discard.accept(superseded);
        }
        LOG.info("Validated and prepared new model bundle {} from {}; switching to it", versions(served), location);
    }

    private static String versions(List<BundleSource.Served> served) {
        StringBuilder sb = new StringBuilder();
        for (BundleSource.Served s : served) {
            sb.append(sb.length() == 0 ? "" : ", ");
            if (!Variant.SINGLE.equals(s.variant().name())) {
                sb.append(s.variant().name()).append('=');
            }
            sb.append(s.bundle().modelVersion());
        }
        return sb.toString();
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

    /** What {@link BundleSource#fingerprint()} says of {@code location}. */
    public static String fingerprint(String location) throws IOException {
        return new BundleSource(location).fingerprint();
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
