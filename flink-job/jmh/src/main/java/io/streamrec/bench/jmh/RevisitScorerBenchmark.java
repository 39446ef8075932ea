package io.streamrec.bench.jmh;

import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.CandidateSource;
import io.streamrec.event.EventType;
import io.streamrec.ranking.RevisitScorer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The re-visit order per event, as the rank operator runs it: {@code prepare} (the 50-event window's distinct items,
 * their features and scores) and {@code refill} of a 40-entry list. {@code features} compares the first ten
 * features with the current fifteen (the ten plus the transition counts and the category keys; docs/EVALUATION.md,
 * the re-visit order's features) in one run.
 * Histories look like Taobao's: 50 events over about 20 distinct items in 6 categories, so items repeat and the
 * trigger's item has neighbours.
 */
public class RevisitScorerBenchmark extends HotPathBenchmark {
    private static final List<String> TEN = List.of("log_rank", "inv_rank", "rank_0", "rank_1", "rank_2",
            "log_count", "log_minutes", "seen_click", "seen_add_to_cart", "seen_purchase");
    private static final int L = 50;
    private static final int HISTORIES = 1024;

    @Param({"ten", "fifteen"})
    public String features;

    private RevisitScorer scorer;
    private String[][] hist;
    private EventType[][] types;
    private long[][] ts;
    private byte[][] categories;
    private CandidateSet[] candidates;
    private final int[] order = new int[40];
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        List<String> names = features.equals("ten") ? TEN : RevisitScorer.FEATURES.stream()
                .filter(f -> TEN.contains(f) || !f.startsWith("seen_")).toList();
        scorer = new RevisitScorer(names, new SplittableRandom(3).doubles(names.size(), -1, 1).toArray(), L);
        SplittableRandom rnd = new SplittableRandom(5);
        EventType[] kinds = {EventType.VIEW, EventType.VIEW, EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART,
                EventType.PURCHASE};
        hist = new String[HISTORIES][L];
        types = new EventType[HISTORIES][L];
        ts = new long[HISTORIES][L];
        categories = new byte[HISTORIES][L];
        candidates = new CandidateSet[HISTORIES];
        long t0 = 1_764_000_000_000L;
        for (int h = 0; h < HISTORIES; h++) {
            candidates[h] = new CandidateSet(128);
            for (int p = 0; p < L; p++) {
                int item = rnd.nextInt(20);
                hist[h][p] = "u" + h + "-i" + item;
                types[h][p] = kinds[rnd.nextInt(kinds.length)];
                ts[h][p] = t0 - p * 90_000L;
                categories[h][p] = (byte) (1 + item % 6);
            }
            for (int c = 0; c < 100; c++) { // the 20 most recent distinct items are candidates, like the job's
                candidates[h].add(c < 20 ? "u" + h + "-i" + c : "other-" + c, 0, CandidateSource.RETRIEVAL);
            }
        }
    }

    @Benchmark
    public int prepareAndRefill() {
        int h = next++ & (HISTORIES - 1);
        scorer.prepare(hist[h], types[h], ts[h], categories[h], L, ts[h][0]);
        for (int j = 0; j < order.length; j++) {
            order[j] = (j * 7 + h) % 100;
        }
        return scorer.refill(order, order.length, candidates[h], null);
    }
}
