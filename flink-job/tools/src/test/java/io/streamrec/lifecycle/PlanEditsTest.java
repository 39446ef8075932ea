package io.streamrec.lifecycle;

import io.streamrec.store.ServingPlan;
import io.streamrec.store.Variant;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The weight rules of the {@code model} commands: percentages that always sum to 100, order kept, history popped. */
class PlanEditsTest {
    private static ServingPlan plan(Variant... vs) {
        return new ServingPlan(List.of(vs), "t0", "n0", List.of());
    }

    private static List<Integer> weights(List<Variant> vs) {
        return vs.stream().map(Variant::weight).toList();
    }

    @Test
    void aNewVariantTakesItsShareAndTheOthersAreScaledToTheRest() throws Exception {
        ServingPlan p = plan(new Variant("a", "v1", 50), new Variant("b", "v2", 30), new Variant("c", "v3", 20));
        List<Variant> next = PlanEdits.publish(p, "d", 33, "v4");
        assertEquals(List.of("a", "b", "c", "d"), next.stream().map(Variant::name).toList());
        assertEquals(List.of(34, 20, 13, 33), weights(next), "67 split 50:30:20 = 33.5:20.1:13.4, sum kept");
        assertEquals(100, weights(next).stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void oneHundredSilencesTheOthersAndZeroPublishesDark() throws Exception {
        ServingPlan p = plan(new Variant("a", "v1", 60), new Variant("b", "v2", 40));
        assertEquals(List.of(0, 100), weights(PlanEdits.publish(p, "b", 100, "v3")));
        assertEquals(List.of(60, 40, 0), weights(PlanEdits.publish(p, "dark", 0, "v3")));
    }

    @Test
    void weightsNameSomeVariantsAndTheRestShare() throws Exception {
        List<Variant> vs = List.of(new Variant("a", "v1", 60), new Variant("b", "v2", 20), new Variant("c", "v3",
                20));
        Map<String, Integer> w = new LinkedHashMap<>();
        w.put("a", 40);
        assertEquals(List.of(40, 30, 30), weights(PlanEdits.withWeights(vs, w)));
        w.put("b", 70);
        assertTrue(assertThrows(PlanEdits.Refused.class, () -> PlanEdits.withWeights(vs, w)).getMessage()
                .contains("sum to 110"));
        assertTrue(assertThrows(PlanEdits.Refused.class, () -> PlanEdits.withWeights(vs, Map.of("a", 0, "b", 0,
                "c", 0))).getMessage().contains("sum to 0 %, not 100"));
        assertTrue(assertThrows(PlanEdits.Refused.class, () -> PlanEdits.setWeight(vs, "a", 101)).getMessage()
                .contains("[0, 100]"));
    }

    @Test
    void theFirstPublishServesAloneAndAPlainPublishUpgradesTheHeaviest() throws Exception {
        assertEquals(List.of(new Variant("a", "v1", 100)), PlanEdits.publish(null, null, null, "v1"));
        assertEquals(List.of(new Variant("x", "v1", 100)), PlanEdits.publish(null, "x", 100, "v1"));
        assertThrows(PlanEdits.Refused.class, () -> PlanEdits.publish(null, null, 50, "v1"));
        ServingPlan p = plan(new Variant("a", "v1", 30), new Variant("b", "v2", 70));
        assertEquals(List.of(new Variant("a", "v1", 30), new Variant("b", "v9", 70)),
                PlanEdits.publish(p, null, null, "v9"));
    }

    @Test
    void rollbackPopsTheHistory() throws Exception {
        ServingPlan p = plan(new Variant("a", "v1", 100))
                .then(List.of(new Variant("a", "v2", 100)), "t1", "n1")
                .then(List.of(new Variant("a", "v3", 100)), "t2", "n2");
        ServingPlan back = PlanEdits.rollback(p, "t3");
        assertEquals("v2", back.variants().get(0).version());
        assertEquals(1, back.previous().size());
        assertEquals("v1", back.previous().get(0).variants().get(0).version());
        assertEquals("t3", back.updated());
        assertTrue(back.note().contains("t1") && back.note().contains("n1"), back.note());
        ServingPlan first = PlanEdits.rollback(back, "t4");
        assertThrows(PlanEdits.Refused.class, () -> PlanEdits.rollback(first, "t5"));
    }

    @Test
    void retrainsPlanEditServesAloneOnANewStoreAndScalesTheOthersOtherwise() {
        ServingPlan first = PlanEdits.withVariant(null, "retrain", "v1", 10, "t1", "first");
        assertEquals(List.of(new Variant("retrain", "v1", 100)), first.variants());
        ServingPlan cur = new ServingPlan(List.of(new Variant("main", "v1", 100)), "t0", "", List.of());
        ServingPlan next = PlanEdits.withVariant(cur, "retrain", "v2", 10, "t1", "retrain v2");
        assertEquals(List.of(new Variant("main", "v1", 90), new Variant("retrain", "v2", 10)), next.variants());
        assertEquals(cur.variants(), next.previous().get(0).variants());
        ServingPlan again = PlanEdits.withVariant(next, "retrain", "v3", 20, "t2", "retrain v3");
        assertEquals(List.of(new Variant("main", "v1", 80), new Variant("retrain", "v3", 20)), again.variants(),
                "a republished variant is replaced in place");
        for (int w = 0; w <= 100; w++) {
            ServingPlan three = new ServingPlan(List.of(new Variant("a", "v1", 33), new Variant("b", "v2", 33),
                    new Variant("c", "v3", 34)), "t", "", List.of());
            assertEquals(100, PlanEdits.withVariant(three, "r", "v4", w, "t", "n").variants().stream()
                    .mapToInt(Variant::weight).sum(), "weight " + w);
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PlanEdits.withVariant(cur, "r", "v2", 101, "t", "n"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PlanEdits.withVariant(cur, "Bad Name", "v2", 5, "t", "n"));
    }
}
