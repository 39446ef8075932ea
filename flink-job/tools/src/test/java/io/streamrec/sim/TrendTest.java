package io.streamrec.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamrec.event.UserEvent;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The population-level trend shift: without it the world is the one it always was; with it, launched items appear
 * only after the shift and take a visible share, and the rising categories gain for everyone.
 */
class TrendTest {

    private static String digest(SimConfig cfg, int n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        Simulator sim = new Simulator(new World(cfg), 0, 0, null);
        while (sim.eventsSent() < n) {
            SimRecord r = sim.next();
            if (!r.itemUpdate()) {
                md.update(r.value());
                md.update((byte) '\n');
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void withoutAShiftTheDefaultOutputIsUnchanged() throws Exception {
        // bin/streamrec simulate --events 20000 --seed 42 --out F, before the trend existed
        assertEquals("4ceeb9b837fcbbcf7f5f0e4226a4bf19", digest(SimConfig.defaults(), 20_000));
        // with a shift the world differs even before it: the items launched at the shift are not on sale yet
    }

    @Test
    void afterTheShiftLaunchedItemsSellAndRisingCategoriesGain() {
        SimConfig cfg = SimConfig.defaults().users(400).items(400).categories(10).trendShiftHours(24);
        World w = new World(cfg);
        long shift = cfg.trendShiftMs;
        long[] before = new long[2]; // events, of which in rising categories
        long[] after = new long[2];
        long launchedBefore = 0;
        long launchedAfter = 0;
        int launchedCount = 0;
        for (int i = 0; i < cfg.items; i++) {
            launchedCount += w.launchedAtShift(i) ? 1 : 0;
        }
        assertEquals(12, launchedCount); // 3 % of 400
        while (true) {
            if (!(w.next() instanceof UserEvent e)) {
                continue;
            }
            if (e.ts >= shift + 24 * 3_600_000L) {
                break;
            }
            int item = w.catalogue().indexOf(e.itemId);
            boolean rising = w.risesAtShift(w.catalogue().categoryOf(item));
            long[] c = e.ts < shift ? before : after;
            c[0]++;
            c[1] += rising ? 1 : 0;
            if (w.launchedAtShift(item)) {
                if (e.ts < shift) {
                    launchedBefore++;
                } else {
                    launchedAfter++;
                }
            }
        }
        assertEquals(0, launchedBefore, "no launched item is on sale before the shift");
        double launchedShare = (double) launchedAfter / after[0];
        assertTrue(launchedShare > 0.05, "launched items take a visible share after the shift: " + launchedShare);
        double risingBefore = (double) before[1] / before[0];
        double risingAfter = (double) after[1] / after[0];
        assertTrue(risingAfter > 2 * risingBefore, "rising categories: " + risingBefore + " -> " + risingAfter);
    }
}
