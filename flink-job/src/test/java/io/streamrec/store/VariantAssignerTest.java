package io.streamrec.store;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The A/B split: a user's variant does not depend on which instance (TaskManager, restart) computes it, the shares
 * follow the weights, and a weight change moves only the users whose bucket changes hands.
 */
class VariantAssignerTest {
    private static final int USERS = 100_000;

    @Test
    void theSameUserGetsTheSameVariantFromEveryInstance() {
        VariantAssigner one = new VariantAssigner(new int[] {30, 30, 40});
        VariantAssigner two = VariantAssigner.of(List.of(new Variant("a", "v1", 30), new Variant("b", "v2", 30),
                new Variant("c", "v3", 40)));
        for (int i = 0; i < 10_000; i++) {
            String user = "user-" + i;
            assertEquals(one.assign(user), two.assign(user), user);
            assertEquals(one.assign(user), one.assign(new String(user.toCharArray())), user);
        }
    }

    @Test
    void fiftyFiftySplitsWithinOnePercent() {
        VariantAssigner assigner = new VariantAssigner(new int[] {50, 50});
        int[] counts = new int[2];
        for (int i = 0; i < USERS; i++) {
            counts[assigner.assign("u" + i)]++;
        }
        assertTrue(Math.abs(counts[0] - USERS / 2) <= USERS / 100, "a=" + counts[0] + " b=" + counts[1]);
    }

    @Test
    void movingTenPercentToANewVariantMovesOnlyThoseUsers() {
        VariantAssigner before = new VariantAssigner(new int[] {100, 0});
        VariantAssigner after = new VariantAssigner(new int[] {90, 10});
        int moved = 0;
        for (int i = 0; i < USERS; i++) {
            String user = "shopper-" + i;
            assertEquals(0, before.assign(user), "a zero weight serves nobody");
            int now = after.assign(user);
            if (now != 0) {
                assertEquals(1, now);
                moved++;
            }
        }
        assertTrue(Math.abs(moved - USERS / 10) <= USERS / 100, "moved " + moved);
    }

    @Test
    void bucketsAreInRangeAndWeightsAreChecked() {
        for (int i = 0; i < 1000; i++) {
            int b = VariantAssigner.bucket("x" + i);
            assertTrue(b >= 0 && b < VariantAssigner.BUCKETS, "bucket " + b);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new VariantAssigner(new int[] {0, 0}))
                .getMessage().contains("positive weight"));
        assertThrows(IllegalArgumentException.class, () -> new VariantAssigner(new int[] {-1, 5}));
    }
}
