package io.streamrec.ranking;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ListAssemblerTest {
    @Test
    void topIndicesOrdersBestFirst() {
        float[] s = {0.1f, 0.9f, -1f, 0.5f, 0.9f, 0.3f};
        assertArrayEquals(new int[] {1, 4, 3}, ListAssembler.topIndices(s, s.length, 3));
        assertArrayEquals(new int[] {1, 4, 3, 5, 0, 2}, ListAssembler.topIndices(s, s.length, 6));
    }
}
