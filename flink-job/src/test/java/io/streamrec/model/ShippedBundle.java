package io.streamrec.model;

import io.streamrec.ranking.BundleLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.fail;

/** Where the tests find the shipped bundle: on the classpath and as the directory it is built from. */
public final class ShippedBundle {
    public static final String CLASSPATH = "classpath:default";

    private ShippedBundle() {
    }

    /** {@code <repo>/model-export/bundles/default}; fails the test if it is not there. */
    public static Path directory() {
        String root = System.getProperty("streamrec.repo.root", "..");
        Path dir = Paths.get(root, "model-export", "bundles", "default").toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            fail("the shipped bundle is missing: no " + dir.resolve("manifest.json")
                    + " (model-export writes it; the pom puts it on the classpath)");
        }
        return dir;
    }

    /**
     * A small bundle model-export built on generated traffic with all seven candidate features
     * ({@code src/test/resources/bundles/all-features}; how it was built: docs/MODEL_EXPORT.md): the committed
     * default bundle names only {@code covisit}, so this is what checks Java against Python-written golden cases for
     * the history and online co-visitation features.
     */
    public static Path allFeaturesDirectory() {
        try {
            return Paths.get(ShippedBundle.class.getResource("/bundles/all-features/manifest.json").toURI())
                    .getParent();
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource bundles/all-features is missing", e);
        }
    }

    private static ModelBundle loaded;

    /** The classpath bundle, loaded (and validated) once per test JVM. */
    public static synchronized ModelBundle load() throws BundleException {
        directory();
        if (loaded == null) {
            loaded = BundleLoader.load(CLASSPATH);
        }
        return loaded;
    }
}
