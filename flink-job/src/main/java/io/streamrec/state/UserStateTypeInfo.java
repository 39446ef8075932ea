package io.streamrec.state;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink's type information for {@link UserState}: {@code TypeInformation.of(UserState.class)} finds it through the
 * {@code @TypeInfo} annotation on the class, so keyed state, checkpoints and the benchmarks all use
 * {@link UserStateSerializer} instead of the POJO serializer.
 */
public final class UserStateTypeInfo extends TypeInformation<UserState> {
    private static final long serialVersionUID = 1L;

    /** Referenced by {@code @TypeInfo} on {@link UserState}. */
    public static final class Factory extends TypeInfoFactory<UserState> {
        @Override
        public TypeInformation<UserState> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new UserStateTypeInfo();
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<UserState> getTypeClass() {
        return UserState.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<UserState> createSerializer(SerializerConfig config) {
        return UserStateSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "UserState";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserStateTypeInfo;
    }

    @Override
    public int hashCode() {
        return UserStateTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof UserStateTypeInfo;
    }
}
