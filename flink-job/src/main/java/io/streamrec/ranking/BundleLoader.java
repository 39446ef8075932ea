package io.streamrec.ranking;

import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;

/**
 * Loads a bundle fit to serve: {@link ModelBundle#read} (files, hashes, parsing), then the checks that need the ranking
 * code, every feature name known to {@link FeatureEncoder} and the golden replay ({@link GoldenReplay}) through ONNX
 * Runtime and the Java feature code. It lives here, not in {@code model}, because those checks run ranking code, and
 * the model package must not depend on the stages that use it.
 */
public final class BundleLoader {
    private BundleLoader() {
    }

    /**
     * Loads and fully validates a bundle (docs/MODEL_BUNDLE.md, "Validation").
     *
     * @param location a directory path, a {@code .zip} path, or {@code classpath:NAME}
     * @throws BundleException naming the first failed check
     */
    public static ModelBundle load(String location) throws BundleException {
        return validate(ModelBundle.read(location));
    }

    /** Loads and fully validates a bundle whose files come from {@code files}; {@code location} names it. */
    public static ModelBundle load(String location, io.streamrec.model.BundleFiles files) throws BundleException {
        return validate(ModelBundle.read(location, files));
    }

    private static ModelBundle validate(ModelBundle bundle) throws BundleException {
        new FeatureEncoder(bundle); // every feature name must be known: the encoder refuses unknown ones
        GoldenReplay.verify(bundle);
        return bundle;
    }
}
