package io.streamrec.candidates;

import java.util.Arrays;

/**
 * Inner products of one query with a block of vectors stored column by column ({@code cols[j][r]} = dimension j of
 * row r), the layout of the exact scan's tiles ({@link io.streamrec.model.ItemIndex#columnTiles()}) and of the IVF
 * lists ({@link IvfIndex}). Why this layout: every access in the inner loop uses the row index, so the JIT vectorises
 * it, and eight dimensions per pass cut the score loads and stores to an eighth. Each score is still summed in
 * dimension order, so it is bit-identical to a sequential dot product.
 */
final class ColumnScan {
    private ColumnScan() {
    }

    /** Writes {@code q · row r} to {@code out[r]} for {@code r < rows}; {@code d} is the number of dimensions. */
    static void score(float[] q, int d, float[][] cols, int rows, float[] out) {
        int j = 0;
        if (d >= 8) {
            pass8(q, 0, cols, rows, out, true);
            j = 8;
        } else {
            Arrays.fill(out, 0, rows, 0f);
        }
        for (; j + 8 <= d; j += 8) {
            pass8(q, j, cols, rows, out, false);
        }
        for (; j < d; j++) {
            float qj = q[j];
            float[] c = cols[j];
            for (int r = 0; r < rows; r++) {
                out[r] += qj * c[r];
            }
        }
    }

    /**
     * Adds dimensions {@code j..j+8} to every row's sum, in order; {@code first} starts the sums at 0 instead of
     * reading them (the same value: {@code 0f + x} is what the sum would hold).
     */
    private static void pass8(float[] q, int j, float[][] cols, int rows, float[] out, boolean first) {
        float q0 = q[j];
        float q1 = q[j + 1];
        float q2 = q[j + 2];
        float q3 = q[j + 3];
        float q4 = q[j + 4];
        float q5 = q[j + 5];
        float q6 = q[j + 6];
        float q7 = q[j + 7];
        float[] c0 = cols[j];
        float[] c1 = cols[j + 1];
        float[] c2 = cols[j + 2];
        float[] c3 = cols[j + 3];
        float[] c4 = cols[j + 4];
        float[] c5 = cols[j + 5];
        float[] c6 = cols[j + 6];
        float[] c7 = cols[j + 7];
        for (int r = 0; r < rows; r++) {
            float acc = first ? 0f : out[r];
            acc += q0 * c0[r];
            acc += q1 * c1[r];
            acc += q2 * c2[r];
            acc += q3 * c3[r];
            acc += q4 * c4[r];
            acc += q5 * c5[r];
            acc += q6 * c6[r];
            acc += q7 * c7[r];
            out[r] = acc;
        }
    }
}
