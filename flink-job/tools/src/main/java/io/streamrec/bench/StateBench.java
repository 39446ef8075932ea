package io.streamrec.bench;

import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Section 5a: bytes of state per user, as the job stores them: {@code UserState} through Flink's serializer for
 * {@code TypeInformation.of(UserState.class)} ({@link io.streamrec.state.UserStateSerializer}; Kryo is disabled in
 * the job). Users come from simulated traffic replayed through the job's {@link UserStateUpdater} with the job's
 * default bounds (history max(seq_len, covisit_window, recent-n), 100 purchased/cart items, 64 dedup ids).
 */
final class StateBench {
    static final class Result {
        final String serializer;
        final int users;
        final double meanBytes;
        final long p50Bytes;
        final long p99Bytes;
        final long maxBytes;
        final UserState largest;

        Result(String serializer, int users, double mean, long p50, long p99, long max, UserState largest) {
            this.serializer = serializer;
            this.users = users;
            this.meanBytes = mean;
            this.p50Bytes = p50;
            this.p99Bytes = p99;
            this.maxBytes = max;
            this.largest = largest;
        }
    }

    private StateBench() {}

    static TypeSerializer<UserState> serializer() {
        SerializerConfigImpl cfg = new SerializerConfigImpl();
        cfg.setGenericTypes(false);
        return TypeInformation.of(UserState.class).createSerializer(cfg);
    }

    static int bytes(TypeSerializer<UserState> ser, UserState s) throws java.io.IOException {
        DataOutputSerializer out = new DataOutputSerializer(2048);
        ser.serialize(s, out);
        return out.length();
    }

    /** Replays {@code events} simulated events over {@code users} users and measures every user's state. */
    static Result run(ModelBundle bundle, int users, int events, long seed) throws Exception {
        return run(bundle, users, events, seed, io.streamrec.config.StreamrecOptions.DEDUP_WINDOW.defaultValue());
    }

    /** As {@link #run(ModelBundle, int, int, long)} with another {@code state.dedup-window}. */
    static Result run(ModelBundle bundle, int users, int events, long seed, int dedupWindow) throws Exception {
        Simulator sim = BenchTraffic.simulator(seed, users, false);
        int hist = Math.max(bundle.manifest().seqLen(), Math.max(bundle.manifest().covisitWindow(), 20));
        UserStateUpdater up = new UserStateUpdater(hist, 100, dedupWindow);
        Map<String, UserState> states = new HashMap<>();
        int n = 0;
        while (n < events) {
            SimRecord r = sim.next();
            if (r.event() == null || r.duplicate()) {
                continue;
            }
            UserEvent e = r.event();
            UserState s = states.computeIfAbsent(e.userId, u -> new UserState());
            up.apply(s, BenchTraffic.userEvent(e), bundle);
            n++;
        }
        TypeSerializer<UserState> ser = serializer();
        long[] sizes = new long[states.size()];
        int i = 0;
        long max = -1;
        UserState largest = null;
        double sum = 0;
        for (UserState s : states.values()) {
            long b = bytes(ser, s);
            sizes[i++] = b;
            sum += b;
            if (b > max) {
                max = b;
                largest = s;
            }
        }
        Arrays.sort(sizes);
        return new Result(ser.getClass().getSimpleName(), sizes.length, sum / sizes.length,
                sizes[sizes.length / 2], sizes[(int) Math.min(sizes.length - 1, Math.ceil(0.99 * sizes.length) - 1)],
                max, largest);
    }
}
