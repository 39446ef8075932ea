package io.streamrec.state;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink's type information for {@link UserState}: {@code TypeInformation.of(UserState.class)} finds it through the
 * {@code @TypeInfo} annotation on the class, so keyed state, checkpoints and the benchmarks all use
 * {@link UserStateSerializer} instead of the POJO serializer.
 */
public final class UserStateTypeInfo extends FixedTypeInfo<UserState> {
    private static final long serialVersionUID = 1L;

    public UserStateTypeInfo() {
        super(UserState.class, UserStateSerializer.INSTANCE);
    }

    /** Referenced by {@code @TypeInfo} on {@link UserState}. */
    public static final class Factory extends TypeInfoFactory<UserState> {
        @Override
        public TypeInformation<UserState> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new UserStateTypeInfo();
        }
    }
}
