package io.streamrec.store;

import io.streamrec.model.BundleException;
import io.streamrec.model.BundleFiles;
import io.streamrec.model.ModelBundle;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A folder of model bundles on any file system Flink has (the local disk, S3, HDFS, ...), read and written through
 * Flink's {@link FileSystem}, so every TaskManager of a multi-host cluster loads the same bundles without a local
 * copy. Layout: {@code versions/<version>/} holds immutable bundles; {@code serving.json} (a {@link ServingPlan})
 * names the versions that serve. A publish uploads a version first and changes the pointer last, so a running job
 * sees either the old plan or the new one, never a half-copied bundle.
 */
public final class ModelStore {
    public static final String PLAN = "serving.json";
    public static final String VERSIONS = "versions";
    /** Schemes whose single PUT replaces an object atomically and whose rename is a copy. */
    private static final java.util.Set<String> OBJECT_STORES = java.util.Set.of("s3", "s3a", "s3n", "s3p", "gs",
            "oss", "wasb", "wasbs", "abfs", "abfss");

    private final String uri;
    private final Path root;
    private final FileSystem fs;

    /** @param uri the store's folder: a path or a URI such as {@code s3://bucket/models} */
    public ModelStore(String uri) throws IOException {
        this.uri = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        this.root = new Path(this.uri);
        try {
            this.fs = root.getFileSystem();
        } catch (IOException e) {
            throw new IOException("no Flink file system for model store " + uri + " (is the plugin for its scheme "
                    + "installed?): " + e.getMessage(), e);
        }
    }

    public String uri() {
        return uri;
    }

    /** True when {@code location} is a store: a folder with a {@code serving.json}. */
    public static boolean isStore(String location) {
        if (location.startsWith("classpath:") || location.endsWith(".zip")) {
            return false;
        }
        try {
            Path plan = new Path(location, PLAN);
            return plan.getFileSystem().exists(plan);
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The pointer file's bytes, or null when the store has none yet. */
    public byte[] readPlanBytes() throws IOException {
        return readOrNull(new Path(root, PLAN));
    }

    /** The serving plan; fails with a message naming the store when there is none or it does not parse. */
    public ServingPlan readPlan() throws IOException {
        byte[] bytes = readPlanBytes();
        if (bytes == null) {
            throw new FileNotFoundException("model store " + uri + " has no " + PLAN + " (publish a bundle first)");
        }
        try {
            return ServingPlan.parse(bytes);
        } catch (IOException e) {
            throw new IOException("model store " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Where a version lives, for logs and errors. */
    public String versionLocation(String version) {
        return uri + "/" + VERSIONS + "/" + version;
    }

    public boolean hasVersion(String version) throws IOException {
        return fs.exists(new Path(versionPath(version), ModelBundle.MANIFEST));
    }

    /** The size and modification time of a version's manifest, or "missing": a cheap sign that it changed. */
    public String manifestStamp(String version) throws IOException {
        Path manifest = new Path(versionPath(version), ModelBundle.MANIFEST);
        try {
            FileStatus s = fs.getFileStatus(manifest);
            return s.getLen() + "@" + s.getModificationTime();
        } catch (FileNotFoundException e) {
            return "missing";
        }
    }

    /** The versions in the store, sorted by name. */
    public List<String> versions() throws IOException {
        List<String> out = new ArrayList<>();
        Path dir = new Path(root, VERSIONS);
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDir()) {
                out.add(s.getPath().getName());
            }
        }
        out.sort(null);
        return out;
    }

    /** Reads a version's files through the file system, on demand. */
    public BundleFiles files(String version) {
        return filesAt(versionLocation(version));
    }

    /** Reads the files of the bundle folder at {@code dirUri} through Flink's file system, on demand. */
    public static BundleFiles filesAt(String dirUri) {
        Path dir = new Path(dirUri);
        return name -> {
            if (name.contains("..") || name.startsWith("/") || name.contains("\\")) {
                throw new BundleException("bundle " + dirUri + ": manifest.json files names an illegal path '"
                        + name + "'");
            }
            Path file = new Path(dir, name);
            try {
                return readOrNull(file.getFileSystem(), file);
            } catch (IOException e) {
                throw new BundleException("bundle " + dirUri + ": cannot read " + name + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * Copies a local bundle folder into {@code versions/<version>/}, manifest last (a reader that finds the manifest
     * finds every file). An existing version is never overwritten: versions are immutable.
     */
    public void upload(java.nio.file.Path bundleDir, String version) throws IOException {
        upload(bundleDir, version, name -> { });
    }

    /**
     * As {@link #upload(java.nio.file.Path, String)}, telling {@code written} the name of each file once it is
     * complete in the store (progress for the command line; the tests check the order with it).
     */
    public void upload(java.nio.file.Path bundleDir, String version, java.util.function.Consumer<String> written)
            throws IOException {
        if (version == null || !Variant.VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version '" + version + "' must match " + Variant.VERSION.pattern());
        }
        if (fs.exists(versionPath(version))) {
            throw new IOException("model store " + uri + " already has version " + version
                    + "; versions are immutable, publish under a new one");
        }
        List<java.nio.file.Path> files;
        try (var s = Files.list(bundleDir)) {
            files = new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
        java.nio.file.Path manifest = bundleDir.resolve(ModelBundle.MANIFEST);
        files.remove(manifest);
        files.add(manifest);
        for (java.nio.file.Path f : files) {
            write(new Path(versionPath(version), f.getFileName().toString()), Files.readAllBytes(f));
            written.accept(f.getFileName().toString());
        }
    }

    /**
     * Replaces the pointer file so that a reader sees the old plan or the new one, never none:
     * <ul>
     * <li>local disk: written beside the old one and moved over it with an atomic rename (Flink's own local rename
     * deletes the target first, which leaves an instant with no pointer);</li>
     * <li>object stores (S3, GCS, Azure, OSS): written in place, since one PUT replaces an object atomically and
     * their "rename" is a copy that refuses an existing target;</li>
     * <li>other file systems (HDFS): written beside and renamed; where rename does not replace, the old one is
     * deleted first, and for that instant a reader finds none and keeps serving what it has.</li>
     * </ul>
     */
    public void writePlan(ServingPlan plan) throws IOException {
        Path target = new Path(root, PLAN);
        if (OBJECT_STORES.contains(String.valueOf(target.toUri().getScheme()))) {
            write(target, plan.toJson());
            return;
        }
        Path tmp = new Path(root, "." + PLAN + "." + UUID.randomUUID() + ".tmp");
        write(tmp, plan.toJson());
        if (fs instanceof LocalFileSystem local) {
            try {
                Files.move(local.pathToFile(tmp).toPath(), local.pathToFile(target).toPath(),
                        StandardCopyOption.ATOMIC_MOVE);
                return;
            } catch (IOException e) {
                fs.delete(tmp, false);
                throw new IOException("model store " + uri + ": could not replace " + PLAN + ": " + e, e);
            }
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(target, false);
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, false);
                throw new IOException("model store " + uri + ": could not replace " + PLAN);
            }
        }
    }

    private Path versionPath(String version) {
        return new Path(new Path(root, VERSIONS), version);
    }

    private void write(Path path, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs.create(path, FileSystem.WriteMode.OVERWRITE)) {
            out.write(bytes);
        }
    }

    private byte[] readOrNull(Path path) throws IOException {
        return readOrNull(fs, path);
    }

    /** The file's bytes, or null when it does not exist. */
    static byte[] readOrNull(FileSystem fs, Path path) throws IOException {
        try (FSDataInputStream in = fs.open(path)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            return null;
        }
    }
}
