package io.streamrec.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/** Deterministic top-k selection over scored ids: higher score first, ties by id (lexicographic). */
final class TopItems {
    private TopItems() {}

    private static final Comparator<Map.Entry<String, Double>> WORST_FIRST =
            Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue)
                    .thenComparing(Map.Entry::getKey, Comparator.reverseOrder());

    /** The {@code k} best ids of {@code scores}, skipping {@code exclude} (may be null). */
    static List<String> of(Map<String, ? extends Number> scores, int k, Set<String> exclude) {
        PriorityQueue<Map.Entry<String, Double>> heap = new PriorityQueue<>(k + 1, WORST_FIRST);
        for (Map.Entry<String, ? extends Number> e : scores.entrySet()) {
            if (exclude != null && exclude.contains(e.getKey())) {
                continue;
            }
            Map.Entry<String, Double> c = Map.entry(e.getKey(), e.getValue().doubleValue());
            if (heap.size() < k) {
                heap.add(c);
            } else if (WORST_FIRST.compare(c, heap.peek()) > 0) {
                heap.poll();
                heap.add(c);
            }
        }
        List<String> out = new ArrayList<>(heap.size());
        while (!heap.isEmpty()) {
            out.add(heap.poll().getKey());
        }
        Collections.reverse(out);
        return out;
    }

    /**
     * The indices of the {@code k} highest of {@code scores[from..to)}, best first; ties go to the lower index. For
     * the scores of a model over its whole vocabulary (the retrieval and gru4rec baselines).
     */
    static int[] best(float[] scores, int from, int to, int k) {
        int m = Math.max(0, Math.min(k, to - from));
        int[] best = new int[m];
        float[] bestS = new float[m];
        int filled = 0;
        for (int i = from; i < to && m > 0; i++) {
            float v = scores[i];
            if (filled == m && !(v > bestS[m - 1])) {
                continue;
            }
            int p = filled < m ? filled++ : m - 1;
            while (p > 0 && bestS[p - 1] < v) {
                bestS[p] = bestS[p - 1];
                best[p] = best[p - 1];
                p--;
            }
            bestS[p] = v;
            best[p] = i;
        }
        return filled == m ? best : java.util.Arrays.copyOf(best, filled);
    }

    /** Appends ids of {@code filler} not yet in {@code list} until it has {@code k} entries. */
    static List<String> fill(List<String> list, List<String> filler, int k) {
        if (list.size() >= k) {
            return list;
        }
        List<String> out = new ArrayList<>(list);
        Set<String> in = new java.util.HashSet<>(list);
        for (String s : filler) {
            if (out.size() >= k) {
                break;
            }
            if (in.add(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
