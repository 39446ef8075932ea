package io.streamrec.eval;

import io.streamrec.event.UserEvent;
import io.streamrec.sim.World;
import java.util.List;

/**
 * The simulator's oracle: after each test event, the user's truly most preferred items at that time
 * ({@link World#trueTopItems}). The shopper's interest is a pure function of (seed, user, time), so a fresh World
 * with the generating configuration answers for any time without regenerating events.
 */
final class Oracle implements Recommender {
    private final World world;

    Oracle(World world) {
        this.world = world;
    }

    /** The oracle's name in the report (listed last). */
    static final String NAME = "oracle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void observe(UserEvent e) {}

    @Override
    public List<String> recommend(UserEvent e, int k) {
        return world.trueTopItems(e.userId, e.ts, k);
    }
}
