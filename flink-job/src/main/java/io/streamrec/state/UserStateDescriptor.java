package io.streamrec.state;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.time.Duration;

/**
 * The descriptor of the keyed {@link UserState}: its name, serializer and TTL (written on create and write, expired
 * state never returned, cleaned up by RocksDB's compaction filter every 1000 entries). Why here: the name, the type
 * information and the TTL settings are part of the savepoint format, so they are defined once, next to the state.
 */
public final class UserStateDescriptor {
    /** The keyed state's name in savepoints; never change it. */
    public static final String NAME = "user-state";

    private UserStateDescriptor() {
    }

    /** A new descriptor whose state expires {@code ttlMs} after its last write. */
    public static ValueStateDescriptor<UserState> create(long ttlMs) {
        ValueStateDescriptor<UserState> descriptor =
                new ValueStateDescriptor<>(NAME, TypeInformation.of(UserState.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMs))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupInRocksdbCompactFilter(1000)
                .build());
        return descriptor;
    }
}
