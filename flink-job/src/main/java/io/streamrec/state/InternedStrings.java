package io.streamrec.state;

import org.apache.flink.types.StringValue;

import java.io.DataInput;
import java.io.IOException;

/**
 * Reads strings written by {@link StringValue#writeString} through a small per-thread cache of the strings read last,
 * so that ids read over and over (the items of every user's history, every ranked list's items and sources) do not
 * each become a new {@code String}. The bytes are Flink's: nothing about the format changes.
 *
 * <p>Why: a JFR allocation profile at half load put a quarter of the job's ~35 KB per event in
 * {@code StringValue.readString} (the user state read from RocksDB and the ranked list crossing to the catalog filter),
 * and each ~20 s of that garbage cost one concurrent GC cycle, a burst in the latency tail (docs/BENCHMARKS.md).
 *
 * <p>The cache is direct-mapped (a slot per hash, the newest string wins), so it is bounded and a miss costs only the
 * allocation it would have cost anyway. Strings longer than {@value #MAX_CACHED} characters are not cached.
 */
public final class InternedStrings {
    static final int SLOTS = 8192;
    static final int MAX_CACHED = 64;
    private static final ThreadLocal<InternedStrings> LOCAL = ThreadLocal.withInitial(InternedStrings::new);

    private final String[] slots = new String[SLOTS];
    private char[] buf = new char[MAX_CACHED];

    /** Reads one string (or null) in {@link StringValue}'s encoding, through this thread's cache. */
    public static String read(DataInput in) throws IOException {
        return LOCAL.get().readString(in);
    }

    String readString(DataInput in) throws IOException {
        int len = readVarChar(in, in.readUnsignedByte());
        if (len == 0) {
            return null;
        }
        len -= 1; // StringValue stores length + 1, so that 0 can mean null
        if (len > buf.length) {
            buf = new char[Math.max(len, buf.length * 2)];
        }
        int h = 0;
        for (int i = 0; i < len; i++) {
            char c = (char) readVarChar(in, in.readUnsignedByte());
            buf[i] = c;
            h = 31 * h + c;
        }
        if (len > MAX_CACHED) {
            return new String(buf, 0, len);
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        String s = slots[slot];
        if (s != null && s.length() == len && s.hashCode() == h && sameChars(s, len)) {
            return s;
        }
        s = new String(buf, 0, len);
        slots[slot] = s;
        return s;
    }

    private boolean sameChars(String s, int len) {
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != buf[i]) {
                return false;
            }
        }
        return true;
    }

    /** StringValue's variable-length number: 7 bits per byte, low bits first, high bit set on all but the last. */
    private static int readVarChar(DataInput in, int first) throws IOException {
        if (first < 0x80) {
            return first;
        }
        int v = first & 0x7f;
        int shift = 7;
        int b;
        while ((b = in.readUnsignedByte()) >= 0x80) {
            v |= (b & 0x7f) << shift;
            shift += 7;
        }
        return v | (b << shift);
    }
}
