package io.streamrec.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one-byte category key: the same values as model-export's {@code features.category_key}. */
class CategoryKeyTest {

    @Test
    void matchesModelExportsKeysIncludingNonAscii() {
        // values printed by model-export: category_key("shoes") etc. (CRC-32 of the UTF-8 bytes, mod 255, plus 1)
        assertEquals(253, CategoryKey.unsigned(CategoryKey.of("shoes")));
        assertEquals(189, CategoryKey.unsigned(CategoryKey.of("Schuhe \u00fc")));
        assertEquals(84, CategoryKey.unsigned(CategoryKey.of("4145813")));
        assertEquals(3, CategoryKey.unsigned(CategoryKey.of("c1")));
        assertEquals(62, CategoryKey.unsigned(CategoryKey.of("c2")));
    }

    @Test
    void noCategoryIsKeyZeroAndEveryCategoryIsNonZero() {
        assertEquals(CategoryKey.NONE, CategoryKey.of(null));
        assertEquals(CategoryKey.NONE, CategoryKey.of(""));
        for (int i = 0; i < 10_000; i++) {
            int k = CategoryKey.unsigned(CategoryKey.of("category-" + i));
            assertEquals(true, k >= 1 && k <= 255, "key " + k);
        }
    }
}
