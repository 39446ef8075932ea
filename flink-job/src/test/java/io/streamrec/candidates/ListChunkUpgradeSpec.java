package io.streamrec.candidates;

import io.streamrec.job.ListChunkSerializers;
import io.streamrec.state.SerializerUpgradeFiles;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.util.ArrayList;
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
        return v;
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
