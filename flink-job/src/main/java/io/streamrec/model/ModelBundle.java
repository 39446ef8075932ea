package io.streamrec.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A model bundle (docs/MODEL_BUNDLE.md). {@link #read(String)} reads a directory, a zip, or {@code classpath:NAME}
 * (the bundle shipped in the jar under {@code streamrec/bundle/NAME/}), runs the contract's checks of its files and
 * refuses the bundle with a {@link BundleException} naming the failed check; {@code io.streamrec.ranking.BundleLoader}
 * adds the checks that run the ranking code (feature names, golden replay through ONNX Runtime), so this package
 * needs nothing from the stages that use it. Immutable and safe to share between
 * threads; holds no ONNX Runtime objects.
 */
public final class ModelBundle {
    public static final String MANIFEST = "manifest.json";
    public static final String RANKER = "ranker.onnx";
    public static final String ITEMS = "items.txt";
    public static final String EMBEDDINGS = "item_embeddings.f32";
    public static final String COVISIT = "covisit.json";
    public static final String POPULAR = "popular.json";
    public static final String GOLDEN = "golden.json";
    /** Files every bundle must list in {@code files}. */
    public static final List<String> REQUIRED_FILES = List.of(RANKER, ITEMS, EMBEDDINGS, COVISIT, POPULAR, GOLDEN);
    /** Classpath prefix of shipped bundles. */
    public static final String CLASSPATH_PREFIX = "streamrec/bundle/";

    private final String location;
    private final BundleManifest manifest;
    private final ItemIndex items;
    private final Covisitation covisit;
    private final List<String> popular;
    private final byte[] onnxModel;
    private final byte[] goldenJson;

    private ModelBundle(String location, BundleManifest manifest, ItemIndex items, Covisitation covisit,
                        List<String> popular, byte[] onnxModel, byte[] goldenJson) {
        this.location = location;
        this.manifest = manifest;
        this.items = items;
        this.covisit = covisit;
        this.popular = popular;
        this.onnxModel = onnxModel;
        this.goldenJson = goldenJson;
    }

    /**
     * Reads a bundle and runs the checks of its own files: presence, hashes, sizes, parsing. Not the checks that need
     * the ranking code (known feature names, golden replay): serve only a bundle from
     * {@code io.streamrec.ranking.BundleLoader#load}, which runs them all.
     *
     * @param location a directory path, a {@code .zip} path, or {@code classpath:NAME}
     */
    public static ModelBundle read(String location) throws BundleException {
        if (location == null || location.isBlank()) {
            throw new BundleException("bundle location is empty");
        }
        String where = "bundle " + location;
        return read(location, FileSource.open(location, where));
    }

    /**
     * Reads a bundle from any source of its files (a Flink file system, for one: {@code io.streamrec.store}), with
     * the same checks as {@link #read(String)}.
     *
     * @param location how logs and errors name the bundle
     */
    public static ModelBundle read(String location, BundleFiles src) throws BundleException {
        String where = "bundle " + location;
        byte[] manifestBytes = src.read(MANIFEST);
        if (manifestBytes == null) {
            throw new BundleException(where + ": " + MANIFEST + " is missing");
        }
        BundleManifest manifest = BundleManifest.parse(manifestBytes, where);
        for (String f : REQUIRED_FILES) {
            if (!manifest.files().containsKey(f)) {
                throw new BundleException(where + ": manifest.json files does not list required file " + f);
            }
        }
        Map<String, byte[]> content = new HashMap<>();
        for (Map.Entry<String, String> e : manifest.files().entrySet()) {
            String name = e.getKey();
            byte[] bytes = src.read(name);
            if (bytes == null) {
                throw new BundleException(where + ": " + name + " is listed in manifest.json files but missing");
            }
            String actual = sha256(bytes);
            if (!actual.equals(e.getValue())) {
                throw new BundleException(where + ": sha256 mismatch for " + name + ": manifest.json files says "
                        + e.getValue() + ", the file has " + actual);
            }
            if (REQUIRED_FILES.contains(name)) {
                content.put(name, bytes);
            }
        }
        ItemIndex items = ItemIndex.parse(content.remove(ITEMS), content.remove(EMBEDDINGS), manifest.numItems(),
                manifest.embeddingDim(), where);
        Covisitation covisit = Covisitation.parse(content.remove(COVISIT), items, where);
        List<String> popular = parsePopular(content.remove(POPULAR), where);
        return new ModelBundle(location, manifest, items, covisit, popular, content.get(RANKER), content.get(GOLDEN));
    }

    private static List<String> parsePopular(byte[] json, String where) throws BundleException {
        JsonNode root;
        try {
            root = BundleManifest.JSON.readTree(json);
        } catch (IOException e) {
            throw new BundleException(where + ": popular.json is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode list = root == null ? null : root.get("items");
        if (list == null || !list.isArray()) {
            throw new BundleException(where + ": popular.json has no 'items' list");
        }
        List<String> out = new ArrayList<>(list.size());
        Set<String> seen = new HashSet<>();
        double prev = Double.POSITIVE_INFINITY;
        for (JsonNode e : list) {
            if (!e.isArray() || e.size() != 2 || !e.get(0).isTextual() || !e.get(1).isNumber()) {
                throw new BundleException(where + ": popular.json items entries must be [\"ITEM\", count], got " + e);
            }
            double c = e.get(1).asDouble();
            if (c > prev) {
                throw new BundleException(where + ": popular.json items is not sorted by count descending (at "
                        + e.get(0).asText() + ")");
            }
            prev = c;
            if (seen.add(e.get(0).asText())) {
                out.add(e.get(0).asText());
            }
        }
        return Collections.unmodifiableList(out);
    }

    static String sha256(byte[] bytes) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
            StringBuilder sb = new StringBuilder(64);
            for (byte x : h) {
                sb.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String modelVersion() {
        return manifest.modelVersion();
    }

    /** Where the bundle was loaded from, as passed to {@link #read}. */
    public String location() {
        return location;
    }

    public BundleManifest manifest() {
        return manifest;
    }

    public ItemIndex items() {
        return items;
    }

    public Covisitation covisit() {
        return covisit;
    }

    /** The popular items, most frequent first. */
    public List<String> popular() {
        return popular;
    }

    /** The ONNX model bytes (the shared array: never write to it). */
    public byte[] onnxModel() {
        return onnxModel;
    }

    /** The raw golden.json (the shared array: never write to it). */
    public byte[] goldenJson() {
        return goldenJson;
    }

    /** Reads bundle files from a directory, a zip or the classpath. */
    private static final class FileSource {
        private FileSource() {
        }

        static BundleFiles open(String location, String where) throws BundleException {
            if (location.startsWith("classpath:")) {
                String name = location.substring("classpath:".length());
                String prefix = CLASSPATH_PREFIX + name + "/";
                ClassLoader cl = ModelBundle.class.getClassLoader();
                if (cl.getResource(prefix + MANIFEST) == null) {
                    ClassLoader ctx = Thread.currentThread().getContextClassLoader();
                    if (ctx != null && ctx.getResource(prefix + MANIFEST) != null) {
                        cl = ctx;
                    } else {
                        throw new BundleException(where + ": no " + MANIFEST + " on the classpath at " + prefix
                                + MANIFEST + " (was model-export/bundles/" + name + " built into the jar?)");
                    }
                }
                ClassLoader loader = cl;
                return file -> {
                    try (InputStream in = loader.getResourceAsStream(prefix + file)) {
                        return in == null ? null : in.readAllBytes();
                    } catch (IOException e) {
                        throw new BundleException(where + ": cannot read classpath resource " + prefix + file + ": "
                                + e.getMessage(), e);
                    }
                };
            }
            Path path = Paths.get(location);
            if (Files.isDirectory(path)) {
                return file -> {
                    if (file.contains("..") || file.startsWith("/") || file.contains("\\")) {
                        throw new BundleException(where + ": manifest.json files names an illegal path '" + file + "'");
                    }
                    try {
                        return Files.readAllBytes(path.resolve(file));
                    } catch (NoSuchFileException e) {
                        return null;
                    } catch (IOException e) {
                        throw new BundleException(where + ": cannot read " + file + ": " + e.getMessage(), e);
                    }
                };
            }
            if (Files.isRegularFile(path)) {
                Map<String, byte[]> entries = readZip(path, where);
                return entries::get;
            }
            throw new BundleException(where + ": no such directory or zip file");
        }

        private static Map<String, byte[]> readZip(Path path, String where) throws BundleException {
            Map<String, byte[]> raw = new HashMap<>();
            try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(path))) {
                ZipEntry e;
                while ((e = zin.getNextEntry()) != null) {
                    if (e.isDirectory()) {
                        continue;
                    }
                    ByteArrayOutputStream bos = new ByteArrayOutputStream();
                    zin.transferTo(bos);
                    raw.put(e.getName(), bos.toByteArray());
                }
            } catch (IOException ex) {
                throw new BundleException(where + ": not a readable zip file: " + ex.getMessage(), ex);
            }
            if (raw.containsKey(MANIFEST)) {
                return raw;
            }
            // Tolerate a zip of the directory itself: one top-level folder holding the files.
            String prefix = null;
            for (String n : raw.keySet()) {
                if (n.endsWith("/" + MANIFEST) && n.indexOf('/') == n.length() - MANIFEST.length() - 1) {
                    prefix = n.substring(0, n.length() - MANIFEST.length());
                }
            }
            if (prefix == null) {
                throw new BundleException(where + ": the zip has no " + MANIFEST + " at its root");
            }
            Map<String, byte[]> out = new HashMap<>();
            for (Map.Entry<String, byte[]> en : raw.entrySet()) {
                if (en.getKey().startsWith(prefix)) {
                    out.put(en.getKey().substring(prefix.length()), en.getValue());
                }
            }
            return out;
        }
    }
}
