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

    /**
     * {@link #score} for two queries in one pass: each column value is loaded once for both, which the batched scan
     * ({@link ExactScan#batch}) is bound by. Each query's scores are bit-identical to {@link #score}'s.
     */
    static void score2(float[] qa, float[] qb, int d, float[][] cols, int rows, float[] outA, float[] outB) {
        Arrays.fill(outA, 0, rows, 0f);
        Arrays.fill(outB, 0, rows, 0f);
        int j = 0;
        for (; j + 4 <= d; j += 4) {
            float a0 = qa[j];
            float a1 = qa[j + 1];
            float a2 = qa[j + 2];
            float a3 = qa[j + 3];
            float b0 = qb[j];
            float b1 = qb[j + 1];
            float b2 = qb[j + 2];
            float b3 = qb[j + 3];
            float[] c0 = cols[j];
            float[] c1 = cols[j + 1];
            float[] c2 = cols[j + 2];
            float[] c3 = cols[j + 3];
            for (int r = 0; r < rows; r++) {
                float x0 = c0[r];
                float x1 = c1[r];
                float x2 = c2[r];
                float x3 = c3[r];
                float sa = outA[r];
                sa += a0 * x0;
                sa += a1 * x1;
                sa += a2 * x2;
                sa += a3 * x3;
                outA[r] = sa;
                float sb = outB[r];
                sb += b0 * x0;
                sb += b1 * x1;
                sb += b2 * x2;
                sb += b3 * x3;
                outB[r] = sb;
            }
        }
        for (; j < d; j++) {
            float qaj = qa[j];
            float qbj = qb[j];
            float[] c = cols[j];
            for (int r = 0; r < rows; r++) {
                float x = c[r];
                outA[r] += qaj * x;
                outB[r] += qbj * x;
            }
        }
    }
}
