package io.streamrec.store;

import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * What {@code model.path} names, and the bundles it serves now. Three kinds: a model store ({@link ModelStore}, any
 * Flink file system: its {@code serving.json} names one or more variants); a single bundle folder on any Flink file
 * system (one variant, {@value Variant#SINGLE}); or, as before, a local folder, a local zip, or
 * {@code classpath:NAME}. Why one class: the start-up check, the operator's first load and the reloader's polls must
 * agree on what the location means. The kind is decided on every call, so a folder that becomes a store is followed.
 */
public final class BundleSource {
    /** One serving variant with its fully validated bundle. */
    public record Served(Variant variant, ModelBundle bundle) {
    }

    private final String location;
    /** Whether a serving.json was ever seen here: a store stays a store while its pointer is being replaced. */
    private volatile boolean seenStore;

    public BundleSource(String location) {
        this.location = location;
    }

    public String location() {
        return location;
    }

    /**
     * A cheap identity of what would be loaded now; a change means there is something new to load, and null means
     * there is nothing complete to load yet (a bundle being copied, a pointer being replaced).
     */
    public String fingerprint() throws IOException {
        if (location.startsWith("classpath:")) {
            return location;
        }
        if (ModelStore.isStore(location)) {
            seenStore = true;
            return storeFingerprint(new ModelStore(location));
        }
        if (isLocal()) {
            return localFingerprint(java.nio.file.Path.of(localPath()));
        }
        return remoteFingerprint(new Path(location));
    }

    /** Loads and fully validates every variant with a positive weight; the first refused bundle fails it all. */
    public List<Served> load() throws BundleException {
        if (location.startsWith("classpath:")) {
            return single(BundleLoader.load(location));
        }
        boolean isStore = ModelStore.isStore(location) || seenStore && awaitPointer();
        if (isLocal() && !isStore) {
            return single(BundleLoader.load(localPath()));
        }
        if (!isStore) {
            return single(BundleLoader.load(location, ModelStore.filesAt(location)));
        }
        seenStore = true;
        ServingPlan plan;
        ModelStore store;
        try {
            store = new ModelStore(location);
            plan = store.readPlan();
        } catch (IOException e) {
            throw new BundleException(e.getMessage(), e);
        }
        List<Served> out = new ArrayList<>();
        for (Variant v : plan.variants()) {
            if (v.weight() > 0) {
                String where = store.versionLocation(v.version());
                out.add(new Served(v, BundleLoader.load(where, store.files(v.version()))));
            }
        }
        return out;
    }

    /**
     * Waits up to a second for a store's pointer that went missing. Where rename does not replace (HDFS) a pointer
     * change deletes the old file first; a load in that instant must not read the store's root as a plain bundle
     * (which fails, and the reloader would not retry the new plan until it changed again).
     */
    private boolean awaitPointer() {
        for (int i = 0; i < 20; i++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (ModelStore.isStore(location)) {
                return true;
            }
        }
        return false;
    }

    private static List<Served> single(ModelBundle bundle) {
        return List.of(new Served(new Variant(Variant.SINGLE, "bundle", 100), bundle));
    }

    /** A path without a scheme, or a file: URI: read with java.nio, zips included. */
    private boolean isLocal() {
        return !location.contains("://") || location.startsWith("file:");
    }

    private String localPath() {
        return location.startsWith("file:") ? java.net.URI.create(location).getPath() : location;
    }

    /**
     * A local bundle: for a directory, the manifest's bytes and every file's name, size and modification time; for a
     * zip, its size and modification time. A bundle copied file by file changes identity with every file written, so
     * a load refused while the copy was half done is retried once the copy moves on.
     */
    static String localFingerprint(java.nio.file.Path p) throws IOException {
        if (Files.isDirectory(p)) {
            java.nio.file.Path manifest = p.resolve(ModelBundle.MANIFEST);
            if (!Files.exists(manifest)) {
                return null;
            }
            try {
                MessageDigest sha = newSha();
                sha.update(Files.readAllBytes(manifest));
                List<java.nio.file.Path> files;
                try (java.util.stream.Stream<java.nio.file.Path> s = Files.list(p)) {
                    files = s.sorted().toList();
                }
                for (java.nio.file.Path f : files) {
                    sha.update(entry(f.getFileName().toString(), Files.size(f),
                            Files.getLastModifiedTime(f).toMillis()));
                }
                return HexFormat.of().formatHex(sha.digest());
            } catch (java.nio.file.NoSuchFileException e) {
                return null; // a file went away while listing: the bundle is being replaced
            }
        }
        if (!Files.exists(p)) {
            return null;
        }
        return Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis();
    }

    /** The same identity as {@link #localFingerprint} for a bundle folder on another file system. */
    private static String remoteFingerprint(Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem();
        byte[] manifest = ModelStore.readOrNull(fs, new Path(dir, ModelBundle.MANIFEST));
        if (manifest == null) {
            return null;
        }
        MessageDigest sha = newSha();
        sha.update(manifest);
        FileStatus[] files = fs.listStatus(dir);
        if (files == null) {
            return null;
        }
        Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
        for (FileStatus f : files) {
            sha.update(entry(f.getPath().getName(), f.getLen(), f.getModificationTime()));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * A store: the pointer's bytes, and the manifest (size and time) of each version it names. A plan written before
     * its version finished uploading is refused once, then retried when the version's manifest arrives.
     */
    private static String storeFingerprint(ModelStore store) throws IOException {
        byte[] plan = store.readPlanBytes();
        if (plan == null) {
            return null;
        }
        MessageDigest sha = newSha();
        sha.update(plan);
        try {
            for (Variant v : ServingPlan.parse(plan).variants()) {
                sha.update(("\n" + v.version() + ":" + store.manifestStamp(v.version()))
                        .getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // an unparsable plan: its bytes alone identify it, and loading it reports why
        }
        return "store:" + HexFormat.of().formatHex(sha.digest());
    }

    private static byte[] entry(String name, long size, long mtime) {
        return ("\n" + name + ":" + size + "@" + mtime).getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest newSha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
