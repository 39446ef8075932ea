package io.streamrec.state;

import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class InternedStringsTest {

    @Test
    void readsWhatStringValueWroteForAnyText() throws Exception {
        Random r = new Random(7);
        List<String> written = new ArrayList<>();
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        for (int i = 0; i < 2000; i++) {
            int len = r.nextInt(i % 10 == 0 ? 300 : 20);
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < len; j++) {
                // ASCII, Latin-1, CJK and surrogate halves: every width of StringValue's variable-length chars
                int kind = r.nextInt(4);
                b.append((char) (kind == 0 ? r.nextInt(0x80) : kind == 1 ? 0x80 + r.nextInt(0x780)
                        : kind == 2 ? 0x4e00 + r.nextInt(0x5000) : 0xd800 + r.nextInt(0x800)));
            }
            String s = i % 50 == 0 ? null : b.toString();
            written.add(s);
            StringValue.writeString(s, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        InternedStrings strings = new InternedStrings();
        for (String s : written) {
            assertEquals(s, strings.readString(in));
        }
        assertEquals(0, in.available());
    }

    @Test
    void returnsTheSameInstanceForARepeatedId() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringValue.writeString("i00042", out);
        StringValue.writeString("i00042", out);
        StringValue.writeString("i00043", out);
        StringValue.writeString(null, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        InternedStrings strings = new InternedStrings();
        String first = strings.readString(in);
        assertSame(first, strings.readString(in));
        assertEquals("i00043", strings.readString(in));
        assertNull(strings.readString(in));
    }

    @Test
    void doesNotCacheLongStrings() throws Exception {
        String longText = "x".repeat(InternedStrings.MAX_CACHED + 1);
        DataOutputSerializer out = new DataOutputSerializer(256);
        StringValue.writeString(longText, out);
        StringValue.writeString(longText, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        InternedStrings strings = new InternedStrings();
        String a = strings.readString(in);
        String b = strings.readString(in);
        assertEquals(longText, a);
        assertEquals(longText, b);
        assertNotSame(a, b);
    }
}
