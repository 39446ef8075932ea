package io.streamrec.state;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.apache.flink.util.Collector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole operator snapshots of the keyed {@link UserState}, as a checkpoint holds them: the state registered through
 * {@link UserStateDescriptor} (so the value serializer sits inside Flink's TTL serializer, as in the job), one user per
 * committed value, on the heap backend (values in one stream: a reader that takes too few or too many bytes reads the
 * next user wrongly) and on RocksDB (one entry per user; a restore with a compatible-after-migration serializer rewrites
 * every entry). Committed beside the serializer files by {@link StateCompatGeneratorTest}; restored by
 * {@link UserStateSerializerUpgradeTest}.
 */
final class UserStateOperatorSnapshots {
    /** A TTL no test will outlive (the state expires this long after it was written). */
    static final long TTL_MS = 100L * 365 * 24 * 3600 * 1000;

    private UserStateOperatorSnapshots() {
    }

    static String fileName(String backend) {
        return "operator-snapshot-" + backend;
    }

    static StateBackend backend(String name) {
        return name.equals("rocksdb") ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    }

    /** Puts {@code values} under keys {@code user-0..}, snapshots the operator and writes the snapshot to {@code file}. */
    static void write(String backend, List<UserState> values, Path file) throws Exception {
        write(backend, values, file, null);
    }

    /**
     * The same with the state's type information of an older release ({@code null}: the current one), in a descriptor
     * like that release's: the same name, TTL on.
     */
    static void write(String backend, List<UserState> values, Path file, TypeInformation<UserState> type)
            throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, UserState> h = harness(backend, values, type)) {
            h.open();
            for (int i = 0; i < values.size(); i++) {
                h.processElement(new StreamRecord<>("put:" + i));
            }
            OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
            OperatorSnapshotUtil.writeStateHandle(snapshot, file.toString());
        }
    }

    /** Restores {@code file} with the current code and returns the users' states, user-0 first (null when missing). */
    static List<UserState> restore(String backend, int users, Path file) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, String, UserState> h =
                harness(backend, List.of(), null)) {
            h.initializeState(OperatorSnapshotUtil.readStateHandle(file.toString()));
            h.open();
            List<UserState> out = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                int before = h.extractOutputValues().size();
                h.processElement(new StreamRecord<>("get:" + i));
                List<UserState> all = h.extractOutputValues();
                out.add(all.size() > before ? all.get(all.size() - 1) : null);
            }
            return out;
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, UserState> harness(String backend,
            List<UserState> values, TypeInformation<UserState> type) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, String, UserState> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new Holder(values, type)),
                        e -> "user-" + e.substring(4), Types.STRING);
        h.setStateBackend(backend(backend));
        return h;
    }

    /** {@code put:i} stores value i for user-i; {@code get:i} emits user-i's state if there is one. */
    private static final class Holder extends KeyedProcessFunction<String, String, UserState> {
        private static final long serialVersionUID = 1L;
        private final List<UserState> values;
        private final TypeInformation<UserState> type;
        private transient ValueState<UserState> state;

        Holder(List<UserState> values, TypeInformation<UserState> type) {
            this.values = new ArrayList<>(values);
            this.type = type;
        }

        @Override
        public void open(OpenContext openContext) {
            ValueStateDescriptor<UserState> d = UserStateDescriptor.create(TTL_MS);
            if (type != null) {
                d = new ValueStateDescriptor<>(UserStateDescriptor.NAME, type);
                d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(TTL_MS))
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .cleanupInRocksdbCompactFilter(1000)
                        .build());
            }
            state = getRuntimeContext().getState(d);
        }

        @Override
        public void processElement(String e, Context ctx, Collector<UserState> out) throws Exception {
            int i = Integer.parseInt(e.substring(4));
            if (e.startsWith("put:")) {
                state.update(values.get(i));
            } else if (state.value() != null) {
                out.collect(state.value());
            }
        }
    }
}
