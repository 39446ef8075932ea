package io.streamrec.state;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
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
 *
 * <p>Formats ({@link Snapshot} records which one a checkpoint holds): 1 ends after the category keys; 2 (current) adds
 * {@link UserState#lastList} after them, a varint length and 4 bytes per (32-bit) hash. The length is written even
 * when it is 0 (one byte), so a reader must know the format: the current one fails on format-1 bytes (or, in a stream
 * of values, would read the next value's first byte as the length). A checkpoint of format 1 is therefore read by
 * {@link Format1Serializer} (lists empty) and rewritten in format 2, which Flink does because the snapshot says
 * "compatible after migration".
 * The committed files under {@code src/test/resources/state-compat/user-state} prove every format still restores.
 */
public final class UserStateSerializer extends AbstractUserStateSerializer {
    private static final long serialVersionUID = 1L;

    static final UserStateSerializer INSTANCE = new UserStateSerializer();

    /** The format this serializer writes. */
    static final int CURRENT_FORMAT = 2;

    private static final int HAS_INTEREST = 1;
    private static final int HAS_LAST_TS = 2;
    private static final int HAS_MODEL_VERSION = 4;
    private static final int TYPES_PACKED = 8;
    private static final int HAS_CATEGORIES = 16;

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
        s.lastList = from.lastList.clone();
        return s;
    }

    @Override
    public void serialize(UserState s, DataOutputView out) throws IOException {
        write(s, out, CURRENT_FORMAT);
    }

    @Override
    public UserState deserialize(DataInputView in) throws IOException {
        return read(in, CURRENT_FORMAT);
    }

    /** Writes {@code s} in {@code format} (1 leaves out the last list). */
    static void write(UserState s, DataOutputView out, int format) throws IOException {
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
        if (format >= 2) {
            CompactIO.writeVarint(out, s.lastList.length);
            for (int h : s.lastList) {
                out.writeInt(h);
            }
        }
    }

    /** Reads a value written in {@code format}; fields the format lacks keep their defaults. */
    static UserState read(DataInputView in, int format) throws IOException {
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
        if (format >= 2) {
            int[] last = new int[CompactIO.readLength(in)];
            for (int i = 0; i < last.length; i++) {
                last[i] = in.readInt();
            }
            s.lastList = last;
        }
        return s;
    }

    @Override
    public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
        return new Snapshot(CURRENT_FORMAT);
    }

    /**
     * Reads (and writes) format 1, the state of releases before {@link UserState#lastList}: the serializer a format-1
     * snapshot restores, which Flink uses to read the old state before rewriting it with the current serializer.
     */
    public static final class Format1Serializer extends AbstractUserStateSerializer {
        private static final long serialVersionUID = 1L;
        static final Format1Serializer INSTANCE = new Format1Serializer();

        @Override
        public UserState copy(UserState from) {
            return UserStateSerializer.INSTANCE.copy(from);
        }

        @Override
        public void serialize(UserState s, DataOutputView out) throws IOException {
            write(s, out, 1);
        }

        @Override
        public UserState deserialize(DataInputView in) throws IOException {
            return read(in, 1);
        }

        @Override
        public TypeSerializerSnapshot<UserState> snapshotConfiguration() {
            return new Snapshot(1);
        }
    }

    /**
     * The serializer's snapshot in checkpoints: which format the state was written in. Snapshot versions 1 to 3 are
     * those of Flink's {@code SimpleTypeSerializerSnapshot}, which format 1 used (it wrote version 3, no payload);
     * version 4 writes the format number. The current serializer reads its own format as is and format 1 after
     * migration; a format this code does not know (a newer release's) is refused rather than mis-read. The state of
     * the releases before this serializer ("format 0", Flink's POJO serializer, whose snapshot restores it) is
     * compatible after migration too: the POJO fields it lacks (category keys, last list) take their defaults.
     */
    public static final class Snapshot implements TypeSerializerSnapshot<UserState> {
        private static final int VERSION = 4;
        /** The last snapshot version of format 1, written by {@code SimpleTypeSerializerSnapshot}. */
        private static final int FORMAT1_VERSION = 3;

        private int format;

        /** For Flink, which creates the snapshot and then reads it. */
        public Snapshot() {
            this(CURRENT_FORMAT);
        }

        Snapshot(int format) {
            this.format = format;
        }

        /** The state format this snapshot describes. */
        public int format() {
            return format;
        }

        @Override
        public int getCurrentVersion() {
            return VERSION;
        }

        @Override
        public void writeSnapshot(DataOutputView out) throws IOException {
            out.writeInt(format);
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader) throws IOException {
            if (readVersion == FORMAT1_VERSION) {
                format = 1;
            } else if (readVersion == VERSION) {
                format = in.readInt();
                if (format < 1 || format > CURRENT_FORMAT) {
                    throw new IOException("user state in format " + format + ", this release reads formats 1 to "
                            + CURRENT_FORMAT + ": restore it with the release that wrote it");
                }
            } else {
                throw new IOException("unknown user state serializer snapshot version " + readVersion);
            }
        }

        @Override
        public TypeSerializer<UserState> restoreSerializer() {
            return format == 1 ? Format1Serializer.INSTANCE : INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<UserState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<UserState> oldSnapshot) {
            if (oldSnapshot instanceof PojoSerializerSnapshot) { // format 0: Flink reads it with its POJO serializer
                return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
            }
            if (!(oldSnapshot instanceof Snapshot old) || old.format > format) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return old.format == format ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
