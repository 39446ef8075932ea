package io.streamrec.store;

import java.util.regex.Pattern;

/**
 * One arm of an A/B split: its name (written on every list it serves as {@code variant}), the bundle version it
 * serves from the store's {@code versions/} folder, and its weight (a share of users, relative to the other
 * variants' weights).
 */
public record Variant(String name, String version, int weight) {
    /** What a variant name may be: it is a metric label and a JSON value. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    /** What a version may be: it is a folder name on every file system. */
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** The variant name of a job whose {@code model.path} is a single bundle rather than a store. */
    public static final String SINGLE = "main";

    public Variant {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("variant name '" + name + "' must match " + NAME.pattern());
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("variant " + name + ": version '" + version + "' must match "
                    + VERSION.pattern());
        }
        if (weight < 0) {
            throw new IllegalArgumentException("variant " + name + ": weight must be >= 0, got " + weight);
        }
    }
}
