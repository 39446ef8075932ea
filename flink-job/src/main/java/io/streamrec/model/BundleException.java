package io.streamrec.model;

/**
 * A model bundle failed a check of the contract (docs/MODEL_BUNDLE.md). The message always names the bundle, the check
 * that failed and the file or manifest key involved, so an operator can fix the bundle from the log line alone.
 */
public final class BundleException extends Exception {
    private static final long serialVersionUID = 1L;

    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
