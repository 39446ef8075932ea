package io.streamrec.sim;

import io.streamrec.catalog.ItemUpdate;
import io.streamrec.event.UserEvent;
import io.streamrec.event.UserEventJson;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The output stage on top of a {@link World}: serialises events and catalogue updates to JSON, mixes in malformed
 * records and exact duplicates at configurable rates, and optionally restamps times with a wall clock (live mode).
 */
public final class Simulator {
    private final World world;
    private final double malformedRate;
    private final double duplicateRate;
    private final LongSupplier wallClock; // null = keep simulated time
    private final SplittableRandom rng;
    private final ArrayDeque<SimRecord> pending = new ArrayDeque<>();
    private final List<long[]> dupCountdown = new ArrayList<>(); // [remaining records, index into dupBuffer]
    private final List<SimRecord> dupBuffer = new ArrayList<>();

    private long events;
    private long malformed;
    private long duplicates;
    private long updates;

    /**
     * @param malformedRate probability, per good event, of also sending a malformed record
     * @param duplicateRate probability, per good event, of re-sending it exactly a few records later
     * @param wallClock if non-null, every event's and update's ts is this clock at generation time
     */
    public Simulator(World world, double malformedRate, double duplicateRate, LongSupplier wallClock) {
        if (malformedRate < 0 || malformedRate >= 1 || duplicateRate < 0 || duplicateRate >= 1) {
            throw new IllegalArgumentException("rates must be in [0,1)");
        }
        this.world = world;
        this.malformedRate = malformedRate;
        this.duplicateRate = duplicateRate;
        this.wallClock = wallClock;
        this.rng = SimRandom.rng(world.config().seed, 7, 0);
    }

    public World world() { return world; }
    public long eventsSent() { return events; }
    public long malformedSent() { return malformed; }
    public long duplicatesSent() { return duplicates; }
    public long updatesSent() { return updates; }

    /** The whole catalogue as update records, for the start of a run. */
    public List<SimRecord> catalogueSnapshot() {
        long ts = wallClock != null ? wallClock.getAsLong() : world.config().startMs;
        List<SimRecord> out = new ArrayList<>();
        for (ItemUpdate u : world.catalogueSnapshot(ts)) {
            out.add(new SimRecord(true, u.itemId, world.catalogue().recordValue(u), null, u, null, false));
        }
        return out;
    }

    /** The next record to write. */
    public SimRecord next() {
        if (!pending.isEmpty()) {
            return count(pending.poll());
        }
        // Due duplicates go out first.
        for (int i = 0; i < dupCountdown.size(); i++) {
            long[] c = dupCountdown.get(i);
            if (--c[0] <= 0) {
                dupCountdown.remove(i);
                SimRecord orig = dupBuffer.set((int) c[1], null);
                compactDupBuffer();
                return count(new SimRecord(false, orig.key(), orig.value(), orig.event(), null, null, true));
            }
        }
        Object o = world.next(); // a new object: restamping it changes nothing the world keeps
        if (o instanceof ItemUpdate u) {
            if (wallClock != null) {
                u.ts = wallClock.getAsLong();
            }
            return count(new SimRecord(true, u.itemId, world.catalogue().recordValue(u), null, u, null, false));
        }
        UserEvent e = (UserEvent) o;
        if (wallClock != null) {
            e.ts = wallClock.getAsLong();
        }
        SimRecord good = new SimRecord(false, e.userId, UserEventJson.toJsonBytes(e), e, null, null, false);
        if (duplicateRate > 0 && rng.nextDouble() < duplicateRate) {
            dupBuffer.add(good);
            dupCountdown.add(new long[] {1 + rng.nextInt(20), dupBuffer.size() - 1});
        }
        if (malformedRate > 0 && rng.nextDouble() < malformedRate) {
            Malformer.Kind kind = Malformer.pickKind(rng);
            UserEvent basis = withEventId(e, e.eventId + "x");
            pending.add(good);
            return count(new SimRecord(false, e.userId, Malformer.malform(basis, kind, rng), null, null, kind, false));
        }
        return count(good);
    }

    /** A copy of {@code e} (every field the contract has) with another event id. */
    static UserEvent withEventId(UserEvent e, String eventId) {
        UserEvent c = new UserEvent(eventId, e.userId, e.itemId, e.type, e.ts);
        c.sessionId = e.sessionId;
        c.category = e.category;
        c.price = e.price;
        c.query = e.query;
        c.device = e.device;
        c.page = e.page;
        return c;
    }

    private void compactDupBuffer() {
        if (dupCountdown.isEmpty()) {
            dupBuffer.clear();
        }
    }

    private SimRecord count(SimRecord r) {
        if (r.itemUpdate()) {
            updates++;
        } else if (r.malformed() != null) {
            malformed++;
        } else if (r.duplicate()) {
            duplicates++;
        } else {
            events++;
        }
        return r;
    }
}
