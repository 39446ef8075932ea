package io.streamrec.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Valid and broken bundles for the store tests, made from the repository's default bundle. Why editing only the
 * manifest's {@code model_version} gives a second valid bundle: the version is covered by the manifest alone, so
 * every file hash still matches.
 */
public final class TestBundles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TestBundles() {
    }

    /** The repository's default bundle folder. */
    public static Path defaultBundle() {
        return Path.of(System.getProperty("streamrec.repo.root", ".."), "model-export", "bundles", "default");
    }

    /** Copies the default bundle into {@code target} (created) with its model_version set to {@code version}. */
    public static Path copy(Path target, String version) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(defaultBundle())) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        Path manifest = target.resolve("manifest.json");
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        m.put("model_version", version);
        JSON.writerWithDefaultPrettyPrinter().writeValue(manifest.toFile(), m);
        return target;
    }

    /** Flips a byte of the item embeddings, so the manifest's hash check refuses the bundle. */
    public static void corrupt(Path bundle) throws IOException {
        Path emb = bundle.resolve("item_embeddings.f32");
        byte[] b = Files.readAllBytes(emb);
        b[10] ^= 0x5a;
        Files.write(emb, b);
    }
}
