package io.streamrec.bench.jmh;

import io.streamrec.candidates.CategoryPopularity;
import io.streamrec.candidates.ItemScores;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.util.SplittableRandom;

/**
 * The category popularity table of the neighbour-ordered discovery list, per event: {@code observe} = one event's
 * count, {@code scoresAndPool} = the event's category read into the reusable scores and its best top-K + 20 + 50
 * (history) items taken, as the rank operator runs them with the discovery list on. A long-tail stream: items drawn
 * with a cubed uniform (a few very popular), {@code categories} categories, full tables of {@code items} per category
 * after {@code warmEvents} events, one minute of event time per thousand events.
 */
public class CategoryPopularityBenchmark extends HotPathBenchmark {
    private static final int POOL = 90;

    @Param({"200"})
    public int items;

    @Param({"1000"})
    public int categories;

    @Param({"1000000"})
    public int warmEvents;

    private CategoryPopularity table;
    private String[] itemIds;
    private String[] categoryIds;
    private final SplittableRandom rnd = new SplittableRandom(5);
    private final ItemScores scores = new ItemScores();
    private final String[] pool = new String[POOL];
    private long ts = 1_764_000_000_000L;

    @Setup(Level.Trial)
    public void setup() {
        table = new CategoryPopularity(items, 10_000, 7L * 86_400_000L);
        int catalogue = categories * items * 5;
        itemIds = new String[catalogue];
        for (int i = 0; i < catalogue; i++) {
            itemIds[i] = "i" + i;
        }
        categoryIds = new String[categories];
        for (int c = 0; c < categories; c++) {
            categoryIds[c] = "c" + c;
        }
        for (int i = 0; i < warmEvents; i++) {
            observe();
        }
    }

    private int draw() {
        double u = rnd.nextDouble();
        return (int) (u * u * u * itemIds.length);
    }

    @Benchmark
    public int observe() {
        int i = draw();
        ts += 60;
        table.observe(categoryIds[i % categories], itemIds[i], ts);
        return i;
    }

    @Benchmark
    public int scoresAndPool() {
        int i = draw();
        table.scores(categoryIds[i % categories], ts, scores);
        return scores.top(POOL, pool, null);
    }
}
