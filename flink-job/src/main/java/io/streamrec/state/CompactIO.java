package io.streamrec.state;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The small encodings the hand-written serializers share: unsigned varints for lengths and counters, and string
 * arrays as a varint length followed by {@link StringValue}-encoded strings, read back through
 * {@link InternedStrings}. One place, so that the per-user state and the ranked list cannot drift apart.
 */
public final class CompactIO {
    /** The largest array length a reader accepts: anything longer is corrupt data, not a real list. */
    static final int MAX_LENGTH = 1 << 20;

    private CompactIO() {}

    /** Unsigned LEB128: 7 bits per byte, high bit set on all but the last. */
    public static void writeVarint(DataOutputView out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    public static long readVarint(DataInputView in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("corrupt serialized data: varint longer than 10 bytes");
    }

    /** A varint that must be an array length. */
    public static int readLength(DataInputView in) throws IOException {
        long n = readVarint(in);
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("corrupt serialized data: array length " + n);
        }
        return (int) n;
    }

    /** A non-null array of strings (elements may be null). */
    public static void writeStrings(DataOutputView out, String[] a) throws IOException {
        writeVarint(out, a.length);
        for (String x : a) {
            StringValue.writeString(x, out);
        }
    }

    public static String[] readStrings(DataInputView in) throws IOException {
        String[] a = new String[readLength(in)];
        for (int i = 0; i < a.length; i++) {
            a[i] = InternedStrings.read(in);
        }
        return a;
    }
}
