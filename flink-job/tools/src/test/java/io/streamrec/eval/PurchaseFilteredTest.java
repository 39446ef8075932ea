package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The baselines under the job's purchased-item filter: the same shop rule as the replayed job applies. */
class PurchaseFilteredTest {
    private static long seq;

    private static UserEvent ev(String user, String item, EventType type) {
        seq++;
        return new UserEvent("e" + seq, user, item, type, 1_700_000_000_000L + seq * 1000);
    }

    @Test
    void dropsEachUsersPurchasedItemsAndStillShowsKItems() {
        Baselines.Popular popular = new Baselines.Popular(1);
        Baselines.Repeat repeat = new Baselines.Repeat(50, popular);
        Recommender filtered = new Baselines.PurchaseFiltered(repeat, 100);
        for (UserEvent e : List.of(ev("u1", "a", EventType.VIEW), ev("u1", "b", EventType.VIEW),
                ev("u2", "c", EventType.VIEW), ev("u1", "b", EventType.PURCHASE))) {
            popular.observe(e);
            filtered.observe(e);
        }
        UserEvent now = ev("u1", "a", EventType.VIEW);
        popular.observe(now);
        filtered.observe(now);
        assertEquals(List.of("a", "b", "c"), repeat.recommend(now, 3), "unfiltered: u1's recent items, then popular");
        assertEquals(List.of("a", "c"), filtered.recommend(now, 3),
                "u1 bought b: it goes, and what follows moves up (only three items were ever seen)");
        UserEvent other = ev("u2", "c", EventType.VIEW);
        popular.observe(other);
        filtered.observe(other);
        assertEquals(repeat.recommend(other, 3), filtered.recommend(other, 3), "u2 bought nothing");
    }

    @Test
    void remembersOnlyTheLastPurchasesLikeTheJobsState() {
        Baselines.Popular popular = new Baselines.Popular(1);
        Recommender filtered = new Baselines.PurchaseFiltered(popular, 2);
        for (String item : List.of("x", "y", "z")) {
            UserEvent e = ev("u1", item, EventType.PURCHASE);
            popular.observe(e);
            filtered.observe(e);
        }
        UserEvent now = ev("u9", "w", EventType.VIEW);
        popular.observe(now);
        filtered.observe(now);
        UserEvent mine = ev("u1", "w", EventType.VIEW);
        popular.observe(mine);
        filtered.observe(mine);
        List<String> l = filtered.recommend(mine, 4);
        assertEquals(List.of("w", "x"), l, "y and z are remembered, x (the oldest of three) is not");
    }
}
