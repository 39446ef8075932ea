package io.streamrec.model;

/**
 * Where a bundle's files come from: a directory, a zip, the classpath, or any file system the caller can read (the
 * model store reads through Flink's). Why an interface: {@link ModelBundle#read(String, BundleFiles)} runs the same
 * checks whatever holds the files, and the model package stays free of Flink.
 */
@FunctionalInterface
public interface BundleFiles {
    /**
     * The file's bytes, or null if it does not exist.
     *
     * @param name a file name from manifest.json, relative to the bundle's root
     */
    byte[] read(String name) throws BundleException;
}
