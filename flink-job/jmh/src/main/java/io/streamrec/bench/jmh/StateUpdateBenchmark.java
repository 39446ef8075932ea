package io.streamrec.bench.jmh;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.io.IOException;
import java.util.Random;

/**
 * The per-event state work of RecommendFunction on a saturated user (full history, full dedup window):
 * {@code apply} = UserStateUpdater.apply (dedup check, interest decay/update, history and set shifts, seq);
 * {@code serialize}/{@code deserialize} = what every RocksDB write/read of the value costs in Flink's POJO
 * serializer (the job's TypeInformation.of(UserState.class)); {@code readModifyWrite} = all three, as per event.
 */
public class StateUpdateBenchmark extends HotPathBenchmark {
    @Param({"classpath:default"})
    public String bundle;

    @Param({"64"})
    public int dedupWindow;

    private ModelBundle b;
    private UserStateUpdater updater;
    private UserState state;
    private UserEvent[] events;
    private int next;
    private long ts;
    private TypeSerializer<UserState> serializer;
    private DataOutputSerializer out;
    private DataInputDeserializer in;
    private byte[] bytes;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        b = BundleLoader.load(bundle);
        int hist = Math.max(b.manifest().seqLen(), Math.max(b.manifest().covisitWindow(), 20));
        updater = new UserStateUpdater(hist, 100, dedupWindow);
        Random rnd = new Random(5);
        int n = b.items().size();
        events = new UserEvent[4096];
        EventType[] types = {EventType.VIEW, EventType.VIEW, EventType.VIEW, EventType.CLICK,
                EventType.ADD_TO_CART, EventType.PURCHASE};
        for (int i = 0; i < events.length; i++) {
            events[i] = new UserEvent("e" + i, "u1", b.items().idOf(1 + rnd.nextInt(n)),
                    types[rnd.nextInt(types.length)], 0L);
            events[i].category = "category-" + (i % 20); // the state keeps a key per history event
        }
        state = new UserState();
        ts = 1_700_000_000_000L;
        for (int i = 0; i < 500; i++) {
            apply();
        }
        SerializerConfigImpl cfg = new SerializerConfigImpl();
        cfg.setGenericTypes(false);
        serializer = TypeInformation.of(UserState.class).createSerializer(cfg);
        out = new DataOutputSerializer(4096);
        in = new DataInputDeserializer();
        serializer.serialize(state, out);
        bytes = out.getCopyOfBuffer();
    }

    @Benchmark
    public long apply() {
        UserEvent e = events[next++ & (events.length - 1)];
        // a fresh id and time each call, so the dedup check never short-circuits
        e.eventId = "e" + next;
        ts += 1_500;
        e.ts = ts;
        updater.apply(state, e, b);
        return state.seq;
    }

    @Benchmark
    public int serialize() throws IOException {
        out.clear();
        serializer.serialize(state, out);
        return out.length();
    }

    @Benchmark
    public UserState deserialize() throws IOException {
        in.setBuffer(bytes);
        return serializer.deserialize(in);
    }

    @Benchmark
    public int readModifyWrite() throws IOException {
        in.setBuffer(bytes);
        UserState s = serializer.deserialize(in);
        UserEvent e = events[next++ & (events.length - 1)];
        e.eventId = "e" + next;
        ts += 1_500;
        e.ts = ts;
        updater.apply(s, e, b);
        out.clear();
        serializer.serialize(s, out);
        return out.length();
    }
}
