package io.streamrec.candidates;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A {@link ListChunk}'s bytes as the operator state's serializer writes them, and back: for the tables' tests. */
final class ChunkBytes {
    private ChunkBytes() {
    }

    static byte[] bytes(ListChunk c) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(b);
            c.write(out);
            out.flush();
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ListChunk chunk(byte[] b) {
        try {
            return ListChunk.read(new DataInputStream(new ByteArrayInputStream(b)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
