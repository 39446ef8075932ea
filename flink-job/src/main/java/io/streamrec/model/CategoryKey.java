package io.streamrec.model;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The one-byte category key each history event keeps (docs/MODEL_BUNDLE.md, "Re-visit order"): 0 for an event
 * without a category, else {@code 1 + CRC-32(UTF-8 bytes) mod 255}. The re-visit order's {@code same_category}
 * features compare history items' keys with the trigger's.
 *
 * <p>Why a key and not the category: the state budget (1 KiB per user, docs/BENCHMARKS.md section 5) leaves room for
 * one byte per history event, not a string. Two different categories share a key with probability 1/255, which only
 * blurs a feature that the fit weighs accordingly. model-export computes the same key
 * ({@code features.category_key}).
 */
public final class CategoryKey {
    /** The key of an event without a category. */
    public static final byte NONE = 0;

    private CategoryKey() {
    }

    /** The key of {@code category}; {@link #NONE} for null or empty. */
    public static byte of(String category) {
        if (category == null || category.isEmpty()) {
            return NONE;
        }
        CRC32 crc = new CRC32();
        crc.update(category.getBytes(StandardCharsets.UTF_8));
        return (byte) (1 + crc.getValue() % 255);
    }

    /** The key as an int in [0, 255]. */
    public static int unsigned(byte key) {
        return key & 0xff;
    }
}
