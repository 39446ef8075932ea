package io.streamrec.candidates;

import java.util.Arrays;

/**
 * Inner products of one query with a block of vectors stored column by column ({@code cols[j][r]} = dimension j of
 * row r), the layout of the exact scan's tiles ({@link io.streamrec.model.ItemIndex#columnTiles()}) and of the IVF
 * lists ({@link IvfIndex}). Why this layout: every access in the inner loop uses the row index, so the JIT vectorises
 * it, and four dimensions per pass cut the score loads and stores to a quarter. Each score is still summed in
 * dimension order, so it is bit-identical to a sequential dot product.
 */
final class ColumnScan {
    private ColumnScan() {
    }

    /** Writes {@code q · row r} to {@code out[r]} for {@code r < rows}; {@code d} is the number of dimensions. */
    static void score(float[] q, int d, float[][] cols, int rows, float[] out) {
        Arrays.fill(out, 0, rows, 0f);
        int j = 0;
        for (; j + 4 <= d; j += 4) {
            float q0 = q[j];
            float q1 = q[j + 1];
            float q2 = q[j + 2];
            float q3 = q[j + 3];
            float[] c0 = cols[j];
            float[] c1 = cols[j + 1];
            float[] c2 = cols[j + 2];
            float[] c3 = cols[j + 3];
            for (int r = 0; r < rows; r++) {
                float acc = out[r];
                acc += q0 * c0[r];
                acc += q1 * c1[r];
                acc += q2 * c2[r];
                acc += q3 * c3[r];
                out[r] = acc;
            }
        }
        for (; j < d; j++) {
            float qj = q[j];
            float[] c = cols[j];
            for (int r = 0; r < rows; r++) {
                out[r] += qj * c[r];
            }
        }
    }
}
