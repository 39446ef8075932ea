package io.streamrec.catalog;

import io.streamrec.sink.Recommendation;
import io.streamrec.sink.ScoredList;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TopKSelectorTest {
    /** h1, a, h2, b are the ranked list (h* in the history window); c, d are extras for discovery only. */
    private static ScoredList ranked() {
        ScoredList l = new ScoredList();
        l.userId = "u";
        l.items = new String[] {"h1", "a", "h2", "b", "c", "d"};
        l.scores = new float[] {6, 5, 4, 3, 2, 1};
        l.sources = new String[] {"recent", "covisit", "recent", "retrieval", "online_covisit", "popular"};
        l.because = new String[6];
        l.extra = 2;
        l.skipInDiscover = new boolean[] {true, false, true, false, false, false};
        return l;
    }

    private static List<String> ids(Recommendation.RecommendedItem[] items) {
        return Arrays.stream(items).map(it -> it.itemId).toList();
    }

    @Test
    void discoveryListSkipsHistoryItemsAndUsesTheExtras() {
        Recommendation r = new TopKSelector(3, new UnregisteredMetricsGroup()).select(ranked(), item -> false);
        assertEquals(List.of("h1", "a", "h2"), ids(r.items));
        assertEquals(List.of("a", "b", "c"), ids(r.discover));
        assertEquals(5f, r.discover[0].score);
        assertEquals("online_covisit", r.discover[2].source);
    }

    @Test
    void mainListNeverTakesAnExtraAndBothListsSkipUnavailableItems() {
        Set<String> outOfStock = Set.of("a", "c");
        Recommendation r = new TopKSelector(4, new UnregisteredMetricsGroup()).select(ranked(), outOfStock::contains);
        assertEquals(List.of("h1", "h2", "b"), ids(r.items)); // c and d are extras: not in the main list
        assertEquals(List.of("b", "d"), ids(r.discover));
    }

    @Test
    void noDiscoveryListWithoutHistoryMarks() {
        ScoredList l = ranked();
        l.skipInDiscover = null;
        l.extra = 0;
        Recommendation r = new TopKSelector(10, new UnregisteredMetricsGroup()).select(l, item -> false);
        assertEquals(6, r.items.length);
        assertNull(r.discover);
    }
}
