package io.streamrec.model;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class InterestVectorTest {
    private static final float[] EMB = {1f, 2f, 3f, /* row 1 */ -1f, 0.5f, 4f};

    @Test
    void firstEventStartsFromZerosWithoutDecay() {
        float[] v = new float[3];
        long last = InterestVector.update(v, InterestVector.NONE, 5_000, 2f, EMB, 0, 60);
        assertEquals(5_000, last);
        assertArrayEquals(new float[]{2f, 4f, 6f}, v);
    }

    @Test
    void oneHalfLifeHalvesTheOldVector() {
        float[] v = new float[3];
        long last = InterestVector.update(v, InterestVector.NONE, 0, 1f, EMB, 0, 60);
        last = InterestVector.update(v, last, 60_000, 1f, EMB, 1, 60);
        assertEquals(60_000, last);
        assertArrayEquals(new float[]{0.5f - 1f, 1f + 0.5f, 1.5f + 4f}, v, 1e-6f);
    }

    @Test
    void unknownItemOnlyDecays() {
        float[] v = {4f, 8f, -2f};
        long last = InterestVector.update(v, 0, 120_000, 3f, EMB, -1, 60);
        assertEquals(120_000, last);
        assertArrayEquals(new float[]{1f, 2f, -0.5f}, v, 1e-6f);
    }

    @Test
    void anOutOfOrderEventDoesNotDecayNorMoveLastTsBack() {
        float[] v = {1f, 1f, 1f};
        long last = InterestVector.update(v, 10_000, 4_000, 1f, EMB, 0, 60);
        assertEquals(10_000, last);
        assertArrayEquals(new float[]{2f, 3f, 4f}, v);
    }

    @Test
    void computesInFloat64AndRoundsOncePerComponent() {
        float[] v = {0.1f};
        float[] emb = {0.3f};
        long last = InterestVector.update(v, 0, 1_234, 0.7f, emb, 0, 17.5);
        double f = Math.pow(2, -(1.234) / 17.5);
        assertEquals((float) ((double) 0.1f * f + (double) 0.7f * (double) 0.3f), v[0]);
        assertEquals(1_234, last);
    }
}
