package io.streamrec.candidates;

import io.streamrec.job.ListChunkSerializers;
import io.streamrec.state.SerializerUpgradeFiles;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The committed {@link ListChunk} values (the live tables' operator state) of every chunk format, rebuilt from plain
 * arithmetic: an empty chunk, a list without entries, a co-visitation-like chunk, and extreme stamps, weights and
 * ids. The format number is the chunk's own ({@code ListChunk.VERSION}), which it writes into every chunk.
 */
public final class ListChunkUpgradeSpec implements SerializerUpgradeFiles.UpgradeSpec<ListChunk> {
    @Override
    public String name() {
        return "list-chunk";
    }

    @Override
    public int currentFormat() {
        return 2;
    }

    @Override
    public TypeSerializer<ListChunk> currentSerializer() {
        return ListChunkSerializers.current();
    }

    @Override
    public List<ListChunk> values(int format) {
        List<ListChunk> v = new ArrayList<>();
        v.add(new ListChunk(0));
        ListChunk lonely = new ListChunk(1); // a key whose list is empty
        set(lonely, 0, "item-0", 7L, new String[0], new double[0]);
        v.add(lonely);
        ListChunk table = new ListChunk(6);
        for (int i = 0; i < 6; i++) {
            int n = 1 + i * 3;
            String[] ids = new String[n];
            double[] weights = new double[n];
            for (int j = 0; j < n; j++) {
                ids[j] = "item-" + (i * 101 + j * 13) % 997;
                weights[j] = (n - j) * 0.25 + i / 8.0;
            }
            set(table, i, "item-" + i * 7, 1_700_000_000_000L + i, ids, weights);
        }
        v.add(table);
        ListChunk extremes = new ListChunk(2);
        set(extremes, 0, "cat/ünïcödé-𝄞", Long.MAX_VALUE, new String[] {"", "x"},
                new double[] {Double.MIN_VALUE, Double.MAX_VALUE});
        set(extremes, 1, "", Long.MIN_VALUE, new String[] {"nan"}, new double[] {Double.NaN});
        v.add(extremes);
        if (format == 1) { // format 1 had no stamps: they read as 0
            for (ListChunk c : v) {
                Arrays.fill(c.stamps, 0L);
            }
        }
        return v;
    }

    /**
     * The snapshot class format 1 was written with: the serializer of the online co-visitation table's chunks before
     * the category table shared the chunk format ({@code OnlineChunkTypeInfo}, a {@code SimpleTypeSerializerSnapshot}
     * of version 3 with no payload).
     */
    static final String FORMAT1_SNAPSHOT_CLASS = "io.streamrec.job.OnlineChunkTypeInfo$Snapshot";

    /**
     * Writes format 1's folder: the snapshot as {@code writeVersionedSnapshot} wrote it (class name, version 3), and
     * the values as {@code OnlineCovisitation.Chunk.write} of that release wrote them (the current code writes only
     * format 2, so this is that method's layout, kept here: version 1, count, then per list its key, entry count and
     * (id, weight) pairs, strings as an int length and UTF-8).
     */
    public static Path writeFormat1(Path root) throws IOException {
        Path dir = root.resolve("list-chunk").resolve("1");
        Files.createDirectories(dir);
        DataOutputSerializer snapshot = new DataOutputSerializer(64);
        snapshot.writeUTF(FORMAT1_SNAPSHOT_CLASS);
        snapshot.writeInt(3);
        Files.write(dir.resolve(SerializerUpgradeFiles.SNAPSHOT_FILE), snapshot.getCopyOfBuffer());
        List<ListChunk> values = new ListChunkUpgradeSpec().values(1);
        DataOutputSerializer data = new DataOutputSerializer(1024);
        data.writeInt(values.size());
        for (ListChunk c : values) {
            DataOutputSerializer one = new DataOutputSerializer(256);
            one.writeInt(1);
            one.writeInt(c.size());
            for (int i = 0; i < c.size(); i++) {
                writeFormat1String(one, c.keys[i]);
                one.writeInt(c.counts[i]);
                for (int j = 0; j < c.counts[i]; j++) {
                    writeFormat1String(one, c.ids[i][j]);
                    one.writeDouble(c.weights[i][j]);
                }
            }
            data.writeInt(one.length());
            data.write(one.getSharedBuffer(), 0, one.length());
        }
        Files.write(dir.resolve(SerializerUpgradeFiles.DATA_FILE), data.getCopyOfBuffer());
        return dir;
    }

    private static void writeFormat1String(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void set(ListChunk c, int i, String key, long stamp, String[] ids, double[] weights) {
        c.keys[i] = key;
        c.stamps[i] = stamp;
        c.counts[i] = ids.length;
        c.ids[i] = ids;
        c.weights[i] = weights;
    }

    @Override
    public void assertSameValue(ListChunk expected, ListChunk actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": lists");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.keys[i], actual.keys[i], what + ": key " + i);
            assertEquals(expected.stamps[i], actual.stamps[i], what + ": stamp " + i);
            assertEquals(expected.counts[i], actual.counts[i], what + ": count " + i);
            assertArrayEquals(expected.ids[i], actual.ids[i], what + ": ids " + i);
            assertArrayEquals(expected.weights[i], actual.weights[i], what + ": weights " + i);
        }
    }
}
