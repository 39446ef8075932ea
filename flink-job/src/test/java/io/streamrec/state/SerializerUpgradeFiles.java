package io.streamrec.state;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Committed serializer snapshots and values of every format a hand-written state serializer ever wrote, in the manner
 * of Flink's serializer upgrade tests: {@code state-compat/<serializer>/<format>/serializer-snapshot} holds the
 * snapshot as {@link TypeSerializerSnapshot#writeVersionedSnapshot} wrote it into a checkpoint, and {@code test-data}
 * holds {@link UpgradeSpec#values} of that format, each length-prefixed (one value per RocksDB entry, so a reader
 * that does not consume exactly its bytes is caught). Why committed files: a test that writes and reads with the same
 * code cannot notice that the code changed the format; these bytes were written by the release that owned the format.
 * A format change adds a folder and never rewrites an old one. {@link StateCompatGenerator} writes the folders.
 */
public final class SerializerUpgradeFiles {
    public static final String SNAPSHOT_FILE = "serializer-snapshot";
    public static final String DATA_FILE = "test-data";

    private SerializerUpgradeFiles() {
    }

    /**
     * What one serializer's committed files must satisfy: its name (the folder), the format its current code writes,
     * deterministic values per format (rebuilt by the test, never read back from the files), and a field-by-field
     * comparison.
     */
    public interface UpgradeSpec<T> {
        String name();

        int currentFormat();

        TypeSerializer<T> currentSerializer();

        /** The values written in {@code format}'s folder, as that format held them. */
        List<T> values(int format);

        /** {@code values(format)} as the current code must see them after a restore (new fields at defaults). */
        default List<T> restored(int format) {
            return values(format);
        }

        void assertSameValue(T expected, T actual, String what);
    }

    /** Writes the current format's folder under {@code root}: the snapshot, then the values. */
    public static <T> Path write(UpgradeSpec<T> spec, Path root) throws IOException {
        return write(spec, spec.currentFormat(), spec.currentSerializer(), root);
    }

    /** Writes {@code format}'s folder with {@code serializer}, the one that format was written with. */
    public static <T> Path write(UpgradeSpec<T> spec, int format, TypeSerializer<T> serializer, Path root)
            throws IOException {
        Path dir = root.resolve(spec.name()).resolve(String.valueOf(format));
        Files.createDirectories(dir);
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshot, serializer.snapshotConfiguration());
        Files.write(dir.resolve(SNAPSHOT_FILE), snapshot.getCopyOfBuffer());
        Files.write(dir.resolve(DATA_FILE), serializeAll(serializer, spec.values(format)));
        return dir;
    }

    /** The values, as {@code count, (length, bytes)*}. */
    public static <T> byte[] serializeAll(TypeSerializer<T> serializer, List<T> values) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        out.writeInt(values.size());
        DataOutputSerializer one = new DataOutputSerializer(256);
        for (T v : values) {
            one.clear();
            serializer.serialize(v, one);
            out.writeInt(one.length());
            out.write(one.getSharedBuffer(), 0, one.length());
        }
        return out.getCopyOfBuffer();
    }

    /** Reads values written by {@link #serializeAll}; each must consume exactly its own bytes. */
    public static <T> List<T> deserializeAll(TypeSerializer<T> serializer, byte[] data) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(data);
        int n = in.readInt();
        List<T> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] one = new byte[in.readInt()];
            in.readFully(one);
            DataInputDeserializer valueIn = new DataInputDeserializer(one);
            values.add(serializer.deserialize(valueIn));
            assertEquals(0, valueIn.available(), "value " + i + " left bytes unread: a silent mis-read");
        }
        assertEquals(0, in.available(), "trailing bytes after " + n + " values");
        return values;
    }

    /** The committed folder of {@code format} (from the test classpath). */
    public static Path folder(UpgradeSpec<?> spec, int format) {
        URL root = SerializerUpgradeFiles.class.getResource("/state-compat");
        assertTrue(root != null, "no state-compat folder on the test classpath");
        try {
            Path dir = Paths.get(root.toURI()).resolve(spec.name()).resolve(String.valueOf(format));
            assertTrue(Files.isDirectory(dir), "no committed files for " + spec.name() + " format " + format);
            return dir;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The committed snapshot of {@code format}, read as a restoring job reads it from a checkpoint. */
    public static <T> TypeSerializerSnapshot<T> readSnapshot(UpgradeSpec<T> spec, int format) throws IOException {
        byte[] b = Files.readAllBytes(folder(spec, format).resolve(SNAPSHOT_FILE));
        DataInputDeserializer in = new DataInputDeserializer(b);
        TypeSerializerSnapshot<T> snapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(in, SerializerUpgradeFiles.class.getClassLoader());
        assertEquals(0, in.available(), "snapshot of format " + format + " not read to its end");
        return snapshot;
    }

    /**
     * The whole upgrade path of one committed format, as a restore takes it: read the old snapshot, resolve it against
     * the current serializer's snapshot (returned, for the caller to assert), read the committed values with the
     * restore serializer and compare them with {@link UpgradeSpec#restored}; then write them with the current
     * serializer and read them back unchanged.
     */
    public static <T> TypeSerializerSchemaCompatibility<T> checkUpgrade(UpgradeSpec<T> spec, int format)
            throws IOException {
        TypeSerializerSnapshot<T> old = readSnapshot(spec, format);
        TypeSerializer<T> current = spec.currentSerializer();
        TypeSerializerSchemaCompatibility<T> compat = current.snapshotConfiguration().resolveSchemaCompatibility(old);
        assertTrue(!compat.isIncompatible(), spec.name() + " format " + format + ": " + compat);
        TypeSerializer<T> reader = compat.isCompatibleWithReconfiguredSerializer()
                ? compat.getReconfiguredSerializer() : old.restoreSerializer();
        byte[] data = Files.readAllBytes(folder(spec, format).resolve(DATA_FILE));
        List<T> expected = spec.restored(format);
        List<T> read = deserializeAll(reader, data);
        assertEquals(expected.size(), read.size(), "values in " + spec.name() + " format " + format);
        for (int i = 0; i < read.size(); i++) {
            spec.assertSameValue(expected.get(i), read.get(i), spec.name() + " format " + format + " value " + i);
        }
        List<T> again = deserializeAll(current, serializeAll(current, read));
        for (int i = 0; i < again.size(); i++) {
            spec.assertSameValue(expected.get(i), again.get(i),
                    spec.name() + " format " + format + " value " + i + " rewritten in format "
                            + spec.currentFormat());
        }
        return compat;
    }
}
