package io.streamrec.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shared weight rule of the lifecycle tools: W % for the new variant, the rest scaled to fill 100 - W. */
class PlanEditsTest {
    private static ServingPlan plan(Variant... vs) {
        return new ServingPlan(List.of(vs), "2026-12-01T00:00:00Z", "before", List.of());
    }

    @Test
    void firstPublishServesAloneAtHundred() {
        ServingPlan p = PlanEdits.withVariant(null, "retrain", "v1", 10, "t1", "first");
        assertEquals(List.of(new Variant("retrain", "v1", 100)), p.variants());
        assertEquals("t1", p.updated());
        assertEquals("first", p.note());
        assertEquals(List.of(), p.previous());
    }

    @Test
    void newVariantTakesItsShareAndTheOthersScaleProportionally() {
        ServingPlan cur = plan(new Variant("main", "v1", 100));
        ServingPlan p = PlanEdits.withVariant(cur, "retrain", "v2", 10, "t2", "retrain v2");
        assertEquals(List.of(new Variant("main", "v1", 90), new Variant("retrain", "v2", 10)), p.variants());
        // the replaced plan is kept for a rollback
        assertEquals(1, p.previous().size());
        assertEquals(cur.variants(), p.previous().get(0).variants());
        assertEquals("retrain v2", p.note());

        ServingPlan two = plan(new Variant("a", "v1", 60), new Variant("b", "v2", 40));
        assertEquals(List.of(new Variant("a", "v1", 30), new Variant("b", "v2", 20), new Variant("c", "v3", 50)),
                PlanEdits.withVariant(two, "c", "v3", 50, "t", "n").variants());
    }

    @Test
    void roundingKeepsTheSumAtExactlyHundred() {
        ServingPlan three = plan(new Variant("a", "v1", 1), new Variant("b", "v2", 1), new Variant("c", "v3", 1));
        ServingPlan p = PlanEdits.withVariant(three, "d", "v4", 10, "t", "n");
        // 90 / 3 = 30 each
        assertEquals(List.of(30, 30, 30, 10), p.variants().stream().map(Variant::weight).toList());
        ServingPlan q = PlanEdits.withVariant(three, "d", "v4", 11, "t", "n");
        // 89 / 3 = 29.67: the largest remainders (ties: listed first) get the two spare points
        assertEquals(List.of(30, 30, 29, 11), q.variants().stream().map(Variant::weight).toList());
        for (int w = 0; w <= 100; w++) {
            ServingPlan r = PlanEdits.withVariant(plan(new Variant("a", "v1", 70), new Variant("b", "v2", 23)),
                    "c", "v3", w, "t", "n");
            assertEquals(100, r.variants().stream().mapToInt(Variant::weight).sum(), "weight " + w);
        }
    }

    @Test
    void republishingAVariantReplacesItInPlace() {
        ServingPlan cur = plan(new Variant("main", "v1", 90), new Variant("retrain", "v2", 10));
        ServingPlan p = PlanEdits.withVariant(cur, "retrain", "v3", 20, "t", "n");
        assertEquals(List.of(new Variant("main", "v1", 80), new Variant("retrain", "v3", 20)), p.variants());
    }

    @Test
    void fullWeightDropsTheOthersAndZeroWeightKeepsThem() {
        ServingPlan cur = plan(new Variant("main", "v1", 100));
        assertEquals(List.of(new Variant("retrain", "v2", 100)),
                PlanEdits.withVariant(cur, "retrain", "v2", 100, "t", "n").variants());
        assertEquals(List.of(new Variant("main", "v1", 100), new Variant("shadow", "v2", 0)),
                PlanEdits.withVariant(cur, "shadow", "v2", 0, "t", "n").variants());
        // nothing else serves: the variant takes everything rather than leave a plan serving nobody
        ServingPlan idle = plan(new Variant("main", "v1", 100), new Variant("old", "v0", 0));
        assertEquals(List.of(new Variant("main", "v2", 100)),
                PlanEdits.withVariant(plan(new Variant("main", "v1", 100)), "main", "v2", 0, "t", "n").variants());
        assertEquals(List.of(new Variant("main", "v1", 90), new Variant("x", "v3", 10)),
                PlanEdits.withVariant(idle, "x", "v3", 10, "t", "n").variants());
    }

    @Test
    void refusesBadInput() {
        ServingPlan cur = plan(new Variant("main", "v1", 100));
        assertThrows(IllegalArgumentException.class, () -> PlanEdits.withVariant(cur, "r", "v2", 101, "t", "n"));
        assertThrows(IllegalArgumentException.class, () -> PlanEdits.withVariant(cur, "r", "v2", -1, "t", "n"));
        assertThrows(IllegalArgumentException.class, () -> PlanEdits.withVariant(cur, "Bad Name", "v2", 5, "t", "n"));
        assertThrows(IllegalArgumentException.class, () -> PlanEdits.withVariant(cur, "r", "../x", 5, "t", "n"));
    }
}
