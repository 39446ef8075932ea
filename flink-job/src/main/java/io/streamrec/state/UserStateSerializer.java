package io.streamrec.state;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.Arrays;

/**
 * A dense serializer for {@link UserState}, the value every event reads and writes in RocksDB. Flink's POJO serializer
 * spent 4 bytes on every array length, 8 on the sequence number, 4 on every history time offset and a null flag on
 * every field; the largest users then exceeded 1 KiB (docs/BENCHMARKS.md, section 5). Here lengths and the sequence
 * number are varints, history offsets are zigzag varints of their difference to the previous one (events minutes apart
 * take 2–3 bytes), and event types are packed two per byte. Strings use Flink's {@link StringValue} encoding, as the
 * POJO serializer did. The format is versioned by {@link Snapshot}.
 *
 * <p>The history's category keys come last, one byte per event, and only when some event has a category (flag
 * {@code HAS_CATEGORIES}): a log without categories pays nothing, and a value written before they existed reads as
 * all keys 0 ("no category").
 */
public final class UserStateSerializer extends StatelessSerializer<UserState> {
    private static final long serialVersionUID = 1L;

    static final UserStateSerializer INSTANCE = new UserStateSerializer();

    private static final int HAS_INTEREST = 1;
    private static final int HAS_LAST_TS = 2;
    private static final int HAS_MODEL_VERSION = 4;
    private static final int TYPES_PACKED = 8;
    private static final int HAS_CATEGORIES = 16;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public UserState createInstance() {
        return new UserState();
    }

    @Override
    public UserState copy(UserState from) {
        UserState s = new UserState();
        s.interest = from.interest == null ? null : from.interest.clone();
        s.lastTs = from.lastTs;
        s.modelVersion = from.modelVersion;
        s.histItems = from.histItems.clone();
        s.histTypes = from.histTypes.clone();
        s.histCategories = from.histCategories.clone();
        s.histOffsetMs = from.histOffsetMs.clone();
        s.purchased = from.purchased.clone();
        s.cart = from.cart.clone();
        s.seq = from.seq;
        s.recentEventHashes = from.recentEventHashes.clone();
        return s;
    }

    @Override
    public void serialize(UserState s, DataOutputView out) throws IOException {
        boolean packed = true;
        for (byte t : s.histTypes) {
            packed &= t >= 0 && t < 16;
        }
        boolean categories = false;
        for (byte k : s.histCategories) {
            categories |= k != 0;
        }
        int flags = (s.interest != null ? HAS_INTEREST : 0) | (s.lastTs != Long.MIN_VALUE ? HAS_LAST_TS : 0)
                | (s.modelVersion != null ? HAS_MODEL_VERSION : 0) | (packed ? TYPES_PACKED : 0)
                | (categories ? HAS_CATEGORIES : 0);
        out.writeByte(flags);
        if (s.interest != null) {
            CompactIO.writeVarint(out, s.interest.length);
            for (float f : s.interest) {
                out.writeFloat(f);
            }
        }
        if (s.lastTs != Long.MIN_VALUE) {
            out.writeLong(s.lastTs);
        }
        if (s.modelVersion != null) {
            StringValue.writeString(s.modelVersion, out);
        }
        CompactIO.writeStrings(out, s.histItems);
        int n = s.histTypes.length;
        CompactIO.writeVarint(out, n);
        if (packed) {
            for (int i = 0; i < n; i += 2) {
                int lo = s.histTypes[i];
                int hi = i + 1 < n ? s.histTypes[i + 1] : 0;
                out.writeByte(lo | (hi << 4));
            }
        } else {
            out.write(s.histTypes);
        }
        CompactIO.writeVarint(out, s.histOffsetMs.length);
        long prev = 0;
        for (int off : s.histOffsetMs) {
            long delta = (long) off - prev;
            CompactIO.writeVarint(out, (delta << 1) ^ (delta >> 63)); // zigzag: small magnitudes of either sign are short
            prev = off;
        }
        CompactIO.writeStrings(out, s.purchased);
        CompactIO.writeStrings(out, s.cart);
        CompactIO.writeVarint(out, s.seq);
        CompactIO.writeVarint(out, s.recentEventHashes.length);
        for (long h : s.recentEventHashes) {
            out.writeLong(h);
        }
        if (categories) { // one key per history event, whatever the array's length (missing keys are 0)
            out.write(s.histCategories.length == s.histItems.length ? s.histCategories
                    : Arrays.copyOf(s.histCategories, s.histItems.length));
        }
    }

    @Override
    public UserState deserialize(DataInputView in) throws IOException {
        UserState s = new UserState();
        int flags = in.readUnsignedByte();
        if ((flags & HAS_INTEREST) != 0) {
            float[] v = new float[CompactIO.readLength(in)];
            for (int i = 0; i < v.length; i++) {
                v[i] = in.readFloat();
            }
            s.interest = v;
        }
        if ((flags & HAS_LAST_TS) != 0) {
            s.lastTs = in.readLong();
        }
        if ((flags & HAS_MODEL_VERSION) != 0) {
            s.modelVersion = InternedStrings.read(in);
        }
        s.histItems = CompactIO.readStrings(in);
        int n = CompactIO.readLength(in);
        byte[] types = new byte[n];
        if ((flags & TYPES_PACKED) != 0) {
            for (int i = 0; i < n; i += 2) {
                int b = in.readUnsignedByte();
                types[i] = (byte) (b & 15);
                if (i + 1 < n) {
                    types[i + 1] = (byte) (b >>> 4);
                }
            }
        } else {
            in.readFully(types);
        }
        s.histTypes = types;
        int[] offsets = new int[CompactIO.readLength(in)];
        long prev = 0;
        for (int i = 0; i < offsets.length; i++) {
            long z = CompactIO.readVarint(in);
            prev += (z >>> 1) ^ -(z & 1);
            offsets[i] = (int) prev;
        }
        s.histOffsetMs = offsets;
        s.purchased = CompactIO.readStrings(in);
        s.cart = CompactIO.readStrings(in);
        s.seq = CompactIO.readVarint(in);
        long[] hashes = new long[CompactIO.readLength(in)];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = in.readLong();
        }
        s.recentEventHashes = hashes;
        s.histCategories = new byte[s.histItems.length];
        if ((flags & HAS_CATEGORIES) != 0) {
            in.readFully(s.histCategories);
        }
        return s;
    }

    @Override
    public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot: the format has one version so far, and restores to this serializer. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
