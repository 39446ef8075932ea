package io.streamrec.state;

/**
 * What every format of the per-user state's serializer shares: a mutable {@link UserState}, created empty. The
 * current format ({@link UserStateSerializer}) and the restore-only older one
 * ({@link UserStateSerializer.Format1Serializer}) differ only in the bytes they read and write.
 */
abstract class AbstractUserStateSerializer extends StatelessSerializer<UserState> {
    private static final long serialVersionUID = 1L;

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final UserState createInstance() {
        return new UserState();
    }
}
