package io.streamrec.candidates;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of a bounded table's checkpoint: whole weighted lists, each a key (an item, a category) with a stamp and
 * its {@code (id, weight)} entries. {@link OnlineCovisitation} and {@link CategoryPopularity} freeze themselves into
 * chunks on the task thread and the checkpoint's asynchronous part writes them, so one format and one Flink
 * serializer serve both. Chunks are what operator state hands to instances on rescale; a restoring table merges the
 * lists it receives.
 *
 * <p>Immutable once frozen: a table's chunk shares the table's arrays, which the table copies before it changes them
 * again.
 */
public final class ListChunk {
    /** Format 2 adds the per-list stamp; format 1 (online tables of earlier releases) is still read, stamps 0. */
    private static final int VERSION = 2;

    final String[] keys;
    final long[] stamps;
    final int[] counts;
    final String[][] ids;
    final double[][] weights;

    ListChunk(int n) {
        keys = new String[n];
        stamps = new long[n];
        counts = new int[n];
        ids = new String[n][];
        weights = new double[n][];
    }

    /** Writes the list of table slot {@code slot} into entry {@code i} of a chunk being frozen. */
    interface SlotWriter {
        void write(ListChunk chunk, int i, int slot);
    }

    /**
     * A table's slots in chunks of at most {@code perChunk} lists, least recently used first (the order a restore
     * replays them in, so the restored table's recency order is the same); {@code writer} fills each entry.
     */
    static List<ListChunk> freeze(SlotRecency recency, int perChunk, SlotWriter writer) {
        List<ListChunk> chunks = new ArrayList<>();
        int per = Math.max(1, perChunk);
        int slot = recency.tail();
        while (slot >= 0) {
            int n = 0;
            for (int x = slot; x >= 0 && n < per; x = recency.newer(x)) {
                n++;
            }
            ListChunk chunk = new ListChunk(n);
            for (int i = 0; i < n; i++, slot = recency.newer(slot)) {
                writer.write(chunk, i, slot);
            }
            chunks.add(chunk);
        }
        return chunks;
    }

    /** Lists in this chunk. */
    public int size() {
        return keys.length;
    }

    /** Writes the chunk: version, list count, then per list its key, stamp, count and (id, weight) pairs. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(VERSION);
        out.writeInt(keys.length);
        for (int i = 0; i < keys.length; i++) {
            writeString(out, keys[i]);
            out.writeLong(stamps[i]);
            int c = counts[i];
            out.writeInt(c);
            for (int j = 0; j < c; j++) {
                writeString(out, ids[i][j]);
                out.writeDouble(weights[i][j]);
            }
        }
    }

    /** Reads a chunk written by {@link #write} (or by format 1, which had no stamps). */
    public static ListChunk read(DataInput in) throws IOException {
        int version = in.readInt();
        if (version != 1 && version != VERSION) {
            throw new IllegalStateException("list chunk format " + version + ", this reader knows 1 and " + VERSION);
        }
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt list chunk: " + n + " lists");
        }
        ListChunk c = new ListChunk(n);
        for (int i = 0; i < n; i++) {
            c.keys[i] = readString(in);
            c.stamps[i] = version == 1 ? 0L : in.readLong();
            int k = in.readInt();
            if (k < 0) {
                throw new IOException("corrupt list chunk: " + k + " entries");
            }
            c.counts[i] = k;
            c.ids[i] = new String[k];
            c.weights[i] = new double[k];
            for (int j = 0; j < k; j++) {
                c.ids[i][j] = readString(in);
                c.weights[i][j] = in.readDouble();
            }
        }
        return c;
    }

    private static void writeString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInput in) throws IOException {
        int len = in.readInt();
        if (len < 0 || len > 1 << 20) {
            throw new IOException("corrupt list chunk: an id of " + len + " bytes");
        }
        byte[] b = new byte[len];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
